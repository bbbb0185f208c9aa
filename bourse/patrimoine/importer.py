"""Import of a patrimoine file: validate every row, then apply the valid ones.

The rows are streamed from the file into a staging table (PostgreSQL's COPY,
or batched inserts elsewhere), so memory stays flat whatever the file's size.
Counting and applying are set-based SQL statements:

- created: valid rows whose housing reference is new for the landlord;
- updated: valid rows that differ from the stored dwelling (or bring back a
  dwelling that had left the snapshot);
- made ineligible: with a full snapshot, stored dwellings missing from the
  file leave the snapshot — their tenants become ineligible, nothing is
  deleted. A row with errors still counts as present.

Applying runs in one transaction under a lock on the landlord: a refused file
or a crash changes nothing. Importing the same file twice changes nothing the
second time (the upsert only touches rows that differ).
"""

import csv
import heapq
import io
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from operator import attrgetter

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..eligibility import sync_listings_eligibility
from ..models import Dwelling, DwellingStaging, Landlord, PatrimoineImport
from ..territories import reference_codes
from . import sqlpath
from .columns import (
    COLUMNS,
    COMPARED_FIELDS,
    DWELLING_FIELDS,
    KEY_FIELD,
    RECORD_ATTRIBUTES,
)
from .reader import PatrimoineFileError, check_csv, check_file, read_rows
from .validation import (
    DUPLICATE_HOUSING,
    DUPLICATE_TENANT,
    EXAMPLE_NOTE,
    HOUSING_DUPLICATE_KEY,
    TENANT_DUPLICATE_KEY,
    RowValidator,
    is_template_example,
)

logger = logging.getLogger(__name__)

BATCH = 5000
STAGING_COLUMNS = ("patrimoine_import_id", "valid", "line", *DWELLING_FIELDS)
# A valid row's staged values, from its record (``line`` first).
_record_values = attrgetter("line", *RECORD_ATTRIBUTES)
# An invalid row's: empty, but for its references.
_BLANK = tuple("" if column.sql_type == "text" else None for column in COLUMNS)
_HOUSING, _TENANT = DWELLING_FIELDS.index(KEY_FIELD), DWELLING_FIELDS.index("tenant_reference")
for _model in (Dwelling, DwellingStaging):  # the list of columns matches the models
    assert {f.attname for f in _model._meta.concrete_fields} >= set(DWELLING_FIELDS)  # noqa: S101
REPORT_HEADER = ("ligne", "colonne", "valeur", "motif")


@dataclass(frozen=True)
class Staging:
    """The staged rows of one import: a table and the condition selecting them.

    ``where`` is a format string over the table's alias (``{a}``).
    """

    table: str
    where: str
    path: str  # "sql" (COPY and SQL rules, PostgreSQL) or "python"

    def rows(self, alias: str) -> str:
        return self.where.format(a=alias)


def python_staging() -> "Staging":
    return Staging(_table(DwellingStaging), "{a}.patrimoine_import_id = %(imp)s", "python")


SQL_STAGING = Staging(sqlpath.STAGE, "TRUE", "sql")


@dataclass
class Outcome:
    rows: int = 0
    errors: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    made_ineligible: int = 0
    skipped: int = 0  # the template's example rows
    at_risk: int = 0  # snapshot dwellings made absent or ineligible
    stored: int = 0  # the landlord's dwellings in the snapshot before the import
    error_rows: list = field(default_factory=list)
    path: str = ""

    @property
    def valid(self) -> int:
        return self.rows - self.errors - self.skipped


def _staging_tuple(import_id, record=None, line=0, housing_reference="", tenant_reference=""):
    if record is None:
        # An invalid row is staged with its references only: it still counts as
        # present in a full snapshot, and duplicates are found against it.
        values = list(_BLANK)
        values[_HOUSING], values[_TENANT] = housing_reference, tenant_reference
        return (import_id, False, line, *values)
    return (import_id, True) + _record_values(record)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_COPY_SPECIAL = re.compile(r"[\x00\\\t\n\r]")
