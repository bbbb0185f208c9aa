"""The listings follow their tenant's patrimoine row: registered in
``bourse.eligibility.followers`` by the app's ``ready()``, run after each
patrimoine import (``bourse.eligibility.sync_listings_eligibility``)."""

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from bourse.eligibility import eligible_dwellings

from .matching import listings_changed
from .models import Listing, TenantProfile


def follow_patrimoine(landlord_id: int) -> int:
    """Listings of this landlord's tenants follow their patrimoine row, in one statement.

    A tenant made ineligible (dwelling out of the snapshot, flagged ineligible,
    another tenant on the row, opposed contingent) leaves the search at once and
    can no longer be contacted; one eligible again comes back. Only the listings
    whose flag changes are written. Returns their number.
    """
    eligible_row = eligible_dwellings().filter(
        pk=OuterRef("dwelling_id"), tenant_reference__iexact=OuterRef("tenant_reference")
    )
    now_eligible = Exists(
        TenantProfile.objects.filter(pk=OuterRef("tenant_id"), anonymised_at__isnull=True).filter(
            Exists(eligible_row)
        )
    )
    changed = (
        Listing.objects.filter(tenant__landlord_id=landlord_id)
        .alias(now_eligible=now_eligible)
        .exclude(eligible=F("now_eligible"))
        .update(eligible=now_eligible, synced_at=timezone.now())
    )
    if changed:
        listings_changed()  # kept rankings drop the listings that left the search
    return changed
