"""A listing gone after an exchange says so (issue 19): 410 and a French page."""

import pytest

from bourse.tenants.models import DeactivationReason, Listing, ListingStatus, TenantProfile

pytestmark = pytest.mark.django_db


def test_a_listing_gone_after_an_exchange_is_no_longer_available(client, demo_content):
    me = TenantProfile.objects.get(user__username="locataire1")
    other = Listing.objects.exclude(pk=me.listing.pk).filter(status=ListingStatus.ACTIVE).first()
    other.status = ListingStatus.DEACTIVATED
    other.deactivation_reason = DeactivationReason.EXCHANGED
    other.save()
    client.force_login(me.user)
    response = client.get(f"/locataire/annonces/{other.pk}/")
    assert response.status_code == 410
    assert "Cette annonce n’est plus disponible" in response.content.decode()
    # One that never existed is still a plain 404.
    assert client.get("/locataire/annonces/999999/").status_code == 404