_COPY_ESCAPES = {"\x00": "", "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_value(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if value.__class__ is str:
        if _COPY_SPECIAL.search(value):
            return _COPY_SPECIAL.sub(lambda m: _COPY_ESCAPES[m.group()], value)
        return value
    return str(value)


def _copy_text(batch: list[tuple]) -> bytes:
    """A batch of rows as COPY text: formatting it here is much faster than row by row."""
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in batch).encode("utf-8")


def _flush(batch: list[tuple]) -> None:
    if not batch:
        return
    table = _table(DwellingStaging)
    columns = ", ".join(STAGING_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(_copy_text(batch))
        else:
            placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                batch,
            )
    batch.clear()


def stage_file(imp: PatrimoineImport, fileobj, report_writer, progress=None):
    """Read and validate the file into staging; write the report (in line order).

    Returns (outcome, staging). A well-formed CSV file on PostgreSQL takes the
    SQL path (``sqlpath``: COPY, then the rules in SQL); any other file, or a
    CSV file that COPY refuses, the Python path. Both check the file as a
    whole first, in Python, and refuse it with the same messages.
    """
    if check_file(fileobj) == "csv" and connection.vendor == "postgresql":
        layout = check_csv(fileobj)
        if sqlpath.available(layout):
            try:
                copied, scanned = sqlpath.copy_file(fileobj, layout)
            except sqlpath.NotForCopy as reason:
                logger.info("Patrimoine import %s: Python path (%s)", imp.pk, reason)
                sqlpath.drop_tables()
            else:
                if progress:
                    progress(copied)
                return _stage_sql(imp, layout, report_writer, scanned), SQL_STAGING
        fileobj.seek(0)
    return _stage_python(imp, fileobj, report_writer, progress), python_staging()


EXAMPLE_KEY = -1  # the example's note comes first on its line


def write_report(report_writer, entries) -> None:
    """The report's rows in line order (then a row's rules in ``RULES`` order).

    ``entries``: iterables of (line, key, column, value, reason), each already
    in that order; merged without holding them in memory. Values are written
    as read: the CSV download makes them safe for spreadsheets
    (``safe_spreadsheet_text`` in ``views.imports.import_report``), the screen shows
    them as they are.
    """
    for line, _key, column, value, reason in heapq.merge(*entries, key=lambda e: (e[0], e[1])):
        report_writer.writerow((line, column, value, reason))


def _stage_sql(imp: PatrimoineImport, layout, report_writer, scanned: sqlpath.Scan) -> Outcome:
    outcome = Outcome(path="sql")
    outcome.rows, outcome.errors, outcome.skipped = sqlpath.stage(layout, scanned.edge_spaces)
    entries = flag_duplicates(imp, outcome, SQL_STAGING)
    if outcome.errors:
        entries.append(sqlpath.error_rows(layout))
    if outcome.skipped:
        entries.append(
            (line, EXAMPLE_KEY, "reference_logement", value, str(EXAMPLE_NOTE))
            for line, value in sqlpath.example_rows(layout)
        )
    write_report(report_writer, entries)
    return outcome


def _pending_entries(pending) -> Iterator[tuple]:
    pending.seek(0)
    for line, key, column, value, reason in csv.reader(pending):
        yield int(line), float(key), column, value, reason


