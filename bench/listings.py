#!/usr/bin/env python
"""Bench: search and mutual-match ranking over 100 000 active listings (issue 5).

Figures: p50/p95 of one page of search results with typical filters (the
view's own ``search_results``: count, ranked page, photos) and of the
mutual-match ranking of one tenant (``matching.RankedResults`` without the
rest: count and first page), and the number of queries per result page (page 1 and page 5
must need the same number). Targets: p95 < 50 ms for search, < 200 ms for
the ranking, a constant number of queries per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/listings.py

A dedicated database (``<name>_bench_listings``) is created, migrated, filled
in bulk (SQL ``generate_series``, seeded) and dropped at the end; the
database of ``DATABASE_URL`` itself is not touched. ``run(print)`` is the
entry point for ``bench/run.py``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
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
from proccpu import command_name, cpu_seconds  # noqa: E402

LISTINGS = 100_000
ROUNDS = 60
TARGET_SEARCH_P95_MS = 50
TARGET_RANKING_P95_MS = 200
TYPOLOGY_WEIGHTS = (("T1", 10), ("T2", 25), ("T3", 33), ("T4", 22), ("T5", 8), ("T6+", 2))

GENERATE_SQL = """
SELECT setseed(0.2026);
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined, last_login)
SELECT '!', false, 'bench-' || g, 'Prénom', 'Bench', 'bench' || g || '@bench.example',
       false, true, now(), now()
FROM generate_series(1, %(n)s) AS g;

INSERT INTO tenants_tenantprofile (user_id, landlord_id, tenant_reference, housing_reference,
       birth_name, phone, exchange_reason, nur, email_confirmed_at, created_at)
SELECT id, %(landlord)s, 'LOC-' || id, 'LOG-' || id, '', '', 'other', '', now(), now()
FROM auth_user WHERE username LIKE 'bench-%%';

INSERT INTO tenants_listing (tenant_id, status, status_changed_at, deactivation_reason,
       published_at, profile_done_at, housing_done_at, criteria_done_at, description,
       description_removed_reason, accessible, commune_id, typology, surface, monthly_cost,
       floor, lift, eligible, synced_at, wants_t1, wants_t2, wants_t3, wants_t4, wants_t5,
       wants_t6, min_surface, max_monthly_cost, max_floor, lift_required, accessible_required,
       version, created_at, any_commune)
SELECT tenant_id, 'active', now(), '', now() - random() * interval '120 days', now(), now(),
       now(), 'Logement de test', '', random() < 0.1, commune_id, typology, surface,
       round((surface * (7 + random() * 5))::numeric, 2), floor,
       floor >= 4 OR random() < 0.4, true, now(),
       rank IN (1, 0), rank IN (2, 1), rank IN (3, 2), rank IN (4, 3), rank IN (5, 4),
       rank IN (6, 5),
       CASE WHEN random() < 0.5 THEN round(surface) END,
       round(surface * 13 * (1 + random() * 0.5)),
       CASE WHEN random() < 0.1 THEN 3 END,
       random() < 0.1, random() < 0.03, 1, now(), false
FROM (
    SELECT s.tenant_id, s.commune_id, s.typology, s.floor,
           array_position(ARRAY['T1','T2','T3','T4','T5','T6+'], s.typology) AS rank,
           round((CASE s.typology WHEN 'T1' THEN 18 WHEN 'T2' THEN 35 WHEN 'T3' THEN 55
                  WHEN 'T4' THEN 70 WHEN 'T5' THEN 85 ELSE 100 END
                  + random() * 20)::numeric, 1) AS surface
    FROM (
        SELECT p.id AS tenant_id,
               (%(communes)s::text[])[1 + floor(random() * %(nc)s)::int] AS commune_id,
               (%(typologies)s::text[])[1 + floor(random() * %(nt)s)::int] AS typology,
               floor(random() * 15)::int AS floor
        FROM tenants_tenantprofile p WHERE p.landlord_id = %(landlord)s
    ) AS s
) AS t;

