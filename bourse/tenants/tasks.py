import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

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
    from .models import OutboundSms

    since = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    waiting = OutboundSms.objects.filter(status=OutboundSms.Status.PENDING, created_at__lte=since)
    sent = 0
    for sms_id in waiting.order_by("pk").values_list("pk", flat=True)[:500]:
        try:
            sent += send_stored_sms(sms_id)
        except TemporarySmsError:
            logger.warning("SMS %s still not sent", sms_id)
    return sent
