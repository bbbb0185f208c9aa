"""What the partner space shows: counts only, never a person.

Selectors over ``bourse.stats`` (its ``Table``, filters, charts) and over the
contingents. A dwelling is on a reservataire's **contingent** when its
``reservataire_kind`` / ``reservataire_code`` are the reservataire's
``kind`` / ``code`` (the rule ``bourse.eligibility`` uses). For a contingent:

- a file *concerns* it when one of the dwellings its parties leave is on it
  (every dwelling of a file is left by one party and taken by another);
- *tenants who left*: parties of a realised exchange leaving a dwelling of the
  contingent; *tenants who arrived*: parties moving into one. Both are dated
  by the exchange's completion, files opened by their opening (local date),
  as the nightly statistics date them.

Small counts are not masked here: the public rule ("< 5") is for counts by
commune shown to everyone; these tables have no commune and are shown to the
contingent's own reservataire only (the public tables keep their mask).
The contingent tables are computed live (cached a few minutes); the tables by
landlord read the nightly materialised rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from bourse import permissions
from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.models import Dwelling, Landlord, Position, Reservataire, ReservataireKind
from bourse.stats import charts
from bourse.stats.models import MonthlyStat
from bourse.stats.tables import Filters, Table, month_label, period_months

CONTINGENT_SECONDS = 600
TOP_LANDLORDS = 15
CLOSED_COLUMNS = ("closed_landlord", "closed_tenant", "closed_inactivity", "closed_after_cal")


# --- Scope --------------------------------------------------------------------------


def contingent_reservataire(user, requested: Reservataire | None) -> Reservataire | None:
    """The reservataire whose contingent ``user`` sees.

    A partner: their own, always; asking for another raises ``PermissionDenied``.
    The AMO: the one requested (None: not chosen yet).
    """
    if permissions.is_super_admin(user):
        return requested
    own = permissions.user_reservataire(user)
    if own is None or (requested is not None and requested.pk != own.pk):
        raise PermissionDenied
    return own


# --- Contingent ---------------------------------------------------------------------


def on_contingent(reservataire: Reservataire, dwelling: str, department: str = "") -> Q:
    """Rows whose ``dwelling`` (a path to a Dwelling, "" for Dwelling itself) is on
    the contingent, in ``department`` when given."""
    prefix = f"{dwelling}__" if dwelling else ""
    q = Q(
        **{
            f"{prefix}reservataire_kind": reservataire.kind,
            f"{prefix}reservataire_code": reservataire.code,
        }
    )
    if department:
        q &= Q(**{f"{prefix}commune__department": department})
    return q


@dataclass
class ContingentMonth:
    month: dt.date
    files_opened: int = 0
    exchanges_done: int = 0
    tenants_left: int = 0
    tenants_arrived: int = 0


COUNTS = ("files_opened", "exchanges_done", "tenants_left", "tenants_arrived")


def _per(queryset, group: str, count: str = "pk") -> dict:
    """{group value: number of distinct ``count``} (``group`` may be a month expression)."""
    return dict(
        queryset.order_by()
        .values_list(group)
        .annotate(n=Count(count, distinct=True))
        .values_list(group, "n")
    )


def _month(field: str):
    return TruncMonth(field, output_field=DateField())


def _contingent_querysets(reservataire: Reservataire, filters: Filters) -> dict:
    """The four counted querysets of the contingent, within the year of ``filters``."""
    department, year = filters.department, filters.year
    left = ExchangeParty.objects.filter(on_contingent(reservataire, "dwelling_left", department))
    files = ExchangeFile.objects.filter(pk__in=left.values("file_id"))
    opened = files.filter(opened_at__year=year) if year else files
    done = files.filter(step=Step.DONE, completed_on__isnull=False)
    realised = {"file__step": Step.DONE, "file__completed_on__isnull": False}
    if year:
        done = done.filter(completed_on__year=year)
        realised["file__completed_on__year"] = year
    return {
        "files_opened": opened,
        "exchanges_done": done,
        "tenants_left": left.filter(**realised),
        "tenants_arrived": ExchangeParty.objects.filter(
            on_contingent(reservataire, "dwelling_taken", department), **realised
        ),
    }


def contingent_months(reservataire: Reservataire, filters: Filters) -> list[ContingentMonth]:
    """One row per month of the period (zeros where nothing happened)."""
    sets = _contingent_querysets(reservataire, filters)
    counts = {
        "files_opened": _per(sets["files_opened"].annotate(m=_month("opened_at")), "m"),
        "exchanges_done": _per(sets["exchanges_done"].annotate(m=_month("completed_on")), "m"),
        "tenants_left": _per(sets["tenants_left"].annotate(m=_month("file__completed_on")), "m"),
        "tenants_arrived": _per(
            sets["tenants_arrived"].annotate(m=_month("file__completed_on")), "m"
        ),
    }
    found = {month for values in counts.values() for month in values}
    return [
        ContingentMonth(month, **{name: counts[name].get(month, 0) for name in COUNTS})
        for month in period_months(found, year=filters.year)
    ]


def _headers(first: str) -> list[str]:
    return [
        first,
        _("Dossiers ouverts"),
        _("Échanges réalisés"),
        _("Locataires partis"),
        _("Locataires arrivés"),
    ]


def contingent_table(reservataire: Reservataire, months: list[ContingentMonth]) -> Table:
    labels = [month_label(m.month) for m in months]
    totals = [sum(getattr(m, name) for m in months) for name in COUNTS]
    return Table(
        key="contingent",
        title=_("Votre contingent par mois"),
        description=_(
            "Dossiers d’échange qui concernent un logement du contingent de %(name)s (date "
            "d’ouverture), échanges réalisés, locataires partis d’un logement du contingent et "
            "locataires arrivés dans un logement du contingent (date de réalisation). Calculé "
            "à la demande, sans donnée personnelle."
        )
        % {"name": reservataire.name},
        headers=_headers(_("Mois")),
        rows=[[month_label(m.month), *[str(getattr(m, name)) for name in COUNTS]] for m in months],
        footer=[[_("Total"), *[str(t) for t in totals]]] if months else [],
        chart=charts.column_chart(
            "graphique-contingent",
            _(
                "Graphique : dossiers ouverts et échanges réalisés par mois (données dans le "
                "tableau)"
            ),
            labels,
            [
                (_("Dossiers ouverts"), [m.files_opened for m in months]),
                (_("Échanges réalisés"), [m.exchanges_done for m in months]),
            ],
        )
        if months
        else "",
    )


def contingent_landlords_table(
    reservataire: Reservataire, filters: Filters, months: list[ContingentMonth]
) -> Table:
    """The contingent by landlord of its dwellings; the footer counts each file once."""
    department = filters.department
    sets = _contingent_querysets(reservataire, filters)
    on_left = ExchangeParty.objects.filter(on_contingent(reservataire, "dwelling_left", department))
    opened_ids = sets["files_opened"].values("pk")
    done_ids = sets["exchanges_done"].values("pk")
    counts = {
        "files_opened": _per(on_left.filter(file__in=opened_ids), "landlord", "file"),
        "exchanges_done": _per(on_left.filter(file__in=done_ids), "landlord", "file"),
        "tenants_left": _per(sets["tenants_left"], "landlord"),
        "tenants_arrived": _per(sets["tenants_arrived"], "dwelling_taken__landlord"),
    }
    dwellings = _per(
        Dwelling.objects.filter(on_contingent(reservataire, "", department), in_snapshot=True),
        "landlord",
    )
    ids = set(dwellings).union(*counts.values())
    rows = [
        [
            landlord.name,
            str(dwellings.get(landlord.pk, 0)),
            *[str(counts[name].get(landlord.pk, 0)) for name in COUNTS],
        ]
        for landlord in Landlord.objects.filter(pk__in=ids).order_by("name")
    ]
    totals = [sum(getattr(m, name) for m in months) for name in COUNTS]
    headers = _headers(_("Bailleur"))
    headers.insert(1, _("Logements du contingent"))
    return Table(
        key="contingent-bailleurs",
        title=_("Votre contingent par bailleur"),
        description=_(
            "Les mêmes chiffres par bailleur des logements du contingent, avec le nombre de "
            "logements du contingent présents dans le dernier fichier patrimoine de chaque "
            "bailleur. Un dossier entre deux bailleurs compte pour chacun ; la ligne « Tous "
            "les bailleurs » le compte une fois."
        ),
        headers=headers,
        rows=rows,
        footer=[[_("Tous les bailleurs"), str(sum(dwellings.values())), *map(str, totals)]]
        if rows
        else [],
    )


def contingent_tables(reservataire: Reservataire, filters: Filters) -> list[Table]:
    """The contingent's tables, cached a few minutes per reservataire and filters."""
    key = f"partners:contingent:{reservataire.pk}:{filters.cache_key()}"
    found = cache.get(key)
    if found is None:
        months = contingent_months(reservataire, filters)
        found = [
            contingent_table(reservataire, months),
            contingent_landlords_table(reservataire, filters, months),
        ]
        cache.set(key, found, CONTINGENT_SECONDS)
    return found


