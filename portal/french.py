"""French typography of dates, file sizes and elapsed times (issue 19).

One place for each rule, used by the template filters of
``portal/templatetags/french.py``:

- the first day of a month is written « 1er » (« 1er septembre 2026 »);
- file sizes in octets: « 850 octets », « 12 Ko », « 1,5 Mo », « 2,1 Go »
  (Django's French catalogue says « Kio »);
- an elapsed time under a minute is « à l’instant », never « il y a 0 minute »;
  a date that is today is « aujourd’hui ».
"""

import datetime

from django.utils import dateformat, formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class _FrenchDateFormat(dateformat.DateFormat):
    def j(self):
        return _("1er") if self.data.day == 1 else super().j()


def french_date(value, format_string: str = "j F Y") -> str:
    """``value`` formatted like Django's ``date`` filter, the 1st of a month as « 1er »."""
    if not value:
        return ""
    return _FrenchDateFormat(value).format(formats.get_format(format_string))


UNITS = (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024))


def file_size(size) -> str:
    """A number of bytes in French units (Ko, Mo, Go; decimal comma)."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    for unit, factor in UNITS:
        if size >= factor:
            amount = size / factor
            digits = 0 if amount >= 10 else 1
            number = formats.number_format(round(amount, digits), digits, use_l10n=True)
            return f"{number.removesuffix(',0')}\N{NO-BREAK SPACE}{unit}"
    return ngettext("%(n)s octet", "%(n)s octets", size) % {"n": size}


def elapsed(value, now=None) -> str:
    """« à l’instant », « aujourd’hui » or « il y a … » for a past datetime or date."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        today = now.date() if isinstance(now, datetime.datetime) else (now or timezone.localdate())
        if value >= today:
            return _("aujourd’hui")
        return _("il y a %(time)s") % {"time": timesince(value, today, depth=1)}
    now = now or timezone.now()
    if now - value < datetime.timedelta(minutes=1):
        return _("à l’instant")
    return _("il y a %(time)s") % {"time": timesince(value, now, depth=1)}
