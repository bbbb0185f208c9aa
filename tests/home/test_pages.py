"""Page-type rules and rendering of the home and standard pages."""

import pytest
from wagtail.models import Page

from home.models import HomePage, KeyFigure, StandardPage
from news.models import NewsIndexPage

pytestmark = pytest.mark.django_db


def test_home_page_only_under_root_and_only_one():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.max_count == 1


def test_standard_pages_under_home_or_standard_pages():
    assert set(StandardPage.allowed_parent_page_models()) == {HomePage, StandardPage}
    assert StandardPage in HomePage.allowed_subpage_models()
    assert StandardPage not in NewsIndexPage.allowed_subpage_models()


def test_home_page_renders_headline_figures_and_entry_points(client, home):
    KeyFigure.objects.create(page=home, value="1 080", label="locataires ayant échangé")
    home.milestone_text = "1 000 locataires ayant échangé le 24/04/2021"
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert 'lang="fr"' in html
    assert "Échangez votre logement" in html
    assert "1 080" in html and "locataires ayant échangé" in html
    assert "24/04/2021" in html
    for entry in (
        "/bourse/inscription/",
        "/bourse/connexion/",
        "/contact/",
        "/bourse/statistiques/",
        "/espace-adherents/",
    ):
        assert entry in html
    assert 'href="#contenu"' in html  # skip link


def test_standard_page_renders(client, home):
    page = StandardPage(
        title="Mentions légales",
        slug="mentions-legales",
        intro="Éditeur du portail",
        body=[("heading", {"text": "Éditeur"}), ("paragraph", "<p>GIE Echanger Habiter</p>")],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/mentions-legales/")
    assert response.status_code == 200
    assert "GIE Echanger Habiter" in response.content.decode()
