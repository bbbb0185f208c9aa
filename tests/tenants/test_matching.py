"""Matching: the pure rule, its SQL forms (property-based), ranking, search, the map."""

import json
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bourse.factories import DwellingFactory
from bourse.models import Commune, Typology
from bourse.tenants import matching
from bourse.tenants.matching import Criteria, Facts, dwelling_fits
from bourse.tenants.models import DeactivationReason, Listing, ListingStatus

from .conftest import make_tenant

pytestmark = pytest.mark.django_db

COMMUNES = ("75111", "93048", "92051", "94028")
TYPOLOGIES = tuple(t.value for t in Typology)


def money(low, high):
    return st.integers(low * 100, high * 100).map(lambda cents: Decimal(cents) / 100)


facts_strategy = st.builds(
    Facts,
    commune_id=st.sampled_from(COMMUNES),
    typology=st.sampled_from(TYPOLOGIES),
    surface=money(15, 150),
    monthly_cost=money(200, 1500),
    floor=st.integers(-1, 12),
    lift=st.booleans(),
    accessible=st.booleans(),
)
criteria_strategy = st.builds(
    Criteria,
    commune_ids=st.frozensets(st.sampled_from(COMMUNES), max_size=3),
    typologies=st.frozensets(st.sampled_from(TYPOLOGIES), max_size=3),
    min_surface=st.none() | money(15, 150),
    max_monthly_cost=st.none() | money(200, 1500),
    max_floor=st.none() | st.integers(0, 12),
    lift_required=st.booleans(),
    accessible_required=st.booleans(),
)


@pytest.fixture
def pool(landlord):
    return [make_tenant(landlord, n).listing for n in range(1, 6)]


def apply(listing: Listing, facts: Facts, criteria: Criteria) -> None:
    listing.commune_id = facts.commune_id
    listing.typology = facts.typology
    listing.surface = facts.surface
    listing.monthly_cost = facts.monthly_cost
    listing.floor = facts.floor
    listing.lift = facts.lift
    listing.accessible = facts.accessible
    listing.set_wanted_typologies(criteria.typologies)
    listing.min_surface = criteria.min_surface
    listing.max_monthly_cost = criteria.max_monthly_cost
    listing.max_floor = criteria.max_floor
    listing.lift_required = criteria.lift_required
    listing.accessible_required = criteria.accessible_required
    listing.save()
    listing.set_wanted_communes(sorted(criteria.commune_ids))


@pytest.mark.long
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.lists(st.tuples(facts_strategy, criteria_strategy), min_size=5, max_size=5))
def test_querysets_agree_with_the_pure_rule_and_matches_are_mutual(pool, data):
    with transaction.atomic():
        for listing, (facts, criteria) in zip(pool, data, strict=True):
            apply(listing, facts, criteria)
        for viewer, (my_facts, my_criteria) in zip(pool, data, strict=True):
            # Both SQL forms against the pure function, for every other listing.
            fits_mine = set(
                Listing.objects.filter(matching.facts_fit_q(my_criteria)).values_list(
                    "pk", flat=True
                )
            )
            accept_mine = set(
                Listing.objects.filter(matching.criteria_accept_q(my_facts)).values_list(
                    "pk", flat=True
                )
            )
            for other, (facts, criteria) in zip(pool, data, strict=True):
                assert (other.pk in fits_mine) == dwelling_fits(my_criteria, facts)
                assert (other.pk in accept_mine) == dwelling_fits(criteria, my_facts)
            # The ranking says "mutual" exactly when both hold, and it is symmetric.
            reference = [(item.pk, item.match_score) for item in matching.ranked_for(viewer)]
            for in_sql in (False, True):
                tiered = matching.RankedResults(viewer, tier2_in_sql=in_sql)
                assert [(item.pk, item.match_score) for item in tiered[0:9]] == reference
            assert matching.RankedResults(viewer)[1:3] == matching.RankedResults(viewer)[0:9][1:3]
            matches = [(i.pk, i.match_score) for i in matching.matches_for(viewer)]
            for in_sql in (False, True):
                tiered = matching.RankedResults(viewer, include_rest=False, tier2_in_sql=in_sql)
                assert [(i.pk, i.match_score) for i in tiered[0:9]] == matches
                assert tiered.count() == len(matches)
            ranked = dict(reference)
            mutual = set(matching.mutual_matches(viewer).values_list("pk", flat=True))
            assert {pk for pk, score in ranked.items() if score == matching.MUTUAL} == mutual
            for other in pool:
                if other.pk in mutual:
                    assert viewer.pk in set(
                        matching.mutual_matches(other).values_list("pk", flat=True)
                    )
                    other_data = data[pool.index(other)]
                    assert dwelling_fits(my_criteria, other_data[0])
                    assert dwelling_fits(other_data[1], my_facts)
        transaction.set_rollback(True)


