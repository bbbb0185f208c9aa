"""Propose, pick, cancel, re-propose; the address only at confirmation; the mails and
their calendar invitations parsed back with ``icalendar``; reminders."""

import datetime as dt

import icalendar
import pytest
from django.core import mail

from bourse.tenants.models import ContactStatus, OutboundSms
from bourse.tenants.services import anonymise
from bourse.visits import invitation, services, tasks
from bourse.visits.models import Visit, VisitStatus
from bourse.visits.services import PARIS, VisitError
from portal.models import OutboundEmail

from .conftest import slots

pytestmark = pytest.mark.django_db


def mails(kind):
    return list(OutboundEmail.objects.filter(kind=f"visits_{kind}").order_by("pk"))


def calendar_of(email: OutboundEmail) -> icalendar.Calendar:
    (attachment,) = email.attachments
    assert attachment["filename"].endswith(".ics")
    assert attachment["mimetype"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(attachment["content"])


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


@pytest.fixture
def proposed(context_of, alice):
    """Alice proposes two slots for the visit of her home (by Bruno)."""
    return services.propose(
        context_of(alice), alice, alice, slots((3, "10:00", 60), (4, "18:30", 45))
    )


# --- Propose ----------------------------------------------------------------------------------


def test_host_proposes_slots_the_other_is_told(proposed, alice, bruno):
    assert proposed.status == VisitStatus.PROPOSED
    assert (proposed.host, proposed.visitor, proposed.proposed_by) == (alice, bruno, alice)
    assert proposed.slots.count() == 2
    (told,) = mails("proposed")
    assert told.to == [bruno.user.email]
    assert "Prénom1 N. vous propose des créneaux" in told.body
    assert "rue de la République" not in told.body  # no address before confirmation
    assert told.attachments == []


def test_visitor_may_not_open_the_visit_of_the_others_home(context_of, alice, bruno):
    with pytest.raises(VisitError, match="Le ménage qui reçoit propose les premiers"):
        services.propose(context_of(bruno), bruno, alice, slots((3, "10:00", 60)))
    assert not Visit.objects.exists()


def test_no_visit_before_the_request_is_accepted(accepted, context_of, alice):
    accepted.status = ContactStatus.PENDING
    accepted.save()
    with pytest.raises(VisitError, match="une fois la demande acceptée"):
        services.propose(context_of(alice), alice, alice, slots((3, "10:00", 60)))
    assert not Visit.objects.exists()


def test_bad_slots_change_nothing(context_of, alice):
    with pytest.raises(VisitError, match="se chevauchent"):
        services.propose(context_of(alice), alice, alice, slots((3, "10:00", 60), (3, "10:30", 60)))
    assert not Visit.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_each_household_hosts_its_own_visit(context_of, alice, bruno, proposed):
    other = services.propose(context_of(bruno), bruno, bruno, slots((5, "14:00", 60)))
    assert (other.host, other.visitor) == (bruno, alice)
    assert other.uid != proposed.uid


# --- Pick -------------------------------------------------------------------------------------


def test_only_the_other_household_picks(context_of, proposed, alice, third):
    slot = proposed.slots.first()
    with pytest.raises(VisitError, match="C’est à l’autre ménage de choisir"):
        services.pick(context_of(alice), proposed, alice, slot.pk)
    with pytest.raises(VisitError, match="Seuls les deux ménages"):
        services.pick(context_of(alice), proposed, third, slot.pk)


def test_pick_an_unknown_slot_is_refused(context_of, proposed, bruno):
    with pytest.raises(VisitError, match="l’un des créneaux proposés"):
        services.pick(context_of(bruno), proposed, bruno, 999999)
    with pytest.raises(VisitError, match="l’un des créneaux proposés"):
        services.pick(context_of(bruno), proposed, bruno, "abc")
    proposed.refresh_from_db()
    assert proposed.status == VisitStatus.PROPOSED


def test_a_past_slot_cannot_be_picked(context_of, proposed, bruno):
    slot = proposed.slots.first()
    later = slot.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(VisitError, match="Ce créneau est passé"):
        services.pick(context_of(bruno), proposed, bruno, slot.pk, now=later)


def test_pick_confirms_and_invites_both_households(context_of, proposed, alice, bruno):
    slot = proposed.slots.order_by("starts_at").last()
    visit = services.pick(context_of(bruno), proposed, bruno, slot.pk)
    assert visit.status == VisitStatus.CONFIRMED
    assert (visit.starts_at, visit.ends_at) == (slot.starts_at, slot.ends_at)
    confirmations = mails("confirmed")
    assert sorted(m.to[0] for m in confirmations) == sorted([alice.user.email, bruno.user.email])
    for email in confirmations:
        recipient = alice if email.to == [alice.user.email] else bruno
        other = bruno if recipient == alice else alice
        calendar = calendar_of(email)
        assert calendar["METHOD"] == "REQUEST"
        (tz,) = calendar.walk("VTIMEZONE")
        assert tz["TZID"] == "Europe/Paris"
        event = event_of(calendar)
        start = event.decoded("DTSTART")
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert str(start.tzinfo) == "Europe/Paris"
        assert start == slot.starts_at.astimezone(PARIS)
        assert event.decoded("DTEND") == slot.ends_at.astimezone(PARIS)
        assert event["UID"] == invitation.uid_of(visit)
        assert event["SEQUENCE"] == 0
        assert "rue de la République" in str(event["LOCATION"])  # the host's dwelling
        assert other.public_name in str(event["SUMMARY"])
        # Each invitation names only its own household: never the other's address.
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == [f"mailto:{recipient.user.email}"]
        ical_text = email.attachments[0]["content"]
        assert other.user.email not in ical_text and other.user.email not in email.body
        assert other.phone.replace(" ", "") not in ical_text.replace(" ", "")
        assert str(event["ORGANIZER"]).startswith("mailto:nepasrepondre@")


def test_the_address_is_given_only_at_confirmation(context_of, proposed, alice, bruno):
    assert services.address_for(proposed, bruno) == ""
    visit = services.pick(context_of(bruno), proposed, bruno, proposed.slots.first().pk)
    assert "rue de la République" in services.address_for(visit, bruno)
    (to_bruno,) = [m for m in mails("confirmed") if m.to == [bruno.user.email]]
    assert "Adresse : 1 rue de la République" in to_bruno.body
    visit = services.cancel(visit, alice)
    assert services.address_for(visit, bruno) == ""


def test_the_confirmation_mail_is_sent_with_its_ics(
    context_of, proposed, bruno, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pick(context_of(bruno), proposed, bruno, proposed.slots.first().pk)
    sent = [m for m in mail.outbox if "confirmée" in m.subject]
    assert len(sent) == 2
    (part,) = sent[0].attachments
    assert part.get_filename().endswith(".ics")
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    raw = part.get_payload(decode=True)
    assert b"\r\nBEGIN:VEVENT\r\n" in raw  # RFC 5545 line ends kept
    assert icalendar.Calendar.from_ical(raw)["METHOD"] == "REQUEST"
    assert "text/calendar" in sent[0].message().as_string()


# --- Cancel, re-propose -----------------------------------------------------------------------


def test_cancel_a_confirmed_visit_sends_a_calendar_cancellation(context_of, proposed, alice, bruno):
    visit = services.pick(context_of(bruno), proposed, bruno, proposed.slots.first().pk)
    services.cancel(visit, alice)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and visit.cancelled_by == alice
    cancellations = mails("cancelled")
    assert len(cancellations) == 2
    for email in cancellations:
        calendar = calendar_of(email)
        assert calendar["METHOD"] == "CANCEL"
        event = event_of(calendar)
        assert event["UID"] == invitation.uid_of(visit)
        assert event["SEQUENCE"] == 1
        assert event["STATUS"] == "CANCELLED"
    (to_bruno,) = [m for m in cancellations if m.to == [bruno.user.email]]
    assert "Prénom1 N. a annulé la visite" in to_bruno.body
    with pytest.raises(VisitError, match="déjà annulée"):
        services.cancel(visit, bruno)


def test_cancel_proposed_slots_tells_the_other(proposed, bruno, alice):
    services.cancel(proposed, bruno)
    (told,) = mails("withdrawn")
    assert told.to == [alice.user.email] and told.attachments == []


def test_a_third_tenant_cannot_cancel(proposed, third):
    with pytest.raises(VisitError, match="Seuls les deux ménages"):
        services.cancel(proposed, third)


def test_re_propose_after_confirmation_keeps_the_uid_and_grows_the_sequence(
    context_of, proposed, alice, bruno
):
    uid = proposed.uid
    visit = services.pick(context_of(bruno), proposed, bruno, proposed.slots.first().pk)
    # The visitor proposes other slots: the appointment is withdrawn from the calendars.
    visit = services.propose(context_of(bruno), bruno, alice, slots((6, "09:00", 30)))
    assert visit.uid == uid and visit.status == VisitStatus.PROPOSED
    assert visit.picker_id == alice.pk
    (cancel_alice,) = [m for m in mails("cancelled") if m.to == [alice.user.email]]
    assert "propose d’autres créneaux" in cancel_alice.body
    assert event_of(calendar_of(cancel_alice))["SEQUENCE"] == 1
    assert [m.to for m in mails("proposed")][-1] == [alice.user.email]
    # The host picks the visitor's slot: a new invitation, same UID, next sequence.
    visit = services.pick(context_of(alice), visit, alice, visit.slots.get().pk)
    latest = mails("confirmed")[-2:]
    for email in latest:
        event = event_of(calendar_of(email))
        assert event["UID"] == invitation.uid_of(visit)
        assert event["SEQUENCE"] == 2
        assert event.decoded("DTSTART").hour == 9


def test_re_propose_after_cancellation(context_of, proposed, alice, bruno):
    services.cancel(proposed, alice)
    visit = services.propose(context_of(alice), alice, alice, slots((7, "17:00", 60)))
    assert visit.status == VisitStatus.PROPOSED and visit.cancelled_at is None
    assert visit.slots.count() == 1


# --- Reminders --------------------------------------------------------------------------------


@pytest.fixture
def confirmed(context_of, proposed, bruno):
    return services.pick(context_of(bruno), proposed, bruno, proposed.slots.first().pk)


def eve_of(visit):
    start = visit.starts_at.astimezone(PARIS)
    return dt.datetime.combine(start.date() - dt.timedelta(days=1), dt.time(9), tzinfo=PARIS)


def test_reminder_due_the_day_before_only(confirmed):
    eve = eve_of(confirmed)
    assert services.reminder_due(confirmed, eve)
    assert not services.reminder_due(confirmed, eve - dt.timedelta(days=1))
    assert not services.reminder_due(confirmed, eve + dt.timedelta(days=1))


def test_reminders_are_sent_once(confirmed, alice, bruno):
    eve = eve_of(confirmed)
    alice.alert_sms = True
    alice.save(update_fields=["alert_sms"])
    assert services.send_reminders(eve) == 1
    assert services.send_reminders(eve) == 0
    assert services.send_reminders(eve + dt.timedelta(hours=5)) == 0
    reminders = mails("reminder")
    assert sorted(m.to[0] for m in reminders) == sorted([alice.user.email, bruno.user.email])
    (to_bruno,) = [m for m in reminders if m.to == [bruno.user.email]]
    assert "rue de la République" in to_bruno.body
    # SMS only to the household that opted in.
    (text,) = OutboundSms.objects.filter(kind="visits_reminder")
    assert text.to == "+33611223344" and "rappel, visite demain" in text.body


def test_the_reminder_task_twice_reminds_once(confirmed, monkeypatch):
    eve = eve_of(confirmed)
    monkeypatch.setattr(services.timezone, "now", lambda: eve)
    tasks.send_visit_reminders.delay()
    tasks.send_visit_reminders.delay()
    assert len(mails("reminder")) == 2


def test_a_new_appointment_is_reminded_again(context_of, confirmed, alice, bruno):
    services.send_reminders(eve_of(confirmed))
    visit = services.propose(context_of(alice), alice, alice, slots((8, "11:00", 60)))
    visit = services.pick(context_of(bruno), visit, bruno, visit.slots.get().pk)
    assert visit.reminded_at is None
    assert services.send_reminders(eve_of(visit)) == 1


def test_cancelled_visits_are_not_reminded(confirmed, alice):
    services.cancel(confirmed, alice)
    assert services.send_reminders(eve_of(confirmed)) == 0


def test_anonymising_a_tenant_scrubs_the_invitations_sent_to_them(confirmed, alice, bruno, amo):
    old_email = bruno.user.email
    anonymise(bruno, amo)
    scrubbed = OutboundEmail.objects.filter(to__icontains="anonyme@invalid")
    assert scrubbed.exists() and all(email.attachments == [] for email in scrubbed)
    assert not OutboundEmail.objects.filter(to__icontains=old_email).exists()
    # The other household's invitations are kept.
    assert all(m.attachments for m in mails("confirmed") if m.to == [alice.user.email])
