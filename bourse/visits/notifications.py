"""The visits' mails (and the reminder's SMS), all stored in the outbox first and sent
after commit by Celery (``portal.mail.queue_email``, ``bourse.tenants.sms.queue_sms``).

Each household gets its own mail and its own invitation: never the other household's
e-mail address or phone number; the home's address only once confirmed.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.conversations.services import pseudonym
from bourse.tenants import sms
from bourse.tenants.tokens import unsubscribe_token
from portal.mail import queue_email
from portal.siteurl import absolute_url

from . import invitation
from .models import Visit


def _page(visit: Visit) -> str:
    return absolute_url(reverse("visits:detail", args=[visit.pk]))


def _when(visit: Visit) -> dict:
    start = visit.starts_at.astimezone(invitation.PARIS)
    end = visit.ends_at.astimezone(invitation.PARIS)
    return {
        "date": start.strftime("%d/%m/%Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def _mail(profile, visit, *, subject, template, kind, attachment_method=None, **context):
    email = profile.user.email
    if not email or profile.anonymised_at is not None:
        return None
    context = {
        "profile": profile,
        "visit": visit,
        "is_host": profile.pk == visit.host_id,
        "other_name": pseudonym(visit.other(profile)),
        "visit_url": _page(visit),
        **context,
    }
    attachments = None
    if attachment_method:
        content = invitation.build(visit, profile, attachment_method).decode()
        attachments = [
            (invitation.filename(visit), content, invitation.mimetype(attachment_method))
        ]
    return queue_email(
        to=[email],
        subject=subject,
        body=render_to_string(f"visits/emails/{template}.txt", context),
        kind=f"visits_{kind}",
        attachments=attachments,
    )


def _next_sequence(visit: Visit, now) -> None:
    """Every invitation or cancellation sent after the first grows the sequence."""
    if visit.invited_at is not None:
        visit.sequence += 1
    visit.invited_at = now


def send_proposal(visit: Visit, *, by) -> None:
    """The other household is told that slots wait for its choice."""
    other = visit.other(by)
    _mail(
        other,
        visit,
        subject=_("Créneaux de visite proposés — Echanger Habiter"),
        template="proposed",
        kind="proposed",
        slots=list(visit.slots.all()),
    )


def send_confirmation(visit: Visit, *, now=None) -> None:
    """Both households: the appointment, with its invitation (``METHOD:REQUEST``)."""
    _next_sequence(visit, now or timezone.now())
    visit.save(update_fields=["sequence", "invited_at"])
    address = invitation.home_address(visit.host)
    for profile in (visit.host, visit.visitor):
        _mail(
            profile,
            visit,
            subject=_("Visite confirmée le %(date)s — Echanger Habiter") % _when(visit),
            template="confirmed",
            kind="confirmed",
            attachment_method=invitation.REQUEST,
            address=address,
            **_when(visit),
        )


def send_cancellation(visit: Visit, *, by, now=None, replanned=False) -> None:
    """A confirmed visit cancelled or re-planned: both calendars drop it
    (``METHOD:CANCEL``); the household that did not act is told why."""
    _next_sequence(visit, now or timezone.now())
    for profile in (visit.host, visit.visitor):
        _mail(
            profile,
            visit,
            subject=_("Visite du %(date)s annulée — Echanger Habiter") % _when(visit),
            template="cancelled",
            kind="cancelled",
            attachment_method=invitation.CANCEL,
            by_me=profile.pk == by.pk,
            replanned=replanned,
            **_when(visit),
        )


def send_withdrawal(visit: Visit, *, by) -> None:
    """Slots withdrawn before any was picked: the other household is told."""
    _mail(
        visit.other(by),
        visit,
        subject=_("Proposition de visite annulée — Echanger Habiter"),
        template="withdrawn",
        kind="withdrawn",
    )


def sms_text(visit: Visit, profile) -> str:
    stop = absolute_url(reverse("tenants:unsubscribe", args=[unsubscribe_token(profile.pk, "sms")]))
    return _(
        "Echanger Habiter : rappel, visite demain %(date)s à %(start)s. %(url)s Stop SMS : %(stop)s"
    ) % {**_when(visit), "url": _page(visit), "stop": stop}


def send_reminder(visit: Visit) -> None:
    """The day before: a mail to each household, and an SMS to one that opted in."""
    address = invitation.home_address(visit.host)
    for profile in (visit.host, visit.visitor):
        _mail(
            profile,
            visit,
            subject=_("Rappel : visite demain à %(start)s — Echanger Habiter") % _when(visit),
            template="reminder",
            kind="reminder",
            address=address,
            **_when(visit),
        )
        phone = sms.normalise_phone(profile.phone) if profile.alert_sms else None
        if phone and profile.anonymised_at is None:
            sms.queue_sms(to=phone, body=sms_text(visit, profile), kind="visits_reminder")
