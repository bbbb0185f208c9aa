"""Mails are stored first, sent after commit, retried, never lost."""

import os
import time

import pytest
from django.core import mail
from django.db import transaction

from portal.mail import queue_email
from portal.models import OutboundEmail
from portal.tasks import resend_pending_emails
from tests.celery_utils import unreachable_broker

pytestmark = pytest.mark.django_db


class BrokenBackend:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur SMTP injoignable")


def queue(**kwargs):
    return queue_email(
        to=kwargs.pop("to", ["locataire@example.org"]),
        subject=kwargs.pop("subject", "Votre demande"),
        body=kwargs.pop("body", "Bonjour"),
        **kwargs,
    )


def test_mail_leaves_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email = queue()
            assert len(mail.outbox) == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue()
            raise RuntimeError
    assert mail.outbox == [] and OutboundEmail.objects.count() == 0


def test_header_injection_is_flattened(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(subject="Bonjour\r\nBcc: victime@example.org")
    assert mail.outbox[0].subject == "Bonjour Bcc: victime@example.org"
    assert "victime@example.org" not in mail.outbox[0].recipients()


def test_mail_server_down_keeps_the_mail_then_resend_job_sends_it(
    settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.portal.test_mail.BrokenBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "injoignable" in email.last_error
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert resend_pending_emails(older_than_minutes=0) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert resend_pending_emails(older_than_minutes=0) == 0  # idempotent


def test_broker_down_keeps_the_mail_pending(django_capture_on_commit_callbacks):
    with unreachable_broker():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            email = queue()
        assert time.monotonic() - started < 30
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert resend_pending_emails(older_than_minutes=0) == 1
    assert len(mail.outbox) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis broker")
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_delivers_the_mail():
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            email = queue()  # autocommit: dispatched at once
            for _ in range(100):
                email.refresh_from_db()
                if email.status == OutboundEmail.Status.SENT:
                    break
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = saved
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
