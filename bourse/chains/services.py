"""Exchange chains: find them, propose them, answer them, open the exchange file.

Rules (one function each, tested in ``tests/chains``):

- ``available_listings``: the nodes of the exchange graph — searchable listings
  (active and eligible) of tenants with a dwelling, not anonymised, not in an
  exchange file in progress;
- ``find_chains``: the scheduled job (and the on-demand run after a listing
  changes): dissolves the open proposals that no longer hold, then finds chains
  of 3 to ``CHAINS_MAX_LENGTH`` households (``graph.find_cycles``), ranks them
  (fewer households, closeness to the criteria, waiting time) and proposes them,
  a listing never being in more than ``CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING``
  open proposals; a chain once declined is never proposed again;
- ``accept`` (with the NUR when the household has none yet) and ``decline``;
  when every household accepted, one exchange file opens with all of them
  (``bourse.exchanges.api.open_exchange_file``); a decline dissolves the
  proposal and the job looks again;
- ``proposals_for_tenant`` / ``proposals_for_staff``: who sees what (a landlord
  sees the proposals involving its dwellings, never the others).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse import permissions as staff_permissions
from bourse.exchanges.api import PartySpec, open_exchange_file, tenants_in_open_files
from bourse.exchanges.workflow import InvalidData
from bourse.tenants import contacts, matching
from bourse.tenants.matching import searchable_listings
from bourse.tenants.models import TYPOLOGY_FIELDS, Listing

from . import conversation as chain_conversation
from . import graph as chain_graph
from .models import Answer, ChainMember, ChainProposal, EndReason, ProposalStatus

logger = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 7_309_115  # "chains"
RECENT_DAYS = 14


class ChainError(Exception):
    """A refused answer (French message for the tenant)."""


def max_open_per_listing() -> int:
    return int(getattr(settings, "CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING", 2))


def candidates_per_listing() -> int:
    """Closest chains kept per starting listing before ranking (bounds the memory)."""
    return int(getattr(settings, "CHAINS_CANDIDATES_PER_LISTING", 8))


def max_length() -> int:
    return max(3, min(5, int(getattr(settings, "CHAINS_MAX_LENGTH", 5))))


# --- The graph's nodes ------------------------------------------------------------------


def available_listings():
    """Listings that may be in a new chain: searchable (active, and eligible: their
    patrimoine row exists), not anonymised, their tenant not in an exchange file in
    progress."""
    return (
        searchable_listings()
        .filter(tenant__anonymised_at__isnull=True)
        .exclude(tenant__user__in=tenants_in_open_files().values("pk"))
    )


# The listing's facts and criteria (as the matching rule reads them), then its household.
GRAPH_FIELDS = (*matching.TIER2_FIELDS, "tenant__dwelling_id", "tenant__landlord_id")


@dataclass
class LoadedGraph:
    graph: chain_graph.Graph
    dwelling: dict = field(default_factory=dict)  # listing pk -> (dwelling id, landlord id)


def _cents(values) -> list:
    """Decimal amounts (two decimals) as whole cents, ``None`` kept."""
    return [None if v is None else round(float(v) * 100) for v in values]


def load_graph(queryset=None) -> LoadedGraph:
    """Two queries: the listings' facts and criteria, then their wanted communes; the
    rows go straight into the graph's columns (no object per listing)."""
    queryset = available_listings() if queryset is None else queryset
    rows = list(queryset.order_by().values_list(*GRAPH_FIELDS).iterator(chunk_size=20_000))
    columns = dict(zip(GRAPH_FIELDS, zip(*rows, strict=True), strict=True)) if rows else {}
    del rows

    def column(name):
        return columns.get(name, ())

    pks = np.array(column("pk"), dtype=np.int64)
    by_pk = np.argsort(pks)
    through = Listing.wanted_communes.through.objects.filter(
        listing_id__in=queryset.order_by().values("pk")
    ).values_list("listing_id", "commune_id")
    wanted = list(through.iterator(chunk_size=50_000))
    want_listing = np.array([listing_id for listing_id, _c in wanted], dtype=np.int64)
    typ_index = {t: i for i, t in enumerate(chain_graph.TYPOLOGIES)}
    typ_mask = np.zeros(len(pks), dtype=np.int64)
    for typology, name in TYPOLOGY_FIELDS.items():
        typ_mask |= np.array(column(name), dtype=bool).astype(np.int64) << typ_index[typology]
    graph = chain_graph.Graph(
        columns=chain_graph.Columns(
            pks=pks,
            published=np.array([p.timestamp() if p else 0.0 for p in column("published_at")]),
            commune=list(column("commune_id")),
            typology=list(column("typology")),
            surface=np.array(_cents(column("surface")), dtype=np.int64),
            cost=np.array(_cents(column("monthly_cost")), dtype=np.int64),
            floor=np.array(column("floor"), dtype=np.int64),
            lift=np.array(column("lift"), dtype=bool),
            accessible=np.array(column("accessible"), dtype=bool),
            typ_mask=typ_mask,
            typ_unknown_only=np.zeros(len(pks), dtype=bool),
            min_surface=_cents(column("min_surface")),
            max_cost=_cents(column("max_monthly_cost")),
            max_floor=list(column("max_floor")),
            lift_required=np.array(column("lift_required"), dtype=bool),
            accessible_required=np.array(column("accessible_required"), dtype=bool),
            want_node=by_pk[np.searchsorted(pks, want_listing, sorter=by_pk)]
            if len(want_listing)
            else want_listing,
            want_commune=[commune_id for _l, commune_id in wanted],
        )
    )
    dwelling = dict(
        zip(
            column("pk"),
            zip(column("tenant__dwelling_id"), column("tenant__landlord_id"), strict=True),
            strict=True,
        )
    )
    return LoadedGraph(graph=graph, dwelling=dwelling)


