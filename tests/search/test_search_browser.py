"""The search page in a real browser: keyboard use and axe-core."""

import re

import pytest
from playwright.sync_api import expect

from home.models import HomePage, StandardPage
from tests.axe import assert_no_axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def demo_site(live_server, demo_content):
    home = HomePage.objects.get()
    for number in range(14):
        fiche = StandardPage(
            title=f"Fiche pratique {number}",
            slug=f"fiche-pratique-{number}",
            intro="Une fiche pour préparer son échange.",
            body=[("paragraph", "<p>Le dossier d’échange pas à pas.</p>")],
        )
        home.add_child(instance=fiche)
        fiche.save_revision().publish()
    return live_server


def test_search_from_the_results_page_with_the_keyboard(page, demo_site):  # noqa: F811
    page.goto("/recherche/")
    field = page.get_by_label("Rechercher dans les pages et les documents")
    field.fill("dossier")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=dossier"))
    expect(page.get_by_role("status")).to_contain_text("résultats pour « dossier »")
    navigation = page.get_by_role("navigation", name="Pages de résultats")
    navigation.get_by_role("link", name="Page suivante").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(navigation.locator("[aria-current=page]")).to_contain_text("2")


@pytest.mark.parametrize(
    "path",
    [
        "/recherche/",
        "/recherche/?q=dossier",
        "/recherche/?q=dossier&page=2",
        "/recherche/?q=introuvablissime",
        "/recherche/?q=%22%26%7C%21%28%29%3A%2A%3C%3E",
    ],
)
def test_search_pages_have_no_axe_violations(page, demo_site, path):  # noqa: F811
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page, path)
