"""The visits' rules, one named function each (issue 17, "Visites"), called by the
thin views, the reminders' task and the tests.

- ``validate_slots``: one to three slots (``check_count``), each in the future with
  some notice (``check_future``), not too far ahead (``check_horizon``), at sensible
  hours, Paris time (``check_hours``), none overlapping another (``check_no_overlap``).
- ``propose``: the host proposes slots to visit its home; once a visit exists either
  household may propose new ones (a confirmed appointment is then withdrawn: the
  calendars get a cancellation). The other household is told.
- ``pick``: the household that did not propose picks one slot, still to come: the
  visit is confirmed, both households get an invitation (``.ics``) by mail; the
  address of the home is given then, never before (``address_for``).
- ``cancel``: either household; the other is told (with a calendar cancellation
  when the visit was confirmed).
- ``reminder_due`` / ``send_reminders``: the day before a confirmed visit (Paris
  calendar day), once per appointment: mail, and SMS to a tenant who opted in.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import notifications
from .contexts import VisitContext
from .invitation import home_address
from .models import Visit, VisitSlot, VisitStatus

PARIS = ZoneInfo("Europe/Paris")
MAX_SLOTS = 3
MIN_NOTICE = dt.timedelta(hours=2)
MAX_DAYS_AHEAD = 90
EARLIEST = dt.time(8, 0)
LATEST = dt.time(21, 0)


class VisitError(Exception):
    """A refusal; the message is French and shown as is."""


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime


def slot_at(day: dt.date, start: dt.time, minutes: int) -> Slot:
    """A slot from what a household types: a day, a time (Paris), a duration."""
    starts_at = dt.datetime.combine(day, start, tzinfo=PARIS)
    return Slot(starts_at, starts_at + dt.timedelta(minutes=minutes))


def _paris(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


def _when(slot: Slot) -> str:
    return _paris(slot.starts_at).strftime("%d/%m/%Y %H:%M")


# --- Slots ------------------------------------------------------------------------------------


def check_count(slots) -> None:
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise VisitError(_("Proposez entre un et %(max)s créneaux de visite.") % {"max": MAX_SLOTS})


def check_future(slot: Slot, now) -> None:
    if slot.starts_at < now + MIN_NOTICE:
        raise VisitError(
            _(
                "Le créneau du %(when)s est passé ou trop proche : proposez un créneau qui "
                "commence au moins %(hours)s heures plus tard."
            )
            % {"when": _when(slot), "hours": int(MIN_NOTICE.total_seconds() // 3600)}
        )


def check_horizon(slot: Slot, now) -> None:
    if slot.starts_at > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise VisitError(
            _("Le créneau du %(when)s est trop lointain : au plus %(days)s jours à l’avance.")
            % {"when": _when(slot), "days": MAX_DAYS_AHEAD}
        )


def check_hours(slot: Slot) -> None:
    start, end = _paris(slot.starts_at), _paris(slot.ends_at)
    if end <= start or start.date() != end.date() or start.time() < EARLIEST or end.time() > LATEST:
        raise VisitError(
            _(
                "Le créneau du %(when)s n’est pas à une heure raisonnable : une visite "
                "se tient entre %(earliest)s et %(latest)s."
            )
            % {
                "when": _when(slot),
                "earliest": EARLIEST.strftime("%H h"),
                "latest": LATEST.strftime("%H h"),
            }
        )


def check_no_overlap(slots) -> None:
    ordered = sorted(slots, key=lambda slot: slot.starts_at)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.starts_at < before.ends_at:
            raise VisitError(
                _("Les créneaux du %(first)s et du %(second)s se chevauchent.")
                % {"first": _when(before), "second": _when(after)}
            )


def validate_slots(slots, now=None) -> list[Slot]:
    """The slots, sorted, or ``VisitError`` with the first problem found."""
    now = now or timezone.now()
    slots = list(slots)
    check_count(slots)
    for slot in slots:
        check_future(slot, now)
        check_horizon(slot, now)
        check_hours(slot)
    check_no_overlap(slots)
    return sorted(slots, key=lambda slot: slot.starts_at)


# --- Who may do what --------------------------------------------------------------------------


def visits_of(context: VisitContext):
    return Visit.objects.filter(context_kind=context.kind, context_id=context.pk)


def visits_for(profile):
    """Every visit of a household, either side."""
    return Visit.objects.filter(Q(host=profile) | Q(visitor=profile))


def slot_count_subquery():
    """How many slots a visit proposes, as an annotation (``slot_count``)."""
    return Coalesce(
        Subquery(
            VisitSlot.objects.filter(visit_id=OuterRef("pk"))
            .values("visit_id")
            .annotate(count=Count("pk"))
            .values("count")[:1]
        ),
        0,
    )


def address_for(visit: Visit, profile) -> str:
    """The address of the home to visit: only to the two households, only while the
    visit is confirmed."""
    if visit.status != VisitStatus.CONFIRMED or not visit.involves(profile):
        return ""
    return home_address(visit.host)


# What the mails and pages read of the two households (names, pseudonyms).
PROFILES = (
    "host__user",
    "visitor__user",
    "host__messaging_preferences",
    "visitor__messaging_preferences",
)


def _lock(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related(*PROFILES).get(pk=visit.pk)


def _require_open(context: VisitContext) -> None:
    if not context.open:
        raise VisitError(
            _(
                "Les visites se conviennent une fois la demande acceptée, ou la chaîne "
                "acceptée par tous les ménages."
            )
        )


# --- Propose, pick, cancel --------------------------------------------------------------------


@transaction.atomic
def propose(context: VisitContext, profile, host, slots, *, now=None) -> Visit:
    """``profile`` proposes ``slots`` for the visit of ``host``'s home in ``context``."""
    now = now or timezone.now()
    _require_open(context)
    pair = context.pair_hosted_by(host)
    if pair is None or profile.pk not in (pair[0].pk, pair[1].pk):
        raise VisitError(_("Seuls les deux ménages concernés peuvent convenir de cette visite."))
    slots = validate_slots(slots, now)
    visit = (
        visits_of(context)
        .select_for_update(of=("self",))
        .select_related(*PROFILES)
        .filter(host=host)
        .first()
    )
    if visit is None:
        if profile.pk != host.pk:
            raise VisitError(
                _("Le ménage qui reçoit propose les premiers créneaux de visite de son logement.")
            )
        visit = Visit.objects.create(
            context_kind=context.kind,
            context_id=context.pk,
            host=pair[0],
            visitor=pair[1],
            proposed_by=profile,
            proposed_at=now,
        )
        was_confirmed = False
    else:
        was_confirmed = visit.status == VisitStatus.CONFIRMED
        visit.slots.all().delete()
    visit.status = VisitStatus.PROPOSED
    visit.proposed_by = profile
    visit.proposed_at = now
    visit.confirmed_at = visit.cancelled_at = visit.cancelled_by = None
    if was_confirmed:  # the calendars drop the old appointment
        notifications.send_cancellation(visit, by=profile, now=now, replanned=True)
    visit.reminded_at = None
    visit.save()
    VisitSlot.objects.bulk_create(
        VisitSlot(visit=visit, starts_at=slot.starts_at, ends_at=slot.ends_at) for slot in slots
    )
    notifications.send_proposal(visit, by=profile)
    return visit


