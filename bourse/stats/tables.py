"""The statistics tables, read from the materialised rows (``models.py``).

A ``Table`` is what a page shows *and* what its CSV contains: the same header
and the same cells (strings), so the download always equals the screen.
Rules kept here, one place each:

- ``shown_count``: in public tables by commune, counts from 1 to 4 are shown
  as "< 5" (statistical secrecy; 0 is shown, it discloses nobody);
- the all-years commune rows list every commune with dwellings;
- months without activity appear with zeros, so the chart has no holes.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse.exchanges.alerts import RULES
from bourse.territories import natural_key

from . import charts
from .models import DELAY_COLUMNS, DELAY_STEPS, CommuneStat, MonthlyStat, StatsRun

SMALL_COUNT = 5
MASK = "< 5"
TOP_COMMUNES = 10
DEPARTMENTS = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d’Oise",
}


@dataclass(frozen=True)
class Filters:
    """What a page shows: a year (None: every year), a department ("" all),
    a landlord (None: all), and whether small counts are masked (public)."""

    year: int | None = None
    department: str = ""
    landlord: object = None
    public: bool = True

    def cache_key(self) -> str:
        landlord = getattr(self.landlord, "pk", "")
        return f"{self.year or ''}:{self.department}:{landlord}:{int(self.public)}"

    def query(self) -> str:
        """The filters as a query string (for the CSV links): only what is set."""
        params = {
            "year": self.year or "",
            "department": self.department,
            "landlord": getattr(self.landlord, "pk", ""),
        }
        return urlencode({key: value for key, value in params.items() if value})


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    description: str = ""
    chart: str = ""
    footer: list[list[str]] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Many columns: the table goes below its chart rather than beside it."""
        return len(self.headers) > 3

    def csv_rows(self) -> list[list[str]]:
        return [self.headers, *self.rows, *self.footer]


def shown_count(count: int, public: bool) -> str:
    """A count as shown in a table by commune: masked from 1 to 4 when public."""
    if public and 0 < count < SMALL_COUNT:
        return MASK
    return str(count)


def month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


def last_run() -> StatsRun | None:
    return StatsRun.objects.order_by("-finished_at").first()


def available_years() -> list[int]:
    years = {
        d.year
        for d in MonthlyStat.objects.filter(landlord__isnull=True, department="").dates(
            "month", "year"
        )
    }
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _scope(queryset, filters: Filters):
    if filters.landlord is None:
        return queryset.filter(landlord__isnull=True)
    return queryset.filter(landlord=filters.landlord)


def monthly_stats(filters: Filters) -> list[MonthlyStat]:
    """One row per month of the period, zeros where nothing happened."""
    rows = _scope(MonthlyStat.objects.all(), filters).filter(department=filters.department)
    if filters.year:
        rows = rows.filter(month__year=filters.year)
    found = {row.month: row for row in rows.order_by("month")}
    return [
        found.get(month) or MonthlyStat(month=month)
        for month in period_months(found, year=filters.year)
    ]


def period_months(found, year: int | None = None) -> list[dt.date]:
    """The months (first days) a table lists: the whole ``year`` (up to this month),
    else from the first to the last month ``found`` has; none when there is none."""
    if year:
        first = dt.date(year, 1, 1)
        today = timezone.localdate()
        last = dt.date(year, 12, 1) if year < today.year else today.replace(day=1)
        last = max([last, *found])
    elif found:
        first, last = min(found), max(found)
    else:
        return []
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def evolution_table(months: list[MonthlyStat]) -> Table:
    labels = [month_label(m.month) for m in months]
    done = [m.exchanges_done for m in months]
    households = [m.tenants_exchanged for m in months]
    title = _("Évolution des échanges")
    return Table(
        key="evolution",
        title=title,
        description=_(
            "Échanges réalisés par mois, selon la date de réalisation saisie par les bailleurs "
            "(recalculé chaque nuit sur tous les mois)."
        ),
        headers=[_("Mois"), _("Échanges réalisés"), _("Locataires ayant échangé")],
        rows=[
            [label, str(d), str(h)] for label, d, h in zip(labels, done, households, strict=True)
        ],
        footer=[[_("Total"), str(sum(done)), str(sum(households))]] if months else [],
        chart=charts.column_chart(
            "graphique-evolution",
            _("Graphique : échanges réalisés par mois (données dans le tableau)"),
            labels,
            [(_("Échanges réalisés"), done)],
        )
        if months
        else "",
    )


FILE_COLUMNS = (
    ("files_opened", gettext_lazy("Dossiers ouverts")),
    ("files_attributed", gettext_lazy("Attribués par les CAL")),
    ("closed_landlord", gettext_lazy("Clos par un bailleur")),
    ("closed_tenant", gettext_lazy("Clos par un locataire")),
    ("closed_inactivity", gettext_lazy("Clos pour inactivité")),
    ("closed_after_cal", gettext_lazy("Clos suite à la CAL")),
)