def signature(listing_ids) -> str:
    """The chain's listings in moving order, starting with the smallest id."""
    ids = [int(pk) for pk in listing_ids]
    first = ids.index(min(ids))
    return "-".join(str(pk) for pk in ids[first:] + ids[:first])


# --- The job ------------------------------------------------------------------------------


@dataclass
class Run:
    proposed: int = 0
    dissolved: int = 0
    listings: int = 0
    found: dict = field(default_factory=dict)  # length -> cycles found
    proposed_by_length: dict = field(default_factory=dict)
    seconds: float = 0.0
    load_seconds: float = 0.0
    search_seconds: dict = field(default_factory=dict)  # length -> seconds (search + pick)
    locked_out: bool = False


def _lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def dissolve(proposals, reason: str, now=None) -> int:
    """End open proposals (``reason``: an ``EndReason``)."""
    ids = [p.pk if hasattr(p, "pk") else p for p in proposals]
    return ChainProposal.objects.filter(pk__in=ids, status=ProposalStatus.OPEN).update(
        status=ProposalStatus.DISSOLVED, end_reason=reason, closed_at=now or timezone.now()
    )


def stale_proposals(loaded: LoadedGraph) -> list[int]:
    """Open proposals that no longer hold: a listing left the graph, or a move no longer
    fits (criteria or dwelling changed)."""
    g = loaded.graph
    stale = []
    members = ChainMember.objects.filter(proposal__status=ProposalStatus.OPEN).order_by(
        "proposal_id", "position"
    )
    chains: dict[int, list[int]] = {}
    for proposal_id, listing_id in members.values_list("proposal_id", "listing_id"):
        chains.setdefault(proposal_id, []).append(listing_id)
    for proposal_id, listing_ids in chains.items():
        pks = np.array(listing_ids, dtype=np.int64)
        pos = np.searchsorted(g.pks, pks)
        if (pos >= g.n).any() or (g.pks[np.minimum(pos, g.n - 1)] != pks).any():
            stale.append(proposal_id)
            continue
        if not g.fits(pos, np.roll(pos, -1)).all():
            stale.append(proposal_id)
    return stale


def find_chains(*, now=None, lengths=None, beam=None) -> Run:
    """The scheduled job: see the module's docstring. Idempotent: a second run with
    nothing changed proposes nothing new."""
    started = time.perf_counter()
    now = now or timezone.now()
    lengths = lengths or range(3, max_length() + 1)
    # Bound 3 is searched whole; longer chains keep the closest paths of each start.
    beam_long = beam or int(getattr(settings, "CHAINS_BEAM_LONG", 4))
    run = Run()
    with transaction.atomic():
        if not _lock():
            run.locked_out = True
            return run
        loaded = load_graph()
        g = loaded.graph
        run.load_seconds = time.perf_counter() - started
        run.listings = g.n
        run.dissolved = dissolve(stale_proposals(loaded), EndReason.STALE, now)
        open_counts = dict(
            ChainMember.objects.filter(proposal__status=ProposalStatus.OPEN)
            .values_list("listing_id")
            .annotate(n=Count("pk"))
        )
        capacity = max_open_per_listing() - np.array(
            [open_counts.get(int(pk), 0) for pk in g.pks], dtype=np.int64
        )
        taken = set(
            ChainProposal.objects.filter(
                Q(status=ProposalStatus.OPEN) | Q(end_reason=EndReason.DECLINED)
            ).values_list("signature", flat=True)
        )

        def skip(nodes) -> bool:
            return signature(g.pks[nodes]) in taken

        chosen = []
        for length in lengths:
            allowed = capacity > 0
            if allowed.sum() < length:
                break
            length_started = time.perf_counter()
            cycles = chain_graph.find_cycles(
                g,
                length,
                allowed=allowed,
                beam=None if length == 3 else beam_long,
                per_start=candidates_per_listing(),
                now=now.timestamp(),
            )
            run.found[length] = len(cycles)
            picked = chain_graph.select(cycles, capacity, skip=skip)
            run.proposed_by_length[length] = len(picked)
            run.search_seconds[length] = time.perf_counter() - length_started
            chosen.extend((cycles.nodes[i], cycles.closeness[i], cycles.waiting[i]) for i in picked)
        _create(loaded, chosen, now)
        run.proposed = len(chosen)
    run.seconds = time.perf_counter() - started
    return run


