#!/usr/bin/env python
"""Bench: exchange-chain search over 10 000, 30 000 and 100 000 active listings (issue 9).

The listings are those of ``bench/listings.py`` (its generator, imported: communes of
Île-de-France weighted by population, typologies, rents, 3 to 6 wanted communes,
the own or the next typology). For each size, the whole nightly job
(``bourse.chains.services.find_chains``: load, stale check, search, ranking, caps,
proposals written) runs in a fresh process for bounds 3, 4 and 5, from no proposal:
time (wall, and CPU: the machine is shared), peak memory (max RSS of the process,
Django included), chains found and proposed, where the time went (load, search by
length); a table of the growth with the listings closes the section. Bound 3 is
searched whole; bounds 4 and 5 keep ``CHAINS_BEAM_LONG`` paths per start and level.
Target: bound 3 over 100 000 listings in < 60 s and < 2 GB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eh_chains2 .venv/bin/python bench/chains.py

A database ``<name>_bench_chains`` is created, migrated, filled and dropped at the end.
``CHAINS_BENCH_SIZES=10000,30000`` picks other sizes.
"""

from __future__ import annotations

import json
import os
import resource
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

SIZES = tuple(int(n) for n in os.environ.get("CHAINS_BENCH_SIZES", "10000,30000,100000").split(","))
BOUNDS = tuple(int(b) for b in os.environ.get("CHAINS_BENCH_BOUNDS", "3,4,5").split(","))
TARGET_SECONDS = 60
TARGET_BYTES = 2 * 1024**3


def _setup():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()


def _child_generate(n: int) -> None:
    _setup()
    from listings import _generate

    generated = _generate(n)
    print(json.dumps({"seconds": generated["seconds"]}))


def _child_search(bound: int) -> None:
    _setup()
    from bourse.chains.models import ChainProposal
    from bourse.chains.services import find_chains

    ChainProposal.objects.all().delete()
    before = resource.getrusage(resource.RUSAGE_SELF)
    run = find_chains(lengths=range(3, bound + 1))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss * 1024  # kB on Linux
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    print(
        json.dumps(
            {
                "listings": run.listings,
                "seconds": run.seconds,
                "cpu_seconds": cpu,
                "load_seconds": run.load_seconds,
                "search_seconds": run.search_seconds,
                "found": run.found,
                "proposed": run.proposed_by_length,
                "peak_bytes": peak,
            }
        )
    )


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_chains"
    bench_url = _with_dbname(url, bench_name)
    ok = True
    results = {}
    try:
        for size in SIZES:
            create_database(url, bench_name)
            _migrate(bench_url)
            generated = run_child(
                __file__, bench_url, "--generate", str(size), CHAINS_SEARCH_ON_CHANGE="false"
            )
            print(f"  {size} listings generated in {generated['seconds']:.1f} s")
            for bound in BOUNDS:
                r = results[size, bound] = run_child(
                    __file__, bench_url, "--search", str(bound), CHAINS_SEARCH_ON_CHANGE="false"
                )
                found = ", ".join(f"{k}: {v}" for k, v in r["found"].items())
                proposed = ", ".join(f"{k}: {v}" for k, v in r["proposed"].items())
                phases = ", ".join(f"{k}: {v:.1f} s" for k, v in r["search_seconds"].items())
                print(
                    f"    bound {bound}: {r['seconds']:6.1f} s (CPU {r['cpu_seconds']:.1f} s),"
                    f" peak {r['peak_bytes'] / 2**20:6.0f}"
                    f" MiB; chains found by length {{{found}}}, proposed {{{proposed}}}"
                    f" (load {r['load_seconds']:.1f} s; search {{{phases}}})"
                )
                if size == max(SIZES) and bound == 3:
                    checks = (
                        (f"bound 3 over {size}: {r['seconds']:.1f} s < {TARGET_SECONDS} s",
                         r["seconds"] < TARGET_SECONDS),
                        (f"bound 3 over {size}: peak {r['peak_bytes'] / 2**20:.0f} MiB < 2048 MiB",
                         r["peak_bytes"] < TARGET_BYTES),
                    )  # fmt: skip
                    for label, passed in checks:
                        print(f"    {'PASS' if passed else 'FAIL'} {label}")
                        ok = ok and passed
        _growth(results, print)
        return ok
    finally:
        drop_database(url, bench_name)


def _growth(results: dict, print=print) -> None:  # noqa: A002
    """How the whole job grows with the listings, per bound: seconds (peak MiB)."""
    print("  growth: whole job, seconds (peak MiB), by listings")
    print("    " + " " * 8 + "".join(f"{size:>18,}".replace(",", " ") for size in SIZES))
    for bound in BOUNDS:
        cells = ""
        for size in SIZES:
            r = results[size, bound]
            cells += f"{r['seconds']:.1f} s ({r['peak_bytes'] / 2**20:.0f})".rjust(18)
        print(f"    bound {bound} {cells}")
    if len(SIZES) > 1:
        low, high = min(SIZES), max(SIZES)
        ratios = ", ".join(
            f"bound {b}: x{results[high, b]['seconds'] / max(results[low, b]['seconds'], 1e-9):.1f}"
            for b in BOUNDS
        )
        print(f"    {high // low}x the listings ({low} -> {high}): time {ratios}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        _child_generate(int(sys.argv[2]))
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--search":
        _child_search(int(sys.argv[2]))
        sys.exit(0)
    started = time.perf_counter()
    passed = run(print)
    print(f"  total {time.perf_counter() - started:.0f} s")
    sys.exit(0 if passed else 1)
