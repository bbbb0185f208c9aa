#!/usr/bin/env python
"""Bench: the nightly statistics recomputation and the statistics page (issue 8).

Five years of generated activity on PostgreSQL: 200 000 exchange files (one in
ten with three households), about 420 000 parties, 1 000 000 recorded actions,
80 000 dwellings of 40 landlords over the communes of Île-de-France.

Figures: time and peak memory of ``recompute_statistics`` (all months, every
scope; target < 30 s), a second run (idempotent: the same rows), the time to
build the public tables from the materialised rows (uncached), and the
requests per second of the public statistics page served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/stats.py

A dedicated database (``<name>_bench_stats``) is created, migrated, filled in
bulk (SQL ``generate_series``, deterministic) and dropped at the end; the
database of ``DATABASE_URL`` itself is not touched (``BENCH_KEEP_DATABASE=1``
keeps the bench database, for profiling). ``run(print)`` is the entry point
for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from patrimoine import (  # noqa: E402
    _migrate,
    _with_dbname,
    create_database,
    drop_database,
    run_child,
)
from scale import size  # noqa: E402

FILES = size(200_000, 40_000)  # bench/scale.py: --full for the first
EVENTS_PER_FILE = 5  # 1 000 000 recorded actions
DWELLINGS = size(80_000, 16_000)
LANDLORDS = 40
YEARS = 5
TARGET_SECONDS = 30.0
LOAD_SECONDS = 8
PAGES = ("/bourse/statistiques/", "/bourse/statistiques/?year=2024&department=93")

DWELLINGS_SQL = """
INSERT INTO bourse_dwelling (landlord_id, housing_reference, address, commune_id, typology,
    surface, floor, lift, rent, charges, reservataire_kind, reservataire_code, tenant_reference,
    tenant_name, eligible_flag, contact1_email, contact2_email, in_snapshot, updated_at)
SELECT (%(landlords)s::bigint[])[1 + g %% %(nl)s], 'STATS-' || g, g || ' rue de la Paix',
    (%(communes)s::text[])[1 + g %% %(nc)s], 'T3', 60, 1, false, 450, 80, 'bailleur', '',
    'LOC-' || g, 'BENCH', true, 'c1@bench.example', 'c2@bench.example', true, now()
FROM generate_series(0, %(nd)s - 1) AS g
"""

# Old files are done or closed; files opened in the last five months are at any step.
FILES_SQL = """
WITH base AS (
    SELECT g, (%(start)s::date + (g::bigint * %(days)s / %(nf)s)::int) AS opened,
           ((g::bigint * 2654435761) %% 1000)::int AS r
    FROM generate_series(0, %(nf)s - 1) AS g
), stepped AS (
    SELECT g, opened, r,
        CASE WHEN opened > %(recent)s::date THEN (ARRAY['created', 'pre_instruction',
                 'instruction', 'cal_scheduled', 'cal_decisions', 'attributed',
                 'move_period_set', 'move_scheduled', 'done'])[1 + r %% 9]
             WHEN r < 700 THEN 'done' WHEN r < 750 THEN 'closed_landlord'
             WHEN r < 850 THEN 'closed_tenant' WHEN r < 890 THEN 'closed_inactivity'
             ELSE 'closed_after_cal' END AS step
    FROM base
), reached AS (
    SELECT *, CASE step WHEN 'created' THEN 1 WHEN 'pre_instruction' THEN 2
        WHEN 'instruction' THEN 3 WHEN 'cal_scheduled' THEN 4 WHEN 'cal_decisions' THEN 5
        WHEN 'attributed' THEN 6 WHEN 'move_period_set' THEN 7 WHEN 'move_scheduled' THEN 8
        WHEN 'done' THEN 9 WHEN 'closed_after_cal' THEN 5 ELSE 1 + r %% 7 END AS n,
        opened + 2 + r %% 10 AS pre
    FROM stepped
)
INSERT INTO exchanges_exchangefile (step, step_changed_at, nurs_date, pre_instructed_on,
    instructed_on, attributed_on, move_date_entered_on, completed_on, closed_at,
    closed_from_step, closure_reason, opened_at, updated_at)
SELECT step, now(), opened,
    CASE WHEN n >= 3 THEN pre END,
    CASE WHEN n >= 4 THEN pre + 7 + r %% 14 END,
    CASE WHEN n >= 6 THEN pre + 30 + r %% 30 END,
    CASE WHEN n >= 8 THEN pre + 35 + r %% 45 END,
    CASE WHEN n >= 9 THEN pre + 50 + r %% 60 END,
    CASE WHEN step LIKE 'closed%%' THEN opened + 30 + r %% 60 + time '10:00' END,
    CASE WHEN step LIKE 'closed%%' THEN 'instruction' ELSE '' END,
    CASE WHEN step LIKE 'closed%%' THEN 'bench' ELSE '' END,
    opened + time '09:00', now()
