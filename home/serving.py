"""What serving a CMS page reads on every request, kept in the process until the
next content change (``portal.pagecache.content_memoized``): the request's site
with its root page, and where the private sections (pages with a view
restriction) and the aliases lie, so that a page outside them answers "no
restriction" without a query. A site, a restriction or an alias saved or
deleted bumps the content version (``home/signals.py``)."""

import copy

from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from portal.pagecache import content_memoized


def site_for_request(request) -> Site | None:
    """Wagtail's ``Site.find_for_request`` (same rules: hostname and port, then
    the default site), without its query. Each request gets its own copy of the
    site and its root page: nothing one request caches on them reaches another."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()

    def compute():
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            return None
        site.root_page  # noqa: B018  (loaded once, with the site)
        return site

    shared = content_memoized(f"cms:site:{hostname}:{port}", compute)
    if shared is None:
        return None
    site = copy.copy(shared)
    site.root_page = copy.copy(shared.root_page)
    return site


def page_restrictions() -> list[PageViewRestriction]:
    """Every page view restriction, with its page and groups (what a visitor may
    see is decided from it: ``kit_adherents.access``)."""
    return content_memoized(
        "cms:page-restrictions",
        lambda: list(PageViewRestriction.objects.select_related("page").prefetch_related("groups")),
    )


def _alias_paths() -> tuple[str, ...]:
    return content_memoized(
        "cms:alias-paths",
        lambda: tuple(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)),
    )


def surely_unrestricted(page) -> bool:
    """True when no view restriction can apply to ``page``: neither it nor an
    ancestor carries one, and none of them is an alias (whose source's
    restrictions would apply; Wagtail's own look-up handles those)."""
    if page.alias_of_id:
        return False
    private = (restriction.page.path for restriction in page_restrictions())
    return not any(page.path.startswith(path) for path in (*private, *_alias_paths()))
