"""Tenant accounts, their listing, contact requests and moderation.

Status rules live in ``lifecycle.py`` (one named function per rule); matching
in ``matching.py``; this module only stores things.

A listing keeps a copy of its dwelling's facts from the patrimoine (commune,
typology, surface, rent and charges, floor, lift) and the tenant's
eligibility, refreshed from the patrimoine by ``services.sync_with_patrimoine``
(at sign-in and by the daily job): search and matching then read one table.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bourse.models import ActorKind, Commune, Dwelling, Landlord, Typology
from portal.models import OutboxMessage
from portal.storage import private_storage

TYPOLOGY_FIELDS = {
    Typology.T1: "wants_t1",
    Typology.T2: "wants_t2",
    Typology.T3: "wants_t3",
    Typology.T4: "wants_t4",
    Typology.T5: "wants_t5",
    Typology.T6: "wants_t6",
}


class ExchangeReason(models.TextChoices):
    BIGGER = "bigger", _("Un logement plus grand")
    SMALLER = "smaller", _("Un logement plus petit")
    WORK = "work", _("Me rapprocher de mon travail")
    FAMILY = "family", _("Me rapprocher de ma famille")
    HEALTH = "health", _("Santé, mobilité réduite")
    COST = "cost", _("Un loyer moins élevé")
    OTHER = "other", _("Autre raison")


class TenantProfile(models.Model):
    """A tenant's account: the Django user plus what ties it to the patrimoine.

    The last sign-in is ``user.last_login``; ``kept_alive_at`` records a click
    on the "keep my account" link of a warning mail.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_profile"
    )
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("bailleur"), on_delete=models.PROTECT, related_name="tenants"
    )
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("logement (fichier patrimoine)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenant_accounts",
    )
    tenant_reference = models.CharField(_("référence du locataire"), max_length=50, blank=True)
    housing_reference = models.CharField(_("référence du logement"), max_length=50, blank=True)
    birth_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("nombre de personnes au foyer"), null=True, blank=True
    )
    exchange_reason = models.CharField(
        _("raison de l’échange"), max_length=20, choices=ExchangeReason.choices, blank=True
    )
    nur = models.CharField(
        _("numéro unique régional (NUR)"),
        max_length=30,
        blank=True,
        help_text=_("Numéro d’enregistrement de votre demande de logement social."),
    )
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    kept_alive_at = models.DateTimeField(_("compte maintenu le"), null=True, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # Alerts (saved searches, new chains): channels chosen by the tenant (alerts.py);
    # database defaults too, for bulk SQL inserts (bench).
    alert_email = models.BooleanField(_("alertes par courriel"), default=True, db_default=True)
    alert_sms = models.BooleanField(_("alertes par SMS"), default=False, db_default=False)
    alert_sms_consented_at = models.DateTimeField(
        _("accord pour les SMS donné le"), null=True, blank=True
    )
    chain_alerts = models.BooleanField(
        _("alertes de chaînes d’échange"), default=True, db_default=True
    )

    class Meta:
        verbose_name = _("compte locataire")
        verbose_name_plural = _("comptes locataires")
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "housing_reference"],
                condition=Q(anonymised_at__isnull=True),
                name="tenant_one_account_per_dwelling",
            )
        ]
        indexes = [models.Index(fields=["landlord", "created_at"], name="tenant_landlord_idx")]

    def __str__(self):
        if self.anonymised_at:
            return str(_("Locataire anonymisé n° %(pk)s") % {"pk": self.pk})
        return self.user.get_full_name() or self.user.username

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def public_name(self) -> str:
        """What other tenants see: the first name only."""
        if self.anonymised_at:
            return str(_("Locataire"))
        return self.user.first_name or str(_("Locataire"))

    def last_activity(self):
        """Last sign-in, "keep my account" click or registration, whichever is latest."""
        moments = [self.user.last_login, self.kept_alive_at, self.user.date_joined]
        return max(m for m in moments if m is not None)