def test_dwelling_fits_examples():
    facts = Facts("93048", "T3", Decimal("60"), Decimal("540"), 3, False, False)
    assert dwelling_fits(Criteria(), facts)
    assert dwelling_fits(Criteria(commune_ids=frozenset({"93048"})), facts)
    assert not dwelling_fits(Criteria(commune_ids=frozenset({"75111"})), facts)
    assert not dwelling_fits(Criteria(typologies=frozenset({"T4"})), facts)
    assert dwelling_fits(Criteria(min_surface=Decimal("60")), facts)
    assert not dwelling_fits(Criteria(max_monthly_cost=Decimal("539.99")), facts)
    assert not dwelling_fits(Criteria(lift_required=True), facts)
    assert dwelling_fits(
        Criteria(lift_required=True), Facts("93048", "T3", Decimal(60), Decimal(1), 0, False)
    )
    assert not dwelling_fits(Criteria(accessible_required=True), facts)


# --- Search ------------------------------------------------------------------------------


@pytest.fixture
def scene(landlord):
    """Me: a T3 in Bobigny wanting a T4 in Paris 11e. Around me, every case."""
    paris = Commune.objects.get(pk="75111")
    bobigny = Commune.objects.get(pk="93048")

    def tenant(n, commune, typology, wants_commune, wants_typology, **kwargs):
        dwelling = DwellingFactory(landlord=landlord, n=n, insee=commune, typology=typology)
        return make_tenant(
            landlord,
            n,
            dwelling=dwelling,
            communes=[wants_commune],
            typologies=[wants_typology],
            **kwargs,
        )

    me = tenant(1, "93048", "T3", paris, "T4")
    mutual = tenant(2, "75111", "T4", bobigny, "T3")
    theirs_fits = tenant(3, "75111", "T4", paris, "T2")
    mine_fits = tenant(4, "92051", "T2", bobigny, "T3")
    nothing = tenant(5, "92051", "T2", paris, "T6+")
    hidden = [
        tenant(6, "75111", "T4", bobigny, "T3", status=ListingStatus.REGISTERED, complete=False),
        tenant(7, "75111", "T4", bobigny, "T3", status=ListingStatus.SUSPENDED),
        tenant(
            8,
            "75111",
            "T4",
            bobigny,
            "T3",
            status=ListingStatus.DEACTIVATED,
            deactivation_reason=DeactivationReason.MANUAL,
        ),
    ]
    ineligible = tenant(9, "75111", "T4", bobigny, "T3")
    Listing.objects.filter(pk=ineligible.listing.pk).update(eligible=False)
    return {
        "me": me,
        "mutual": mutual,
        "theirs_fits": theirs_fits,
        "mine_fits": mine_fits,
        "nothing": nothing,
        "hidden": [*hidden, ineligible],
    }


def listing_links(html):
    """Listings linked from the page's main content (the nav links to one's own)."""
    import re

    main = html.split('<nav class="tenant-nav', 1)[-1].split("</nav>", 1)[-1]
    return [int(pk) for pk in re.findall(r'href="/locataire/annonces/(\d+)/"', main)]


def test_search_ranks_mutual_matches_first_and_shows_only_active_listings(client, scene):
    client.force_login(scene["me"].user)
    html = client.get("/locataire/recherche/").content.decode()
    order = listing_links(html)
    assert order == [
        scene["mutual"].listing.pk,
        scene["theirs_fits"].listing.pk,
        scene["mine_fits"].listing.pk,
        scene["nothing"].listing.pk,
    ]
    assert "correspond à vos critères et aux siens" in html
    for hidden in scene["hidden"]:
        assert hidden.listing.pk not in order


