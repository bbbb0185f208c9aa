#!/usr/bin/env python
"""Bench: the daily alerts-and-reminders task over 50 000 open exchange files (issue 6).

Figures: total time and number of SQL queries of ``daily_exchange_jobs``
(inactivity closures, then the reminders of the five alerts: find the files
in alert not reminded this week, log one reminder per file and alert, store
and send one mail per contact) over 5 000 and then 50 000 open files, and a
second run the same day (which must send nothing). Targets: < 60 s for 50 000
files; the same number of queries for 5 000 and 50 000 files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/exchanges.py

A dedicated database (``<name>_bench_exchanges``) is created, migrated and
dropped at the end; the database of ``DATABASE_URL`` itself is not touched.
The task runs in a child process with the test settings (Celery eager, mails
to memory). ``run(print)`` is the entry point for ``bench/run.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import scale  # bench/scale.py

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = scale.size((5_000, 50_000), (2_000, 10_000))  # bench/scale.py: --full for the first
TARGET_SECONDS = 60.0
LANDLORDS = 4


# --- Databases --------------------------------------------------------------------


def _with_dbname(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str):
    import psycopg

    return psycopg.connect(_with_dbname(url, "postgres"), autocommit=True)


def _drop(url: str, name: str) -> None:
    from psycopg import sql

    with _admin(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _create(url: str, name: str) -> None:
    from psycopg import sql

    _drop(url, name)
    with _admin(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings.test")
    env.pop("REDIS_URL", None)
    env["PYTHONPATH"] = str(BASE_DIR)
    return env


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
        env=_env(url),
        cwd=BASE_DIR,
        check=True,
    )


# --- The child: data, then the task ---------------------------------------------------


def _populate(start: int, stop: int, landlords, commune_id: str) -> None:
    """Open files ``start`` … ``stop - 1`` (two households each), at every open
    step, with dates that put a good share of them in alert."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from bourse.exchanges.models import OPEN_STEPS, ExchangeFile, ExchangeParty, Step
    from bourse.models import Dwelling

    today = timezone.localdate()
    now = timezone.now()
    dwellings = []
    for n in range(start, stop):
        for side in (0, 1):
            landlord = landlords[(n + side) % len(landlords)]
            slug = f"b{landlord.pk}"
            dwellings.append(
                Dwelling(
                    landlord=landlord,
                    housing_reference=f"BENCH-{n:07d}-{side}",
                    address=f"{n % 180 + 1} rue de la République",
                    commune_id=commune_id,
                    typology="T3",
                    surface=Decimal("60.0"),
                    floor=1,
                    lift=False,
                    rent=Decimal("450.00"),
                    charges=Decimal("80.00"),
                    reservataire_kind="bailleur",
                    reservataire_code="",
                    tenant_reference=f"LOC-{n:07d}-{side}",
                    tenant_name="BENCH",
                    eligible_flag=True,
                    contact1_email=f"gestion@{slug}.example",
                    contact2_email=f"cal@{slug}.example",
                )
            )
    Dwelling.objects.bulk_create(dwellings, batch_size=5000)
    by_ref = dict(
        Dwelling.objects.filter(housing_reference__startswith="BENCH-").values_list(
            "housing_reference", "pk"
        )
    )
    files = []
    for n in range(start, stop):
        step = OPEN_STEPS[n % len(OPEN_STEPS)]
        nurs = today - dt.timedelta(days=n % 75)
        attributed = today - dt.timedelta(days=n % 45)
        after_cal = step in (Step.ATTRIBUTED, Step.MOVE_PERIOD_SET, Step.MOVE_SCHEDULED)
        files.append(
            ExchangeFile(
                step=step,
                step_changed_at=now,
                nurs_date=nurs,
                opened_at=now - dt.timedelta(days=n % 75),
                attributed_on=attributed if after_cal else None,
                move_date=today + dt.timedelta(days=10 - n % 30)
                if step == Step.MOVE_SCHEDULED
                else None,
            )
        )
    created = ExchangeFile.objects.bulk_create(files, batch_size=5000)
    parties = []
    for n, file in zip(range(start, stop), created, strict=True):
        left = [by_ref[f"BENCH-{n:07d}-0"], by_ref[f"BENCH-{n:07d}-1"]]
        for side in (0, 1):
            parties.append(
                ExchangeParty(
                    file_id=file.pk,
                    position=side + 1,
                    landlord=landlords[(n + side) % len(landlords)],
                    dwelling_left_id=left[side],
                    dwelling_taken_id=left[1 - side],
                    tenant_name="BENCH",
                    nur=f"NUR{n:07d}{side}",
                )
            )
    ExchangeParty.objects.bulk_create(parties, batch_size=10000)


