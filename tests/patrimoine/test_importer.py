"""Patrimoine imports: upsert, idempotence, snapshot ineligibility, dry run,
refused files, report, mail."""

import pytest
from django.core import mail

from bourse.eligibility import eligible_dwellings, is_eligible
from bourse.models import Dwelling, PatrimoineImport
from bourse.patrimoine.importer import run_import

from .conftest import row

pytestmark = pytest.mark.django_db


def counts(imp):
    imp.refresh_from_db()
    return {
        "status": imp.status,
        "rows": imp.rows_total,
        "created": imp.created_count,
        "updated": imp.updated_count,
        "unchanged": imp.unchanged_count,
        "ineligible": imp.ineligible_count,
        "errors": imp.error_count,
    }


def test_valid_rows_are_created(make_import, landlord):
    imp = run_import(make_import([row(1), row(2), row(3)]).pk)
    assert counts(imp) == {
        "status": "done",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "ineligible": 0,
        "errors": 0,
    }
    dwelling = Dwelling.objects.get(landlord=landlord, housing_reference="LOG-1")
    assert dwelling.commune_id == "93048" and str(dwelling.surface) == "64.50"
    assert dwelling.in_snapshot and dwelling.updated_at >= imp.created_at


def test_same_file_twice_changes_nothing(make_import):
    rows = [row(n) for n in range(1, 6)]
    run_import(make_import(rows).pk)
    before = list(Dwelling.objects.order_by("pk").values())
    second = run_import(make_import(rows).pk)
    assert counts(second)["created"] == 0 and counts(second)["updated"] == 0
    assert counts(second)["unchanged"] == 5
    assert list(Dwelling.objects.order_by("pk").values()) == before


def test_changed_rows_are_updated(make_import):
    run_import(make_import([row(1), row(2)]).pk)
    imp = run_import(make_import([row(1, loyer="600"), row(2)]).pk)
    assert counts(imp)["updated"] == 1 and counts(imp)["unchanged"] == 1
    assert str(Dwelling.objects.get(housing_reference="LOG-1").rent) == "600.00"


def test_missing_dwellings_of_a_full_snapshot_become_ineligible_not_deleted(make_import):
    run_import(make_import([row(1), row(2), row(3)]).pk)
    imp = run_import(make_import([row(1), row(2)], confirmed_count=1).pk)
    assert counts(imp)["ineligible"] == 1
    gone = Dwelling.objects.get(housing_reference="LOG-3")
    assert gone.in_snapshot is False and not is_eligible(gone)
    assert Dwelling.objects.count() == 3
    # It comes back when a later file lists it again.
    back = run_import(make_import([row(1), row(2), row(3)]).pk)
    assert counts(back)["updated"] == 1
    assert Dwelling.objects.get(housing_reference="LOG-3").in_snapshot


def test_partial_file_does_not_touch_missing_dwellings(make_import):
    run_import(make_import([row(1), row(2)]).pk)
    imp = run_import(make_import([row(1)], full=False).pk)
    assert counts(imp)["ineligible"] == 0
    assert Dwelling.objects.filter(in_snapshot=True).count() == 2


def test_invalid_rows_are_reported_and_valid_rows_applied(make_import):
    imp = run_import(make_import([row(1), row(2, code_insee="99999", loyer="-5"), row(3)]).pk)
    assert counts(imp)["created"] == 2 and counts(imp)["errors"] == 1
    report = imp.report.open("rb").read().decode("utf-8-sig")
    assert "ligne;colonne;valeur;motif" in report
    assert "3;code_insee;99999;Code INSEE inconnu" in report
    # Stored as read: the CSV download alone escapes formulas (tests of the report's screen).
    assert "3;loyer;-5;Le loyer ne peut pas être négatif." in report


def test_a_row_with_errors_keeps_its_dwelling_in_the_snapshot(make_import):
    run_import(make_import([row(1), row(2)]).pk)
    imp = run_import(make_import([row(1), row(2, typologie="duplex")]).pk)
    assert counts(imp)["ineligible"] == 0
    assert Dwelling.objects.get(housing_reference="LOG-2").in_snapshot


