"""Materialised statistics: what the nightly recomputation (``compute.py``) writes.

Pages read these tables only (a few dozen rows per page), never the exchange
files themselves. Every row is rewritten by each run, so they hold nothing
that cannot be recomputed; and they hold counts only — no tenant, no file,
no personal data.

A row's *scope* is (``landlord``, ``department``): ``landlord`` NULL means every
landlord, ``department`` "" every department. A file belongs to scope (L, D)
when one of its parties has landlord L and leaves a dwelling in department D;
each file is counted once per scope, so a file between two landlords counts
once in the all-landlords rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bourse.models import Commune, Landlord

# Column names of the monthly counters, in the order ``compute.py`` fills them.
MONTHLY_COUNTERS = (
    "files_opened",
    "files_attributed",
    "exchanges_done",
    "tenants_exchanged",
    "closed_landlord",
    "closed_tenant",
    "closed_inactivity",
    "closed_after_cal",
)
# Delays per step: (key, start field, end field) on ExchangeFile; the delay
# counts in the month of its end.
DELAY_STEPS = (
    ("pre_instruction", "nurs_date", "pre_instructed_on"),
    ("instruction", "pre_instructed_on", "instructed_on"),
    ("attribution", "instructed_on", "attributed_on"),
    ("move_date", "attributed_on", "move_date_entered_on"),
    ("completion", "nurs_date", "completed_on"),
)
DELAY_COLUMNS = tuple(
    name for key, _start, _end in DELAY_STEPS for name in (f"{key}_days", f"{key}_count")
)


def _counter(label):
    return models.PositiveIntegerField(label, default=0)


class MonthlyStat(models.Model):
    """Counts of one month in one scope ("Évolution des échanges" and files per month)."""

    month = models.DateField(_("mois"))  # first day of the month
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("bailleur"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.CharField(_("département"), max_length=3, blank=True)

    files_opened = _counter(_("dossiers ouverts"))
    files_attributed = _counter(_("dossiers attribués par les CAL"))
    exchanges_done = _counter(_("échanges réalisés"))
    tenants_exchanged = _counter(_("locataires ayant échangé"))
    closed_landlord = _counter(_("clos par un bailleur"))
    closed_tenant = _counter(_("clos par un locataire"))
    closed_inactivity = _counter(_("clos pour inactivité"))
    closed_after_cal = _counter(_("clos suite à la CAL"))
    # Sum of the delays (days) and number of files, per step.
    pre_instruction_days = _counter(_("pré-instruction : jours"))
    pre_instruction_count = _counter(_("pré-instruction : dossiers"))
    instruction_days = _counter(_("instruction : jours"))
    instruction_count = _counter(_("instruction : dossiers"))
    attribution_days = _counter(_("attribution : jours"))
    attribution_count = _counter(_("attribution : dossiers"))
    move_date_days = _counter(_("date de déménagement : jours"))
    move_date_count = _counter(_("date de déménagement : dossiers"))
    completion_days = _counter(_("réalisation : jours"))
    completion_count = _counter(_("réalisation : dossiers"))

    class Meta:
        verbose_name = _("statistique mensuelle")
        verbose_name_plural = _("statistiques mensuelles")
        ordering = ["month"]
        indexes = [
            models.Index(fields=["landlord", "department", "month"], name="stats_monthly_scope_idx")
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.landlord_id or '*'} {self.department or '*'}"


class CommuneStat(models.Model):
    """Tenants who exchanged, by commune of the dwelling they left.

    ``year`` NULL is the all-years row: there is one for **every commune that
    has dwellings** in the scope (zero included), whatever the commune's flags
    in the reference data; yearly rows exist only where the count is not zero.
    """

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("bailleur"), null=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("année"), null=True)
    tenants_exchanged = _counter(_("locataires ayant échangé"))

    class Meta:
        verbose_name = _("statistique par commune")
        verbose_name_plural = _("statistiques par commune")
        indexes = [models.Index(fields=["landlord", "year"], name="stats_commune_scope_idx")]

    def __str__(self):
        return f"{self.commune_id} {self.landlord_id or '*'} {self.year or '*'}"


class StatsRun(models.Model):
    """One recomputation: when, how long, how much (the pages show the last one)."""

    started_at = models.DateTimeField(_("commencé le"))
    finished_at = models.DateTimeField(_("terminé le"))
    seconds = models.FloatField(_("durée (s)"))
    files = models.PositiveIntegerField(_("dossiers lus"))
    monthly_rows = models.PositiveIntegerField(_("lignes mensuelles"))
    commune_rows = models.PositiveIntegerField(_("lignes par commune"))

    class Meta:
        verbose_name = _("calcul des statistiques")
        verbose_name_plural = _("calculs des statistiques")
        ordering = ["-finished_at"]

    def __str__(self):
        return f"{self.finished_at:%d/%m/%Y %H:%M}"
