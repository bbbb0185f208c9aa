"""Conversations between households: one rule per function (issue 17).

- ``pseudonym``: what the other households see — a chosen display name, else the
  first name and the surname's initial; never a surname, an e-mail or a phone.
- ``ended_at`` / ``is_open``: a conversation is open while its subject is — a contact
  request pending or accepted and its exchange file open (``request_ended_at``); a
  chain proposal open or accepted with its file open (the chains app registers
  its reader in ``STATE_READERS``); read-only afterwards. ``sync_state`` records
  the moment it closed (``closed_at``), which the retention counts from.
- ``post_message``: only a participant, in an open conversation, not blocked either
  way with another household, a text of 1 to 5 000 characters (stored as text,
  contact details masked); the sender's own message counts as read.
- ``notice_due``: a new-message mail (and SMS when opted in) at most once per
  ``CONVERSATION_NOTICE_HOURS`` per conversation while the recipient has not read it;
  sent again at once after they read. Stored first, sent after the commit (outbox).
- ``share_phone`` / ``revoke_phone``: « Partager mon numéro avec … », recorded and
  revocable; ``visible_phones`` is the only place a number is read for another tenant.
- ``report_message``: to the AMO's queue with the conversation (``MessageReport``).
- ``block`` / ``blocked_between``: no more requests nor messages between the two.
- ``ended_before`` / ``purge``: the retention rule (``RETENTION_CONVERSATION_MONTHS``
  after closing: messages blanked, the conversation kept as a counted shell),
  idempotent; a rule of ``bourse.privacy.retention.RULES``, applied by its daily job.
"""

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.contact_details import mask_contact_details
from bourse.tenants.models import ContactRequest, ContactStatus, TenantProfile
from bourse.tenants.sms import normalise_phone, queue_sms
from portal.mail import queue_email
from portal.siteurl import absolute_url

from .models import (
    BODY_MAX_LENGTH,
    Conversation,
    HouseholdBlock,
    Message,
    MessageReport,
    MessagingPreferences,
    Participant,
    PhoneShare,
    ReportStatus,
)

PURGED_TEXT = ""


class ConversationError(Exception):
    """A refusal; the message is French and shown as is."""


# --- Settings ---------------------------------------------------------------------------


def notice_hours() -> float:
    return float(getattr(settings, "CONVERSATION_NOTICE_HOURS", 3))


def retention_months() -> int:
    return int(getattr(settings, "RETENTION_CONVERSATION_MONTHS", 12))


# --- Pseudonyms ----------------------------------------------------------------------------


def preferences_of(profile: TenantProfile) -> MessagingPreferences:
    """The tenant's preferences (defaults when never saved; nothing is written)."""
    try:
        return profile.messaging_preferences
    except MessagingPreferences.DoesNotExist:
        return MessagingPreferences(tenant=profile)


def pseudonym(profile: TenantProfile | None) -> str:
    if profile is None or profile.anonymised_at is not None:
        return _("Ménage anonymisé")
    chosen = preferences_of(profile).display_name.strip()
    if chosen:
        return chosen
    user = profile.user
    first = (user.first_name or "").strip() or _("Locataire")
    initial = (user.last_name or "").strip()[:1].upper()
    return f"{first} {initial}." if initial else first


# --- Open or read-only ------------------------------------------------------------------------


def request_ended_at(conversation: Conversation) -> datetime | None:
    """A contact request's conversation: open while the request is pending, or accepted
    and its exchange file (if any) open; otherwise the moment it ended."""
    request_obj = conversation.contact_request
    fallback = conversation.closed_at or timezone.now()
    if request_obj is None:
        return fallback
    if request_obj.status == ContactStatus.PENDING:
        return None
    if request_obj.status == ContactStatus.ACCEPTED:
        file = request_obj.exchange_file
        if file is None or file.is_open:
            return None
        return file.closed_at or file.step_changed_at
    if request_obj.status == ContactStatus.DECLINED:
        return request_obj.answered_at or fallback
    return fallback  # withdrawn: the moment it was seen withdrawn


