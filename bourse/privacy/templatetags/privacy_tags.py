from django import template

from .. import retention

register = template.Library()


@register.inclusion_tag("privacy/retention_table.html")
def retention_table() -> dict:
    """The retention table as the code applies it (the privacy notice shows it)."""
    return {"rules": retention.RULES}
