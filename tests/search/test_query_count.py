"""Site search: at most 8 SQL queries per results page (issue 15), however many
page types the results hold — a page's line is read once per publication."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.services import SearchHit, to_hits

MAX_QUERIES = 8


def count_queries(client, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/recherche/", params)
    return len(captured.captured_queries), response


# Outside a test transaction, as in production: no savepoint statements counted.
@pytest.mark.django_db(transaction=True)
def test_site_search_reads_at_most_eight_queries(client, demo_content, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the render, not the anonymous page cache
    first, response = count_queries(client, q="échange")
    assert response.status_code == 200
    assert len(response.context["hits"]) >= 3
    kinds = {hit.kind for hit in response.context["hits"]}
    assert len(kinds) >= 2  # several page types: one query each on the first render
    again, response = count_queries(client, q="échange")
    assert again <= MAX_QUERIES
    assert again < first
    assert [hit.title for hit in response.context["hits"]]


@pytest.mark.django_db
def test_a_publication_refreshes_the_lines(client, demo_content, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get("/recherche/", {"q": "échange"})
    hit = response.context["hits"][0]
    assert isinstance(hit, SearchHit)
    from wagtail.models import Page

    page = next(p.specific for p in Page.objects.live() if p.specific.title == hit.title)
    page.title = f"{page.title} (mise à jour)"
    page.save_revision().publish()
    titles = [h.title for h in client.get("/recherche/", {"q": "échange"}).context["hits"]]
    assert f"{hit.title} (mise à jour)" in titles


def test_no_results_no_lines(rf):
    assert to_hits([], rf.get("/recherche/")) == []
