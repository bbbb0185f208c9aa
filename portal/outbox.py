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
import time
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


# After a failed hand-over the broker is not tried again by this process for this long:
# a request that stores a message during an outage does not wait for a connection
# timeout each time; ``send_waiting`` sends what was left pending.
BROKER_PAUSE_SECONDS = 15.0
_broker_down_until = 0.0


def dispatch(channel: Channel, task, message_id: int) -> None:
    """Hand the message to Celery's ``task``; without a broker (``make run``, tests)
    send it once in-process. Whatever fails here leaves the row pending for the
    periodic tasks (``send_waiting``, then ``resend_pending``)."""
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_down_until:
        return  # the broker failed a moment ago: left pending, sent by send_waiting
    try:
        if eager:
            send_stored(channel, message_id)
        else:
            task.delay(message_id)
    except Exception:  # provider or broker down (kombu raises various errors): sent later
        if not eager:
            _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("%s %s left pending", channel.name, message_id, exc_info=True)


def resend_pending(channel: Channel, older_than_minutes: int = 10, batch: int = 500) -> int:
    """Periodic safety net: send what the broker or the provider missed."""
    limit = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    pending = channel.model.objects.filter(
        status=OutboxMessage.Status.PENDING, created_at__lte=limit
    )
    return _send_each(channel, pending, batch)


def send_waiting(channel: Channel, older_than_seconds: int = 20, batch: int = 500) -> int:
    """Beat, every half-minute: the messages never tried (``attempts == 0``) for
    ``older_than_seconds`` — their hand-over to the broker failed (an outage), or the
    workers are behind — sent now. After a broker outage they leave within a minute
    of its return (this task is itself sent through the broker), not at the next
    ten-minute resend. A message tried once is left to Celery's retries and to
    ``resend_pending``; one still queued is sent once (``send_stored`` locks it)."""
    limit = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    waiting = channel.model.objects.filter(
        status=OutboxMessage.Status.PENDING, attempts=0, created_at__lte=limit
    )
    return _send_each(channel, waiting, batch)


def _send_each(channel: Channel, queryset, batch: int) -> int:
    sent = 0
    for message_id in list(queryset.order_by("pk").values_list("pk", flat=True)[:batch]):
        try:
            sent += send_stored(channel, message_id)
        except channel.temporary:
            logger.warning("%s %s still not sent", channel.name, message_id)
    return sent