def _measure() -> dict:
    from django.core import mail
    from django.db import connection

    from bourse.exchanges.models import ReminderLog
    from bourse.exchanges.tasks import daily_exchange_jobs

    queries = []

    def counter(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    mail.outbox = []
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = daily_exchange_jobs()
        seconds = time.perf_counter() - started
    first = {
        "seconds": seconds,
        "queries": len(queries),
        "result": result,
        "mails_sent": len(mail.outbox),
        "logs": ReminderLog.objects.count(),
    }
    queries.clear()
    mail.outbox = []
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        again = daily_exchange_jobs()
        again_seconds = time.perf_counter() - started
    first.update(
        again_seconds=again_seconds,
        again_queries=len(queries),
        again_result=again,
        again_mails_sent=len(mail.outbox),
    )
    return first


def _child() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from bourse.exchanges.models import ExchangeFile, ReminderLog
    from bourse.models import Landlord
    from bourse.territories import ensure_reference_data
    from bourse.validators import luhn_check_digit
    from portal.models import OutboundEmail

    ensure_reference_data()
    landlords = []
    for index in range(LANDLORDS):
        prefix = f"9960{index:05d}0001"
        landlords.append(
            Landlord.objects.create(
                name=f"Bailleur bench {index}", siret=prefix + luhn_check_digit(prefix)
            )
        )
    results = {}
    done = 0
    for size in SIZES:
        started = time.perf_counter()
        _populate(done, size, landlords, "93048")
        populate_seconds = time.perf_counter() - started
        done = size
        ReminderLog.objects.all().delete()
        OutboundEmail.objects.all().delete()
        figures = _measure()
        figures["populate_seconds"] = populate_seconds
        figures["open_files"] = ExchangeFile.objects.open().count()
        results[size] = figures
    print(json.dumps(results))


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_exchanges"
    bench_url = _with_dbname(url, bench_name)
    try:
        _create(url, bench_name)
        started = time.perf_counter()
        _migrate(bench_url)
        print(
            f"  database {bench_name} created and migrated in {time.perf_counter() - started:.1f} s"
        )
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            env=_env(bench_url),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(f"  the task failed:\n{out.stderr[-3000:]}")
            return False
        results = {int(k): v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}
        for size in SIZES:
            r = results[size]
            print(
                f"  {r['open_files']:>6} open files (created in {r['populate_seconds']:5.1f} s): "
                f"daily task {r['seconds']:6.2f} s, {r['queries']:3d} queries, "
                f"{r['result']['reminders']} reminders logged, {r['mails_sent']} mails; "
                f"again the same day: {r['again_seconds']:5.2f} s, {r['again_queries']} queries, "
                f"{r['again_result']['reminders']} reminders, {r['again_mails_sent']} mails"
            )
        small, big = results[SIZES[0]], results[SIZES[-1]]
        checks = (
            (
                f"{SIZES[-1]} files: {big['seconds']:.2f} s < {TARGET_SECONDS:.0f} s",
                big["seconds"] < TARGET_SECONDS,
            ),
            (
                f"queries flat: {small['queries']} ({SIZES[0]}) vs {big['queries']} ({SIZES[-1]})",
                big["queries"] <= small["queries"],
            ),
            (
                "a second run the same day sends nothing",
                big["again_result"]["reminders"] == 0 and big["again_mails_sent"] == 0,
            ),
        )
        ok = True
        for label, passed in checks:
            print(f"  {'PASS' if passed else 'FAIL'} {label}")
            ok = ok and passed
        return ok
    finally:
        _drop(url, bench_name)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        _child()
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