def contingent_summary(reservataire: Reservataire) -> dict:
    """Totals over every month, and the contingent's dwellings (the space's home page)."""
    months = contingent_months(reservataire, Filters(public=False))
    summary = {name: sum(getattr(m, name) for m in months) for name in COUNTS}
    summary["dwellings"] = Dwelling.objects.filter(
        on_contingent(reservataire, ""), in_snapshot=True
    ).count()
    return summary


# --- By landlord (materialised statistics) ------------------------------------------


def landlords_table(filters: Filters) -> Table:
    """Every landlord's files and exchanges, from the nightly ``MonthlyStat`` rows."""
    rows = MonthlyStat.objects.filter(department=filters.department)
    if filters.year:
        rows = rows.filter(month__year=filters.year)
    names = (
        "files_opened",
        "files_attributed",
        "exchanges_done",
        "tenants_exchanged",
        *CLOSED_COLUMNS,
    )
    sums = {
        row["landlord"]: row
        for row in rows.order_by()
        .values("landlord")
        .annotate(**{f"sum_{name}": Sum(name) for name in names})
    }

    def cells(found) -> list[int]:
        found = found or {}
        values = [found.get(f"sum_{name}") or 0 for name in names]
        return [*values[:4], sum(values[4:])]

    landlords = Landlord.objects.filter(Q(active=True) | Q(pk__in=[k for k in sums if k]))
    body = [
        (landlord.name, cells(sums.get(landlord.pk))) for landlord in landlords.order_by("name")
    ]
    top = sorted((item for item in body if item[1][2]), key=lambda item: (-item[1][2], item[0]))
    return Table(
        key="bailleurs",
        title=_("Dossiers et échanges par bailleur"),
        description=_(
            "Pour chaque bailleur adhérent : dossiers ouverts, attribués par les CAL, échanges "
            "réalisés, locataires ayant échangé et dossiers clos, quel qu’en soit le motif. "
            "Un dossier entre deux bailleurs compte pour chacun ; la ligne « Tous les "
            "bailleurs » le compte une fois."
        ),
        headers=[
            _("Bailleur"),
            _("Dossiers ouverts"),
            _("Attribués par les CAL"),
            _("Échanges réalisés"),
            _("Locataires ayant échangé"),
            _("Dossiers clos"),
        ],
        rows=[[name, *map(str, values)] for name, values in body],
        footer=[[_("Tous les bailleurs"), *map(str, cells(sums.get(None)))]] if body else [],
        chart=charts.bar_chart(
            "graphique-bailleurs",
            _(
                "Graphique : les bailleurs qui ont réalisé le plus d’échanges (données dans le "
                "tableau)"
            ),
            [(name, values[2], str(values[2])) for name, values in top[:TOP_LANDLORDS]],
        )
        if top
        else "",
    )


