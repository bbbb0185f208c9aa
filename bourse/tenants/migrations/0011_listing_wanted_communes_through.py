"""``Listing.wanted_communes`` gets an explicit through model on its existing
table (``tenants_listing_wanted_communes``, same columns: no row moves), so
that the table's keys are declared in its ``Meta``:

- the unique (listing, commune) key becomes a named ``UniqueConstraint``;
- a (commune, listing) index serves "who wants commune X" (an index range per
  commune instead of thousands of heap blocks);
- the single-column indexes of the two keys go: each is the leading column of
  one of the two composite indexes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bourse", "0011_patrimoine_import_guard"),
        ("tenants", "0010_search_indexes_declared"),
    ]

    operations = [
        # The state catches up with the table Django created for the M2M field.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ListingWantedCommune",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "listing",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenants.listing",
                            ),
                        ),
                        (
                            "commune",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="bourse.commune",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "commune recherchée",
                        "verbose_name_plural": "communes recherchées",
                        "db_table": "tenants_listing_wanted_communes",
                        "unique_together": {("listing", "commune")},
                    },
                ),
                migrations.AlterField(
                    model_name="listing",
                    name="wanted_communes",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="tenants.ListingWantedCommune",
                        to="bourse.commune",
                        verbose_name="communes recherchées",
                    ),
                ),
            ],
            database_operations=[],
        ),
        # Then real changes: the named unique key first (never without one).
        migrations.AddConstraint(
            model_name="listingwantedcommune",
            constraint=models.UniqueConstraint(
                fields=("listing", "commune"), name="listing_wanted_commune_once"
            ),
        ),
        migrations.AlterUniqueTogether(name="listingwantedcommune", unique_together=set()),
        migrations.AddIndex(
            model_name="listingwantedcommune",
            index=models.Index(fields=["commune", "listing"], name="listing_wanting_commune_idx"),
        ),
        migrations.AlterField(
            model_name="listingwantedcommune",
            name="listing",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tenants.listing",
            ),
        ),
        migrations.AlterField(
            model_name="listingwantedcommune",
            name="commune",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bourse.commune",
            ),
        ),
    ]