# Listings other tenants may find: the partial indexes of search share this condition
# with ``matching.searchable_listings``.
SEARCHABLE = Q(status="active", eligible=True, paused_unanswered_at__isnull=True)
# The columns search ranks and counts by, besides an index's keys (covering indexes).
SEARCH_COLUMNS = [
    "id",
    "surface",
    "floor",
    "lift",
    "accessible",
    "any_commune",
    "wants_t1",
    "wants_t2",
    "wants_t3",
    "wants_t4",
    "wants_t5",
    "wants_t6",
    "min_surface",
    "max_monthly_cost",
    "max_floor",
    "lift_required",
    "accessible_required",
    "published_at",
]


class ListingStatus(models.TextChoices):
    REGISTERED = "registered", _("Enregistrée")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    DEACTIVATED = "deactivated", _("Désactivée")


class DeactivationReason(models.TextChoices):
    MANUAL = "manual", _("désactivation manuelle par le bailleur")
    INACTIVITY = "inactivity", _("plus de 3 mois sans connexion")
    LONG_SUSPENSION = "long_suspension", _("annonce suspendue depuis plus de 4 mois")
    ANONYMISED = "anonymised", _("compte anonymisé")
    EXCHANGE_FILE = "exchange_file", _("dossier d’échange en cours")
    EXCHANGED = "exchanged", _("échange réalisé")


