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
from decimal import Decimal

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
from bourse.tenants import contacts
from bourse.tenants.matching import Criteria, Facts, searchable_listings
from bourse.tenants.models import TYPOLOGY_FIELDS, Listing

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


GRAPH_FIELDS = (
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
    "tenant__dwelling_id",
    "tenant__landlord_id",
)


@dataclass
class LoadedGraph:
    graph: chain_graph.Graph
    dwelling: dict = field(default_factory=dict)  # listing pk -> (dwelling id, landlord id)


def load_graph(queryset=None) -> LoadedGraph:
    """Two queries: the listings' facts and criteria, then their wanted communes."""
    queryset = available_listings() if queryset is None else queryset
    wanted: dict[int, set] = {}
    through = Listing.wanted_communes.through.objects.filter(
        listing_id__in=queryset.values("pk")
    ).values_list("listing_id", "commune_id")
    for listing_id, commune_id in through.iterator(chunk_size=20_000):
        wanted.setdefault(listing_id, set()).add(commune_id)
    nodes, dwelling = [], {}
    typology_names = list(TYPOLOGY_FIELDS.items())
    for row in queryset.values_list(*GRAPH_FIELDS).iterator(chunk_size=20_000):
        values = dict(zip(GRAPH_FIELDS, row, strict=True))
        pk = values["pk"]
        nodes.append(
            chain_graph.Node(
                pk=pk,
                facts=Facts(
                    commune_id=values["commune_id"],
                    typology=values["typology"],
                    surface=Decimal(values["surface"]),
                    monthly_cost=Decimal(values["monthly_cost"]),
                    floor=values["floor"],
                    lift=values["lift"],
                    accessible=values["accessible"],
                ),
                criteria=Criteria(
                    commune_ids=frozenset(wanted.get(pk, ())),
                    typologies=frozenset(t.value for t, name in typology_names if values[name]),
                    min_surface=values["min_surface"],
                    max_monthly_cost=values["max_monthly_cost"],
                    max_floor=values["max_floor"],
                    lift_required=values["lift_required"],
                    accessible_required=values["accessible_required"],
                ),
                published=values["published_at"].timestamp() if values["published_at"] else 0.0,
            )
        )
        dwelling[pk] = (values["tenant__dwelling_id"], values["tenant__landlord_id"])
    return LoadedGraph(graph=chain_graph.Graph(nodes), dwelling=dwelling)


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
    beam3 = beam or int(getattr(settings, "CHAINS_BEAM", 64))
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
                beam=beam3 if length == 3 else beam_long,
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


def _create(loaded: LoadedGraph, chosen, now) -> None:
    g = loaded.graph
    proposals = ChainProposal.objects.bulk_create(
        [
            ChainProposal(
                size=len(nodes),
                signature=signature(g.pks[nodes]),
                closeness=float(closeness),
                waiting_days=float(waiting) / 86400,
                created_at=now,
            )
            for nodes, closeness, waiting in chosen
        ],
        batch_size=2000,
    )
    members = []
    for proposal, (nodes, _c, _w) in zip(proposals, chosen, strict=True):
        for position, node in enumerate(nodes, start=1):
            pk = int(g.pks[node])
            dwelling_id, landlord_id = loaded.dwelling[pk]
            members.append(
                ChainMember(
                    proposal=proposal,
                    position=position,
                    listing_id=pk,
                    dwelling_id=dwelling_id,
                    landlord_id=landlord_id,
                )
            )
    ChainMember.objects.bulk_create(members, batch_size=5000)


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
