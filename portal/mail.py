"""Mail delivery that never loses a message: the mail channel of the outbox
(``portal.outbox``).

``queue_email`` stores the mail in the database inside the caller's
transaction and asks Celery to send it once that transaction has committed.
Header injection is impossible: subjects are flattened to one line and
addresses are validated by Django's mail API before sending.
"""

from django.conf import settings
from django.db import transaction

from .models import OutboundEmail


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:255]


def queue_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    html_body: str = "",
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    kind: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
) -> OutboundEmail:
    """Store the mail; ``attachments`` are text files ``(filename, content, mimetype)``
    (a calendar invitation)."""
    email = OutboundEmail.objects.create(
        to=[_one_line(address) for address in to],
        subject=_one_line(subject),
        body=body,
        html_body=html_body,
        from_email=_one_line(from_email or settings.DEFAULT_FROM_EMAIL),
        reply_to=[_one_line(address) for address in (reply_to or [])],
        kind=kind,
        attachments=[
            {"filename": _one_line(name), "content": content, "mimetype": _one_line(mimetype)}
            for name, content, mimetype in (attachments or [])
        ],
    )
    transaction.on_commit(lambda: dispatch(email.pk))
    return email


def dispatch(email_id: int) -> None:
    """Hand the mail to Celery; if the broker is unreachable the row stays
    pending and ``resend_pending_emails`` will pick it up."""
    from . import outbox
    from .tasks import MAIL, deliver_email

    outbox.dispatch(MAIL, deliver_email, email_id)
