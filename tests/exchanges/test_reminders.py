"""Daily reminders: contacts 1 and 2, once a week per file and alert, logged; the
inactivity closure job."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bourse.exchanges import reminders
from bourse.exchanges.models import Alert, ExchangeFile, ReminderLog, Step
from bourse.exchanges.tasks import daily_exchange_jobs
from bourse.factories import DwellingFactory

from .conftest import open_file

TODAY = timezone.localdate()


def ago(days, base=TODAY):
    return base - dt.timedelta(days=days)


def file_at(landlords, tenants, step, slug, **dates):
    dwellings = {
        "a": DwellingFactory(
            landlord=landlords["a"], insee="93048", slug="a", commune_contingent=True
        ),
        "b": DwellingFactory(
            landlord=landlords["b"], insee="75111", slug="b", commune_contingent=True
        ),
    }
    file = open_file(dwellings, tenants, ("a", "b"), notify=False, nurs_date=ago(60))
    ExchangeFile.objects.filter(pk=file.pk).update(step=step, **dates)
    file.refresh_from_db()
    return file


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(today=TODAY):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = reminders.send_reminders(today=today)
        return result

    return go


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_alerts_1_and_2_go_to_contact_1(landlords, tenants, run):
    pre = file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(22))
    ins = file_at(landlords, tenants, Step.INSTRUCTION, "y", nurs_date=ago(30))
    result = run()
    assert (result.reminders, result.files, result.mails) == (2, 2, 2)
    assert recipients() == ["contact1@a.example", "contact1@b.example"]
    body = mail.outbox[0].body
    assert pre.reference in body and ins.reference in body
    assert "1. Pré-instruction plus de 3 semaines" in body
    assert "2. Instruction plus de 3 semaines" in body
    assert f"/dossiers/{pre.pk}/" in body
    logs = ReminderLog.objects.order_by("alert")
    assert [(log.file_id, log.alert, log.contact) for log in logs] == [
        (pre.pk, 1, "contact1"),
        (ins.pk, 2, "contact1"),
    ]
    assert logs[0].recipients == ["contact1@a.example", "contact1@b.example"]
    assert logs[0].sent_on == TODAY


def test_alerts_3_to_5_go_to_contact_2(landlords, tenants, run):
    attributed = file_at(landlords, tenants, Step.ATTRIBUTED, "x", attributed_on=ago(22))
    moved = file_at(
        landlords,
        tenants,
        Step.MOVE_SCHEDULED,
        "y",
        attributed_on=ago(30),
        move_date=ago(1),
        move_period_start=ago(5),
        move_period_end=ago(0),
    )
    result = run()
    assert result.reminders == 3  # alerts 3 and 4 for the first file, 5 for the second
    assert recipients() == ["contact2@a.example", "contact2@b.example"]
    assert sorted(ReminderLog.objects.values_list("file_id", "alert")) == sorted(
        [(attributed.pk, 3), (attributed.pk, 4), (moved.pk, 5)]
    )
    assert "3 dossiers d’échange en alerte" in mail.outbox[0].subject


def test_running_twice_the_same_day_sends_nothing_more(landlords, tenants, run):
    file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(40))
    first = run()
    assert first.mails == 2
    again = run()
    assert (again.reminders, again.mails) == (0, 0)
    assert mail.outbox == []
    assert ReminderLog.objects.count() == 1


def test_at_most_once_a_week_per_file_and_alert(landlords, tenants, run):
    file = file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(40))
    run(TODAY)
    for day in range(1, 7):
        assert run(TODAY + dt.timedelta(days=day)).reminders == 0
    week_later = run(TODAY + dt.timedelta(days=7))
    assert week_later.reminders == 1 and week_later.mails == 2
    assert list(ReminderLog.objects.filter(file=file).values_list("sent_on", flat=True)) == [
        TODAY + dt.timedelta(days=7),
        TODAY,
    ]
    # A new alert on the same file is not throttled by the old one.
    ExchangeFile.objects.filter(pk=file.pk).update(step=Step.INSTRUCTION)
    assert run(TODAY + dt.timedelta(days=8)).reminders == 1


def test_files_without_alert_get_no_reminder(landlords, tenants, run):
    file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(21))
    file_at(landlords, tenants, Step.CAL_SCHEDULED, "y", nurs_date=ago(90))
    file_at(landlords, tenants, Step.CLOSED_BY_LANDLORD, "z", nurs_date=ago(90))
    assert run().reminders == 0
    assert mail.outbox == []


def test_the_landlord_address_stands_in_for_an_empty_contact(landlords, tenants, run):
    landlords["a"].contact_email = "echanges@a.example"
    landlords["a"].save()
    file = file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(40))
    file.parties.get(position=1).dwelling_left.__class__.objects.filter(
        landlord=landlords["a"]
    ).update(contact1_email="")
    run()
    assert recipients() == ["contact1@b.example", "echanges@a.example"]


def test_a_long_list_is_cut(landlords, tenants, run, monkeypatch):
    monkeypatch.setattr(reminders, "MAX_ITEMS_PER_MAIL", 2)
    for n in range(3):
        file_at(landlords, tenants, Step.PRE_INSTRUCTION, f"f{n}", nurs_date=ago(40))
    run()
    assert "… et 1 autre" in mail.outbox[0].body
    assert "?alerte=oui" in mail.outbox[0].body
    assert ReminderLog.objects.count() == 3


def test_queries_do_not_grow_with_the_number_of_files(landlords, tenants, run):
    def count():
        ReminderLog.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            reminders.send_reminders(today=TODAY)
        return len(queries)

    for n in range(2):
        file_at(landlords, tenants, Step.PRE_INSTRUCTION, f"s{n}", nurs_date=ago(40))
        file_at(landlords, tenants, Step.ATTRIBUTED, f"t{n}", attributed_on=ago(40))
    few = count()
    for n in range(8):
        file_at(landlords, tenants, Step.PRE_INSTRUCTION, f"m{n}", nurs_date=ago(40))
        file_at(landlords, tenants, Step.MOVE_SCHEDULED, f"u{n}", move_date=ago(3))
    many = count()
    assert many == few


# --- Inactivity -----------------------------------------------------------------------


def test_a_tenant_inactive_for_three_months_closes_the_file(
    landlords, tenants, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - dt.timedelta(days=100)
    dwellings = {
        "a": DwellingFactory(
            landlord=landlords["a"], insee="93048", slug="a", commune_contingent=True
        ),
        "b": DwellingFactory(
            landlord=landlords["b"], insee="75111", slug="b", commune_contingent=True
        ),
    }
    file = open_file(dwellings, tenants, ("a", "b"), notify=False, now=long_ago)
    tenants["a"].__class__.objects.filter(pk=tenants["b"].pk).update(
        last_login=long_ago, date_joined=long_ago
    )
    tenants["a"].__class__.objects.filter(pk=tenants["a"].pk).update(
        last_login=timezone.now(), date_joined=long_ago
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = reminders.close_inactive_files()
    assert closed == 1
    file.refresh_from_db()
    assert file.step == Step.CLOSED_INACTIVITY
    event = file.events.last()
    assert event.actor_kind == "system" and "ménage 2" in event.reason
    assert {m.to[0] for m in mail.outbox} >= {"locataire-a@locataire.example"}
    assert reminders.close_inactive_files() == 0


def test_active_tenants_recent_files_and_later_steps_are_not_closed(landlords, tenants):
    long_ago = timezone.now() - dt.timedelta(days=100)
    User = tenants["a"].__class__
    User.objects.update(last_login=long_ago, date_joined=long_ago)

    def new(step, now, slug):
        d = {
            "a": DwellingFactory(
                landlord=landlords["a"], insee="93048", slug=slug, commune_contingent=True
            ),
            "b": DwellingFactory(
                landlord=landlords["b"], insee="75111", slug=slug, commune_contingent=True
            ),
        }
        f = open_file(d, tenants, ("a", "b"), notify=False, now=now)
        ExchangeFile.objects.filter(pk=f.pk).update(step=step)
        return f

    recent = new(Step.INSTRUCTION, timezone.now() - dt.timedelta(days=10), "r")
    attributed = new(Step.ATTRIBUTED, long_ago, "t")
    assert reminders.close_inactive_files() == 0
    assert set(ExchangeFile.objects.values_list("step", flat=True)) == {
        Step.INSTRUCTION,
        Step.ATTRIBUTED,
    }
    assert recent and attributed


def test_the_daily_task_runs_both_jobs(landlords, tenants):
    file_at(landlords, tenants, Step.PRE_INSTRUCTION, "x", nurs_date=ago(40))
    result = daily_exchange_jobs.delay().get()
    assert result == {
        "closed_for_inactivity": 0,
        "reminders": 1,
        "mails": 2,
        "locked_out": False,
    }
    assert ReminderLog.objects.get().alert == Alert.PRE_INSTRUCTION_LATE
