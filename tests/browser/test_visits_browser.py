"""Visits in a browser: in an accepted contact request, tenant A proposes slots for
the visit of her home, tenant B picks one; the .ics downloads and parses; axe-core
finds 0 violations on the visit pages, on a desktop and at 375 px."""

import datetime as dt
import re

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bourse.tenants.models import ContactRequest, ContactStatus
from bourse.territories import ensure_reference_data
from bourse.visits.models import Visit, VisitStatus
from home.demo import ensure_root
from tests.tenants.conftest import make_tenant

from .conftest import assert_no_axe_violations
from .test_engagement_browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def scene(live_server, settings):
    from bourse.models import Landlord

    settings.TENANT_MAP_TILES_URL = ""
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    alice, bruno = make_tenant(landlord, 1), make_tenant(landlord, 2)
    request = ContactRequest.objects.create(
        sender=alice,
        receiver=bruno,
        message="Bonjour, échangeons ?",
        status=ContactStatus.ACCEPTED,
        answer="Volontiers.",
        created_at=timezone.now() - dt.timedelta(days=2),
        answered_at=timezone.now() - dt.timedelta(days=1),
    )
    return alice, bruno, request


def check_axe(page, label):
    assert_no_axe_violations(page, label)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert_no_axe_violations(page, f"{label} (375 px)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(size)


def test_propose_pick_and_download_the_invitation(page, browser, live_server, scene):
    alice, bruno, request = scene
    in_three_days = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    in_four_days = (timezone.localdate() + dt.timedelta(days=4)).isoformat()

    sign_in(page, alice.user.username)
    page.goto(f"/locataire/demandes/{request.pk}/")
    section = page.locator("section", has=page.locator("#visites"))
    expect(section).to_contain_text("Visite de votre logement par Prénom2")
    section.get_by_role("link", name="Proposer des créneaux").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Visite de votre logement par Prénom2 N."  # the pseudonym: first name, initial
    )
    check_axe(page, "proposer des créneaux")

    # A slot at night first: refused with a French message, nothing stored.
    page.locator("#id_day_1").fill(in_three_days)
    page.locator("#id_time_1").fill("22:00")
    page.get_by_role("button", name="Proposer ces créneaux").click()
    expect(page.get_by_role("alert")).to_contain_text("heure raisonnable")
    check_axe(page, "créneaux refusés")
    assert not Visit.objects.exists()

    page.locator("#id_day_1").fill(in_three_days)
    page.locator("#id_time_1").fill("10:00")
    page.locator("#id_day_2").fill(in_four_days)
    page.locator("#id_time_2").fill("18:30")
    page.locator("#id_duration_2").select_option("45")
    page.get_by_role("button", name="Proposer ces créneaux").click()
    expect(page.get_by_role("status").first).to_contain_text("Vos créneaux sont proposés")
    expect(page.get_by_text("En attente du choix de Prénom2")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("rue de la République")
    check_axe(page, "visite proposée (hôte)")
    visit = Visit.objects.get()

    context = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    other = context.new_page()
    other.set_default_timeout(10_000)
    sign_in(other, bruno.user.username)
    panel = other.locator("section", has=other.locator("#mes-visites"))
    expect(panel).to_contain_text("Visite du logement de Prénom1")
    panel.get_by_role("link", name="Choisir un créneau").click()
    check_axe(other, "visite à choisir")
    other.get_by_role("button", name="Confirmer ce créneau").click()
    expect(other.get_by_role("alert")).to_contain_text("l’un des créneaux proposés")
    other.get_by_label(re.compile("18:30")).check()
    other.get_by_role("button", name="Confirmer ce créneau").click()
    expect(other.get_by_role("status").first).to_contain_text("La visite est confirmée")
    expect(other.locator("main")).to_contain_text("1 rue de la République")
    check_axe(other, "visite confirmée (visiteur)")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED

    with other.expect_download() as download_info:
        other.get_by_role("link", name=re.compile("Ajouter à mon agenda")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(open(download.path(), "rb").read())
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    start = event.decoded("DTSTART")
    assert (start.date().isoformat(), start.strftime("%H:%M")) == (in_four_days, "18:30")
    assert "rue de la République" in str(event["LOCATION"])
    context.close()

    page.reload()
    expect(page.locator("main")).to_contain_text("confirmée le")
    check_axe(page, "visite confirmée (hôte)")
