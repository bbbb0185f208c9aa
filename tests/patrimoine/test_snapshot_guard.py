"""Issue 14 B: the snapshot guard, the template's example row, listings following
eligibility, stale imports, the report in line order (Python path; the SQL path
agrees in test_sql_path.py)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from bourse.models import Dwelling, PatrimoineImport
from bourse.patrimoine import importer
from bourse.patrimoine.importer import (
    fail_stale_imports,
    rerun_import,
    run_import,
    snapshot_loss_needs_confirmation,
)
from bourse.patrimoine.inbox import collect_inbox_files
from bourse.tasks import sync_patrimoine_inboxes
from bourse.tenants.matching import searchable_listings
from bourse.tenants.models import Listing
from portal.models import OutboundEmail
from tests.tenants.conftest import make_tenant

from .conftest import row
from .test_reader_and_validation import csv_bytes

pytestmark = pytest.mark.django_db


def ten(make_import):
    """A landlord with ten dwellings in its snapshot."""
    return run_import(make_import([row(n) for n in range(1, 11)]).pk)


def in_snapshot():
    return sorted(Dwelling.objects.filter(in_snapshot=True).values_list("pk", flat=True))


# --- The share needing a confirmation -----------------------------------------------------


@pytest.mark.parametrize(
    ("at_risk", "stored", "percent", "needed"),
    [
        (0, 0, 20, False),  # first import
        (20, 100, 20, False),  # exactly the share
        (21, 100, 20, True),
        (1, 5, 20, False),
        (2, 5, 20, True),
        (300, 300, 20, True),
        (1, 1, 0, True),
        (0, 10, 0, False),
        (10, 10, 100, False),
    ],
)
def test_share_needing_a_confirmation(at_risk, stored, percent, needed):
    assert snapshot_loss_needs_confirmation(at_risk, stored, percent) is needed


def test_the_share_is_a_setting(settings):
    settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT = 50
    assert not snapshot_loss_needs_confirmation(5, 10)
    assert snapshot_loss_needs_confirmation(6, 10)


# --- A full snapshot without a valid row ----------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes([]),  # the header line alone
        csv_bytes([row(1, surface="x"), row(2, code_insee="1")]),  # only rows in error
        csv_bytes([row(1, reference_logement="EXEMPLE-000123")]),  # the template as is
    ],
    ids=["header-only", "only-errors", "example-only"],
)
def test_full_snapshot_without_a_valid_row_is_refused(make_import, data):
    ten(make_import)
    before = in_snapshot()
    imp = run_import(make_import([], data=data).pk)
    assert imp.status == "refused"
    assert (
        "aucune ligne de logement valide" in imp.message and "rien n’a été modifié" in imp.message
    )
    assert in_snapshot() == before and len(before) == 10


def test_dry_run_without_a_valid_row_is_refused_too(make_import):
    ten(make_import)
    imp = run_import(make_import([], data=csv_bytes([]), dry_run=True).pk)
    assert imp.status == "refused" and "aucune ligne" in imp.message


def test_partial_file_without_a_valid_row_changes_nothing_and_is_not_refused(make_import):
    ten(make_import)
    imp = run_import(make_import([], data=csv_bytes([]), full=False).pk)
    assert imp.status == "done" and len(in_snapshot()) == 10


def test_published_xlsx_template_uploaded_as_is(client, make_import):
    ten(make_import)
    data = client.get("/bourse/fichier-patrimoine/modele.xlsx").content
    imp = run_import(make_import([], data=data, name="modele.xlsx").pk)
    assert imp.status == "refused" and imp.skipped_count == 1
    assert not Dwelling.objects.filter(housing_reference__startswith="EXEMPLE").exists()
    report = imp.report.open("rb").read().decode("utf-8-sig")
    assert "2;reference_logement;EXEMPLE-000123;Ligne d’exemple du modèle" in report


def test_example_row_is_skipped_with_a_note_and_never_present(make_import):
    data = csv_bytes([row(1), row(2, reference_logement="exemple-7"), row(3)])
    imp = run_import(make_import([], data=data).pk)
    assert imp.status == "done" and imp.created_count == 2 and imp.skipped_count == 1
    assert imp.error_count == 0 and imp.unchanged_count == 0
    assert sorted(Dwelling.objects.values_list("housing_reference", flat=True)) == [
        "LOG-1",
        "LOG-3",
    ]


# --- More than the share: a confirmation --------------------------------------------------


def test_up_to_the_share_is_applied(make_import):
    ten(make_import)
    imp = run_import(make_import([row(n) for n in range(1, 9)]).pk)  # 2 of 10 leave: 20 %
    assert imp.status == "done" and imp.at_risk_count == 2 and not imp.confirmation_required
    assert len(in_snapshot()) == 8


def test_beyond_the_share_nothing_is_applied_until_confirmed(make_import):
    ten(make_import)
    imp = run_import(make_import([row(n) for n in range(1, 8)]).pk)  # 3 of 10 leave
    assert imp.status == "confirm" and imp.confirmation_required and imp.at_risk_count == 3
    assert "3 logement(s)" in imp.message and len(in_snapshot()) == 10
    assert imp.ineligible_count == 3  # what it would do, as a dry run shows it
    # A confirmation for fewer dwellings than the file now affects is not enough.
    again = run_import(make_import([row(n) for n in range(1, 8)], confirmed_count=2).pk)
    assert again.status == "confirm" and len(in_snapshot()) == 10
    done = run_import(make_import([row(n) for n in range(1, 8)], confirmed_count=3).pk)
    assert done.status == "done" and done.ineligible_count == 3 and len(in_snapshot()) == 7


def test_rows_made_ineligible_count_like_absent_ones(make_import):
    ten(make_import)
    rows = [row(n, eligible="non") if n <= 3 else row(n) for n in range(1, 11)]
    imp = run_import(make_import(rows).pk)
    assert imp.status == "confirm" and imp.at_risk_count == 3
    partial = run_import(make_import(rows[:3], full=False).pk)  # partial files too
    assert partial.status == "confirm" and partial.at_risk_count == 3


def test_dry_run_beyond_the_share_says_a_confirmation_is_needed(make_import):
    ten(make_import)
    imp = run_import(make_import([row(11)], dry_run=True).pk)
    assert imp.status == "done" and imp.confirmation_required and imp.at_risk_count == 10


def test_drop_folder_beyond_the_share_is_refused_and_mailed(
    make_import, landlord, settings, tmp_path, django_capture_on_commit_callbacks
):
    ten(make_import)
    landlord.contact_email = "patrimoine@ssdh.example"
    landlord.save()
    settings.PATRIMOINE_INBOX_ROOT = str(tmp_path)
    incoming = tmp_path / landlord.siret / "entrant"
    incoming.mkdir(parents=True)
    (incoming / "patrimoine.csv").write_bytes(csv_bytes([row(1)]))
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        assert sync_patrimoine_inboxes() == 1
    imp = PatrimoineImport.objects.get(source="inbox")
    assert imp.status == "refused" and imp.confirmation_required and imp.at_risk_count == 9
    assert "dépôt automatique refusé" in imp.message and "9 logement(s)" in imp.message
    assert len(in_snapshot()) == 10
    mail = OutboundEmail.objects.get(kind="patrimoine_import")  # stored first, sent by Celery
    assert mail.to == ["admin@ssdh.example", "patrimoine@ssdh.example"]
    assert "refusé" in mail.subject and "9 logement(s)" in mail.body


def test_drop_folder_template_as_is_is_refused(make_import, landlord, settings, tmp_path, client):
    ten(make_import)
    settings.PATRIMOINE_INBOX_ROOT = str(tmp_path)
    incoming = tmp_path / landlord.siret / "entrant"
    incoming.mkdir(parents=True)
    (incoming / "modele.csv").write_bytes(
        client.get("/bourse/fichier-patrimoine/modele.csv").content
    )
    [pk] = collect_inbox_files()
    imp = run_import(pk)
    assert imp.status == "refused" and "aucune ligne" in imp.message and len(in_snapshot()) == 10


# --- Listings follow eligibility at once ---------------------------------------------------


def test_tenants_made_ineligible_leave_the_search_and_come_back(make_import, landlord):
    ten(make_import)
    profiles = [
        make_tenant(landlord, n, dwelling=Dwelling.objects.get(housing_reference=f"LOG-{n}"))
        for n in (1, 2)
    ]
    assert searchable_listings().count() == 2
    rows = [row(n) for n in range(2, 11)]  # LOG-1 leaves (10 %)
    assert run_import(make_import(rows).pk).status == "done"
    listing = Listing.objects.get(tenant=profiles[0])
    assert listing.eligible is False and listing.synced_at is not None
    assert list(searchable_listings()) == [profiles[1].listing]
    run_import(make_import([row(1, eligible="oui")] + rows).pk)  # back in the snapshot
    assert Listing.objects.get(tenant=profiles[0]).eligible is True
    assert searchable_listings().count() == 2
    run_import(make_import([row(2, eligible="non")], full=False).pk)  # flagged ineligible
    assert set(searchable_listings()) == {profiles[0].listing}


# --- Stale imports --------------------------------------------------------------------------


def running(make_import, minutes_ago, progress=True):
    imp = make_import([row(1)])
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    PatrimoineImport.objects.filter(pk=imp.pk).update(
        status="running", started_at=moment, progress_at=moment if progress else None
    )
    return imp


def test_stale_running_import_is_marked_failed_once(make_import, settings):
    settings.PATRIMOINE_STALE_IMPORT_MINUTES = 15
    stale = running(make_import, 16)
    stale_without_progress = running(make_import, 16, progress=False)
    alive = running(make_import, 14)
    assert fail_stale_imports() == 2
    assert fail_stale_imports() == 0  # idempotent
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.status == "failed" and "aucune progression depuis 15 minutes" in stale.message
    assert stale.finished_at is not None and alive.status == "running"
    stale_without_progress.refresh_from_db()
    assert stale_without_progress.status == "failed"


def test_the_stale_job_is_scheduled():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["patrimoine-stale-imports"]
    assert entry["task"] == "bourse.tasks.fail_stale_patrimoine_imports"


def test_progress_keeps_an_import_alive(make_import, settings, monkeypatch):
    settings.PATRIMOINE_STALE_IMPORT_MINUTES = 15
    imp = running(make_import, 60)
    PatrimoineImport.objects.filter(pk=imp.pk).update(progress_at=timezone.now())
    assert fail_stale_imports() == 0


def test_a_failed_import_is_rerun_once_and_a_late_task_does_nothing(make_import, landlord):
    stale = running(make_import, 60)
    fail_stale_imports()
    stale.refresh_from_db()
    assert run_import(stale.pk).status == "failed"  # the killed worker's task, delivered late
    assert rerun_import(stale) is True
    assert rerun_import(stale) is False  # a second click
    done = run_import(stale.pk)
    assert done.status == "done" and done.created_count == 1
    assert run_import(stale.pk).status == "done"  # delivered twice: run once
    assert Dwelling.objects.filter(landlord=landlord).count() == 1


# --- The report ------------------------------------------------------------------------------


def test_report_lists_errors_in_line_order(make_import):
    rows = [
        row(1),
        row(2, surface="x"),
        row(1, reference_locataire="LOC-9"),  # line 4: duplicate of line 2's reference
        row(4, reference_logement="EXEMPLE-1"),
        row(5, loyer="-1", reference_locataire="LOC-1"),  # line 6: error and duplicate
    ]
    imp = run_import(make_import(rows).pk)
    report = list(
        csv.reader(io.StringIO(imp.report.open("rb").read().decode("utf-8-sig")), delimiter=";")
    )
    lines = [r[0] for r in report[1:]]
    assert lines == ["3", "4", "5", "6", "6"]
    assert [r[1] for r in report[1:] if r[0] == "6"] == ["loyer", "reference_locataire"]


def test_an_import_marked_failed_while_it_runs_never_applies(make_import, monkeypatch, settings):
    """The stale job marks a slow run failed: that run applies nothing nor overwrites it."""
    settings.PATRIMOINE_STALE_IMPORT_MINUTES = 15
    ten(make_import)
    imp = make_import([row(n) for n in range(1, 12)])
    real_stage = importer.stage_file

    def stage_then_stale(*args, **kwargs):
        result = real_stage(*args, **kwargs)
        long_ago = timezone.now() - timedelta(hours=1)
        PatrimoineImport.objects.filter(pk=imp.pk).update(progress_at=long_ago)
        assert fail_stale_imports() == 1
        return result

    monkeypatch.setattr(importer, "stage_file", stage_then_stale)
    after = run_import(imp.pk)
    assert after.status == "failed" and "aucune progression" in after.message
    assert not Dwelling.objects.filter(housing_reference="LOG-11").exists()
    monkeypatch.setattr(importer, "stage_file", real_stage)
    assert rerun_import(after) and run_import(imp.pk).status == "done"
    assert Dwelling.objects.filter(housing_reference="LOG-11").exists()


def test_rerun_clears_the_rows_a_killed_run_left_in_staging(make_import, landlord):
    """``kill -9`` during the Python path's staging leaves committed staged rows behind."""
    from bourse.models import DwellingStaging

    imp = running(make_import, 60)
    DwellingStaging.objects.bulk_create(
        DwellingStaging(patrimoine_import=imp, line=n, housing_reference=f"LOG-{n}")
        for n in (1, 2, 3)
    )
    fail_stale_imports()
    imp.refresh_from_db()
    assert rerun_import(imp)
    done = run_import(imp.pk)
    assert done.status == "done" and done.created_count == 1 and done.error_count == 0
    assert not DwellingStaging.objects.exists()


def test_a_superseded_run_stops_at_its_next_batch(make_import, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 2)
    monkeypatch.setattr(importer.sqlpath, "available", lambda layout: False)  # Python path
    imp = make_import([row(n) for n in range(1, 8)])
    real_flush = importer._flush
    flushed = []

    def flush_then_lose(batch):
        flushed.append(len(batch))
        real_flush(batch)
        if len(flushed) == 1:  # marked failed (stale) after the first batch
            PatrimoineImport.objects.filter(pk=imp.pk).update(status="failed", message="x")

    monkeypatch.setattr(importer, "_flush", flush_then_lose)
    after = run_import(imp.pk)
    assert after.status == "failed" and flushed == [2]
    assert not Dwelling.objects.exists()
