"""The keys of ``Dwelling`` get their database constraints back (0008 had
dropped them for import speed): the figures of ``bench/patrimoine.py`` are in
the README (Patrimoine import).

Rows that a missing constraint let through are first given the fate their
``on_delete`` names (no-op on a consistent database): dwellings of a deleted
landlord go (CASCADE), the last import of a dwelling becomes empty when that
import is gone (SET_NULL). A dwelling in an unknown commune (PROTECT) stops the
migration: that needs a person, not a rule.
"""

import django.db.models.deletion
from django.db import migrations, models


def apply_missed_on_delete(apps, schema_editor):
    Dwelling = apps.get_model("bourse", "Dwelling")
    Landlord = apps.get_model("bourse", "Landlord")
    PatrimoineImport = apps.get_model("bourse", "PatrimoineImport")
    Dwelling.objects.exclude(landlord_id__in=Landlord.objects.values("pk")).delete()
    Dwelling.objects.filter(last_import_id__isnull=False).exclude(
        last_import_id__in=PatrimoineImport.objects.values("pk")
    ).update(last_import=None)
    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred checks those writes queued: a table with pending
        # trigger events cannot be altered in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("bourse", "0011_patrimoine_import_guard"),
    ]

    operations = [
        migrations.RunPython(apply_missed_on_delete, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dwelling",
            name="commune",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dwellings",
                to="bourse.commune",
                verbose_name="commune",
            ),
        ),
        migrations.AlterField(
            model_name="dwelling",
            name="landlord",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dwellings",
                to="bourse.landlord",
                verbose_name="bailleur",
            ),
        ),
        migrations.AlterField(
            model_name="dwelling",
            name="last_import",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="bourse.patrimoineimport",
                verbose_name="dernier import",
            ),
        ),
    ]