INSERT INTO tenants_listing_wanted_communes (listing_id, commune_id)
SELECT l.id, (%(communes)s::text[])[1 + floor(random() * %(nc)s)::int]
FROM tenants_listing l CROSS JOIN generate_series(1, 6) AS k
WHERE k <= 3 OR random() < 0.5
ON CONFLICT DO NOTHING;
"""


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- In the child process (Django set up on the bench database) ---------------------------


def _generate(n: int, seed: int = 2026) -> dict:
    from django.db import connection

    from bourse.models import Commune, Landlord
    from bourse.territories import ensure_reference_data
    from bourse.validators import luhn_check_digit

    ensure_reference_data()
    rng = random.Random(seed)
    # Dwellings are in communes or, in Paris, in arrondissements (not in "Paris" itself).
    communes = list(
        Commune.objects.filter(population__gt=0)
        .exclude(insee_code="75056")
        .values_list("insee_code", "population")
    )
    weighted = rng.choices([c for c, _p in communes], weights=[p for _c, p in communes], k=20_000)
    typologies = rng.choices(
        [t for t, _w in TYPOLOGY_WEIGHTS], weights=[w for _t, w in TYPOLOGY_WEIGHTS], k=1000
    )
    prefix = "9970999990001"
    landlord = Landlord.objects.create(
        name="Bench listings", siret=prefix + luhn_check_digit(prefix)
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE_SQL,
            {
                "n": n,
                "landlord": landlord.pk,
                "communes": weighted,
                "nc": len(weighted),
                "typologies": typologies,
                "nt": len(typologies),
            },
        )
        cursor.execute("VACUUM ANALYZE tenants_listing")
        cursor.execute("VACUUM ANALYZE tenants_listing_wanted_communes")
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {"weighted_communes": weighted, "seconds": seconds}


def _time_ms(func) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def _child() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bourse.models import Commune
    from bourse.tenants import matching
    from bourse.tenants.forms import SearchForm
    from bourse.tenants.models import Listing
    from bourse.tenants.views import search_results

    generated = _generate(LISTINGS)
    rng = random.Random(7)
    count = Listing.objects.filter(status="active", eligible=True).count()
    wanted = Listing.wanted_communes.through.objects.count()
    ids = list(Listing.objects.values_list("pk", flat=True).order_by("pk"))
    departments = ["75", "92", "93", "94", "77", "78", "91", "95"]
    departments_of = dict(Commune.objects.values_list("insee_code", "department"))

    def typical_filters():
        kind = rng.randrange(4)
        commune = rng.choice(generated["weighted_communes"])
        typology = rng.choice(["T2", "T3", "T3", "T4"])
        if kind == 0:
            return {"commune": commune, "typology": typology}
        if kind == 1:
            return {"commune": commune, "max_monthly_cost": str(rng.choice([600, 800, 1000]))}
        if kind == 2:
            return {"typology": typology, "max_monthly_cost": str(rng.choice([500, 700]))}
        return {
            "department": departments_of.get(commune, rng.choice(departments)),
            "typology": typology,
            "lift": "on",
        }

    def search_once(viewer, data, page=None):
        form = SearchForm(data)
        result = search_results(viewer, form, page)
        return result.paginator.count, list(result.object_list)

    def ranking_once(viewer):
        ranked = matching.RankedResults(viewer, include_rest=False)
        return ranked.count(), ranked[:20]

    viewers = [
        Listing.objects.prefetch_related("wanted_communes").get(pk=rng.choice(ids))
        for _ in range(ROUNDS)
    ]
    for viewer in viewers[:5]:  # warm-up
        search_once(viewer, typical_filters())
        ranking_once(viewer)
    # CPU of the searches: this process (Django, psycopg) and, when PostgreSQL
    # runs on this machine, its backend serving this connection (/proc).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    if not command_name(backend).startswith("postgres"):
        backend = None  # PostgreSQL runs elsewhere (another host or container)
    backends = [backend] if backend else []
    python_cpu, backend_cpu = time.process_time(), cpu_seconds(backends).get(backend)
    search_ms = [_time_ms(lambda v=v: search_once(v, typical_filters())) for v in viewers]
    python_cpu = time.process_time() - python_cpu
    backend_after = cpu_seconds(backends).get(backend)
    if backend_cpu is not None and backend_after is not None:
        backend_cpu = backend_after - backend_cpu
    else:
        backend_cpu = None
    ranking_ms = [_time_ms(lambda v=v: ranking_once(v)) for v in viewers]
    matches = [ranking_once(v)[0] for v in viewers[:10]]

    # Each page counted as a first look (the rankings' cache emptied before it):
    # otherwise page 5 would reuse the count kept by page 1.
    broad = {"typology": "T3"}
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        total, _rows = search_once(viewers[0], broad, 1)
    cache.clear()
    with CaptureQueriesContext(connection) as fifth:
        search_once(viewers[0], broad, 5)
    print(
        json.dumps(
            {
                "listings": count,
                "wanted_communes": wanted,
                "generate_seconds": generated["seconds"],
                "search_ms": search_ms,
                "search_cpu_ms": python_cpu * 1000 / len(search_ms),
                "search_db_cpu_ms": (
                    None if backend_cpu is None else backend_cpu * 1000 / len(search_ms)
                ),
                "ranking_ms": ranking_ms,
                "median_matches": statistics.median(matches),
                "broad_total": total,
                "queries_page1": len(first),
                "queries_page5": len(fifth),
            }
        )
    )


# --- Parent --------------------------------------------------------------------------------


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_listings"
    bench_url = _with_dbname(url, bench_name)
    try:
        create_database(url, bench_name)
        started = time.perf_counter()
        _migrate(bench_url)
        print(
            f"  database {bench_name} created and migrated in {time.perf_counter() - started:.1f} s"
        )
        r = run_child(__file__, bench_url, "--child")
        print(
            f"  {r['listings']} active listings, {r['wanted_communes']} wanted communes, "
            f"generated in {r['generate_seconds']:.1f} s"
        )
        search_p50 = statistics.median(r["search_ms"])
        search_p95 = percentile(r["search_ms"], 0.95)
        ranking_p50 = statistics.median(r["ranking_ms"])
        ranking_p95 = percentile(r["ranking_ms"], 0.95)
        database_cpu = (
            "PostgreSQL not on this machine"
            if r["search_db_cpu_ms"] is None
            else f"PostgreSQL backend {r['search_db_cpu_ms']:.1f} ms"
        )
        print(
            f"  search, typical filters ({len(r['search_ms'])} rounds): "
            f"p50 {search_p50:6.1f} ms   p95 {search_p95:6.1f} ms   "
            f"CPU per search: Python {r['search_cpu_ms']:.1f} ms + {database_cpu}"
        )
        print(
            f"  mutual-match ranking of one tenant ({len(r['ranking_ms'])} tenants, "
            f"median {r['median_matches']:.0f} matches): "
            f"p50 {ranking_p50:6.1f} ms   p95 {ranking_p95:6.1f} ms"
        )
        print(
            f"  queries per result page (T3 only, {r['broad_total']} results): "
            f"page 1 {r['queries_page1']}, page 5 {r['queries_page5']}"
        )
        checks = (
            (f"search p95 {search_p95:.1f} ms < {TARGET_SEARCH_P95_MS} ms",
             search_p95 < TARGET_SEARCH_P95_MS),
            (f"ranking p95 {ranking_p95:.1f} ms < {TARGET_RANKING_P95_MS} ms",
             ranking_p95 < TARGET_RANKING_P95_MS),
            ("constant number of queries per page",
             r["queries_page1"] == r["queries_page5"]),
        )  # fmt: skip
        ok = True
        for label, passed in checks:
            print(f"  {'PASS' if passed else 'FAIL'} {label}")
            ok = ok and passed
        return ok
    finally:
        drop_database(url, bench_name)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        _child()
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
