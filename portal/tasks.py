import datetime as dt
import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class TemporaryMailError(Exception):
    pass


def send_stored_email(email_id: int) -> bool:
    """Send one stored mail if still pending; True when it was sent now."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            from_email=email.from_email,
            to=email.to,
            reply_to=email.reply_to or None,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        try:
            message.send()
        except Exception as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            return True
    # Raised after the block so that the attempt and its error stay recorded.
    if email.status == OutboundEmail.Status.PENDING:
        raise TemporaryMailError(email.last_error)
    return False


@shared_task(
    bind=True,
    autoretry_for=(TemporaryMailError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def deliver_email(self, email_id: int) -> bool:
    return send_stored_email(email_id)


@shared_task
def resend_pending_emails(older_than_minutes: int = 10) -> int:
    """Periodic safety net: send what the broker or the mail server missed."""
    limit = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    sent = 0
    pending = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING, created_at__lte=limit
    ).values_list("pk", flat=True)
    for email_id in list(pending[:500]):
        try:
            sent += send_stored_email(email_id)
        except TemporaryMailError:
            logger.warning("E-mail %s still not sent", email_id)
    return sent
