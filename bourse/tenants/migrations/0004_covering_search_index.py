"""PostgreSQL only: the search index also carries the criteria columns, so that
ranking a commune's listings (matching.RankedResults, tier 1) reads the index
alone. Other databases keep the plain ``listing_search_idx``."""

from django.db import migrations

COLUMNS = (
    "surface, floor, lift, accessible, any_commune, wants_t1, wants_t2, wants_t3, wants_t4, "
    "wants_t5, wants_t6, min_surface, max_monthly_cost, max_floor, lift_required, "
    "accessible_required, published_at"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS listing_search_cover_idx ON tenants_listing "
        f"(commune_id, typology, monthly_cost) INCLUDE ({COLUMNS}) "
        "WHERE status = 'active' AND eligible"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS listing_search_cover_idx")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
