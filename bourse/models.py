from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from portal.storage import private_storage

from .validators import validate_siret


class LandlordQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Landlord(index.Indexed, models.Model):
    """A member landlord ("bailleur adhérent")."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, sans espaces."),
    )
    website = models.URLField(_("site internet"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tenant_reference_help_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("aide : référence du locataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Où la référence du locataire figure sur un avis d’échéance."),
    )
    housing_reference_help_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("aide : référence du logement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Où la référence du logement figure sur un avis d’échéance."),
    )
    contact_email = models.EmailField(
        _("courriel de contact"),
        blank=True,
        help_text=_("Adresse à laquelle sont transmises les demandes des locataires."),
    )
    joined_on = models.DateField(_("date d’adhésion"), default=timezone.localdate)
    active = models.BooleanField(_("actif"), default=True)
    handling_text = RichTextField(
        _("fonctionnement de l’organisme"),
        blank=True,
        features=["bold", "italic", "ul", "ol", "link"],
        help_text=_(
            "Comment l’organisme traite les dossiers d’échange (visible des seuls adhérents)."
        ),
    )
    second_contact_name = models.CharField(_("2e contact : nom"), max_length=200, blank=True)
    second_contact_email = models.EmailField(_("2e contact : courriel"), blank=True)
    second_contact_phone = models.CharField(_("2e contact : téléphone"), max_length=30, blank=True)

    objects = LandlordQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("siret"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("tenant_reference_help_image"),
        FieldPanel("housing_reference_help_image"),
        FieldPanel("contact_email"),
        FieldPanel("joined_on"),
        FieldPanel("active"),
        FieldPanel("handling_text"),
        MultiFieldPanel(
            [
                FieldPanel("second_contact_name"),
                FieldPanel("second_contact_email"),
                FieldPanel("second_contact_phone"),
            ],
            heading=_("Deuxième contact (en cas de difficulté pour joindre le gestionnaire)"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("siret"),
        index.FilterField("active"),
    ]

    class Meta:
        verbose_name = _("bailleur")
        verbose_name_plural = _("bailleurs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_second_contact(self) -> bool:
        return bool(
            self.second_contact_name or self.second_contact_email or self.second_contact_phone
        )


# --- Reference data: communes and intercommunalities of Île-de-France ------


class Intercommunality(models.Model):
    """An EPCI or EPT (Etalab reference data, loaded by a data migration)."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=10)  # CA, CC, CU, METRO, EPT

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A commune (or Paris arrondissement) of Île-de-France."""

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    kind = models.CharField(_("type"), max_length=30)
    department = models.CharField(_("département"), max_length=3, db_index=True)
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    epci = models.ForeignKey(
        Intercommunality,
        verbose_name=_("intercommunalité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="communes",
    )
    ept = models.ForeignKey(
        Intercommunality,
        verbose_name=_("établissement public territorial"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ept_communes",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    precise_location = models.BooleanField(_("coordonnées propres"), default=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"


# --- Reservataires and their position towards the exchange ----------------


class ReservataireKind(models.TextChoices):
    LANDLORD = "bailleur", _("Bailleur (contingent propre)")
    STATE = "etat", _("État (préfecture, DRIHL)")
    ACTION_LOGEMENT = "action_logement", _("Action Logement")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI ou EPT)")
    REGION = "region", _("Région")
    DEPARTMENT = "departement", _("Département")
    OTHER = "autre", _("Autre réservataire")


class Position(models.TextChoices):
    ADHESION = "adhesion", _("Adhésion")
    OPPOSITION = "opposition", _("Opposition")
    NOT_POSITIONED = "non_positionne", _("Non positionnée")


class Reservataire(models.Model):
    """A contingent holder and its position towards the exchange.

    Communes and intercommunalities are identified by their INSEE code or
    SIREN (``code``); other kinds by their kind alone. A contingent without
    a row here is "not positioned".
    """

    kind = models.CharField(_("type"), max_length=20, choices=ReservataireKind.choices)
    code = models.CharField(_("code"), max_length=9, blank=True)
    name = models.CharField(_("nom"), max_length=150)
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.NOT_POSITIONED
    )
    position_date = models.DateField(_("date de la position"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mis à jour par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("collectivité ou réservataire")
        verbose_name_plural = _("collectivités et réservataires")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="reservataire_unique_code")
        ]

    def __str__(self):
        return f"{self.name} — {self.get_position_display()}"


# --- Landlord staff -------------------------------------------------------


class ActorKind(models.TextChoices):
    """Who acted, in a timeline (an exchange file's, a tenant account's): the labels
    read in "par {{ who }}" sentences."""

    TENANT = "tenant", _("le locataire")
    LANDLORD = "landlord", _("le bailleur")
    AMO = "amo", _("l’administrateur de la bourse")
    SYSTEM = "system", _("traitement automatique")


class StaffRole(models.TextChoices):
    SUPER_ADMIN = "super_admin", _("Super administrateur (AMO)")
    LANDLORD_ADMIN = "landlord_admin", _("Administrateur bailleur")
    AGENT = "agent", _("Agent bailleur")
    PARTNER = "partner", _("Partenaire (réservataire)")


class StaffProfile(models.Model):
    """The bourse role of a staff account; landlord staff belong to one landlord,
    partners to one reservataire (whose contingent they follow)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=StaffRole.choices)
    landlord = models.ForeignKey(
        Landlord,
        verbose_name=_("bailleur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    reservataire = models.ForeignKey(
        Reservataire,
        verbose_name=_("réservataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_accounts",
        help_text=_("Le réservataire d’un compte partenaire : son contingent."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte bailleur ou partenaire")
        verbose_name_plural = _("comptes bailleurs et partenaires")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["landlord_admin", "agent"])
                | models.Q(landlord__isnull=False),
                name="landlord_staff_have_a_landlord",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(reservataire__isnull=False),
                name="partners_have_a_reservataire",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


# --- Patrimoine -----------------------------------------------------------


class Typology(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6+", "T6+"


class DwellingQuerySet(models.QuerySet):
    def for_landlord(self, landlord):
        return self.filter(landlord=landlord)


class Dwelling(models.Model):
    """One row of a landlord's patrimoine file: a dwelling and its tenant."""

    # Indexes are kept to those the queries use (each one slows the import):
    # the unique (landlord, housing_reference) serves landlord lookups. The keys
    # are database constraints (checked at commit, one lookup per written row:
    # their cost at import is in the README, Patrimoine import). Which import
    # last wrote a row is not kept: nothing read it, and its key cost a third of
    # the commit.
    landlord = models.ForeignKey(
        Landlord,
        verbose_name=_("bailleur"),
        on_delete=models.CASCADE,
        related_name="dwellings",
        db_index=False,
    )
    housing_reference = models.CharField(_("référence du logement"), max_length=50)
    address = models.CharField(_("adresse"), max_length=300)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="dwellings",
        db_index=False,  # plain index below (no "varchar_pattern_ops" twin)
    )
    typology = models.CharField(_("typologie"), max_length=3, choices=Typology.choices)
    surface = models.DecimalField(_("surface (m²)"), max_digits=6, decimal_places=2)
    floor = models.SmallIntegerField(_("étage"))
    lift = models.BooleanField(_("ascenseur"))
    rent = models.DecimalField(_("loyer (€)"), max_digits=8, decimal_places=2)
    charges = models.DecimalField(_("charges (€)"), max_digits=8, decimal_places=2)
    reservataire_kind = models.CharField(
        _("contingent"), max_length=20, choices=ReservataireKind.choices
    )
    reservataire_code = models.CharField(_("code du réservataire"), max_length=9, blank=True)
    tenant_reference = models.CharField(_("référence du locataire"), max_length=50, blank=True)
    tenant_name = models.CharField(_("nom du locataire"), max_length=150, blank=True)
    eligible_flag = models.BooleanField(_("éligible (fichier patrimoine)"))
    contact1_email = models.EmailField(_("contact 1 (avant la CAL)"))
    contact2_email = models.EmailField(_("contact 2 (après la CAL)"))
    in_snapshot = models.BooleanField(
        _("présent dans le dernier fichier"),
        default=True,
        help_text=_("Faux lorsque le logement manquait au dernier fichier complet."),
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("logement")
        verbose_name_plural = _("logements")
        ordering = ["landlord", "housing_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord", "housing_reference"], name="dwelling_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["landlord", "tenant_reference"], name="dwelling_tenant_idx"),
            models.Index(fields=["commune"], name="dwelling_commune_idx"),
        ]

    def __str__(self):
        return f"{self.housing_reference} — {self.address}"


class PatrimoineImport(models.Model):
    """One import of a patrimoine file: who, when, which file, what it did."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        REFUSED = "refused", _("fichier refusé")
        FAILED = "failed", _("échec technique")
        # Nothing applied: too many dwellings would leave the snapshot or become
        # ineligible (``importer.snapshot_loss_needs_confirmation``).
        CONFIRM = "confirm", _("à confirmer")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("dépôt en ligne")
        INBOX = "inbox", _("synchronisation automatique")

    landlord = models.ForeignKey(
        Landlord, verbose_name=_("bailleur"), on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("origine"), max_length=10, choices=Source.choices, default=Source.UPLOAD
    )
    file = models.FileField(
        _("fichier"),
        upload_to="private/patrimoine/%Y/%m/",
        max_length=300,
        storage=private_storage,
    )
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    full_snapshot = models.BooleanField(
        _("fichier complet"),
        default=True,
        help_text=_(
            "Les logements absents d’un fichier complet rendent leurs locataires inéligibles."
        ),
    )
    dry_run = models.BooleanField(_("simulation"), default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    rows_total = models.PositiveIntegerField(_("lignes lues"), default=0)
    created_count = models.PositiveIntegerField(_("créés"), default=0)
    updated_count = models.PositiveIntegerField(_("modifiés"), default=0)
    unchanged_count = models.PositiveIntegerField(_("inchangés"), default=0)
    ineligible_count = models.PositiveIntegerField(_("rendus inéligibles"), default=0)
    error_count = models.PositiveIntegerField(_("lignes en erreur"), default=0)
    skipped_count = models.PositiveIntegerField(_("lignes d’exemple ignorées"), default=0)
    # The snapshot guard: dwellings of the snapshot this file would make absent
    # or ineligible; whether that needs a confirmation; the count confirmed.
    at_risk_count = models.PositiveIntegerField(
        _("logements rendus absents ou inéligibles"), default=0
    )
    confirmation_required = models.BooleanField(_("confirmation requise"), default=False)
    confirmed_count = models.PositiveIntegerField(
        _("nombre de logements confirmé"), null=True, blank=True
    )
    report = models.FileField(
        _("rapport"),
        upload_to="private/patrimoine-reports/%Y/%m/",
        blank=True,
        max_length=300,
        storage=private_storage,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # Last sign of life of a running import (``importer.fail_stale_imports``).
    progress_at = models.DateTimeField(_("dernière progression le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de fichier patrimoine")
        verbose_name_plural = _("imports de fichiers patrimoine")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.landlord} — {self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.DONE,
            self.Status.REFUSED,
            self.Status.FAILED,
            self.Status.CONFIRM,
        )


class DwellingStaging(models.Model):
    """Validated rows of an import in progress (set-based upsert, flat memory)."""

    # No database constraint nor index of its own (the composite index below
    # serves the lookups): staging is written at COPY speed and emptied by the
    # importer itself; an UNLOGGED table on PostgreSQL (migration 0006).
    patrimoine_import = models.ForeignKey(
        PatrimoineImport,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    valid = models.BooleanField(default=True)
    line = models.PositiveIntegerField(default=0)
    housing_reference = models.CharField(max_length=50)
    address = models.CharField(max_length=300, blank=True)
    commune_id = models.CharField(max_length=5, blank=True)
    typology = models.CharField(max_length=3, blank=True)
    surface = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    floor = models.SmallIntegerField(null=True)
    lift = models.BooleanField(null=True)
    rent = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    charges = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    reservataire_kind = models.CharField(max_length=20, blank=True)
    reservataire_code = models.CharField(max_length=9, blank=True)
    tenant_reference = models.CharField(max_length=50, blank=True)
    tenant_name = models.CharField(max_length=150, blank=True)
    eligible_flag = models.BooleanField(null=True)
    contact1_email = models.CharField(max_length=254, blank=True)
    contact2_email = models.CharField(max_length=254, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["patrimoine_import", "housing_reference"], name="staging_ref_idx")
        ]

    def __str__(self):
        return self.housing_reference