def _stage_python(imp: PatrimoineImport, fileobj, report_writer, progress=None) -> Outcome:
    """Memory stays flat: rows go to the database in batches, the row errors to
    a temporary file, and duplicate references are found afterwards in SQL
    (``flag_duplicates``)."""
    insee_codes, sirens = reference_codes()
    validator = RowValidator(insee_codes, sirens, track_duplicates=False)
    validate = validator.validate
    outcome = Outcome(path="python")
    _names, rows = read_rows(fileobj)
    batch: list[tuple] = []
    append = batch.append
    pending = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")
    pending_writer = csv.writer(pending)
    note = str(EXAMPLE_NOTE)
    # ``closing``: an interrupted run closes the reader while its file is still open.
    with pending, closing(rows):
        for row in rows:
            outcome.rows += 1
            reference = str(row.values.get("reference_logement", "") or "").strip()
            if is_template_example(reference):
                outcome.skipped += 1
                pending_writer.writerow(
                    (row.line, EXAMPLE_KEY, "reference_logement", reference[:200], note)
                )
                continue
            record, errors = validate(row)
            if errors:
                outcome.errors += 1
                keys = validator.failures(validator.parse(row.values))
                for key, error in zip(keys, errors, strict=True):
                    pending_writer.writerow(
                        (error.line, key, error.column, error.value, error.reason)
                    )
                reference = reference[:50]
                tenant = str(row.values.get("reference_locataire", "") or "").strip()[:50]
                if reference or tenant:
                    append(_staging_tuple(imp.pk, None, row.line, reference, tenant))
            else:
                append(_staging_tuple(imp.pk, record))
            if len(batch) >= BATCH:
                if progress:
                    progress(outcome.rows)  # raises ``RunSuperseded`` once the run is not ours
                _flush(batch)
        _flush(batch)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {_table(DwellingStaging)} "
                    "(patrimoine_import_id, housing_reference, tenant_reference, valid)"
                )
        entries = flag_duplicates(imp, outcome, python_staging())
        write_report(report_writer, [_pending_entries(pending), *entries])
    return outcome


DUPLICATE_RULES = (
    ("housing_reference", "reference_logement", DUPLICATE_HOUSING, HOUSING_DUPLICATE_KEY),
    ("tenant_reference", "reference_locataire", DUPLICATE_TENANT, TENANT_DUPLICATE_KEY),
)


def flag_duplicates(imp: PatrimoineImport, outcome: Outcome, staging: Staging) -> list:
    """Invalidate every repeat of a housing or tenant reference (set-based).

    Returns the report's entries for them (generators, in line order).
    """
    table = staging.table
    counts = ", ".join(
        f"COUNT(DISTINCT NULLIF({column}, '')) < COUNT(NULLIF({column}, ''))"
        for column, _file_column, _reason, _key in DUPLICATE_RULES
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {counts} FROM {table} f WHERE {staging.rows('f')}",  # noqa: S608
            {"imp": imp.pk},
        )
        repeated = cursor.fetchone()
    entries = []
    for rule, any_repeat in zip(DUPLICATE_RULES, repeated, strict=True):
        if not any_repeat:
            continue
        column = rule[0]
        firsts = f"""SELECT {column} AS reference, MIN(line) AS first_line FROM {table} f
            WHERE {staging.rows("f")} AND {column} <> ''
            GROUP BY {column} HAVING COUNT(*) > 1"""  # noqa: S608
        repeats = f"""SELECT s.line FROM {table} s JOIN ({firsts}) f ON s.{column} = f.reference
            WHERE {staging.rows("s")} AND s.line > f.first_line"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table} SET valid = false WHERE {staging.rows(table)}
                    AND valid AND line IN ({repeats})""",  # noqa: S608
                {"imp": imp.pk},
            )
            outcome.errors += max(cursor.rowcount, 0)
        entries.append(_duplicate_entries(imp, staging, rule, firsts))
    return entries


def _duplicate_entries(imp, staging: Staging, rule, firsts: str):
    column, file_column, reason, key = rule
    table = staging.table
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"""SELECT s.line, s.{column}, f.first_line FROM {table} s
                JOIN ({firsts}) f ON s.{column} = f.reference
                WHERE {staging.rows("s")} AND s.line > f.first_line
                ORDER BY s.line""",  # noqa: S608
            {"imp": imp.pk},
        )
        while chunk := cursor.fetchmany(2000):
            for line, value, first_line in chunk:
                yield line, key, file_column, value, reason % {"line": first_line}


def _differs(left: str, right: str) -> str:
    return " OR ".join(f"{left}.{c} <> {right}.{c}" for c in COMPARED_FIELDS)


