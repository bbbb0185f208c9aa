"""Conversations, rule by rule (issue 17): one per contact request, open while the request
and its file are, pseudonyms, messages (masked, bad input), read state and unread counts,
the notice throttle (mail, SMS), numbers shared on purpose, reports, blocks, retention."""

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from bourse.conversations import services
from bourse.conversations.models import (
    Conversation,
    HouseholdBlock,
    Message,
    MessageReport,
    MessagingPreferences,
    PhoneShare,
)
from bourse.privacy import retention
from bourse.tenants import contacts, sms
from bourse.tenants.models import ContactStatus, OutboundSms
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def mails(kind="conversation_message"):
    return list(OutboundEmail.objects.filter(kind=kind).order_by("pk"))


# --- One conversation per request ---------------------------------------------------------


def test_a_request_opens_its_conversation_with_its_message_and_answer(
    tenant, other_tenant, request_obj
):
    conversation = Conversation.objects.get(contact_request=request_obj)
    assert conversation.subject_key == f"request:{request_obj.pk}"
    assert {p.tenant_id for p in conversation.participants.all()} == {tenant.pk, other_tenant.pk}
    assert [m.body for m in conversation.messages.all()] == ["Bonjour, votre T3 m’intéresse."]
    assert services.unread_count(other_tenant) == 1
    contacts.answer(request_obj, other_tenant, True, "Avec plaisir !")
    assert [m.body for m in conversation.messages.all()][-1] == "Avec plaisir !"
    assert Conversation.objects.count() == 1
    # Each one's own message is read: the receiver read the request by answering it.
    assert services.unread_count(tenant) == 1
    assert services.unread_count(other_tenant) == 0


def test_pseudonym_is_first_name_and_initial_or_a_chosen_name(tenant):
    assert services.pseudonym(tenant) == "Prénom1 N."
    MessagingPreferences.objects.create(tenant=tenant, display_name="Famille du 3e")
    tenant.refresh_from_db()
    assert services.pseudonym(tenant) == "Famille du 3e"
    assert "Nom1" not in services.pseudonym(tenant)


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (ContactStatus.PENDING, True),
        (ContactStatus.ACCEPTED, True),
        (ContactStatus.DECLINED, False),
        (ContactStatus.WITHDRAWN, False),
    ],
)
def test_open_while_the_request_is_pending_or_accepted(conversation, request_obj, status, is_open):
    request_obj.status = status
    request_obj.answered_at = timezone.now()
    request_obj.save()
    conversation.refresh_from_db()
    assert services.is_open(conversation) is is_open
    assert (conversation.closed_at is None) is is_open


def test_declined_conversation_is_read_only(conversation, request_obj, other_tenant, tenant):
    contacts.answer(request_obj, other_tenant, False, "Non merci")
    conversation.refresh_from_db()
    with pytest.raises(services.ConversationError, match="close"):
        services.post_message(conversation, tenant, "Et pourquoi ?")


# --- Messages -----------------------------------------------------------------------------------


def test_message_masked_stored_as_text_and_notified(conversation, tenant, other_tenant):
    message = services.post_message(
        conversation, tenant, "<script>alert(1)</script> Mon 06 12 34 56 78, a.b@free.fr"
    )
    message.refresh_from_db()
    assert message.body == "<script>alert(1)</script> Mon [numéro masqué], [adresse masquée]"
    assert message.masked == 2
    (mail,) = mails()
    assert mail.to == [other_tenant.user.email]
    assert mail.subject == "Vous avez un nouveau message de Prénom1 N."
    assert f"/locataire/conversations/{conversation.pk}/" in mail.body
    assert "[numéro masqué]" in mail.body and "56 78" not in mail.body
    assert tenant.user.email not in mail.body and "Nom1" not in mail.body


@pytest.mark.parametrize(
    ("text", "error"), [("", "Écrivez"), ("   \n ", "Écrivez"), ("x" * 5001, "5 000")]
)
def test_bad_messages_are_refused_and_nothing_is_stored(conversation, tenant, text, error):
    before = Message.objects.count()
    with pytest.raises(services.ConversationError, match=error):
        services.post_message(conversation, tenant, text)
    assert Message.objects.count() == before


def test_a_third_tenant_cannot_write(conversation, third_tenant):
    with pytest.raises(services.ConversationError):
        services.post_message(conversation, third_tenant, "Bonjour")


