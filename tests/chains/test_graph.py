"""The cycle finder on hand-built graphs, and its property: every chain is a real
cycle in which each household's criteria accept the next dwelling (``dwelling_fits``)."""

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bourse.chains.graph import Graph, Node, _top_per_group, find_cycles, select
from bourse.tenants.matching import Criteria, Facts, dwelling_fits

COMMUNES = ["93048", "93066", "75115", "92012"]
TYPOLOGIES = ["T1", "T2", "T3", "T4"]


def facts(commune, typology="T3", surface=60, cost=600, floor=1, lift=True):
    return Facts(commune, typology, Decimal(surface), Decimal(cost), floor, lift)


def wants(*communes, typologies=(), **kwargs):
    return Criteria(commune_ids=frozenset(communes), typologies=frozenset(typologies), **kwargs)


def ring(pks_communes):
    """Each node wants the commune of the next one: one cycle through all."""
    n = len(pks_communes)
    return [
        Node(pk, facts(commune), wants(pks_communes[(i + 1) % n][1]))
        for i, (pk, commune) in enumerate(pks_communes)
    ]


def cycles_of(graph, length, **kwargs):
    found = find_cycles(graph, length, **kwargs)
    return {tuple(int(graph.pks[x]) for x in row) for row in found.nodes}


def test_known_three_cycle_found():
    graph = Graph(ring([(10, "93048"), (20, "93066"), (30, "75115")]))
    assert cycles_of(graph, 3) == {(10, 20, 30)}
    assert cycles_of(graph, 4) == set()


def test_known_four_cycle_found_and_not_at_bound_three():
    graph = Graph(ring([(1, "93048"), (2, "93066"), (3, "75115"), (4, "92012")]))
    assert cycles_of(graph, 3) == set()
    assert cycles_of(graph, 4) == {(1, 2, 3, 4)}


def test_no_cycle_longer_than_the_bound():
    six = [(i, c) for i, c in enumerate(COMMUNES + ["94028", "95018"], start=1)]
    graph = Graph(ring(six))
    for length in (3, 4, 5):
        assert cycles_of(graph, length) == set()


def test_numbers_of_the_criteria_are_checked():
    nodes = ring([(1, "93048"), (2, "93066"), (3, "75115")])
    nodes[0] = Node(1, nodes[0].facts, wants("93066", max_monthly_cost=Decimal("599")))
    assert cycles_of(Graph(nodes), 3) == set()
    nodes[0] = Node(1, nodes[0].facts, wants("93066", max_monthly_cost=Decimal("600")))
    assert cycles_of(Graph(nodes), 3) == {(1, 2, 3)}


def test_cap_no_listing_over_its_proposals():
    # Node 1 is in two 3-cycles (1-2-3 and 1-4-5): with one free place, one is kept.
    nodes = [
        Node(1, facts("93048"), wants("93066", "94028")),
        Node(2, facts("93066"), wants("75115")),
        Node(3, facts("75115"), wants("93048")),
        Node(4, facts("94028"), wants("95018")),
        Node(5, facts("95018"), wants("93048")),
    ]
    graph = Graph(nodes)
    cycles = find_cycles(graph, 3)
    assert len(cycles) == 2
    capacity = np.ones(graph.n, dtype=np.int64)
    assert len(select(cycles, capacity)) == 1
    assert (capacity >= 0).all()
    capacity = np.full(graph.n, 2, dtype=np.int64)
    assert len(select(cycles, capacity)) == 2


def test_ranking_prefers_the_closest_then_the_longest_waiting():
    nodes = [
        Node(1, facts("93048"), wants("93066", "94028"), published=100.0),
        Node(2, facts("93066"), wants("75115"), published=100.0),
        Node(3, facts("75115"), wants("93048"), published=100.0),
        Node(4, facts("94028"), wants("95018"), published=0.0),  # waits longer
        Node(5, facts("95018"), wants("93048"), published=0.0),
    ]
    graph = Graph(nodes)
    cycles = find_cycles(graph, 3, now=1000.0)
    capacity = np.ones(graph.n, dtype=np.int64)
    (index,) = select(cycles, capacity)
    assert [int(graph.pks[x]) for x in cycles.nodes[index]] == [1, 4, 5]