# kind of subject → reader of the moment it ended (None: still open). ``chain`` is
# registered by ``bourse.chains`` (above this app).
STATE_READERS: dict[str, Callable[[Conversation], datetime | None]] = {
    "request": request_ended_at,
}


def ended_at(conversation: Conversation) -> datetime | None:
    if conversation.purged_at is not None:
        return conversation.closed_at or conversation.purged_at
    reader = STATE_READERS.get(conversation.kind)
    if reader is None:
        return conversation.closed_at or timezone.now()
    return reader(conversation)


def is_open(conversation: Conversation) -> bool:
    return ended_at(conversation) is None


def sync_state(conversation: Conversation) -> None:
    """Record when the conversation closed (or that it opened again: a file reactivated)."""
    if conversation.purged_at is not None:
        return
    end = ended_at(conversation)
    if (end is None) != (conversation.closed_at is None):
        conversation.closed_at = end
        Conversation.objects.filter(pk=conversation.pk).update(closed_at=end)


# --- Creating them ----------------------------------------------------------------------------


@transaction.atomic
def ensure_conversation(
    subject_key: str, tenants, *, contact_request: ContactRequest | None = None
) -> Conversation:
    """The conversation of a subject, created with its households the first time."""
    conversation, _created = Conversation.objects.get_or_create(
        subject_key=subject_key, defaults={"contact_request": contact_request}
    )
    present = set(conversation.participants.values_list("tenant_id", flat=True))
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, tenant=t) for t in tenants if t.pk not in present]
    )
    return conversation


def request_key(request_obj) -> str:
    return f"request:{request_obj.pk}"


def conversation_for_request(request_obj: ContactRequest) -> Conversation:
    """The request's conversation; its message and answer are its first messages."""
    conversation = ensure_conversation(
        request_key(request_obj),
        [request_obj.sender, request_obj.receiver],
        contact_request=request_obj,
    )
    texts = [(request_obj.sender_id, request_obj.message, request_obj.created_at)]
    if request_obj.answer and request_obj.answered_at:
        texts.append((request_obj.receiver_id, request_obj.answer, request_obj.answered_at))
    for sender_id, body, at in texts:
        if body and not conversation.messages.filter(sender_id=sender_id, created_at=at).exists():
            Message.objects.create(
                conversation=conversation, sender_id=sender_id, body=body, created_at=at
            )
            Conversation.objects.filter(pk=conversation.pk).update(
                message_count=F("message_count") + 1
            )
            Participant.objects.filter(conversation=conversation, tenant_id=sender_id).update(
                last_read_id=conversation.messages.order_by("-pk").values("pk")[:1]
            )
    sync_state(conversation)
    return conversation


# --- Who sees what ------------------------------------------------------------------------------


def conversations_of(profile: TenantProfile):
    """The tenant's conversations, newest activity first, each with ``unread``."""
    seat = Participant.objects.filter(conversation=OuterRef("pk"), tenant=profile)
    return (
        Conversation.objects.filter(participants__tenant=profile)
        .annotate(
            my_last_read=Subquery(seat.values("last_read_id")[:1]),
            last_message_id=Subquery(
                Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk").values("pk")[:1]
            ),
        )
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__pk__gt=F("my_last_read")) & ~Q(messages__sender=profile),
                distinct=True,
            )
        )
        .select_related("contact_request")
        .order_by(F("last_message_id").desc(nulls_last=True), "-pk")
    )


def unread_count(profile: TenantProfile) -> int:
    """Messages of others the tenant has not read, over all their conversations."""
    return (
        Message.objects.filter(
            conversation__participants__tenant=profile,
            pk__gt=F("conversation__participants__last_read_id"),
        )
        .exclude(sender=profile)
        .count()
    )