def test_mark_read_never_beyond_what_was_shown(conversation, tenant, other_tenant):
    first = services.post_message(conversation, tenant, "Un")
    services.post_message(conversation, tenant, "Deux")
    assert services.unread_count(other_tenant) == 3  # the request's message too
    services.mark_read(conversation, other_tenant, first.pk)
    assert services.unread_count(other_tenant) == 1
    services.mark_read(conversation, other_tenant, 10**9)
    assert services.unread_count(other_tenant) == 0
    services.mark_read(conversation, other_tenant, first.pk)  # never backwards
    assert services.unread_count(other_tenant) == 0


# --- Notices: the throttle ---------------------------------------------------------------------


def test_one_mail_per_conversation_per_period_while_unread(
    conversation, tenant, other_tenant, settings
):
    settings.CONVERSATION_NOTICE_HOURS = 3
    now = timezone.now()
    services.post_message(conversation, tenant, "Un", now=now)
    services.post_message(conversation, tenant, "Deux", now=now + timedelta(hours=1))
    assert len(mails()) == 1
    # Still unread 3 hours after the notice: a new message is told again.
    services.post_message(conversation, tenant, "Trois", now=now + timedelta(hours=3))
    assert len(mails()) == 2
    # Read since the last notice: the next message is told at once.
    services.mark_read(conversation, other_tenant, now=now + timedelta(hours=3, minutes=5))
    services.post_message(conversation, tenant, "Quatre", now=now + timedelta(hours=3, minutes=10))
    assert len(mails()) == 3
    assert all(m.to == [other_tenant.user.email] for m in mails())


def test_mail_without_the_text_when_the_recipient_chose_so(conversation, tenant, other_tenant):
    MessagingPreferences.objects.create(tenant=other_tenant, mail_with_text=False)
    services.post_message(conversation, tenant, "Texte très personnel")
    (mail,) = mails()
    assert "Texte très personnel" not in mail.body
    assert "nouveau message de Prénom1 N." in mail.body


def test_sms_only_for_tenants_who_opted_in(conversation, tenant, other_tenant):
    sms.outbox.clear()
    services.post_message(conversation, tenant, "Un")
    assert not OutboundSms.objects.exists()
    other_tenant.alert_sms = True
    other_tenant.alert_sms_consented_at = timezone.now()
    other_tenant.save()
    seat = conversation.participants.get(tenant=other_tenant)
    seat.last_notified_at = None
    seat.save()
    services.post_message(conversation, tenant, "Deux 06 12 34 56 78")
    (text,) = OutboundSms.objects.all()
    assert text.to == "+33611223344"
    assert "Prénom1 N." in text.body and "56 78" not in text.body


# --- Sharing a number ----------------------------------------------------------------------------


def test_share_and_revoke_a_number(conversation, tenant, other_tenant, third_tenant):
    assert services.visible_phones(conversation, other_tenant) == {}
    share = services.share_phone(conversation, tenant, other_tenant)
    assert (share.owner, share.recipient, share.phone) == (tenant, other_tenant, "06 11 22 33 44")
    assert share.shared_at is not None
    assert services.visible_phones(conversation, other_tenant) == {tenant.pk: "06 11 22 33 44"}
    assert services.visible_phones(conversation, tenant) == {}  # one way only
    with pytest.raises(services.ConversationError):
        services.share_phone(conversation, tenant, third_tenant)
    services.revoke_phone(conversation, tenant, other_tenant.pk)
    assert services.visible_phones(conversation, other_tenant) == {}
    share.refresh_from_db()
    assert share.revoked_at is not None and share.phone == ""


def test_share_refuses_a_bad_number(conversation, tenant, other_tenant):
    tenant.phone = ""
    tenant.save()
    with pytest.raises(services.ConversationError, match="valide"):
        services.share_phone(conversation, tenant, other_tenant, "12")
    assert services.share_phone(conversation, tenant, other_tenant, "01 45 67 89 10").phone


# --- Reports and blocks ---------------------------------------------------------------------------


def test_report_a_message_goes_to_the_queue_once(conversation, tenant, other_tenant):
    message = services.post_message(conversation, tenant, "Message déplacé")
    with pytest.raises(services.ConversationError):
        services.report_message(message, tenant)  # one's own
    report = services.report_message(message, other_tenant, "insultant")
    assert services.report_message(message, other_tenant) == report
    assert list(services.open_reports()) == [report]
    services.close_report(report, None, "averti")
    assert not services.open_reports().exists()


