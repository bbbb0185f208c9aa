"""The tenant search's map (issue 19): tiles from the setting, a visible French note
when they fail (here: every tile request aborted), French zoom controls, markers
named by commune and count and grouped when they would overlap; the list first."""

import re

import pytest
from playwright.sync_api import expect

from bourse.factories import DwellingFactory
from bourse.models import Landlord
from bourse.territories import ensure_reference_data
from home.demo import ensure_root
from tests.browser.signin import sign_in
from tests.tenants.conftest import PASSWORD, make_tenant

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def viewer(live_server, settings):
    settings.TENANT_MAP_TILES_URL = live_server.url + "/tuiles-test/{z}/{x}/{y}.png"
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    viewer = make_tenant(landlord, 1, dwelling=DwellingFactory(landlord=landlord, n=1))
    for n, insee in ((2, "75111"), (3, "75111"), (4, "75112"), (5, "91228")):
        make_tenant(landlord, n, dwelling=DwellingFactory(landlord=landlord, n=n, insee=insee))
    return viewer


def test_tiles_blocked_the_map_says_so_in_french_and_names_its_markers(page, viewer):
    page.route("**/tuiles-test/**", lambda route: route.abort())
    sign_in(page, viewer.user.email, PASSWORD, "/locataire/recherche/")
    expect(page).to_have_url(re.compile(r"/locataire/recherche/$"))
    expect(page.locator("#carte-indisponible")).to_be_visible()
    expect(page.locator("#carte-indisponible")).to_contain_text(
        "Le fond de carte n’a pas pu être chargé"
    )
    carte = page.locator("#carte")
    expect(carte.get_by_role("button", name="Zoomer", exact=True)).to_be_visible()
    expect(carte.get_by_role("button", name="Dézoomer", exact=True)).to_be_visible()
    expect(carte.get_by_role("button", name="Évry-Courcouronnes : 1 annonce")).to_be_visible()
    # Paris 11e and 12e are a few kilometres apart: grouped at a small zoom, apart once
    # zoomed in; no marker is only a number.
    names = [m.get_attribute("title") for m in carte.locator(".map-marker").all()]
    assert all(re.search(r"\D : \d+ annonces?$", name) for name in names), names
    eleventh = carte.get_by_role("button", name="Paris 11e Arrondissement : 2 annonces")
    for _ in range(6):
        if eleventh.count():
            break
        carte.get_by_role("button", name="Zoomer", exact=True).click()
        page.wait_for_timeout(400)
    expect(eleventh).to_be_visible()
    expect(carte.get_by_role("button", name="Paris 12e Arrondissement : 1 annonce")).to_be_visible()
    for _ in range(8):
        carte.get_by_role("button", name="Dézoomer", exact=True).click()
        page.wait_for_timeout(300)
    group = carte.locator(".map-marker:has(.map-group)")
    expect(group).to_have_count(1)
    expect(group).to_have_attribute("title", re.compile(r" : 4 annonces$"))
    # The list stays the primary view: it comes first in the page.
    assert page.locator(".search-results").count() == 1
    assert_no_axe_violations(page, "recherche, carte sans fond")


@pytest.mark.parametrize("width", [375, 1280], ids=["telephone", "bureau"])
def test_stale_and_unknown_commune_links(page, viewer, width):
    """A link to a commune whose listings have gone shows none, the commune still
    chosen; an unknown code is named in French (axe-clean) and the listings are said
    not to be filtered; choosing a commune of the list clears it."""
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, viewer.user.email, PASSWORD, "/locataire/recherche/?commune=94028")
    commune = page.get_by_label("Commune")
    expect(page.get_by_role("heading", name="0 annonce")).to_be_visible()
    expect(commune.locator("option:checked")).to_contain_text("(aucune annonce)")
    alert = page.get_by_role("alert").filter(has_text="ne sont pas filtrées")
    expect(alert).to_have_count(0)
    page.goto("/locataire/recherche/?commune=99999")
    expect(alert).to_be_visible()
    expect(commune).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_commune-erreur")).to_contain_text(
        "Commune inconnue : choisissez-en une dans la liste."
    )
    assert_no_axe_violations(page, "/locataire/recherche/?commune=99999")
    commune.select_option("75111")
    filters = page.get_by_role("form", name="Filtrer les annonces")
    filters.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page).to_have_url(re.compile(r"commune=75111"))
    expect(alert).to_have_count(0)
    expect(page.get_by_role("heading", name="2 annonces")).to_be_visible()
