#!/usr/bin/env python
"""Bench: import of a generated patrimoine file on PostgreSQL (issue 4).

Figures: rows per second of ``run_import`` on a 100 000-row CSV file (in a
process warmed up by a 100-row import, as a worker is), where that time goes
(COPY with the scan, validation, duplicates, apply, other), the ratio to PostgreSQL's
own ``COPY`` of the same rows, typed, into a copy of ``bourse_dwelling`` with its
indexes (the limit, best of three; a COPY into a bare table of text columns is
printed beside it), and the peak memory of the importing process for 20 000 and
100 000 rows (each size imported in its own process, peak RSS from ``getrusage``).
Targets: >= 20 000 rows/s, >= 0.25 x COPY's rate, memory flat in the size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/patrimoine.py

``--paths [ROUNDS]`` compares the two validation paths on the same 100 000-row
file instead: the SQL path (COPY, rules in SQL) and the Python path (the same
file read and validated row by row, as an XLSX file or a CSV file that COPY
refuses would be), in interleaved rounds (default 5), each import in its own
process; medians of a first import and of the same file again (unchanged).
``--keys [ROUNDS]`` compares first imports with the foreign keys of
``bourse_dwelling`` dropped and restored, in interleaved rounds.

A dedicated database (``<name>_bench_patrimoine``) is created, migrated and
dropped at the end; the database of ``DATABASE_URL`` itself is not touched.
``run(print)`` is the entry point for ``bench/run.py``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SIZES = (20_000, 100_000)
TARGET_RPS = 20_000
TARGET_COPY_RATIO = 0.25
# Peak memory may grow by this much between 20k and 100k rows and still be "flat".
FLAT_MEMORY_MARGIN_MB = 16
BARE_COLUMNS = (
    "reference_logement",
    "adresse",
    "code_insee",
    "typologie",
    "surface",
    "etage",
    "ascenseur",
    "loyer",
    "charges",
    "reservataire_type",
    "reservataire_code",
    "reference_locataire",
    "nom_locataire",
    "eligible",
    "email_contact_1",
    "email_contact_2",
)
STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Gambetta",
    "allée des Tilleuls",
    "rue Paul Vaillant-Couturier",
    "place de la Mairie",
    "rue du Général Leclerc",
)
NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau")


# --- Generated file ---------------------------------------------------------------


def _insee_codes() -> list[str]:
    with open(BASE_DIR / "bourse" / "data" / "communes-idf.csv", encoding="utf-8") as f:
        return [row["insee"] for row in csv.DictReader(f)]


def generate_csv(path: Path, rows: int, seed: int = 2026) -> None:
    """A valid patrimoine file of ``rows`` dwellings (deterministic)."""
    rng = random.Random(seed)
    codes = _insee_codes()
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(BARE_COLUMNS)
        for n in range(1, rows + 1):
            rooms = rng.randint(1, 6)
            surface = 18 + rooms * 14 + rng.randint(0, 15)
            rent = surface * rng.uniform(6.5, 11.0)
            insee = rng.choice(codes)
            kind = rng.choice(("bailleur", "etat", "action_logement", "commune"))
            writer.writerow(
                (
                    f"LOG-{n:07d}",
                    f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                    insee,
                    f"T{rooms}" if rooms < 6 else "T6+",
                    f"{surface},{rng.randint(0, 9)}",
                    str(rng.randint(0, 12)),
                    rng.choice(("oui", "non")),
                    f"{rent:.2f}".replace(".", ","),
                    f"{surface * 1.4:.2f}".replace(".", ","),
                    kind,
                    insee if kind == "commune" else "",
                    f"LOC-{n:07d}",
                    rng.choice(NAMES),
                    "oui" if rng.random() < 0.85 else "non",
                    "gestion@bailleur.example",
                    "cal@bailleur.example",
                )
            )


# --- Databases --------------------------------------------------------------------


def run_child(script: str, url: str, *args: str, **extra_env: str) -> dict:
    """Run ``script`` (a bench file) in a child process on the database ``url`` with the
    test settings (per-process memory cache, eager Celery); return the JSON object its
    last output line holds."""
    base_dir = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        PYTHONPATH=str(base_dir),
        **extra_env,
    )
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, script, *args],
        env=env,
        cwd=base_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench subprocess failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin_connect(url: str):
    import psycopg

    return psycopg.connect(_with_dbname(url, "postgres"), autocommit=True)


def create_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connect(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connect(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def copy_rate(url: str, path: Path, attempts: int = 3) -> tuple[int, float]:
    """PostgreSQL's own COPY of the same file into a bare table: (rows, seconds).

    A plain (logged) table of text columns, created before the clock starts;
    the time includes the commit. The best of ``attempts`` runs: the limit is
    taken at its fastest, never slowed by a busy moment.
    """
    import psycopg

    columns = ", ".join(f"{c} text" for c in BARE_COLUMNS)
    best = float("inf")
    with psycopg.connect(url) as conn:
        for _attempt in range(attempts):
            conn.execute("DROP TABLE IF EXISTS bench_bare_patrimoine")
            conn.execute(f"CREATE TABLE bench_bare_patrimoine ({columns})")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cursor:
                statement = (
                    "COPY bench_bare_patrimoine FROM STDIN (FORMAT csv, DELIMITER ';', HEADER)"
                )
                with cursor.copy(statement) as copy:
                    with open(path, "rb") as f:
                        while chunk := f.read(1 << 20):
                            copy.write(chunk)
            conn.commit()
            best = min(best, time.perf_counter() - started)
            rows = conn.execute("SELECT COUNT(*) FROM bench_bare_patrimoine").fetchone()[0]
        conn.execute("DROP TABLE bench_bare_patrimoine")
        conn.commit()
    return rows, best


DWELLING_COLUMNS = (
    "landlord_id, housing_reference, address, commune_id, typology, surface, floor, lift, "
    "rent, charges, reservataire_kind, reservataire_code, tenant_reference, tenant_name, "
    "eligible_flag, contact1_email, contact2_email, in_snapshot, updated_at"
)


def _typed_rows(path: Path, out: Path, landlord: int) -> None:
    """The rows of the generated file as ``bourse_dwelling`` stores them (CSV that
    PostgreSQL's input functions read: decimal points, booleans)."""
    yes = {"oui": "t", "non": "f"}
    with open(path, encoding="utf-8", newline="") as f, open(out, "w", newline="") as o:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        writer = csv.writer(o)
        for r in reader:
            writer.writerow(
                (landlord, r[0], r[1], r[2], r[3], r[4].replace(",", "."), r[5], yes[r[6]],
                 r[7].replace(",", "."), r[8].replace(",", "."), r[9], r[10], r[11], r[12],
                 yes[r[13]], r[14], r[15], "t", "2026-12-01 00:00:00+00")
            )  # fmt: skip


def dwelling_copy_rate(
    url: str, path: Path, attempts: int = 3, foreign_keys: bool = False
) -> tuple[int, float]:
    """PostgreSQL's COPY of the same rows, typed, into a copy of ``bourse_dwelling``
    with its indexes (``LIKE … INCLUDING ALL``: primary key, unique key, indexes)
    and, with ``foreign_keys``, its foreign keys too (an existing landlord and
    commune in every row, as the import writes them): (rows, seconds), the best of
    ``attempts``, commit included. Run after an import (the landlord it wrote is
    the rows' landlord)."""
    import psycopg

    typed = path.with_suffix(".typed.csv")
    best = float("inf")
    with psycopg.connect(url) as conn:
        (landlord,) = conn.execute("SELECT MIN(landlord_id) FROM bourse_dwelling").fetchone()
        keys = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'bourse_dwelling'::regclass AND contype = 'f'"
        ).fetchall()
        _typed_rows(path, typed, landlord or 1)
        for _attempt in range(attempts):
            conn.execute("DROP TABLE IF EXISTS bench_dwelling_copy")
            conn.execute("CREATE TABLE bench_dwelling_copy (LIKE bourse_dwelling INCLUDING ALL)")
            if foreign_keys:
                for n, (definition,) in enumerate(keys):
                    conn.execute(
                        f"ALTER TABLE bench_dwelling_copy ADD CONSTRAINT bench_fk_{n} {definition}"
                    )
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cursor:
                statement = (
                    f"COPY bench_dwelling_copy ({DWELLING_COLUMNS}) FROM STDIN (FORMAT csv, "
                    "FORCE_NOT_NULL (reservataire_code, tenant_reference, tenant_name))"
                )
                with cursor.copy(statement) as copy:
                    with open(typed, "rb") as f:
                        while chunk := f.read(1 << 20):
                            copy.write(chunk)
            conn.commit()
            best = min(best, time.perf_counter() - started)
            rows = conn.execute("SELECT COUNT(*) FROM bench_dwelling_copy").fetchone()[0]
        conn.execute("DROP TABLE bench_dwelling_copy")
        conn.commit()
    typed.unlink()
    return rows, best


