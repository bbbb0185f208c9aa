from django.db import migrations

MEMBER_GROUP = "Membres"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=MEMBER_GROUP)


class Migration(migrations.Migration):
    """The "Membres" group: landlord staff who reach the member area without
    typing the shared password."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kit_adherents", "0001_kit_document"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