optional_decimal = st.none() | st.integers(20, 900).map(Decimal)
facts_strategy = st.builds(
    Facts,
    commune_id=st.sampled_from([*COMMUNES, None]),
    typology=st.sampled_from(TYPOLOGIES),
    surface=st.integers(15, 120).map(Decimal),
    monthly_cost=st.integers(200, 1200).map(Decimal),
    floor=st.integers(-1, 6),
    lift=st.booleans(),
    accessible=st.booleans(),
)
criteria_strategy = st.builds(
    Criteria,
    commune_ids=st.frozensets(st.sampled_from(COMMUNES), max_size=3),
    typologies=st.frozensets(st.sampled_from(TYPOLOGIES), max_size=3),
    min_surface=optional_decimal,
    max_monthly_cost=optional_decimal,
    max_floor=st.none() | st.integers(0, 5),
    lift_required=st.booleans(),
    accessible_required=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    households=st.lists(st.tuples(facts_strategy, criteria_strategy), min_size=3, max_size=9),
    length=st.integers(3, 5),
    cap=st.integers(1, 3),
    batch=st.sampled_from([None, 1, 2, 5]),
)
def test_every_proposed_chain_is_a_real_cycle_of_fitting_moves(households, length, cap, batch):
    nodes = [Node(pk * 7 + 3, f, c) for pk, (f, c) in enumerate(households)]
    by_pk = {node.pk: node for node in nodes}
    graph = Graph(nodes)
    cycles = find_cycles(graph, length, batch=batch)
    capacity = np.full(graph.n, cap, dtype=np.int64)
    chosen = [cycles.nodes[i] for i in select(cycles, capacity)]
    counts = {}
    for row in chosen:
        pks = [int(graph.pks[x]) for x in row]
        assert len(pks) == length == len(set(pks))
        for i, pk in enumerate(pks):
            following = by_pk[pks[(i + 1) % length]]
            assert dwelling_fits(by_pk[pk].criteria, following.facts)
            counts[pk] = counts.get(pk, 0) + 1
    assert all(count <= cap for count in counts.values())
    # Exhaustive on small graphs: every cycle (from its smallest node) is found.
    expected = 0
    from itertools import permutations

    for perm in permutations(by_pk, length):
        if perm[0] == min(perm) and all(
            dwelling_fits(by_pk[perm[i]].criteria, by_pk[perm[(i + 1) % length]].facts)
            for i in range(length)
        ):
            expected += 1
    assert len(cycles) == expected


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(criteria_strategy, facts_strategy), min_size=1, max_size=12))
def test_array_rule_is_dwelling_fits(pairs):
    nodes = []
    for i, (criteria, fact) in enumerate(pairs):
        nodes.append(Node(2 * i + 1, facts("93048"), criteria))
        nodes.append(Node(2 * i + 2, fact, wants()))
    graph = Graph(nodes)
    x = np.arange(0, graph.n, 2)
    got = graph.fits(x, x + 1)
    assert list(got) == [dwelling_fits(c, f) for c, f in pairs]


def test_bound_three_is_searched_whole_beyond_any_beam():
    # Household 1 wants 93066, where 150 households live, each wanting 75115, where one
    # household wants 93048 (1's commune): 150 chains 1 -> x -> 200 -> 1.
    nodes = [Node(1, facts("93048"), wants("93066"))]
    nodes += [Node(pk, facts("93066"), wants("75115")) for pk in range(2, 152)]
    nodes.append(Node(200, facts("75115"), wants("93048")))
    found = cycles_of(Graph(nodes), 3)
    assert found == {(1, pk, 200) for pk in range(2, 152)}
    # The closest few of each start are kept when asked.
    assert len(find_cycles(Graph(nodes), 3, per_start=8)) == 8


@settings(max_examples=100, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from([0.0, 0.25, 0.5, 0.5001, 0.75, 1.0])),
        max_size=60,
    ),
    limit=st.integers(1, 5),
)
def test_top_per_group_keeps_the_best_scores_of_each_group(entries, limit):
    groups = np.array([g for g, _s in entries], dtype=np.int64)
    scores = np.array([s for _g, s in entries], dtype=np.float64)
    kept = _top_per_group(groups, scores, limit)
    assert len(set(kept.tolist())) == len(kept)
    for group in set(groups.tolist()):
        all_scores = sorted(scores[groups == group], reverse=True)
        got = sorted(scores[kept][groups[kept] == group], reverse=True)
        assert got == all_scores[:limit]
