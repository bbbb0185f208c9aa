"""PostgreSQL only: the two covering search indexes (0005) take the searchable
condition of ``models.SEARCHABLE``, which now leaves out the listings paused for
unanswered requests, so that search keeps reading the indexes alone."""

from importlib import import_module

from django.db import migrations

COVER_0005 = import_module("bourse.tenants.migrations.0005_covering_search_indexes_with_id")
COLUMNS = COVER_0005.COLUMNS


def _create(schema_editor, where):
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_cover_idx")
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_typ_cover_idx")
    schema_editor.execute(
        "CREATE INDEX listing_search_cover_idx ON tenants_listing "
        f"(commune_id, typology, monthly_cost) INCLUDE ({COLUMNS.replace('commune_id, ', '')}) "
        f"{where}"
    )
    schema_editor.execute(
        "CREATE INDEX listing_search_typ_cover_idx ON tenants_listing "
        f"(typology, monthly_cost) INCLUDE ({COLUMNS}) {where}"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, f"{COVER_0005.WHERE} AND paused_unanswered_at IS NULL")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, COVER_0005.WHERE)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0007_engagement")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
