"""Items of a kit section: documents, videos, links, in editor order."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

PRIVATE_COLLECTION_ERROR = _(
    "Ce document doit être rangé dans une collection privée (par exemple « Kit adhérents ») "
    "pour n’être servi qu’aux adhérents."
)


def _check_private(document, field: str) -> dict:
    from .access import document_is_private

    if document is not None and not document_is_private(document):
        return {field: ValidationError(PRIVATE_COLLECTION_ERROR)}
    return {}


class KitDocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.TextBlock(
        label=_("Description courte"),
        required=False,
        help_text=_("Laisser vide pour reprendre la description du document."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "kit_adherents/blocks/document_block.html"

    def clean(self, value):
        value = super().clean(value)
        errors = _check_private(value.get("document"), "document")
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


DURATION_RE = re.compile(r"^(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)$")


def duration_label(value: str) -> str:
    """'1:05:30' -> '1 h 05 min 30 s'; '12:30' -> '12 min 30 s'."""
    match = DURATION_RE.match(value or "")
    if not match:
        return value or ""
    hours, minutes, seconds = match.groups()
    parts = []
    if hours and int(hours):
        parts.append(f"{int(hours)} h")
        parts.append(f"{int(minutes):02d} min")
    else:
        parts.append(f"{int(minutes)} min")
    if int(seconds):
        parts.append(f"{int(seconds):02d} s")
    return " ".join(parts)


class KitVideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), max_length=200)
    description = blocks.TextBlock(label=_("Description courte"), required=False)
    video = DocumentChooserBlock(
        label=_("Fichier vidéo (MP4)"),
        required=False,
        help_text=_("Fichier rangé dans la collection privée du kit."),
    )
    url = blocks.URLBlock(
        label=_("Ou adresse de la vidéo"),
        required=False,
        help_text=_("Par exemple l’enregistrement d’un webinaire."),
    )
    duration = blocks.RegexBlock(
        regex=DURATION_RE.pattern,
        label=_("Durée"),
        help_text=_("Au format mm:ss ou h:mm:ss, par exemple 12:30."),
        error_messages={"invalid": _("Saisissez une durée au format mm:ss ou h:mm:ss.")},
    )
    transcript = blocks.TextBlock(label=_("Transcription"), required=False)

    class Meta:
        icon = "media"
        label = _("Vidéo")
        template = "kit_adherents/blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        errors = _check_private(value.get("video"), "video")
        if not value.get("video") and not value.get("url"):
            errors["url"] = ValidationError(
                _("Choisissez un fichier vidéo ou saisissez une adresse.")
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["duration_label"] = duration_label(value.get("duration"))
        return context


class KitLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), max_length=200)
    description = blocks.TextBlock(label=_("Description courte"), required=False)
    page = blocks.PageChooserBlock(label=_("Page du site"), required=False)
    url = blocks.URLBlock(label=_("Ou adresse externe"), required=False)

    class Meta:
        icon = "link"
        label = _("Lien")
        template = "kit_adherents/blocks/link_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choisissez une page ou saisissez une adresse."))
                }
            )
        return value


class KitSubheadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Intertitre")
        template = "kit_adherents/blocks/subheading_block.html"


class KitItemsBlock(blocks.StreamBlock):
    subheading = KitSubheadingBlock(max_length=200)
    document = KitDocumentBlock()
    video = KitVideoBlock()
    link = KitLinkBlock()
