"""Hardening: the Content-Security-Policy on every kind of page, the bench's
endpoints only when asked for, SITE_URL for absolute links, /favicon.ico."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.test import RequestFactory, override_settings

from portal import views
from portal.csp import tile_source
from portal.siteurl import absolute_url, page_url, site_hostname_port, sync_default_site

pytestmark = pytest.mark.django_db

CSP_HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response[CSP_HEADER]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_strict(policy: dict[str, list[str]]) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # the nonce only when a template used it
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


# --- Content-Security-Policy ------------------------------------------------------------


def test_public_wagtail_page_has_the_strict_policy(client, home):
    first = client.get("/")
    assert first.status_code == 200
    assert_strict(directives(first))
    # The anonymous page cache replays the page: the header is sent again.
    second = client.get("/")
    assert second.get("X-Page-Cache") == "hit"
    assert_strict(directives(second))


@pytest.mark.parametrize("path", ["/bourse/statistiques/", "/contact/"])
def test_bourse_pages_have_the_strict_policy(client, home, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_strict(directives(response))


def test_404_page_has_the_strict_policy(client, home):
    response = client.get("/rien-ici/")
    assert response.status_code == 404
    assert_strict(directives(response))


def test_admin_has_its_own_relaxed_policy(client, home, django_user_model):
    admin = django_user_model.objects.create_superuser("csp", "csp@example.org", "x")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


def test_admin_policy_replaces_an_inner_public_policy():
    """Wagtail's preview renders the page through the middleware for the page's own
    path (public policy on the inner response): the admin's policy replaces it."""
    from django.http import HttpResponse
    from django.middleware.csp import ContentSecurityPolicyMiddleware

    from portal.csp import AdminContentSecurityPolicyMiddleware

    def preview(request):
        response = HttpResponse("aperçu")
        response[CSP_HEADER] = "frame-ancestors 'none'"
        return response

    stack = ContentSecurityPolicyMiddleware(AdminContentSecurityPolicyMiddleware(preview))
    response = stack(RequestFactory().get("/admin/pages/3/edit/preview/"))
    assert directives(response)["frame-ancestors"] == ["'self'"]
    public = stack(RequestFactory().get("/faq/"))
    assert public[CSP_HEADER] == "frame-ancestors 'none'"  # outside the admin: untouched


def test_templates_have_no_inline_script_nor_style_attribute():
    """Our templates keep scripts and styles in static files (the policy forbids
    inline ones outside the admin)."""
    import re

    offenders = []
    roots = [settings.BASE_DIR / name for name in ("templates", "home", "news", "kit_adherents")]
    roots += [
        settings.BASE_DIR / "bourse",
        settings.BASE_DIR / "search",
        settings.BASE_DIR / "portal",
    ]
    for root in roots:
        for template in root.rglob("*.html"):
            text = template.read_text()
            if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text):
                offenders.append(f"{template}: inline <script>")
            if re.search(r"\sstyle=|<style[\s>]|\son[a-z]+=", text):
                offenders.append(f"{template}: style= / <style> / on…= handler")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://tiles.example.org:8443/{z}/{x}/{y}.png?key=k", "https://tiles.example.org:8443"),
        ("/static/tiles/{z}/{x}/{y}.png", ""),
    ],
)
def test_tile_source(url, source):
    assert tile_source(url) == source


def test_tile_source_refuses_a_placeholder_inside_the_host():
    with pytest.raises(ImproperlyConfigured):
        tile_source("https://tiles.{s}.example.org/{z}/{x}/{y}.png")


# --- Bench endpoints --------------------------------------------------------------------


def test_bench_endpoint_is_404_when_off(client, home):
    assert settings.BENCH_ENDPOINTS is False
    assert client.get("/_bench/hello/").status_code == 404


def test_bench_view_refuses_when_off_even_if_routed():
    request = RequestFactory().get("/_bench/hello/")
    with override_settings(BENCH_ENDPOINTS=False), pytest.raises(Http404):
        views.hello_world(request)
    with override_settings(BENCH_ENDPOINTS=True):
        assert views.hello_world(request).content == b"Bonjour"


@override_settings(BENCH_ENDPOINTS=True, ROOT_URLCONF="portal.bench_urls")
def test_bench_urls_answer_when_on(client):
    assert client.get("/hello/").status_code == 200


# --- SITE_URL ---------------------------------------------------------------------------


@override_settings(SITE_URL="https://portail.example.org")
def test_absolute_links_come_from_site_url(home):
    assert absolute_url("/actualites/") == "https://portail.example.org/actualites/"
    assert absolute_url("contact/") == "https://portail.example.org/contact/"
    assert page_url(home) == "https://portail.example.org/"


def test_wagtail_admin_base_url_is_site_url():
    assert settings.WAGTAILADMIN_BASE_URL == settings.SITE_URL == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("http://127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("https://portail.example.org", ("portail.example.org", 443)),
        ("http://portail.example.org/", ("portail.example.org", 80)),
    ],
)
def test_site_hostname_port(site_url, expected):
    assert site_hostname_port(site_url) == expected


def test_default_site_follows_site_url(home):
    from wagtail.models import Site

    with override_settings(SITE_URL="https://portail.example.org"):
        assert sync_default_site() is True
        site = Site.objects.get(is_default_site=True)
        assert (site.hostname, site.port) == ("portail.example.org", 443)
        assert site.root_url == "https://portail.example.org"
        assert sync_default_site() is False  # already in step


def test_post_migrate_keeps_the_default_site_in_step(home):
    from django.core.management import call_command
    from wagtail.models import Site

    with override_settings(SITE_URL="https://portail.example.org"):
        call_command("migrate", "home", verbosity=0)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("portail.example.org", 443)


# --- favicon ----------------------------------------------------------------------------


def test_favicon(client, home):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header
    assert "max-age" in response["Cache-Control"]
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/static/favicon.svg").status_code == 200
