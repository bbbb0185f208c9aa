from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Screen(models.TextChoices):
    """The staff screens that show a tenant's personal data."""

    TENANT_PAGE = "tenant_page", _("fiche locataire")
    EXCHANGE_FILE = "exchange_file", _("dossier d’échange")
    AGREEMENT_PDF = "agreement_pdf", _("accord d’échange (PDF)")
    FILES_EXPORT = "files_export", _("export des dossiers d’échange")
    PATRIMOINE_EXPORT = "patrimoine_export", _("export du patrimoine")
    IMPORT_REPORT = "import_report", _("rapport d’import du patrimoine")
    CONTACT_MESSAGE = "contact_message", _("message de contact")
    CONVERSATION = "conversation", _("message signalé d’une conversation")


class AccessLogEntry(models.Model):
    """Who (a staff account, and its landlord then) looked at what, when.

    The tenant is the account's user row, which an anonymisation keeps (its
    name is gone, its number stays), so the entry still says "which tenant".
    Written by one INSERT (``log.record_access``); kept
    ``RETENTION_ACCESS_LOG_MONTHS`` (``bourse.privacy.retention``).
    """

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre du personnel"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_landlord = models.ForeignKey(
        "bourse.Landlord",
        verbose_name=_("bailleur du membre du personnel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Vide pour l’administrateur de la bourse (AMO)."),
    )
    screen = models.CharField(_("écran"), max_length=20, choices=Screen.choices)
    tenant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exchange_file = models.ForeignKey(
        "exchanges.ExchangeFile",
        verbose_name=_("dossier d’échange"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reference = models.CharField(
        _("objet consulté"),
        max_length=60,
        blank=True,
        help_text=_("Référence du dossier, du message ou de l’export (jamais un nom)."),
    )

    class Meta:
        verbose_name = _("accès aux données d’un locataire")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["staff_landlord", "at"], name="access_log_landlord_idx"),
            models.Index(fields=["staff", "at"], name="access_log_staff_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.staff_id} {self.screen}"