def unread_count_shown(profile: TenantProfile) -> int:
    """``unread_count`` as the pages show it: counted once per profile object, i.e.
    once a request, for the header and the dashboard both show it."""
    if "_unread_count_shown" not in profile.__dict__:
        profile.__dict__["_unread_count_shown"] = unread_count(profile)
    return profile.__dict__["_unread_count_shown"]


def participant_of(conversation: Conversation, profile: TenantProfile) -> Participant | None:
    return conversation.participants.filter(tenant=profile).first()


def others(conversation: Conversation, profile: TenantProfile) -> list[TenantProfile]:
    return [
        seat.tenant
        for seat in conversation.participants.select_related("tenant__user").order_by("pk")
        if seat.tenant_id != profile.pk
    ]


# --- Blocks -------------------------------------------------------------------------------------


def blocked_between(a: TenantProfile, b: TenantProfile) -> bool:
    return HouseholdBlock.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def request_refusal(sender: TenantProfile, receiver: TenantProfile) -> str | None:
    """The contact requests' check (``bourse.tenants.contacts.refusal_checks``)."""
    if blocked_between(sender, receiver):
        return _("Vous ne pouvez pas contacter ce locataire.")
    return None


@transaction.atomic
def block(conversation: Conversation, blocker: TenantProfile, blocked: TenantProfile):
    if (
        participant_of(conversation, blocker) is None
        or participant_of(conversation, blocked) is None
        or blocker.pk == blocked.pk
    ):
        raise ConversationError(_("Ce ménage ne fait pas partie de cette conversation."))
    item, _created = HouseholdBlock.objects.get_or_create(blocker=blocker, blocked=blocked)
    # A blocked household no longer sees the number shared with it.
    PhoneShare.objects.filter(owner=blocker, recipient=blocked, revoked_at=None).update(
        revoked_at=timezone.now(), phone=""
    )
    return item


def unblock(blocker: TenantProfile, blocked: TenantProfile) -> int:
    return HouseholdBlock.objects.filter(blocker=blocker, blocked=blocked).delete()[0]


def blocked_by(profile: TenantProfile) -> set[int]:
    return set(HouseholdBlock.objects.filter(blocker=profile).values_list("blocked_id", flat=True))


# --- Writing ------------------------------------------------------------------------------------


def clean_body(text: str) -> str:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise ConversationError(_("Écrivez un message."))
    if len(body) > BODY_MAX_LENGTH:
        raise ConversationError(
            _("Votre message compte %(count)s caractères : 5 000 au plus.") % {"count": len(body)}
        )
    return body


def write_refusal(conversation: Conversation, profile: TenantProfile) -> str | None:
    """Why ``profile`` may not write in ``conversation`` now, or None."""
    if participant_of(conversation, profile) is None:
        return _("Cette conversation n’est pas la vôtre.")
    if not is_open(conversation):
        return _(
            "Cette conversation est close : la demande ou le dossier d’échange est terminé. "
            "Vous pouvez encore la relire."
        )
    for other in others(conversation, profile):
        if blocked_between(profile, other):
            return _(
                "Vous ne pouvez plus écrire dans cette conversation : un blocage existe entre "
                "vous et %(name)s."
            ) % {"name": pseudonym(other)}
    return None


@transaction.atomic
def post_message(conversation: Conversation, profile: TenantProfile, text: str, now=None):
    """Store the message (contact details masked), then tell the others (after commit)."""
    now = now or timezone.now()
    body = clean_body(text)
    refusal = write_refusal(conversation, profile)
    if refusal:
        raise ConversationError(refusal)
    body, masked = mask_contact_details(body)
    message = Message.objects.create(
        conversation=conversation, sender=profile, body=body, masked=len(masked), created_at=now
    )
    message.found = masked
    Conversation.objects.filter(pk=conversation.pk).update(message_count=F("message_count") + 1)
    Participant.objects.filter(conversation=conversation, tenant=profile).update(
        last_read_id=message.pk, last_read_at=now
    )
    for seat in conversation.participants.select_related("tenant__user").exclude(tenant=profile):
        notify(seat, message, now)
    return message


