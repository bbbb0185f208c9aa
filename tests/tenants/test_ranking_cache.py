"""Kept rankings (issue 15): a tenant's search and dashboard read their ranking from
the cache while no listing changes, and never show a listing that left the search."""

import pytest
from django.db.models import F

from bourse import eligibility
from bourse.tenants import matching, searching
from bourse.tenants.models import Listing

from .conftest import make_tenant

pytestmark = pytest.mark.django_db


def ranked_pks(viewer):
    results = matching.RankedResults(viewer, cache_key=f"test:{viewer.pk}")
    return [listing.pk for listing in results[:10]]


def test_a_kept_ranking_is_read_without_ranking_queries(landlord, django_assert_max_num_queries):
    me = make_tenant(landlord, 1)
    others = [make_tenant(landlord, n) for n in range(2, 5)]
    first = ranked_pks(me.listing)
    assert set(first) == {other.listing.pk for other in others}
    with django_assert_max_num_queries(1):  # the rows only
        assert ranked_pks(me.listing) == first


def test_a_listing_that_leaves_the_search_leaves_the_kept_ranking_at_once(landlord):
    me = make_tenant(landlord, 1)
    gone, stays = make_tenant(landlord, 2), make_tenant(landlord, 3)
    assert gone.listing.pk in ranked_pks(me.listing)
    gone.listing.status = "suspended"
    gone.listing.save(update_fields=["status"])
    assert ranked_pks(me.listing) == [stays.listing.pk]


def test_bulk_eligibility_changes_drop_kept_rankings_and_demand(landlord):
    me = make_tenant(landlord, 1)
    other = make_tenant(landlord, 2)
    assert other.listing.pk in ranked_pks(me.listing)
    assert searching.who_wants(me.listing).total == 1
    # The patrimoine says the other dwelling is no longer eligible (a bulk UPDATE).
    type(other.dwelling).objects.filter(pk=other.dwelling_id).update(eligible_flag=False)
    assert eligibility.sync_listings_eligibility(landlord.pk) == 1
    assert other.listing.pk not in ranked_pks(me.listing)
    assert searching.who_wants(me.listing).total == 0


def test_without_keeping_every_ranking_is_computed(landlord, settings):
    settings.TENANT_RANKING_CACHE_SECONDS = 0
    me = make_tenant(landlord, 1)
    other = make_tenant(landlord, 2)
    assert ranked_pks(me.listing) == [other.listing.pk]
    Listing.objects.filter(pk=other.listing.pk).update(version=F("version") + 1)
    assert ranked_pks(me.listing) == [other.listing.pk]