FROM reached
"""

PARTIES_SQL = """
INSERT INTO exchanges_exchangeparty (file_id, position, landlord_id, dwelling_left_id,
    dwelling_taken_id, tenant_name, tenant_reference, nur, cal_decision)
SELECT f.id, p.pos, d.landlord_id, d.id,
    (%(dw)s::bigint[])[1 + (f.rn * 3 + p.pos %% f.n) %% %(nd)s],
    'BENCH', '', 'NUR' || f.id || p.pos, ''
FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn,
             CASE WHEN id %% 10 = 0 THEN 3 ELSE 2 END AS n
      FROM exchanges_exchangefile) AS f
CROSS JOIN LATERAL generate_series(1, f.n) AS p(pos)
JOIN bourse_dwelling AS d ON d.id = (%(dw)s::bigint[])[1 + (f.rn * 3 + p.pos - 1) %% %(nd)s]
"""

EVENTS_SQL = """
INSERT INTO exchanges_exchangeevent (file_id, at, action, actor_kind, from_step, to_step,
    reason, details, previous, undoable)
SELECT f.id, f.opened_at + e * interval '7 days', 'bench_' || e, 'landlord', 'created',
    'pre_instruction', '', '{}'::jsonb, '{}'::jsonb, false
FROM exchanges_exchangefile AS f CROSS JOIN generate_series(1, %(per)s) AS e
"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- In the child process (Django set up on the bench database) ---------------------------


def _generate() -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from bourse.models import Commune, Landlord
    from bourse.territories import ensure_reference_data
    from bourse.validators import luhn_check_digit

    ensure_reference_data()
    rng = random.Random(2026)
    communes = list(
        Commune.objects.filter(population__gt=0)
        .exclude(insee_code="75056")
        .values_list("insee_code", "population")
    )
    weighted = rng.choices([c for c, _p in communes], weights=[p for _c, p in communes], k=20_000)
    prefixes = [f"9980{index:05d}0001" for index in range(LANDLORDS)]
    landlords = [
        landlord.pk
        for landlord in Landlord.objects.bulk_create(
            Landlord(name=f"Bailleur stats {i:02d}", siret=p + luhn_check_digit(p))
            for i, p in enumerate(prefixes)
        )
    ]
    today = timezone.localdate()
    start = today - dt.timedelta(days=365 * YEARS)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            DWELLINGS_SQL,
            {
                "landlords": landlords,
                "nl": len(landlords),
                "communes": weighted,
                "nc": len(weighted),
                "nd": DWELLINGS,
            },
        )
        cursor.execute(
            FILES_SQL,
            {
                "start": start,
                "days": 365 * YEARS,
                "nf": FILES,
                "recent": today - dt.timedelta(days=150),
            },
        )
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM bourse_dwelling")
        dwelling_ids = cursor.fetchone()[0]
        cursor.execute(PARTIES_SQL, {"dw": dwelling_ids, "nd": len(dwelling_ids)})
        cursor.execute(EVENTS_SQL, {"per": EVENTS_PER_FILE})
        cursor.execute("ANALYZE")
    return {"generate_seconds": time.perf_counter() - started}


def _snapshot() -> tuple:
    from bourse.stats.models import CommuneStat, MonthlyStat

    monthly = MonthlyStat.objects.order_by("month", "landlord_id", "department").values_list(
        "month", "landlord_id", "department", "exchanges_done", "files_opened", "completion_days"
    )
    communes = CommuneStat.objects.order_by("commune_id", "landlord_id", "year").values_list(
        "commune_id", "landlord_id", "year", "tenants_exchanged"
    )
    return [tuple(map(str, row)) for row in monthly], [tuple(map(str, r)) for r in communes]


