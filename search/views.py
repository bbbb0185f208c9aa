from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from portal.http import never_cache_response

from . import services

RESULTS_PER_PAGE = 10


def _page_number(raw: str | None, num_pages: int) -> int:
    """The requested page, moved to the nearest valid one (1 when unreadable)."""
    try:
        number = int(str(raw).strip()[:12])
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), num_pages)


def _may_see_restricted_content(request) -> bool:
    """Only a visitor with a session (signed in, or who passed a password)
    can have access to restricted pages or documents."""
    user = getattr(request, "user", None)
    return settings.SESSION_COOKIE_NAME in request.COOKIES or bool(user and user.is_authenticated)


def search(request):
    query = services.clean_query(request.GET.get("q", ""))
    results_page = None
    hits: list = []
    page_range: list = []
    if query:
        paginator = Paginator(services.search(request, query), RESULTS_PER_PAGE)
        results_page = paginator.page(_page_number(request.GET.get("page"), paginator.num_pages))
        hits = services.to_hits(results_page.object_list, request)
        page_range = list(
            paginator.get_elided_page_range(results_page.number, on_each_side=2, on_ends=1)
        )

    response = render(
        request,
        "search/search.html",
        {
            "search_query": query,
            "results_page": results_page,
            "hits": hits,
            "page_range": page_range,
            "ellipsis": Paginator.ELLIPSIS,
        },
    )
    patch_vary_headers(response, ["Cookie"])
    if _may_see_restricted_content(request):
        # Results may include members-only content: never in a shared cache.
        never_cache_response(response)
    else:
        # Public results, per query and page: kept by the anonymous page cache
        # until the next publication (portal.pagecache).
        response.portal_cacheable = True
    return response
