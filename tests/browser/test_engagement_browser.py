"""Issue 9 screens in a browser: the dashboard with "qui veut mon logement" and a
listing paused for unanswered requests, saving a search and the alerts page, the
one-click unsubscribe page, recording a visit outcome, and the landlord reading it
on the exchange file; axe-core (0 violations) on each."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bourse.factories import DwellingFactory
from bourse.models import StaffRole
from bourse.permissions import set_staff_role
from bourse.tenants import answering, contacts
from bourse.tenants.models import ContactRequest, SavedSearch
from bourse.tenants.tokens import unsubscribe_token
from bourse.territories import ensure_reference_data
from home.demo import ensure_root
from tests.browser.signin import fill_sign_in
from tests.browser.signin import sign_in as browser_sign_in
from tests.tenants.conftest import PASSWORD, make_tenant

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(live_server, settings):
    from django.contrib.auth import get_user_model

    from bourse.models import Landlord

    settings.TENANT_MAP_TILES_URL = ""
    settings.SMS_BACKEND = "bourse.tenants.sms.LocmemBackend"
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    me = make_tenant(landlord, 1)  # T3 in Montreuil
    seekers = [make_tenant(landlord, n, communes=["93048"]) for n in (2, 3)]
    make_tenant(
        landlord,
        4,
        dwelling=DwellingFactory(landlord=landlord, n=4, insee="75111", typology="T2"),
        typologies=["T3"],
    )
    agent = get_user_model().objects.create_user(
        "agent-test", email="agent@bailleur.example", password=PASSWORD, first_name="Agent"
    )
    set_staff_role(agent, StaffRole.AGENT, landlord)
    return {"me": me, "seekers": seekers, "agent": agent}


def sign_in(page, username):
    browser_sign_in(page, username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_dashboard_saved_search_and_unsubscribe(page, scene):
    me, seeker = scene["me"], scene["seekers"][0]
    # A request left unanswered for 14 days: my listing is paused.
    request_obj = contacts.send_request(seeker, me.listing, "Bonjour, votre T3 m’intéresse.")
    ContactRequest.objects.filter(pk=request_obj.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    answering.pause_unanswered(timezone.now())

    sign_in(page, me.user.username)
    expect(page.get_by_role("heading", name="Qui veut mon logement ?")).to_be_visible()
    expect(page.get_by_text("3 ménages cherchent un logement comme le vôtre")).to_be_visible()
    expect(page.locator("#annonce-en-pause")).to_contain_text("retirée de la recherche")
    assert_no_axe_violations(page, "tableau de bord (qui veut mon logement, annonce en pause)")

    # Answer the request: back in the search.
    page.locator("#annonce-en-pause").get_by_role("link").first.click()
    page.get_by_label("Je décline").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.goto("/locataire/")
    expect(page.locator("#annonce-en-pause")).to_have_count(0)

    # Save a search from the search page.
    page.goto("/locataire/recherche/?typology=T3&min_surface=50")
    page.get_by_text("Enregistrer cette recherche et être alerté").click()
    page.get_by_label("Nom de la recherche (facultatif)").fill("Un T3 assez grand")
    assert_no_axe_violations(page, "recherche avec le formulaire d’enregistrement")
    page.get_by_role("button", name="Enregistrer la recherche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes recherches et mes alertes")
    expect(page.get_by_role("link", name="Un T3 assez grand")).to_be_visible()
    page.get_by_label("Recevoir aussi mes alertes par SMS").check()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    expect(page.get_by_role("status").first).to_contain_text("préférences")
    assert_no_axe_violations(page, "mes recherches et mes alertes")

    # One click on the digest's link stops that search's alerts; undo is offered.
    search = SavedSearch.objects.get(tenant=me)
    page.goto(f"/locataire/alertes/arreter/{unsubscribe_token(me.pk, f's{search.pk}')}/")
    expect(page.get_by_role("status").first).to_contain_text("Un T3 assez grand")
    assert_no_axe_violations(page, "désabonnement en un clic")
    search.refresh_from_db()
    assert not search.alerts
    page.get_by_role("button", name=re.compile("Annuler")).click()
    expect(page.get_by_role("status").first).to_contain_text("rétabli")
    search.refresh_from_db()
    assert search.alerts


def test_visit_outcome_recorded_then_read_by_the_landlord(page, browser, scene, live_server):
    me, other = scene["me"], scene["seekers"][0]
    request_obj = contacts.send_request(me, other.listing, "Bonjour")
    contacts.answer(request_obj, other, accept=True)
    contacts.set_nur(me, "0931121000001GDPUB")
    contacts.set_nur(other, "0931121000002GDPUB")
    request_obj.refresh_from_db()
    assert request_obj.exchange_file_id

    sign_in(page, me.user.username)
    page.goto(f"/locataire/demandes/{request_obj.pk}/")
    expect(page.get_by_role("heading", name="Après la visite")).to_be_visible()
    page.get_by_role("button", name="Noter le résultat de la visite").click()  # empty
    expect(page.locator(".form-error-summary")).to_contain_text("Dites si le logement")
    assert_no_axe_violations(page, "résultat de visite avec erreur")
    page.get_by_label("Ce logement ne m’intéresse pas").check()
    page.get_by_label("Pourquoi ? (facultatif, lu par les bailleurs)").fill("Pas de balcon")
    page.get_by_role("button", name="Noter le résultat de la visite").click()
    expect(page.get_by_role("status").first).to_contain_text("résultat de votre visite")
    assert_no_axe_violations(page, "demande avec résultat de visite")

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    staff = context.new_page()
    staff.set_default_timeout(10_000)
    staff.goto(f"/dossiers/{request_obj.exchange_file_id}/")
    fill_sign_in(staff, "agent-test", PASSWORD)
    expect(staff.locator("#visites")).to_be_visible()
    expect(staff.get_by_text("« Pas de balcon »")).to_be_visible()
    assert_no_axe_violations(staff, "dossier d’échange avec les visites")
    context.close()
