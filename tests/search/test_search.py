import pytest
from django.db import connection
from django.urls import reverse
from wagtail.models import PageViewRestriction

from search import services

SEARCH_URL = "/recherche/"


def search(client, query, **params):
    return client.get(SEARCH_URL, {"q": query, **params})


def test_route_is_named_search():
    assert reverse("search") == SEARCH_URL


def test_finds_a_standard_page_by_a_word_of_its_body(client, make_page):
    page = make_page("Règlement intérieur", "Le patrimoine des bailleurs est mis à jour.")
    response = search(client, "patrimoine")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Règlement intérieur" in html
    assert f'href="{page.url}"' in html
    assert "Page standard" in html
    assert "1 résultat pour « patrimoine »" in html


def test_result_shows_extract_from_search_description_or_intro(client, make_page):
    make_page("Avec description", "mot-clé girouette", search_description="Résumé choisi.")
    make_page("Avec chapeau", "girouette encore", intro="Le chapeau de la page.")
    html = search(client, "girouette").content.decode()
    assert "Résumé choisi." in html
    assert "Le chapeau de la page." in html


def test_empty_query_shows_form_and_friendly_message(client, home):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(SEARCH_URL, params)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="q"' in html
        assert 'for="recherche-q"' in html
        assert "Saisissez un ou plusieurs mots" in html
        assert html.count("<h1") == 1


def test_no_result_message(client, home):
    html = search(client, "introuvablissime").content.decode()
    assert "Aucun résultat pour « introuvablissime »" in html


def test_pagination_ten_per_page(client, make_page):
    for number in range(23):
        make_page(f"Fiche pratique {number:02d}", "ascenseur disponible")
    first = search(client, "ascenseur").content.decode()
    assert "23 résultats pour « ascenseur »" in first
    assert first.count('class="search-result') == 10
    assert 'aria-label="Pages de résultats"' in first
    assert 'aria-current="page"' in first
    last = search(client, "ascenseur", page=3).content.decode()
    assert last.count('class="search-result') == 3
    html = "".join(
        search(client, "ascenseur", page=number).content.decode() for number in (1, 2, 3)
    )
    assert all(f"Fiche pratique {n:02d}" in html for n in range(23))


@pytest.mark.parametrize(
    ("page", "expected"),
    [("0", 1), ("-4", 1), ("abc", 1), ("", 1), ("99", 2), ("9" * 5000, 2), ("2.5", 1)],
)
def test_bad_page_number_goes_to_nearest_valid_page(client, make_page, page, expected):
    for number in range(12):
        make_page(f"Guide {number}", "locataire")
    response = search(client, "locataire", page=page)
    assert response.status_code == 200
    assert response.context["results_page"].number == expected


def test_very_long_query_is_a_normal_page(client, make_page):
    make_page("Charte", "engagement")
    response = search(client, "engagement " * 1000)
    assert response.status_code == 200
    assert len(response.context["search_query"]) <= services.MAX_QUERY_LENGTH
    assert 'lang="fr"' in response.content.decode()


