"""The nightly recomputation of the statistics, over **all** months.

The seed's fix ("Evolution des échanges", deployed 23/03/2021): the table used
to be updated every night for the current month only, so a completion date
entered the month after the exchange was never counted. Here every run reads
every exchange file and rewrites every row of ``MonthlyStat`` and
``CommuneStat``: a date entered weeks later lands in its own month at the
next run. A run is idempotent (same data, same rows) and may be started by
hand: ``manage.py recompute_statistics``.

One pass over the parties (joined to their file and the commune of the
dwelling they leave), streamed in file order; counters in memory (a few
thousand scopes × months); then, in one transaction, the old rows are
deleted and the new ones inserted, so readers see either the old or the new
statistics, never half of them. On PostgreSQL an advisory lock serialises
two runs started together.
"""

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.models import Commune, Dwelling

from .models import DELAY_COLUMNS, DELAY_STEPS, MONTHLY_COUNTERS, CommuneStat, MonthlyStat, StatsRun

ADVISORY_LOCK = 0x57A75  # any constant shared by the runs
CHUNK = 20_000
BATCH = 5_000
KEEP_RUNS = 1  # the last run only (its time is shown on the pages)

# Positions in the counters list of a (month, landlord, department) cell.
COUNTER_INDEX = {name: i for i, name in enumerate(MONTHLY_COUNTERS)}
WIDTH = len(MONTHLY_COUNTERS) + len(DELAY_COLUMNS)
CLOSED_COUNTER = {
    Step.CLOSED_BY_LANDLORD: COUNTER_INDEX["closed_landlord"],
    Step.CLOSED_BY_TENANT: COUNTER_INDEX["closed_tenant"],
    Step.CLOSED_INACTIVITY: COUNTER_INDEX["closed_inactivity"],
    Step.CLOSED_AFTER_CAL: COUNTER_INDEX["closed_after_cal"],
}
OPENED, ATTRIBUTED = COUNTER_INDEX["files_opened"], COUNTER_INDEX["files_attributed"]
DONE, HOUSEHOLDS = COUNTER_INDEX["exchanges_done"], COUNTER_INDEX["tenants_exchanged"]

# One row per file, in file order; opening and closure as local dates (in the database).
FILE_COLUMNS = (
    "pk",
    "step",
    "opened_day",
    "closed_day",
    "attributed_on",
    "completed_on",
    "nurs_date",
    "pre_instructed_on",
    "instructed_on",
    "move_date_entered_on",
)
POSITION = {name: i for i, name in enumerate(FILE_COLUMNS)}
# (sum column index, start position, end position) of each delay per step.
DELAYS = tuple(
    (len(MONTHLY_COUNTERS) + 2 * i, POSITION[start], POSITION[end])
    for i, (_key, start, end) in enumerate(DELAY_STEPS)
)


@dataclass
class RunResult:
    files: int
    monthly_rows: int
    commune_rows: int
    seconds: float


def month_key(day: dt.date) -> int:
    """Months as integers (cheaper than dates as dictionary keys)."""
    return day.year * 12 + day.month - 1


