"""The exchange graph and its bounded cycle search, in arrays (numpy).

One node per available listing; an arc from A to B when B's dwelling fits A's
criteria (``bourse.tenants.matching.dwelling_fits``: this module is that rule's
array twin, checked against it by Hypothesis in ``tests/chains``). A chain is
a cycle of 3 to 5 nodes: each household moves into the next one's dwelling.

The arcs are never stored: at 100 000 listings there are tens of millions of
them. The search walks them from indexes instead — the dwellings located in a
(commune, typology), the households wanting one — in batches of starting nodes,
each batch handled by a few array operations:

1. the households wanting the dwelling of each start ``a`` (the closing moves)
   are grouped in a dense table by (start, commune, typology) of their dwelling;
2. paths start at every node ``a`` of the batch; each level extends them by the
   dwellings their last household wants, only towards nodes after ``a`` (each
   cycle is found once, from its first node) and not already on the path;
   beyond ``beam`` paths per start, the closest ones are kept (no beam: every
   path, which is what bound 3 does — its search is exhaustive);
3. the cycle closes by looking up, for each path, the table's cells of the
   communes and typologies its last household wants: every household found
   there wants ``a``'s dwelling and lives where the last one wants to go, so
   only the numbers (surface, rent, floor, lift, accessibility) are left to test.

Scores: a move's closeness (``move_closeness``) and a chain's (its weakest
move), the households' waiting time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from bourse.models import Typology

TYPOLOGIES = [t.value for t in Typology]
SLOTS = 8  # typology slots of a commune: 0 to 5 the typologies, 7 an unknown one
UNKNOWN_SLOT = 7
ANY_TYPOLOGY = (1 << SLOTS) - 1
LIFT_BIT, ACCESSIBLE_BIT = 1 << SLOTS, 1 << (SLOTS + 1)
NEEDS = LIFT_BIT | ACCESSIBLE_BIT
NO_MIN = np.iinfo(np.int32).min
NO_MAX = np.iinfo(np.int32).max
# Candidate moves per batch, and cells of the closing table per batch.
BATCH_CANDIDATES = 4_000_000
BATCH_CELLS = 2_000_000
TOP_BINS = 256  # score levels of ``_top_per_group``'s first pass


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _int32(values, *, low=NO_MIN + 1, high=NO_MAX - 1) -> np.ndarray:
    """Whole numbers as int32 (the sentinels stay out of reach of real values)."""
    return np.clip(np.asarray(values, dtype=np.int64), low, high).astype(np.int32)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each start and length."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def _csr(keys: np.ndarray, values: np.ndarray, size: int):
    """Group ``values`` by ``keys`` (0 <= key < size): (pointers, values sorted by key)."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=size)
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, values[order]


@dataclass
class Node:
    """One listing as the graph sees it (``facts`` and ``criteria`` of ``matching``)."""

    pk: int
    facts: object
    criteria: object
    published: float = 0.0  # POSIX time of publication (waiting time)