@transaction.atomic
def pick(context: VisitContext, visit: Visit, profile, slot_id, *, now=None) -> Visit:
    """The household that did not propose picks one of the slots: confirmed."""
    now = now or timezone.now()
    _require_open(context)
    visit = _lock(visit)
    if not visit.involves(profile):
        raise VisitError(_("Seuls les deux ménages concernés peuvent convenir de cette visite."))
    if visit.status != VisitStatus.PROPOSED:
        raise VisitError(_("Aucun créneau n’est en attente de choix pour cette visite."))
    if profile.pk != visit.picker_id:
        raise VisitError(
            _("C’est à l’autre ménage de choisir parmi les créneaux que vous proposez.")
        )
    slot = visit.slots.filter(pk=slot_id).first() if str(slot_id).isdigit() else None
    if slot is None:
        raise VisitError(_("Choisissez l’un des créneaux proposés."))
    if slot.starts_at <= now:
        raise VisitError(
            _("Ce créneau est passé : choisissez-en un autre ou proposez d’autres créneaux.")
        )
    visit.status = VisitStatus.CONFIRMED
    visit.starts_at, visit.ends_at = slot.starts_at, slot.ends_at
    visit.confirmed_at = now
    visit.reminded_at = None
    visit.save()
    notifications.send_confirmation(visit, now=now)
    return visit