def _params(imp: PatrimoineImport) -> dict:
    return {"imp": imp.pk, "landlord": imp.landlord_id}


def count_changes(imp: PatrimoineImport, outcome: Outcome, staging: Staging) -> None:
    """What applying would change (the dry run's figures)."""
    dwelling, table = _table(Dwelling), staging.table
    params = _params(imp)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(*) FROM {table} s WHERE {staging.rows("s")}
                AND s.valid AND NOT EXISTS (SELECT 1 FROM {dwelling} d
                WHERE d.landlord_id = %(landlord)s
                AND d.housing_reference = s.housing_reference)""",  # noqa: S608
            params,
        )
        outcome.created = cursor.fetchone()[0]
        cursor.execute(
            f"""SELECT COUNT(*) FROM {table} s JOIN {dwelling} d
                ON d.landlord_id = %(landlord)s AND d.housing_reference = s.housing_reference
                WHERE {staging.rows("s")} AND s.valid
                AND (NOT d.in_snapshot OR {_differs("d", "s")})""",  # noqa: S608
            params,
        )
        outcome.updated = cursor.fetchone()[0]
        if imp.full_snapshot:
            cursor.execute(
                f"""SELECT COUNT(*) FROM {dwelling} d WHERE d.landlord_id = %(landlord)s
                    AND d.in_snapshot AND NOT EXISTS (SELECT 1 FROM {table} s
                    WHERE {staging.rows("s")}
                    AND s.housing_reference = d.housing_reference)""",  # noqa: S608
                params,
            )
            outcome.made_ineligible = cursor.fetchone()[0]
    _unchanged(outcome)


def _unchanged(outcome: Outcome) -> None:
    outcome.unchanged = max(outcome.valid - outcome.created - outcome.updated, 0)


def apply_changes(imp: PatrimoineImport, outcome: Outcome, staging: Staging) -> None:
    """Take missing dwellings out of the snapshot, update changed ones, insert new ones.

    Runs under the landlord's lock (``run_import``), so the figures of each
    statement are the import's counts. A landlord's first import (no dwelling
    yet) inserts every valid row: the staged references are unique
    (``flag_duplicates``), and no anti-join runs against a table the planner
    may believe empty (its nested loop would rescan the growing table for
    every row). Later imports find new rows by an anti-join on the landlord's
    references (far cheaper than ``ON CONFLICT`` when most rows exist).
    """
    dwelling, table = _table(Dwelling), staging.table
    params = {**_params(imp), "now": timezone.now()}
    inserted = DWELLING_FIELDS
    assignments = ", ".join(f"{c} = s.{c}" for c in COMPARED_FIELDS)
    outcome.made_ineligible = outcome.updated = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {dwelling} WHERE landlord_id = %(landlord)s)",  # noqa: S608
            params,
        )
        first_import = not cursor.fetchone()[0]
        if imp.full_snapshot and not first_import:
            cursor.execute(
                f"""UPDATE {dwelling} SET in_snapshot = false, updated_at = %(now)s
                    WHERE landlord_id = %(landlord)s AND in_snapshot AND NOT EXISTS
                    (SELECT 1 FROM {table} s WHERE {staging.rows("s")}
                    AND s.housing_reference = {dwelling}.housing_reference)""",  # noqa: S608
                params,
            )
            outcome.made_ineligible = cursor.rowcount
        if not first_import:
            cursor.execute(
                f"""UPDATE {dwelling} AS d SET {assignments}, in_snapshot = true,
                    updated_at = %(now)s
                    FROM {table} s WHERE {staging.rows("s")} AND s.valid
                    AND d.landlord_id = %(landlord)s AND d.housing_reference = s.housing_reference
                    AND (NOT d.in_snapshot OR {_differs("d", "s")})""",  # noqa: S608
                params,
            )
            outcome.updated = cursor.rowcount
        new_only = (
            ""
            if first_import
            else f"""AND NOT EXISTS (SELECT 1 FROM {dwelling} d
                WHERE d.landlord_id = %(landlord)s AND d.housing_reference = s.housing_reference)"""  # noqa: S608
        )
        cursor.execute(
            f"""INSERT INTO {dwelling} (landlord_id, {", ".join(inserted)}, in_snapshot,
                updated_at)
                SELECT %(landlord)s, {", ".join("s." + c for c in inserted)}, true,
                %(now)s FROM {table} s
                WHERE {staging.rows("s")} AND s.valid {new_only}""",  # noqa: S608
            params,
        )
        outcome.created = cursor.rowcount
    _unchanged(outcome)
    # Tenants made ineligible leave the search at once, and come back when eligible.
    sync_listings_eligibility(imp.landlord_id)


# --- The snapshot guard ------------------------------------------------------------------


class SnapshotRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refuse_empty_snapshot(imp: PatrimoineImport, outcome: Outcome) -> None:
    """A full snapshot without a single valid row is refused (it would empty the patrimoine).

    Only the header line, only rows in error, or only the template's example row.
    """
    if imp.full_snapshot and outcome.valid <= 0:
        raise SnapshotRefused(
            _(
                "Le fichier complet ne contient aucune ligne de logement valide (%(rows)s ligne(s) "
                "lue(s), dont %(errors)s en erreur et %(skipped)s ligne(s) d’exemple du "
                "modèle) : il est refusé, rien n’a été modifié. Un fichier complet doit "
                "contenir tout votre patrimoine."
            )
            % {"rows": outcome.rows, "errors": outcome.errors, "skipped": outcome.skipped}
        )


def snapshot_at_risk(imp: PatrimoineImport, staging: Staging) -> tuple[int, int]:
    """(dwellings of the snapshot the file would make absent or ineligible, dwellings
    in the snapshot).

    Absent: missing from a full snapshot. Ineligible: eligible in the stored row
    (flag and tenant reference), not in the file's valid row.
    """
    dwelling, table = _table(Dwelling), staging.table
    params = _params(imp)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {dwelling} WHERE landlord_id = %(landlord)s AND in_snapshot",  # noqa: S608
            params,
        )
        stored = cursor.fetchone()[0]
        if not stored:
            return 0, 0
        absent = 0
        if imp.full_snapshot:
            cursor.execute(
                f"""SELECT COUNT(*) FROM {dwelling} d WHERE d.landlord_id = %(landlord)s
                    AND d.in_snapshot AND NOT EXISTS (SELECT 1 FROM {table} s
                    WHERE {staging.rows("s")}
                    AND s.housing_reference = d.housing_reference)""",  # noqa: S608
                params,
            )
            absent = cursor.fetchone()[0]
        cursor.execute(
            f"""SELECT COUNT(*) FROM {table} s JOIN {dwelling} d
                ON d.landlord_id = %(landlord)s AND d.housing_reference = s.housing_reference
                WHERE {staging.rows("s")} AND s.valid AND NOT s.eligible_flag
                AND d.in_snapshot AND d.eligible_flag AND d.tenant_reference <> ''""",  # noqa: S608
            params,
        )
        ineligible = cursor.fetchone()[0]
    return absent + ineligible, stored


def snapshot_loss_needs_confirmation(at_risk: int, stored: int, percent: int | None = None) -> bool:
    """More than ``PATRIMOINE_SNAPSHOT_GUARD_PERCENT`` % of the snapshot made absent or
    ineligible: applied only once confirmed (exactly the share: no confirmation)."""
    if percent is None:
        percent = settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT
    return at_risk * 100 > percent * stored


def snapshot_loss_confirmed(imp: PatrimoineImport, at_risk: int) -> bool:
    """The confirmation named at least as many dwellings as the file now affects."""
    return imp.confirmed_count is not None and at_risk <= imp.confirmed_count


def _guard(imp: PatrimoineImport, outcome: Outcome, staging: Staging) -> bool:
    """Fill the guard's figures; True when the file may not be applied as it is."""
    outcome.at_risk, outcome.stored = snapshot_at_risk(imp, staging)
    imp.confirmation_required = snapshot_loss_needs_confirmation(outcome.at_risk, outcome.stored)
    return imp.confirmation_required and not snapshot_loss_confirmed(imp, outcome.at_risk)


