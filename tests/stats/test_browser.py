"""The statistics in a real browser: a partner goes from the home page to the
public statistics, filters by year, downloads a CSV; a landlord agent opens
the staff statistics. axe-core: 0 violations on each page."""

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from bourse.models import StaffRole
from bourse.stats.compute import recompute_statistics
from tests.axe import assert_no_axe_violations
from tests.browser.signin import fill_sign_in

from .conftest import PASSWORD_STAFF, done, html_tables

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(live_server, home):
    from bourse.factories import StaffFactory
    from bourse.models import Landlord
    from bourse.territories import ensure_reference_data

    ensure_reference_data()
    a = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    b = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    for month in (2, 3, 3, 5):
        done([(a, "93048"), (b, "75111")], dt.date(2024, month, 10))
    for day in range(1, 7):
        done([(a, "93066"), (b, "75112")], dt.date(2025, 1, day))
    recompute_statistics()
    agent = StaffFactory(username="agent-ssdh", role=StaffRole.AGENT, landlord=a)
    agent.set_password(PASSWORD_STAFF)
    agent.save()
    return {"a": a, "b": b, "agent": agent}


def test_partner_filters_the_public_statistics_and_downloads_a_table(page, world):
    page.goto("/")
    page.get_by_role("link", name="Voir les statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques de la bourse d’échange")
    assert page.locator("svg.stats-chart").count() == 3
    assert_no_axe_violations(page, "statistiques publiques")

    page.get_by_label("Année").select_option("2024")
    page.get_by_label("Département").select_option("93")
    page.get_by_role("button", name="Afficher").click()
    evolution = page.get_by_role("table", name="Évolution des échanges")
    expect(evolution.locator("tfoot")).to_contain_text("4")
    expect(evolution.get_by_role("row", name="03/2024 2 2")).to_be_visible()
    assert_no_axe_violations(page, "statistiques publiques filtrées")

    shown = html_tables(page.content())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger « Évolution des échanges » (CSV)").click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == shown["evolution"]

    page.get_by_label("Année").select_option("2025")
    page.get_by_role("button", name="Afficher").click()
    communes = page.get_by_role("table", name="Locataires ayant échangé par commune")
    expect(communes.get_by_role("row", name="Montreuil 93048 93 0")).to_be_visible()
    expect(communes.get_by_role("row", name="Noisy-le-Sec 93053 93 0")).to_have_count(0)


def test_agent_opens_the_staff_statistics(page, world):
    page.goto("/bourse/espace-bailleur/statistiques/")
    fill_sign_in(page, "agent-ssdh", PASSWORD_STAFF)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seine-Saint-Denis Habitat")
    expect(page.get_by_role("table", name="Délais moyens par étape")).to_be_visible()
    expect(page.get_by_role("table", name="Alertes en cours")).to_be_visible()
    assert_no_axe_violations(page, "statistiques de l’espace bailleur")
