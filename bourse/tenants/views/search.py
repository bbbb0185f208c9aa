"""The search page, its map markers and the ranked page of results (also used by the
bench)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from portal.usercache import user_page_cached

from .. import matching, searching
from ..forms import SearchForm
from ..models import Listing, ListingPhoto
from ..permissions import tenant_required

PAGE_SIZE = 20


def filtered_listings(form):
    """Searchable listings narrowed by the search form (``searching.filtered_listings``)."""
    return searching.filtered_listings(
        searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    )


def first_photos():
    return Prefetch(
        "photos",
        queryset=ListingPhoto.objects.filter(removed_at__isnull=True).order_by("created_at", "pk"),
        to_attr="visible_photos",
    )


def search_results(viewer: Listing, form, page_number=None):
    """One page of search results, ranked for ``viewer`` (also used by the bench):
    a constant number of queries whatever the page (count, page, photos)."""
    filters = searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    results = matching.RankedResults(
        viewer,
        searching.filtered_listings(filters),
        prefetch=[first_photos()],
        cache_key=f"search:{viewer.pk}:{searching.as_query(dict(sorted(filters.items())))}",
    )
    page = Paginator(results, PAGE_SIZE).get_page(page_number)
    for item in page.object_list:
        item.reason = matching.match_reason(item.match_score)
    return page


@user_page_cached
@tenant_required
def search(request):
    listing = request.tenant.listing
    form = SearchForm(request.GET or None)
    page = search_results(listing, form, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tenants/search.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "map_url": reverse("tenants:search_map") + (f"?{params.urlencode()}" if params else ""),
            "tiles_url": settings.TENANT_MAP_TILES_URL,
            "tiles_attribution": settings.TENANT_MAP_ATTRIBUTION,
            "criteria_done": bool(listing.criteria_done_at),
            **save_search_context(form),
        },
    )


def save_search_context(form) -> dict:
    """The "save this search" form of the search page: only for valid, non-empty filters."""
    filters = searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    return {
        "can_save": bool(filters),
        "save_filters": [(k, "on" if v is True else v) for k, v in filters.items()],
        "save_description": searching.describe(filters) if filters else "",
    }


@tenant_required
def search_map(request):
    """Markers for the map: per commune, a count of listings — no personal data."""
    form = SearchForm(request.GET or None)
    rows = (
        filtered_listings(form)
        .exclude(pk=request.tenant.listing.pk)
        .filter(commune__latitude__isnull=False)
        .values("commune_id", "commune__name", "commune__latitude", "commune__longitude")
        .annotate(count=Count("pk"))
        .order_by("-count")[:500]
    )
    base = reverse("tenants:search")
    markers = [
        {
            "commune": row["commune__name"],
            "lat": row["commune__latitude"],
            "lng": row["commune__longitude"],
            "count": row["count"],
            "url": f"{base}?commune={row['commune_id']}",
        }
        for row in rows
    ]
    return JsonResponse({"markers": markers})