def _unconfirmed_message(imp: PatrimoineImport, outcome: Outcome) -> str:
    figures = {
        "count": outcome.at_risk,
        "stored": outcome.stored,
        "percent": settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT,
    }
    if imp.source == PatrimoineImport.Source.INBOX:
        return (
            _(
                "Fichier du dépôt automatique refusé : il rendrait %(count)s logement(s) absent(s) "
                "ou inéligible(s), plus de %(percent)s %% des %(stored)s logements de votre "
                "patrimoine. Rien n’a été modifié. Vérifiez le fichier ; pour l’appliquer "
                "malgré tout, confirmez-le sur la page de l’import."
            )
            % figures
        )
    return (
        _(
            "Ce fichier rendrait %(count)s logement(s) absent(s) ou inéligible(s), plus de "
            "%(percent)s %% des %(stored)s logements de votre patrimoine : rien n’a été "
            "appliqué. Confirmez ce nombre sur cette page pour l’appliquer."
        )
        % figures
    )


# --- Running an import ------------------------------------------------------------------


def _clear_staging(imp: PatrimoineImport) -> None:
    # Raw DELETE: the ORM would load every staged row to send signals.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_table(DwellingStaging)} WHERE patrimoine_import_id = %s",  # noqa: S608
            [imp.pk],
        )


