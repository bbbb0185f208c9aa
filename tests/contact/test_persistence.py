"""Nothing is lost: the message is stored and confirmed whatever happens to mail."""

import time

import pytest
from django.core import mail

from bourse.contact.models import ContactMessage, Status
from portal.models import OutboundEmail
from portal.tasks import resend_pending_emails
from tests.celery_utils import unreachable_broker

from .conftest import TENANT_EMAIL, form_data

pytestmark = pytest.mark.django_db


class BrokenBackend:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur SMTP injoignable")


def _submit_and_confirm(client, landlord, capture):
    with capture(execute=True):
        response = client.post("/contact/", form_data(landlord=str(landlord.pk)))
    assert response.status_code == 302
    message = ContactMessage.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert message.reference in page.content.decode()
    return message


def test_mail_server_down(client, settings, landlord, dwelling, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.test_persistence.BrokenBackend"}}
    message = _submit_and_confirm(client, landlord, django_capture_on_commit_callbacks)
    assert message.status == Status.FORWARDED
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    assert pending.count() == 2  # forward to the landlord + acknowledgement
    assert all("injoignable" in e.last_error for e in pending)
    assert mail.outbox == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert resend_pending_emails(older_than_minutes=0) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["gestion@ssdh.example", TENANT_EMAIL]
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()


def test_broker_unreachable(client, landlord, dwelling, django_capture_on_commit_callbacks):
    with unreachable_broker():
        started = time.monotonic()
        message = _submit_and_confirm(client, landlord, django_capture_on_commit_callbacks)
        assert time.monotonic() - started < 30
    assert message.status == Status.FORWARDED
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 2
    assert mail.outbox == []
    assert resend_pending_emails(older_than_minutes=0) == 2
    assert len(mail.outbox) == 2
