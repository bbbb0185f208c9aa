import logging

from celery import shared_task
from django.conf import settings

from portal.outbox import resend_pending, send_waiting

from . import sms
from .sms import MAX_ATTEMPTS, TemporarySmsError, send_stored_sms

logger = logging.getLogger(__name__)


@shared_task
def daily_account_jobs() -> dict:
    """Daily (beat): patrimoine sync, warnings, automatic deactivations, purge,
    answering rules (reminders, pauses), alert digests."""
    from .jobs import run_daily

    return run_daily()


@shared_task(
    bind=True,
    autoretry_for=(TemporarySmsError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def deliver_sms(self, sms_id: int) -> bool:
    """Send one stored SMS (``sms.queue_sms``); retried on temporary failures."""
    return send_stored_sms(sms_id)


@shared_task
def resend_pending_sms(older_than_minutes: int = 10) -> int:
    """Periodic safety net: send the SMS the broker or the provider missed."""
    return resend_pending(sms.channel(), older_than_minutes)


@shared_task
def send_waiting_sms() -> int:
    """Beat, every half-minute: SMS whose hand-over to the broker failed (an outage)."""
    return send_waiting(sms.channel(), settings.OUTBOX_WAITING_SECONDS)
