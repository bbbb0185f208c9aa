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
"""

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

FOLDER = Path(settings.BASE_DIR) / ".cache" / "test-db"
PROJECT_APPS = ("portal", "home", "news", "kit_adherents", "bourse", "search")
KEEP = 3  # templates kept for other trees (branches); the oldest go


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


def template() -> Path:
    """The migrated database's file, built by the first worker that asks."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{_fingerprint()}.sqlite3"
    with (FOLDER / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{partial}"}
            env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
            subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
            )
            partial.rename(path)
            for old in sorted(FOLDER.glob("*.sqlite3"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
                old.unlink()
    return path


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