# --- The import, in its own process -----------------------------------------------


def _child(path: str, python_path: bool = False) -> None:
    """Import ``path`` for a fresh landlord; print figures as JSON (child process).
    ``python_path``: the SQL path is not offered (``sqlpath.available`` says no)."""
    import resource

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.core.files import File
    from django.core.files.base import ContentFile

    from bourse.models import Dwelling, Landlord, PatrimoineImport
    from bourse.patrimoine import importer, sqlpath
    from bourse.patrimoine.importer import run_import
    from bourse.territories import ensure_reference_data
    from bourse.validators import luhn_check_digit

    ensure_reference_data()
    if python_path:
        sqlpath.available = lambda layout: False

    def _siret(prefix: str) -> str:
        return prefix + luhn_check_digit(prefix)

    landlord = Landlord.objects.create(
        name=f"Bench {os.getpid()}", siret=_siret(f"9970{os.getpid() % 100000:05d}0001")
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def make_import() -> PatrimoineImport:
        imp = PatrimoineImport(landlord=landlord, original_name="bench.csv", sha256="bench")
        with open(path, "rb") as f:
            imp.file.save("bench.csv", File(f), save=False)
        imp.save()
        return imp

    # Warm-up, as in a running worker: a small file for another landlord.
    warm_landlord = Landlord.objects.create(
        name=f"Bench warm-up {os.getpid()}", siret=_siret(f"9971{os.getpid() % 100000:05d}0001")
    )
    warm = PatrimoineImport(landlord=warm_landlord, original_name="warm.csv", sha256="warm")
    with open(path, "rb") as f:
        head = b"".join(line for _, line in zip(range(101), f, strict=False))
    warm.file.save("warm.csv", ContentFile(head), save=False)
    warm.save()
    run_import(warm.pk)

    # Which path validated the rows (the SQL path: COPY + SQL rules, or Python's),
    # and where the time went: each phase is timed by a wrapper.
    phases: dict[str, float] = {}

    def timed(module, name, label):
        function = getattr(module, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)

    from django.db import connection

    from bourse.patrimoine import notifications

    for module, name, label in (
        (sqlpath, "copy_file", "copy"),
        (sqlpath, "stage", "validate"),
        (importer, "flag_duplicates", "duplicates"),
        (importer, "_guard", "guard"),
        (importer, "apply_changes", "apply"),
        # The commit checks the deferred foreign keys, one look-up per written row.
        (connection, "commit", "commit"),
        (notifications, "notify_import_finished", "notify"),
    ):
        timed(module, name, label)
    imp = make_import()
    started = time.perf_counter()
    done = run_import(imp.pk)
    first = time.perf_counter() - started
    validated_by = "sql" if "validate" in phases else "python"
    split = {**phases, "other": first - sum(phases.values())}
    imp = make_import()
    started = time.perf_counter()
    again = run_import(imp.pk)
    second = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": done.status,
                "path": validated_by,
                "message": done.message,
                "rows": done.rows_total,
                "created": done.created_count,
                "errors": done.error_count,
                "again_unchanged": again.unchanged_count,
                "dwellings": Dwelling.objects.filter(landlord=landlord).count(),
                "seconds": first,
                "split": split,
                "again_seconds": second,
                "rss_before_kb": rss_before,
                "peak_rss_kb": rss_after,
            }
        )
    )


