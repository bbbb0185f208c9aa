"""French error pages: 404 in the site layout, a standalone 500."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import include, path


def _boom(request):
    raise RuntimeError("boom")


# URLconf for the 500 test: the site's URLs plus a view that raises.
urlpatterns = [
    path("boom/", _boom),
    path("", include("portal.urls")),
]


@pytest.fixture
def home(db):
    from wagtail.models import Page, Site

    from home.models import HomePage

    home = HomePage(title="Accueil", slug="accueil")
    Page.get_first_root_node().add_child(instance=home)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.mark.parametrize(
    "url", ["/page-qui-n-existe-pas/", "/accueil/rien/", "/documents/999/x.pdf"]
)
@override_settings(DEBUG=False)
def test_unknown_url_answers_french_404_in_site_layout(client, home, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html  # skip link
    assert "Aller au contenu" in html
    assert "Page introuvable" in html
    assert 'aria-label="Navigation principale"' in html  # the site's header
    assert html.count("<h1") == 1


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_exception_answers_french_500(client, home):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Une erreur est survenue" in html
    assert 'href="#contenu"' in html
    assert "boom" not in html
    assert "Traceback" not in html


def test_500_template_needs_no_database():
    # No ``db`` fixture: any database access while rendering would fail the test.
    html = render_to_string("500.html")
    assert "Une erreur est survenue" in html
    assert '<html lang="fr">' in html
