"""The migrated SQLite test database, built once and copied into each worker's.

Every pytest-xdist worker used to run the 234 migrations into its own in-memory
database: 24 s alone, 33 s for each of two workers doing it at once, 90 s for
each of four. Now the first worker to get here runs ``migrate`` once into a file
(a subprocess with the test settings) while the others wait for it; every worker
then copies that file into its in-memory test database with SQLite's backup API,
in place of its own ``migrate``. The database is the one ``migrate`` makes: the
schema, Wagtail's root page and groups, the content types and permissions.

The file stays in ``.cache/test-db/``, named after a hash of every migration file
of the installed apps and of the project's code and data: the next run on the same
tree copies it at once; a changed migration, or any change to the project's code,
makes a new one. PostgreSQL
runs its migrations as before (``.ci/run`` runs both).

The demo content (``tests/demo_snapshot.py``) is kept the same way: the first
worker that needs it loads it once, in a subprocess, into a copy of that file
(``<hash>-demo-<date>.sqlite3``, its media files beside it); each worker then
copies the snapshot tables into its own database. The demo's dates follow the
day it is loaded, so the file names the day and is made anew after ``DEMO_HOURS``.
"""

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings

FOLDER = Path(settings.BASE_DIR) / ".cache" / "test-db"
PROJECT_APPS = ("portal", "home", "news", "kit_adherents", "bourse", "search")
KEEP = 3  # templates kept for other trees (branches); the oldest go
DEMO_HOURS = 2  # a demo file older than this is loaded again (its dates follow the day)


def _fingerprint() -> str:
    """Every migration of every installed app, and all of the project's code and
    reference data: migrations call project code (groups, communes), and
    ``post_migrate`` receivers write rows too."""
    digest = hashlib.sha256(f"{settings.SETTINGS_MODULE} {settings.SITE_URL}".encode())
    base = Path(settings.BASE_DIR)
    files = [
        path
        for config in apps.get_app_configs()
        if not Path(config.path).is_relative_to(base)
        for path in (Path(config.path) / "migrations").glob("*.py")
    ]
    files += [path for app in PROJECT_APPS for path in (base / app).rglob("*") if path.is_file()]
    for path in sorted(files):
        if "__pycache__" not in path.parts:
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _run(command: list[str], database: Path) -> None:
    """``command`` (after the interpreter) with the test settings on ``database``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
    subprocess.run(  # noqa: S603 - our own code
        [sys.executable, *command], cwd=settings.BASE_DIR, env=env, check=True
    )


@contextlib.contextmanager
def _locked():
    FOLDER.mkdir(parents=True, exist_ok=True)
    with (FOLDER / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _keep_newest(demo: bool) -> None:
    files = [path for path in FOLDER.glob("*.sqlite3") if ("-demo-" in path.name) == demo]
    for old in sorted(files, key=lambda p: p.stat().st_mtime)[:-KEEP]:
        old.unlink()
        shutil.rmtree(old.with_suffix(".media"), ignore_errors=True)


def template() -> Path:
    """The migrated database's file, built by the first worker that asks."""
    path = FOLDER / f"{_fingerprint()}.sqlite3"
    with _locked():
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            _run(["manage.py", "migrate", "--noinput", "--verbosity", "0"], partial)
            partial.rename(path)
            _keep_newest(demo=False)
    return path


# Run in the subprocess: the demo's media files go beside the file, not into
# a worker's folder (each worker copies them into its own).
_BUILD_DEMO = """
import sys, django
from django.conf import settings
settings.MEDIA_ROOT = sys.argv[1]
django.setup()
from tests.demo_snapshot import build
build()
"""


def demo_template() -> Path:
    """A copy of ``template()`` that holds the demo snapshot tables; its media
    files are in the folder of the same name ending in ``.media``."""
    from django.utils import timezone

    base = template()
    day = timezone.localdate().isoformat()
    path = FOLDER / f"{base.stem}-demo-{day}.sqlite3"
    with _locked():
        if path.exists() and time.time() - path.stat().st_mtime > DEMO_HOURS * 3600:
            path.unlink()
        if not path.exists():
            partial = path.with_suffix(".partial")
            media = path.with_suffix(".media")
            shutil.rmtree(media, ignore_errors=True)
            shutil.copyfile(base, partial)
            _run(["-c", _BUILD_DEMO, str(media)], partial)
            partial.rename(path)
            _keep_newest(demo=True)
    return path


def copy_demo_snapshot(tables: list[str]) -> None:
    """Copy the demo snapshot tables (and the demo's media files) into this worker."""
    from django.db import connection

    from .demo_snapshot import DEMO, snapshot_table

    source = demo_template()
    if source.with_suffix(".media").is_dir():
        shutil.copytree(source.with_suffix(".media"), settings.MEDIA_ROOT, dirs_exist_ok=True)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Read-only: an unqualified name would reach the attached file too.
        cursor.execute("ATTACH DATABASE %s AS demo_template", [f"file:{source}?mode=ro"])
        try:
            for index in range(len(tables)):
                name = quote(snapshot_table(DEMO, index))
                cursor.execute(f"DROP TABLE IF EXISTS main.{name}")
                cursor.execute(f"CREATE TABLE main.{name} AS SELECT * FROM demo_template.{name}")  # noqa: S608
        finally:
            cursor.execute("DETACH DATABASE demo_template")


_saved = {}


def copy_instead_of_migrate(source: Path) -> None:
    """Until ``restore_migrate``, the test database's ``migrate`` is a copy of ``source``."""
    from django.core.management.commands import migrate
    from django.db import connections

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(source)) as template_db:
            template_db.backup(connection.connection)

    _saved.setdefault("handle", migrate.Command.handle)
    migrate.Command.handle = handle


def restore_migrate() -> None:
    from django.core.management.commands import migrate

    if "handle" in _saved:
        migrate.Command.handle = _saved.pop("handle")
