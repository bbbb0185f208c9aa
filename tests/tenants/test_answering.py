"""Answering rules (issue 9): reminder at 7 days, pause from the search at 14 days and
back when answered, reply band; edge days, idempotence, the tenant told why and how."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from bourse.tenants import answering, contacts, jobs, matching, searching
from bourse.tenants.answering import PAUSE_DAYS, REMINDER_DAYS
from bourse.tenants.models import ContactRequest, ContactStatus, EventKind
from portal.models import OutboundEmail

from .conftest import make_tenant

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def sent_at(day: dt.date, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def job_time(day: dt.date):
    return dt.datetime.combine(day, dt.time(3, 30), tzinfo=PARIS)


DAY0 = dt.date(2026, 3, 2)


@pytest.fixture
def request_day0(tenant, other_tenant):
    """``tenant`` wrote to ``other_tenant`` on DAY0 at 10:00 (Paris)."""
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    ContactRequest.objects.filter(pk=request_obj.pk).update(created_at=sent_at(DAY0))
    request_obj.refresh_from_db()
    return request_obj


def reminders():
    return OutboundEmail.objects.filter(kind="tenants_contact_reminder")


# --- The day rule and its SQL twin ---------------------------------------------------------


@pytest.mark.parametrize("hour", [0, 1, 12, 23])
@pytest.mark.parametrize("days", [REMINDER_DAYS, PAUSE_DAYS])
def test_sql_twin_agrees_with_days_waiting_around_midnight(request_day0, hour, days):
    created = dt.datetime.combine(DAY0, dt.time(hour, 59), tzinfo=PARIS)
    ContactRequest.objects.filter(pk=request_day0.pk).update(created_at=created)
    for offset in range(days - 2, days + 2):
        today = DAY0 + dt.timedelta(days=offset)
        in_sql = ContactRequest.objects.filter(answering.waiting_since_q(today, days)).exists()
        assert in_sql == (answering.days_waiting(created, today) >= days), (hour, offset)


# --- Reminder at 7 days ---------------------------------------------------------------------


def test_no_reminder_on_day_6_one_on_day_7_and_never_twice(request_day0, other_tenant):
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=6))) == 0
    assert not reminders().exists()
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=7))) == 1
    mail = reminders().get()
    assert mail.to == [other_tenant.user.email]
    assert f"/locataire/demandes/{request_day0.pk}/" in mail.body
    assert "7 jours" in mail.body  # days left before the pause
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=7, hours=5))) == 0
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=8))) == 0
    assert reminders().count() == 1


@pytest.mark.parametrize("status", [ContactStatus.ACCEPTED, ContactStatus.DECLINED])
def test_an_answered_request_gets_no_reminder(request_day0, other_tenant, status):
    contacts.answer(request_day0, other_tenant, accept=status == ContactStatus.ACCEPTED)
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=9))) == 0


def test_a_withdrawn_request_gets_no_reminder(request_day0, tenant):
    contacts.withdraw(request_day0, tenant)
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=9))) == 0


@pytest.mark.parametrize("status", ["suspended", "deactivated"])
def test_no_reminder_while_the_receivers_listing_is_not_active(request_day0, other_tenant, status):
    other_tenant.listing.status = status
    other_tenant.listing.save()
    assert answering.send_reminders(job_time(DAY0 + dt.timedelta(days=8))) == 0


# --- Pause at 14 days -----------------------------------------------------------------------


def test_pause_on_day_14_not_13_and_the_tenant_is_told_why_and_how(request_day0, other_tenant):
    listing = other_tenant.listing
    assert answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=13))) == 0
    listing.refresh_from_db()
    assert listing.paused_unanswered_at is None
    assert answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14))) == 1
    listing.refresh_from_db()
    assert listing.paused_unanswered_at is not None
    assert listing.status == "active"  # the status machine is left alone
    assert not listing.searchable
    assert not matching.searchable_listings().filter(pk=listing.pk).exists()
    mail = OutboundEmail.objects.get(kind="tenants_paused_unanswered")
    assert mail.to == [other_tenant.user.email]
    assert "retirée de la recherche" in mail.body and "/locataire/demandes/" in mail.body
    assert "répondez" in mail.body
    event = listing.events.filter(kind=EventKind.UNANSWERED).get()
    assert event.actor_kind == "system"
    # Run again (same day, next day): nothing more.
    assert answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14, hours=2))) == 0
    assert answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=15))) == 0
    assert OutboundEmail.objects.filter(kind="tenants_paused_unanswered").count() == 1


def test_a_paused_listing_leaves_search_demand_and_contacts(
    landlord, request_day0, tenant, other_tenant
):
    third = make_tenant(landlord, 3)
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    other_tenant.listing.refresh_from_db()
    # Out of the search and of "who wants my home".
    assert other_tenant.listing.pk not in [
        row.pk for row in matching.RankedResults(third.listing)[:50]
    ]
    assert searching.who_wants(third.listing).total == 1  # tenant only
    # Nobody can write to it; it cannot write either (told why).
    assert "pas active" in contacts.contact_refusal(third, other_tenant.listing)
    refusal = contacts.contact_refusal(other_tenant, third.listing)
    assert "répondez-y" in refusal and str(PAUSE_DAYS) in refusal


def test_the_dashboard_says_why_and_links_the_requests(client, request_day0, other_tenant):
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    client.force_login(other_tenant.user)
    page = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Votre annonce est retirée de la recherche." in page
    assert reverse("tenants:request_detail", args=[request_day0.pk]) in page


@pytest.mark.parametrize("accept", [True, False])
def test_answering_brings_the_listing_back_at_once(request_day0, other_tenant, accept):
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    contacts.answer(request_day0, other_tenant, accept=accept)
    other_tenant.listing.refresh_from_db()
    assert other_tenant.listing.paused_unanswered_at is None
    assert other_tenant.listing.searchable
    event = other_tenant.listing.events.filter(kind=EventKind.ANSWERED).get()
    assert event.actor_kind == "tenant" and event.user == other_tenant.user


def test_a_withdrawal_brings_it_back_too(request_day0, tenant, other_tenant):
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    contacts.withdraw(request_day0, tenant)
    other_tenant.listing.refresh_from_db()
    assert other_tenant.listing.searchable


def test_still_paused_while_another_request_is_overdue(
    landlord, request_day0, tenant, other_tenant
):
    third = make_tenant(landlord, 3)
    second = contacts.send_request(third, other_tenant.listing, "Bonjour aussi")
    ContactRequest.objects.filter(pk=second.pk).update(created_at=sent_at(DAY0, hour=11))
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    contacts.answer(request_day0, other_tenant, accept=False)
    other_tenant.listing.refresh_from_db()
    assert other_tenant.listing.paused_unanswered_at is not None
    second.refresh_from_db()
    contacts.answer(second, other_tenant, accept=False)
    other_tenant.listing.refresh_from_db()
    assert other_tenant.listing.paused_unanswered_at is None


def test_the_daily_job_resumes_what_has_nothing_overdue(request_day0, other_tenant):
    answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=14)))
    # Answered behind the rules' back (e.g. an admin fix): the job catches up.
    ContactRequest.objects.filter(pk=request_day0.pk).update(status=ContactStatus.DECLINED)
    assert answering.resume_answered(job_time(DAY0 + dt.timedelta(days=15))) == 1
    assert answering.resume_answered(job_time(DAY0 + dt.timedelta(days=15))) == 0


def test_a_suspended_listing_is_not_paused(request_day0, other_tenant):
    other_tenant.listing.status = "suspended"
    other_tenant.listing.save()
    assert answering.pause_unanswered(job_time(DAY0 + dt.timedelta(days=20))) == 0


def test_run_daily_twice_on_day_14(request_day0, other_tenant):
    first = jobs.run_daily(now=job_time(DAY0 + dt.timedelta(days=14)))
    assert first["reminded"] == 1 and first["paused"] == 1
    again = jobs.run_daily(now=job_time(DAY0 + dt.timedelta(days=14)) + dt.timedelta(hours=1))
    assert again["reminded"] == again["paused"] == again["resumed"] == 0


# --- Reply band -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered", "counted", "key"),
    [
        (0, 0, None),
        (2, 2, None),  # too few to say
        (3, 3, "usually"),
        (2, 3, "usually"),
        (1, 3, "sometimes"),
        (2, 6, "sometimes"),
        (1, 4, "rarely"),
        (0, 5, "rarely"),
    ],
)
def test_reply_band_thresholds(answered, counted, key):
    band = answering.reply_band(answered, counted)
    assert (band.key if band else None) == key


def test_reply_counts_ignore_fresh_and_withdrawn_requests(landlord, other_tenant):
    now = timezone.now()
    senders = [make_tenant(landlord, n) for n in range(10, 16)]
    made = [contacts.send_request(s, other_tenant.listing, "Bonjour") for s in senders]
    old = now - dt.timedelta(days=REMINDER_DAYS + 1)
    ContactRequest.objects.filter(pk__in=[r.pk for r in made[:5]]).update(created_at=old)
    contacts.answer(made[0], other_tenant, accept=False)  # answered
    contacts.withdraw(made[1], senders[1])  # withdrawn unanswered: not counted
    # made[2..4]: waited over a week unanswered; made[5]: fresh, not counted yet
    assert answering.reply_counts(other_tenant, now) == (1, 4)
    assert answering.reply_band_of(other_tenant, now).key == "rarely"


def test_the_band_is_shown_to_senders_on_the_listing(client, landlord, tenant, other_tenant):
    senders = [make_tenant(landlord, n) for n in range(10, 13)]
    for s in senders:
        request_obj = contacts.send_request(s, other_tenant.listing, "Bonjour")
        contacts.answer(request_obj, other_tenant, accept=False)
    client.force_login(tenant.user)
    page = client.get(reverse("tenants:listing", args=[other_tenant.listing.pk]))
    assert "Ce locataire répond généralement" in page.content.decode()
    own = client.get(reverse("tenants:listing", args=[tenant.listing.pk])).content.decode()
    assert "Ce locataire répond" not in own