def files_table(months: list[MonthlyStat]) -> Table:
    labels = [month_label(m.month) for m in months]
    headers = [_("Mois"), *[str(label) for _name, label in FILE_COLUMNS]]
    rows = [
        [month_label(m.month), *[str(getattr(m, name)) for name, _label in FILE_COLUMNS]]
        for m in months
    ]
    totals = [sum(getattr(m, name) for m in months) for name, _label in FILE_COLUMNS]
    return Table(
        key="dossiers",
        title=_("Dossiers d’échange par mois"),
        description=_(
            "Dossiers ouverts (date d’ouverture), attribués par les CAL (date d’attribution) "
            "et clos, par motif de clôture (date de clôture)."
        ),
        headers=headers,
        rows=rows,
        footer=[[_("Total"), *[str(t) for t in totals]]] if months else [],
        chart=charts.column_chart(
            "graphique-dossiers",
            _("Graphique : dossiers ouverts et attribués par mois (données dans le tableau)"),
            labels,
            [
                (_("Dossiers ouverts"), [m.files_opened for m in months]),
                (_("Attribués par les CAL"), [m.files_attributed for m in months]),
            ],
        )
        if months
        else "",
    )


def commune_counts(filters: Filters) -> list[tuple[str, str, str, int]]:
    """(INSEE code, name, department, households) for every commune with dwellings
    in the scope, ordered by department and name."""
    rows = _scope(CommuneStat.objects.all(), filters)
    if filters.department:
        rows = rows.filter(commune__department=filters.department)
    everyone = rows.filter(year__isnull=True).values_list(
        "commune_id", "commune__name", "commune__department", "tenants_exchanged"
    )
    if filters.year:
        yearly = dict(rows.filter(year=filters.year).values_list("commune_id", "tenants_exchanged"))
        everyone = [(c, n, d, yearly.get(c, 0)) for c, n, d, _total in everyone]
    return sorted(everyone, key=lambda row: (row[2], natural_key(row[1]), row[0]))


def communes_table(filters: Filters) -> Table:
    counts = commune_counts(filters)
    top = sorted(
        (row for row in counts if row[3] >= (SMALL_COUNT if filters.public else 1)),
        key=lambda row: (-row[3], natural_key(row[1])),
    )[:TOP_COMMUNES]
    description = _(
        "Locataires ayant échangé, par commune du logement quitté, sur toutes les communes "
        "qui ont des logements dans la bourse."
    )
    if filters.public:
        description += " " + _("Les effectifs de 1 à 4 sont affichés « < 5 ».")
    return Table(
        key="communes",
        title=_("Locataires ayant échangé par commune"),
        description=description,
        headers=[_("Commune"), _("Code INSEE"), _("Département"), _("Locataires ayant échangé")],
        rows=[
            [name, insee, department, shown_count(count, filters.public)]
            for insee, name, department, count in counts
        ],
        chart=charts.bar_chart(
            "graphique-communes",
            _(
                "Graphique : les communes où le plus de locataires ont échangé (données dans le "
                "tableau)"
            ),
            [(name, count, str(count)) for _insee, name, _d, count in top],
        )
        if top
        else "",
    )


DELAY_LABELS = {
    "pre_instruction": gettext_lazy("Transmission des NUR → pré-instruction"),
    "instruction": gettext_lazy("Pré-instruction → instruction"),
    "attribution": gettext_lazy("Instruction → attribution par les CAL"),
    "move_date": gettext_lazy("Attribution → saisie de la date de déménagement"),
    "completion": gettext_lazy("Transmission des NUR → échange réalisé (total)"),
}


def delays_table(filters: Filters) -> Table:
    rows = _scope(MonthlyStat.objects.all(), filters).filter(department=filters.department)
    if filters.year:
        rows = rows.filter(month__year=filters.year)
    sums = rows.aggregate(**{name: Sum(name) for name in DELAY_COLUMNS})
    body, items = [], []
    for key, _start, _end in DELAY_STEPS:
        days, files = sums[f"{key}_days"] or 0, sums[f"{key}_count"] or 0
        average = round(days / files, 1) if files else None
        shown = f"{average:.1f}".replace(".", ",") if average is not None else "—"
        body.append([str(DELAY_LABELS[key]), shown, str(files)])
        items.append((str(DELAY_LABELS[key]), average or 0, shown))
    return Table(
        key="delais",
        title=_("Délais moyens par étape"),
        description=_(
            "Nombre moyen de jours calendaires entre deux étapes, pour les dossiers dont la "
            "seconde étape tombe dans la période (délais attendus : 7 jours pour la "
            "pré-instruction, 14 pour l’instruction, 21 pour la date de déménagement)."
        ),
        headers=[_("Étape"), _("Délai moyen (jours)"), _("Dossiers")],
        rows=body,
        chart=charts.bar_chart(
            "graphique-delais",
            _("Graphique : délais moyens par étape, en jours (données dans le tableau)"),
            items,
        ),
    )


def alerts_table(files) -> Table:
    """Current alerts (live, computed today) over ``files`` (a queryset of files)."""
    today = timezone.localdate()
    counts = files.aggregate(
        **{f"a{int(alert)}": Count("pk", filter=rule.query(today)) for alert, rule in RULES.items()}
    )
    return Table(
        key="alertes",
        title=_("Alertes en cours"),
        description=_("Dossiers en cours qui ont chaque alerte aujourd’hui."),
        headers=[_("Alerte"), _("Dossiers")],
        rows=[[str(alert.label), str(counts[f"a{int(alert)}"])] for alert in RULES],
    )


def public_tables(filters: Filters) -> list[Table]:
    months = monthly_stats(filters)
    return [evolution_table(months), files_table(months), communes_table(filters)]