class RunSuperseded(Exception):
    """The import was marked failed (stale) while this run went on."""


def still_ours(imp: PatrimoineImport, started_at, lock: bool = False) -> bool:
    """This run still holds the import (running, with the start time it claimed).

    Checked, with the import's row locked, before applying: an import marked
    failed by ``fail_stale_imports`` never applies afterwards, and a late run
    never overwrites the state of the import's next run.
    """
    mine = PatrimoineImport.objects.filter(
        pk=imp.pk, status=PatrimoineImport.Status.RUNNING, started_at=started_at
    )
    return (mine.select_for_update() if lock else mine).exists()


def run_import(import_id: int) -> PatrimoineImport:
    """Run one import from start to end; never raises for a bad file.

    Only a pending import is run (claimed by one statement): a task delivered
    twice, or an import already marked failed, is left alone.
    """
    now = timezone.now()
    claimed = PatrimoineImport.objects.filter(
        pk=import_id, status=PatrimoineImport.Status.PENDING
    ).update(status=PatrimoineImport.Status.RUNNING, started_at=now, progress_at=now)
    imp = PatrimoineImport.objects.select_related("landlord", "uploaded_by").get(pk=import_id)
    if not claimed:
        return imp

    def progress(rows: int | None = None) -> None:
        changes = {"progress_at": timezone.now()}
        if rows is not None:
            changes["rows_total"] = rows
        if not PatrimoineImport.objects.filter(
            pk=imp.pk, status=PatrimoineImport.Status.RUNNING, started_at=now
        ).update(**changes):
            raise RunSuperseded

    # Rows staged by an earlier run of this import that was killed (``kill -9``).
    _clear_staging(imp)

    report = tempfile.TemporaryFile(mode="w+b")
    text = io.TextIOWrapper(report, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow(REPORT_HEADER)
    staging = python_staging()
    outcome = Outcome()
    imp.message = ""
    try:
        with imp.file.open("rb") as fileobj:
            outcome, staging = stage_file(imp, fileobj, writer, progress)
        progress()
        refuse_empty_snapshot(imp, outcome)
        if imp.dry_run:
            count_changes(imp, outcome, staging)
            _guard(imp, outcome, staging)
            imp.status = PatrimoineImport.Status.DONE
        else:
            with transaction.atomic():
                Landlord.objects.select_for_update().filter(pk=imp.landlord_id).first()
                if not still_ours(imp, now, lock=True):
                    raise RunSuperseded
                if _guard(imp, outcome, staging):
                    count_changes(imp, outcome, staging)
                    imp.message = _unconfirmed_message(imp, outcome)
                    imp.status = (
                        PatrimoineImport.Status.REFUSED
                        if imp.source == PatrimoineImport.Source.INBOX
                        else PatrimoineImport.Status.CONFIRM
                    )
                else:
                    apply_changes(imp, outcome, staging)
                    imp.status = PatrimoineImport.Status.DONE
    except RunSuperseded:
        # Marked failed meanwhile (``fail_stale_imports``), maybe re-run: nothing applied.
        logger.warning("Patrimoine import %s: no longer this run's, nothing applied", imp.pk)
    except SnapshotRefused as refusal:
        imp.status = PatrimoineImport.Status.REFUSED
        imp.message = refusal.message
    except PatrimoineFileError as error:
        outcome = Outcome()
        imp.status = PatrimoineImport.Status.REFUSED
        imp.message = error.message
    except Exception:
        logger.exception("Patrimoine import %s failed", imp.pk)
        outcome = Outcome()
        imp.status = PatrimoineImport.Status.FAILED
        imp.message = _(
            "Une erreur technique a interrompu l’import ; aucune donnée n’a été modifiée. "
            "L’équipe technique a été prévenue."
        )
    finally:
        if connection.vendor == "postgresql":
            sqlpath.drop_tables()
        if staging.path == "python" and still_ours(imp, now):
            # A superseded run leaves them: the next run of the import clears them.
            _clear_staging(imp)

    if not still_ours(imp, now):
        text.close()
        imp.refresh_from_db()
        return imp
    imp.rows_total = outcome.rows
    imp.error_count = outcome.errors
    imp.created_count = outcome.created
    imp.updated_count = outcome.updated
    imp.unchanged_count = outcome.unchanged
    imp.ineligible_count = outcome.made_ineligible
    imp.skipped_count = outcome.skipped
    imp.at_risk_count = outcome.at_risk
    imp.finished_at = timezone.now()
    text.flush()
    if outcome.errors or outcome.skipped:
        report.seek(0)
        imp.report.save(f"rapport-import-{imp.pk}.csv", File(report), save=False)
    text.close()
    imp.save()
    from .notifications import notify_import_finished

    notify_import_finished(imp)
    return imp


# --- Stale imports ------------------------------------------------------------------------

STALE_MESSAGE = _lazy(
    "L’import s’est interrompu (aucune progression depuis %(minutes)s minutes, le "
    "traitement a sans doute été arrêté) : aucune donnée n’a été modifiée. "
    "Vous pouvez le relancer depuis cette page."
)


def fail_stale_imports(now=None) -> int:
    """Mark failed every import running without progress for longer than
    ``PATRIMOINE_STALE_IMPORT_MINUTES`` (beat job; idempotent: one statement).

    A killed worker applied nothing (one transaction); its import no longer
    stays "en cours" forever and can be re-run (``rerun_import``).
    """
    now = now or timezone.now()
    minutes = settings.PATRIMOINE_STALE_IMPORT_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    last_sign = Coalesce("progress_at", "started_at", "created_at")
    return (
        PatrimoineImport.objects.filter(status=PatrimoineImport.Status.RUNNING)
        .alias(last_sign=last_sign)
        .filter(last_sign__lt=cutoff)
        .update(
            status=PatrimoineImport.Status.FAILED,
            message=str(STALE_MESSAGE % {"minutes": minutes}),
            finished_at=now,
        )
    )


def rerun_import(imp: PatrimoineImport) -> bool:
    """Put a failed import back in the queue's hands (pending); True when it was.

    One conditional statement: a second click, or an import no longer failed,
    changes nothing.
    """
    return bool(
        PatrimoineImport.objects.filter(pk=imp.pk, status=PatrimoineImport.Status.FAILED).update(
            status=PatrimoineImport.Status.PENDING,
            message="",
            started_at=None,
            finished_at=None,
            progress_at=None,
            rows_total=0,
        )
    )
