"""Messages sent through the contact form, and everything that happens to them.

A message is stored before any mail leaves (``services.submit``); its thread
(``ContactEvent``) records each forward, reply, escalation and note, with the
outbound mail it produced.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.storage import private_storage


class SenderKind(models.TextChoices):
    REGISTERED_TENANT = "locataire_inscrit", _("Locataire inscrit sur la plateforme")
    UNREGISTERED_TENANT = "locataire_non_inscrit", _("Locataire pas encore inscrit")
    LANDLORD_STAFF = "bailleur", _("Collaborateur d’un bailleur")
    OTHER = "autre", _("Autre")

    @classmethod
    def tenants(cls):
        return (cls.REGISTERED_TENANT, cls.UNREGISTERED_TENANT)


class Category(models.TextChoices):
    TECHNICAL = "technique", _("Question technique")
    TENANT_FILE = "dossier", _("Mon dossier de locataire")


class Topic(models.TextChoices):
    # Technical
    SITE = "site", _("Le site (navigation, affichage)")
    SIGN_IN = "connexion", _("La connexion ou l’inscription")
    BUG = "bug", _("Un dysfonctionnement")
    # Tenant file
    SITUATION = "situation", _("Ma situation")
    ELIGIBILITY = "eligibilite", _("Mon éligibilité")
    EXCHANGE_FILE = "dossier_echange", _("Mon dossier d’échange")

    @classmethod
    def category_of(cls, topic) -> str:
        if topic in (cls.SITE, cls.SIGN_IN, cls.BUG):
            return Category.TECHNICAL
        return Category.TENANT_FILE

    @classmethod
    def grouped_choices(cls):
        return [
            (
                Category.TECHNICAL.label,
                [(t.value, t.label) for t in (cls.SITE, cls.SIGN_IN, cls.BUG)],
            ),
            (
                Category.TENANT_FILE.label,
                [(t.value, t.label) for t in (cls.SITUATION, cls.ELIGIBILITY, cls.EXCHANGE_FILE)],
            ),
        ]


class Status(models.TextChoices):
    NEW = "nouveau", _("Nouveau")
    FORWARDED = "transmis", _("Transmis au bailleur")
    ESCALATED = "escalade", _("Transmis à l’éditeur")
    ANSWERED = "repondu", _("Répondu")
    CLOSED = "clos", _("Clos")


class Destination(models.TextChoices):
    SUPPORT = "support", _("Équipe support")
    LANDLORD = "bailleur", _("Bailleur du locataire")


class ReferenceCounter(models.Model):
    """One row per year; incremented under a row lock to number messages."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de références")

    def __str__(self):
        return f"{self.year}: {self.value}"

    @classmethod
    def next_reference(cls, year: int | None = None) -> str:
        """``EH-2026-000123``; call inside a transaction (the row stays locked
        until it commits, so two processes never get the same number)."""
        year = year or timezone.localdate().year
        cls.objects.get_or_create(year=year)
        cls.objects.filter(year=year).update(value=F("value") + 1)
        value = cls.objects.filter(year=year).values_list("value", flat=True).get()
        return f"EH-{year}-{value:06d}"


def attachment_path(instance, filename):
    # Never under a folder the web server or kit_adherents.media serves.
    return f"private/contact/{timezone.now():%Y/%m}/{filename}"


class ContactMessage(models.Model):
    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    sender_kind = models.CharField(_("expéditeur"), max_length=30, choices=SenderKind.choices)
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("courriel"))
    landlord = models.ForeignKey(
        "bourse.Landlord",
        verbose_name=_("bailleur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_messages",
    )
    landlord_other = models.CharField(
        _("bailleur indiqué (hors liste)"), max_length=200, blank=True
    )
    tenant_reference = models.CharField(_("référence locataire"), max_length=50, blank=True)
    dwelling = models.ForeignKey(
        "bourse.Dwelling",
        verbose_name=_("logement trouvé dans le fichier patrimoine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    topic = models.CharField(_("objet"), max_length=20, choices=Topic.choices)
    body = models.TextField(_("message"))
    attachment = models.FileField(
        _("pièce jointe"),
        upload_to=attachment_path,
        blank=True,
        max_length=300,
        storage=private_storage,
    )
    attachment_name = models.CharField(_("nom de la pièce jointe"), max_length=255, blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"))

    destination = models.CharField(
        _("orienté vers"), max_length=20, choices=Destination.choices, default=Destination.SUPPORT
    )
    to_investigate = models.BooleanField(
        _("à instruire"),
        default=False,
        help_text=_("Bailleur inconnu ou demande peu claire : le support l’oriente."),
    )
    routing_note = models.CharField(_("motif de l’orientation"), max_length=255, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("transmis au bailleur le"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("transmis à l’éditeur le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message de contact")
        verbose_name_plural = _("messages de contact")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["landlord", "forwarded_at"], name="contact_landlord_fwd_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.get_topic_display()}"

    @property
    def subject_line(self) -> str:
        return f"[{self.reference}] {self.get_category_display()} : {self.get_topic_display()}"

    @property
    def is_from_tenant(self) -> bool:
        return self.sender_kind in SenderKind.tenants()


class ContactEvent(models.Model):
    """One step of a message's thread."""

    class Kind(models.TextChoices):
        RECEIVED = "recu", _("Message reçu")
        ACKNOWLEDGED = "accuse", _("Accusé de réception envoyé")
        SUPPORT_NOTIFIED = "support", _("Signalé à l’équipe support")
        FORWARDED = "transmis", _("Transmis au bailleur")
        REPLIED = "reponse", _("Réponse envoyée à l’expéditeur")
        ESCALATED = "escalade", _("Transmis à l’éditeur")
        NOTE = "note", _("Note interne")
        ANSWERED = "repondu", _("Marqué comme répondu")
        CLOSED = "clos", _("Clos")

    message = models.ForeignKey(ContactMessage, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    landlord = models.ForeignKey(
        "bourse.Landlord",
        verbose_name=_("bailleur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    body = models.TextField(_("texte"), blank=True)
    email = models.ForeignKey(
        "portal.OutboundEmail",
        verbose_name=_("courriel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visible_to_landlord = models.BooleanField(_("visible du bailleur"), default=False)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape du fil")
        verbose_name_plural = _("fil des échanges")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.message.reference} — {self.get_kind_display()}"
