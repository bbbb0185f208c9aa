"""Run the nightly recomputation of the statistics by hand (idempotent)."""

from django.core.management.base import BaseCommand

from bourse.stats.compute import recompute_statistics


class Command(BaseCommand):
    help = "Recalcule toutes les statistiques, sur tous les mois (idempotent)."

    def handle(self, *args, **options):
        run = recompute_statistics()
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistiques recalculées : {run.files} dossiers, {run.monthly_rows} lignes "
                f"mensuelles, {run.commune_rows} lignes par commune, en {run.seconds:.1f} s."
            )
        )
