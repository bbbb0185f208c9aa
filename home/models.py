from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index

from portal.pagecache import content_memoized, content_version

from . import figures, serving
from .blocks import StandardPageBodyBlock


class BasePage(Page):
    """What every page of the site shares: search fields, cache behaviour."""

    search_fields = Page.search_fields + [index.SearchField("search_description")]

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        """Wagtail's look-up, asked once per page object (the serving hooks, the
        cache headers and this class ask it four times a request), and without a
        query for a page outside every private section (``home.serving``)."""
        version = content_version()
        memo = self.__dict__.get("_view_restrictions")
        if memo is not None and version is not None and memo[0] == version:
            return memo[1]
        if serving.surely_unrestricted(self):
            restrictions = PageViewRestriction.objects.none()
        else:
            restrictions = super().get_view_restrictions()
            len(restrictions)  # evaluated once: iterating and .exists() reuse the rows
        # Kept while the content version stays (a restriction saved bumps it).
        self._view_restrictions = (version, restrictions)
        return restrictions

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Public pages may be kept by the anonymous page cache (portal.pagecache);
        # restricted ones (member area) never are.
        response.portal_cacheable = not self.get_view_restrictions().exists()
        return response


class HomePage(BasePage):
    headline = models.CharField(
        _("accroche"),
        max_length=200,
        default="La bourse d’échange de logements sociaux en Île-de-France",
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    milestone_text = models.CharField(
        _("texte d’étape"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : « 1 000 locataires ayant échangé le 24/04/2021 »."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("headline"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("milestone_text"), InlinePanel("key_figures", label=_("Chiffre clé"))],
            heading=_("Chiffres clés"),
        ),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("headline"),
        index.SearchField("intro"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d’accueil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):  # the draft's own figures
            context["key_figures"] = self.shown_key_figures()
        else:
            context["key_figures"] = content_memoized(
                f"home:key-figures:{self.pk}", self.shown_key_figures
            )
        return context

    def shown_key_figures(self) -> list[tuple[str, str]]:
        """(value, label) of each key figure, computed ones read from the bourse
        (through ``home.figures``, provided by ``bourse.stats``)."""
        shown = list(self.key_figures.all())
        computed = None
        if any(figure.source for figure in shown):
            computed = figures.computed_figures()
        return [(figure.shown_value(computed), figure.label) for figure in shown]


class KeyFigure(Orderable):
    """A key figure of the home page: typed by an editor, or computed from the
    bourse (``source``; see ``home.figures``) and then always current."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="key_figures")
    source = models.CharField(
        _("source"),
        max_length=30,
        blank=True,
        choices=[("", _("Valeur saisie"))] + list(figures.SOURCES),
        help_text=_(
            "Un chiffre calculé depuis la bourse est toujours à jour ; la valeur saisie "
            "ne sert alors que si le calcul est impossible."
        ),
    )
    value = models.CharField(_("valeur"), max_length=30, blank=True)
    label = models.CharField(_("libellé"), max_length=120)

    panels = [FieldPanel("source"), FieldPanel("value"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.source and not self.value.strip():
            raise ValidationError(
                {"value": _("Saisissez la valeur, ou choisissez un chiffre calculé.")}
            )

    def shown_value(self, computed: dict | None) -> str:
        """The computed figure ("1 080") when there is one, else the typed value."""
        if self.source and computed and self.source in computed:
            return figures.format_figure(computed[self.source])
        return self.value


class StandardPage(BasePage):
    """FAQ, legal notice, accessibility statement, privacy notice, charter…"""

    intro = models.TextField(_("chapeau"), blank=True)
    body = StreamField(StandardPageBodyBlock(), verbose_name=_("contenu"), blank=True)
    last_reviewed = models.DateField(_("mise à jour le"), null=True, blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = _("page standard")
        verbose_name_plural = _("pages standard")


class BannerMessageQuerySet(models.QuerySet):
    def current(self, now=None):
        """Messages to show now: started, not ended, in editor order."""
        now = now or timezone.now()
        return (
            self.filter(starts_at__lte=now)
            .filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))
            .order_by("sort_order", "starts_at", "pk")
        )


class BannerMessage(models.Model):
    """A message of the scrolling banner ("bandeau déroulant")."""

    text = models.CharField(_("texte"), max_length=300)
    link_url = models.URLField(_("lien (adresse)"), blank=True)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("lien (page du site)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("début d’affichage"), default=timezone.now)
    ends_at = models.DateTimeField(_("fin d’affichage"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("ordre"), default=0)

    objects = BannerMessageQuerySet.as_manager()

    panels = [
        FieldPanel("text"),
        FieldPanel("link_page"),
        FieldPanel("link_url"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("message du bandeau")
        verbose_name_plural = _("messages du bandeau")
        ordering = ["sort_order", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="banner_ends_after_start",
                violation_error_message=_("La fin d’affichage doit suivre le début."),
            )
        ]

    def __str__(self):
        return self.text

    @property
    def url(self) -> str:
        if self.link_page_id:
            return self.link_page.url or ""
        return self.link_url

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("La fin d’affichage doit être postérieure au début.")}
            )
