"""StreamField blocks shared by every content page.

``BodyStreamBlock`` is the body of standard pages and news notes.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Titre"), max_length=200)

    class Meta:
        icon = "title"
        label = _("Titre de section")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Les nouveautés"}


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Texte"), icon="pilcrow", template="blocks/paragraph_block.html"
    )