class Listing(models.Model):
    """The tenant's listing ("annonce"): one per account; its status is the account's."""

    tenant = models.OneToOneField(
        TenantProfile, on_delete=models.CASCADE, related_name="listing", verbose_name=_("locataire")
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.REGISTERED
    )
    status_changed_at = models.DateTimeField(_("statut modifié le"), default=timezone.now)
    deactivation_reason = models.CharField(
        _("motif de désactivation"), max_length=20, choices=DeactivationReason.choices, blank=True
    )
    suspended_at = models.DateTimeField(_("suspendue depuis"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    # The three steps.
    profile_done_at = models.DateTimeField(_("profil complété le"), null=True, blank=True)
    housing_done_at = models.DateTimeField(_("fiche logement complétée le"), null=True, blank=True)
    criteria_done_at = models.DateTimeField(_("critères complétés le"), null=True, blank=True)
    # Housing sheet: the tenant's words, and facts copied from the patrimoine.
    description = models.TextField(_("description du logement"), blank=True)
    description_removed_reason = models.CharField(
        _("motif du retrait de la description"), max_length=300, blank=True
    )
    accessible = models.BooleanField(_("logement adapté à la mobilité réduite"), default=False)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    typology = models.CharField(_("typologie"), max_length=3, choices=Typology.choices, blank=True)
    surface = models.DecimalField(_("surface (m²)"), max_digits=6, decimal_places=2, default=0)
    monthly_cost = models.DecimalField(
        _("loyer charges comprises (€)"), max_digits=8, decimal_places=2, default=0
    )
    floor = models.SmallIntegerField(_("étage"), default=0)
    lift = models.BooleanField(_("ascenseur"), default=False)
    eligible = models.BooleanField(_("éligible (fichier patrimoine)"), default=False)
    synced_at = models.DateTimeField(_("synchronisée avec le patrimoine le"), null=True, blank=True)
    # Search criteria ("critères de recherche"); no typology ticked means any.
    wanted_communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes recherchées"),
        related_name="+",
        blank=True,
        through="ListingWantedCommune",
    )
    # True when no commune is wanted (any commune fits): kept in step with
    # ``wanted_communes`` by ``set_wanted_communes`` so that search needs no join.
    any_commune = models.BooleanField(_("toutes communes"), default=True)
    wants_t1 = models.BooleanField("T1", default=False)
    wants_t2 = models.BooleanField("T2", default=False)
    wants_t3 = models.BooleanField("T3", default=False)
    wants_t4 = models.BooleanField("T4", default=False)
    wants_t5 = models.BooleanField("T5", default=False)
    wants_t6 = models.BooleanField("T6+", default=False)
    min_surface = models.DecimalField(
        _("surface minimale (m²)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_monthly_cost = models.DecimalField(
        _("loyer maximal charges comprises (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_floor = models.SmallIntegerField(_("étage maximal"), null=True, blank=True)
    lift_required = models.BooleanField(
        _("ascenseur indispensable au-dessus du rez-de-chaussée"), default=False
    )
    accessible_required = models.BooleanField(
        _("logement adapté à la mobilité réduite indispensable"), default=False
    )
    # Out of the search while a received request waits for an answer for too long
    # (``answering.py``); not a status: the status machine is left alone.
    paused_unanswered_at = models.DateTimeField(
        _("retirée de la recherche faute de réponse le"), null=True, blank=True
    )
    # Moderation: each change of the text or photos is a new version.
    version = models.PositiveIntegerField(_("version"), default=0)
    content_changed_at = models.DateTimeField(_("contenu modifié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        indexes = [
            # Search: only searchable listings, usually filtered by commune. Covering
            # (PostgreSQL): every column ranking and counting read is in the index,
            # so they read it alone (index-only scans); SQLite skips ``include``.
            models.Index(
                fields=["commune", "typology", "monthly_cost"],
                include=SEARCH_COLUMNS,
                condition=SEARCHABLE,
                name="listing_search_idx",
            ),
            models.Index(
                fields=["typology", "monthly_cost"],
                include=["commune", *SEARCH_COLUMNS],
                condition=SEARCHABLE,
                name="listing_search_typ_idx",
            ),
            # Newest first, for the listings that match neither way (matching.RankedResults).
            # Covering too: a rare filter walks tens of thousands of entries before a
            # page is full, and reads the index alone instead of the table.
            models.Index(
                fields=["-published_at", "-id"],
                include=[
                    "commune",
                    "typology",
                    "monthly_cost",
                    *(c for c in SEARCH_COLUMNS if c not in ("id", "published_at")),
                ],
                condition=SEARCHABLE,
                name="listing_published_idx",
            ),
            # The few listings that want any commune.
            models.Index(
                fields=["id"], condition=Q(any_commune=True), name="listing_any_commune_idx"
            ),
            models.Index(fields=["status", "status_changed_at"], name="listing_status_idx"),
        ]

    def __str__(self):
        return str(_("Annonce n° %(pk)s") % {"pk": self.pk})

    # The lines that present a listing (search results, suggestions, its page),
    # built here once rather than by three {% blocktranslate %} per card.
    @property
    def headline(self) -> str:
        return gettext("%(typology)s de %(surface)s m² à %(commune)s") % {
            "typology": self.typology,
            "surface": floatformat(self.surface, "0"),
            "commune": self.commune.name,
        }

    @property
    def cost_line(self) -> str:
        return gettext("%(cost)s € charges comprises") % {
            "cost": floatformat(self.monthly_cost, "0")
        }

    @property
    def wanted_typologies(self) -> list[str]:
        return [t.value for t, field in TYPOLOGY_FIELDS.items() if getattr(self, field)]

    def set_wanted_typologies(self, values) -> None:
        for typology, field in TYPOLOGY_FIELDS.items():
            setattr(self, field, typology.value in set(values))

    def set_wanted_communes(self, communes) -> None:
        communes = list(communes)
        self.wanted_communes.set(communes)
        if self.any_commune != (not communes):
            self.any_commune = not communes
            Listing.objects.filter(pk=self.pk).update(any_commune=self.any_commune)

    @property
    def steps_complete(self) -> bool:
        return bool(self.profile_done_at and self.housing_done_at and self.criteria_done_at)

    @property
    def searchable(self) -> bool:
        return (
            self.status == ListingStatus.ACTIVE
            and self.eligible
            and self.paused_unanswered_at is None
        )


class ListingWantedCommune(models.Model):
    """One commune a listing's tenant wants (the table of ``Listing.wanted_communes``).

    The unique key leads with the listing (its criteria); the index leads with the
    commune, for "who wants commune X" (``matching``: one index range per commune).
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+", db_index=False)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        db_table = "tenants_listing_wanted_communes"
        verbose_name = _("commune recherchée")
        verbose_name_plural = _("communes recherchées")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "commune"], name="listing_wanted_commune_once"
            )
        ]
        indexes = [models.Index(fields=["commune", "listing"], name="listing_wanting_commune_idx")]

    def __str__(self):
        return f"{self.listing_id} → {self.commune_id}"


class EventKind(models.TextChoices):
    STATUS = "status", _("changement de statut")
    STEP = "step", _("étape complétée")
    KEEP_ALIVE = "keep_alive", _("compte maintenu")
    WARNING = "warning", _("avertissement envoyé")
    MODERATION = "moderation", _("modération")
    REPORT = "report", _("signalement")
    ANONYMISED = "anonymised", _("anonymisation")
    UNANSWERED = "unanswered", _("retrait de la recherche faute de réponse")
    ANSWERED = "answered", _("retour dans la recherche")


class ListingEvent(models.Model):
    """History of a listing: who acted (tenant, landlord staff, AMO or a job), what, why."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("date"), default=timezone.now)
    actor_kind = models.CharField(_("acteur"), max_length=10, choices=ActorKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=12, choices=EventKind.choices)
    from_status = models.CharField(
        _("statut avant"), max_length=12, choices=ListingStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("statut après"), max_length=12, choices=ListingStatus.choices, blank=True
    )
    reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("événement d’une annonce")
        verbose_name_plural = _("historique des annonces")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.listing} {self.get_kind_display()} ({self.get_actor_kind_display()})"


class WarningKind(models.TextChoices):
    INACTIVITY = "inactivity", _("inactivité")
    LONG_SUSPENSION = "long_suspension", _("suspension prolongée")


class WarningStage(models.TextChoices):
    MONTH = "month", _("un mois avant")
    WEEK = "week", _("une semaine avant")


class DeactivationWarning(models.Model):
    """A warning mail sent before an automatic deactivation (recorded: sent once)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(_("motif"), max_length=20, choices=WarningKind.choices)
    stage = models.CharField(_("échéance"), max_length=5, choices=WarningStage.choices)
    deadline = models.DateTimeField(_("désactivation prévue le"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("avertissement avant désactivation")
        verbose_name_plural = _("avertissements avant désactivation")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "kind", "stage", "deadline"], name="warning_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.listing} {self.kind} {self.stage} {self.deadline:%Y-%m-%d}"


def photo_path(instance, filename):
    suffix = PurePath(filename).suffix.lower() or ".jpg"
    return f"tenant-photos/{instance.listing_id}/{uuid.uuid4().hex}{suffix}"


class ListingPhoto(models.Model):
    """A photo of the housing sheet: re-encoded on upload (no metadata kept).

    Served by ``views.photo`` to signed-in tenants and to the staff who can see
    the tenant's landlord, never directly by the web server.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(
        _("fichier"), upload_to=photo_path, max_length=200, blank=True, storage=private_storage
    )
    caption = models.CharField(_("légende"), max_length=150, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)
    removed_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    removal_reason = models.CharField(_("motif du retrait"), max_length=300, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retirée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("photo d’annonce")
        verbose_name_plural = _("photos d’annonces")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.caption or str(_("Photo n° %(pk)s") % {"pk": self.pk})


class ModerationSource(models.TextChoices):
    SAMPLE = "sample", _("échantillon aléatoire")
    REPORT = "report", _("signalement")


class ModerationStatus(models.TextChoices):
    OPEN = "open", _("à examiner")
    APPROVED = "approved", _("conforme")
    ACTED = "acted", _("contenu retiré")


class ModerationCase(models.Model):
    """An item of a moderation queue: a sampled version of a listing, or a report."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="moderation_cases")
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("origine"), max_length=10, choices=ModerationSource.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.OPEN,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    closed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contrôle d’annonce")
        verbose_name_plural = _("contrôles d’annonces")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "version"],
                condition=Q(source="sample"),
                name="moderation_sample_once_per_version",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="moderation_open_idx")]

    def __str__(self):
        return f"{self.listing} v{self.version} ({self.get_source_display()})"


class ReportReason(models.TextChoices):
    PHOTO = "photo", _("Photo inappropriée")
    TEXT = "text", _("Texte inapproprié")
    PERSONAL = "personal", _("Données personnelles visibles")
    OTHER = "other", _("Autre problème")


class ListingReport(models.Model):
    """A tenant reports a listing (inappropriate photo or text)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reports")
    case = models.ForeignKey(
        ModerationCase, on_delete=models.CASCADE, related_name="reports", null=True
    )
    reporter = models.ForeignKey(
        TenantProfile, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    reason = models.CharField(_("motif"), max_length=10, choices=ReportReason.choices)
    comment = models.TextField(_("précisions"), blank=True)
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.listing} — {self.get_reason_display()}"


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("déclinée")
    WITHDRAWN = "withdrawn", _("retirée")


class ContactRequest(models.Model):
    """A tenant writes to another through the platform; the receiver answers.

    When the receiver has accepted and both tenants have entered their NUR,
    the pair is ready for an exchange file (``contacts.ready_pairs``).
    """

    sender = models.ForeignKey(
        TenantProfile, on_delete=models.CASCADE, related_name="requests_sent"
    )
    receiver = models.ForeignKey(
        TenantProfile, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(_("message"))
    status = models.CharField(
        _("statut"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.PENDING
    )
    answer = models.TextField(_("réponse"), blank=True)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    ready_at = models.DateTimeField(_("prête pour un dossier le"), null=True, blank=True)
    exchange_file_opened_at = models.DateTimeField(
        _("dossier d’échange ouvert le"), null=True, blank=True
    )
    exchange_file = models.ForeignKey(
        "exchanges.ExchangeFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name=_("dossier d’échange"),
    )
    reminded_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de contact")
        verbose_name_plural = _("demandes de contact")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("receiver")), name="contact_not_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["sender", "receiver"],
                condition=Q(status__in=["pending", "accepted"]),
                name="contact_one_open_request_per_pair",
            ),
        ]
        indexes = [
            # The daily answering rules read the pending requests by age.
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="contact_pending_idx"
            ),
        ]

    def __str__(self):
        return str(_("Demande n° %(pk)s") % {"pk": self.pk})

    def involves(self, profile) -> bool:
        return profile is not None and profile.pk in (self.sender_id, self.receiver_id)

    def other(self, profile):
        return self.receiver if profile.pk == self.sender_id else self.sender


class VisitOutcome(models.Model):
    """What a tenant thought of the other's home after visiting it (one per tenant and
    request, editable); the landlords read it on the exchange file."""

    request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="visit_outcomes"
    )
    tenant = models.ForeignKey(
        TenantProfile, on_delete=models.CASCADE, related_name="visit_outcomes"
    )
    interested = models.BooleanField(_("intéressé"))
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    visited_on = models.DateField(_("visite le"))
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("résultat de visite")
        verbose_name_plural = _("résultats de visites")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "tenant"], name="visit_outcome_once")
        ]

    def __str__(self):
        return f"{self.request} — {self.tenant_id}"


