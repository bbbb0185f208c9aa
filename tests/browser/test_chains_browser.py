"""Exchange chains in a browser: the proposal on the household's dashboard, the
proposal page (accepting with the NUR, a wrong NUR first; declining), and the
landlord's list of chains; axe-core (0 violations) on each."""

import re

import pytest
from playwright.sync_api import expect

from bourse.chains import services
from bourse.chains.models import Answer, ChainProposal, ProposalStatus
from bourse.factories import StaffFactory
from bourse.models import Landlord, StaffRole
from bourse.territories import ensure_reference_data
from home.demo import ensure_root
from tests.chains.conftest import chain_tenant
from tests.tenants.conftest import PASSWORD

from .conftest import assert_no_axe_violations
from .test_engagement_browser import sign_in
from .test_exchange_browser import PASSWORD as STAFF_PASSWORD
from .test_exchange_browser import sign_in as staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(live_server, settings):
    settings.TENANT_MAP_TILES_URL = ""
    settings.CHAINS_SEARCH_ON_CHANGE = False
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    landlord_b = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    households = [
        chain_tenant(landlord, 1, 2),
        chain_tenant(landlord, 2, 3),
        chain_tenant(landlord_b, 3, 1),
    ]
    services.find_chains()
    agent = StaffFactory(
        username="agent-chaines", role=StaffRole.AGENT, landlord=landlord, password=PASSWORD
    )
    agent.set_password(STAFF_PASSWORD)
    agent.save(update_fields=["password"])
    return {"households": households, "proposal": ChainProposal.objects.get(), "agent": agent}


def test_household_accepts_with_its_nur_another_declines(page, browser, live_server, scene):
    first, second = scene["households"][:2]
    proposal = scene["proposal"]

    sign_in(page, first.user.username)
    panel = page.locator("section", has=page.locator("#chaines"))
    expect(
        panel.get_by_role("heading", name="Mes propositions de chaîne d’échange")
    ).to_be_visible()
    expect(panel).to_contain_text("Chaîne de 3 ménages")
    expect(panel).not_to_contain_text(second.user.last_name)
    assert_no_axe_violations(page, "tableau de bord avec une proposition de chaîne")

    panel.get_by_role("link", name=re.compile("Voir et répondre")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposition de chaîne de 3 ménages")
    assert_no_axe_violations(page, "proposition de chaîne")

    nur = page.get_by_label(re.compile("NUR"))
    nur.fill("!!")
    page.get_by_role("button", name="J’accepte cette chaîne").click()
    expect(page.locator("#erreur-nur")).to_contain_text("075 06 23 012345 GDPUB")
    assert_no_axe_violations(page, "proposition de chaîne, NUR refusé")
    assert proposal.members.get(position=1).answer == Answer.PENDING

    page.get_by_label(re.compile("NUR")).fill("093 11 21 000001 gdpub")
    page.get_by_role("button", name="J’accepte cette chaîne").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre accord est enregistré")
    expect(page.get_by_text("1 ménage sur 3 a accepté")).to_be_visible()
    assert_no_axe_violations(page, "proposition de chaîne acceptée")
    assert proposal.members.get(position=1).answer == Answer.ACCEPTED

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    other = context.new_page()
    other.set_default_timeout(10_000)
    sign_in(other, second.user.username)
    other.goto(f"/locataire/chaines/{proposal.pk}/")
    other.get_by_role("button", name="Je décline cette chaîne").click()
    expect(other.get_by_role("status").first).to_contain_text("Vous avez décliné cette chaîne")
    expect(other.locator("#chaines").locator("..")).to_contain_text("dissoute")
    assert_no_axe_violations(other, "tableau de bord après un refus de chaîne")
    context.close()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISSOLVED


def test_landlord_list_of_chains(browser, live_server, scene):
    page = staff_sign_in(browser, live_server.url, "agent-chaines")
    page.goto("/bourse/espace-bailleur/chaines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chaînes d’échange proposées")
    proposal = scene["proposal"]
    expect(page.get_by_role("heading", name=re.compile(f"Chaîne n° {proposal.pk}"))).to_be_visible()
    expect(page.get_by_text("Ménage d’un autre bailleur (Paris Habitat)")).to_be_visible()
    assert_no_axe_violations(page, "chaînes d’échange du bailleur")
    page.get_by_label("Statut").select_option("dissolved")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucune chaîne pour l’instant.")).to_be_visible()
    assert_no_axe_violations(page, "chaînes d’échange filtrées")
    page.context.close()
