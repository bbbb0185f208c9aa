"""The exchange graph and its bounded cycle search, in arrays (numpy).

One node per available listing; an arc from A to B when B's dwelling fits A's
criteria (``bourse.tenants.matching.dwelling_fits``: this module is that rule's
array twin, checked against it by Hypothesis in ``tests/chains``). A chain is
a cycle of 3 to 5 nodes: each household moves into the next one's dwelling.

The arcs are never stored: at 100 000 listings there are tens of millions of
them. The search walks them from indexes instead — the listings located in a
commune, the listings wanting a commune — in batches of starting nodes, each
batch handled by a few array operations:

1. paths start at every node ``a`` of the batch;
2. each level extends the paths by the dwellings their last household wants
   (through its wanted communes, then the rest of the rule on the candidates),
   only towards nodes after ``a`` (each cycle is found once, from its first
   node) and not already on the path; beyond ``beam`` paths per start, the
   closest ones are kept (the search is exhaustive below that);
3. the cycle closes on the households that want ``a``'s dwelling, joined on
   (start, commune) with the wanted communes of the paths' last households.

Scores: a move's closeness (``move_closeness``) and a chain's (its weakest
move), the households' waiting time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from bourse.models import Typology

TYPOLOGIES = [t.value for t in Typology]
NO_MIN = np.iinfo(np.int64).min
NO_MAX = np.iinfo(np.int64).max


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


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


class Graph:
    """Arrays of facts and criteria, indexes by commune. Node ``i`` is ``pks[i]``
    (sorted), so "after ``a``" means a greater primary key."""

    def __init__(self, nodes: list[Node]):
        nodes = sorted(nodes, key=lambda node: node.pk)
        n = len(nodes)
        communes = sorted(
            {node.facts.commune_id for node in nodes if node.facts.commune_id}
            | {c for node in nodes for c in node.criteria.commune_ids}
        )
        self.communes = communes
        index = {c: i for i, c in enumerate(communes)}
        typ_index = {t: i for i, t in enumerate(TYPOLOGIES)}
        self.n = n
        self.pks = np.array([node.pk for node in nodes], dtype=np.int64)
        self.published = np.array([node.published for node in nodes], dtype=np.float64)
        self.commune = np.array(
            [index.get(node.facts.commune_id, -1) for node in nodes], dtype=np.int32
        )
        self.typology = np.array(
            [typ_index.get(node.facts.typology, -1) for node in nodes], dtype=np.int8
        )
        self.surface = np.array([_cents(node.facts.surface) for node in nodes], dtype=np.int64)
        self.cost = np.array([_cents(node.facts.monthly_cost) for node in nodes], dtype=np.int64)
        self.floor = np.array([node.facts.floor for node in nodes], dtype=np.int64)
        self.lift = np.array([node.facts.lift for node in nodes], dtype=bool)
        self.accessible = np.array([node.facts.accessible for node in nodes], dtype=bool)
        crit = [node.criteria for node in nodes]
        self.typ_mask = np.array(
            [sum(1 << typ_index[t] for t in c.typologies if t in typ_index) for c in crit],
            dtype=np.int64,
        )
        # A wanted typology outside the known ones: nothing fits it but… nothing known.
        self.typ_unknown_only = np.array(
            [bool(c.typologies) and not any(t in typ_index for t in c.typologies) for c in crit],
            dtype=bool,
        )
        self.min_surface = np.array(
            [NO_MIN if c.min_surface is None else _cents(c.min_surface) for c in crit],
            dtype=np.int64,
        )
        self.max_cost = np.array(
            [NO_MAX if c.max_monthly_cost is None else _cents(c.max_monthly_cost) for c in crit],
            dtype=np.int64,
        )
        self.max_floor = np.array(
            [NO_MAX if c.max_floor is None else c.max_floor for c in crit], dtype=np.int64
        )
        self.lift_required = np.array([c.lift_required for c in crit], dtype=bool)
        self.accessible_required = np.array([c.accessible_required for c in crit], dtype=bool)
        want_node = np.array([i for i, c in enumerate(crit) for _ in c.commune_ids], dtype=np.int64)
        want_commune = np.array(
            [index[x] for c in crit for x in sorted(c.commune_ids)], dtype=np.int64
        )
        self._index(want_node, want_commune)

    def _index(self, want_node: np.ndarray, want_commune: np.ndarray) -> None:
        n, nc = self.n, max(len(self.communes), 1)
        self.nc = nc
        self.want_ptr, self.want = _csr(want_node, want_commune, n)
        self.any_commune = np.diff(self.want_ptr) == 0
        nodes = np.arange(n, dtype=np.int64)
        # Wanted typologies of each node, as a list (empty: any typology).
        bits = [(i, t) for i, mask in enumerate(self.typ_mask.tolist()) for t in range(7)
                if mask >> t & 1]  # fmt: skip
        bit_node = np.array([i for i, _t in bits], dtype=np.int64)
        bit_typ = np.array([t for _i, t in bits], dtype=np.int64)
        self.typ_ptr, self.typ_list = _csr(bit_node, bit_typ, n)
        # Dwellings by (commune, typology): slot commune * 8 + typology + 1.
        located = self.commune >= 0
        at_keys = self.commune[located].astype(np.int64) * 8 + self.typology[located] + 1
        self.at_ptr, self.at = _csr(at_keys, nodes[located], nc * 8)
        # Households by wanted (commune, typology): slot 0 for "any typology".
        counts = np.diff(self.typ_ptr)[want_node]
        any_typ = counts == 0
        w_nodes = np.concatenate([want_node[any_typ], np.repeat(want_node, counts)])
        w_keys = np.concatenate(
            [
                want_commune[any_typ] * 8,
                np.repeat(want_commune * 8, counts)
                + self.typ_list[_ranges(self.typ_ptr[want_node], counts)]
                + 1,
            ]
        )
        self.wanting_ptr, self.wanting = _csr(w_keys, w_nodes, nc * 8)
        self.anywhere = nodes[self.any_commune]
        # Sorted keys node * nc + commune of the wanted communes (membership tests).
        self.want_keys = np.sort(want_node * nc + want_commune)

    def mean_out_candidates(self) -> float:
        """Mean number of dwellings located in the communes a household wants."""
        if not self.n:
            return 0.0
        per_commune = np.diff(self.at_ptr).reshape(-1, 8).sum(axis=1)
        total = float(per_commune[self.want].sum()) + float(self.any_commune.sum()) * self.n
        return total / self.n

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
        mask = self.typ_mask[x]
        typ = self.typology[y].astype(np.int64)
        ok = (mask == 0) & ~self.typ_unknown_only[x]
        ok |= (typ >= 0) & (((mask >> np.maximum(typ, 0)) & 1) == 1)
        ok &= self.surface[y] >= self.min_surface[x]
        ok &= self.cost[y] <= self.max_cost[x]
        ok &= self.floor[y] <= self.max_floor[x]
        ok &= ~self.lift_required[x] | (self.floor[y] <= 0) | self.lift[y]
        ok &= ~self.accessible_required[x] | self.accessible[y]
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
        named_commune = ~self.any_commune[x]
        named_typology = self.typ_mask[x] != 0
        has_max = self.max_cost[x] != NO_MAX
        limit = np.where(has_max, self.max_cost[x], 1).astype(np.float64)
        rent_room = np.where(has_max, 1 - self.cost[y] / limit, 0.0)
        has_min = self.min_surface[x] != NO_MIN
        minimum = np.where(has_min, self.min_surface[x], 1).astype(np.float64)
        space_room = np.where(has_min, (self.surface[y] - minimum) / (0.25 * minimum), 0.0)
        return 0.25 * (
            named_commune
            + named_typology
            + np.clip(rent_room, 0.0, 1.0)
            + np.clip(space_room, 0.0, 1.0)
        )

    # --- Neighbourhoods in batches ---------------------------------------------------------

    def _slots_wanted(self, sources: np.ndarray):
        """(row, slot of the dwellings index) for each wanted commune and typology."""
        rows = np.arange(len(sources), dtype=np.int64)
        counts = self.want_ptr[sources + 1] - self.want_ptr[sources]
        want_rows = np.repeat(rows, counts)
        wanted = self.want[_ranges(self.want_ptr[sources], counts)]
        typ_counts = np.diff(self.typ_ptr)[sources[want_rows]]
        any_typ = typ_counts == 0
        # Any typology: the commune's whole block (slots 0 to 7 are contiguous).
        lo_any = self.at_ptr[wanted[any_typ] * 8]
        hi_any = self.at_ptr[wanted[any_typ] * 8 + 8]
        typ_rows = np.repeat(want_rows, typ_counts)
        slots = (
            np.repeat(wanted * 8 + 1, typ_counts)
            + self.typ_list[_ranges(self.typ_ptr[sources[want_rows]], typ_counts)]
        )
        lo = np.concatenate([lo_any, self.at_ptr[slots]])
        hi = np.concatenate([hi_any, self.at_ptr[slots + 1]])
        return np.concatenate([want_rows[any_typ], typ_rows]), lo, hi - lo

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
        keep = np.ones(len(pair_rows), dtype=bool)
        if allowed is not None:
            keep &= allowed[pair_nodes]
        if after is not None:
            keep &= pair_nodes > after[pair_rows]
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
        rows_l = np.concatenate([rows[located], rows[located]])
        communes = self.commune[targets[located]].astype(np.int64)
        typ = self.typology[targets[located]].astype(np.int64)
        slots = np.concatenate([communes * 8, np.where(typ >= 0, communes * 8 + typ + 1, -1)])
        valid = slots >= 0
        rows_l, slots = rows_l[valid], slots[valid]
        sizes = self.wanting_ptr[slots + 1] - self.wanting_ptr[slots]
        pair_rows = np.repeat(rows_l, sizes)
        pair_nodes = self.wanting[_ranges(self.wanting_ptr[slots], sizes)]
        if len(self.anywhere):
            pair_rows = np.concatenate([pair_rows, np.repeat(rows, len(self.anywhere))])
            pair_nodes = np.concatenate([pair_nodes, np.tile(self.anywhere, len(targets))])
        return self._keep(targets, pair_rows, pair_nodes, allowed, after, outgoing=False)


@dataclass
class Cycles:
    """Cycles found (node indices, one row each) with their scores."""

    nodes: np.ndarray  # shape (count, length)
    closeness: np.ndarray
    waiting: np.ndarray  # mean waiting time of the households, seconds

    def __len__(self):
        return len(self.nodes)


def _top_per_group(groups: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` best scores of each group."""
    order = np.lexsort((-scores, groups))
    sorted_groups = groups[order]
    first = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.arange(len(order)) - first
    return np.sort(order[rank < limit])