def _insert(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """Insert ``rows`` (values of ``fields``) and return their ids, in order: on
    PostgreSQL one statement from arrays (ids drawn from the sequence first), elsewhere
    ``bulk_create``."""
    if not rows:
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if connection.vendor != "postgresql":
        names = [c.attname for c in columns]
        objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
        return [obj.pk for obj in model.objects.bulk_create(objects, batch_size=2000)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(c.column) for c in [meta.pk, *columns])
        arrays = ", ".join(f"%s::{c.db_type(connection)}[]" for c in [meta.pk, *columns])
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "  # noqa: S608
            f"SELECT * FROM unnest({arrays})",
            [ids, *(list(values) for values in zip(*rows, strict=True))],
        )
    return ids


def _create(loaded: LoadedGraph, chosen, now) -> None:
    """Write the chosen chains and their households (in moving order)."""
    g = loaded.graph
    chains = [([int(pk) for pk in g.pks[nodes]], c, w) for nodes, c, w in chosen]
    ids = _insert(
        ChainProposal,
        ["status", "size", "signature", "closeness", "waiting_days", "created_at", "end_reason"],
        [
            (
                ProposalStatus.OPEN.value,
                len(pks),
                signature(pks),
                float(c),
                float(w) / 86400,
                now,
                "",
            )
            for pks, c, w in chains
        ],
    )
    _insert(
        ChainMember,
        ["proposal", "position", "listing", "dwelling", "landlord", "answer"],
        [
            (proposal_id, position, pk, *loaded.dwelling[pk], Answer.PENDING.value)
            for proposal_id, (pks, _c, _w) in zip(ids, chains, strict=True)
            for position, pk in enumerate(pks, start=1)
        ],
    )


def new_proposals_for(listing, since):
    """Open proposals involving ``listing`` made since ``since`` (for the alerts of
    saved searches: "a chain was found for you")."""
    return ChainProposal.objects.filter(
        status=ProposalStatus.OPEN, created_at__gte=since, members__listing=listing
    ).distinct()


# --- Answers ------------------------------------------------------------------------------


def _member_for_update(proposal_id: int, profile) -> tuple[ChainProposal, ChainMember]:
    proposal = ChainProposal.objects.select_for_update().filter(pk=proposal_id).first()
    member = (
        ChainMember.objects.select_for_update()
        .filter(proposal_id=proposal_id, listing__tenant=profile)
        .first()
    )
    if proposal is None or member is None:
        raise ChainError(_("Cette proposition de chaîne ne vous concerne pas."))
    if not proposal.is_open:
        raise ChainError(_("Cette proposition n’est plus en cours."))
    if member.answer != Answer.PENDING:
        raise ChainError(_("Vous avez déjà répondu à cette proposition."))
    return proposal, member


@transaction.atomic
def accept(proposal_id: int, profile, nur: str = "", *, now=None) -> ChainProposal:
    """The household of ``profile`` accepts; its NUR is required (entered here when it
    has none yet). The last acceptance opens the exchange file."""
    now = now or timezone.now()
    proposal, member = _member_for_update(proposal_id, profile)
    profile.refresh_from_db(fields=["nur"])
    if not profile.nur:
        try:
            contacts.set_nur(profile, nur)
        except ValidationError as error:
            raise ChainError(" ".join(error.messages)) from error
    member.answer = Answer.ACCEPTED
    member.answered_at = now
    member.save(update_fields=["answer", "answered_at"])
    # From the first acceptance the households may talk (pseudonymous conversation).
    chain_conversation.conversation_for(proposal)
    if not proposal.members.exclude(answer=Answer.ACCEPTED).exists():
        open_file(proposal, opened_by=profile.user, now=now)
    return proposal


