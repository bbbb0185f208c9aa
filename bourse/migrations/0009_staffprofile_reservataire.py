"""A partner account is linked to its reservataire (the contingent it follows).

Partner profiles created before this link have no reservataire and cannot be
given one safely (which contingent's figures would they see?): their profile
is removed, so they open no space until the AMO creates their account again
(the demo links its ``partenaire`` account when ``load_demo_content`` runs).
"""

import django.db.models.deletion
from django.db import migrations, models


def drop_unlinked_partner_profiles(apps, schema_editor):
    StaffProfile = apps.get_model("bourse", "StaffProfile")
    Group = apps.get_model("auth", "Group")
    unlinked = StaffProfile.objects.filter(role="partner", reservataire__isnull=True)
    group = Group.objects.filter(name="Partenaires").first()
    if group is not None:
        group.user_set.remove(*unlinked.values_list("user_id", flat=True))
    unlinked.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("bourse", "0008_dwelling_import_speed"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="reservataire",
            field=models.ForeignKey(
                blank=True,
                help_text="Le réservataire d’un compte partenaire : son contingent.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partner_accounts",
                to="bourse.reservataire",
                verbose_name="réservataire",
            ),
        ),
        migrations.RunPython(drop_unlinked_partner_profiles, migrations.RunPython.noop),
    ]