def find_cycles(
    graph: Graph,
    length: int,
    *,
    allowed: np.ndarray | None = None,
    beam: int = 64,
    batch: int | None = None,
    per_start: int | None = None,
    now: float = 0.0,
) -> Cycles:
    """Cycles of ``length`` nodes among ``allowed`` ones (each once, starting at its
    smallest node). At each level the ``beam`` closest paths of each start are kept
    (exhaustive while no start has more: small graphs, tests); ``per_start`` keeps
    only the closest cycles of each start."""
    n = graph.n
    allowed = np.ones(n, dtype=bool) if allowed is None else allowed
    starts_all = np.flatnonzero(allowed)
    if batch is None:  # about four million candidate moves per batch
        batch = int(np.clip(4_000_000 / max(graph.mean_out_candidates(), 1.0), 16, 4096))
    found_nodes, found_close = [], []
    for lo in range(0, len(starts_all), batch):
        starts = starts_all[lo : lo + batch]
        paths = starts[:, None]
        score = np.ones(len(starts))
        # The households wanting each start's dwelling, sorted by (start row, commune).
        in_rows, in_nodes = graph.in_pairs(starts, allowed=allowed, after=starts)
        if not len(in_nodes):
            continue
        has_in = np.zeros(len(starts), dtype=bool)
        has_in[in_rows] = True
        paths, score = paths[has_in], score[has_in]
        row_of_start = np.full(len(starts), -1)
        row_of_start[np.flatnonzero(has_in)] = np.arange(int(has_in.sum()))
        in_rows = row_of_start[in_rows]
        stride = graph.nc + 1  # commune + 1: 0 for a dwelling without commune
        in_keys = in_rows * stride + graph.commune[in_nodes] + 1
        order = np.argsort(in_keys, kind="stable")
        in_keys, in_nodes = in_keys[order], in_nodes[order]
        for _level in range(length - 2):
            rows, cand = graph.out_pairs(paths[:, -1], allowed=allowed, after=paths[:, 0])
            keep = np.ones(len(cand), dtype=bool)
            for col in range(1, paths.shape[1]):
                keep &= cand != paths[rows, col]
            rows, cand = rows[keep], cand[keep]
            step = graph.move_closeness(paths[rows, -1], cand)
            new_score = np.minimum(score[rows], step)
            if len(rows):
                best = _top_per_group(paths[rows, 0], new_score, beam)
                rows, cand, new_score = rows[best], cand[best], new_score[best]
            paths = np.column_stack([paths[rows], cand])
            score = new_score
            if not len(paths):
                break
        if not len(paths):
            continue
        # Close: the last household wants a commune where a household wanting the start lives.
        start_row = row_of_start[np.searchsorted(starts, paths[:, 0])]
        last = paths[:, -1]
        counts = graph.want_ptr[last + 1] - graph.want_ptr[last]
        w_rows = np.repeat(np.arange(len(paths), dtype=np.int64), counts)
        w_communes = graph.want[_ranges(graph.want_ptr[last], counts)]
        keys = start_row[w_rows] * stride + w_communes + 1
        lo_pos = np.searchsorted(in_keys, keys, side="left")
        hi_pos = np.searchsorted(in_keys, keys, side="right")
        sizes = hi_pos - lo_pos
        c_rows = np.repeat(w_rows, sizes)
        c_nodes = in_nodes[_ranges(lo_pos, sizes)]
        anywhere = np.flatnonzero(graph.any_commune[last])
        if len(anywhere):  # the last household accepts any commune
            key_lo = start_row[anywhere] * stride
            a_lo = np.searchsorted(in_keys, key_lo, side="left")
            a_hi = np.searchsorted(in_keys, key_lo + stride, side="left")
            a_sizes = a_hi - a_lo
            c_rows = np.concatenate([c_rows, np.repeat(anywhere, a_sizes)])
            c_nodes = np.concatenate([c_nodes, in_nodes[_ranges(a_lo, a_sizes)]])
        keep = graph.fits_except_commune(paths[c_rows, -1], c_nodes)
        for col in range(1, paths.shape[1]):
            keep &= c_nodes != paths[c_rows, col]
        c_rows, c_nodes = c_rows[keep], c_nodes[keep]
        cycles = np.column_stack([paths[c_rows], c_nodes])
        close = np.minimum(
            score[c_rows],
            np.minimum(
                graph.move_closeness(paths[c_rows, -1], c_nodes),
                graph.move_closeness(c_nodes, paths[c_rows, 0]),
            ),
        )
        if per_start is not None and len(cycles):
            best = _top_per_group(cycles[:, 0], close, per_start)
            cycles, close = cycles[best], close[best]
        found_nodes.append(cycles)
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
    free = capacity[cycles.nodes].min(axis=1) > 0
    for index in rank(cycles):
        if not free[index]:
            continue
        nodes = cycles.nodes[index]
        if (capacity[nodes] <= 0).any() or skip(nodes):
            continue
        capacity[nodes] -= 1
        chosen.append(int(index))
    return chosen
