"""Eligibility of a tenant to the exchange: one rule, in one place.

A tenant is eligible when the dwelling they occupy
- was in the landlord's last full patrimoine snapshot,
- is flagged eligible in that file and has a tenant reference, and
- is not on the contingent of a reservataire that opposes the exchange.
An intercommunality's position covers its own contingent only: it does not
reach the contingents of its member communes (and a commune's position does
not reach the intercommunality's).
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Dwelling, Position, Reservataire

OPPOSED_KEY = "eligibility:opposed-contingents"
OPPOSED_CACHE_SECONDS = 24 * 3600


def contingent_position(kind: str, code: str = "") -> str:
    """Position of the reservataire holding this contingent (default: not positioned)."""
    position = (
        Reservataire.objects.filter(kind=kind, code=code or "")
        .values_list("position", flat=True)
        .first()
    )
    return position or Position.NOT_POSITIONED


def opposed_contingents() -> frozenset[tuple[str, str]]:
    """The (kind, code) of every opposing reservataire: few rows, read on each tenant
    request, so kept in the cache until a reservataire changes."""
    opposed = cache.get(OPPOSED_KEY)
    if opposed is None:
        opposed = frozenset(
            Reservataire.objects.filter(position=Position.OPPOSITION).values_list("kind", "code")
        )
        cache.set(OPPOSED_KEY, opposed, OPPOSED_CACHE_SECONDS)
    return opposed


@receiver(post_save, sender=Reservataire, dispatch_uid="eligibility_positions_saved")
@receiver(post_delete, sender=Reservataire, dispatch_uid="eligibility_positions_deleted")
def forget_opposed_contingents(**kwargs) -> None:
    cache.delete(OPPOSED_KEY)


def is_eligible(dwelling: Dwelling, position: str | None = None) -> bool:
    if not (dwelling.in_snapshot and dwelling.eligible_flag and dwelling.tenant_reference):
        return False
    if position is None:
        contingent = (dwelling.reservataire_kind, dwelling.reservataire_code or "")
        return contingent not in opposed_contingents()
    return position != Position.OPPOSITION


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


# Who follows the patrimoine rows' eligibility: the tenants app registers the
# function that updates its listings (bourse.tenants.listing_eligibility), so this
# core module knows no app above it.
followers: list[Callable[[int], int]] = []


def sync_listings_eligibility(landlord_id: int) -> int:
    """Listings of this landlord's tenants follow their patrimoine row (after an
    import): runs the registered followers; returns the number of listings changed."""
    return sum(follow(landlord_id) for follow in followers)
