"""Moderation of listings: a random sample of versions, and every report.

- Each change of a listing's text or photos makes a new *version*; a version
  enters the AMO's queue when ``in_sample(listing id, version)`` says so: a
  hash of the pair below ``TENANT_MODERATION_SAMPLE_RATE`` (~30 %), so the
  draw is random-looking, deterministic and testable.
- Every report by a tenant opens a case too.
- The super administrator (AMO) sees every open case; a landlord
  administrator sees (and moderates) their own tenants' listings only.
- Removing a photo or the description records who, when and why, and tells
  the tenant by mail.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse import permissions as staff_permissions

from . import lifecycle, notifications
from .models import (
    ActorKind,
    EventKind,
    Listing,
    ListingReport,
    ModerationCase,
    ModerationSource,
    ModerationStatus,
)


def sample_rate() -> float:
    return float(getattr(settings, "TENANT_MODERATION_SAMPLE_RATE", 0.30))


def in_sample(listing_id: int, version: int, rate: float | None = None) -> bool:
    """Is this version of this listing drawn for moderation? (deterministic)"""
    rate = sample_rate() if rate is None else rate
    digest = hashlib.sha256(f"listing:{listing_id}:v{version}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@transaction.atomic
def on_new_version(listing: Listing, flagged: bool = False) -> ModerationCase | None:
    """The listing's text or photos changed: a new version, maybe drawn for review;
    always reviewed when ``flagged`` (contact details were masked in its description)."""
    now = timezone.now()
    Listing.objects.filter(pk=listing.pk).update(version=F("version") + 1, content_changed_at=now)
    listing.version, listing.content_changed_at = Listing.objects.filter(pk=listing.pk).values_list(
        "version", "content_changed_at"
    )[0]
    if flagged:
        lifecycle.record(
            listing,
            EventKind.MODERATION,
            actor_kind=ActorKind.SYSTEM,
            reason=_("Coordonnées masquées dans la description : version à contrôler."),
        )
    elif not in_sample(listing.pk, listing.version):
        return None
    case, _created = ModerationCase.objects.get_or_create(
        listing=listing, version=listing.version, source=ModerationSource.SAMPLE
    )
    return case


@transaction.atomic
def report(listing: Listing, reporter, reason: str, comment: str = "") -> ListingReport:
    """A tenant reports a listing: one open report case per listing gathers the reports."""
    case = ModerationCase.objects.filter(
        listing=listing, source=ModerationSource.REPORT, status=ModerationStatus.OPEN
    ).first()
    if case is None:
        case = ModerationCase.objects.create(
            listing=listing, version=listing.version, source=ModerationSource.REPORT
        )
    item = ListingReport.objects.create(
        listing=listing, case=case, reporter=reporter, reason=reason, comment=comment.strip()
    )
    lifecycle.record(
        listing,
        EventKind.REPORT,
        actor_kind=ActorKind.TENANT,
        user=reporter.user if reporter else None,
        reason=item.get_reason_display(),
    )
    return item


# --- Who ---------------------------------------------------------------------------------


def can_moderate(user, listing: Listing) -> bool:
    """The AMO moderates every listing; a landlord administrator, their own tenants'."""
    if staff_permissions.is_super_admin(user):
        return True
    return staff_permissions.is_landlord_admin(user, listing.tenant.landlord)


def queue_for(user):
    """Open cases the user moderates (AMO: all; landlord administrator: own landlord)."""
    cases = ModerationCase.objects.filter(status=ModerationStatus.OPEN).select_related(
        "listing__tenant__landlord", "listing__tenant__user", "listing__commune"
    )
    if staff_permissions.is_super_admin(user):
        return cases
    landlord = staff_permissions.user_landlord(user)
    if landlord is not None and staff_permissions.is_landlord_admin(user, landlord):
        return cases.filter(listing__tenant__landlord=landlord)
    return cases.none()


# --- Actions -------------------------------------------------------------------------------


def _close_open_cases(listing: Listing, user, status: str, case=None) -> int:
    cases = ModerationCase.objects.filter(listing=listing, status=ModerationStatus.OPEN)
    if case is not None:
        cases = cases.filter(pk=case.pk)
    return cases.update(status=status, closed_at=timezone.now(), closed_by=user)


@transaction.atomic
def approve(case: ModerationCase, user) -> None:
    _close_open_cases(case.listing, user, ModerationStatus.APPROVED, case=case)
    lifecycle.record(
        case.listing,
        EventKind.MODERATION,
        actor_kind=lifecycle.staff_actor_kind(user),
        user=user,
        reason=_("Contrôle : annonce conforme."),
    )


@transaction.atomic
def remove_photo(listing: Listing, photo, user, reason: str) -> None:
    from .photos import delete_photo_file

    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    delete_photo_file(photo)
    photo.file = ""
    photo.removed_at = timezone.now()
    photo.removed_by = user
    photo.removal_reason = reason[:300]
    photo.save(update_fields=["file", "removed_at", "removed_by", "removal_reason"])
    _close_open_cases(listing, user, ModerationStatus.ACTED)
    lifecycle.record(
        listing,
        EventKind.MODERATION,
        actor_kind=lifecycle.staff_actor_kind(user),
        user=user,
        reason=_("Photo retirée : %(reason)s") % {"reason": reason},
    )
    notifications.send_content_removed(listing, _("une photo"), reason)


@transaction.atomic
def remove_description(listing: Listing, user, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    listing.description = ""
    listing.description_removed_reason = reason[:300]
    listing.save(update_fields=["description", "description_removed_reason"])
    _close_open_cases(listing, user, ModerationStatus.ACTED)
    lifecycle.record(
        listing,
        EventKind.MODERATION,
        actor_kind=lifecycle.staff_actor_kind(user),
        user=user,
        reason=_("Description retirée : %(reason)s") % {"reason": reason},
    )
    notifications.send_content_removed(listing, _("la description de votre logement"), reason)