# --- Municipalities' positions ------------------------------------------------------


def positions_tables(reservataires) -> list[Table]:
    """The positions of the reservataires of ``reservataires`` (a filtered queryset):
    a count per kind and position, then the list (no note, no author)."""
    listed = list(reservataires.order_by("kind", "name"))
    kinds = dict(ReservataireKind.choices)
    count = {}
    for r in listed:
        count[(r.kind, r.position)] = count.get((r.kind, r.position), 0) + 1
    summary_rows = []
    for kind, label in ReservataireKind.choices:
        values = [count.get((kind, position), 0) for position in Position.values]
        if any(values):
            summary_rows.append([str(label), *map(str, values), str(sum(values))])
    totals = [sum(count.get((k, p), 0) for k in kinds) for p in Position.values]
    return [
        Table(
            key="positions",
            title=_("Positions par type de réservataire"),
            description=_(
                "Nombre de réservataires de chaque type selon leur position vis-à-vis de la "
                "bourse d’échange. Un contingent absent de la liste est « non positionné »."
            ),
            headers=[_("Type"), *[str(label) for label in Position.labels], _("Total")],
            rows=summary_rows,
            footer=[[_("Total"), *map(str, totals), str(sum(totals))]] if listed else [],
        ),
        Table(
            key="collectivites",
            title=_("Collectivités et réservataires"),
            description=_(
                "Une opposition rend inéligibles les locataires logés sur le contingent ; la "
                "position d’une intercommunalité ne couvre que son propre contingent, pas celui "
                "de ses communes membres."
            ),
            headers=[_("Réservataire"), _("Type"), _("Code"), _("Position"), _("Depuis le")],
            rows=[
                [
                    r.name,
                    str(kinds.get(r.kind, r.kind)),
                    r.code or "—",
                    r.get_position_display(),
                    f"{r.position_date:%d/%m/%Y}" if r.position_date else "—",
                ]
                for r in listed
            ],
        ),
    ]