@transaction.atomic
def decline(proposal_id: int, profile, *, now=None) -> ChainProposal:
    """The household of ``profile`` declines: the proposal is dissolved, never proposed
    again, and the job looks again for the others."""
    now = now or timezone.now()
    proposal, member = _member_for_update(proposal_id, profile)
    member.answer = Answer.DECLINED
    member.answered_at = now
    member.save(update_fields=["answer", "answered_at"])
    dissolve([proposal], EndReason.DECLINED, now)
    from .tasks import schedule_search

    schedule_search()
    proposal.refresh_from_db()
    return proposal


def open_file(proposal: ChainProposal, opened_by=None, now=None):
    """Every household accepted with its NUR: one exchange file with all of them, in
    the chain's order (household i moves into household i + 1's dwelling)."""
    now = now or timezone.now()
    members = list(proposal.members.select_related("listing__tenant__user").order_by("position"))
    specs = [
        PartySpec(
            dwelling_left=m.dwelling_id,
            nur=m.listing.tenant.nur,
            tenant_user=m.listing.tenant.user,
        )
        for m in members
    ]
    # Accepted first, so that the "file opened" signal dissolves only the others.
    ChainProposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.ACCEPTED, closed_at=now
    )
    try:
        with transaction.atomic():
            file = open_exchange_file(specs, opened_by=opened_by, now=now)
    except InvalidData as error:
        logger.info("chain %s: exchange file refused: %s", proposal.pk, error)
        ChainProposal.objects.filter(pk=proposal.pk).update(
            status=ProposalStatus.DISSOLVED, end_reason=EndReason.FAILED, closed_at=now
        )
        proposal.refresh_from_db()
        return None
    ChainProposal.objects.filter(pk=proposal.pk).update(exchange_file=file)
    proposal.refresh_from_db()
    return file


def dissolve_for_users(user_ids, reason=EndReason.BUSY) -> int:
    """Households that entered an exchange file: their open proposals end."""
    proposals = ChainProposal.objects.filter(
        status=ProposalStatus.OPEN, members__listing__tenant__user__in=list(user_ids)
    ).values_list("pk", flat=True)
    return dissolve(list(proposals), reason)


# --- Who sees what --------------------------------------------------------------------------


def _with_members(queryset):
    members = ChainMember.objects.select_related(
        "listing__commune", "listing__tenant__user", "landlord", "dwelling"
    ).order_by("position")
    accepted = ChainMember.objects.filter(proposal=OuterRef("pk")).exclude(answer=Answer.ACCEPTED)
    return queryset.annotate(all_accepted=~Exists(accepted)).prefetch_related(
        Prefetch("members", queryset=members)
    )


def proposals_for_tenant(profile, *, now=None):
    """The household's open proposals and those ended in the last two weeks."""
    now = now or timezone.now()
    recent = now - timedelta(days=RECENT_DAYS)
    queryset = ChainProposal.objects.filter(members__listing__tenant=profile).filter(
        Q(status=ProposalStatus.OPEN) | Q(closed_at__gte=recent)
    )
    return _with_members(queryset.distinct()).order_by("-created_at", "-pk")


def proposals_for_staff(user):
    """The proposals involving the dwellings of the user's landlord (all for the AMO)."""
    queryset = ChainProposal.objects.all()
    if not staff_permissions.is_super_admin(user):
        landlord = staff_permissions.user_landlord(user)
        if landlord is None:
            return ChainProposal.objects.none()
        queryset = queryset.filter(
            pk__in=ChainMember.objects.filter(landlord=landlord).values("proposal_id")
        )
    return _with_members(queryset).order_by("-created_at", "-pk")


def can_see_chains(user) -> bool:
    return staff_permissions.can_access_staff_area(user)


@dataclass
class TenantView:
    """What a household sees of a proposal: its own move and the answers, no identity."""

    proposal: ChainProposal
    member: ChainMember
    moves_into: Listing
    size: int
    accepted: int
    pending: int


def tenant_view(proposal: ChainProposal, profile) -> TenantView | None:
    members = list(proposal.members.all())
    own = next((m for m in members if m.listing.tenant_id == profile.pk), None)
    if own is None:
        return None
    following = members[own.position % len(members)]
    return TenantView(
        proposal=proposal,
        member=own,
        moves_into=following.listing,
        size=len(members),
        accepted=sum(m.answer == Answer.ACCEPTED for m in members),
        pending=sum(m.answer == Answer.PENDING for m in members),
    )
