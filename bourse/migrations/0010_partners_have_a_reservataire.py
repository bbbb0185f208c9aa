"""Partners have a reservataire (a migration of its own: on PostgreSQL the
table cannot be altered in the transaction that deleted the unlinked rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bourse", "0009_staffprofile_reservataire"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="staffprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("role", "partner"), _negated=True)
                | models.Q(("reservataire__isnull", False)),
                name="partners_have_a_reservataire",
            ),
        ),
    ]
