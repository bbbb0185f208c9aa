#!/usr/bin/env python
"""Bench: an agent's list of exchange files at volume (issue 14 C).

Figures: time (median over interleaved rounds) and SQL queries of ``/dossiers/`` for an
agent whose landlord has 500 and then 5 000 open files, among twice as many in the
database (the other half belongs to other landlords: the scope filter works too) —
default order (overdue first), search by NUR, by commune (every file matches), sorted by
next due date (last page), sorted by tenant name, and the CSV and XLSX exports of the
whole list. In each round the requests run one after the other in a rotated order, so a
slow moment of the machine spreads over all of them. Targets: a page < 1 s and an export
< 10 s at 5 000 files; the same number of queries at 500 and 5 000 files for a page, and
one more query per 1 000 files for an export (it reads the files in chunks).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/exchange_list.py

A dedicated database (``<name>_bench_exchange_list``) is created, migrated and dropped at
the end (helpers and data of ``bench/exchanges.py``). ``run(print)`` is the entry point for
``bench/run.py``.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exchanges as daily  # noqa: E402 (bench/exchanges.py: databases and data)
import scale  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = scale.size((500, 5_000), (500, 2_000))  # bench/scale.py: --full for the first
ROUNDS = 7
PAGE_TARGET_S = 1.0
EXPORT_TARGET_S = 10.0
EXPORT_CHUNK = 1000  # bourse.exchanges.file_list.EXPORT_CHUNK (the child imports Django)


def _requests(size: int) -> dict[str, tuple[str, dict]]:
    nur = f"NUR{size // 2:07d}0"  # a file in the middle (bench/exchanges.py's NURs)
    return {
        "default order": ("/dossiers/", {}),
        "search NUR": ("/dossiers/", {"q": nur}),
        "search commune": ("/dossiers/", {"q": "Montreuil"}),
        "due date, last page": ("/dossiers/", {"tri": "echeance", "page": "9999"}),
        "tenant name, desc": ("/dossiers/", {"tri": "-locataire"}),
        "export CSV": ("/dossiers/export.csv", {}),
        "export XLSX": ("/dossiers/export.xlsx", {}),
    }


def _measure(client, size: int) -> dict:
    from django.db import connection

    requests = _requests(size)
    names = list(requests)
    timings = {name: [] for name in names}
    queries = {}
    rows = {}
    for round_ in range(ROUNDS):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            path, params = requests[name]
            seen = []

            def counter(execute, sql, params_, many, context, seen=seen):
                seen.append(sql)
                return execute(sql, params_, many, context)

            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                response = client.get(path, params)
                body = response.content
                timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
            queries[name] = len(seen)
            if path.endswith(".csv"):
                rows[name] = body.count(b"\n") - 1
            elif path.endswith(".xlsx"):
                rows[name] = len(body)
            else:
                rows[name] = response.context["page"].paginator.count
    return {
        name: {
            "median": statistics.median(timings[name]),
            "max": max(timings[name]),
            "queries": queries[name],
            "rows": rows[name],
        }
        for name in names
    }


def _child() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host and response.context

    from bourse.exchanges.models import ExchangeFile
    from bourse.models import Landlord, StaffRole
    from bourse.permissions import set_staff_role
    from bourse.territories import ensure_reference_data
    from bourse.validators import luhn_check_digit

    ensure_reference_data()
    landlords = []
    for index in range(4):
        prefix = f"9961{index:05d}0001"
        landlords.append(
            Landlord.objects.create(
                name=f"Bailleur bench {index}", siret=prefix + luhn_check_digit(prefix)
            )
        )
    agent = get_user_model().objects.create_user("agent-bench", password=secrets.token_urlsafe(16))
    set_staff_role(agent, StaffRole.AGENT, landlords[0])
    client = Client()
    client.force_login(agent)
    results = {}
    done = 0
    for size in SIZES:
        # The agent's files (landlords 0 and 1), then as many of landlords 2 and 3.
        daily._populate(done, size, landlords[:2], "93048")
        daily._populate(100_000 + done, 100_000 + size, landlords[2:], "93048")
        done = size
        figures = _measure(client, size)
        results[size] = {
            "figures": figures,
            "visible": ExchangeFile.objects.for_landlord(landlords[0]).count(),
            "total": ExchangeFile.objects.count(),
        }
    print(json.dumps(results))


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_exchange_list"
    bench_url = daily._with_dbname(url, bench_name)
    try:
        daily._create(url, bench_name)
        daily._migrate(bench_url)
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            env=daily._env(bench_url),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(f"  the bench failed:\n{out.stderr[-3000:]}")
            return False
        results = {int(k): v for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}
        for size in SIZES:
            r = results[size]
            print(
                f"  agent's landlord: {r['visible']} open files of {r['total']} "
                f"(median of {ROUNDS} interleaved rounds)"
            )
            for name, f in r["figures"].items():
                what = "bytes" if name == "export XLSX" else "files"
                print(
                    f"    {name:<22} {f['median'] * 1000:8.1f} ms (max {f['max'] * 1000:8.1f}), "
                    f"{f['queries']:2d} queries, {f['rows']} {what}"
                )
        small, big = results[SIZES[0]]["figures"], results[SIZES[-1]]["figures"]
        pages = [n for n in big if not n.startswith("export")]
        exports = [n for n in big if n.startswith("export")]
        slowest_page = max(pages, key=lambda n: big[n]["median"])
        slowest_export = max(exports, key=lambda n: big[n]["median"])
        ratio = statistics.median(big[n]["median"] / small[n]["median"] for n in pages)
        print(f"  time ratio {SIZES[-1]} / {SIZES[0]} files (median over the pages): {ratio:.2f}")
        checks = (
            (
                f"{SIZES[-1]} files, slowest page ({slowest_page}): "
                f"{big[slowest_page]['median']:.2f} s < {PAGE_TARGET_S:.0f} s",
                big[slowest_page]["median"] < PAGE_TARGET_S,
            ),
            (
                f"{SIZES[-1]} files, slowest export ({slowest_export}): "
                f"{big[slowest_export]['median']:.2f} s < {EXPORT_TARGET_S:.0f} s",
                big[slowest_export]["median"] < EXPORT_TARGET_S,
            ),
            (
                f"page queries flat from {SIZES[0]} to {SIZES[-1]} files: "
                + ", ".join(f"{small[n]['queries']}→{big[n]['queries']}" for n in pages),
                all(big[n]["queries"] <= small[n]["queries"] for n in pages),
            ),
            (
                f"export queries: one more per {EXPORT_CHUNK} files (bounded memory): "
                + ", ".join(f"{small[n]['queries']}→{big[n]['queries']}" for n in exports),
                all(
                    big[n]["queries"] - small[n]["queries"]
                    <= math.ceil(SIZES[-1] / EXPORT_CHUNK) - math.ceil(SIZES[0] / EXPORT_CHUNK)
                    for n in exports
                ),
            ),
            (
                "exports hold every visible file",
                big["export CSV"]["rows"] == results[SIZES[-1]]["visible"],
            ),
        )
        ok = True
        for label, passed in checks:
            print(f"  {'PASS' if passed else 'FAIL'} {label}")
            ok = ok and passed
        return ok
    finally:
        daily._drop(url, bench_name)


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--child":
        _child()
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
