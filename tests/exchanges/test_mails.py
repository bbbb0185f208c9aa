"""Event mails: who gets what, after commit; texts editable without a deploy."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.mails import validate_template
from bourse.exchanges.models import CalDecision, MailTemplate, Step
from portal.models import OutboundEmail

from .conftest import advance, cal_dates, open_file

TODAY = timezone.localdate()


@pytest.fixture
def outbox(django_capture_on_commit_callbacks):
    """Run ``func`` and return the mails it sent after its transaction committed."""

    def capture(func, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            func(*args, **kwargs)
        return {tuple(m.to): m for m in mail.outbox}

    return capture


TENANT_A = ("locataire-a@locataire.example",)
TENANT_B = ("locataire-b@locataire.example",)
CONTACT1 = ("contact1@a.example", "contact1@b.example")
CONTACT2 = ("contact2@a.example", "contact2@b.example")


def test_file_created_goes_to_contact_1_and_to_each_tenant_alone(dwellings, tenants, outbox):
    sent = outbox(open_file, dwellings, tenants, ("a", "b"))
    assert set(sent) == {CONTACT1, TENANT_A, TENANT_B}
    assert "Nouveau dossier d’échange DE-" in sent[CONTACT1].subject
    assert "/dossiers/" in sent[CONTACT1].body
    tenant_mail = sent[TENANT_A]
    assert "/dossiers/mes-dossiers/" in tenant_mail.body
    # A tenant never sees another tenant's address.
    assert "locataire-b" not in tenant_mail.body and tenant_mail.to == list(TENANT_A)


def test_cal_dates_set_and_changed(file2, agents, outbox):
    advance(file2, Step.INSTRUCTION, agents["a"])
    sent = outbox(
        workflow.perform,
        file2,
        "schedule_cal",
        agents["a"],
        data={"cal_dates": cal_dates(file2, start=TODAY + dt.timedelta(days=10))},
    )
    assert set(sent) == {CONTACT1, TENANT_A, TENANT_B}
    assert "dates de CAL fixées" in sent[CONTACT1].subject
    assert "Bailleur A" in sent[CONTACT1].body
    day = (TODAY + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    assert day in sent[TENANT_A].body
    later = cal_dates(file2, start=TODAY + dt.timedelta(days=12))
    sent = outbox(workflow.perform, file2, "edit_cal_dates", agents["b"], data={"cal_dates": later})
    assert "modifiées" in sent[CONTACT1].subject


def test_attribution_by_every_cal_goes_to_all_landlords(file2, agents, amo, outbox):
    advance(file2, Step.CAL_SCHEDULED, amo)
    party1, party2 = file2.parties.order_by("position")
    decide = {"decision": CalDecision.ATTRIBUTION}
    first = outbox(
        workflow.perform, file2, "record_cal_decision", agents["a"], party=party1, data=decide
    )
    assert first == {}  # one CAL out of two: nothing to announce yet
    sent = outbox(
        workflow.perform, file2, "record_cal_decision", agents["b"], party=party2, data=decide
    )
    landlords = (
        "contact1@a.example",
        "contact2@a.example",
        "contact1@b.example",
        "contact2@b.example",
    )
    assert set(sent) == {landlords, TENANT_A, TENANT_B}
    assert "attribué par les CAL" in sent[landlords].subject


def test_move_period_move_date_and_exchange_done(file2, agents, amo, outbox):
    advance(file2, Step.ATTRIBUTED, amo)
    period = {"start": TODAY, "end": TODAY + dt.timedelta(days=14)}
    sent = outbox(workflow.perform, file2, "set_move_period", agents["a"], data=period)
    assert set(sent) == {CONTACT2, TENANT_A, TENANT_B}
    assert TODAY.strftime("%d/%m/%Y") in sent[TENANT_A].body
    assert "Bailleur A a saisi la période" in sent[CONTACT2].body
    first_date = TODAY + dt.timedelta(days=2)
    sent = outbox(workflow.perform, file2, "set_move_date", agents["b"], data={"date": first_date})
    assert set(sent) == {CONTACT2, TENANT_A, TENANT_B}
    assert "est fixée" in sent[TENANT_A].body
    sent = outbox(workflow.perform, file2, "edit_move_date", agents["b"], data={"date": TODAY})
    assert "a changé" in sent[TENANT_B].body
    sent = outbox(workflow.perform, file2, "set_completion", agents["a"], data={"date": TODAY})
    assert set(sent) == {CONTACT2, TENANT_A, TENANT_B}
    assert "réalisé" in sent[TENANT_A].subject
    assert outbox(workflow.perform, file2, "undo", agents["a"]) == {}


def test_closure_with_reason_and_reopening(file2, agents, tenants, outbox):
    advance(file2, Step.INSTRUCTION, agents["a"])
    sent = outbox(
        workflow.perform, file2, "renounce", tenants["a"], data={"reason": "Raisons familiales"}
    )
    assert set(sent) == {CONTACT1, TENANT_A, TENANT_B}
    assert "Motif : Raisons familiales" in sent[CONTACT1].body
    assert "Vous avez renoncé" in sent[TENANT_A].body
    assert "Vous avez renoncé" not in sent[TENANT_B].body
    assert "Raisons familiales" not in sent[TENANT_B].body
    sent = outbox(workflow.perform, file2, "reopen", agents["b"])
    assert set(sent) == {CONTACT1, TENANT_A, TENANT_B}
    assert "« En instruction »" in sent[CONTACT1].body


def test_closure_after_the_cal_goes_to_contact_1(file2, agents, amo, outbox):
    advance(file2, Step.CAL_SCHEDULED, amo)
    sent = outbox(
        workflow.perform,
        file2,
        "record_cal_decision",
        agents["b"],
        party=file2.parties.get(position=2),
        data={"decision": CalDecision.NON_ATTRIBUTION},
    )
    assert CONTACT1 in sent
    assert "Non-attribution" in sent[CONTACT1].body


def test_closing_after_attribution_goes_to_contact_2(file2, agents, amo, outbox):
    advance(file2, Step.ATTRIBUTED, amo)
    sent = outbox(
        workflow.perform, file2, "close_by_landlord", agents["a"], data={"reason": "Désaccord"}
    )
    assert CONTACT2 in sent


def test_a_stored_text_replaces_the_default(dwellings, tenants, outbox):
    MailTemplate.objects.create(
        key="created_tenants",
        subject="Dossier {{ reference }} ouvert",
        body="Bonjour, votre dossier {{ reference }} ({{ nurs_date }}) est ouvert.",
    )
    sent = outbox(open_file, dwellings, tenants, ("a", "b"))
    assert sent[TENANT_A].subject.startswith("Dossier DE-")
    assert "est ouvert" in sent[TENANT_A].body
    assert "Nouveau dossier" in sent[CONTACT1].subject  # the other texts keep their default


def test_a_broken_stored_text_falls_back_to_the_default(dwellings, tenants, outbox):
    MailTemplate.objects.bulk_create(
        [MailTemplate(key="created_tenants", subject="{% if %}", body="x")]
    )
    sent = outbox(open_file, dwellings, tenants, ("a", "b"))
    assert "est créé" in sent[TENANT_A].subject


@pytest.mark.parametrize(
    "body",
    [
        "{% if reference %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{{ reference|no_such_filter }}",
    ],
)
def test_texts_that_would_not_render_are_refused(db, body):
    with pytest.raises(ValidationError):
        validate_template("created_tenants", "Objet", body)
    with pytest.raises(ValidationError):
        MailTemplate(key="created_tenants", subject="Objet", body=body).full_clean()


def test_the_context_holds_no_objects(dwellings, tenants, outbox):
    MailTemplate.objects.create(
        key="created_landlords",
        subject="x",
        body="[{{ parties.0.number }}|{{ parties.0.delete }}|{{ file }}|{{ request }}]",
    )
    sent = outbox(open_file, dwellings, tenants, ("a", "b"))
    assert "[1|||]" in sent[CONTACT1].body


def test_a_mail_failure_never_loses_the_action(file2, agents, outbox, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.exchanges.test_mails.FailingBackend"}}
    outbox(workflow.perform, file2, "start_pre_instruction", agents["a"])
    file2.refresh_from_db()
    assert file2.step == Step.PRE_INSTRUCTION
    assert OutboundEmail.objects.filter(kind="exchange_created").count() == 3
    assert not OutboundEmail.objects.filter(status="sent").exists()


def test_mails_are_stored_with_the_action_only(file2, agents):
    before = OutboundEmail.objects.count()
    with pytest.raises(workflow.TransitionError):
        workflow.perform(file2, "close_by_landlord", agents["a"], data={"reason": ""})
    assert OutboundEmail.objects.count() == before


def test_no_mail_when_asked(dwellings, tenants, outbox):
    assert outbox(open_file, dwellings, tenants, ("a", "b"), notify=False) == {}


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")

    def open(self):
        pass

    def close(self):
        pass
