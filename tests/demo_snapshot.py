"""The demo content, built once per test session and copied back for each test
that needs it.

``load_demo_content`` takes a long while; the suite used to run it once per test
that showed the demo. Now the session builds it once in the test database,
copies every table of the project into snapshot tables (``CREATE TABLE … AS
SELECT``: the same SQL on SQLite and PostgreSQL), and puts the database back
as ``migrate`` left it. A test that needs the demo gets its tables emptied and
refilled from the snapshot in one transaction: rolled back after a ``db`` test,
committed (and flushed after the test by pytest-django) for a ``transactional_db``
or ``live_server`` test. The snapshot tables are not models, so the flush between
transactional tests leaves them alone.
"""

import io

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

BASE, DEMO = "base", "demo"
# Wagtail's SQLite full-text table is filled by triggers on its index table.
TRIGGER_FILLED = "_fts"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def snapshot_table(kind: str, index: int) -> str:
    # Numbered: some table names are too long to take a prefix on PostgreSQL.
    return f"test_snapshot_{kind}_{index}"


def take(kind: str, tables: list[str]) -> None:
    """Copy every table in ``tables`` into snapshot tables named after ``kind``."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for index, table in enumerate(tables):
            copy = quote(snapshot_table(kind, index))
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {quote(table)}")  # noqa: S608


def restore(kind: str, tables: list[str]) -> None:
    """Empty ``tables`` and fill them from the snapshot ``kind``; sequences follow.

    ``DELETE`` rather than a flush's ``TRUNCATE``: the tables hold little at this
    point and foreign keys are checked at commit (Django makes them deferred)."""
    quote = connection.ops.quote_name
    statements = [f"DELETE FROM {quote(table)}" for table in tables]  # noqa: S608
    statements += [
        f"INSERT INTO {quote(table)} SELECT * FROM {quote(snapshot_table(kind, index))}"  # noqa: S608
        for index, table in enumerate(tables)
        if not table.endswith(TRIGGER_FILLED)
    ]
    models = apps.get_models(include_auto_created=True)
    statements += connection.ops.sequence_reset_sql(no_style(), models)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(";\n".join(sql.rstrip(";") for sql in statements))  # one round trip
        else:
            for sql in statements:
                cursor.execute(sql)
    # Content types were recreated with other ids by the flushes in between.
    ContentType.objects.clear_cache()


def load() -> list[str]:
    """The demo snapshot tables in this database, the quickest way: on SQLite copied
    from a file shared by the workers and the runs (``tests/sqlite_template.py``)."""
    if connection.vendor != "sqlite":
        return build()
    from . import sqlite_template

    tables = _tables()
    sqlite_template.copy_demo_snapshot(tables)
    return tables


def build() -> list[str]:
    """Load the demo once into the test database and keep it in snapshot tables;
    the database is left as it was."""
    tables = _tables()
    take(BASE, tables)
    call_command("load_demo_content", stdout=io.StringIO())
    take(DEMO, tables)
    restore(BASE, tables)
    return tables
