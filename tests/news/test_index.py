"""News index: filters by theme and year, pagination, constant query count."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db


def titles(response):
    return [note.title for note in response.context["notes"]]


def test_lists_live_public_notes_newest_first(client, news_index, make_note):
    make_note("Mars", date=dt.date(2021, 3, 26))
    make_note("Juin", date=dt.date(2021, 6, 4))
    make_note("Brouillon", date=dt.date(2021, 7, 1), publish=False)
    private = make_note("Réservée", date=dt.date(2021, 8, 1))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(news_index.url)
    assert response.status_code == 200
    assert titles(response) == ["Juin", "Mars"]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<time datetime="2021-06-04">4 juin 2021</time>' in html


def test_members_see_restricted_notes_of_the_index(
    client, django_user_model, news_index, make_note
):
    make_note("Publique", date=dt.date(2021, 3, 26))
    private = make_note("Réservée", date=dt.date(2021, 8, 1))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    user = django_user_model.objects.create_user("membre", password="x")
    client.force_login(user)
    assert titles(client.get(news_index.url)) == ["Réservée", "Publique"]


def test_filter_by_theme_and_year(client, news_index, make_note, themes):
    make_note("A", date=dt.date(2021, 6, 4), theme=themes["evolutions"])
    make_note("B", date=dt.date(2020, 5, 1), theme=themes["evolutions"])
    make_note("C", date=dt.date(2021, 4, 26), theme=themes["reseau"])

    response = client.get(news_index.url, {"theme": "evolutions"})
    assert titles(response) == ["A", "B"]
    assert response.context["current_theme"] == themes["evolutions"]

    assert titles(client.get(news_index.url, {"annee": "2021"})) == ["A", "C"]
    assert titles(client.get(news_index.url, {"annee": "2021", "theme": "vie-du-reseau"})) == ["C"]

    html = client.get(news_index.url).content.decode()
    assert '<label class="form-label" for="filtre-theme">Thème</label>' in html
    assert '<label class="form-label" for="filtre-annee">Année</label>' in html
    assert '<option value="vie-du-reseau">Vie du réseau</option>' in html
    assert '<option value="2020">2020</option>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "inconnu"},
        {"theme": ""},
        {"annee": "abc"},
        {"annee": "1999"},
        {"annee": "-1"},
        {"annee": "2021' OR 1=1"},
        {"theme": "x" * 80, "annee": "9" * 40},
    ],
)
def test_bad_filter_values_are_ignored(client, news_index, make_note, themes, params):
    make_note("A", date=dt.date(2021, 6, 4), theme=themes["evolutions"])
    make_note("B", date=dt.date(2020, 5, 1))
    response = client.get(news_index.url, params)
    assert response.status_code == 200
    assert titles(response) == ["A", "B"]


def test_pagination_ten_per_page_and_bad_pages(client, news_index, make_note, themes):
    for day in range(1, 24):
        make_note(f"Note du {day}", date=dt.date(2021, 1, day), theme=themes["reseau"])

    first = client.get(news_index.url)
    assert len(first.context["notes"]) == 10
    assert first.context["page_obj"].paginator.num_pages == 3
    assert titles(first)[0] == "Note du 23"
    html = first.content.decode()
    assert 'aria-current="page"' in html
    assert "?page=2" in html

    third = client.get(news_index.url, {"page": "3"})
    assert titles(third) == ["Note du 3", "Note du 2", "Note du 1"]

    for bad, expected in [("abc", 1), ("", 1), ("0", 1), ("-4", 1), ("999", 3), ("1.5", 1)]:
        response = client.get(news_index.url, {"page": bad})
        assert response.status_code == 200, bad
        assert response.context["page_obj"].number == expected, bad

    # Filters are kept in the page links.
    html = client.get(news_index.url, {"theme": "vie-du-reseau"}).content.decode()
    assert "?theme=vie-du-reseau&amp;page=2" in html


def _count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _make_notes(make_note, themes, count, start=0):
    for number in range(start, start + count):
        make_note(
            f"Note {number}",
            date=dt.date(2020, 1, 1) + dt.timedelta(days=number * 11),
            theme=themes["reseau" if number % 2 else "evolutions"],
            reference=f"FAB18 – {number:03d}a",
            intro="Une note d’actualités.",
        )


def test_index_query_count_does_not_grow_with_notes(client, news_index, make_note, themes):
    _make_notes(make_note, themes, 3)
    few = _count_queries(client, news_index.url)
    _make_notes(make_note, themes, 27, start=3)
    many = _count_queries(client, news_index.url)
    assert few == many
    # Filtered and later pages too.
    assert _count_queries(client, news_index.url + "?theme=vie-du-reseau&page=2") == many


def test_home_query_count_does_not_grow_with_notes(client, home, news_index, make_note, themes):
    _make_notes(make_note, themes, 3)
    few = _count_queries(client, "/")
    _make_notes(make_note, themes, 27, start=3)
    many = _count_queries(client, "/")
    assert few == many
    html = client.get("/").content.decode()
    assert html.count("Note 29") == 1


def test_feed_link_on_index(client, news_index):
    html = client.get(news_index.url).content.decode()
    assert re.search(r"<a href=\"/actualites/flux/\">S’abonner au flux RSS", html)
