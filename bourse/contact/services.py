"""Routing and handling of contact messages.

``route`` is the one place that decides where a message goes. Every other
function stores what it does in the database (message, thread event,
outbound mail) inside one transaction; mails leave through
``portal.mail.queue_email`` once that transaction has committed, so a mail
server or broker outage never loses a message.

Who sends what:

- the sender (tenant or not) only ever receives mails from the no-reply
  address (``DEFAULT_FROM_EMAIL``), without reply-to, and never sees the
  support team's address;
- landlords receive forwarded requests from the exchange's support address
  (``CONTACT_SUPPORT_FROM_EMAIL``), with the sender as reply-to so that they
  answer their tenant directly;
- the software editor receives escalations from the support address, with
  the support inbox as reply-to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.models import Dwelling, Landlord, StaffProfile, StaffRole
from portal.mail import queue_email
from portal.siteurl import absolute_url

from .models import (
    Category,
    ContactEvent,
    ContactMessage,
    Destination,
    ReferenceCounter,
    SenderKind,
    Status,
    Topic,
)

# --- Routing ---------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    destination: str
    landlord: Landlord | None = None
    dwelling: Dwelling | None = None
    recipients: tuple[str, ...] = field(default_factory=tuple)
    to_investigate: bool = False
    note: str = ""


def find_dwelling(landlord: Landlord, tenant_reference: str) -> Dwelling | None:
    """The patrimoine row of that tenant at that landlord (current rows first)."""
    reference = (tenant_reference or "").strip()
    if not reference:
        return None
    rows = Dwelling.objects.filter(landlord=landlord).order_by("-in_snapshot", "-updated_at")
    return (
        rows.filter(tenant_reference=reference).first()
        or rows.filter(tenant_reference__iexact=reference).first()
    )


def landlord_addresses(landlord: Landlord) -> tuple[str, ...]:
    """The landlord's configured contact address; until every landlord has one,
    the e-mails of its administrators."""
    configured = (getattr(landlord, "contact_email", "") or "").strip()
    if configured:
        return (configured,)
    admins = (
        StaffProfile.objects.filter(
            landlord=landlord, role=StaffRole.LANDLORD_ADMIN, user__is_active=True
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return tuple(dict.fromkeys(admins))


def _unique(*addresses: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in addresses if a and a.strip()))


def route(
    *, sender_kind: str, topic: str, landlord: Landlord | None, tenant_reference: str = ""
) -> Route:
    """Where a message goes (DESIGN 3.4, operating procedure 4.a–4.c)."""
    category = Topic.category_of(topic)
    is_tenant = sender_kind in SenderKind.tenants()

    if sender_kind == SenderKind.LANDLORD_STAFF:
        # 4.c: landlords' difficulties are handled by the support team.
        return Route(Destination.SUPPORT, landlord=landlord, note=_("Demande d’un bailleur."))

    goes_to_landlord = is_tenant and (
        category == Category.TENANT_FILE or sender_kind == SenderKind.UNREGISTERED_TENANT
    )
    if goes_to_landlord:
        if landlord is None:
            return Route(
                Destination.SUPPORT,
                to_investigate=True,
                note=_("Bailleur inconnu : à orienter vers le bon bailleur."),
            )
        return route_to_landlord(landlord, tenant_reference, topic)

    if category == Category.TENANT_FILE:
        # A question about a tenant file from someone who is not a tenant.
        return Route(
            Destination.SUPPORT,
            landlord=landlord,
            to_investigate=True,
            note=_("Question sur un dossier posée par un non-locataire : à instruire."),
        )
    return Route(Destination.SUPPORT, landlord=landlord, note=_("Question technique."))


def route_to_landlord(landlord: Landlord, tenant_reference: str, topic: str = "") -> Route:
    dwelling = find_dwelling(landlord, tenant_reference)
    if dwelling is not None:
        # Contact 1 handles the file before the CAL, contact 2 after it: an
        # exchange-file question may concern either stage.
        if topic == Topic.EXCHANGE_FILE:
            recipients = _unique(dwelling.contact1_email, dwelling.contact2_email)
        else:
            recipients = _unique(dwelling.contact1_email)
        if recipients:
            return Route(
                Destination.LANDLORD,
                landlord=landlord,
                dwelling=dwelling,
                recipients=recipients,
                note=_("Contact du fichier patrimoine."),
            )
    recipients = landlord_addresses(landlord)
    if recipients:
        return Route(
            Destination.LANDLORD,
            landlord=landlord,
            recipients=recipients,
            note=_("Adresse de contact du bailleur (référence locataire non trouvée)."),
        )
    return Route(
        Destination.SUPPORT,
        landlord=landlord,
        to_investigate=True,
        note=_("Aucune adresse de contact connue pour ce bailleur : à instruire."),
    )


# --- Mails -----------------------------------------------------------------


def _absolute(path: str) -> str:
    return absolute_url(path)


def _admin_url(message: ContactMessage) -> str:
    """The message in the support team's inbox (Wagtail admin)."""
    return _absolute(reverse("contact_inbox:inspect", args=[message.pk]))


