"""The partner space in a real browser: a partner of the State opens the space,
signs in on the sign-in page it is sent to, reads their contingent, downloads
a CSV equal to the table on screen; axe-core: 0 violations on the space's
pages, on a phone (375 px wide) and a desktop."""

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from bourse.factories import PartnerFactory
from bourse.territories import ensure_reference_data
from tests.partners.conftest import SURNAME, exchange, html_tables

from .conftest import assert_no_axe_violations
from .signin import fill_sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-Partenaire-1"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(live_server, home):
    from bourse.models import Landlord, Position, Reservataire
    from bourse.stats.compute import recompute_statistics

    ensure_reference_data()
    a = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    b = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    state = Reservataire.objects.create(kind="etat", name="État (DRIHL)", position="adhesion")
    Reservataire.objects.create(
        kind="commune", code="92051", name="Neuilly-sur-Seine", position=Position.OPPOSITION
    )
    exchange([(a, "93048", "etat"), (b, "75111", "commune")], completed_on=dt.date(2024, 3, 5))
    exchange([(a, "93066", "etat"), (b, "75112", "etat")], completed_on=dt.date(2024, 5, 6))
    recompute_statistics()
    partner = PartnerFactory(username="partenaire-etat", reservataire=state)
    partner.set_password(PASSWORD)
    partner.save(update_fields=["password"])
    return partner


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["telephone", "bureau"])
def test_partner_reads_their_contingent_and_downloads_it(page, world, viewport):
    page.set_viewport_size(viewport)
    page.goto("/bourse/espace-partenaire/")
    fill_sign_in(page, "partenaire-etat", PASSWORD)
    expect(page).to_have_url("/bourse/espace-partenaire/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace partenaire")
    expect(page.get_by_role("heading", level=1)).to_contain_text("État (DRIHL)")
    assert_no_axe_violations(page, f"accueil de l’espace partenaire ({viewport['width']} px)")

    page.get_by_role("navigation", name="Espace partenaire").get_by_role(
        "link", name="Mon contingent"
    ).click()
    table = page.get_by_role("table", name="Votre contingent par mois")
    expect(table.locator("tfoot")).to_contain_text("Total")
    assert_no_axe_violations(page, f"contingent ({viewport['width']} px)")
    page.get_by_label("Année").select_option("2024")
    page.get_by_role("button", name="Afficher").click()
    expect(table.get_by_role("row", name="05/2024 0 1 2 2")).to_be_visible()

    shown = html_tables(page.content())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger « Votre contingent par mois » (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "partenaire-contingent-2024.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == shown["contingent"]
    assert SURNAME not in text and SURNAME not in page.content()

    page.get_by_role("link", name="Positions des collectivités").first.click()
    expect(page.get_by_role("table", name="Collectivités et réservataires")).to_contain_text(
        "Neuilly-sur-Seine"
    )
    assert_no_axe_violations(page, f"positions ({viewport['width']} px)")