def test_block_stops_messages_both_ways_and_new_requests(
    conversation, request_obj, tenant, other_tenant
):
    services.share_phone(conversation, other_tenant, tenant)
    services.block(conversation, other_tenant, tenant)
    assert HouseholdBlock.objects.filter(blocker=other_tenant, blocked=tenant).exists()
    assert services.visible_phones(conversation, tenant) == {}  # its share withdrawn
    with pytest.raises(services.ConversationError, match="blocage"):
        services.post_message(conversation, tenant, "Bonjour ?")
    with pytest.raises(services.ConversationError, match="blocage"):
        services.post_message(conversation, other_tenant, "Bonjour ?")
    contacts.withdraw(request_obj, tenant)
    assert contacts.contact_refusal(tenant, other_tenant.listing)
    with pytest.raises(contacts.ContactError):
        contacts.send_request(tenant, other_tenant.listing, "Encore moi")
    with pytest.raises(contacts.ContactError):
        contacts.send_request(other_tenant, tenant.listing, "Dans l’autre sens")
    services.unblock(other_tenant, tenant)
    assert contacts.contact_refusal(tenant, other_tenant.listing) is None


# --- Retention ------------------------------------------------------------------------------------


def purge_on(day):
    """The daily retention job's conversation rule, run on ``day`` (Paris)."""
    rule = retention.RULES_BY_KEY["conversations"]
    return rule.apply(rule.candidates(retention.cutoff(rule.months, day)))


def test_purge_on_the_edge_day_and_idempotent(
    conversation, request_obj, tenant, other_tenant, settings
):
    settings.RETENTION_CONVERSATION_MONTHS = 12
    services.post_message(conversation, tenant, "Mon adresse : 12 rue des Lilas")
    services.share_phone(conversation, tenant, other_tenant)
    services.report_message(conversation.messages.last(), other_tenant, "motif")
    contacts.withdraw(request_obj, tenant)
    Conversation.objects.filter(pk=conversation.pk).update(
        closed_at=timezone.make_aware(dt.datetime(2025, 3, 14, 18, 30))
    )
    assert purge_on(dt.date(2026, 3, 13)) == 0  # the day before: kept
    assert Message.objects.filter(conversation=conversation).exclude(body="").count() == 2
    assert purge_on(dt.date(2026, 3, 14)) == 1  # twelve months after the day it closed
    conversation.refresh_from_db()
    assert conversation.purged_at is not None and conversation.message_count == 2
    assert set(conversation.messages.values_list("body", flat=True)) == {""}
    assert not PhoneShare.objects.exclude(phone="").exists()
    assert set(MessageReport.objects.values_list("reason", flat=True)) == {""}
    assert purge_on(dt.date(2026, 6, 1)) == 0  # idempotent
    # The shell stays: counted, read-only.
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    assert not services.is_open(conversation)


def test_a_withdrawal_without_signal_is_seen_by_the_job(conversation, request_obj):
    ContactRequestModel = type(request_obj)
    ContactRequestModel.objects.filter(pk=request_obj.pk).update(status=ContactStatus.WITHDRAWN)
    assert services.ended_before(timezone.now() + timedelta(days=1)).count() == 1
    conversation.refresh_from_db()
    assert conversation.closed_at is not None


def test_open_conversations_are_never_purged(conversation, tenant):
    services.post_message(conversation, tenant, "Toujours là")
    assert purge_on(timezone.localdate() + timedelta(days=3000)) == 0
    assert conversation.messages.exclude(body="").count() == 2


def test_anonymisation_blanks_the_tenant_texts_and_shares(conversation, tenant, other_tenant, amo):
    from bourse.tenants import services as tenant_services

    services.post_message(conversation, tenant, "Mon texte")
    services.share_phone(conversation, tenant, other_tenant)
    tenant_services.anonymise(tenant, amo)
    assert not Message.objects.filter(sender=tenant).exclude(body="").exists()
    assert services.visible_phones(conversation, other_tenant) == {}
    assert services.pseudonym(type(tenant).objects.get(pk=tenant.pk)) == "Ménage anonymisé"