def _landlord_url(message: ContactMessage) -> str:
    """The message in the landlord staff's view."""
    return _absolute(reverse("contact:landlord_detail", args=[message.pk]))


def _render(name: str, **context) -> str:
    return render_to_string(f"contact/emails/{name}.txt", context).strip() + "\n"


def _to_sender(message: ContactMessage, subject: str, body: str, kind: str):
    """Everything the sender receives: from the no-reply address, no reply-to."""
    return queue_email(
        to=[message.email],
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=[],
        kind=kind,
    )


def _event(message, kind, *, author=None, body="", email=None, visible=False, **extra):
    return ContactEvent.objects.create(
        message=message,
        kind=kind,
        author=author,
        body=body,
        email=email,
        recipients=list(email.to) if email is not None else [],
        visible_to_landlord=visible,
        **extra,
    )


def _forward(message: ContactMessage, route_: Route, author=None, comment: str = ""):
    email = queue_email(
        to=list(route_.recipients),
        subject=_("Demande d’un locataire à traiter — %(subject)s")
        % {"subject": message.subject_line},
        body=_render(
            "forward_to_landlord",
            message=message,
            route=route_,
            comment=comment,
            landlord_url=_landlord_url(message),
        ),
        from_email=settings.CONTACT_SUPPORT_FROM_EMAIL,
        reply_to=[message.email],
        kind="contact.forward",
    )
    now = timezone.now()
    message.destination = Destination.LANDLORD
    message.landlord = route_.landlord
    message.dwelling = route_.dwelling
    message.to_investigate = False
    message.status = Status.FORWARDED
    message.forwarded_at = now
    _event(
        message,
        ContactEvent.Kind.FORWARDED,
        author=author,
        body=comment,
        email=email,
        visible=True,
        landlord=route_.landlord,
    )
    return email


# --- Submission --------------------------------------------------------------


@transaction.atomic
def submit(
    *,
    sender_kind: str,
    name: str,
    email: str,
    topic: str,
    body: str,
    landlord: Landlord | None = None,
    landlord_other: str = "",
    tenant_reference: str = "",
    attachment=None,
    attachment_name: str = "",
) -> ContactMessage:
    """Store the message, route it, queue the mails (sent after commit)."""
    route_ = route(
        sender_kind=sender_kind, topic=topic, landlord=landlord, tenant_reference=tenant_reference
    )
    now = timezone.now()
    message = ContactMessage(
        reference=ReferenceCounter.next_reference(timezone.localdate(now).year),
        sender_kind=sender_kind,
        name=name,
        email=email,
        landlord=landlord,
        landlord_other=landlord_other,
        tenant_reference=tenant_reference,
        category=Topic.category_of(topic),
        topic=topic,
        body=body,
        attachment_name=attachment_name,
        consent_at=now,
        created_at=now,
        destination=route_.destination,
        to_investigate=route_.to_investigate,
        routing_note=route_.note[:255],
    )
    if attachment is not None:
        message.attachment.save(attachment.name, attachment, save=False)
    message.save()
    _event(message, ContactEvent.Kind.RECEIVED, visible=True)

    if route_.destination == Destination.LANDLORD:
        _forward(message, route_)
        message.save()
    else:
        notice = queue_email(
            to=[settings.CONTACT_SUPPORT_INBOX_EMAIL],
            subject=(
                _("[À instruire] Nouveau message — %(subject)s")
                if message.to_investigate
                else _("Nouveau message — %(subject)s")
            )
            % {"subject": message.subject_line},
            body=_render("support_notification", message=message, admin_url=_admin_url(message)),
            kind="contact.support",
        )
        _event(message, ContactEvent.Kind.SUPPORT_NOTIFIED, email=notice)

    ack = _to_sender(
        message,
        _("Votre message a bien été reçu — référence %(reference)s")
        % {"reference": message.reference},
        _render("acknowledgement", message=message),
        "contact.ack",
    )
    _event(message, ContactEvent.Kind.ACKNOWLEDGED, email=ack)
    return message


