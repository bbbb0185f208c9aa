"""Load the Île-de-France reference data (Etalab, GeoNames) from bourse/data/."""

from django.db import migrations


def load(apps, schema_editor):
    from bourse.territories import load_reference_data

    load_reference_data(
        apps.get_model("bourse", "Commune"), apps.get_model("bourse", "Intercommunality")
    )


def unload(apps, schema_editor):
    apps.get_model("bourse", "Commune").objects.all().delete()
    apps.get_model("bourse", "Intercommunality").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("bourse", "0002_patrimoine")]
    operations = [migrations.RunPython(load, unload)]
