"""Role groups with their permissions; existing staff profiles join their group.

Idempotent: groups are looked up by name, permissions added (never removed),
so running it again, or after ``sync_groups()``, changes nothing.
"""

from django.db import migrations

ROLE_GROUPS = {
    "super_admin": "Super administrateurs (AMO)",
    "landlord_admin": "Administrateurs bailleur",
    "agent": "Agents bailleur",
    "partner": "Partenaires",
}


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the last migration: make sure ours exist.
    for label in ("bourse", "wagtailadmin"):
        try:
            config = global_apps.get_app_config(label)
        except LookupError:
            continue
        create_permissions(config, apps=apps, verbosity=0)

    from bourse.permissions import sync_groups

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    sync_groups(Group, Permission)

    StaffProfile = apps.get_model("bourse", "StaffProfile")
    for profile in StaffProfile.objects.select_related("user"):
        group = Group.objects.get(name=ROLE_GROUPS[profile.role])
        profile.user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("bourse", "0004_landlord_help_images_contact_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
