"""Full-page cache for anonymous visitors of public Wagtail pages.

A page opts in by setting ``response.portal_cacheable = True`` (see
``home.models.BasePage.serve``). Responses are stored under a *content
version* that any publication, unpublication, banner or settings change
bumps (``bump_content_version``), so an edit shows at once; and a response
never outlives the next start or end of a banner message
(``home.banner.seconds_until_next_banner_change``).

The cache is skipped for signed-in visitors (a session cookie is present),
for non-GET requests, and for responses that set a cookie or used the CSRF
token, so no personal or restricted content is ever shared.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "pagecache:version"


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY) or version
    return version


def bump_content_version(**_kwargs) -> None:
    """Invalidate every cached page (used as a signal receiver too)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _cache_key(request, version: str) -> str:
    url = f"{request.get_host()}{request.get_full_path()}".encode()
    return f"pagecache:{version}:{hashlib.sha256(url).hexdigest()}"


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


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request) or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        key = _cache_key(request, content_version())
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            from home.banner import seconds_until_next_banner_change

            timeout = min(settings.PAGE_CACHE_SECONDS, seconds_until_next_banner_change())
            if timeout > 0:
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                cache.set(key, response, timeout)
            response["X-Page-Cache"] = "miss"
        return response
