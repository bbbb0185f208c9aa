"""French typography filters: ``{% load french %}`` then ``|date_fr``, ``|taille``, ``|depuis``."""

from django import template

from portal import french

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date_fr(value, format_string="j F Y"):
    """Like ``date``, with « 1er » for the first day of a month."""
    return french.french_date(value, format_string)


@register.filter(is_safe=True)
def taille(value):
    """A file size in Ko, Mo, Go."""
    return french.file_size(value)


@register.filter(expects_localtime=True)
def depuis(value, now=None):
    """« à l’instant », « aujourd’hui », « il y a 3 jours »."""
    return french.elapsed(value, now or None)
