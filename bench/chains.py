#!/usr/bin/env python
"""Bench: exchange-chain search over 10 000, 30 000 and 100 000 active listings (issue 9).

The listings are those of ``bench/listings.py`` (its generator, imported: communes of
Île-de-France weighted by population, typologies, rents, 3 to 6 wanted communes,
the own or the next typology). For each size, the whole nightly job
(``bourse.chains.services.find_chains``: load, stale check, search, ranking, caps,
proposals written) runs in a fresh process for bounds 3, 4 and 5, from no proposal:
time, peak memory (max RSS of the process, Django included) and chains found and
proposed. Target: bound 3 over 100 000 listings in < 60 s and < 2 GB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eh_chains .venv/bin/python bench/chains.py

A database ``<name>_bench_chains`` is created, migrated, filled and dropped at the end.
``CHAINS_BENCH_SIZES=10000,30000`` picks other sizes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from patrimoine import _migrate, _with_dbname, create_database, drop_database  # noqa: E402

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
    run = find_chains(lengths=range(3, bound + 1))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(
        json.dumps(
            {
                "listings": run.listings,
                "seconds": run.seconds,
                "load_seconds": run.load_seconds,
                "search_seconds": run.search_seconds,
                "found": run.found,
                "proposed": run.proposed_by_length,
                "peak_bytes": peak,
            }
        )
    )


def _child(url: str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings.test", PYTHONPATH=str(BASE_DIR)
    )
    env.pop("REDIS_URL", None)
    env["CHAINS_SEARCH_ON_CHANGE"] = "false"
    out = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench subprocess failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_chains"
    bench_url = _with_dbname(url, bench_name)
    ok = True
    try:
        for size in SIZES:
            create_database(url, bench_name)
            _migrate(bench_url)
            generated = _child(bench_url, "--generate", str(size))
            print(f"  {size} listings generated in {generated['seconds']:.1f} s")
            for bound in BOUNDS:
                r = _child(bench_url, "--search", str(bound))
                found = ", ".join(f"{k}: {v}" for k, v in r["found"].items())
                proposed = ", ".join(f"{k}: {v}" for k, v in r["proposed"].items())
                phases = ", ".join(f"{k}: {v:.1f} s" for k, v in r["search_seconds"].items())
                print(
                    f"    bound {bound}: {r['seconds']:6.1f} s, peak {r['peak_bytes'] / 2**20:6.0f}"
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
        return ok
    finally:
        drop_database(url, bench_name)


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
