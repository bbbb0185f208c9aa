"""Search from both sides, on the one matching rule of ``matching``:

- ``filtered_listings(filters)``: the search page's filters (also what a saved
  search stores) as a queryset of searchable listings;
- ``who_wants(listing)``: "qui veut mon logement" — the searchable listings whose
  criteria my dwelling fits (``criteria_accept_q(facts_of(mine))``), counted per
  commune and typology of the households who look.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

from bourse.models import Commune
from portal import caching

from . import matching
from .models import Listing

FILTER_KEYS = ("commune", "department", "typology", "min_surface", "max_monthly_cost", "lift")


def department_communes(department: str) -> list[str]:
    return cache.get_or_set(
        f"tenants:department-communes:{department}",
        lambda: list(
            Commune.objects.filter(department=department)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        3600,
    )


def filters_of(cleaned_data: dict) -> dict:
    """The search form's cleaned data as plain JSON values, empty ones left out."""
    filters = {}
    for key in FILTER_KEYS:
        value = cleaned_data.get(key)
        if value in (None, "", False):
            continue
        if isinstance(value, Commune):
            value = value.pk
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        filters[key] = value
    return filters


def _decimal(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def filtered_listings(filters: dict):
    """Searchable listings narrowed by the search filters (the same rule as criteria)."""
    queryset = matching.searchable_listings()
    criteria = matching.Criteria(
        commune_ids=frozenset([filters["commune"]]) if filters.get("commune") else frozenset(),
        typologies=frozenset([filters["typology"]]) if filters.get("typology") else frozenset(),
        min_surface=_decimal(filters.get("min_surface")),
        max_monthly_cost=_decimal(filters.get("max_monthly_cost")),
    )
    queryset = queryset.filter(matching.facts_fit_q(criteria))
    if filters.get("department"):  # as a list of communes: the search index serves it
        queryset = queryset.filter(commune_id__in=department_communes(filters["department"]))
    if filters.get("lift"):
        queryset = queryset.filter(lift=True)
    return queryset


def as_query(filters: dict) -> str:
    """The search page's query string for these filters."""
    return urlencode({k: ("on" if v is True else v) for k, v in filters.items()})


def describe(filters: dict) -> str:
    """A short French description ("T3 · Montreuil · 50 m² minimum")."""
    parts = []
    if filters.get("typology"):
        parts.append(filters["typology"])
    if filters.get("commune"):
        commune = Commune.objects.filter(pk=filters["commune"]).first()
        parts.append(commune.name if commune else filters["commune"])
    if filters.get("department"):
        parts.append(_("département %(d)s") % {"d": filters["department"]})
    if filters.get("min_surface"):
        parts.append(_("%(s)s m² minimum") % {"s": filters["min_surface"]})
    if filters.get("max_monthly_cost"):
        parts.append(_("%(c)s € maximum") % {"c": filters["max_monthly_cost"]})
    if filters.get("lift"):
        parts.append(_("avec ascenseur"))
    return " · ".join(parts) or _("Toutes les annonces")


# --- Who wants my home ----------------------------------------------------------------------

WHO_WANTS_ROWS = 12


@dataclass
class Demand:
    """How many searchable listings look for a dwelling like ``listing``'s, and where
    those households live now (commune, typology, count; largest first)."""

    total: int = 0
    rows: list = field(default_factory=list)


def who_wants(listing: Listing, limit: int = WHO_WANTS_ROWS) -> Demand:
    """Kept like the rankings, while no listing changes (``matching.listings_changed``)."""
    if not listing.commune_id or not listing.typology:
        return Demand()
    seconds = matching.ranking_cache_seconds()
    if seconds <= 0:
        return _who_wants(listing, limit)
    return caching.versioned(
        matching.LISTINGS_VERSION_KEY,
        f"tenants:who-wants:{listing.pk}:{limit}",
        lambda: _who_wants(listing, limit),
        seconds,
    )


def _who_wants(listing: Listing, limit: int) -> Demand:
    seekers = (
        matching.searchable_listings()
        .filter(matching.criteria_accept_q(matching.facts_of(listing)))
        .exclude(pk=listing.pk)
    )
    groups = list(
        seekers.values("commune_id", "commune__name", "typology")
        .annotate(count=Count("pk"))
        .order_by("-count", "commune__name", "typology")
    )
    return Demand(total=sum(g["count"] for g in groups), rows=groups[:limit])