def _import_in_subprocess(url: str, path: Path, media: Path, python_path: bool = False) -> dict:
    flag = "--child-python" if python_path else "--child"
    return run_child(__file__, url, flag, str(path), TEST_MEDIA_ROOT=str(media))


def _migrate(url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings.test")
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
        env=env,
        cwd=BASE_DIR,
        check=True,
    )


def run(print=print) -> bool:  # noqa: A002 (the caller passes its printer)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return True
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_patrimoine"
    bench_url = _with_dbname(url, bench_name)
    workdir = Path(tempfile.mkdtemp(prefix="eh-bench-patrimoine-"))
    ok = True
    try:
        create_database(url, bench_name)
        started = time.perf_counter()
        _migrate(bench_url)
        print(
            f"  database {bench_name} created and migrated in {time.perf_counter() - started:.1f} s"
        )
        results = {}
        for size in SIZES:
            path = workdir / f"patrimoine-{size}.csv"
            generate_csv(path, size)
            megabytes = path.stat().st_size / 1e6
            result = _import_in_subprocess(bench_url, path, workdir / "media")
            if result["status"] != "done" or result["errors"] or result["created"] != size:
                print(f"  import of {size} rows did not succeed: {result}")
                return False
            results[size] = result
            rps = size / result["seconds"]
            print(
                f"  {size:>7} rows ({megabytes:5.1f} MB, {result['path']} path): "
                f"{result['seconds']:6.2f} s "
                f"= {rps:8.0f} rows/s; same file again (unchanged): "
                f"{result['again_seconds']:5.2f} s; "
                f"peak RSS {result['peak_rss_kb'] / 1024:6.1f} MB "
                f"(after Django setup {result['rss_before_kb'] / 1024:5.1f} MB)"
            )
            split = ", ".join(f"{k} {v:.2f} s" for k, v in result["split"].items())
            print(f"           split: {split} (other: file checks, report, bookkeeping)")
        big = max(SIZES)
        big_path = workdir / f"patrimoine-{big}.csv"
        bare_rows, bare_seconds = copy_rate(bench_url, big_path)
        copy_rows, copy_seconds = dwelling_copy_rate(bench_url, big_path)
        _rows, keyed_seconds = dwelling_copy_rate(bench_url, big_path, foreign_keys=True)
        copy_rps = copy_rows / copy_seconds
        rps = big / results[big]["seconds"]
        ratio = rps / copy_rps
        small, large = (results[s]["peak_rss_kb"] / 1024 for s in SIZES)
        print(
            f"  PostgreSQL COPY of the same {bare_rows} rows (best of 3) into a bare table of "
            f"text columns: {bare_seconds:.2f} s = {bare_rows / bare_seconds:.0f} rows/s "
            f"(import / bare COPY {rps / (bare_rows / bare_seconds):.2f}); typed, into a copy "
            f"of bourse_dwelling with its indexes: {copy_seconds:.2f} s = {copy_rps:.0f} rows/s; "
            f"with its foreign keys too: {keyed_seconds:.2f} s "
            f"(import / that COPY {rps / (copy_rows / keyed_seconds):.2f})"
        )
        checks = (
            (f"import rate {rps:.0f} rows/s >= {TARGET_RPS}", rps >= TARGET_RPS),
            (
                f"ratio to COPY into bourse_dwelling's copy {ratio:.2f} >= {TARGET_COPY_RATIO}",
                ratio >= TARGET_COPY_RATIO,
            ),
            (
                f"peak memory flat: {small:.1f} MB (20k) vs {large:.1f} MB (100k), "
                f"growth {large - small:.1f} MB <= {FLAT_MEMORY_MARGIN_MB} MB",
                large - small <= FLAT_MEMORY_MARGIN_MB,
            ),
        )
        for label, passed in checks:
            print(f"  {'PASS' if passed else 'FAIL'} {label}")
            ok = ok and passed
        return ok
    finally:
        drop_database(url, bench_name)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def compare_paths(rounds: int = 5, rows: int = 100_000, print=print) -> None:  # noqa: A002
    """The SQL and the Python validation paths on the same file, interleaved rounds."""
    url = os.environ.get("DATABASE_URL", "")
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_patrimoine"
    bench_url = _with_dbname(url, bench_name)
    workdir = Path(tempfile.mkdtemp(prefix="eh-bench-patrimoine-"))
    try:
        create_database(url, bench_name)
        _migrate(bench_url)
        path = workdir / f"patrimoine-{rows}.csv"
        generate_csv(path, rows)
        runs: dict[str, list[dict]] = {"sql": [], "python": []}
        for n in range(rounds):
            order = ("sql", "python") if n % 2 == 0 else ("python", "sql")
            for name in order:
                result = _import_in_subprocess(
                    bench_url, path, workdir / "media", python_path=name == "python"
                )
                if result["path"] != name or result["created"] != rows or result["errors"]:
                    raise RuntimeError(f"the {name} path did not import the file: {result}")
                runs[name].append(result)
                print(
                    f"  round {n + 1} {name:>6}: first {result['seconds']:5.2f} s, "
                    f"again {result['again_seconds']:5.2f} s, "
                    f"peak RSS {result['peak_rss_kb'] / 1024:5.1f} MB"
                )
        for name, results in runs.items():
            first = statistics.median(r["seconds"] for r in results)
            again = statistics.median(r["again_seconds"] for r in results)
            phases = {k: statistics.median(r["split"].get(k, 0) for r in results)
                      for k in results[0]["split"]}  # fmt: skip
            split = ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
            print(
                f"  {name:>6} path, median of {len(results)}: first import {first:5.2f} s "
                f"= {rows / first:6.0f} rows/s ({split}); same file again {again:5.2f} s "
                f"= {rows / again:6.0f} rows/s"
            )
    finally:
        drop_database(url, bench_name)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def compare_keys(rounds: int = 5, rows: int = 100_000, print=print) -> None:  # noqa: A002
    """First imports of the same file with the foreign keys of ``bourse_dwelling``
    dropped and restored (their own definitions), interleaved rounds, medians."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    base_name = urlsplit(url).path.lstrip("/") or "postgres"
    bench_name = f"{base_name}_bench_patrimoine"
    bench_url = _with_dbname(url, bench_name)
    workdir = Path(tempfile.mkdtemp(prefix="eh-bench-patrimoine-"))
    try:
        create_database(url, bench_name)
        _migrate(bench_url)
        path = workdir / f"patrimoine-{rows}.csv"
        generate_csv(path, rows)
        with psycopg.connect(bench_url, autocommit=True) as conn:
            keys = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'bourse_dwelling'::regclass AND contype = 'f'"
            ).fetchall()

        def set_keys(on: bool) -> None:
            with psycopg.connect(bench_url, autocommit=True) as conn:
                for name, definition in keys:
                    conn.execute(f'ALTER TABLE bourse_dwelling DROP CONSTRAINT IF EXISTS "{name}"')
                    if on:
                        conn.execute(
                            f'ALTER TABLE bourse_dwelling ADD CONSTRAINT "{name}" {definition}'
                        )

        runs: dict[str, list[tuple[float, float, float]]] = {"keys off": [], "keys on": []}
        for n in range(rounds):
            order = ("keys off", "keys on") if n % 2 == 0 else ("keys on", "keys off")
            for name in order:
                set_keys(name == "keys on")
                result = _import_in_subprocess(bench_url, path, workdir / "media")
                if result["created"] != rows or result["errors"]:
                    raise RuntimeError(f"the import did not succeed ({name}): {result}")
                _rows, copy_seconds = dwelling_copy_rate(bench_url, path)
                runs[name].append((result["seconds"], result["again_seconds"], copy_seconds))
                print(
                    f"  round {n + 1} {name:>8}: first {result['seconds']:5.2f} s, again "
                    f"{result['again_seconds']:5.2f} s, COPY into the indexed copy "
                    f"{copy_seconds:5.2f} s, ratio {copy_seconds / result['seconds']:.2f}"
                )
        for name, results in runs.items():
            first = statistics.median(r[0] for r in results)
            again = statistics.median(r[1] for r in results)
            ratio = statistics.median(r[2] / r[0] for r in results)
            print(
                f"  {name:>8}, median of {len(results)}: first import {first:5.2f} s = "
                f"{rows / first:6.0f} rows/s, ratio to COPY {ratio:.2f}; again {again:5.2f} s"
            )
    finally:
        drop_database(url, bench_name)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("--child", "--child-python"):
        _child(sys.argv[2], python_path=sys.argv[1] == "--child-python")
        sys.exit(0)
    if len(sys.argv) >= 2 and sys.argv[1] in ("--paths", "--keys"):
        compare = compare_paths if sys.argv[1] == "--paths" else compare_keys
        compare(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
