"""The daily account job: patrimoine sync, warnings, automatic deactivations, the
answering rules (reminders at 7 days, pauses at 14 days, ``answering``) and the
alert digests of saved searches (``alerts``).

Idempotent: running it twice on the same day changes nothing more — warnings
are recorded (``DeactivationWarning``, unique per listing, kind, stage and
deadline) and sent once; a deactivated listing is no longer a candidate.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from . import alerts, answering, exchange_files, lifecycle, notifications, services
from .models import (
    ActorKind,
    DeactivationReason,
    DeactivationWarning,
    EventKind,
    Listing,
    ListingStatus,
    WarningKind,
)

S = ListingStatus


def candidates(now):
    """Listings that may be due a warning or a deactivation (a loose prefilter;
    ``lifecycle`` decides)."""
    slack = timedelta(days=4)
    inactive_since = lifecycle.add_months(now, -(lifecycle.INACTIVITY_MONTHS - 1)) + slack
    suspended_since = lifecycle.add_months(now, -(lifecycle.LONG_SUSPENSION_MONTHS - 1)) + slack
    inactive = (
        (Q(tenant__user__last_login__isnull=True) | Q(tenant__user__last_login__lte=inactive_since))
        & (Q(tenant__kept_alive_at__isnull=True) | Q(tenant__kept_alive_at__lte=inactive_since))
        & Q(tenant__user__date_joined__lte=inactive_since)
    )
    long_suspended = Q(status=S.SUSPENDED, suspended_at__lte=suspended_since)
    return (
        Listing.objects.filter(
            status__in=(S.REGISTERED, S.ACTIVE, S.SUSPENDED),
            eligible=True,
            tenant__anonymised_at__isnull=True,
        )
        .filter(inactive | long_suspended)
        .select_related("tenant__user")
    )


def process(listing: Listing, now) -> str | None:
    """Warn or deactivate one listing; returns "warned", "deactivated" or None."""
    deadline = lifecycle.next_automatic_deactivation(listing)
    if deadline is None:
        return None
    if lifecycle.deactivation_due(listing, deadline, now):
        if deadline.kind == WarningKind.INACTIVITY:
            listing = lifecycle.deactivate_for_inactivity(listing, now)
        else:
            listing = lifecycle.deactivate_after_long_suspension(listing, now)
        if listing.status == S.DEACTIVATED:
            notifications.send_deactivated(
                listing, DeactivationReason(listing.deactivation_reason).label
            )
            return "deactivated"
        return None
    stage = lifecycle.warning_due(deadline, now)
    if stage is None:
        return None
    try:
        with transaction.atomic():
            _warning, created = DeactivationWarning.objects.get_or_create(
                listing=listing,
                kind=deadline.kind,
                stage=stage,
                deadline=deadline.at,
                defaults={"sent_at": now},
            )
            if not created:
                return None
            notifications.send_deactivation_warning(listing, deadline.kind, stage, deadline.at)
            lifecycle.record(
                listing,
                EventKind.WARNING,
                actor_kind=ActorKind.SYSTEM,
                reason=f"{WarningKind(deadline.kind).label} — {_stage_label(stage)} "
                f"({deadline.at:%d/%m/%Y})",
            )
    except IntegrityError:  # another worker sent it
        return None
    return "warned"


def _stage_label(stage):
    from .models import WarningStage

    return str(WarningStage(stage).label)


def run_daily(now=None) -> dict:
    now = now or timezone.now()
    counts = {
        "synced": services.sync_with_patrimoine(),
        "warned": 0,
        "deactivated": 0,
        "purged": services.purge_unconfirmed(now),
        "files_opened": exchange_files.open_ready_files(),
    }
    for listing in candidates(now).iterator(chunk_size=500):
        with transaction.atomic():
            outcome = process(listing, now)
        if outcome:
            counts[outcome] += 1
    counts["reminded"] = answering.send_reminders(now)
    counts["paused"] = answering.pause_unanswered(now)
    counts["resumed"] = answering.resume_answered(now)
    counts["digests"] = alerts.send_digests(now)
    return counts
