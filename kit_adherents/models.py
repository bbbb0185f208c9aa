"""Member area ("kit adhérents"): private documents with versions and the kit pages."""

import datetime as dt
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.documents.models import AbstractDocument
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from bourse.models import Landlord
from home.models import BasePage
from portal.storage import private_storage

from .blocks import KitItemsBlock

# --- Documents -----------------------------------------------------------------

FILE_TYPE_LABELS = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "odt": "OpenDocument texte",
    "xls": "Excel",
    "xlsx": "Excel",
    "ods": "OpenDocument tableur",
    "pptx": "PowerPoint",
    "csv": "CSV",
    "mp4": "Vidéo MP4",
    "zip": "Archive ZIP",
}


def file_type_label(filename: str) -> str:
    ext = os.path.splitext(filename)[1][1:].lower()
    return FILE_TYPE_LABELS.get(ext, ext.upper() or _("Fichier"))


class KitDocument(AbstractDocument):
    """The site's document model (``WAGTAILDOCS_DOCUMENT_MODEL``).

    A document may carry a version label and an update date. Replacing its
    file in the admin keeps the previous file as a :class:`KitDocumentVersion`
    (see ``kit_adherents.forms.KitDocumentForm``); the document itself is
    always the newest version.
    """

    description = models.TextField(_("description courte"), blank=True, max_length=500)
    version_label = models.CharField(
        _("version"),
        max_length=60,
        blank=True,
        help_text=_("Par exemple « juin 2021 »."),
    )
    updated_on = models.DateField(
        _("mis à jour le"),
        default=timezone.localdate,
        help_text=_("Date de la version en ligne : un badge « mis à jour » s’affiche un temps."),
    )

    admin_form_fields = (
        "title",
        "file",
        "collection",
        "description",
        "version_label",
        "updated_on",
        "tags",
    )
    search_fields = AbstractDocument.search_fields + [
        index.SearchField("description"),
        index.FilterField("collection_id"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", "Can choose document")]

    def clean(self):
        # A file the form refused (too large, missing) is reported there; Wagtail's
        # extension check would add a confusing "extension « » not allowed".
        if self.file:
            super().clean()

    @property
    def file_type(self) -> str:
        return file_type_label(self.filename)

    @property
    def is_recently_updated(self) -> bool:
        days = getattr(settings, "KIT_UPDATED_BADGE_DAYS", 90)
        return bool(self.updated_on) and self.updated_on >= timezone.localdate() - dt.timedelta(
            days=days
        )

    def older_versions(self):
        return self.versions.order_by("-updated_on", "-pk")

    def archive_current_file(self) -> "KitDocumentVersion | None":
        """Copy the file now stored for this document into a new version row.

        Called before the file is replaced (the admin form deletes the old
        file right after), with the label and date saved in the database.
        """
        if not self.pk:
            return None
        stored = type(self).objects.filter(pk=self.pk).first()
        if stored is None or not stored.file:
            return None
        try:
            with stored.file.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            return None
        version = KitDocumentVersion(
            document=stored,
            version_label=stored.version_label,
            updated_on=stored.updated_on,
            file_size=len(content),
            file_hash=stored.file_hash,
        )
        version.file.save(stored.filename, ContentFile(content), save=False)
        version.save()
        return version

    @transaction.atomic
    def replace_file(self, new_file, *, version_label: str = "", updated_on=None, user=None):
        """Upload a new version: keep the current file as an older version."""
        self.archive_current_file()
        old_name = self.file.name
        self.file = new_file
        self._set_document_file_metadata()
        self.version_label = version_label
        self.updated_on = updated_on or timezone.localdate()
        if user is not None:
            self.uploaded_by_user = user
        self.save()
        if old_name and old_name != self.file.name:
            self.file.storage.delete(old_name)
        return self


class KitDocumentVersion(models.Model):
    """An older version of a document, still downloadable by members."""

    document = models.ForeignKey(
        KitDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    file = models.FileField(_("fichier"), upload_to="documents/versions", storage=private_storage)
    version_label = models.CharField(_("version"), max_length=60, blank=True)
    updated_on = models.DateField(_("mis à jour le"), null=True, blank=True)
    file_size = models.PositiveBigIntegerField(_("taille"), null=True, editable=False)
    file_hash = models.CharField(max_length=40, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archivée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version précédente")
        verbose_name_plural = _("versions précédentes")
        ordering = ["-updated_on", "-pk"]

    def __str__(self):
        return f"{self.document} ({self.version_label or self.updated_on})"

    @property
    def filename(self) -> str:
        return os.path.basename(self.file.name)

    @property
    def file_type(self) -> str:
        return file_type_label(self.filename)

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("kit_document_version", args=[self.pk, self.filename])


# --- Pages -----------------------------------------------------------------------


class KitIndexPage(BasePage):
    """ "Espace adhérents": protect it with a shared password (Privacy)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["kit_adherents.KitSectionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("espace adhérents")
        verbose_name_plural = _("espaces adhérents")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().specific()
        return context


class KitSectionPage(BasePage):
    """A section of the kit: its documents, videos and links in editor order."""

    intro = models.TextField(_("chapeau"), blank=True)
    items = StreamField(KitItemsBlock(), verbose_name=_("documents, vidéos et liens"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro"), FieldPanel("items")]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("items"),
    ]
    parent_page_types = ["kit_adherents.KitIndexPage"]
    subpage_types = ["kit_adherents.LandlordDirectoryPage", "news.NewsPage"]

    class Meta:
        verbose_name = _("rubrique du kit adhérents")
        verbose_name_plural = _("rubriques du kit adhérents")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = self.get_children().live().specific()
        return context


class LandlordDirectoryPage(BasePage):
    """ "Fonctionnement de chaque organisme": how each member landlord handles
    exchange files, and a second contact."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["kit_adherents.KitSectionPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("annuaire du fonctionnement des organismes")
        verbose_name_plural = _("annuaires du fonctionnement des organismes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["landlords"] = Landlord.objects.active().select_related("logo").order_by("name")
        return context