class SavedSearch(models.Model):
    """The search form's filters, kept by a tenant; new listings are alerted in the
    daily digest (``alerts.py``) when ``alerts`` is on."""

    tenant = models.ForeignKey(
        TenantProfile, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("nom"), max_length=80)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    alerts = models.BooleanField(_("alertes"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # Listings published after this moment are new for the next digest.
    alerted_until = models.DateTimeField(_("alertée jusqu’au"), default=timezone.now)

    class Meta:
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["tenant"], condition=Q(alerts=True), name="saved_search_alert_idx")
        ]

    def __str__(self):
        return self.name


class AlertDigest(models.Model):
    """The daily digest of a tenant's alerts: at most one per tenant and day (unique)."""

    tenant = models.ForeignKey(TenantProfile, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField(_("jour"))
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    listings = models.PositiveIntegerField(_("nouvelles annonces"), default=0)
    chains = models.PositiveIntegerField(_("nouvelles chaînes"), default=0)
    by_email = models.BooleanField(_("par courriel"), default=False)
    by_sms = models.BooleanField(_("par SMS"), default=False)

    class Meta:
        verbose_name = _("envoi d’alertes")
        verbose_name_plural = _("envois d’alertes")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day"], name="alert_digest_once_a_day")
        ]

    def __str__(self):
        return f"{self.tenant_id} {self.day}"


class OutboundSms(OutboxMessage):
    """The SMS channel of the outbox (``portal.outbox``; sent by ``sms.py``)."""

    to = models.CharField(_("numéro"), max_length=20)
    kind = models.CharField(_("type"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    body = models.CharField(_("texte"), max_length=480)
    provider_id = models.CharField(_("identifiant chez le fournisseur"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("SMS sortant")
        verbose_name_plural = _("SMS sortants")
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_sms_status_idx")]

    def __str__(self):
        return f"{self.to}: {self.body[:40]}"
