"""The ``<meta name="description">`` of a page (issue 19: Lighthouse SEO)."""

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator

register = template.Library()

# The page's own summary fields, in order of preference; not every page has each.
FIELDS = ("search_description", "intro", "summary", "headline")


@register.simple_tag
def meta_description(page) -> str:
    """The page's search description, else its intro or summary as plain text
    (at most 300 characters); empty when the page has none (the tag escapes it)."""
    for name in FIELDS:
        text = " ".join(strip_tags(str(getattr(page, name, "") or "")).split())
        if text:
            return Truncator(text).chars(300)
    return ""