def test_dry_run_counts_but_changes_nothing(make_import):
    run_import(make_import([row(1), row(2)]).pk)
    before = list(Dwelling.objects.order_by("pk").values())
    imp = run_import(
        make_import([row(1, loyer="700"), row(3), row(4, code_insee="1")], dry_run=True).pk
    )
    assert counts(imp) == {
        "status": "done",
        "rows": 3,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "ineligible": 1,
        "errors": 1,
    }
    assert list(Dwelling.objects.order_by("pk").values()) == before


def test_refused_file_changes_nothing_and_says_why(make_import):
    run_import(make_import([row(1)]).pk)
    before = list(Dwelling.objects.values())
    imp = run_import(make_import([], data=b"\x00\x01 not a csv").pk)
    assert imp.status == PatrimoineImport.Status.REFUSED
    assert "ni un fichier CSV" in imp.message
    assert list(Dwelling.objects.values()) == before


def test_report_is_mailed_to_the_importer(make_import, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_import(make_import([row(1), row(2, code_insee="1")]).pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@ssdh.example"]
    assert "1 ligne(s) en erreur" in message.subject
    assert "Lignes lues : 2" in message.body


def test_landlords_are_kept_apart(make_import, other_landlord):
    from bourse.models import PatrimoineImport as Import

    run_import(make_import([row(1)]).pk)
    other = Import.objects.create(
        landlord=other_landlord, original_name="x.csv", sha256="y", full_snapshot=True
    )
    from django.core.files.base import ContentFile

    from .test_reader_and_validation import csv_bytes

    other.file.save("x.csv", ContentFile(csv_bytes([row(9)])))
    run_import(other.pk)
    assert Dwelling.objects.filter(landlord=other_landlord).count() == 1
    assert Dwelling.objects.get(housing_reference="LOG-1").in_snapshot  # untouched


def test_eligible_dwellings_query_matches_the_function(make_import):
    run_import(make_import([row(1), row(2, eligible="non"), row(3, reference_locataire="")]).pk)
    query = set(eligible_dwellings().values_list("housing_reference", flat=True))
    by_function = {d.housing_reference for d in Dwelling.objects.all() if is_eligible(d)}
    assert query == by_function == {"LOG-1"}


@pytest.mark.parametrize(
    "change", [{"landlord_id": 10**9}, {"commune_id": "00000"}], ids=["landlord", "commune"]
)
def test_the_database_refuses_a_dwelling_whose_key_points_nowhere(change):
    """The keys of bourse_dwelling are database constraints (issue 16): a row
    written around the ORM (the import's SQL) cannot point at a missing landlord
    or commune. Deferred, they are checked at commit (here: at once)."""
    from django.db import IntegrityError, connection, transaction

    from bourse.factories import DwellingFactory

    dwelling = DwellingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():  # rolled back: nothing stays
        Dwelling.objects.filter(pk=dwelling.pk).update(**change)
        connection.check_constraints(table_names=["bourse_dwelling"])
    connection.check_constraints(table_names=["bourse_dwelling"])  # the row as it was


def test_django_keeps_dwellings_consistent_on_delete(make_import, landlord):
    """Django's CASCADE and PROTECT apply to every delete through the ORM (the
    database's keys: the test above)."""
    from django.db.models import ProtectedError

    from bourse.models import Commune, StaffProfile

    imp = run_import(make_import([row(1), row(2)]).pk)
    with pytest.raises(ProtectedError):
        Commune.objects.get(pk="93048").delete()
    PatrimoineImport.objects.filter(pk=imp.pk).delete()  # the dwellings stay
    assert Dwelling.objects.count() == 2
    StaffProfile.objects.filter(landlord=landlord).delete()  # staff protect their landlord
    landlord.delete()
    assert not Dwelling.objects.exists()


def test_first_import_inserts_everything_later_ones_only_new_rows(make_import, landlord):
    """A landlord's first import inserts without looking for existing rows (an
    anti-join planned against an emptied, freshly analysed table rescanned the
    table for every row); the next one adds only the new reference."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE bourse_dwelling")
    imp = run_import(make_import([row(n) for n in range(1, 301)]).pk)
    assert counts(imp)["created"] == 300
    again = run_import(make_import([row(n) for n in range(1, 302)]).pk)
    assert counts(again)["created"] == 1 and counts(again)["unchanged"] == 300
