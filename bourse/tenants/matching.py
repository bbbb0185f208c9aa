"""Does a dwelling fit a tenant's search criteria? One rule, two forms.

``dwelling_fits(criteria, facts)`` is the rule, a pure function. Search at
scale needs it as SQL, in both directions:

- ``facts_fit_q(criteria)``: listings whose dwelling fits ``criteria``
  (the dwellings I am looking for);
- ``criteria_accept_q(facts)``: listings whose criteria accept ``facts``
  (the tenants who look for a dwelling like mine).

Both are tested against the pure function (Hypothesis). A mutual match is
a listing for which both hold: their dwelling fits my criteria AND my
dwelling fits theirs.

Empty criteria accept anything: no commune means any commune, no typology
ticked means any typology, a blank number means no limit.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, Value, When
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal import caching

from .models import SEARCHABLE, TYPOLOGY_FIELDS, Listing

MUTUAL = 3
THEIRS_FITS_MINE = 2
MINE_FITS_THEIRS = 1
NO_MATCH = 0
MATCH_REASONS = {
    MUTUAL: _("correspond à vos critères et aux siens"),
    THEIRS_FITS_MINE: _("correspond à vos critères"),
    MINE_FITS_THEIRS: _("votre logement correspond à ses critères"),
    NO_MATCH: "",
}


@dataclass(frozen=True)
class Facts:
    """What the criteria look at in a dwelling."""

    commune_id: str | None
    typology: str
    surface: Decimal
    monthly_cost: Decimal
    floor: int
    lift: bool
    accessible: bool = False


@dataclass(frozen=True)
class Criteria:
    commune_ids: frozenset = field(default_factory=frozenset)
    typologies: frozenset = field(default_factory=frozenset)
    min_surface: Decimal | None = None
    max_monthly_cost: Decimal | None = None
    max_floor: int | None = None
    lift_required: bool = False
    accessible_required: bool = False


def dwelling_fits(criteria: Criteria, facts: Facts) -> bool:
    """True when the dwelling described by ``facts`` fits ``criteria``.

    - commune among the wanted communes (if any);
    - typology among the wanted typologies (if any);
    - surface at least the minimum; rent plus charges at most the maximum;
    - floor at most the maximum floor;
    - "lift required": ground floor (or below), or a lift;
    - "accessible required": the tenant declared the dwelling adapted.
    """
    if criteria.commune_ids and facts.commune_id not in criteria.commune_ids:
        return False
    if criteria.typologies and facts.typology not in criteria.typologies:
        return False
    if criteria.min_surface is not None and facts.surface < criteria.min_surface:
        return False
    if criteria.max_monthly_cost is not None and facts.monthly_cost > criteria.max_monthly_cost:
        return False
    if criteria.max_floor is not None and facts.floor > criteria.max_floor:
        return False
    if criteria.lift_required and facts.floor > 0 and not facts.lift:
        return False
    if criteria.accessible_required and not facts.accessible:
        return False
    return True


# --- From listings -------------------------------------------------------------------


def facts_of(listing: Listing) -> Facts:
    return Facts(
        commune_id=listing.commune_id,
        typology=listing.typology,
        surface=Decimal(listing.surface),
        monthly_cost=Decimal(listing.monthly_cost),
        floor=listing.floor,
        lift=listing.lift,
        accessible=listing.accessible,
    )


def criteria_of(listing: Listing, commune_ids=None) -> Criteria:
    if commune_ids is None:
        commune_ids = Listing.wanted_communes.through.objects.filter(
            listing_id=listing.pk
        ).values_list("commune_id", flat=True)
    return Criteria(
        commune_ids=frozenset(commune_ids),
        typologies=frozenset(listing.wanted_typologies),
        min_surface=listing.min_surface,
        max_monthly_cost=listing.max_monthly_cost,
        max_floor=listing.max_floor,
        lift_required=listing.lift_required,
        accessible_required=listing.accessible_required,
    )


# --- As SQL ---------------------------------------------------------------------------


def facts_fit_q(criteria: Criteria) -> Q:
    """Listings whose dwelling fits ``criteria`` (same rule as ``dwelling_fits``)."""
    q = Q()
    if criteria.commune_ids:
        q &= Q(commune_id__in=sorted(criteria.commune_ids))
    if criteria.typologies:
        q &= Q(typology__in=sorted(criteria.typologies))
    if criteria.min_surface is not None:
        q &= Q(surface__gte=criteria.min_surface)
    if criteria.max_monthly_cost is not None:
        q &= Q(monthly_cost__lte=criteria.max_monthly_cost)
    if criteria.max_floor is not None:
        q &= Q(floor__lte=criteria.max_floor)
    if criteria.lift_required:
        q &= Q(floor__lte=0) | Q(lift=True)
    if criteria.accessible_required:
        q &= Q(accessible=True)
    return q


def _listings_wanting(commune_id):
    """Ids of the listings whose wanted communes include ``commune_id`` (a subquery
    that PostgreSQL hashes once, instead of probing the join table row by row)."""
    return Listing.wanted_communes.through.objects.filter(commune_id=commune_id).values(
        "listing_id"
    )


def criteria_accept_q(facts: Facts) -> Q:
    """Listings whose criteria accept ``facts`` (same rule as ``dwelling_fits``)."""
    communes = Q(any_commune=True) | Q(pk__in=_listings_wanting(facts.commune_id))
    return communes & criteria_accept_except_commune_q(facts)


def criteria_accept_except_commune_q(facts: Facts) -> Q:
    """``criteria_accept_q`` without its commune part (for the tiered ranking)."""
    no_typology = Q(**{name: False for name in TYPOLOGY_FIELDS.values()})
    wanted = TYPOLOGY_FIELDS.get(facts.typology)
    q = (no_typology | Q(**{wanted: True})) if wanted else no_typology
    q &= Q(min_surface__isnull=True) | Q(min_surface__lte=facts.surface)
    q &= Q(max_monthly_cost__isnull=True) | Q(max_monthly_cost__gte=facts.monthly_cost)
    q &= Q(max_floor__isnull=True) | Q(max_floor__gte=facts.floor)
    if facts.floor > 0 and not facts.lift:
        q &= Q(lift_required=False)
    if not facts.accessible:
        q &= Q(accessible_required=False)
    return q


def _condition(q: Q):
    """A When() condition; an empty Q (no criteria) is always true."""
    return Value(True) if not q else q


# --- Rankings kept while no listing changes ------------------------------------------------

LISTINGS_VERSION_KEY = "tenants:listings-version"


def ranking_cache_seconds() -> int:
    """How long a ranking or a demand count is kept at most (0: not kept)."""
    return settings.TENANT_RANKING_CACHE_SECONDS


def listings_changed(**_kwargs) -> None:
    """Drop every kept ranking and demand count (a listing, its criteria or its
    searchability changed). Signal receiver; call it after bulk updates too."""
    caching.bump(LISTINGS_VERSION_KEY)


post_save.connect(listings_changed, sender=Listing, dispatch_uid="tenants_rankings_saved")
post_delete.connect(listings_changed, sender=Listing, dispatch_uid="tenants_rankings_deleted")
m2m_changed.connect(
    listings_changed, sender=Listing.wanted_communes.through, dispatch_uid="tenants_rankings_m2m"
)


def searchable_listings():
    """Listings other tenants may see and contact: active, eligible, and not paused for
    unanswered requests (``answering.py``)."""
    return Listing.objects.filter(SEARCHABLE)


def annotate_match(queryset, viewer: Listing, viewer_criteria: Criteria | None = None):
    """Add ``match_score`` (3 mutual, 2 theirs fits mine, 1 mine fits theirs, 0 none)."""
    criteria = viewer_criteria or criteria_of(viewer)
    facts = facts_of(viewer)
    theirs = facts_fit_q(criteria)
    mine = criteria_accept_q(facts)
    return queryset.annotate(
        theirs_fits_mine=Case(
            When(_condition(theirs), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        mine_fits_theirs=Case(
            When(mine, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).annotate(
        match_score=Case(
            When(Q(theirs_fits_mine=True, mine_fits_theirs=True), then=Value(MUTUAL)),
            When(theirs_fits_mine=True, then=Value(THEIRS_FITS_MINE)),
            When(mine_fits_theirs=True, then=Value(MINE_FITS_THEIRS)),
            default=Value(NO_MATCH),
            output_field=IntegerField(),
        )
    )


def ranked_for(viewer: Listing, queryset=None):
    """Searchable listings ranked for ``viewer``: mutual matches first, then one-way."""
    queryset = searchable_listings() if queryset is None else queryset
    return (
        annotate_match(queryset.exclude(pk=viewer.pk), viewer)
        .select_related("commune")
        .order_by("-match_score", "-published_at", "-pk")
    )


def matches_for(viewer: Listing, queryset=None):
    """Only the listings that match at least one way, ranked (the dashboard's list)."""
    queryset = searchable_listings() if queryset is None else queryset
    criteria = criteria_of(viewer)
    either = facts_fit_q(criteria)
    if not either:  # no criteria: every dwelling fits mine
        return ranked_for(viewer, queryset)
    queryset = queryset.filter(either | criteria_accept_q(facts_of(viewer)))
    return (
        annotate_match(queryset.exclude(pk=viewer.pk), viewer, criteria)
        .select_related("commune")
        .order_by("-match_score", "-published_at", "-pk")
    )


ORDER = ("-published_at", "-pk")
# Fewer results than this: the rest of a ranking is sorted (``RankedResults._rest_order``).
SORT_BELOW = 2000
TIER2_FIELDS = (
    "pk",
    "published_at",
    "commune_id",
    "typology",
    "surface",
    "monthly_cost",
    "floor",
    "lift",
    "accessible",
    *TYPOLOGY_FIELDS.values(),
    "min_surface",
    "max_monthly_cost",
    "max_floor",
    "lift_required",
    "accessible_required",
)


class RankedResults:
    """Listings ranked for a viewer exactly as ``ranked_for`` orders them, computed in
    tiers so that every query is driven by an index (search at scale):

    1. listings whose dwelling fits my criteria (commune index), mutual ones first;
    2. listings whose criteria accept my dwelling but whose dwelling does not fit mine
       (driven by the wanted-communes index; "any commune" listings, few, are merged);
    3. the rest (``include_rest``), newest first.

    Works with Django's ``Paginator`` (``count()`` and slicing); a page costs the same
    queries wherever it is. Items get ``match_score`` like ``ranked_for``. Searchable
    listings always have a publication date (set when they become active).
    """

    def __init__(
        self,
        viewer: Listing,
        queryset=None,
        *,
        include_rest=True,
        prefetch=(),
        tier2_in_sql=None,
        cache_key: str = "",
    ):
        queryset = searchable_listings() if queryset is None else queryset
        self.viewer = viewer
        self.queryset = queryset
        self.base = queryset.exclude(pk=viewer.pk)
        # When set (the viewer and the search's filters), the count and each page's
        # ranking are kept while no listing changes (``RANKING_CACHE_SECONDS`` at most).
        self.cache_key = cache_key
        self.include_rest = include_rest
        self.prefetch = prefetch
        # Tier 2 is narrowed by the database to the listings wanting my commune; the
        # rest of the rule is checked in SQL (best without search filters: the database
        # walks the wanted-communes index) or with ``dwelling_fits`` on those rows (best
        # with search filters, where the database would rather scan them all).
        self.tier2_in_sql = (not include_rest) if tier2_in_sql is None else tier2_in_sql
        self._cache = {}

    def _once(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # Built on first use only: a ranking read from the cache needs none of them.
    @cached_property
    def criteria(self) -> Criteria:
        return criteria_of(self.viewer)

    @cached_property
    def facts(self) -> Facts:
        return facts_of(self.viewer)

    @cached_property
    def fits(self) -> Q:
        return facts_fit_q(self.criteria)

    def _kept(self, name: str, compute):
        seconds = ranking_cache_seconds()
        if not self.cache_key or seconds <= 0:
            return compute()
        key = f"tenants:ranking:{self.cache_key}:{name}"
        return caching.versioned(LISTINGS_VERSION_KEY, key, compute, seconds)

    # Tier 1: their dwelling fits my criteria -------------------------------------------
    def _tier1(self):
        return (
            self.base.filter(self.fits)
            .annotate(
                mutual=Case(
                    When(criteria_accept_q(self.facts), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by("-mutual", *ORDER)
        )

    def tier1_count(self) -> int:
        return self._once("n1", lambda: self.base.filter(self.fits).count())

    # Tier 2: my dwelling fits their criteria only -------------------------------------
    def _tier2(self) -> list[int]:
        """Ids of tier 2, in order. The database only narrows to the listings that want
        my commune (or any commune) within the search; the rest of the rule is
        ``dwelling_fits`` itself, on those rows (cheaper than per-row SQL at scale)."""

        def keep(row) -> bool:
            values = dict(zip(TIER2_FIELDS, row, strict=True))
            theirs = Facts(
                commune_id=values["commune_id"],
                typology=values["typology"],
                surface=Decimal(values["surface"]),
                monthly_cost=Decimal(values["monthly_cost"]),
                floor=values["floor"],
                lift=values["lift"],
                accessible=values["accessible"],
            )
            their_criteria = Criteria(  # their communes include mine, or any
                typologies=frozenset(
                    typology.value for typology, name in TYPOLOGY_FIELDS.items() if values[name]
                ),
                min_surface=values["min_surface"],
                max_monthly_cost=values["max_monthly_cost"],
                max_floor=values["max_floor"],
                lift_required=values["lift_required"],
                accessible_required=values["accessible_required"],
            )
            return dwelling_fits(their_criteria, self.facts) and not dwelling_fits(
                self.criteria, theirs
            )

        def compute():
            wanting = self.base.filter(pk__in=_listings_wanting(self.facts.commune_id))
            anywhere = self.base.filter(any_commune=True)
            # One query: each side of the UNION is driven by its own index.
            if self.tier2_in_sql:
                outside = ~self.fits & criteria_accept_except_commune_q(self.facts)
                fields = ("pk", "published_at")
                rows = (
                    wanting.filter(outside)
                    .values_list(*fields)
                    .order_by()
                    .union(anywhere.filter(outside).values_list(*fields).order_by())
                )
            else:
                rows = [
                    (row[0], row[1])
                    for row in wanting.values_list(*TIER2_FIELDS)
                    .order_by()
                    .union(anywhere.values_list(*TIER2_FIELDS).order_by())
                    if keep(row)
                ]
            rows = list(rows)
            rows.sort(key=lambda row: (row[1] is not None, row[1], row[0]), reverse=True)
            return [pk for pk, _published in rows]

        return self._once("tier2", compute)

    def tier2_count(self) -> int:
        return len(self._tier2())

    def _tier2_slice(self, lo: int, hi: int) -> list[int]:
        return self._tier2()[lo:hi]

    # The whole ----------------------------------------------------------------------------
    def count(self) -> int:
        return self._once("count", lambda: self._kept("n", self._count))

    def _count(self) -> int:
        if self.include_rest or not self.fits:
            # One scan counts the search and, apart, the viewer in it (one query, not two).
            return self._once("n", self._count_but_viewer)
        return self.tier1_count() + self.tier2_count()

    def _count_but_viewer(self) -> int:
        counted = self.queryset.aggregate(
            n=Count("pk"), viewer=Count("pk", filter=Q(pk=self.viewer.pk))
        )
        return counted["n"] - counted["viewer"]

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        scores = self._kept(f"{start}:{stop}", lambda: self._scores(start, stop))
        return self._rows(scores)

    def _scores(self, start: int, stop: int) -> dict[int, int]:
        """{pk: match score} of the ranking's rows ``start`` to ``stop``, in order."""
        if not self.fits:  # no criteria: every dwelling fits mine, one ranked query
            rows = ranked_for(self.viewer, self.base)
            if not self.include_rest:
                rows = rows.filter(match_score__gt=NO_MATCH)
            return dict(rows.values_list("pk", "match_score")[start:stop])
        scores = {}
        # Tier 1's rows of this page come first; the next tiers are read only when
        # the page goes past tier 1 (a first page full of tier 1 costs one query).
        page = list(self._tier1().values_list("pk", "mutual")[start:stop])
        for pk, mutual in page:
            scores[pk] = MUTUAL if mutual else THEIRS_FITS_MINE
        if len(page) < stop - start:
            self._fill_after_tier1(scores, start, stop, len(page))
        return scores

    def _fill_after_tier1(self, scores: dict, start: int, stop: int, found: int) -> None:
        # Where tier 1 ends: known from this page unless the page starts past it.
        n1 = start + found if (found or start == 0) else self.tier1_count()
        self._cache.setdefault("n1", n1)
        n2 = self.tier2_count()
        lo, hi = min(max(start - n1, 0), n2), min(max(stop - n1, 0), n2)
        for pk in self._tier2_slice(lo, hi):
            scores[pk] = MINE_FITS_THEIRS
        if self.include_rest:
            skip = n1 + n2
            lo, hi = max(start - skip, 0), max(stop - skip, 0)
            rest = self.base.exclude(self.fits).exclude(criteria_accept_q(self.facts))
            page = list(
                rest.order_by(*self._rest_order()).values_list("pk", flat=True)[
                    lo : max(hi, lo + 1)
                ]
            )
            for pk in page[: hi - lo]:
                scores[pk] = NO_MATCH

    def _rest_order(self):
        """``ORDER``, written so that a search of few results is sorted: the database
        cannot tell how few rows narrow filters leave (a T4 under 500 €: 20 of 100 000
        where it expects 6 000), and would read the publication index through most
        listings to find a page. The count tells; ``NULLS LAST`` (searchable listings
        always have a publication date) keeps that index from giving the order."""
        if self.count() >= SORT_BELOW:
            return ORDER
        return (F("published_at").desc(nulls_last=True), "-pk")

    def _rows(self, scores: dict) -> list[Listing]:
        # Still searchable: a kept ranking never shows a listing that left the search.
        rows = searchable_listings().filter(pk__in=list(scores)).select_related("commune")
        if self.prefetch:
            rows = rows.prefetch_related(*self.prefetch)
        by_pk = {row.pk: row for row in rows}
        ordered = []
        for pk, score in scores.items():  # insertion order is the ranking
            row = by_pk.get(pk)
            if row is not None:
                row.match_score = score
                ordered.append(row)
        return ordered


def mutual_matches(viewer: Listing, queryset=None):
    queryset = searchable_listings() if queryset is None else queryset
    return queryset.exclude(pk=viewer.pk).filter(
        facts_fit_q(criteria_of(viewer)), criteria_accept_q(facts_of(viewer))
    )


def match_reason(score: int) -> str:
    return str(MATCH_REASONS.get(score, ""))