def mark_read(conversation: Conversation, profile: TenantProfile, upto_id=None, now=None) -> int:
    """The tenant read the conversation up to message ``upto_id`` (the last one shown);
    never beyond the newest message, never backwards. Returns rows changed."""
    last = conversation.messages.order_by("-pk").values_list("pk", flat=True).first() or 0
    upto = last if upto_id is None else min(int(upto_id), last)
    return Participant.objects.filter(
        conversation=conversation, tenant=profile, last_read_id__lt=upto
    ).update(last_read_id=upto, last_read_at=now or timezone.now())


# --- Notices ------------------------------------------------------------------------------------


def notice_due(seat: Participant, now) -> bool:
    """At most one notice per conversation per ``notice_hours()`` while unread: due when
    never told, when they read since the last notice, or when it is that old."""
    if seat.last_notified_at is None:
        return True
    if seat.last_read_at is not None and seat.last_read_at >= seat.last_notified_at:
        return True
    return now - seat.last_notified_at >= timedelta(hours=notice_hours())


def notify(seat: Participant, message: Message, now) -> bool:
    profile = seat.tenant
    if profile.anonymised_at is not None or not notice_due(seat, now):
        return False
    prefs = preferences_of(profile)
    sender_name = pseudonym(message.sender)
    url = absolute_url(reverse("conversations:detail", args=[message.conversation_id]))
    sent = False
    if profile.user.email:
        queue_email(
            to=[profile.user.email],
            subject=_("Vous avez un nouveau message de %(name)s") % {"name": sender_name},
            body=render_to_string(
                "conversations/emails/new_message.txt",
                {
                    "name": sender_name,
                    "url": url,
                    "text": message.body if prefs.mail_with_text else "",
                    "preferences_url": absolute_url(reverse("conversations:preferences")),
                },
            ),
            kind="conversation_message",
        )
        sent = True
    phone = normalise_phone(profile.phone)
    if prefs.sms and profile.alert_sms and profile.alert_sms_consented_at and phone:
        queue_sms(
            to=phone,
            body=_("Echanger Habiter : nouveau message de %(name)s. %(url)s")
            % {"name": sender_name, "url": url},
            kind="conversation_message",
        )
        sent = True
    Participant.objects.filter(pk=seat.pk).update(last_notified_at=now)
    return sent


# --- Sharing a number ------------------------------------------------------------------------


@transaction.atomic
def share_phone(conversation, owner: TenantProfile, recipient: TenantProfile, phone: str = ""):
    """« Partager mon numéro avec … »: ``owner`` shows ``phone`` (default: its profile's)
    to ``recipient`` in this conversation, until revoked."""
    if (
        participant_of(conversation, owner) is None
        or participant_of(conversation, recipient) is None
        or owner.pk == recipient.pk
    ):
        raise ConversationError(_("Ce ménage ne fait pas partie de cette conversation."))
    if not is_open(conversation):
        raise ConversationError(_("Cette conversation est close."))
    if blocked_between(owner, recipient):
        raise ConversationError(_("Un blocage existe entre vous et ce ménage."))
    number = (phone or owner.phone or "").strip()
    if not normalise_phone(number) and not _is_french_landline(number):
        raise ConversationError(
            _("Indiquez un numéro de téléphone français valide (ex. : 06 12 34 56 78).")
        )
    current = PhoneShare.objects.filter(
        conversation=conversation, owner=owner, recipient=recipient, revoked_at=None
    ).first()
    if current is not None:
        current.phone = number
        current.save(update_fields=["phone"])
        return current
    return PhoneShare.objects.create(
        conversation=conversation, owner=owner, recipient=recipient, phone=number
    )


def _is_french_landline(number: str) -> bool:
    digits = re.sub(r"[\s.\-]", "", number)
    return bool(re.fullmatch(r"(?:\+33|0033|0)[1-59]\d{8}", digits))


