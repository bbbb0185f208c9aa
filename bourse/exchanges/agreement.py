"""The exchange agreement ("accord d’échange"): an HTML template rendered to a tagged
PDF by WeasyPrint.

The text lives in ``bourse/exchanges/templates/exchanges/agreement.html``, a Django
template the GIE's editors can read and have changed (see README "Exchange files"):
parties, dwellings, dates, and the clauses below, among them the one added in June
2021: when a tenant withdraws ("désistement"), the landlords cannot be held
responsible and no one may claim compensation. WeasyPrint writes a PDF/UA-1 file:
tagged (structure tree from the HTML: headings, paragraphs, lists, tables), in
French (``lang="fr"``), its title shown by the reader. Fonts: the system's, through
fontconfig (DejaVu Sans on Debian, ``fonts-dejavu-core``); WeasyPrint needs Pango
(``libpango-1.0-0``, ``libpangoft2-1.0-0``).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .display import contingent
from .models import CalDecision, Step

TEMPLATE = "exchanges/agreement.html"
STYLESHEET = "exchanges/agreement.css"  # page layout, kept out of the HTML (CSP rule)
PDF_VARIANT = "pdf/ua-1"

WITHDRAWAL_CLAUSE = gettext_lazy(
    "Désistement : chaque ménage peut renoncer à l’échange jusqu’à la signature de son nouveau "
    "bail. En cas de désistement (renonciation) d’un locataire, les bailleurs ne peuvent être "
    "tenus pour responsables et aucun ménage ne peut prétendre à un dédommagement."
)
CLAUSES = (
    gettext_lazy(
        "Le présent accord constate la volonté des ménages d’échanger leurs logements. Il ne "
        "vaut pas attribution : chaque logement est attribué par la commission d’attribution "
        "des logements et d’examen de l’occupation des logements (CALEOL) du bailleur "
        "concerné, dans le respect des règles d’attribution des logements sociaux."
    ),
    WITHDRAWAL_CLAUSE,
    gettext_lazy(
        "Après l’attribution par toutes les commissions, les bailleurs fixent avec les ménages "
        "une période puis une date de déménagement, dans un délai de 21 jours calendaires ; "
        "chaque ménage signe le bail de son nouveau logement avec le bailleur de celui-ci."
    ),
    gettext_lazy(
        "Les états des lieux de sortie et d’entrée de chaque logement sont réalisés le même jour."
    ),
)


def _day(value) -> str:
    return date_format(value, "d/m/Y") if value else "—"


def _money(value) -> str:
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def _dwelling(dwelling) -> dict:
    return {
        "address": dwelling.address,
        "commune": dwelling.commune.name,
        "typology": dwelling.typology,
        "surface": str(dwelling.surface).replace(".", ","),
        "rent": _money(dwelling.rent),
        "charges": _money(dwelling.charges),
        "reference": dwelling.housing_reference,
        "landlord": dwelling.landlord.name,
    }


def agreement_context(file) -> dict:
    """What the agreement's template shows for ``file``."""
    parties = list(
        file.parties.select_related(
            "landlord",
            "dwelling_left__commune",
            "dwelling_left__landlord",
            "dwelling_taken__commune",
            "dwelling_taken__landlord",
        ).order_by("position")
    )
    by_dwelling = {p.dwelling_left_id: p for p in parties}
    households = []
    for party in parties:
        taken_from = by_dwelling.get(party.dwelling_taken_id)
        left = contingent(party.dwelling_left)
        households.append(
            {
                "position": party.position,
                "name": party.tenant_name or _("locataire"),
                "landlord": party.landlord.name,
                "tenant_reference": party.tenant_reference or "—",
                "nur": party.nur or "—",
                "left": _dwelling(party.dwelling_left),
                "contingent": left.name,
                "contingent_position": left.position_label,
                "taken": _dwelling(party.dwelling_taken),
                "taken_from": taken_from.position if taken_from else None,
                "cal_date": _day(party.cal_date),
                "cal_decision": CalDecision(party.cal_decision).label
                if party.cal_decision
                else "—",
            }
        )
    period = "—"
    if file.move_period_start:
        period = _("du %(start)s au %(end)s") % {
            "start": _day(file.move_period_start),
            "end": _day(file.move_period_end),
        }
    return {
        "title": _("Accord d’échange de logements — dossier %(ref)s") % {"ref": file.reference},
        "reference": file.reference,
        "step": Step(file.step).label,
        "households": households,
        "dates": (
            (_("Transmission des NUR"), _day(file.nurs_date)),
            (_("Pré-instruction validée"), _day(file.pre_instructed_on)),
            (_("Instruction validée"), _day(file.instructed_on)),
            (_("Attribution par les CAL"), _day(file.attributed_on)),
            (_("Période de déménagement"), period),
            (_("Date de déménagement"), _day(file.move_date)),
            (_("Réalisation de l’échange"), _day(file.completed_on)),
        ),
        "clauses": CLAUSES,
        "today": _day(timezone.localdate()),
        "created": timezone.now(),
    }


def agreement_html(file) -> str:
    return render_to_string(TEMPLATE, agreement_context(file))


def agreement_pdf(file) -> bytes:
    """The agreement of ``file`` as a tagged PDF (PDF/UA-1), title and language set."""
    from weasyprint import CSS, HTML  # Pango is loaded on first use, not at start-up

    context = agreement_context(file)
    return HTML(string=render_to_string(TEMPLATE, context)).write_pdf(
        stylesheets=[CSS(string=render_to_string(STYLESHEET, context))],
        pdf_variant=PDF_VARIANT,
    )
