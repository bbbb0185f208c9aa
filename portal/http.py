"""HTTP helpers shared by every app (no domain import).

- ``never_cache_response(response)``: the one "never cache this response" helper — for pages
  built for one visitor (a signed-in account, a member who typed the kit's
  password, a tenant's own data);
- ``page_of`` and ``query_without_page``: a list's page and the query string
  its pagination links keep;
- ``Echo``: the pseudo-buffer a streamed CSV response writes through.
"""

from django.core.paginator import Paginator
from django.utils.cache import add_never_cache_headers, patch_vary_headers

PAGE_SIZE = 50


def never_cache_response(response):
    """Never stored by a browser or a shared cache, nor by the anonymous page
    cache (``portal.pagecache``): ``Cache-Control: max-age=0, no-cache, no-store,
    must-revalidate, private`` and ``Vary: Cookie``. Returns the response."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie",))
    response.portal_cacheable = False
    return response


def page_of(request, queryset, size=PAGE_SIZE):
    """The page named by ``?page=`` (the last one beyond the end, the first one if invalid)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The request's query string without ``page``, for the pagination's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class Echo:
    """A file-like object that hands back what is written (``csv.writer`` into a
    ``StreamingHttpResponse``)."""

    def write(self, value):
        return value
