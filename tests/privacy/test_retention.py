"""The retention table (issue 18): each rule on its edge day (the day before the
limit: kept; the limit day: purged), open exchange files never touched, dry
run, idempotence, the command and the daily job."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from bourse.audit.models import AccessLogEntry, Screen
from bourse.contact.models import ContactMessage
from bourse.exchanges.models import ExchangeEvent, ExchangeFile, ExchangeParty, Step
from bourse.models import PatrimoineImport
from bourse.privacy import retention, tasks
from bourse.tenants.models import (
    ActorKind,
    ListingEvent,
    ListingStatus,
    OutboundSms,
    SavedSearch,
    TenantProfile,
)
from portal.models import OutboundEmail, OutboxMessage

from .conftest import at_noon, make_file, make_import, make_message, make_tenant

pytestmark = pytest.mark.django_db

# When the data was made (deactivation, closure, sending…): long enough ago that every
# limit day falls before today (what the fixtures make today is never due).
DAY = dt.date(2015, 1, 15)


def months_after(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def edge_days(rule_key: str) -> tuple[dt.date, dt.date]:
    """(the day before the limit, the limit day) for data of ``DAY``."""
    limit = months_after(DAY, retention.RULES_BY_KEY[rule_key].months)
    return limit - dt.timedelta(days=1), limit


def test_months_before_keeps_the_day_or_the_months_last():
    assert retention.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert retention.months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert retention.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_the_table_reads_its_durations_from_settings(settings):
    assert retention.RULES_BY_KEY["outbox"].months == 3
    assert retention.RULES_BY_KEY["access_log"].months == 12
    assert retention.RULES_BY_KEY["contact_messages"].months == 12
    assert retention.RULES_BY_KEY["exchange_files"].months == 12 * 5
    settings.RETENTION_OUTBOX_MONTHS = 4
    assert retention.RULES_BY_KEY["outbox"].months == 4
    assert str(retention.RULES_BY_KEY["exchange_files"].duration) == "5 ans"


# --- Deactivated tenant accounts -------------------------------------------------------


def _deactivated(landlord, n, when):
    profile = make_tenant(
        landlord, n, status=ListingStatus.DEACTIVATED, deactivation_reason="manual"
    )
    profile.listing.__class__.objects.filter(pk=profile.listing.pk).update(status_changed_at=when)
    SavedSearch.objects.create(tenant=profile, name="Montreuil", filters={"commune": "93048"})
    return profile


def test_deactivated_account_anonymised_on_the_limit_day_not_before(landlord):
    profile = _deactivated(landlord, 1, at_noon(DAY))
    before, limit = edge_days("tenant_accounts")
    retention.run(today=before)
    profile.refresh_from_db()
    assert profile.anonymised_at is None
    retention.run(today=limit)
    profile.refresh_from_db()
    assert profile.anonymised_at is not None
    assert profile.user.email == "" and profile.phone == ""
    assert not SavedSearch.objects.filter(tenant=profile).exists()
    event = ListingEvent.objects.filter(listing__tenant=profile, kind="anonymised").get()
    assert event.actor_kind == ActorKind.SYSTEM


def test_active_and_recent_accounts_are_kept(landlord):
    active = make_tenant(landlord, 1)
    recent = _deactivated(landlord, 2, at_noon(DAY) + dt.timedelta(days=1))
    retention.run(today=edge_days("tenant_accounts")[1])
    kept = TenantProfile.objects.filter(pk__in=[active.pk, recent.pk], anonymised_at=None)
    assert kept.count() == 2


def test_a_tenant_party_to_an_open_file_is_never_anonymised(landlord, partner_tenant):
    profile = _deactivated(landlord, 1, at_noon(DAY))
    make_file([profile, partner_tenant], step=Step.INSTRUCTION)
    retention.run(today=edge_days("tenant_accounts")[1] + dt.timedelta(days=400))
    profile.refresh_from_db()
    assert profile.anonymised_at is None


# --- Exchange files done or closed -----------------------------------------------------


def test_finished_file_blanked_on_the_limit_day_counts_kept(landlord, partner_tenant):
    profile = make_tenant(landlord, 1)
    file = make_file([profile, partner_tenant], step=Step.CLOSED_BY_TENANT, changed_at=at_noon(DAY))
    ExchangeEvent.objects.filter(file=file).update(reason="Appel de Mme Nom1")
    before, limit = edge_days("exchange_files")
    retention.run(today=before)
    assert ExchangeParty.objects.filter(file=file).exclude(tenant_name="").count() == 2
    retention.run(today=limit)
    parties = ExchangeParty.objects.filter(file=file)
    assert parties.count() == 2  # the statistics' rows stay
    assert set(parties.values_list("tenant_name", "tenant_reference", "nur", "tenant_user")) == {
        ("", "", "", None)
    }
    file.refresh_from_db()
    assert file.step == Step.CLOSED_BY_TENANT and file.closure_reason == ""
    assert not ExchangeEvent.objects.filter(file=file).exclude(reason="").exists()
    assert ExchangeFile.objects.count() == 1


def test_open_file_never_blanked_however_old(landlord, partner_tenant):
    profile = make_tenant(landlord, 1)
    file = make_file([profile, partner_tenant], step=Step.CAL_SCHEDULED, changed_at=at_noon(DAY))
    retention.run(today=edge_days("exchange_files")[1] + dt.timedelta(days=800))
    assert not ExchangeParty.objects.filter(file=file, tenant_name="").exists()
    assert not ExchangeParty.objects.filter(file=file, nur="").exists()


# --- Contact messages, patrimoine files, outbox, access log -----------------------------


def test_contact_message_and_attachment_deleted_on_the_limit_day(landlord):
    message = make_message(landlord, created_at=at_noon(DAY), attachment=True)
    path = Path(message.attachment.path)
    assert path.exists()
    before, limit = edge_days("contact_messages")
    retention.run(today=before)
    assert ContactMessage.objects.filter(pk=message.pk).exists()
    retention.run(today=limit)
    assert not ContactMessage.objects.filter(pk=message.pk).exists()
    assert not path.exists()


def test_patrimoine_files_deleted_on_the_limit_day_counts_kept(landlord):
    imp = make_import(landlord, created_at=at_noon(DAY))
    PatrimoineImport.objects.filter(pk=imp.pk).update(rows_total=12)
    paths = [Path(imp.file.path), Path(imp.report.path)]
    before, limit = edge_days("patrimoine_imports")
    retention.run(today=before)
    assert all(p.exists() for p in paths)
    retention.run(today=limit)
    imp.refresh_from_db()
    assert not imp.file and not imp.report and imp.rows_total == 12
    assert not any(p.exists() for p in paths)


def test_running_import_keeps_its_file(landlord):
    imp = make_import(landlord, created_at=at_noon(DAY), status=PatrimoineImport.Status.RUNNING)
    retention.run(today=edge_days("patrimoine_imports")[1])
    imp.refresh_from_db()
    assert imp.file


def _mail(when, status=OutboxMessage.Status.SENT):
    mail = OutboundEmail.objects.create(
        from_email="nepasrepondre@exemple.fr",
        to=["locataire@exemple.fr"],
        subject="Votre annonce",
        body="Bonjour Prénom Nom",
        status=status,
    )
    OutboundEmail.objects.filter(pk=mail.pk).update(created_at=when)
    return mail


def test_outbox_bodies_blanked_on_the_limit_day(db):
    mail = _mail(at_noon(DAY))
    pending = _mail(at_noon(DAY), status=OutboxMessage.Status.PENDING)
    sms = OutboundSms.objects.create(
        to="0611223344",
        body="Nouvelle annonce",
        status=OutboxMessage.Status.SENT,
        created_at=at_noon(DAY),
    )
    before, limit = edge_days("outbox")
    retention.run(today=before)
    mail.refresh_from_db()
    assert mail.body
    retention.run(today=limit)
    mail.refresh_from_db()
    sms.refresh_from_db()
    pending.refresh_from_db()
    assert (mail.body, mail.to, mail.subject) == ("", [], "Votre annonce")
    assert (sms.body, sms.to) == ("", "")
    assert pending.body  # not sent yet: left for the outbox


def test_access_log_entries_deleted_on_the_limit_day(amo):
    entry = AccessLogEntry.objects.create(staff=amo, screen=Screen.TENANT_PAGE, at=at_noon(DAY))
    before, limit = edge_days("access_log")
    retention.run(today=before)
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
    retention.run(today=limit)
    assert not AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_edge_is_the_day_in_paris(amo):
    """An entry of 23:30 in Paris on DAY (22:30 UTC) goes with DAY, not the next day."""
    late = timezone.make_aware(dt.datetime.combine(DAY, dt.time(23, 30)))
    entry = AccessLogEntry.objects.create(staff=amo, screen=Screen.TENANT_PAGE, at=late)
    retention.run(today=edge_days("access_log")[1])
    assert not AccessLogEntry.objects.filter(pk=entry.pk).exists()


# --- Dry run, idempotence, the command, the daily job ----------------------------------


@pytest.fixture
def one_of_each(landlord, partner_tenant, amo):
    profile = _deactivated(landlord, 1, at_noon(DAY - dt.timedelta(days=3700)))
    other = make_tenant(landlord, 2)
    make_file([other, partner_tenant], step=Step.DONE, changed_at=at_noon(DAY))
    make_message(landlord, created_at=at_noon(DAY))
    make_import(landlord, created_at=at_noon(DAY))
    _mail(at_noon(DAY))
    AccessLogEntry.objects.create(staff=amo, screen=Screen.TENANT_PAGE, at=at_noon(DAY))
    return profile


LATE = DAY + dt.timedelta(days=366 * 6)
MINE = (  # one_of_each's kinds (the conversations' rule is tested with its app)
    "tenant_accounts",
    "exchange_files",
    "contact_messages",
    "patrimoine_imports",
    "outbox",
    "access_log",
)


def counts(outcomes) -> dict:
    return {o.rule.key: o.count for o in outcomes if o.rule.key in MINE}


def test_dry_run_counts_and_changes_nothing(one_of_each):
    assert counts(retention.run(today=LATE, dry_run=True)) == dict.fromkeys(MINE, 1)
    one_of_each.refresh_from_db()
    assert one_of_each.anonymised_at is None
    assert ContactMessage.objects.count() == 1 and AccessLogEntry.objects.count() == 1


def test_purge_is_idempotent(one_of_each):
    assert counts(retention.run(today=LATE)) == dict.fromkeys(MINE, 1)
    assert counts(retention.run(today=LATE)) == dict.fromkeys(MINE, 0)
    assert counts(retention.run(today=LATE, dry_run=True)) == dict.fromkeys(MINE, 0)


def test_command_dry_run_prints_counts_per_kind(one_of_each):
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", f"--date={LATE.isoformat()}", stdout=out)
    text = out.getvalue()
    assert "Simulation" in text
    for key in MINE:
        rule = retention.RULES_BY_KEY[key]
        assert f"({rule.duration}, {rule.key}) : 1 serait traité(s)" in text
    one_of_each.refresh_from_db()
    assert one_of_each.anonymised_at is None


def test_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("purge_personal_data", "--date=demain", stdout=io.StringIO())


def test_daily_job_is_scheduled_and_purges(one_of_each, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-purge-personal-data"]
    assert entry["task"] == "bourse.privacy.tasks.purge_personal_data"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATE)
    result = tasks.purge_personal_data.delay().get()
    assert result["access_log"] == 1 and result["tenant_accounts"] == 1