@transaction.atomic
def cancel(visit: Visit, profile, *, now=None) -> Visit:
    """Either household cancels the visit (proposed or confirmed); the other is told."""
    now = now or timezone.now()
    visit = _lock(visit)
    if not visit.involves(profile):
        raise VisitError(_("Seuls les deux ménages concernés peuvent annuler cette visite."))
    if visit.status == VisitStatus.CANCELLED:
        raise VisitError(_("Cette visite est déjà annulée."))
    was_confirmed = visit.status == VisitStatus.CONFIRMED
    visit.status = VisitStatus.CANCELLED
    visit.cancelled_at = now
    visit.cancelled_by = profile
    if was_confirmed:
        notifications.send_cancellation(visit, by=profile, now=now)
    else:
        notifications.send_withdrawal(visit, by=profile)
    visit.save()
    return visit


def can_download_invitation(visit: Visit, profile) -> bool:
    return visit.involves(profile) and visit.status == VisitStatus.CONFIRMED


def can_record_outcome(visit: Visit, now=None) -> bool:
    """After the slot of a confirmed visit, its visitor records what they thought."""
    now = now or timezone.now()
    return (
        visit.status == VisitStatus.CONFIRMED
        and visit.ends_at is not None
        and (visit.ends_at <= now)
    )


# --- Reminders --------------------------------------------------------------------------------


def tomorrow_bounds(now) -> tuple[dt.datetime, dt.datetime]:
    """The Paris calendar day after ``now``, as a [start, end) pair of moments."""
    tomorrow = _paris(now).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    return start, end


def reminder_due(visit: Visit, now=None) -> bool:
    """A confirmed visit taking place tomorrow (Paris), not yet reminded."""
    now = now or timezone.now()
    start, end = tomorrow_bounds(now)
    return (
        visit.status == VisitStatus.CONFIRMED
        and visit.reminded_at is None
        and start <= visit.starts_at < end
    )


def send_reminders(now=None) -> int:
    """Remind the households of tomorrow's visits, once per appointment (a visit is
    claimed by a conditional update before its mails are stored): running it twice
    sends nothing more."""
    now = now or timezone.now()
    start, end = tomorrow_bounds(now)
    due = Visit.objects.filter(
        status=VisitStatus.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=end,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Visit.objects.filter(
                pk=pk, status=VisitStatus.CONFIRMED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            visit = Visit.objects.select_related(*PROFILES).get(pk=pk)
            notifications.send_reminder(visit)
            sent += 1
    return sent


def state_label(visit: Visit | None, now=None) -> str:
    """A short French sentence of where a visit stands."""
    now = now or timezone.now()
    if visit is None:
        return _("pas encore de créneau proposé")
    if visit.status == VisitStatus.CONFIRMED:
        when = _paris(visit.starts_at)
        if visit.ends_at <= now:
            return _("a eu lieu le %(date)s") % {"date": when.strftime("%d/%m/%Y")}
        return _("confirmée le %(date)s à %(time)s") % {
            "date": when.strftime("%d/%m/%Y"),
            "time": when.strftime("%H:%M"),
        }
    if visit.status == VisitStatus.CANCELLED:
        return _("annulée")
    count = getattr(visit, "slot_count", None)
    if count is None:
        count = visit.slots.count()
    return ngettext(
        "%(count)s créneau proposé, en attente de choix",
        "%(count)s créneaux proposés, en attente de choix",
        count,
    ) % {"count": count}