# --- Handling from the inbox ---------------------------------------------------


def _handled(message: ContactMessage, user, status: str | None = None) -> None:
    now = timezone.now()
    message.handled_by = user
    message.handled_at = now
    if status:
        message.status = status
    if status == Status.ANSWERED:
        message.answered_at = now
    elif status == Status.ESCALATED:
        message.escalated_at = now
    elif status == Status.CLOSED:
        message.closed_at = now


@transaction.atomic
def reply(message: ContactMessage, user, text: str) -> ContactEvent:
    """Support answers the sender, from the no-reply address."""
    email = _to_sender(
        message,
        _("Réponse à votre message — référence %(reference)s") % {"reference": message.reference},
        _render("reply", message=message, text=text),
        "contact.reply",
    )
    _handled(message, user, Status.ANSWERED)
    message.save()
    return _event(message, ContactEvent.Kind.REPLIED, author=user, body=text, email=email)


@transaction.atomic
def escalate(message: ContactMessage, user, text: str) -> ContactEvent:
    """Support hands a bug to the software editor, with the whole thread."""
    thread = list(message.events.select_related("author").order_by("created_at", "pk"))
    email = queue_email(
        to=[settings.CONTACT_EDITOR_EMAIL],
        subject=_("Demande transmise à l’éditeur — %(subject)s")
        % {"subject": message.subject_line},
        body=_render(
            "escalation", message=message, text=text, thread=thread, admin_url=_admin_url(message)
        ),
        from_email=settings.CONTACT_SUPPORT_FROM_EMAIL,
        reply_to=[settings.CONTACT_SUPPORT_INBOX_EMAIL],
        kind="contact.escalation",
    )
    _handled(message, user, Status.ESCALATED)
    message.save()
    return _event(message, ContactEvent.Kind.ESCALATED, author=user, body=text, email=email)


@transaction.atomic
def forward_to_landlord(message: ContactMessage, user, landlord: Landlord, comment: str = ""):
    """Support sends a message (e.g. one "to investigate") to a chosen landlord.

    Returns ``None`` when that landlord has no known address."""
    route_ = route_to_landlord(landlord, message.tenant_reference, message.topic)
    if route_.destination != Destination.LANDLORD:
        return None
    email = _forward(message, route_, author=user, comment=comment)
    _handled(message, user)
    message.save()
    return email


@transaction.atomic
def add_note(message: ContactMessage, user, text: str) -> ContactEvent:
    _handled(message, user)
    message.save()
    return _event(message, ContactEvent.Kind.NOTE, author=user, body=text)


@transaction.atomic
def mark_answered(message: ContactMessage, user, text: str = "") -> ContactEvent:
    _handled(message, user, Status.ANSWERED)
    message.save()
    return _event(message, ContactEvent.Kind.ANSWERED, author=user, body=text, visible=True)


@transaction.atomic
def close(message: ContactMessage, user, text: str = "") -> ContactEvent:
    _handled(message, user, Status.CLOSED)
    message.save()
    return _event(message, ContactEvent.Kind.CLOSED, author=user, body=text, visible=True)
