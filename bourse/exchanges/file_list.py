"""The agents' list of exchange files at volume (issue 14 C): search, sort, next due date, export.

The dashboard view (``views.dashboard``) and its exports call these functions;
the tests call them directly. Who sees which file stays ``access.visible_files``:
every function here narrows a queryset it is given, never widens it.

- ``search(files, text)``: file number (``DE-2026-000123`` finds that file only; ``123``
  finds it among the other matches), tenant name,
  housing or tenant reference, NUR (with or without spaces), commune (name or INSEE code).
- ``ordered(files, today, sort)``: ``SORTS``; by default overdue files first, then the
  earliest next due date (``deadlines.next_due``), then the files with the most alerts.
- ``parse_request(params)``: the search text and the sort key of a query string; bad
  values fall back to the default with a French message, never an error.
- ``rows(files, today)``: one ``Row`` per file (what the screen and the exports show).
- ``export_csv`` / ``export_xlsx``: the filtered list, in the screen's order.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse.patrimoine.validation import safe_spreadsheet_text  # CSV injection: one rule

from . import alerts, deadlines
from .models import STEP_NUMBERS, ExchangeParty

SEARCH_MAX_LENGTH = 100
DEFAULT_SORT = "priorite"
_STEP_ORDER = Case(
    *[When(step=step, then=Value(n)) for step, n in STEP_NUMBERS.items()],
    default=Value(99),
    output_field=IntegerField(),
)


def _first_tenant_name():
    return Subquery(
        ExchangeParty.objects.filter(file=OuterRef("pk"))
        .order_by("position")
        .values("tenant_name")[:1]
    )


# key → (column label, ascending ordering); "-key" sorts descending.
SORTS = {
    "priorite": (gettext_lazy("Priorité (délais dépassés d’abord)"), None),
    "echeance": (
        gettext_lazy("Prochaine échéance"),
        [deadlines.next_due_expression().asc(nulls_last=True)],
    ),
    "dossier": (gettext_lazy("Dossier"), [F("pk").asc()]),
    "etape": (gettext_lazy("Étape"), [_STEP_ORDER.asc()]),
    "nur": (gettext_lazy("NUR transmis"), [F("nurs_date").asc()]),
    "locataire": (gettext_lazy("Locataires"), [_first_tenant_name().asc(nulls_last=True)]),
    "alertes": (gettext_lazy("Alertes"), [F("alert_count").asc()]),
}


@dataclass
class ListRequest:
    text: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    messages: list = field(default_factory=list)

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort


def parse_request(params) -> ListRequest:
    """``q`` (search) and ``tri`` (sort key, ``-`` for descending) of a query string."""
    result = ListRequest()
    text = params.get("q", "") or ""
    text = text.replace("\x00", "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        result.messages.append(
            _("La recherche est limitée à %(n)s caractères : elle n’a pas été appliquée.")
            % {"n": SEARCH_MAX_LENGTH}
        )
        text = ""
    result.text = text
    sort = (params.get("tri", "") or "").strip()
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key in SORTS:
        result.sort, result.descending = key, descending and key != DEFAULT_SORT
    elif sort:
        result.messages.append(_("Ce tri n’existe pas : la liste est dans l’ordre par défaut."))
    return result


# --- Search --------------------------------------------------------------------------

_REFERENCE = re.compile(r"^(?:DE[-\s]?(?:\d{4})[-\s]?)?0*(\d{1,9})$", re.IGNORECASE)


_FULL_REFERENCE = re.compile(r"^DE[-\s]?\d{4}[-\s]?\d{1,9}$", re.IGNORECASE)


def _file_number(text: str) -> int | None:
    match = _REFERENCE.match(text.strip())
    return int(match.group(1)) if match else None


def search(files, text: str):
    """The files among ``files`` that match ``text`` on any of the searched fields."""
    text = (text or "").strip()
    if not text:
        return files
    if _FULL_REFERENCE.match(text):
        return files.filter(pk=_file_number(text))  # "DE-2026-000123": that file only
    compact = re.sub(r"[\s\-]", "", text).upper()
    party_q = (
        Q(tenant_name__icontains=text)
        | Q(tenant_reference__icontains=text)
        | Q(dwelling_left__housing_reference__icontains=text)
        | Q(dwelling_left__commune__name__icontains=text)
        | Q(dwelling_left__commune__insee_code=text)
    )
    if compact:
        party_q |= Q(nur__contains=compact)
    q = Q(pk__in=ExchangeParty.objects.filter(party_q).values("file_id"))
    number = _file_number(text)
    if number is not None:
        q |= Q(pk=number)
    return files.filter(q)


# --- Order ---------------------------------------------------------------------------


def annotate(files, today: dt.date):
    """Alerts (``alert_1`` … ``alert_5``, ``alert_count``) and ``overdue`` of each file."""
    alert_count = Value(0)
    for rule in alerts.RULES.values():
        alert_count = alert_count + Case(
            When(rule.query(today), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    return alerts.annotate_alerts(files, today).annotate(
        overdue=Case(
            When(deadlines.overdue_q(today), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        alert_count=alert_count,
    )


def ordered(files, today: dt.date, sort: str = DEFAULT_SORT, descending: bool = False):
    """``files`` annotated and sorted (``SORTS``); the parties come in the same queries."""
    files = annotate(files, today)
    if sort not in SORTS or SORTS[sort][1] is None:
        order = [
            F("overdue").desc(),
            deadlines.next_due_expression().asc(nulls_last=True),
            F("alert_count").desc(),
            F("pk").asc(),
        ]
    else:
        order = [(o.copy() if not descending else _reversed(o)) for o in SORTS[sort][1]] + [
            F("pk").desc() if descending else F("pk").asc()
        ]
    return files.order_by(*order).prefetch_related(
        Prefetch(
            "parties",
            queryset=ExchangeParty.objects.select_related(
                "landlord", "dwelling_left__commune"
            ).order_by("position"),
        )
    )


def _reversed(order_by):
    expression = order_by.expression
    return expression.desc(nulls_last=True) if not order_by.descending else expression.asc()


# --- What a line shows ---------------------------------------------------------------


@dataclass
class Row:
    file: object
    next_due: deadlines.NextDue
    alert_list: list
    parties: list

    @property
    def tenants(self) -> list[str]:
        return [p.tenant_name or _("(anonymisé)") for p in self.parties]


def row(file, today: dt.date) -> Row:
    return Row(
        file=file,
        next_due=deadlines.next_due(file, today),
        alert_list=[(a, alerts.RULES[a]) for a in alerts.annotated_alerts(file)],
        parties=list(file.parties.all()),
    )


def rows(files, today: dt.date):
    for file in files:
        yield row(file, today)


# --- Exports -------------------------------------------------------------------------

EXPORT_HEADER = (
    "Dossier",
    "Étape",
    "Prochaine échéance",
    "À faire",
    "Délai dépassé",
    "Alertes",
    "Locataires",
    "Références locataires",
    "Logements quittés",
    "NUR",
    "Bailleurs",
    "Communes",
    "NUR transmis le",
)
EXPORT_CHUNK = 1000


def _day(value) -> str:
    return date_format(value, "d/m/Y") if value else ""


def export_values(r: Row) -> list[str]:
    f, parties = r.file, r.parties
    return [
        f.reference,
        str(f.get_step_display()),
        _day(r.next_due.due),
        r.next_due.what,
        "oui" if f.overdue else "non",
        " ; ".join(f"{int(a)}. {rule.short}" for a, rule in r.alert_list),
        " ; ".join(r.tenants),
        " ; ".join(p.tenant_reference for p in parties),
        " ; ".join(p.dwelling_left.housing_reference for p in parties),
        " ; ".join(p.nur for p in parties),
        " ; ".join(dict.fromkeys(p.landlord.name for p in parties)),
        " ; ".join(dict.fromkeys(p.dwelling_left.commune.name for p in parties)),
        _day(f.nurs_date),
    ]


def _export_rows(files, today):
    for file in files.iterator(chunk_size=EXPORT_CHUNK):
        yield export_values(row(file, today))


def export_csv(files, today: dt.date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXPORT_HEADER)
    for values in _export_rows(files, today):
        writer.writerow([safe_spreadsheet_text(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(files, today: dt.date) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.append(EXPORT_HEADER)
    for values in _export_rows(files, today):
        sheet.append([safe_spreadsheet_text(v) for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
