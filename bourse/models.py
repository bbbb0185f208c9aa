from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

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