@dataclass
class Columns:
    """The listings' facts and criteria, one array (or list) per field, in any order.
    Money and surfaces in cents; ``None`` for a blank number; ``want_node`` indexes
    the rows, ``want_commune`` the wanted commune of each (no row: any commune)."""

    pks: np.ndarray
    published: np.ndarray
    commune: list  # commune id or None
    typology: list  # a TYPOLOGIES value (anything else: unknown)
    surface: np.ndarray
    cost: np.ndarray
    floor: np.ndarray
    lift: np.ndarray
    accessible: np.ndarray
    typ_mask: np.ndarray  # bit i: TYPOLOGIES[i] wanted (none: any)
    typ_unknown_only: np.ndarray  # only typologies outside TYPOLOGIES wanted: nothing fits
    min_surface: list
    max_cost: list
    max_floor: list
    lift_required: np.ndarray
    accessible_required: np.ndarray
    want_node: np.ndarray
    want_commune: list

    @classmethod
    def from_nodes(cls, nodes: list[Node]) -> Columns:
        typ_index = {t: i for i, t in enumerate(TYPOLOGIES)}
        crit = [node.criteria for node in nodes]
        return cls(
            pks=np.array([node.pk for node in nodes], dtype=np.int64),
            published=np.array([node.published for node in nodes], dtype=np.float64),
            commune=[node.facts.commune_id for node in nodes],
            typology=[node.facts.typology for node in nodes],
            surface=np.array([_cents(node.facts.surface) for node in nodes], dtype=np.int64),
            cost=np.array([_cents(node.facts.monthly_cost) for node in nodes], dtype=np.int64),
            floor=np.array([node.facts.floor for node in nodes], dtype=np.int64),
            lift=np.array([node.facts.lift for node in nodes], dtype=bool),
            accessible=np.array([node.facts.accessible for node in nodes], dtype=bool),
            typ_mask=np.array(
                [sum(1 << typ_index[t] for t in c.typologies if t in typ_index) for c in crit],
                dtype=np.int64,
            ),
            typ_unknown_only=np.array(
                [
                    bool(c.typologies) and not any(t in typ_index for t in c.typologies)
                    for c in crit
                ],
                dtype=bool,
            ),  # fmt: skip
            min_surface=[None if c.min_surface is None else _cents(c.min_surface) for c in crit],
            max_cost=[
                None if c.max_monthly_cost is None else _cents(c.max_monthly_cost) for c in crit
            ],
            max_floor=[c.max_floor for c in crit],
            lift_required=np.array([c.lift_required for c in crit], dtype=bool),
            accessible_required=np.array([c.accessible_required for c in crit], dtype=bool),
            want_node=np.array(
                [i for i, c in enumerate(crit) for _ in c.commune_ids], dtype=np.int64
            ),
            want_commune=[x for c in crit for x in sorted(c.commune_ids)],
        )


def _blank_to(values, blank: int) -> np.ndarray:
    return np.array([blank if v is None else v for v in values], dtype=np.int64)


