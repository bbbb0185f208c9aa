"""Answering rules of contact requests (issue 9), one named function per rule.

- ``reminder_due``: a request still waiting for an answer 7 days after it was sent
  gets one reminder to its receiver;
- ``pause_due``: a receiver who leaves a request unanswered for 14 days has their
  listing paused from the search (``Listing.paused_unanswered_at``, a flag beside
  the status: the status machine of ``lifecycle`` is left alone) and is told why
  and how to come back;
- ``resume_due``: the pause ends as soon as no received request waits for 14 days
  or more (answered — accepted or declined — or withdrawn by its sender);
- ``reply_band``: the share of received requests answered, shown to senders as a
  band ("répond généralement", "répond parfois", "répond rarement").

Days are calendar days in the portal's time zone: a request sent on the 1st is
reminded by the daily job of the 8th and pauses the listing on the 15th. The
SQL twins (``waiting_since_q``) are tested against the Python rules.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import lifecycle, notifications
from .matching import listings_changed, searchable_listings
from .models import ActorKind, ContactRequest, ContactStatus, EventKind, Listing, ListingStatus

REMINDER_DAYS = 7
PAUSE_DAYS = 14
REPLY_RATE_DAYS = 180  # requests received in the last six months
REPLY_RATE_MIN_REQUESTS = 3  # fewer: no band shown


# --- Time ---------------------------------------------------------------------------


def days_waiting(sent_at: datetime, today: date) -> int:
    """Calendar days between the day a request was sent and ``today``."""
    return (today - timezone.localdate(sent_at)).days


def waiting_since_q(today: date, days: int) -> Q:
    """Requests sent ``days`` calendar days before ``today`` or earlier (SQL twin of
    ``days_waiting(...) >= days``)."""
    next_day = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(next_day, time.min))
    return Q(created_at__lt=start)


def pending_received():
    return ContactRequest.objects.filter(status=ContactStatus.PENDING)


# --- Reminder at 7 days -----------------------------------------------------------------


def reminder_due(request_obj: ContactRequest, today: date) -> bool:
    """« Une demande de contact sans réponse depuis 7 jours fait l’objet d’une relance. »
    Once per request, and only while the receiver's listing is active (a listing
    suspended, or out of the search for an exchange file, is not reminded)."""
    return (
        request_obj.status == ContactStatus.PENDING
        and request_obj.receiver.listing.status == ListingStatus.ACTIVE
        and request_obj.reminded_at is None
        and days_waiting(request_obj.created_at, today) >= REMINDER_DAYS
    )


def send_reminders(now: datetime) -> int:
    """Daily: remind the receivers of the requests due a reminder (idempotent: the
    reminder is recorded on the request before its mail is queued)."""
    today = timezone.localdate(now)
    due = pending_received().filter(
        waiting_since_q(today, REMINDER_DAYS),
        reminded_at=None,
        receiver__listing__status=ListingStatus.ACTIVE,
    )
    related = due.select_related("receiver__user", "receiver__listing", "sender")
    sent = 0
    for request_obj in related.iterator(chunk_size=500):
        with transaction.atomic():
            if not reminder_due(request_obj, today):
                continue
            claimed = ContactRequest.objects.filter(
                pk=request_obj.pk, status=ContactStatus.PENDING, reminded_at=None
            ).update(reminded_at=now)
            if claimed:
                notifications.send_contact_reminder(request_obj, PAUSE_DAYS - REMINDER_DAYS)
                sent += 1
    return sent


# --- Pause at 14 days, and back -------------------------------------------------------------


def overdue_requests(profile, today: date):
    """The requests ``profile`` received and leaves unanswered for ``PAUSE_DAYS`` or more."""
    return pending_received().filter(receiver=profile).filter(waiting_since_q(today, PAUSE_DAYS))


def _has_overdue(today: date):
    return Exists(
        pending_received()
        .filter(receiver_id=OuterRef("tenant_id"))
        .filter(waiting_since_q(today, PAUSE_DAYS))
    )


def pause_due(listing: Listing, today: date) -> bool:
    """« Après 14 jours sans réponse à une demande, l’annonce est retirée de la
    recherche jusqu’à ce que le locataire réponde ou décline. » Only a listing that
    is in the search can be paused."""
    return listing.searchable and overdue_requests(listing.tenant, today).exists()


def resume_due(listing: Listing, today: date) -> bool:
    """The pause ends when no received request waits for 14 days or more."""
    return (
        listing.paused_unanswered_at is not None
        and not overdue_requests(listing.tenant, today).exists()
    )


def pause_unanswered(now: datetime) -> int:
    """Daily: pause the searchable listings whose tenant leaves a request unanswered
    for 14 days; the tenant is told why and how to come back (once per pause)."""
    today = timezone.localdate(now)
    paused = 0
    candidates = searchable_listings().filter(_has_overdue(today)).select_related("tenant__user")
    for listing in candidates.iterator(chunk_size=500):
        with transaction.atomic():
            if not pause_due(listing, today):
                continue
            if not Listing.objects.filter(pk=listing.pk, paused_unanswered_at=None).update(
                paused_unanswered_at=now
            ):
                continue
            listings_changed()
            count = overdue_requests(listing.tenant, today).count()
            lifecycle.record(
                listing,
                EventKind.UNANSWERED,
                actor_kind=ActorKind.SYSTEM,
                reason=_("%(count)s demande(s) sans réponse depuis %(days)s jours")
                % {"count": count, "days": PAUSE_DAYS},
            )
            notifications.send_paused_unanswered(listing, count, PAUSE_DAYS)
            paused += 1
    return paused


def resume_if_answered(listing: Listing, now: datetime | None = None, user=None) -> bool:
    """Back in the search when ``resume_due``; called after each answer or withdrawal,
    and by the daily job. Returns True when the listing came back."""
    now = now or timezone.now()
    listing.refresh_from_db(fields=["paused_unanswered_at"])
    if not resume_due(listing, timezone.localdate(now)):
        return False
    if not Listing.objects.filter(pk=listing.pk, paused_unanswered_at__isnull=False).update(
        paused_unanswered_at=None
    ):
        return False
    listings_changed()
    listing.paused_unanswered_at = None
    lifecycle.record(
        listing,
        EventKind.ANSWERED,
        actor_kind=ActorKind.TENANT if user else ActorKind.SYSTEM,
        user=user,
        reason=_("plus aucune demande sans réponse depuis %(days)s jours") % {"days": PAUSE_DAYS},
    )
    return True


def resume_answered(now: datetime) -> int:
    """Daily safety net: paused listings with nothing overdue any more come back."""
    today = timezone.localdate(now)
    stale = Listing.objects.filter(paused_unanswered_at__isnull=False).exclude(_has_overdue(today))
    return sum(resume_if_answered(listing, now) for listing in stale.iterator(chunk_size=500))


# --- Reply rate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyBand:
    key: str
    label: str


USUALLY = ReplyBand("usually", _("répond généralement"))
SOMETIMES = ReplyBand("sometimes", _("répond parfois"))
RARELY = ReplyBand("rarely", _("répond rarement"))


def reply_counts(profile, now: datetime | None = None) -> tuple[int, int]:
    """(answered, counted) over the requests received in the last ``REPLY_RATE_DAYS``:
    a request counts once answered, or once it waited ``REMINDER_DAYS`` (a request
    withdrawn before any answer does not count)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    received = ContactRequest.objects.filter(
        receiver=profile, created_at__gte=now - timedelta(days=REPLY_RATE_DAYS)
    ).exclude(status=ContactStatus.WITHDRAWN, answered_at=None)
    counts = received.aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        counted=Count(
            "pk", filter=Q(answered_at__isnull=False) | waiting_since_q(today, REMINDER_DAYS)
        ),
    )
    return counts["answered"], counts["counted"]


def reply_band(answered: int, counted: int) -> ReplyBand | None:
    """« Le taux de réponse est montré aux expéditeurs sous forme de tranche » :
    two thirds or more answered → usually; a third or more → sometimes; less → rarely;
    no band under ``REPLY_RATE_MIN_REQUESTS`` requests (too few to say)."""
    if counted < REPLY_RATE_MIN_REQUESTS:
        return None
    if answered * 3 >= counted * 2:
        return USUALLY
    if answered * 3 >= counted:
        return SOMETIMES
    return RARELY


def reply_band_of(profile, now: datetime | None = None) -> ReplyBand | None:
    return reply_band(*reply_counts(profile, now))
