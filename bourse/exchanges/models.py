"""Exchange files ("dossiers d’échange"): the file, its parties, its history.

What may happen to a file is decided in ``workflow.py`` (the one table of
transitions); this module only stores things. A file has 2 to 5 parties, one
row each: the tenant, the dwelling they leave (its landlord and its contacts 1
and 2 come from that patrimoine row) and the dwelling they move into.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from bourse.models import ActorKind, Dwelling, Landlord

from .admin_forms import MailTemplateForm
from .mail_defaults import CONTEXT_HELP, template_choices


class Step(models.TextChoices):
    """Where a file stands. ``STEP_NUMBERS`` gives the step of DESIGN.md 3.3."""

    CREATED = "created", _("Créé — NUR transmis")
    PRE_INSTRUCTION = "pre_instruction", _("En pré-instruction")
    INSTRUCTION = "instruction", _("En instruction")
    CAL_SCHEDULED = "cal_scheduled", _("Passage en CAL programmé")
    CAL_DECISIONS = "cal_decisions", _("Décisions des CAL en cours")
    ATTRIBUTED = "attributed", _("Attribué par les CAL — attente de la période de déménagement")
    MOVE_PERIOD_SET = "move_period_set", _("Période de déménagement saisie — date à fixer")
    MOVE_SCHEDULED = "move_scheduled", _("Déménagement programmé")
    DONE = "done", _("Échange réalisé")
    CLOSED_BY_LANDLORD = "closed_landlord", _("Clos par un bailleur")
    CLOSED_BY_TENANT = "closed_tenant", _("Clos par un locataire (renonciation)")
    CLOSED_INACTIVITY = "closed_inactivity", _("Clos pour inactivité prolongée d’un locataire")
    CLOSED_AFTER_CAL = "closed_after_cal", _("Clos suite à la CAL")


STEP_NUMBERS = {
    Step.CREATED: 1,
    Step.PRE_INSTRUCTION: 2,
    Step.INSTRUCTION: 3,
    Step.CAL_SCHEDULED: 4,
    Step.CAL_DECISIONS: 5,
    Step.ATTRIBUTED: 6,
    Step.MOVE_PERIOD_SET: 6,
    Step.MOVE_SCHEDULED: 7,
    Step.DONE: 8,
}
# In progress: the tenants' listings stay out of the search.
OPEN_STEPS = (
    Step.CREATED,
    Step.PRE_INSTRUCTION,
    Step.INSTRUCTION,
    Step.CAL_SCHEDULED,
    Step.CAL_DECISIONS,
    Step.ATTRIBUTED,
    Step.MOVE_PERIOD_SET,
    Step.MOVE_SCHEDULED,
)
CLOSED_STEPS = (
    Step.CLOSED_BY_LANDLORD,
    Step.CLOSED_BY_TENANT,
    Step.CLOSED_INACTIVITY,
    Step.CLOSED_AFTER_CAL,
)


class CalDecision(models.TextChoices):
    ATTRIBUTION = "attribution", _("Attribution")
    NON_ATTRIBUTION = "non_attribution", _("Non-attribution")
    REFUSAL_INELIGIBLE = "refus_ineligibilite", _("Refus pour inéligibilité")


def file_reference(pk, opened_at) -> str:
    """The reference shown to people: "DE-<year opened>-<number>"."""
    year = timezone.localtime(opened_at).year if opened_at else 0
    return f"DE-{year}-{pk or 0:06d}"


class ExchangeFileQuerySet(models.QuerySet):
    def open(self):
        return self.filter(step__in=OPEN_STEPS)

    def closed(self):
        return self.filter(step__in=CLOSED_STEPS)

    def for_landlord(self, landlord):
        return self.filter(pk__in=ExchangeParty.objects.filter(landlord=landlord).values("file_id"))

    def for_tenant(self, user):
        return self.filter(pk__in=ExchangeParty.objects.filter(tenant_user=user).values("file_id"))


class ExchangeFile(models.Model):
    """One exchange between 2 to 5 households."""

    step = models.CharField(
        _("étape"), max_length=20, choices=Step.choices, default=Step.CREATED, db_index=True
    )
    step_changed_at = models.DateTimeField(_("étape atteinte le"), default=timezone.now)
    nurs_date = models.DateField(
        _("transmission des NUR"),
        help_text=_("Date à laquelle tous les NUR ont été saisis : elle fait partir les délais."),
    )
    pre_instructed_on = models.DateField(_("pré-instruction validée le"), null=True, blank=True)
    instructed_on = models.DateField(_("instruction validée le"), null=True, blank=True)
    attributed_on = models.DateField(_("attribué par les CAL le"), null=True, blank=True)
    move_period_start = models.DateField(
        _("période de déménagement : début"), null=True, blank=True
    )
    move_period_end = models.DateField(_("période de déménagement : fin"), null=True, blank=True)
    move_date = models.DateField(_("date de déménagement"), null=True, blank=True)
    move_date_entered_on = models.DateField(
        _("date de déménagement saisie le"), null=True, blank=True
    )
    completed_on = models.DateField(_("date de réalisation de l’échange"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_from_step = models.CharField(
        _("clos depuis l’étape"), max_length=20, choices=Step.choices, blank=True
    )
    closure_reason = models.TextField(_("motif de clôture"), blank=True)
    opened_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = ExchangeFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier d’échange")
        verbose_name_plural = _("dossiers d’échange")
        ordering = ["-opened_at"]
        indexes = [
            # The daily alerts scan each of these (step, date) pairs.
            models.Index(fields=["step", "nurs_date"], name="exchange_step_nurs_idx"),
            models.Index(fields=["step", "attributed_on"], name="exchange_step_attrib_idx"),
            models.Index(fields=["step", "move_date"], name="exchange_step_move_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return file_reference(self.pk, self.opened_at)

    @property
    def step_number(self) -> int | None:
        return STEP_NUMBERS.get(self.step)

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS

    @property
    def is_closed(self) -> bool:
        return self.step in CLOSED_STEPS

    @property
    def is_done(self) -> bool:
        return self.step == Step.DONE


class ExchangeParty(models.Model):
    """One household of a file: who leaves which dwelling for which one.

    ``landlord`` repeats ``dwelling_left.landlord`` (set on save) so that
    "the files of my organisation" is one indexed lookup. The tenant's name
    and reference are copied from the patrimoine when the file opens: the
    patrimoine row changes when the household moves out.
    """

    file = models.ForeignKey(
        ExchangeFile, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="parties"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    landlord = models.ForeignKey(
        Landlord,
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="exchange_parties",
    )
    dwelling_left = models.ForeignKey(
        Dwelling,
        verbose_name=_("logement quitté"),
        on_delete=models.PROTECT,
        related_name="exchange_parties_left",
    )
    dwelling_taken = models.ForeignKey(
        Dwelling,
        verbose_name=_("logement pris"),
        on_delete=models.PROTECT,
        related_name="exchange_parties_taken",
    )
    tenant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte du locataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_parties",
    )
    tenant_name = models.CharField(_("nom du locataire"), max_length=150, blank=True)
    tenant_reference = models.CharField(_("référence du locataire"), max_length=50, blank=True)
    nur = models.CharField(_("numéro unique régional (NUR)"), max_length=30)
    cal_date = models.DateField(_("date de la CAL"), null=True, blank=True)
    cal_decision = models.CharField(
        _("décision de la CAL"), max_length=20, choices=CalDecision.choices, blank=True
    )
    cal_decision_on = models.DateField(_("décision saisie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("partie au dossier")
        verbose_name_plural = _("parties au dossier")
        ordering = ["file", "position"]
        constraints = [
            models.UniqueConstraint(fields=["file", "position"], name="exchange_party_position"),
            models.UniqueConstraint(fields=["file", "dwelling_left"], name="exchange_party_left"),
            models.UniqueConstraint(fields=["file", "dwelling_taken"], name="exchange_party_taken"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=5),
                name="exchange_party_position_range",
            ),
        ]
        indexes = [
            models.Index(fields=["landlord", "file"], name="exchange_party_landlord_idx"),
        ]

    def __str__(self):
        return f"{self.file} — {self.position}. {self.tenant_name or self.dwelling_left}"

    def save(self, *args, **kwargs):
        if self.dwelling_left_id and not self.landlord_id:
            self.landlord_id = self.dwelling_left.landlord_id
        super().save(*args, **kwargs)


class ExchangeEvent(models.Model):
    """One action on a file (the timeline): who, when, from which step to which, why.

    ``previous`` holds what the action changed, so that "Annuler l'action"
    can put it back; ``reverted_at`` marks an action undone since.
    """

    file = models.ForeignKey(
        ExchangeFile, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_kind = models.CharField(_("qualité"), max_length=10, choices=ActorKind.choices)
    actor_landlord = models.ForeignKey(
        Landlord,
        verbose_name=_("organisme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    party = models.ForeignKey(
        ExchangeParty,
        verbose_name=_("partie concernée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_step = models.CharField(_("de l’étape"), max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(_("à l’étape"), max_length=20, choices=Step.choices)
    reason = models.TextField(_("motif"), blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)
    previous = models.JSONField(default=dict, blank=True)
    undoable = models.BooleanField(default=False)
    reverted_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action sur un dossier")
        verbose_name_plural = _("actions sur les dossiers")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["file", "at"], name="exchange_event_file_idx")]

    def __str__(self):
        return f"{self.file} — {self.action} ({self.at:%d/%m/%Y %H:%M})"


class Alert(models.IntegerChoices):
    PRE_INSTRUCTION_LATE = 1, _("Pré-instruction plus de 3 semaines après la transmission des NUR")
    INSTRUCTION_LATE = 2, _("Instruction plus de 3 semaines après la transmission des NUR")
    NO_MOVE_PERIOD = (
        3,
        _("Attribué par les CAL depuis plus de 3 semaines sans période de déménagement"),
    )
    NO_MOVE_DATE = 4, _("Attribué par les CAL depuis plus de 3 semaines sans date de déménagement")
    MOVE_DATE_PASSED = 5, _("Date de déménagement dépassée, dossier non clos")


class ReminderLog(models.Model):
    """One reminder about one alert of one file (at most one a week per file and alert)."""

    file = models.ForeignKey(
        ExchangeFile, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="reminders"
    )
    alert = models.PositiveSmallIntegerField(_("alerte"), choices=Alert.choices)
    sent_on = models.DateField(_("envoyée le"))
    sent_at = models.DateTimeField(_("envoyée à"), default=timezone.now)
    contact = models.CharField(_("destinataires"), max_length=10)  # "contact1" / "contact2"
    recipients = models.JSONField(_("adresses"), default=list)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["file", "alert", "sent_on"], name="exchange_reminder_idx"),
            models.Index(fields=["sent_on"], name="exchange_reminder_day_idx"),
        ]

    def __str__(self):
        return f"{self.file} — alerte {self.alert} — {self.sent_on:%d/%m/%Y}"


class MailTemplate(models.Model):
    """A stored version of one event mail; without a row, the default in ``mails.py`` is used.

    Subject and body use the Django template language over a restricted
    context (plain texts and dates, no objects): see ``mails.CONTEXT_HELP``.
    """

    key = models.CharField(_("courriel"), max_length=40, unique=True, choices=template_choices)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"), help_text=CONTEXT_HELP)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    panels = [FieldPanel("key"), FieldPanel("subject"), FieldPanel("body")]
    base_form_class = MailTemplateForm

    class Meta:
        verbose_name = _("modèle de courriel (dossiers d’échange)")
        verbose_name_plural = _("modèles de courriels (dossiers d’échange)")
        ordering = ["key"]

    def __str__(self):
        return str(self.get_key_display())

    def clean(self):
        from .mails import validate_template

        validate_template(self.key, self.subject, self.body)
