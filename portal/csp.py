"""Content-Security-Policy: the source of the map tiles, and the admin's policy.

Django's ``ContentSecurityPolicyMiddleware`` sends ``settings.SECURE_CSP`` on
every response. The site itself needs nothing but ``'self'``: no inline script
or style attribute in our templates (scripts and styles are static files).
Wagtail's admin, however, writes ``style=`` attributes and a few inline
scripts (date and time widgets, inline panels), so
``AdminContentSecurityPolicyMiddleware`` gives the paths of
``settings.CSP_ADMIN_PATH_PREFIXES`` ``settings.SECURE_CSP_ADMIN`` instead;
anything else keeps the strict policy.

Public pages are kept in the anonymous page cache, so they must not rely on a
nonce (the cached HTML would carry an old one): ``portal.pagecache`` does not
store a response whose nonce was used.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def tile_source(url: str) -> str:
    """The CSP source (scheme and host) of a Leaflet tile URL template.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives
    ``https://*.tile.example.org``; a URL without a host (tiles served by the
    site itself) gives an empty string.
    """
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    netloc = rest.split("/", 1)[0]
    # Leaflet's placeholders ({s}, {r}…) only ever stand for a label of the host.
    labels = ["*" if "{" in label else label for label in netloc.split(".")]
    if "*" in labels[1:]:
        raise ImproperlyConfigured(
            f"TENANT_MAP_TILES_URL: only the first label of the host may vary ({url}); "
            "set CSP_MAP_TILES_HOSTS."
        )
    host = ".".join(labels)
    if not host or urlsplit(f"{scheme}://{host.replace('*', 'x')}").hostname is None:
        return ""
    return f"{scheme}://{host}"


class AdminContentSecurityPolicyMiddleware:
    """The admin's policy on the admin's paths (placed just after Django's CSP
    middleware, so that its choice is read on the way out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.CSP_ADMIN_PATH_PREFIXES):
            # Wagtail's preview renders the page through the whole middleware stack
            # (a request for the page's own path): that inner, public policy would
            # forbid the admin to frame it.
            if CSP.HEADER_ENFORCE in response:
                del response[CSP.HEADER_ENFORCE]
            response._csp_config = settings.SECURE_CSP_ADMIN
        return response
