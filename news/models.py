"""News notes ("notes d’actualités"), their themes, and webinars/trainings."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.search import index

from home.blocks import (
    BodyStreamBlock,
    VideoBlock,
    format_duration,
    iso_duration,
    video_embed_url,
)
from home.models import BasePage
from kit_adherents import access

NEWS_PER_PAGE = 10
FEED_ITEMS = 20
LISTING_RENDITION = "fill-400x225"


def paginate(request, items, per_page: int):
    """A page of ``items``; a bad ``page`` parameter gives the first page,
    a page past the end gives the last one, never an error."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages if _is_positive(request) else 1)


def _is_positive(request) -> bool:
    try:
        return int(request.GET.get("page")) > 0
    except (TypeError, ValueError):
        return False


def visible_to(request, queryset):
    """Live pages of ``queryset`` the visitor may see (the one rule:
    ``kit_adherents.access.visible_pages``). Constant number of queries whatever
    the number of pages."""
    return access.visible_pages(request, queryset.live())


class MembersOnlyMixin:
    @property
    def members_only(self) -> bool:
        """True when the page (or one of its ancestors) has a view restriction:
        the note is then reserved to the members of the landlords."""
        return self.get_view_restrictions().exists()


class NewsTheme(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(
        _("identifiant"), max_length=80, unique=True, help_text=_("Utilisé dans l’adresse.")
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("thème d’actualité")
        verbose_name_plural = _("thèmes d’actualité")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NewsIndexPage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("chapeau"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("index des actualités")

    def notes(self, request=None):
        queryset = NewsPage.objects.child_of(self)
        queryset = visible_to(request, queryset) if request else queryset.live().public()
        return (
            queryset.defer_streamfields()
            .select_related("theme")
            .prefetch_related(
                Prefetch(
                    "listing_image",
                    queryset=get_image_model().objects.prefetch_renditions(LISTING_RENDITION),
                )
            )
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notes = self.notes(request)
        themes = list(NewsTheme.objects.filter(news_pages__in=notes).distinct().order_by("name"))
        years = [d.year for d in notes.dates("date", "year", order="DESC")]

        theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
        year = request.GET.get("annee", "")
        year = int(year) if year.isdigit() and int(year) in years else None
        if theme:
            notes = notes.filter(theme=theme)
        if year:
            notes = notes.filter(date__year=year)

        page_obj = paginate(request, notes, NEWS_PER_PAGE)
        query = {}
        if theme:
            query["theme"] = theme.slug
        if year:
            query["annee"] = year
        context.update(
            notes=page_obj.object_list,
            page_obj=page_obj,
            themes=themes,
            years=years,
            current_theme=theme,
            current_year=year,
            filter_query=urlencode(query),
            feed_url=self.url + self.reverse_subpage("feed") if self.url else "",
        )
        return context

    def serve(self, request, view=None, args=None, kwargs=None):
        response = super().serve(request, view, args, kwargs)
        response.portal_cacheable = not self.get_view_restrictions().exists()
        return response

    @path("flux/", name="feed")
    def feed(self, request):
        from .feeds import NewsFeed

        return NewsFeed(self)(request)


class NewsPage(MembersOnlyMixin, BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    reference = models.CharField(
        _("référence"),
        max_length=40,
        blank=True,
        help_text=_("Par exemple : « FAB18 – 018a »."),
    )
    intro = models.TextField(_("chapeau"), blank=True)
    theme = models.ForeignKey(
        NewsTheme,
        verbose_name=_("thème"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_pages",
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image de la liste"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Facultative : illustre la note dans la liste des actualités."),
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("reference")]),
        FieldPanel("theme"),
        FieldPanel("intro"),
        FieldPanel("listing_image"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("reference"),
        index.AutocompleteField("reference"),
        index.FilterField("date"),
        index.RelatedFields("theme", [index.SearchField("name")]),
    ]
    parent_page_types = ["news.NewsIndexPage", "kit_adherents.KitSectionPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("note d’actualités")
        verbose_name_plural = _("notes d’actualités")

    def _siblings(self):
        return (
            NewsPage.objects.live().public().sibling_of(self, inclusive=False).defer_streamfields()
        )

    def previous_note(self):
        """The note published just before this one (by date)."""
        older = Q(date__lt=self.date) | Q(date=self.date, pk__lt=self.pk)
        return self._siblings().filter(older).order_by("-date", "-pk").first()

    def next_note(self):
        newer = Q(date__gt=self.date) | Q(date=self.date, pk__gt=self.pk)
        return self._siblings().filter(newer).order_by("date", "pk").first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["previous_note"] = self.previous_note()
        context["next_note"] = self.next_note()
        return context


# --------------------------------------------------------------------------
# Webinars and trainings
# --------------------------------------------------------------------------


class WebinarIndexPage(BasePage):
    intro = models.TextField(_("chapeau"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.WebinarPage"]

    class Meta:
        verbose_name = _("index des webinaires")

    def webinars(self, request=None):
        queryset = WebinarPage.objects.child_of(self)
        queryset = visible_to(request, queryset) if request else queryset.live().public()
        return queryset.order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        page_obj = paginate(request, self.webinars(request), 20)
        context.update(webinars=page_obj.object_list, page_obj=page_obj, filter_query="")
        return context


class WebinarPage(MembersOnlyMixin, BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    landlords = models.TextField(
        _("bailleurs invités"),
        blank=True,
        help_text=_("Un bailleur par ligne, par exemple « PARIS HABITAT »."),
    )
    participants = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)
    video_document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("fichier vidéo (MP4)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_url = models.URLField(
        _("adresse de la vidéo"),
        blank=True,
        help_text=_("YouTube, Vimeo, Dailymotion ou PeerTube."),
    )
    duration = models.PositiveIntegerField(
        _("durée (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("Obligatoire : toujours affichée aux visiteurs."),
    )
    summary = models.TextField(_("résumé"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("participants")]),
        FieldPanel("landlords"),
        MultiFieldPanel(
            [FieldPanel("video_document"), FieldPanel("video_url"), FieldPanel("duration")],
            heading=_("Vidéo"),
        ),
        FieldPanel("summary"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("landlords"),
        index.SearchField("summary"),
        index.FilterField("date"),
    ]
    parent_page_types = ["news.WebinarIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("webinaire")
        verbose_name_plural = _("webinaires")

    def clean(self):
        super().clean()
        errors = {}
        if self.duration is None:
            errors["duration"] = _("Indiquez la durée de la vidéo.")
        if self.video_url and video_embed_url(self.video_url) is None:
            errors["video_url"] = _(
                "Adresse non reconnue : YouTube, Vimeo, Dailymotion ou PeerTube."
            )
        if self.video_url and self.video_document_id:
            errors["video_url"] = _("Choisissez soit un fichier vidéo, soit une adresse.")
        if self.video_document_id and self.video_document.file_extension.lower() not in (
            "mp4",
            "webm",
        ):
            errors["video_document"] = _("Le fichier doit être une vidéo MP4 ou WebM.")
        if errors:
            raise ValidationError(errors)

    @property
    def landlord_list(self) -> list[str]:
        return [line.strip() for line in self.landlords.splitlines() if line.strip()]

    @property
    def duration_display(self) -> str:
        return format_duration(self.duration)

    @property
    def duration_iso(self) -> str:
        return iso_duration(self.duration)

    @property
    def video(self):
        """The video as a ``VideoBlock`` value (same template as in bodies)."""
        if not (self.video_document_id or self.video_url):
            return None
        block = VideoBlock()
        return block.meta.value_class(
            block,
            [
                ("title", self.title),
                ("document", self.video_document if self.video_document_id else None),
                ("url", self.video_url),
                ("duration", self.duration),
                ("description", ""),
            ],
        )