ODD_QUERIES = [
    '"',
    "'",
    '"échange',
    "a & b | c",
    "!!!",
    "():*<>",
    "&|!():*<>",
    "foo:*",
    "NEAR(a b)",
    "a AND OR NOT b",
    "' OR 1=1 --",
    "'; DROP TABLE wagtailcore_page; --",
    "1) UNION SELECT password FROM auth_user --",
    "<script>alert(1)</script>",
    "%00%27",
    "\\",
    "*",
    "-",
    "échange à l’amiable — «ok»",
    "日本語のテキスト",
    "🏠🔁🏡",
    "Zoë \u200b\u200e\ufeff",
    "a\tb\nc\rd",
    "^~{}[]=;+@#$%?/,.",
    "le la de",
    "___",
    "a" * 300,
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_characters_answer_a_normal_french_page(client, make_page, query):
    make_page("Échange", "échange de logement")
    response = search(client, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "<script>alert(1)</script>" not in html


def test_query_keeps_its_words_around_odd_characters(client, make_page):
    make_page("Mutation", "échange de logement")
    html = search(client, '"logement" & (échange)*').content.decode()
    assert "Mutation" in html


def test_nul_byte_is_stripped(client, make_page):
    make_page("Quittance", "quittance de loyer")
    response = search(client, "quit\x00tance\x00")
    assert response.status_code == 200
    assert "\x00" not in response.context["search_query"]
    response = search(client, "quittance\x00")
    assert "Quittance" in response.content.decode()


def test_clean_query():
    assert services.clean_query(None) == ""
    assert services.clean_query("  a\x00b\x01 c\u200b  ") == "a b c"
    assert len(services.clean_query("x" * 10_000)) == services.MAX_QUERY_LENGTH
    assert services.search_terms('"a" & (b)* c:d') == "a b c d"


def test_unpublished_pages_are_not_found(client, make_page):
    make_page("Brouillon secret", "fenouil", live=False)
    published = make_page("Version publiée", "fenouil")
    published.unpublish()
    html = search(client, "fenouil").content.decode()
    assert "Brouillon secret" not in html
    assert "Version publiée" not in html
    assert "Aucun résultat" in html


def test_pages_outside_the_site_are_not_found(client, home):
    from wagtail.models import Page

    from home.models import StandardPage

    # A page under the tree root, beside the site's home page: another site's.
    outside = StandardPage(title="Autre site", slug="autre-site", intro="pastèque")
    Page.get_first_root_node().add_child(instance=outside)
    outside.save_revision().publish()
    html = search(client, "pastèque").content.decode()
    assert "Autre site" not in html
    assert "Aucun résultat" in html


@pytest.fixture
def private_section(make_page):
    section = make_page("Kit des adhérents", "rubrique réservée")
    child = make_page("Book de procédures confidentiel", "procédure mandragore", parent=section)
    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="motdepasse-kit"
    )
    return section, child, restriction


def test_restricted_page_is_hidden_from_anonymous_visitors(client, private_section):
    response = search(client, "mandragore")
    html = response.content.decode()
    assert "Book de procédures confidentiel" not in html
    assert "Aucun résultat" in html
    assert "Kit des adhérents" not in search(client, "réservée").content.decode()


def test_restricted_page_is_found_after_passing_the_restriction(client, private_section):
    section, child, restriction = private_section
    response = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, section.pk]),
        {"password": "motdepasse-kit", "return_url": section.url},
    )
    assert response.status_code == 302
    response = search(client, "mandragore")
    html = response.content.decode()
    assert "Book de procédures confidentiel" in html
    # Members-only results never land in a shared cache.
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_wrong_password_does_not_reveal_restricted_page(client, private_section):
    section, _child, restriction = private_section
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, section.pk]),
        {"password": "mauvais", "return_url": section.url},
    )
    assert "Book de procédures confidentiel" not in search(client, "mandragore").content.decode()


def test_login_restriction_accepts_signed_in_users(client, make_page, django_user_model):
    section = make_page("Réservé aux connectés", "topinambour")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    assert "Réservé aux connectés" not in search(client, "topinambour").content.decode()
    client.force_login(django_user_model.objects.create_user("agent", password="x"))
    assert "Réservé aux connectés" in search(client, "topinambour").content.decode()


def test_public_search_varies_on_cookie(client, make_page):
    make_page("Public", "navet")
    response = search(client, "navet")
    assert "Cookie" in response["Vary"]
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming needs PostgreSQL")
def test_french_stemming_on_postgresql(client, make_page):
    make_page("Bourse", "Un échange entre deux locataires.")
    html = search(client, "échanges").content.decode()
    assert "Bourse" in html


def test_news_note_shows_its_type_and_date(client, home):
    import datetime as dt

    from news.models import NewsIndexPage, NewsPage

    index = NewsIndexPage(title="Actualités", slug="actualites")
    home.add_child(instance=index)
    index.save_revision().publish()
    note = NewsPage(
        title="Note de mars", slug="note-mars", date=dt.date(2021, 3, 5), intro="Le chapeau."
    )
    index.add_child(instance=note)
    note.save_revision().publish()
    html = search(client, "mars").content.decode()
    assert "Note de mars" in html
    assert "Note d’actualités" in html
    assert '<time datetime="2021-03-05">5 mars 2021</time>' in html
    assert "Le chapeau." in html


class _BrokenResults:
    """Search results whose backend query fails, as a parse error would."""

    def search(self, *args, **kwargs):
        return self

    def count(self):
        from django.db import DatabaseError

        raise DatabaseError("syntax error in tsquery")

    def __getitem__(self, key):
        return self.count()


def test_backend_error_shows_no_result(client, make_page, monkeypatch):
    make_page("Page sûre", "pomme")
    monkeypatch.setattr(services, "visible_documents_for", lambda request: _BrokenResults())
    response = search(client, "pomme")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Page sûre" in html
    assert "1 résultat pour « pomme »" in html


@pytest.mark.parametrize("query", ['"', "a & | b", "():*", "foo:*", "' OR 1=1 --", "NEAR(", "\\"])
def test_raw_odd_query_reaching_the_backend_answers_normally(client, make_page, monkeypatch, query):
    # Even without the word filter, the backend's own parse errors give a page.
    make_page("Échange", "échange de logement")
    monkeypatch.setattr(services, "search_terms", lambda text: text)
    response = search(client, query)
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    # The request's transaction is still usable after a backend error.
    assert "Échange" in search(client, "échange").content.decode()
