"""Fixtures of the statistics tests: the landlords, staff and dwellings of the
exchange-file tests, and ``make_file`` to write a file straight in the state
(and at the dates) a test needs."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser

from django.utils import timezone

from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.factories import DwellingFactory
from tests.exchanges.conftest import (  # noqa: F401 (fixtures)
    agents,
    amo,
    dwellings,
    landlord_admins,
    landlords,
    partner,
    tenants,
)

PASSWORD_STAFF = "Mot-de-passe-Stats-1"


def aware(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_file(sides, step=Step.DONE, opened_on=None, **dates):
    """A file with one party per (landlord, INSEE code) of ``sides``, at ``step``."""
    opened_on = opened_on or dt.date(2024, 1, 10)
    closed_on = dates.pop("closed_on", None)
    file = ExchangeFile.objects.create(
        step=step,
        nurs_date=dates.pop("nurs_date", opened_on),
        opened_at=aware(opened_on),
        closed_at=aware(closed_on) if closed_on else None,
        **dates,
    )
    left = [
        DwellingFactory(
            landlord=landlord, insee=insee, slug=f"s{landlord.pk}", commune_contingent=True
        )
        for landlord, insee in sides
    ]
    for position, dwelling in enumerate(left, start=1):
        ExchangeParty.objects.create(
            file=file,
            position=position,
            landlord=dwelling.landlord,
            dwelling_left=dwelling,
            dwelling_taken=left[position % len(left)],
            tenant_name="NOM",
            nur=f"NUR{file.pk}{position}",
        )
    return file


def done(sides, completed_on, **dates):
    dates.setdefault("attributed_on", completed_on - dt.timedelta(days=20))
    return make_file(sides, Step.DONE, completed_on=completed_on, **dates)


class _TableParser(HTMLParser):
    """Cell texts of every <table> whose caption has id "legende-<key>"."""

    def __init__(self):
        super().__init__()
        self.tables, self._rows, self._cell, self._key, self._in_caption = (
            {},
            None,
            None,
            None,
            False,
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._rows = []
        elif tag == "caption" and self._rows is not None:
            self._key = (attrs.get("id") or "").removeprefix("legende-")
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._key] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _TableParser()
    parser.feed(html)
    return parser.tables


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return [
        [" ".join(cell.split()) for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=";")
    ]
