"""PostgreSQL only: both search indexes carry every column the ranking reads
(criteria, publication date, id), so that ranking and counting read the
indexes alone (index-only scans once the table is vacuumed)."""

from django.db import migrations

COLUMNS = (
    "id, commune_id, surface, floor, lift, accessible, any_commune, wants_t1, wants_t2, "
    "wants_t3, wants_t4, wants_t5, wants_t6, min_surface, max_monthly_cost, max_floor, "
    "lift_required, accessible_required, published_at"
)
WHERE = "WHERE status = 'active' AND eligible"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_cover_idx")
    schema_editor.execute(
        "CREATE INDEX listing_search_cover_idx ON tenants_listing "
        f"(commune_id, typology, monthly_cost) INCLUDE ({COLUMNS.replace('commune_id, ', '')}) "
        f"{WHERE}"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS listing_search_typ_cover_idx ON tenants_listing "
        f"(typology, monthly_cost) INCLUDE ({COLUMNS}) {WHERE}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_search_typ_cover_idx")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_covering_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
