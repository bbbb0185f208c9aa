"""Form pieces written by hand in the templates (filter rows of selects)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(field) -> SafeString:
    """The ``<option>`` elements of a bound choice field, its current value selected
    (compared as text, as the filter forms' GET values are). Built in Python: a
    template loop asked the field for its value once per option."""
    current = "%s" % (field.value(),)  # noqa: UP031  (None reads "None", as stringformat:"s")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if "%s" % (value,) == current else "", label)  # noqa: UP031
            for value, label in field.field.choices
        ),
    )