def _child() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db.models import Sum

    from bourse.exchanges.models import ExchangeEvent, ExchangeFile, ExchangeParty, Step
    from bourse.models import Landlord
    from bourse.stats.compute import recompute_statistics
    from bourse.stats.models import MonthlyStat
    from bourse.stats.tables import Filters, public_tables

    result = _generate()
    result.update(
        files=ExchangeFile.objects.count(),
        parties=ExchangeParty.objects.count(),
        events=ExchangeEvent.objects.count(),
    )
    rss_before = _rss_mb()
    run = recompute_statistics()
    result.update(
        seconds=run.seconds,
        monthly_rows=run.monthly_rows,
        commune_rows=run.commune_rows,
        rss_before_mb=rss_before,
        rss_peak_mb=_rss_mb(),
    )
    first = _snapshot()
    again = recompute_statistics()
    result.update(again_seconds=again.seconds, same_rows=_snapshot() == first)
    done = ExchangeFile.objects.filter(step=Step.DONE).count()
    counted = MonthlyStat.objects.filter(landlord=None, department="").aggregate(
        n=Sum("exchanges_done")
    )["n"]
    result.update(done_files=done, done_counted=counted)

    landlord = Landlord.objects.order_by("pk").first()
    variants = [
        Filters(),
        Filters(year=2024),
        Filters(department="93"),
        Filters(year=2024, department="75", landlord=landlord),
        Filters(landlord=landlord),
    ]
    timings = []
    for _round in range(6):
        for filters in variants:
            started = time.perf_counter()
            public_tables(filters)
            timings.append((time.perf_counter() - started) * 1000)
    result["tables_ms"] = timings
    print(json.dumps(result))


def _env(url: str) -> dict:
    """The children's environment: the bench database, test settings (DEBUG off,
    static files served by the app), one local-memory cache per process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        PYTHONPATH=str(BASE_DIR),
        LOG_LEVEL="ERROR",
    )
    env.pop("REDIS_URL", None)
    return env


# --- Requests per second of the page (gunicorn on the bench database) ------------------------


def _page_load(url: str) -> dict:
    """gunicorn with the production settings (``run.Context.server``: 2 sync
    workers, one local-memory cache each) on the bench database, then each page
    of ``PAGES`` under load."""
    from run import Context, http_get

    options = argparse.Namespace(workers=2, duration=LOAD_SECONDS, connections=8, tool="auto")
    ctx = Context(args=options, workdir=Path(tempfile.mkdtemp(prefix="eh-bench-stats-")))
    ctx.env = _env(url) | {
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    ctx.loadgen = ctx._pick_loadgen()
    results = {}
    try:
        ctx.manage("collectstatic", "--noinput", "-v0")
        base = ctx.server()
        for path in PAGES:
            status, _headers, body = http_get(base + path, timeout=60)
            if status != 200 or "Évolution des échanges" not in body:
                raise RuntimeError(f"{path}: HTTP {status}")
            ctx.warm_up(base + path)
            results[path] = ctx.measure(base + path)
    finally:
        ctx.stop()
        shutil.rmtree(ctx.workdir, ignore_errors=True)
    return results


@contextmanager
def bench_database(url: str):
    """A fresh, migrated ``<name>_bench_stats`` database; dropped afterwards
    (kept with ``BENCH_KEEP_DATABASE=1``). Yields (its URL, seconds to migrate)."""
    name = f"{urlsplit(url).path.lstrip('/') or 'postgres'}_bench_stats"
    create_database(url, name)
    try:
        started = time.perf_counter()
        _migrate(_with_dbname(url, name))
        yield _with_dbname(url, name), time.perf_counter() - started
    finally:
        if not os.environ.get("BENCH_KEEP_DATABASE"):
            drop_database(url, name)


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    with bench_database(url) as (bench_url, migrate_seconds):
        print(f"  bench database created and migrated in {migrate_seconds:.1f} s")
        r = run_child(__file__, bench_url, "--child", LOG_LEVEL="ERROR")
        print(
            f"  {r['files']} files, {r['parties']} parties, {r['events']} recorded actions "
            f"over {YEARS} years, generated in {r['generate_seconds']:.1f} s"
        )
        print(
            f"  nightly recomputation: {r['seconds']:.2f} s, peak memory {r['rss_peak_mb']:.0f} MB "
            f"(process at {r['rss_before_mb']:.0f} MB before the run), "
            f"{r['monthly_rows']} monthly rows, {r['commune_rows']} commune rows"
        )
        print(
            f"  again (idempotent): {r['again_seconds']:.2f} s, same rows: {r['same_rows']}; "
            f"exchanges counted {r['done_counted']} = done files {r['done_files']}"
        )
        ms = r["tables_ms"]
        print(
            f"  public tables from the materialised rows, uncached ({len(ms)} builds): "
            f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms"
        )
        loads = _page_load(bench_url)
        for path, result in loads.items():
            print(f"  GET {path:<48} {result.line()}")
    verdicts = {
        f"recomputation {r['seconds']:.2f} s < {TARGET_SECONDS:.0f} s": r["seconds"]
        < TARGET_SECONDS,
        "a second run writes the same rows": r["same_rows"],
        "every done file counted once": r["done_counted"] == r["done_files"],
        "statistics page served without errors": all(
            result.errors == 0 and result.requests > 0 for result in loads.values()
        ),
    }
    for label, passed in verdicts.items():
        print(f"  {'PASS' if passed else 'FAIL'} {label}")
    return all(verdicts.values())


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        _child()
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
