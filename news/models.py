from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField

from home.blocks import BodyStreamBlock
from home.models import BasePage


class NewsIndexPage(BasePage):
    intro = models.TextField(_("chapeau"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage"]

    class Meta:
        verbose_name = _("index des actualités")


class NewsPage(BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    reference = models.CharField(_("référence"), max_length=40, blank=True)
    intro = models.TextField(_("chapeau"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("date"),
        FieldPanel("reference"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("note d’actualités")
        verbose_name_plural = _("notes d’actualités")
