"""The covering search indexes are declared in ``Listing.Meta.indexes``
(``include=``, ``condition=``) instead of raw SQL (0004, 0005, 0008).

On PostgreSQL the raw covering indexes are dropped and the declared ones built
by Django in place of the plain partial ones they made redundant (same keys and
condition); on SQLite, which skips ``include``, the plain partial indexes are
rebuilt as they were. A fresh database and an upgraded one end with the same
indexes.
"""

from importlib import import_module

from django.db import migrations, models

COVER_0008 = import_module("bourse.tenants.migrations.0008_covering_indexes_without_paused")
SEARCHABLE = models.Q(
    ("eligible", True), ("paused_unanswered_at__isnull", True), ("status", "active")
)
SEARCH_COLUMNS = [
    "id",
    "surface",
    "floor",
    "lift",
    "accessible",
    "any_commune",
    "wants_t1",
    "wants_t2",
    "wants_t3",
    "wants_t4",
    "wants_t5",
    "wants_t6",
    "min_surface",
    "max_monthly_cost",
    "max_floor",
    "lift_required",
    "accessible_required",
    "published_at",
]


def drop_raw_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_search_cover_idx")
        schema_editor.execute("DROP INDEX IF EXISTS listing_search_typ_cover_idx")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0009_alert_db_defaults")]

    operations = [
        migrations.RunPython(drop_raw_indexes, COVER_0008.create, elidable=True),
        migrations.RemoveIndex(model_name="listing", name="listing_search_idx"),
        migrations.RemoveIndex(model_name="listing", name="listing_search_typ_idx"),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=SEARCHABLE,
                fields=["commune", "typology", "monthly_cost"],
                include=SEARCH_COLUMNS,
                name="listing_search_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=SEARCHABLE,
                fields=["typology", "monthly_cost"],
                include=["commune", *SEARCH_COLUMNS],
                name="listing_search_typ_idx",
            ),
        ),
    ]
