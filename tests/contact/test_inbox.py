"""The support inbox (Wagtail admin) and the landlord staff's view; permissions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from bourse.contact import services
from bourse.contact.models import ContactEvent, ContactMessage, Status
from bourse.factories import UserFactory
from bourse.models import StaffProfile, StaffRole

from .conftest import EDITOR, NO_REPLY, SUPPORT_FROM, TENANT_EMAIL

pytestmark = pytest.mark.django_db
INBOX = "/admin/messages-de-contact/"
LANDLORD_AREA = "/contact/espace-bailleur/"


def submit(**changes):
    values = {
        "sender_kind": "locataire_inscrit",
        "name": "Awa Diallo",
        "email": TENANT_EMAIL,
        "topic": "eligibilite",
        "body": "Pourquoi suis-je inéligible ?",
        "tenant_reference": "LOC-42",
    }
    values.update(changes)
    return services.submit(**values)


def detail(message):
    return f"{INBOX}inspect/{message.pk}/"


@pytest.fixture
def messages_(landlord, other_landlord, dwelling, landlord_admin, other_agent):
    return {
        "forwarded": submit(landlord=landlord),
        "other": submit(landlord=other_landlord),
        "technical": submit(landlord=landlord, topic="bug"),
        "unknown": submit(landlord=None),
    }


# --- Support inbox -------------------------------------------------------------


def test_support_sees_every_message_with_filters(client, support_user, messages_):
    client.force_login(support_user)
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    for message in messages_.values():
        assert message.reference in html
    html = client.get(INBOX, {"status": Status.NEW}).content.decode()
    assert messages_["technical"].reference in html
    assert messages_["forwarded"].reference not in html
    html = client.get(INBOX, {"to_investigate": "true"}).content.decode()
    assert messages_["unknown"].reference in html
    assert messages_["technical"].reference not in html


def test_age_and_handler_filters(client, support_user, messages_):
    old = messages_["technical"]
    ContactMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    services.add_note(messages_["unknown"], support_user, "Je regarde.")
    client.force_login(support_user)
    html = client.get(INBOX, {"age": "vieux"}).content.decode()
    assert old.reference in html and messages_["unknown"].reference not in html
    html = client.get(INBOX, {"age": "2j"}).content.decode()
    assert old.reference not in html and messages_["unknown"].reference in html
    html = client.get(INBOX, {"handled_by": support_user.pk}).content.decode()
    assert messages_["unknown"].reference in html and old.reference not in html


def test_a_super_admin_profile_has_the_inbox(client, messages_):
    user = UserFactory(username="amo", email="", password="x", is_staff=True)
    StaffProfile.objects.create(user=user, role=StaffRole.SUPER_ADMIN)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(INBOX).status_code == 200
    assert client.get(detail(messages_["other"])).status_code == 200


def test_reply_goes_from_the_no_reply_address(
    client, support_user, messages_, django_capture_on_commit_callbacks
):
    message = messages_["technical"]
    mail.outbox.clear()
    client.force_login(support_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail(message), {"action": "reply", "reply-text": "Videz le cache du navigateur."}
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.handled_by == support_user
    assert message.answered_at and message.handled_at
    (sent,) = mail.outbox
    assert sent.to == [TENANT_EMAIL] and sent.from_email == NO_REPLY and sent.reply_to == []
    assert "Videz le cache" in sent.body and message.reference in sent.subject


def test_escalation_to_the_editor_keeps_the_thread(
    client, support_user, messages_, django_capture_on_commit_callbacks
):
    message = messages_["technical"]
    client.force_login(support_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail(message), {"action": "note", "note-text": "Reproduit sous Firefox."})
        mail.outbox.clear()
        client.post(
            detail(message), {"action": "escalate", "escalate-text": "Bug d’affichage à corriger."}
        )
    message.refresh_from_db()
    assert message.status == Status.ESCALATED and message.escalated_at
    (sent,) = mail.outbox
    assert sent.to == [EDITOR] and sent.from_email == SUPPORT_FROM
    assert "Bug d’affichage" in sent.body
    assert "Pourquoi suis-je inéligible ?" in sent.body  # the original message
    assert "Reproduit sous Firefox." in sent.body  # the thread so far
    kinds = list(message.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["note", "escalade"]


def test_forward_a_message_to_investigate_to_a_chosen_landlord(
    client, support_user, messages_, landlord, django_capture_on_commit_callbacks
):
    message = messages_["unknown"]
    assert message.to_investigate
    mail.outbox.clear()
    client.force_login(support_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail(message),
            {"action": "forward", "forward-landlord": landlord.pk, "forward-text": "Pour vous."},
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.FORWARDED and not message.to_investigate
    assert message.landlord == landlord and message.dwelling is not None
    (sent,) = mail.outbox
    assert sent.to == ["gestion@ssdh.example"] and sent.from_email == SUPPORT_FROM
    assert "Pour vous." in sent.body


def test_invalid_action_form_shows_errors(client, support_user, messages_):
    client.force_login(support_user)
    response = client.post(detail(messages_["technical"]), {"action": "reply", "reply-text": ""})
    assert response.status_code == 400
    assert messages_["technical"].events.filter(kind=ContactEvent.Kind.REPLIED).count() == 0


def test_close(client, support_user, messages_):
    client.force_login(support_user)
    client.post(detail(messages_["technical"]), {"action": "close", "close-text": ""})
    messages_["technical"].refresh_from_db()
    assert messages_["technical"].status == Status.CLOSED


def test_no_create_edit_or_delete_in_the_admin(client, support_user, messages_):
    client.force_login(support_user)
    pk = messages_["technical"].pk
    for url in (f"{INBOX}new/", f"{INBOX}edit/{pk}/", f"{INBOX}delete/{pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert ContactMessage.objects.filter(pk=pk).exists()


# --- Who cannot reach the inbox --------------------------------------------------


def test_anonymous_visitors_cannot_reach_the_inbox(client, messages_):
    assert client.get(INBOX).status_code == 302
    assert client.get(detail(messages_["technical"])).status_code == 302
    response = client.get(LANDLORD_AREA)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/?next=")


def test_a_tenant_or_plain_user_cannot_reach_the_inbox(client, messages_):
    user = UserFactory(username="locataire", email=TENANT_EMAIL, password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(INBOX).status_code in (302, 403, 404)
    assert client.get(detail(messages_["technical"])).status_code in (302, 403, 404)
    response = client.post(
        detail(messages_["technical"]), {"action": "reply", "reply-text": "pirate"}
    )
    assert response.status_code in (302, 403, 404)
    assert client.get(LANDLORD_AREA).status_code == 403
    assert client.get(f"{LANDLORD_AREA}{messages_['forwarded'].pk}/").status_code == 403


def test_landlord_staff_cannot_use_the_support_inbox(client, agent, messages_):
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(agent)
    assert client.get(INBOX).status_code in (302, 403, 404)
    assert client.get(detail(messages_["forwarded"])).status_code in (302, 403, 404)


# --- Landlord staff -------------------------------------------------------------


def test_landlord_staff_see_only_what_was_forwarded_to_them(client, agent, other_agent, messages_):
    client.force_login(agent)
    html = client.get(LANDLORD_AREA).content.decode()
    assert messages_["forwarded"].reference in html
    assert messages_["other"].reference not in html  # another landlord's
    assert messages_["technical"].reference not in html  # their landlord, but not forwarded
    assert messages_["unknown"].reference not in html
    for key in ("other", "technical", "unknown"):
        assert client.get(f"{LANDLORD_AREA}{messages_[key].pk}/").status_code == 404

    client.force_login(other_agent)
    html = client.get(LANDLORD_AREA).content.decode()
    assert messages_["other"].reference in html
    assert messages_["forwarded"].reference not in html
    assert client.get(f"{LANDLORD_AREA}{messages_['forwarded'].pk}/").status_code == 404


def test_landlord_staff_mark_a_message_answered(client, agent, other_agent, messages_):
    message = messages_["forwarded"]
    url = f"{LANDLORD_AREA}{message.pk}/"
    client.force_login(other_agent)
    assert client.post(url, {"answered-text": "x"}).status_code == 404
    client.force_login(agent)
    page = client.get(url).content.decode()
    assert "Pourquoi suis-je inéligible ?" in page and "J’ai répondu au locataire" in page
    response = client.post(url, {"answered-text": "Appelé le locataire."})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.ANSWERED and message.handled_by == agent
    assert client.post(url, {"answered-text": ""}).status_code == 403  # already answered
    html = client.get(LANDLORD_AREA, {"statut": Status.ANSWERED}).content.decode()
    assert message.reference in html


def test_landlord_staff_do_not_see_internal_notes(client, agent, support_user, messages_):
    message = messages_["forwarded"]
    services.add_note(message, support_user, "Note confidentielle du support")
    client.force_login(agent)
    html = client.get(f"{LANDLORD_AREA}{message.pk}/").content.decode()
    assert "Note confidentielle" not in html
