"""Apply the retention table by hand (the daily job), or show what it would do."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bourse.privacy import retention


class Command(BaseCommand):
    help = "Purge les données personnelles dont la durée de conservation est échue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Affiche ce qui serait purgé, sans rien modifier.",
        )
        parser.add_argument(
            "--date", help="Jour de référence AAAA-MM-JJ (par défaut : aujourd’hui)."
        )

    def handle(self, *args, dry_run=False, date=None, **options):
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(
                    _("Date invalide : %(date)s (AAAA-MM-JJ).") % {"date": date}
                ) from error
        outcomes = retention.run(today=today, dry_run=dry_run)
        self.stdout.write(
            _("Simulation : rien n’est modifié.") if dry_run else _("Purge effectuée.")
        )
        for outcome in outcomes:
            rule = outcome.rule
            verb = _("serait traité(s)") if dry_run else _("traité(s)")
            self.stdout.write(
                f"- {rule.data} ({rule.duration}, {rule.key}) : {outcome.count} {verb}"
            )
