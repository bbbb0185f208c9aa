"""The job on real listings: proposals, caps, answers, the exchange file, dissolution."""

import numpy as np
import pytest
from django.test import override_settings

from bourse.chains import services
from bourse.chains.models import Answer, ChainProposal, EndReason, ProposalStatus
from bourse.exchanges.models import ExchangeFile
from bourse.factories import DwellingFactory
from bourse.tenants.models import ListingStatus

from .conftest import chain_tenant

pytestmark = pytest.mark.django_db


def test_job_proposes_the_chain_once(households):
    run = services.find_chains()
    assert run.proposed == 1
    proposal = ChainProposal.objects.get()
    assert proposal.size == 3 and proposal.status == ProposalStatus.OPEN
    listings = [h.listing.pk for h in households]
    assert [m.listing_id for m in proposal.members.order_by("position")] == listings
    assert proposal.signature == services.signature(listings)
    assert services.find_chains().proposed == 0  # idempotent


def test_inactive_listing_is_not_in_a_chain_and_dissolves_it(households):
    services.find_chains()
    listing = households[1].listing
    listing.status = ListingStatus.SUSPENDED
    listing.save()
    run = services.find_chains()
    assert run.dissolved == 1 and run.proposed == 0
    assert ChainProposal.objects.get().end_reason == EndReason.STALE


def test_changed_criteria_dissolve_the_proposal(households):
    services.find_chains()
    households[0].listing.set_wanted_communes(["92012"])
    assert services.find_chains().dissolved == 1


@override_settings(CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING=1)
def test_cap_of_open_proposals_per_listing(households, landlord):
    # A second chain through household 1: 1 -> 4 -> 3 -> 1.
    households[0].listing.set_wanted_communes(["93066", "92012"])
    chain_tenant(landlord, 4, 3)
    services.find_chains()
    assert ChainProposal.objects.count() == 1
    with override_settings(CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING=2):
        services.find_chains()
    assert ChainProposal.objects.filter(status=ProposalStatus.OPEN).count() == 2


def test_all_accept_with_nur_opens_one_file_with_every_party(households):
    services.find_chains()
    proposal = ChainProposal.objects.get()
    with pytest.raises(services.ChainError):
        services.accept(proposal.pk, households[0], "")  # no NUR yet
    assert proposal.members.get(position=1).answer == Answer.PENDING
    with pytest.raises(services.ChainError):
        services.accept(proposal.pk, households[0], "???")
    for n, household in enumerate(households, start=1):
        services.accept(proposal.pk, household, f"075062300000{n}GDPUB")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    file = ExchangeFile.objects.get()
    assert proposal.exchange_file == file
    parties = list(file.parties.order_by("position"))
    assert [p.tenant_user_id for p in parties] == [h.user_id for h in households]
    assert [p.nur for p in parties] == [f"075062300000{n}GDPUB" for n in (1, 2, 3)]
    # Household 1 moves into household 2's dwelling, the last into the first's.
    assert [p.dwelling_taken_id for p in parties] == [
        households[1].dwelling_id,
        households[2].dwelling_id,
        households[0].dwelling_id,
    ]
    with pytest.raises(services.ChainError):
        services.accept(proposal.pk, households[0], "")


def test_decline_dissolves_and_is_never_proposed_again(households):
    services.find_chains()
    proposal = ChainProposal.objects.get()
    services.accept(proposal.pk, households[0], "0750623000001GDPUB")
    services.decline(proposal.pk, households[1])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISSOLVED
    assert proposal.end_reason == EndReason.DECLINED
    with pytest.raises(services.ChainError):
        services.accept(proposal.pk, households[2], "0750623000003GDPUB")
    assert services.find_chains().proposed == 0
    assert not ExchangeFile.objects.exists()


def test_someone_else_cannot_answer(households, landlord):
    services.find_chains()
    proposal = ChainProposal.objects.get()
    stranger = chain_tenant(landlord, 4, 1)
    with pytest.raises(services.ChainError):
        services.decline(proposal.pk, stranger)
    with pytest.raises(services.ChainError):
        services.accept(proposal.pk, stranger, "0750623000004GDPUB")
    assert ChainProposal.objects.get().status == ProposalStatus.OPEN


def test_new_proposals_for(households):
    from django.utils import timezone

    before = timezone.now()
    services.find_chains()
    assert services.new_proposals_for(households[0].listing, before).count() == 1
    assert services.new_proposals_for(households[0].listing, timezone.now()).count() == 0


def test_household_in_an_open_file_leaves_its_proposals(households):
    from bourse.exchanges.api import PartySpec, open_exchange_file
    from bourse.factories import DwellingFactory

    services.find_chains()
    other = DwellingFactory(landlord=households[0].landlord, n=9)
    open_exchange_file(
        [
            PartySpec(households[0].dwelling, "0750623000011GDPUB", households[0].user),
            PartySpec(other, "0750623000012GDPUB"),
        ],
        notify=False,
    )
    proposal = ChainProposal.objects.get()
    assert proposal.status == ProposalStatus.DISSOLVED
    assert proposal.end_reason == EndReason.BUSY
    assert services.find_chains().proposed == 0


def test_loaded_graph_follows_the_rule(households, landlord):
    """The graph loaded from the database (columns, no object per listing) answers
    ``dwelling_fits`` for every pair of listings."""
    from decimal import Decimal

    from bourse.tenants.matching import criteria_of, dwelling_fits, facts_of
    from bourse.tenants.models import Listing

    from .conftest import make_tenant

    odd = DwellingFactory(landlord=landlord, n=5, insee="93066", typology="T2", floor=4, lift=False)
    make_tenant(
        landlord,
        5,
        dwelling=odd,
        communes=["93048", "75115"],
        typologies=["T3", "T4"],
        min_surface=Decimal("59.99"),
        max_monthly_cost=Decimal("540.00"),
        max_floor=3,
        lift_required=True,
    )
    make_tenant(landlord, 6, typologies=["T2"], accessible_required=True)  # any commune
    loaded = services.load_graph()
    g = loaded.graph
    listings = {listing.pk: listing for listing in Listing.objects.all()}
    assert sorted(listings) == g.pks.tolist()
    for i, x in enumerate(g.pks.tolist()):
        criteria = criteria_of(listings[x])
        for j, y in enumerate(g.pks.tolist()):
            expected = dwelling_fits(criteria, facts_of(listings[y]))
            assert bool(g.fits(np.array([i]), np.array([j]))[0]) == expected, (x, y)
    assert loaded.dwelling[households[0].listing.pk] == (
        households[0].dwelling_id,
        households[0].landlord_id,
    )
