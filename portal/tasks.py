from email.message import MIMEPart

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from . import outbox
from .models import OutboundEmail

MAX_ATTEMPTS = 8


class TemporaryMailError(outbox.TemporarySendError):
    pass


def _attachment(stored: dict) -> MIMEPart:
    """A stored text attachment, sent base64-encoded so that its bytes (the CRLF line
    ends RFC 5545 requires of a calendar) reach the recipient unchanged."""
    mimetype, *params = [part.strip() for part in stored["mimetype"].split(";")]
    maintype, subtype = mimetype.split("/", 1)
    part = MIMEPart()
    part.set_content(
        stored["content"].encode(),
        maintype=maintype,
        subtype=subtype,
        params=dict(param.split("=", 1) for param in params if "=" in param),
        disposition="attachment",
        filename=stored["filename"],
    )
    return part


def _transmit(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        reply_to=email.reply_to or None,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments or []:
        message.attach(_attachment(attachment))
    message.send()


# The outbox's mail channel: any error of the mail server is temporary.
MAIL = outbox.Channel(
    name="E-mail",
    model=OutboundEmail,
    transmit=_transmit,
    max_attempts=MAX_ATTEMPTS,
    temporary=TemporaryMailError,
    temporary_errors=(Exception,),
)


def send_stored_email(email_id: int) -> bool:
    """Send one stored mail if still pending; True when it was sent now."""
    return outbox.send_stored(MAIL, email_id)


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
    return outbox.resend_pending(MAIL, older_than_minutes)


@shared_task
def send_waiting_emails() -> int:
    """Beat, every half-minute: mails whose hand-over to the broker failed (an outage)."""
    return outbox.send_waiting(MAIL, settings.OUTBOX_WAITING_SECONDS)
