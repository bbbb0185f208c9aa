"""What serving a CMS page keeps in the process (home.serving, portal.caching.memoized):
fewer queries, and every edit still shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from home.models import KeyFigure, StandardPage
from portal import caching

pytestmark = pytest.mark.django_db


def _published(parent, title, slug):
    page = StandardPage(title=title, slug=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _queries(client, path, **extra):
    client.get(path, **extra)  # warm: the process memo fills
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    return response, len(captured.captured_queries)


def test_home_render_reads_only_its_page(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    response, queries = _queries(client, "/")
    assert response.status_code == 200
    assert queries == 1  # the home page itself; site, privacy, figures, news: memo


def test_memo_off_reads_everything_again(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.PROCESS_MEMO_SECONDS = 0
    response, queries = _queries(client, "/")
    assert response.status_code == 200
    assert queries > 1


def test_page_made_private_is_refused_at_once(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    page = _published(home, "Procédure", "procedure")
    assert client.get("/procedure/").status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/procedure/")
    assert response.status_code == 302
    assert "next=/procedure/" in response["Location"]


def test_page_below_a_private_one_is_refused(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    parent = _published(home, "Espace", "espace")
    PageViewRestriction.objects.create(page=parent, restriction_type=PageViewRestriction.LOGIN)
    _published(parent, "Kit", "kit")
    assert client.get("/espace/kit/").status_code == 302
    assert client.get("/").status_code == 200


def test_new_site_is_served_at_once(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    other_root = _published(home, "Autre site", "autre")
    assert client.get("/", HTTP_HOST="autre.example").context["page"].pk == home.pk
    Site.objects.create(hostname="autre.example", port=80, root_page=other_root)
    assert client.get("/", HTTP_HOST="autre.example").context["page"].pk == other_root.pk


def test_key_figure_edit_shows_at_once(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    figure = KeyFigure.objects.create(page=home, value="1 000", label="locataires ayant échangé")
    assert "1 000" in client.get("/").text
    figure.value = "1 080"
    figure.save()
    assert "1 080" in client.get("/").text


def test_each_request_gets_its_own_site_copy(rf, home):
    from home.serving import site_for_request

    request = rf.get("/", HTTP_HOST="localhost")
    first, second = site_for_request(request), site_for_request(request)
    assert first.pk == second.pk == Site.objects.get(is_default_site=True).pk
    assert first is not second and first.root_page is not second.root_page


def test_version_read_once_per_request(rf):
    middleware = caching.RequestVersionsMiddleware(
        lambda request: [caching.current_version("v:test") for _ in range(3)]
    )
    tokens = middleware(rf.get("/"))
    assert len(set(tokens)) == 1 and tokens[0]
    caching.bump("v:test")
    assert caching.current_version("v:test") != tokens[0]  # outside a request: read each time


def test_a_bump_during_a_request_is_seen_by_that_request(rf, settings):
    settings.PROCESS_MEMO_SECONDS = 300
    computed = []

    def view(request):
        first = caching.memoized("v:test", "k:test", lambda: computed.append(1) or len(computed))
        caching.bump("v:test")  # the request changes the content…
        second = caching.memoized("v:test", "k:test", lambda: computed.append(1) or len(computed))
        return first, second

    assert caching.RequestVersionsMiddleware(view)(rf.get("/")) == (1, 2)  # …and sees it