def test_search_filters(client, scene):
    client.force_login(scene["me"].user)
    html = client.get("/locataire/recherche/", {"commune": "75111"}).content.decode()
    assert set(listing_links(html)) == {scene["mutual"].listing.pk, scene["theirs_fits"].listing.pk}
    html = client.get("/locataire/recherche/", {"department": "75"}).content.decode()
    assert set(listing_links(html)) == {scene["mutual"].listing.pk, scene["theirs_fits"].listing.pk}
    html = client.get("/locataire/recherche/", {"typology": "T2"}).content.decode()
    assert set(listing_links(html)) == {scene["mine_fits"].listing.pk, scene["nothing"].listing.pk}
    Listing.objects.filter(pk=scene["mutual"].listing.pk).update(lift=False)
    html = client.get("/locataire/recherche/", {"commune": "75111", "lift": "on"}).content.decode()
    assert set(listing_links(html)) == {scene["theirs_fits"].listing.pk}
    html = client.get("/locataire/recherche/", {"max_monthly_cost": "100"}).content.decode()
    assert listing_links(html) == []
    html = client.get("/locataire/recherche/", {"min_surface": "-5"}).content.decode()
    assert "aria-invalid" in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"commune": "99999"}, "commune", "Commune inconnue : choisissez-en une dans la liste."),
        ({"department": "13"}, "department", "Choisissez un département de la liste."),
        ({"typology": "T9"}, "typology", "Choisissez une typologie de la liste."),
    ],
)
def test_a_filter_out_of_its_list_is_named_in_french(client, scene, params, field, message):
    """An edited address: the field says what is wrong, and the page says the
    results are not filtered."""
    client.force_login(scene["me"].user)
    response = client.get("/locataire/recherche/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}" aria-invalid="true" aria-describedby="id_{field}-erreur"' in html
    assert f'id="id_{field}-erreur">{message}' in html
    assert "les annonces ci-dessous ne sont pas filtrées" in html
    assert "<title>Erreur" in html
    assert len(listing_links(html)) == 4


def test_a_commune_without_listings_shows_none_and_stays_chosen(client, scene):
    """A saved search's link to a commune whose last listing has gone: no listing
    (never every listing), the commune still chosen in the list, no error."""
    client.force_login(scene["me"].user)
    html = client.get("/locataire/recherche/", {"commune": "94028"}).content.decode()
    assert listing_links(html) == []
    assert "Aucune annonce active ne correspond à ces filtres." in html
    name = Commune.objects.get(pk="94028").name
    assert f'<option value="94028" selected>{name} (aucune annonce)</option>' in html
    assert "aria-invalid" not in html and "ne sont pas filtrées" not in html


def test_dashboard_lists_matches_with_their_reason(client, scene):
    client.force_login(scene["me"].user)
    html = client.get("/locataire/").content.decode()
    links = listing_links(html)
    assert scene["mutual"].listing.pk in links and scene["nothing"].listing.pk not in links


def test_the_map_payload_has_no_personal_data(client, scene):
    client.force_login(scene["me"].user)
    data = json.loads(client.get("/locataire/recherche/carte.json").content)
    assert data["markers"]
    for marker in data["markers"]:
        assert set(marker) == {"commune", "lat", "lng", "count", "url"}
    counts = {m["commune"]: m["count"] for m in data["markers"]}
    assert counts == {
        Commune.objects.get(pk="75111").name: 2,
        Commune.objects.get(pk="92051").name: 2,
    }


def test_search_runs_a_constant_number_of_queries_per_page(client, landlord, settings):
    settings.TENANT_RANKING_CACHE_SECONDS = 0  # the ranking's own queries, not a kept copy
    me = make_tenant(landlord, 1)
    client.force_login(me.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/locataire/recherche/").status_code == 200
        return len(queries)

    for n in range(2, 5):
        make_tenant(landlord, n)
    count()  # warm-up: the first request after sign-in may save the session
    few = count()
    for n in range(5, 30):
        make_tenant(landlord, n)
    assert count() == few


def test_no_email_nor_phone_of_another_tenant_in_the_pages(client, scene):
    other = scene["mutual"]
    me = scene["me"]
    client.force_login(me.user)
    from bourse.tenants import contacts

    request_obj = contacts.send_request(me, other.listing, "Bonjour, votre T4 m’intéresse.")
    pages = [
        "/locataire/recherche/",
        "/locataire/",
        f"/locataire/annonces/{other.listing.pk}/",
        f"/locataire/demandes/{request_obj.pk}/",
        "/locataire/demandes/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert other.user.email not in html, url
        assert other.phone not in html, url
        assert other.user.last_name not in html, url


def test_a_listing_that_is_not_searchable_answers_404_but_ones_own_is_shown(client, scene):
    client.force_login(scene["me"].user)
    for hidden in scene["hidden"]:
        # 410 "plus disponible" for a suspended or deactivated one (issue 19).
        assert client.get(f"/locataire/annonces/{hidden.listing.pk}/").status_code in (404, 410)
    assert client.get(f"/locataire/annonces/{scene['me'].listing.pk}/").status_code == 200
    assert client.get("/locataire/annonces/999999/").status_code == 404


@pytest.mark.parametrize("sort_below", [matching.SORT_BELOW, 0], ids=["sorted", "index-order"])
@pytest.mark.parametrize("in_sql", [False, True])
def test_tiered_ranking_pages_match_the_reference_ranking(scene, in_sql, sort_below, monkeypatch):
    # The rest of a ranking read in either order (a search of few results is sorted).
    monkeypatch.setattr(matching, "SORT_BELOW", sort_below)
    me = scene["me"].listing
    reference = [(i.pk, i.match_score) for i in matching.ranked_for(me)]
    tiered = matching.RankedResults(me, tier2_in_sql=in_sql)
    assert tiered.count() == len(reference) == 4
    pages = [tiered[n : n + 1] for n in range(4)] + [tiered[0:2], tiered[2:4], tiered[1:3]]
    assert [(i.pk, i.match_score) for page in pages[:4] for i in page] == reference
    assert [(i.pk, i.match_score) for i in pages[4] + pages[5]] == reference
    assert [(i.pk, i.match_score) for i in pages[6]] == reference[1:3]
