"""Demo visits (``load_demo_content``, after the tenants and the chains): in the
accepted request of ``locataire1`` and ``locataire2``, a visit of locataire2's home
confirmed five days after the load date; in the accepted request of ``locataire8``
and ``locataire9``, two slots proposed by locataire8 for its home, waiting for
locataire9's choice. Rows are written directly (no mail); idempotent."""

import datetime as dt

from django.utils import timezone

from bourse.tenants.models import ContactRequest, ContactStatus

from .models import ContextKind, Visit, VisitSlot, VisitStatus
from .services import PARIS


def _request(sender: str, receiver: str):
    return (
        ContactRequest.objects.select_related("sender", "receiver")
        .filter(
            sender__user__username=sender,
            receiver__user__username=receiver,
            status=ContactStatus.ACCEPTED,
        )
        .first()
    )


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def load() -> None:
    now = timezone.now()
    confirmed = _request("locataire1", "locataire2")
    if (
        confirmed
        and not Visit.objects.filter(
            context_kind=ContextKind.REQUEST, context_id=confirmed.pk, host=confirmed.receiver
        ).exists()
    ):
        start = _at(5, 14)
        visit = Visit.objects.create(
            context_kind=ContextKind.REQUEST,
            context_id=confirmed.pk,
            host=confirmed.receiver,
            visitor=confirmed.sender,
            proposed_by=confirmed.receiver,
            proposed_at=now - dt.timedelta(days=1),
            status=VisitStatus.CONFIRMED,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            confirmed_at=now,
            invited_at=now,
        )
        VisitSlot.objects.create(visit=visit, starts_at=start, ends_at=visit.ends_at)
    proposed = _request("locataire8", "locataire9")
    if (
        proposed
        and not Visit.objects.filter(
            context_kind=ContextKind.REQUEST, context_id=proposed.pk, host=proposed.sender
        ).exists()
    ):
        visit = Visit.objects.create(
            context_kind=ContextKind.REQUEST,
            context_id=proposed.pk,
            host=proposed.sender,
            visitor=proposed.receiver,
            proposed_by=proposed.sender,
            proposed_at=now,
        )
        for start in (_at(3, 18), _at(6, 10)):
            VisitSlot.objects.create(
                visit=visit, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
            )