def revoke_phone(conversation, owner: TenantProfile, recipient_id=None) -> int:
    shares = PhoneShare.objects.filter(conversation=conversation, owner=owner, revoked_at=None)
    if recipient_id is not None:
        shares = shares.filter(recipient_id=recipient_id)
    return shares.update(revoked_at=timezone.now(), phone="")


def visible_phones(conversation, viewer: TenantProfile) -> dict[int, str]:
    """The numbers shared with ``viewer`` in this conversation: {owner's id: number}."""
    return dict(
        PhoneShare.objects.filter(
            conversation=conversation, recipient=viewer, revoked_at=None
        ).values_list("owner_id", "phone")
    )


def my_shares(conversation, owner: TenantProfile) -> dict[int, PhoneShare]:
    return {
        share.recipient_id: share
        for share in PhoneShare.objects.filter(
            conversation=conversation, owner=owner, revoked_at=None
        )
    }


# --- Reports --------------------------------------------------------------------------------


@transaction.atomic
def report_message(message: Message, reporter: TenantProfile, reason: str = "") -> MessageReport:
    if participant_of(message.conversation, reporter) is None:
        raise ConversationError(_("Cette conversation n’est pas la vôtre."))
    if message.sender_id == reporter.pk:
        raise ConversationError(_("Vous ne pouvez pas signaler votre propre message."))
    existing = MessageReport.objects.filter(
        message=message, reporter=reporter, status=ReportStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    return MessageReport.objects.create(
        message=message,
        conversation=message.conversation,
        reporter=reporter,
        reason=(reason or "").strip()[:500],
    )


def open_reports():
    return MessageReport.objects.filter(status=ReportStatus.OPEN).select_related(
        "message", "conversation"
    )


@transaction.atomic
def close_report(report: MessageReport, user, outcome: str = "") -> None:
    MessageReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
        status=ReportStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=user,
        outcome=(outcome or "").strip()[:500],
    )


def forget_tenant(profile: TenantProfile) -> None:
    """An anonymised tenant: the texts it wrote are blanked, its shared numbers and its
    chosen name forgotten (the conversations stay, with their counts)."""
    Message.objects.filter(sender=profile).exclude(body=PURGED_TEXT).update(body=PURGED_TEXT)
    PhoneShare.objects.filter(Q(owner=profile) | Q(recipient=profile)).exclude(phone="").update(
        phone="", revoked_at=timezone.now()
    )
    MessagingPreferences.objects.filter(tenant=profile).exclude(display_name="").update(
        display_name=""
    )


# --- Retention ------------------------------------------------------------------------------


def sync_open_states() -> None:
    """Record the closing of conversations whose subject ended without a signal (a
    withdrawn request, a dissolved chain): the retention counts from ``closed_at``."""
    for conversation in Conversation.objects.filter(
        purged_at__isnull=True, closed_at__isnull=True
    ).select_related("contact_request__exchange_file"):
        sync_state(conversation)


def ended_before(limit):
    """Conversations closed before ``limit`` whose messages are still there (the
    retention rule's candidates; open ones are never among them)."""
    sync_open_states()
    return Conversation.objects.filter(purged_at__isnull=True, closed_at__lt=limit)


def purge(queryset, now=None) -> int:
    """Blank the messages of these conversations and forget their shared numbers; each
    conversation stays (its households, dates and message count). Idempotent."""
    now = now or timezone.now()
    purged = 0
    for conversation_id in queryset.values_list("pk", flat=True):
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
            if conversation.purged_at is not None:
                continue
            count = conversation.messages.count()
            conversation.messages.update(body=PURGED_TEXT)
            MessageReport.objects.filter(conversation=conversation).update(reason="")
            PhoneShare.objects.filter(conversation=conversation).update(
                phone="", revoked_at=F("revoked_at")
            )
            PhoneShare.objects.filter(conversation=conversation, revoked_at=None).update(
                revoked_at=now
            )
            Conversation.objects.filter(pk=conversation.pk).update(
                purged_at=now, message_count=count
            )
            purged += 1
    return purged