def month_of_key(key: int) -> dt.date:
    return dt.date(key // 12, key % 12 + 1, 1)


SCOPE_BITS = 20  # a cell's key: month key << SCOPE_BITS | scope number


class Counters:
    """In-memory counters: monthly cells and commune cells.

    Cells are keyed by one integer (month and scope number) rather than a
    tuple: the counting loop runs some ten million times on a big database.
    """

    def __init__(self, departments: dict[str, str]):
        self.departments = departments  # commune -> department
        self.scope_numbers: dict[tuple, int] = {}  # (landlord, department) -> number
        self.monthly = defaultdict(lambda: [0] * WIDTH)  # cell key -> counters
        self.communes = defaultdict(int)  # (commune, landlord, year) -> households
        self.sides: dict[tuple, tuple] = {}  # (landlord, commune) -> side
        self.everything = self.scope((None, ""))

    def scope(self, key: tuple) -> int:
        number = self.scope_numbers.get(key)
        if number is None:
            number = self.scope_numbers[key] = len(self.scope_numbers)
        return number

    def side(self, landlord, commune) -> tuple:
        """(landlord, commune, its three scope numbers), computed once per pair."""
        found = self.sides.get((landlord, commune))
        if found is None:
            department = self.departments[commune]
            own = (
                self.scope((landlord, department)),
                self.scope((landlord, "")),
                self.scope((None, department)),
            )
            found = self.sides[(landlord, commune)] = (landlord, commune, own)
        return found

    def add_file(self, file, parties) -> None:
        """Count one file in every scope it belongs to.

        A file belongs to each party's (landlord, department), to each landlord
        alone, to each department alone and to "everything"; it counts once in
        each. ``parties`` are (landlord, commune) pairs.
        """
        sides = [self.side(landlord, commune) for landlord, commune in parties]
        scopes = {self.everything}
        for side in sides:
            scopes.update(side[2])

        updates = {}  # month key -> ([count columns], [(delay column, days)])
        _pk, step, opened, closed, attributed, completed = file[:6]
        events = []
        if opened is not None:
            events.append((opened, OPENED))
        if attributed is not None:
            events.append((attributed, ATTRIBUTED))
        done = step == Step.DONE and completed is not None
        if done:
            events.append((completed, DONE))
        closed_column = CLOSED_COUNTER.get(step)
        if closed_column is not None and closed is not None:
            events.append((closed, closed_column))
        for day, column in events:
            month = day.year * 12 + day.month - 1
            updates.setdefault(month, ([], []))[0].append(column)
        for column, start_at, end_at in DELAYS:
            start, end = file[start_at], file[end_at]
            if start is not None and end is not None and end >= start:
                month = end.year * 12 + end.month - 1
                updates.setdefault(month, ([], []))[1].append((column, (end - start).days))

        monthly = self.monthly
        for month, (counts, delays) in updates.items():
            base = month << SCOPE_BITS
            for number in scopes:
                cell = monthly[base | number]
                for column in counts:
                    cell[column] += 1
                for column, days in delays:
                    cell[column] += days
                    cell[column + 1] += 1
        if done:  # households: each party in its own scopes, and by commune
            base = month_key(completed) << SCOPE_BITS
            year, communes = completed.year, self.communes
            monthly[base | self.everything][HOUSEHOLDS] += len(sides)
            for landlord, commune, own in sides:
                for number in own:
                    monthly[base | number][HOUSEHOLDS] += 1
                communes[(commune, None, year)] += 1
                communes[(commune, landlord, year)] += 1

    def cells(self):
        """((month, landlord, department), counters) of every cell."""
        scopes = {number: key for key, number in self.scope_numbers.items()}
        mask = (1 << SCOPE_BITS) - 1
        for key, values in self.monthly.items():
            yield (month_of_key(key >> SCOPE_BITS), *scopes[key & mask]), values


def file_rows():
    """Every file with its dates, in file order (streamed)."""
    return (
        ExchangeFile.objects.order_by("pk")
        .annotate(opened_day=TruncDate("opened_at"), closed_day=TruncDate("closed_at"))
        .values_list(*FILE_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )


def party_rows():
    """(file, landlord, commune of the dwelling left) of every party, in file order."""
    return (
        ExchangeParty.objects.order_by("file_id")
        .values_list("file_id", "landlord_id", "dwelling_left__commune_id")
        .iterator(chunk_size=CHUNK)
    )


def files_with_parties():
    """Merge the two ordered streams: (file row, [(landlord, commune), …])."""
    parties = party_rows()
    pending = next(parties, None)
    for file in file_rows():
        pk = file[0]
        while pending is not None and pending[0] < pk:  # a party of a file made since
            pending = next(parties, None)
        sides = []
        while pending is not None and pending[0] == pk:
            sides.append((pending[1], pending[2]))
            pending = next(parties, None)
        if sides:
            yield file, sides


def count_everything() -> tuple[Counters, int]:
    counters = Counters(dict(Commune.objects.values_list("insee_code", "department")))
    files = 0
    for file, sides in files_with_parties():
        counters.add_file(file, sides)
        files += 1
    return counters, files


def communes_with_dwellings() -> set:
    """(commune, landlord) pairs that have dwellings, and (commune, None) for all."""
    pairs = set(Dwelling.objects.values_list("commune_id", "landlord_id").distinct())
    pairs.update({(commune, None) for commune, _landlord in pairs})
    return pairs


MONTHLY_WRITE = ("month", "landlord_id", "department", *MONTHLY_COUNTERS, *DELAY_COLUMNS)
COMMUNE_WRITE = ("commune_id", "landlord_id", "year", "tenants_exchanged")


def monthly_rows(counters: Counters) -> list[tuple]:
    return [(*key, *values) for key, values in counters.cells()]


def commune_rows(counters: Counters) -> list[tuple]:
    totals = defaultdict(int)
    rows = []
    for (commune, landlord, year), count in counters.communes.items():
        rows.append((commune, landlord, year, count))
        totals[(commune, landlord)] += count
    # Every commune with dwellings (in the scope) has an all-years row, zero or not.
    for pair in communes_with_dwellings() | set(totals):
        rows.append((*pair, None, totals[pair]))
    return rows


def insert_rows(model, columns: tuple, rows: list[tuple]) -> None:
    """Insert plain tuples: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=BATCH
    )


def recompute_statistics() -> RunResult:
    """Recompute every statistic over every month (idempotent)."""
    started_at = timezone.now()
    started = time.perf_counter()
    counters, files = count_everything()
    monthly = monthly_rows(counters)
    communes = commune_rows(counters)
    del counters
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        MonthlyStat.objects.all().delete()
        CommuneStat.objects.all().delete()
        insert_rows(MonthlyStat, MONTHLY_WRITE, monthly)
        insert_rows(CommuneStat, COMMUNE_WRITE, communes)
        seconds = time.perf_counter() - started
        StatsRun.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            seconds=seconds,
            files=files,
            monthly_rows=len(monthly),
            commune_rows=len(communes),
        )
        old = StatsRun.objects.order_by("-finished_at").values_list("pk", flat=True)[KEEP_RUNS:]
        StatsRun.objects.filter(pk__in=list(old)).delete()
        transaction.on_commit(_after_commit)
    return RunResult(files, len(monthly), len(communes), seconds)


def _after_commit() -> None:
    from .figures import refresh_key_figures

    refresh_key_figures()
