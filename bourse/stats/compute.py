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
from itertools import groupby
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bourse.exchanges.models import ExchangeParty, Step
from bourse.models import Dwelling

from .models import DELAY_COLUMNS, DELAY_STEPS, MONTHLY_COUNTERS, CommuneStat, MonthlyStat, StatsRun

ADVISORY_LOCK = 0x57A75  # any constant shared by the runs
CHUNK = 20_000
BATCH = 5_000
KEEP_RUNS = 1  # the last run only (its time is shown on the pages)

# Positions in the counters list of a (month, landlord, department) cell.
COUNTER_INDEX = {name: i for i, name in enumerate(MONTHLY_COUNTERS)}
DELAY_INDEX = {
    key: len(MONTHLY_COUNTERS) + 2 * i for i, (key, _start, _end) in enumerate(DELAY_STEPS)
}
WIDTH = len(MONTHLY_COUNTERS) + 2 * len(DELAY_STEPS)
CLOSED_COUNTER = {
    Step.CLOSED_BY_LANDLORD: "closed_landlord",
    Step.CLOSED_BY_TENANT: "closed_tenant",
    Step.CLOSED_INACTIVITY: "closed_inactivity",
    Step.CLOSED_AFTER_CAL: "closed_after_cal",
}

FILE_FIELDS = (
    "file__step",
    "file__opened_at",
    "file__attributed_on",
    "file__completed_on",
    "file__closed_at",
    "file__nurs_date",
    "file__pre_instructed_on",
    "file__instructed_on",
    "file__move_date_entered_on",
)
ROW_FIELDS = (
    "file_id",
    "landlord_id",
    "dwelling_left__commune_id",
    "dwelling_left__commune__department",
    *FILE_FIELDS,
)
F = {name: i for i, name in enumerate(ROW_FIELDS)}


@dataclass
class RunResult:
    files: int
    monthly_rows: int
    commune_rows: int
    seconds: float


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def local_day(moment: dt.datetime | None, zone) -> dt.date | None:
    if moment is None:
        return None
    if timezone.is_naive(moment):  # databases without time zone support
        moment = timezone.make_aware(moment, dt.UTC)
    return moment.astimezone(zone).date()


def file_scopes(parties) -> set:
    """The scopes a file counts in: each party's (landlord, department), the
    landlord alone, the department alone, and everything."""
    scopes = {(None, "")}
    for party in parties:
        landlord, department = (
            party[F["landlord_id"]],
            party[F["dwelling_left__commune__department"]],
        )
        scopes.update(((landlord, department), (landlord, ""), (None, department)))
    return scopes


def party_scopes(party) -> tuple:
    landlord, department = party[F["landlord_id"]], party[F["dwelling_left__commune__department"]]
    return ((landlord, department), (landlord, ""), (None, department), (None, ""))


class Counters:
    """In-memory counters: monthly cells and commune cells."""

    def __init__(self):
        self.monthly = defaultdict(lambda: [0] * WIDTH)  # (month, landlord, dept) -> list
        self.communes = defaultdict(int)  # (commune, landlord, year) -> households

    def add(self, month: dt.date, scopes, index: int, value: int = 1) -> None:
        monthly = self.monthly
        for landlord, department in scopes:
            monthly[(month, landlord, department)][index] += value

    def add_file(self, parties, zone) -> None:
        first = parties[0]
        step = first[F["file__step"]]
        scopes = file_scopes(parties)
        opened = local_day(first[F["file__opened_at"]], zone)
        if opened is not None:
            self.add(month_of(opened), scopes, COUNTER_INDEX["files_opened"])
        attributed = first[F["file__attributed_on"]]
        if attributed is not None:
            self.add(month_of(attributed), scopes, COUNTER_INDEX["files_attributed"])
        completed = first[F["file__completed_on"]]
        if step == Step.DONE and completed is not None:
            month = month_of(completed)
            self.add(month, scopes, COUNTER_INDEX["exchanges_done"])
            households = COUNTER_INDEX["tenants_exchanged"]
            for party in parties:
                self.add(month, party_scopes(party), households)
                commune = party[F["dwelling_left__commune_id"]]
                landlord = party[F["landlord_id"]]
                for scope_landlord in (None, landlord):
                    self.communes[(commune, scope_landlord, completed.year)] += 1
        closed_counter = CLOSED_COUNTER.get(step)
        if closed_counter is not None:
            closed = local_day(first[F["file__closed_at"]], zone)
            if closed is not None:
                self.add(month_of(closed), scopes, COUNTER_INDEX[closed_counter])
        for key, start_field, end_field in DELAY_STEPS:
            start, end = first[F[f"file__{start_field}"]], first[F[f"file__{end_field}"]]
            if start is None or end is None or end < start:
                continue
            index = DELAY_INDEX[key]
            month = month_of(end)
            self.add(month, scopes, index, (end - start).days)
            self.add(month, scopes, index + 1)


def party_rows():
    """Every party with its file's dates, in file order (streamed)."""
    return (
        ExchangeParty.objects.order_by("file_id", "position")
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def count_everything() -> tuple[Counters, int]:
    zone = ZoneInfo(settings.TIME_ZONE)
    counters = Counters()
    files = 0
    for _file_id, parties in groupby(party_rows(), key=itemgetter(0)):
        counters.add_file(list(parties), zone)
        files += 1
    return counters, files


def communes_with_dwellings() -> set:
    """(commune, landlord) pairs that have dwellings, and (commune, None) for all."""
    pairs = set(Dwelling.objects.values_list("commune_id", "landlord_id").distinct())
    pairs.update({(commune, None) for commune, _landlord in pairs})
    return pairs


def monthly_rows(counters: Counters) -> list[MonthlyStat]:
    names = MONTHLY_COUNTERS + DELAY_COLUMNS
    return [
        MonthlyStat(
            month=month,
            landlord_id=landlord,
            department=department,
            **dict(zip(names, values, strict=True)),
        )
        for (month, landlord, department), values in counters.monthly.items()
    ]


def commune_rows(counters: Counters) -> list[CommuneStat]:
    totals = defaultdict(int)
    rows = []
    for (commune, landlord, year), count in counters.communes.items():
        rows.append(
            CommuneStat(
                commune_id=commune, landlord_id=landlord, year=year, tenants_exchanged=count
            )
        )
        totals[(commune, landlord)] += count
    # Every commune with dwellings (in the scope) has an all-years row, zero or not.
    for pair in communes_with_dwellings() | set(totals):
        commune, landlord = pair
        rows.append(
            CommuneStat(
                commune_id=commune, landlord_id=landlord, year=None, tenants_exchanged=totals[pair]
            )
        )
    return rows


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
        MonthlyStat.objects.bulk_create(monthly, batch_size=BATCH)
        CommuneStat.objects.bulk_create(communes, batch_size=BATCH)
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
