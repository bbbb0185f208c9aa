"""Full-page cache for anonymous visitors.

What it holds: the final response to an anonymous GET/HEAD of a view that
opted in (``response.portal_cacheable = True``: public Wagtail pages, see
``home.models.BasePage.serve``; the site search's results; the public
statistics), stored as ``(version, status, headers, body bytes)``.

Key: ``pagecache:<sha256 of scheme://host/path?query>``. Each entry carries
the *content version* it was made under; the version (``VERSION_KEY``) is
read with the entry in one cache round trip (``get_many``), and an entry of
another version is a miss. Any publication, unpublication, move, privacy
change, banner or key-figure edit, and the nightly statistics, bump the
version (``bump_content_version``), so an edit shows at once.

Lifetime: ``PAGE_CACHE_SECONDS``, never beyond the next start or end of a
banner message (the ``banner_change_seconds`` hook the CMS sets).

Place: first in ``MIDDLEWARE``, so that a hit skips the whole stack (the
stored headers are the ones that stack wrote). Skipped for signed-in
visitors (a session cookie is present), non-GET requests, paths of
``PAGE_CACHE_SKIP_PREFIXES`` and, for ``UNCACHEABLE_MEMO_SECONDS``, paths
whose view never opts in; never stored when the response sets a cookie, used
the CSRF token or a CSP nonce, or streams.
"""

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from . import caching

VERSION_KEY = "pagecache:version"
UNCACHEABLE_MEMO_SECONDS = 300
UNCACHEABLE_MEMO_SIZE = 2048
SKIPPED_HEADERS = {"x-page-cache", "x-user-page-cache", "set-cookie"}

# Seconds until the cached pages must change by themselves (the banner's next
# start or end); set by the CMS layer (``home``), which knows the banner.
banner_change_seconds: Callable[[], float] = lambda: float("inf")  # noqa: E731


def bump_content_version(**_kwargs) -> None:
    """Invalidate every cached page (used as a signal receiver too)."""
    caching.bump(VERSION_KEY)


def content_cached(key: str, compute: Callable[[], object], timeout: int = 3600):
    """``compute()``, kept in the cache until the content version changes."""
    return caching.versioned(VERSION_KEY, key, compute, timeout)


def content_version() -> str | None:
    """The content version's token, read once per request (``caching.current_version``)."""
    return caching.current_version(VERSION_KEY)


def content_memoized(key: str, compute: Callable[[], object]):
    """``compute()``, kept in this process until the content version changes
    (``caching.memoized``): for small values read on most pages."""
    return caching.memoized(VERSION_KEY, key, compute)


def content_cached_many(keys: list[str], compute_missing, timeout: int = 3600) -> dict:
    """Several values kept until the next publication (``caching.versioned_many``)."""
    return caching.versioned_many(VERSION_KEY, keys, compute_missing, timeout)


def _cache_key(request) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode()
    return f"pagecache:{hashlib.sha256(url).hexdigest()}"


def _request_is_cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)
    )


def _response_is_cacheable(request, response) -> bool:
    return (
        getattr(response, "portal_cacheable", False)
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not getattr(response, "streaming", False)
        # A page whose HTML carries a CSP nonce cannot be replayed: the next
        # response's header has another nonce (portal/csp.py).
        and not getattr(request, "_csp_nonce", None)
    )


def replay(entry, header: str = "X-Page-Cache") -> HttpResponse:
    """The response stored by ``freeze``, marked as a hit by ``header``."""
    _version, status, headers, body = entry
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    response[header] = "hit"
    return response


def freeze(version: str, response) -> tuple:
    """``(version, status, headers, body bytes)`` of a response, rendered first
    if it is a template response; its cookies and cache header left out."""
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in SKIPPED_HEADERS
    ]
    return (version, response.status_code, headers, response.content)


class _UncacheablePaths:
    """Per process: paths whose view answered without opting in, so that their
    next anonymous requests do not ask the cache (bounded, entries expire)."""

    def __init__(self):
        self._paths: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, path: str) -> bool:
        until = self._paths.get(path)
        if until is None:
            return False
        if until < time.monotonic():
            self._paths.pop(path, None)
            return False
        return True

    def add(self, path: str) -> None:
        self._paths[path] = time.monotonic() + UNCACHEABLE_MEMO_SECONDS
        self._paths.move_to_end(path)
        while len(self._paths) > UNCACHEABLE_MEMO_SIZE:
            self._paths.popitem(last=False)

    def clear(self) -> None:
        self._paths.clear()


uncacheable_paths = _UncacheablePaths()


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or not _request_is_cacheable(request)
            or request.path in uncacheable_paths
        ):
            return self.get_response(request)
        key = _cache_key(request)
        version, entry = caching.read(VERSION_KEY, key)  # one round trip
        if entry is not None:
            return replay(entry)
        response = self.get_response(request)
        opted = getattr(response, "portal_cacheable", None)
        if opted is None:
            uncacheable_paths.add(request.path)
        elif _response_is_cacheable(request, response):
            self._store(key, version, response)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _store(key: str, version: str | None, response) -> None:
        timeout = min(settings.PAGE_CACHE_SECONDS, banner_change_seconds())
        if timeout <= 0:
            return
        if version is None:
            version = caching.ensure_version(VERSION_KEY)
        cache.set(key, freeze(version, response), max(1, int(timeout)))
