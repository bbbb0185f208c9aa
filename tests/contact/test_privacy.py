"""The support team's address never reaches a tenant (DESIGN 3.4)."""

import pytest
from django.core import mail

from bourse.contact import services
from bourse.contact.models import ContactMessage

from .conftest import SUPPORT_INBOX, TENANT_EMAIL, form_data

pytestmark = pytest.mark.django_db
SUPPORT_LOCAL_PART = SUPPORT_INBOX.split("@")[0]


def _tenant_mails():
    return [m for m in mail.outbox if TENANT_EMAIL in m.recipients()]


def _assert_clean(message):
    raw = message.message().as_string()
    for text in (raw, message.body, message.subject, message.from_email, *message.reply_to):
        assert SUPPORT_INBOX not in text
        assert SUPPORT_LOCAL_PART not in text
    assert not message.cc and not message.bcc


@pytest.mark.parametrize(
    "changes",
    [
        {"topic": "bug"},  # technical: support inbox
        {"topic": "eligibilite"},  # tenant file: landlord
        {"sender_kind": "locataire_non_inscrit", "topic": "connexion"},
        {"landlord": "inconnu"},  # to investigate
    ],
)
def test_nothing_a_tenant_receives_or_sees_shows_the_support_address(
    client, landlord, dwelling, support_user, django_capture_on_commit_callbacks, changes
):
    data = form_data(landlord=str(landlord.pk))
    data.update(changes)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", data)
    pages = [client.get("/contact/").content.decode(), client.get(response["Location"])]
    message = ContactMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(message, support_user, "Voici la réponse à votre question.")
    tenant_mails = _tenant_mails()
    assert len(tenant_mails) == 2  # acknowledgement + reply
    for sent in tenant_mails:
        _assert_clean(sent)
        assert sent.from_email == "Echanger Habiter <nepasrepondre@echangerhabiter.example>"
    for page in pages:
        html = page if isinstance(page, str) else page.content.decode()
        assert SUPPORT_INBOX not in html and SUPPORT_LOCAL_PART not in html
    # Staff-only mails do use it where it belongs.
    staff_mails = [m for m in mail.outbox if TENANT_EMAIL not in m.recipients()]
    assert staff_mails


def test_the_landlord_answers_the_tenant_directly(
    client, landlord, dwelling, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contact/", form_data(landlord=str(landlord.pk)))
    forward = next(m for m in mail.outbox if "gestion@ssdh.example" in m.to)
    assert forward.reply_to == [TENANT_EMAIL]
    assert "ne pas lui communiquer les coordonnées" in forward.body
