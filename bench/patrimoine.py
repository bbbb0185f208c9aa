#!/usr/bin/env python
"""Bench: import of a generated patrimoine file on PostgreSQL (issue 4).

Figures: rows per second of ``run_import`` on a 100 000-row CSV file (in a
process warmed up by a 100-row import, as a worker is), where that time goes
(COPY with the scan, validation, duplicates, apply, other), the ratio to PostgreSQL's
own ``COPY`` of the same rows into a bare table (the limit, best of three), and
the peak memory of the importing process for 20 000 and 100 000
rows (each size imported in its own process, peak RSS from ``getrusage``).
Targets: >= 20 000 rows/s, >= 0.25 x COPY's rate, memory flat in the size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/echanger_habiter \\
        .venv/bin/python bench/patrimoine.py

A dedicated database (``<name>_bench_patrimoine``) is created, migrated and
dropped at the end; the database of ``DATABASE_URL`` itself is not touched.
``run(print)`` is the entry point for ``bench/run.py``.
"""

from __future__ import annotations

import csv
import json
import os
import random
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


# --- The import, in its own process -----------------------------------------------


def _child(path: str) -> None:
    """Import ``path`` for a fresh landlord; print figures as JSON (child process)."""
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

    for module, name, label in (
        (sqlpath, "copy_file", "copy"),
        (sqlpath, "stage", "validate"),
        (importer, "flag_duplicates", "duplicates"),
        (importer, "apply_changes", "apply"),
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


def _import_in_subprocess(url: str, path: Path, media: Path) -> dict:
    return run_child(__file__, url, "--child", str(path), TEST_MEDIA_ROOT=str(media))


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
            print(f"           split: {split} (other: checks, report, commit)")
        big = max(SIZES)
        copy_rows, copy_seconds = copy_rate(bench_url, workdir / f"patrimoine-{big}.csv")
        copy_rps = copy_rows / copy_seconds
        rps = big / results[big]["seconds"]
        ratio = rps / copy_rps
        small, large = (results[s]["peak_rss_kb"] / 1024 for s in SIZES)
        print(
            f"  PostgreSQL COPY of the same {copy_rows} rows into a bare table: "
            f"{copy_seconds:.2f} s = {copy_rps:.0f} rows/s"
        )
        checks = (
            (f"import rate {rps:.0f} rows/s >= {TARGET_RPS}", rps >= TARGET_RPS),
            (f"ratio to COPY {ratio:.2f} >= {TARGET_COPY_RATIO}", ratio >= TARGET_COPY_RATIO),
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


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        sys.exit(0)
    sys.exit(0 if run(print) else 1)