class Graph:
    """Arrays of facts and criteria, indexes by commune. Node ``i`` is ``pks[i]``
    (sorted), so "after ``a``" means a greater primary key."""

    def __init__(self, nodes: list[Node] | None = None, *, columns: Columns | None = None):
        self._build(columns if columns is not None else Columns.from_nodes(nodes or []))

    def _build(self, col: Columns) -> None:
        order = np.argsort(col.pks, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        n = self.n = len(order)
        self.pks = col.pks[order]
        self.published = np.asarray(col.published, dtype=np.float64)[order]
        # Communes: indexes of the sorted ids (facts and wishes), -1 for none.
        facts_communes = ["" if c is None else str(c) for c in col.commune]
        wished = [str(c) for c in col.want_commune]
        everything = np.array(facts_communes + wished, dtype=str)
        names, inverse = np.unique(everything, return_inverse=True)
        inverse = inverse.astype(np.int64)
        has_blank = len(names) and names[0] == ""
        if has_blank:
            names, inverse = names[1:], inverse - 1
        self.communes = list(names)
        self.nc = max(len(names), 1)
        self.commune = inverse[:n][order].astype(np.int32)
        typ_index = {t: i for i, t in enumerate(TYPOLOGIES)}
        typology = np.array([typ_index.get(t, -1) for t in col.typology], dtype=np.int8)
        self.typology = typology[order]
        self.slot = np.where(self.typology >= 0, self.typology, UNKNOWN_SLOT).astype(np.int64)
        # The dwelling's numbers, and its bits: its typology slot, lift (or no stairs),
        # accessible.
        self.surface = _int32(col.surface)[order]
        self.cost = _int32(col.cost)[order]
        self.floor = _int32(col.floor)[order]
        lift = np.asarray(col.lift, dtype=bool)[order]
        accessible = np.asarray(col.accessible, dtype=bool)[order]
        self.has = (
            (np.int32(1) << self.slot.astype(np.int32))
            | np.where(lift | (self.floor <= 0), LIFT_BIT, 0).astype(np.int32)
            | np.where(accessible, ACCESSIBLE_BIT, 0).astype(np.int32)
        )
        # The criteria's numbers (blank: out of reach), and their bits: the accepted
        # typology slots, the needs.
        typ_mask = np.asarray(col.typ_mask, dtype=np.int64)[order]
        unknown_only = np.asarray(col.typ_unknown_only, dtype=bool)[order]
        self.typ_mask = typ_mask
        self.min_surface = _int32(_blank_to(col.min_surface, NO_MIN), low=NO_MIN)[order]
        self.max_cost = _int32(_blank_to(col.max_cost, NO_MAX), high=NO_MAX)[order]
        self.max_floor = _int32(_blank_to(col.max_floor, NO_MAX), high=NO_MAX)[order]
        accept = np.where(typ_mask == 0, np.where(unknown_only, 0, ANY_TYPOLOGY), typ_mask)
        lift_required = np.asarray(col.lift_required, dtype=bool)[order]
        accessible_required = np.asarray(col.accessible_required, dtype=bool)[order]
        self.wants = (
            accept
            | np.where(lift_required, LIFT_BIT, 0)
            | np.where(accessible_required, ACCESSIBLE_BIT, 0)
        ).astype(np.int32)
        want_node = rank[np.asarray(col.want_node, dtype=np.int64)]
        want_commune = inverse[n:] if len(wished) else np.zeros(0, dtype=np.int64)
        self._index(want_node, want_commune, accept.astype(np.int64))
        self._closeness_terms()

    def _index(self, want_node: np.ndarray, want_commune: np.ndarray, accept) -> None:
        n, nc = self.n, self.nc
        self.want_ptr, self.want = _csr(want_node, want_commune, n)
        self.any_commune = np.diff(self.want_ptr) == 0
        nodes = np.arange(n, dtype=np.int64)
        # Accepted typology slots of each node, as a list, and as runs of consecutive
        # slots [lo, hi) (an own typology and the next: one run).
        bits = (accept[:, None] >> np.arange(SLOTS)) & 1 if n else np.zeros((0, SLOTS), int)
        bit_node, bit_slot = np.nonzero(bits)
        self.typ_ptr, self.typ_list = _csr(bit_node, bit_slot.astype(np.int64), n)
        padded = np.pad(bits, ((0, 0), (1, 1)))
        run_node, run_lo = np.nonzero(np.diff(padded, axis=1) == 1)
        _n, run_hi = np.nonzero(np.diff(padded, axis=1) == -1)
        # Closing cells of each node: (commune + 1) * SLOTS + run bounds, per wanted
        # commune and run (the table of ``_closing_table``).
        run_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(run_node, minlength=n), out=run_ptr[1:])
        runs = np.diff(run_ptr)[want_node]
        cell_node = np.repeat(want_node, runs)
        picks = _ranges(run_ptr[want_node], runs)
        base = np.repeat((want_commune + 1) * SLOTS, runs)
        self.cell_ptr, cell_order = _csr(cell_node, np.arange(len(cell_node)), n)
        self.cell_lo = (base + run_lo[picks])[cell_order]
        self.cell_hi = (base + run_hi[picks])[cell_order]
        # Dwellings by (commune, typology slot): cell commune * SLOTS + slot.
        located = self.commune >= 0
        at_keys = self.commune[located].astype(np.int64) * SLOTS + self.slot[located]
        self.at_ptr, self.at = _csr(at_keys, nodes[located], nc * SLOTS)
        # Households by wanted (commune, slot), each accepted slot listed.
        counts = np.diff(self.typ_ptr)[want_node]
        w_nodes = np.repeat(want_node, counts)
        w_keys = (
            np.repeat(want_commune * SLOTS, counts)
            + self.typ_list[_ranges(self.typ_ptr[want_node], counts)]
        )
        self.wanting_ptr, self.wanting = _csr(w_keys, w_nodes, nc * SLOTS)
        self.anywhere = nodes[self.any_commune]
        # Sorted keys node * nc + commune of the wanted communes (membership tests).
        self.want_keys = np.sort(want_node * nc + want_commune)

    def _closeness_terms(self) -> None:
        """Per household, the terms of ``move_closeness`` that do not depend on the
        dwelling (a quarter each; see there)."""
        named_typology = self.typ_mask != 0
        self.close_base = 0.25 * (~self.any_commune + named_typology.astype(np.float64))
        has_max = (self.max_cost != NO_MAX) & (self.max_cost > 0)
        self.rent_offset = np.where(has_max, 0.25, 0.0)
        self.rent_scale = np.where(has_max, 0.25 / np.where(has_max, self.max_cost, 1), 0.0)
        has_min = self.min_surface != NO_MIN
        positive = has_min & (self.min_surface > 0)
        self.space_scale = np.where(positive, 1.0 / np.where(positive, self.min_surface, 1), 0.0)
        zero = has_min & (self.min_surface == 0)  # any surface is a quarter above nothing
        self.space_offset = np.where(positive, 1.0, np.where(zero, -1.0, 0.0))

    def mean_out_candidates(self) -> float:
        """Mean number of dwellings located in the communes a household wants."""
        if not self.n:
            return 0.0
        per_commune = np.diff(self.at_ptr).reshape(-1, SLOTS).sum(axis=1)
        total = float(per_commune[self.want].sum()) + float(self.any_commune.sum()) * self.n
        return total / self.n

    def batch_size(self) -> int:
        """Starting nodes per batch: about ``BATCH_CANDIDATES`` candidate moves, and a
        closing table of at most ``BATCH_CELLS`` cells."""
        by_moves = BATCH_CANDIDATES / max(self.mean_out_candidates(), 1.0)
        by_cells = BATCH_CELLS / ((self.nc + 1) * SLOTS)
        return int(np.clip(min(by_moves, by_cells), 16, 4096))

    # --- The rule, in arrays -----------------------------------------------------------

    def wants_commune(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Does household ``x`` accept the commune of ``y``'s dwelling?"""
        keys = x * self.nc + self.commune[y]
        pos = np.searchsorted(self.want_keys, keys)
        pos = np.minimum(pos, max(len(self.want_keys) - 1, 0))
        found = (self.want_keys[pos] == keys) if len(self.want_keys) else np.zeros(len(x), bool)
        return self.any_commune[x] | (found & (self.commune[y] >= 0))

    def fits_except_commune(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``dwelling_fits(criteria of x, facts of y)`` without its commune part."""
        wants, has = self.wants[x], self.has[y]
        ok = (wants & has & ANY_TYPOLOGY) != 0  # a wanted typology (or any)
        ok &= (wants & ~has & NEEDS) == 0  # lift and accessibility needs met
        ok &= self.surface[y] >= self.min_surface[x]
        ok &= self.cost[y] <= self.max_cost[x]
        ok &= self.floor[y] <= self.max_floor[x]
        return ok

    def fits(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``dwelling_fits(criteria of x, facts of y)`` for each pair."""
        x = np.asarray(x, dtype=np.int64)
        y = np.asarray(y, dtype=np.int64)
        return self.fits_except_commune(x, y) & self.wants_commune(x, y)

    def move_closeness(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """How close ``y``'s dwelling is to what ``x`` asked for, from 0 to 1 (the move is
        assumed to fit). A quarter each: the commune was named (not "any commune"), the
        typology was named (not "any"), the room left under the rent limit (share of
        the limit), the room above the minimum surface (up to a quarter more; none
        when there is no minimum)."""
        rent = self.rent_offset[x] - self.cost[y] * self.rent_scale[x]
        space = self.surface[y] * self.space_scale[x] - self.space_offset[x]
        return (
            self.close_base[x]
            + np.clip(rent, 0.0, 0.25)
            + np.clip(space, 0.0, 0.25)
        )  # fmt: skip

    # --- Neighbourhoods in batches ---------------------------------------------------------

    def _slots_wanted(self, sources: np.ndarray):
        """(row, start, size) of the dwellings index's cells wanted by each source:
        its wanted communes and, in each, its runs of accepted typologies."""
        cells = self.cell_ptr[sources + 1] - self.cell_ptr[sources]
        picks = _ranges(self.cell_ptr[sources], cells)
        rows = np.repeat(np.arange(len(sources), dtype=np.int64), cells)
        # cell_lo/hi count from commune + 1: the dwellings index counts from commune.
        lo = self.at_ptr[self.cell_lo[picks] - SLOTS]
        hi = self.at_ptr[self.cell_hi[picks] - SLOTS]
        return rows, lo, hi - lo

    def out_pairs(self, sources: np.ndarray, *, allowed=None, after=None):
        """(row, node) for every node whose dwelling fits the criteria of ``sources[row]``
        (among ``allowed`` nodes, and greater than ``after[row]`` when given)."""
        rows = np.arange(len(sources), dtype=np.int64)
        slot_rows, lo, sizes = self._slots_wanted(sources)
        pair_rows = np.repeat(slot_rows, sizes)
        pair_nodes = self.at[_ranges(lo, sizes)]
        anywhere_rows = rows[self.any_commune[sources]]
        if len(anywhere_rows):  # "any commune": every node is a candidate
            pair_rows = np.concatenate([pair_rows, np.repeat(anywhere_rows, self.n)])
            pair_nodes = np.concatenate(
                [pair_nodes, np.tile(np.arange(self.n, dtype=np.int64), len(anywhere_rows))]
            )
        return self._keep(sources, pair_rows, pair_nodes, allowed, after, outgoing=True)

    def _keep(self, ends, pair_rows, pair_nodes, allowed, after, *, outgoing):
        keep = None
        if allowed is not None:
            keep = allowed[pair_nodes]
        if after is not None:
            later = pair_nodes > after[pair_rows]
            keep = later if keep is None else keep & later
        if keep is not None:
            pair_rows, pair_nodes = pair_rows[keep], pair_nodes[keep]
        if outgoing:
            keep = self.fits_except_commune(ends[pair_rows], pair_nodes)
        else:
            keep = self.fits_except_commune(pair_nodes, ends[pair_rows])
        return pair_rows[keep], pair_nodes[keep]

    def in_pairs(self, targets: np.ndarray, *, allowed=None, after=None):
        """(row, node) for every node whose criteria accept the dwelling of ``targets[row]``."""
        rows = np.arange(len(targets), dtype=np.int64)
        located = self.commune[targets] >= 0
        cells = (
            self.commune[targets[located]].astype(np.int64) * SLOTS + self.slot[targets[located]]
        )
        sizes = self.wanting_ptr[cells + 1] - self.wanting_ptr[cells]
        pair_rows = np.repeat(rows[located], sizes)
        pair_nodes = self.wanting[_ranges(self.wanting_ptr[cells], sizes)]
        if len(self.anywhere):
            pair_rows = np.concatenate([pair_rows, np.repeat(rows, len(self.anywhere))])
            pair_nodes = np.concatenate([pair_nodes, np.tile(self.anywhere, len(targets))])
        return self._keep(targets, pair_rows, pair_nodes, allowed, after, outgoing=False)

    # --- Closing the cycles ------------------------------------------------------------------

    def _closing_table(self, in_rows: np.ndarray, in_nodes: np.ndarray, rows: int):
        """The closing moves of a batch in a dense table: cell (row, commune + 1, slot) of
        the mover's dwelling (commune + 1: 0 for a dwelling without commune). Returns
        (pointers, order of the moves by cell)."""
        per_row = (self.nc + 1) * SLOTS
        keys = in_rows * per_row + (self.commune[in_nodes] + 1) * SLOTS + self.slot[in_nodes]
        order = np.argsort(keys, kind="stable")
        ptr = np.bincount(keys + 1, minlength=rows * per_row + 1)
        np.cumsum(ptr, out=ptr)
        return ptr, order

    def closing_pairs(self, last: np.ndarray, start_rows: np.ndarray, ptr: np.ndarray):
        """(path, position in the table) for each closing move whose dwelling is in a
        commune and typology wanted by the path's last household ``last[path]`` (the rest
        of the rule is left to check)."""
        per_row = (self.nc + 1) * SLOTS
        cells = self.cell_ptr[last + 1] - self.cell_ptr[last]
        picks = _ranges(self.cell_ptr[last], cells)
        paths = np.repeat(np.arange(len(last), dtype=np.int64), cells)
        base = np.repeat(start_rows * per_row, cells)
        lo = ptr[base + self.cell_lo[picks]]
        sizes = ptr[base + self.cell_hi[picks]] - lo
        c_paths = np.repeat(paths, sizes)
        c_pos = _ranges(lo, sizes)
        anywhere = np.flatnonzero(self.any_commune[last])
        if len(anywhere):  # the last household accepts any commune: the start's whole row
            a_lo = ptr[start_rows[anywhere] * per_row]
            a_sizes = ptr[(start_rows[anywhere] + 1) * per_row] - a_lo
            c_paths = np.concatenate([c_paths, np.repeat(anywhere, a_sizes)])
            c_pos = np.concatenate([c_pos, _ranges(a_lo, a_sizes)])
        return c_paths, c_pos


@dataclass
class Cycles:
    """Cycles found (node indices, one row each) with their scores."""

    nodes: np.ndarray  # shape (count, length)
    closeness: np.ndarray
    waiting: np.ndarray  # mean waiting time of the households, seconds

    def __len__(self):
        return len(self.nodes)


def _top_per_group(groups: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` best scores (0 to 1) of each group (integers >= 0)."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    counts = np.bincount(groups)
    if counts.max() <= limit:
        return np.arange(len(groups))
    # First, without sorting: per group, a histogram of the scores tells the lowest bin
    # that the best ``limit`` reach; only the scores from that bin up are sorted.
    bins = TOP_BINS
    level = np.minimum((np.clip(scores, 0.0, 1.0) * bins).astype(np.int64), bins - 1)
    hist = np.bincount(groups * bins + level, minlength=len(counts) * bins)
    reached = np.cumsum(hist.reshape(len(counts), bins)[:, ::-1], axis=1) >= limit
    lowest = bins - 1 - np.minimum(np.argmax(reached, axis=1), bins - 1)
    lowest[~reached[:, -1]] = 0  # fewer than ``limit``: all of them
    picked = np.flatnonzero(level >= lowest[groups])
    groups, scores = groups[picked], scores[picked]
    # Then one float key: the group, then the score downwards (within [g, g + 0.5]).
    order = np.argsort(groups + (1.0 - np.clip(scores, 0.0, 1.0)) * 0.5)
    sizes = np.bincount(groups)
    sizes = sizes[sizes > 0]
    first = np.repeat(np.cumsum(sizes) - sizes, sizes)
    rank = np.arange(len(order)) - first
    return np.sort(picked[order[rank < limit]])


def find_cycles(
    graph: Graph,
    length: int,
    *,
    allowed: np.ndarray | None = None,
    beam: int | None = None,
    batch: int | None = None,
    per_start: int | None = None,
    now: float = 0.0,
) -> Cycles:
    """Cycles of ``length`` nodes among ``allowed`` ones (each once, starting at its
    smallest node). With a ``beam``, each level keeps the ``beam`` closest paths of
    each start; without, every path (exhaustive: bound 3, small graphs, tests).
    ``per_start`` keeps only the closest cycles of each start."""
    n = graph.n
    allowed = np.ones(n, dtype=bool) if allowed is None else allowed
    starts_all = np.flatnonzero(allowed)
    batch = batch or graph.batch_size()
    found_nodes, found_close = [], []
    for lo in range(0, len(starts_all), batch):
        starts = starts_all[lo : lo + batch]
        # The closing moves: households wanting each start's dwelling (after the start).
        in_rows, in_nodes = graph.in_pairs(starts, allowed=allowed, after=starts)
        if not len(in_nodes):
            continue
        has_in = np.zeros(len(starts), dtype=bool)
        has_in[in_rows] = True
        starts = starts[has_in]
        row_of = np.cumsum(has_in) - 1
        in_rows = row_of[in_rows]
        ptr, order = graph._closing_table(in_rows, in_nodes, len(starts))
        in_nodes = in_nodes[order]
        in_close = graph.move_closeness(in_nodes, starts[in_rows[order]])
        paths = starts[:, None]
        path_rows = np.arange(len(starts), dtype=np.int64)
        score = np.ones(len(starts))
        for _level in range(length - 2):
            rows, cand = graph.out_pairs(paths[:, -1], allowed=allowed, after=paths[:, 0])
            if paths.shape[1] > 1:
                keep = np.ones(len(cand), dtype=bool)
                for col in range(1, paths.shape[1]):
                    keep &= cand != paths[:, col][rows]
                rows, cand = rows[keep], cand[keep]
            new_score = np.minimum(score[rows], graph.move_closeness(paths[:, -1][rows], cand))
            if beam is not None and len(rows):
                best = _top_per_group(path_rows[rows], new_score, beam)
                rows, cand, new_score = rows[best], cand[best], new_score[best]
            paths = np.column_stack([paths[rows], cand])
            path_rows, score = path_rows[rows], new_score
            if not len(paths):
                break
        if not len(paths):
            continue
        last = paths[:, -1]
        c_paths, c_pos = graph.closing_pairs(last, path_rows, ptr)
        c_nodes = in_nodes[c_pos]
        c_last = last[c_paths]
        keep = graph.fits_except_commune(c_last, c_nodes) & (c_nodes != c_last)
        for col in range(1, paths.shape[1] - 1):
            keep &= c_nodes != paths[:, col][c_paths]
        c_paths, c_pos, c_nodes, c_last = c_paths[keep], c_pos[keep], c_nodes[keep], c_last[keep]
        close = np.minimum(
            np.minimum(score[c_paths], in_close[c_pos]), graph.move_closeness(c_last, c_nodes)
        )
        if per_start is not None and len(c_paths):
            best = _top_per_group(path_rows[c_paths], close, per_start)
            c_paths, c_nodes, close = c_paths[best], c_nodes[best], close[best]
        found_nodes.append(np.column_stack([paths[c_paths], c_nodes]))
        found_close.append(close)
    if found_nodes:
        nodes = np.concatenate(found_nodes)
        closeness = np.concatenate(found_close)
    else:
        nodes = np.zeros((0, length), dtype=np.int64)
        closeness = np.zeros(0)
    published = graph.published[nodes] if len(nodes) else np.zeros((0, length))
    waiting = (now - published).mean(axis=1) if len(nodes) else np.zeros(0)
    return Cycles(nodes=nodes, closeness=closeness, waiting=waiting)


def rank(cycles: Cycles) -> np.ndarray:
    """Order of the cycles (all of one length): closest first, then longest waiting."""
    return np.lexsort((-cycles.waiting, -np.round(cycles.closeness, 6)))


def select(cycles: Cycles, capacity: np.ndarray, *, skip=lambda nodes: False) -> list[int]:
    """Indices of the cycles to propose, in ``rank`` order; a node is taken at most
    ``capacity[node]`` times (its free places among open proposals; updated in
    place); ``skip`` refuses a cycle (e.g. declined before, or already proposed).
    Called for each length in turn, fewer households first."""
    chosen = []
    if not len(cycles):
        return chosen
    places = capacity.tolist()
    rows = cycles.nodes.tolist()
    for index in rank(cycles).tolist():
        nodes = rows[index]
        if all(places[node] > 0 for node in nodes) and not skip(nodes):
            for node in nodes:
                places[node] -= 1
            chosen.append(index)
    capacity[:] = places
    return chosen
