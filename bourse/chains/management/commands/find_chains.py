"""Run the chain search by hand (the nightly job; idempotent: nothing new when nothing
changed)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from bourse.chains.services import find_chains


def summary(run) -> str:
    if run.locked_out:
        return _("Une recherche de chaînes est déjà en cours.")
    return _(
        "Chaînes : %(listings)s annonces, %(proposed)s propositions nouvelles, "
        "%(dissolved)s dissoutes, en %(seconds).1f s."
    ) % {
        "listings": run.listings,
        "proposed": run.proposed,
        "dissolved": run.dissolved,
        "seconds": run.seconds,
    }


class Command(BaseCommand):
    help = "Cherche les chaînes d’échange et les propose (idempotent)."

    def handle(self, *args, **options):
        run = find_chains()
        if options["verbosity"]:
            self.stdout.write(summary(run))
