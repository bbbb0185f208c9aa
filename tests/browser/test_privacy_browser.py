"""Personal data in a real browser (issue 18): a tenant downloads its data (the
ZIP opened, its JSON read); a landlord agent opens that tenant's page; the AMO
finds the access in the log. axe-core: 0 violations on the new pages, on a
desktop and on a phone (375 px wide)."""

import io
import json
import zipfile

import pytest
from playwright.sync_api import expect

from bourse.factories import StaffFactory
from bourse.models import StaffRole
from tests.tenants.conftest import PASSWORD, make_tenant

from .conftest import assert_no_axe_violations
from .signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def check_axe(page, label):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        assert_no_axe_violations(page, f"{label} ({viewport['width']} px)")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def world(live_server, home):
    from bourse.models import Landlord
    from bourse.territories import ensure_reference_data

    ensure_reference_data()
    landlord = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    tenant = make_tenant(landlord, 1)
    StaffFactory(
        username="agent-ssdh",
        role=StaffRole.AGENT,
        landlord=landlord,
        password=PASSWORD,
        first_name="Alice",
        last_name="Martin",
    )
    StaffFactory(username="amo-bourse", role=StaffRole.SUPER_ADMIN, password=PASSWORD)
    return tenant


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_tenant_downloads_its_data_and_the_amo_finds_the_agents_look(
    page, browser, live_server, world
):
    tenant = world
    # The tenant: « Mes données », the download, the deletion's confirmation step.
    page.set_viewport_size(DESKTOP)
    sign_in(page, tenant.user.username, PASSWORD)
    page.get_by_role("navigation", name="Espace locataire").get_by_role(
        "link", name="Mes données"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données personnelles")
    expect(page.get_by_role("table")).to_contain_text("24 mois")
    check_axe(page, "mes données")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger mes données").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    data = json.loads(archive.read("donnees.json"))
    assert data["profil"]["adresse électronique"] == tenant.user.email
    assert data["annonce"]["description du logement"] == "Un beau logement lumineux."
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez la case")
    check_axe(page, "supprimer mon compte (erreurs)")

    # A landlord agent opens the tenant's page.
    agent_page = new_page(browser, live_server)
    sign_in(agent_page, "agent-ssdh", PASSWORD)
    agent_page.goto(f"/bourse/espace-bailleur/locataires/{tenant.pk}/")
    expect(agent_page.get_by_role("heading", level=1)).to_contain_text(tenant.user.last_name)
    expect(
        agent_page.get_by_role("navigation", name="Espace bailleur").get_by_role(
            "link", name="Journal des accès"
        )
    ).to_have_count(0)
    agent_page.context.close()

    # The AMO finds that look in the access log.
    amo_page = new_page(browser, live_server)
    sign_in(amo_page, "amo-bourse", PASSWORD)
    amo_page.get_by_role("navigation", name="Espace bailleur").get_by_role(
        "link", name="Journal des accès"
    ).click()
    expect(amo_page.get_by_role("heading", level=1)).to_contain_text("Journal des accès")
    amo_page.get_by_label("Locataire").fill(tenant.user.last_name)
    amo_page.get_by_role("button", name="Filtrer").click()
    row = amo_page.get_by_role("row").filter(has_text="fiche locataire")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Alice Martin")
    expect(row).to_contain_text(tenant.user.last_name)
    check_axe(amo_page, "journal des accès")
    with amo_page.expect_download() as info:
        amo_page.get_by_role("link", name="Exporter en CSV").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    assert "fiche locataire" in text and tenant.user.last_name in text
    amo_page.context.close()
