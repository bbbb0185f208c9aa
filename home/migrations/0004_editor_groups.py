"""The GIE's editors may publish; the review workflow in French, approved by
"Validateurs GIE" (see ``home.editors``).

Idempotent: groups looked up by name, permissions added (never removed), so
running it again, or after ``sync_editor_groups()``, changes nothing.
"""

from django.db import migrations


def grant_editor_permissions(apps, schema_editor):
    from home.editors import ensure_permissions_exist, sync_editor_groups

    ensure_permissions_exist(apps)
    sync_editor_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_keyfigure_source_alter_keyfigure_value"),
        ("news", "0002_newstheme_webinarindexpage_newspage_listing_image_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(grant_editor_permissions, migrations.RunPython.noop)]
