"""The tenants' demo: every status, matches to show, idempotent."""

import pytest

from bourse.tenants import demo, lifecycle, matching
from bourse.tenants.contacts import ready_pairs
from bourse.tenants.models import (
    ContactRequest,
    DeactivationReason,
    Listing,
    ListingPhoto,
    ListingStatus,
    TenantProfile,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        TenantProfile.objects.count(),
        Listing.objects.count(),
        ListingPhoto.objects.count(),
        ContactRequest.objects.count(),
        sorted(Listing.objects.values_list("status", flat=True)),
    )


def test_demo_has_every_status_matches_and_is_idempotent(client):
    created = demo.load()
    assert created == demo.usernames()
    statuses = set(Listing.objects.values_list("status", flat=True))
    assert statuses == set(ListingStatus.values)
    reasons = set(Listing.objects.values_list("deactivation_reason", flat=True))
    assert {
        DeactivationReason.MANUAL,
        DeactivationReason.INACTIVITY,
        DeactivationReason.LONG_SUSPENSION,
    } <= reasons
    assert ListingPhoto.objects.exists()
    assert ready_pairs().count() == 1
    first = TenantProfile.objects.get(user__username="locataire1").listing
    assert matching.mutual_matches(first).exists()

    before = snapshot()
    assert demo.load() == []
    assert snapshot() == before

    assert client.login(username="locataire1", password=demo.PASSWORD)
    response = client.post(
        "/locataire/connexion/", {"username": "locataire1", "password": demo.PASSWORD}
    )
    assert response.status_code == 302
    html = client.get("/locataire/recherche/").content.decode()
    assert "correspond à vos critères et aux siens" in html
    ineligible = TenantProfile.objects.get(user__username="locataire33")
    assert "Contactez votre bailleur" in lifecycle.sign_in_refusal(ineligible)
