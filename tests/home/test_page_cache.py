"""The anonymous page cache stays correct on publish and never shares
personal or restricted responses."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.models import BannerMessage, StandardPage

pytestmark = pytest.mark.django_db


def test_second_anonymous_visit_is_a_cache_hit(client, home):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_publishing_shows_at_once(client, home):
    client.get("/")
    home.headline = "Nouvelle accroche"
    home.save_revision().publish()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Nouvelle accroche" in response.content.decode()


def test_banner_edit_shows_at_once(client, home):
    client.get("/")
    BannerMessage.objects.create(text="Message urgent", starts_at=timezone.now())
    assert "Message urgent" in client.get("/").content.decode()


def test_unpublishing_removes_the_page_at_once(client, home):
    page = StandardPage(title="FAQ", slug="faq")
    home.add_child(instance=page)
    page.save_revision().publish()
    assert client.get("/faq/").status_code == 200
    page.unpublish()
    assert client.get("/faq/").status_code == 404


def test_cache_never_outlives_the_next_banner_change(client, home):
    from django.test import RequestFactory

    from portal.pagecache import _cache_key

    BannerMessage.objects.create(
        text="Bientôt",
        starts_at=timezone.now() + dt.timedelta(seconds=30),
    )
    client.get("/")
    from django.core.cache import cache

    key = _cache_key(RequestFactory().get("/"))
    ttl = cache.ttl(key) if hasattr(cache, "ttl") else None
    if ttl is not None:
        assert 0 < ttl <= 30


def test_signed_in_visitors_are_not_served_from_nor_stored_in_the_cache(client, home):
    client.get("/")  # cached for anonymous visitors
    user = get_user_model().objects.create_user("camille", password="x")
    client.force_login(user)
    response = client.get("/")
    assert "X-Page-Cache" not in response


def test_restricted_pages_are_never_cached(client, home):
    page = StandardPage(title="Privé", slug="prive", body=[("paragraph", "<p>secret</p>")])
    home.add_child(instance=page)
    page.save_revision().publish()
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="motdepasse"
    )
    first = client.get("/prive/")
    assert "secret" not in first.content.decode()
    assert client.get("/prive/").get("X-Page-Cache") != "hit"


@override_settings(PAGE_CACHE_SECONDS=0)
def test_cache_can_be_disabled(client, home):
    client.get("/")
    assert "X-Page-Cache" not in client.get("/")


def test_a_hit_is_one_cache_round_trip_and_replays_the_stored_headers(client, home):
    from unittest import mock

    from django.core.cache import cache

    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        hit = client.get("/")
    assert hit["X-Page-Cache"] == "hit"
    assert get_many.call_count == 1  # the version and the page at once (MGET on Redis)
    assert hit.content == first.content
    for header in ("Content-Type", "X-Frame-Options", "Content-Security-Policy"):
        assert hit.get(header) == first.get(header)


def test_site_search_and_statistics_are_cached_for_anonymous_visitors_only(client, home):
    for url in ("/recherche/?q=accueil", "/bourse/statistiques/"):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    home.headline = "Une accroche toute neuve"
    home.save_revision().publish()  # a publication: new results
    assert client.get("/recherche/?q=accueil")["X-Page-Cache"] == "miss"
    user = get_user_model().objects.create_user("camille", password="x")
    client.force_login(user)
    assert "X-Page-Cache" not in client.get("/recherche/?q=accueil")


def test_paths_whose_view_never_opts_in_stop_asking_the_cache(client, home):
    from unittest import mock

    from django.core.cache import cache

    from portal.pagecache import uncacheable_paths

    uncacheable_paths.clear()
    client.get("/contact-inexistant/")  # a 404: the view does not opt in
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        client.get("/contact-inexistant/")
    assert get_many.call_count == 0
    uncacheable_paths.clear()
