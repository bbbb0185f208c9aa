"""Public pages carry a meta description (issue 19: Lighthouse SEO >= 95)."""

import re

import pytest

from news.models import NewsPage, WebinarPage

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]{20,})">')


def test_public_pages_have_a_meta_description(client, demo_content):
    note = next(p for p in NewsPage.objects.live().public() if not p.members_only)
    webinar = next(p for p in WebinarPage.objects.live().public() if not p.members_only)
    paths = ["/", "/actualites/", "/webinaires/", "/recherche/?q=échange", "/bourse/statistiques/"]
    paths += [note.url, webinar.url]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert DESCRIPTION.search(response.content.decode()), path
