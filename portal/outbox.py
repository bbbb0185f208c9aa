"""The store-then-send outbox: one family of messages (``portal.models.OutboxMessage``)
with two channels, mail (``portal.mail``, ``OutboundEmail``) and SMS
(``bourse.tenants.sms``, ``OutboundSms``).

A message is stored inside the caller's transaction, handed to Celery once that
transaction has committed (``dispatch``), sent by a worker that locks the row
(``send_stored``), and picked up again by a periodic task when the broker or the
provider missed it (``resend_pending``). Nothing is lost: whatever fails leaves
the row ``pending`` until the channel's last attempt, or a permanent refusal,
marks it ``failed``.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


class TemporarySendError(Exception):
    """Not sent this time; the channel retries (Celery) and the resend task too."""


@dataclass(frozen=True, kw_only=True)
class Channel:
    name: str  # for the logs: "E-mail", "SMS"
    model: type[OutboxMessage]
    transmit: Callable[[OutboxMessage], None]  # sends one message; raises on failure
    max_attempts: int
    temporary: type[TemporarySendError]  # raised for Celery's retry
    temporary_errors: tuple[type[BaseException], ...]  # recorded, tried again
    permanent_errors: tuple[type[BaseException], ...] = ()  # recorded, failed at once


def send_stored(channel: Channel, message_id: int) -> bool:
    """Send one stored message if still pending; True when it was sent now. A
    temporary failure is recorded, then raised (``channel.temporary``)."""
    Status = OutboxMessage.Status
    with transaction.atomic():
        message = (
            channel.model.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING)
            .first()
        )
        if message is None:  # sent, given up, or taken by another worker
            return False
        message.attempts += 1
        try:
            channel.transmit(message)
        except channel.permanent_errors + channel.temporary_errors as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if isinstance(error, channel.permanent_errors) or (
                message.attempts >= channel.max_attempts
            ):
                message.status = Status.FAILED
        else:
            message.status = Status.SENT
            message.sent_at = timezone.now()
        message.save()
    # Raised after the block so that the attempt and its error stay recorded.
    if message.status == Status.PENDING:
        raise channel.temporary(message.last_error)
    return message.status == Status.SENT


def dispatch(channel: Channel, task, message_id: int) -> None:
    """Hand the message to Celery's ``task``; without a broker (``make run``, tests)
    send it once in-process. Whatever fails here leaves the row pending for the
    periodic resend task."""
    try:
        if task.app.conf.task_always_eager:
            send_stored(channel, message_id)
        else:
            task.delay(message_id)
    except Exception:  # provider or broker down (kombu raises various errors): sent later
        logger.warning("%s %s left pending", channel.name, message_id, exc_info=True)


def resend_pending(channel: Channel, older_than_minutes: int = 10, batch: int = 500) -> int:
    """Periodic safety net: send what the broker or the provider missed."""
    limit = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    pending = channel.model.objects.filter(
        status=OutboxMessage.Status.PENDING, created_at__lte=limit
    ).order_by("pk")
    sent = 0
    for message_id in list(pending.values_list("pk", flat=True)[:batch]):
        try:
            sent += send_stored(channel, message_id)
        except channel.temporary:
            logger.warning("%s %s still not sent", channel.name, message_id)
    return sent
