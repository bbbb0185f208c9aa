"""Conversation screens: who reaches what (both ways), bad input, flood, escaping, and
a GET that writes nothing (read state by POST)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bourse.conversations import services
from bourse.conversations.models import Message, MessageReport, PhoneShare

pytestmark = pytest.mark.django_db


def url(name, conversation, *args):
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


def test_both_tenants_read_a_third_gets_404(
    client, conversation, tenant, other_tenant, third_tenant
):
    for profile in (tenant, other_tenant):
        client.force_login(profile.user)
        page = client.get(url("detail", conversation))
        assert page.status_code == 200
        assert "Bonjour, votre T3 m’intéresse." in page.content.decode()
    client.force_login(third_tenant.user)
    assert client.get(url("detail", conversation)).status_code == 404
    for name in ("post", "read", "share", "revoke", "block", "unblock"):
        assert (
            client.post(url(name, conversation), {"body": "x", "recipient": 1}).status_code == 404
        )
    assert (
        client.get(reverse("conversations:list")).content.decode().count("Conversation avec") == 0
    )


def test_pseudonyms_only_never_surname_email_phone(client, conversation, tenant, other_tenant):
    client.force_login(other_tenant.user)
    body = client.get(url("detail", conversation)).content.decode()
    assert "Prénom1 N." in body
    for secret in ("Nom1", tenant.user.email, "06 11 22 33 44"):
        assert secret not in body


def test_staff_never_read_a_conversation_except_a_reported_one_amo_only(
    client, conversation, tenant, other_tenant, agent, amo
):
    for user in (agent, amo):
        client.force_login(user)
        assert client.get(url("detail", conversation)).status_code in (403, 404)
    message = services.post_message(conversation, tenant, "Un message insultant")
    report = services.report_message(message, other_tenant, "insulte")
    client.force_login(agent)
    assert client.get(reverse("conversations:staff_reports")).status_code == 403
    assert client.get(reverse("conversations:staff_report", args=[report.pk])).status_code == 403
    client.force_login(amo)
    listing = client.get(reverse("conversations:staff_reports"))
    assert listing.status_code == 200 and "insulte" in listing.content.decode()
    page = client.get(reverse("conversations:staff_report", args=[report.pk]))
    assert "Un message insultant" in page.content.decode()
    client.post(reverse("conversations:staff_report", args=[report.pk]), {"outcome": "ok"})
    assert MessageReport.objects.get().status == "closed"


def test_post_masks_warns_and_escapes(client, conversation, tenant, other_tenant):
    client.force_login(tenant.user)
    page = client.get(url("detail", conversation)).content.decode()
    assert "seront masqués" in page  # told before sending
    answer = client.post(
        url("post", conversation), {"body": "<b>Salut</b> 06 12 34 56 78"}, follow=True
    )
    body = answer.content.decode()
    assert "nous avons masqué 1 numéro de téléphone" in body
    assert "&lt;b&gt;Salut&lt;/b&gt; [numéro masqué]" in body
    assert "<b>Salut</b>" not in body
    assert Message.objects.last().body == "<b>Salut</b> [numéro masqué]"


@pytest.mark.parametrize(("text", "error"), [("", "Écrivez"), ("x" * 5001, "5 000")])
def test_bad_input_answers_400_and_stores_nothing(client, conversation, tenant, text, error):
    client.force_login(tenant.user)
    before = Message.objects.count()
    answer = client.post(url("post", conversation), {"body": text})
    assert answer.status_code == 400
    assert error in answer.content.decode()
    assert Message.objects.count() == before


def test_flood_is_rate_limited_per_sender(client, conversation, tenant, settings):
    settings.CONVERSATION_MESSAGE_RATE = "3/m"
    client.force_login(tenant.user)
    for n in range(3):
        assert client.post(url("post", conversation), {"body": f"Message {n}"}).status_code == 302
    answer = client.post(url("post", conversation), {"body": "Encore"})
    assert answer.status_code == 429
    assert "beaucoup de messages" in answer.content.decode()
    assert not Message.objects.filter(body="Encore").exists()


def test_get_writes_nothing_and_read_is_a_post(client, conversation, tenant, other_tenant):
    services.post_message(conversation, tenant, "Nouveau")
    client.force_login(other_tenant.user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url("detail", conversation))
        client.get(reverse("conversations:list"))
        client.get(reverse("tenants:dashboard"))
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "Marquer comme lu" in page.content.decode()
    assert services.unread_count(other_tenant) == 2
    last = conversation.messages.last().pk
    answer = client.post(url("read", conversation), {"upto": last}, HTTP_X_REQUESTED_WITH="fetch")
    assert answer.status_code == 204
    assert services.unread_count(other_tenant) == 0


def test_unread_count_in_the_header_and_dashboard(client, conversation, tenant, other_tenant):
    services.post_message(conversation, tenant, "Nouveau")
    client.force_login(other_tenant.user)
    body = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Vous avez 2 messages non lus." in body
    assert 'href="/locataire/conversations/"' in body


def test_share_number_on_purpose_the_other_sees_it(client, conversation, tenant, other_tenant):
    client.force_login(other_tenant.user)
    assert "06 11 22 33 44" not in client.get(url("detail", conversation)).content.decode()
    client.force_login(tenant.user)
    seat = conversation.participants.get(tenant=other_tenant)
    client.post(url("share", conversation), {"recipient": seat.pk})
    share = PhoneShare.objects.get()
    assert (share.owner, share.recipient) == (tenant, other_tenant)
    client.force_login(other_tenant.user)
    assert "06 11 22 33 44" in client.get(url("detail", conversation)).content.decode()
    client.force_login(tenant.user)
    client.post(url("revoke", conversation), {"recipient": seat.pk})
    client.force_login(other_tenant.user)
    assert "06 11 22 33 44" not in client.get(url("detail", conversation)).content.decode()


def test_report_and_block_from_the_page(client, conversation, tenant, other_tenant):
    message = services.post_message(conversation, tenant, "Déplacé")
    client.force_login(other_tenant.user)
    client.post(url("report", conversation, message.pk), {"reason": "grossier"})
    assert MessageReport.objects.get().reason == "grossier"
    seat = conversation.participants.get(tenant=tenant)
    client.post(url("block", conversation), {"household": seat.pk})
    client.force_login(tenant.user)
    answer = client.post(url("post", conversation), {"body": "Bonjour ?"})
    assert answer.status_code == 400
    assert not Message.objects.filter(body="Bonjour ?").exists()


def test_preferences_refuse_digits_in_the_display_name(client, tenant):
    client.force_login(tenant.user)
    answer = client.post(
        reverse("conversations:preferences"), {"display_name": "Appelez 0612345678"}
    )
    assert answer.status_code == 400
    client.post(reverse("conversations:preferences"), {"display_name": "Famille M."})
    assert services.pseudonym(type(tenant).objects.get(pk=tenant.pk)) == "Famille M."
