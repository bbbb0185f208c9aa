"""Eligibility of a tenant to the exchange: one rule, in one place.

A tenant is eligible when the dwelling they occupy
- was in the landlord's last full patrimoine snapshot,
- is flagged eligible in that file and has a tenant reference, and
- is not on the contingent of a reservataire that opposes the exchange.
An intercommunality's position covers its own contingent only: it does not
reach the contingents of its member communes (and a commune's position does
not reach the intercommunality's).
"""

from django.db.models import Exists, OuterRef

from .models import Dwelling, Position, Reservataire


def contingent_position(kind: str, code: str = "") -> str:
    """Position of the reservataire holding this contingent (default: not positioned)."""
    position = (
        Reservataire.objects.filter(kind=kind, code=code or "")
        .values_list("position", flat=True)
        .first()
    )
    return position or Position.NOT_POSITIONED


def is_eligible(dwelling: Dwelling, position: str | None = None) -> bool:
    if position is None:
        position = contingent_position(dwelling.reservataire_kind, dwelling.reservataire_code)
    return (
        dwelling.in_snapshot
        and dwelling.eligible_flag
        and bool(dwelling.tenant_reference)
        and position != Position.OPPOSITION
    )


def opposed_contingent():
    """Subquery: the dwelling's contingent belongs to an opposing reservataire."""
    return Exists(
        Reservataire.objects.filter(
            kind=OuterRef("reservataire_kind"),
            code=OuterRef("reservataire_code"),
            position=Position.OPPOSITION,
        )
    )


def eligible_dwellings(queryset=None):
    """The same rule as ``is_eligible``, as a query."""
    queryset = Dwelling.objects.all() if queryset is None else queryset
    return (
        queryset.filter(in_snapshot=True, eligible_flag=True)
        .exclude(tenant_reference="")
        .exclude(opposed_contingent())
    )


def sync_listings_eligibility(landlord_id: int) -> int:
    """Listings of this landlord's tenants follow their patrimoine row, in one statement.

    A tenant made ineligible (dwelling out of the snapshot, flagged ineligible,
    another tenant on the row, opposed contingent) leaves the search at once and
    can no longer be contacted; one eligible again comes back. Only the listings
    whose flag changes are written. Returns their number.
    """
    from django.db.models import F
    from django.utils import timezone

    from .tenants.models import Listing, TenantProfile

    eligible_row = eligible_dwellings().filter(
        pk=OuterRef("dwelling_id"), tenant_reference__iexact=OuterRef("tenant_reference")
    )
    now_eligible = Exists(
        TenantProfile.objects.filter(pk=OuterRef("tenant_id"), anonymised_at__isnull=True).filter(
            Exists(eligible_row)
        )
    )
    return (
        Listing.objects.filter(tenant__landlord_id=landlord_id)
        .alias(now_eligible=now_eligible)
        .exclude(eligible=F("now_eligible"))
        .update(eligible=now_eligible, synced_at=timezone.now())
    )
