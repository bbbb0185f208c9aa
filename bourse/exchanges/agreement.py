"""The exchange agreement ("accord d’échange"), a PDF made with fpdf2.

Parties, dwellings, dates, and the clause added in June 2021: when a tenant
withdraws ("désistement"), the landlords cannot be held responsible and no
one may claim compensation. French; document title, language and "display
the title" set in the PDF. fpdf2 does not produce a fully tagged PDF (its
structure tree only covers images and outline entries), so the file page
itself is the accessible version of the same content.

Font: DejaVu Sans (Debian ``fonts-dejavu-core``) when installed, embedded
for full Unicode; otherwise Helvetica, a core PDF font, with the text in
Windows-1252 and any other character transliterated. Nothing is shipped.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from .display import contingent
from .models import CalDecision, Step

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

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
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " €"


class AgreementPDF(FPDF):
    def __init__(self, reference: str, font: str = "auto"):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.reference = reference
        self.unicode_font = font != "core" and all(
            (FONT_DIR / name).exists() for name in FONT_FILES.values()
        )
        if self.unicode_font:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family = "DejaVu"
        else:
            self.core_fonts_encoding = "cp1252"
            self.family = "Helvetica"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def text_of(self, text: str) -> str:
        if self.unicode_font:
            return text
        out = []
        for char in str(text):
            try:
                char.encode("cp1252")
                out.append(char)
            except UnicodeEncodeError:
                plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
                out.append(plain or "?")
        return "".join(out)

    def font(self, size: float, bold: bool = False):
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self):
        self.set_y(-12)
        self.font(8)
        self.cell(
            0,
            5,
            self.text_of(
                _("Accord d’échange %(ref)s — page %(page)s/%(total)s")
                % {"ref": self.reference, "page": self.page_no(), "total": "{nb}"}
            ),
            align="C",
        )

    def heading(self, text: str, size: float = 13):
        self.ln(3)
        self.font(size, bold=True)
        self.multi_cell(0, 7, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: float = 10, bold: bool = False):
        self.font(size, bold)
        self.multi_cell(0, 5.2, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def line_item(self, label: str, value: str):
        self.font(10, bold=True)
        width = self.get_string_width(self.text_of(label + " ")) + 1
        self.cell(width, 5.2, self.text_of(label + " "))
        self.font(10)
        self.multi_cell(0, 5.2, self.text_of(value), new_x="LMARGIN", new_y="NEXT")


def _dwelling_text(dwelling) -> str:
    return _(
        "%(address)s, %(commune)s — %(typology)s, %(surface)s m², loyer %(rent)s + charges "
        "%(charges)s (réf. %(reference)s, %(landlord)s)"
    ) % {
        "address": dwelling.address,
        "commune": dwelling.commune.name,
        "typology": dwelling.typology,
        "surface": str(dwelling.surface).replace(".", ","),
        "rent": _money(dwelling.rent),
        "charges": _money(dwelling.charges),
        "reference": dwelling.housing_reference,
        "landlord": dwelling.landlord.name,
    }


def agreement_pdf(file, *, font: str = "auto", compress: bool = True) -> bytes:
    """The agreement of ``file`` as PDF bytes (``font="core"``: no embedded font)."""
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
    pdf = AgreementPDF(file.reference, font=font)
    pdf.set_compression(compress)
    title = _("Accord d’échange de logements — dossier %(ref)s") % {"ref": file.reference}
    pdf.set_title(title)
    pdf.set_lang("fr-FR")
    pdf.set_subject(_("Bourse d’échange de logements sociaux Echanger Habiter"))
    pdf.set_author("Echanger Habiter")
    pdf.set_creator(_("Portail Echanger Habiter"))
    pdf.set_creation_date(timezone.now())
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.font(17, bold=True)
    pdf.multi_cell(
        0, 9, pdf.text_of(_("Accord d’échange de logements")), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.para(
        _(
            "Dossier d’échange %(ref)s — bourse d’échange Echanger Habiter (Île-de-France) — "
            "%(n)s ménages"
        )
        % {"ref": file.reference, "n": len(parties)},
        size=11,
    )
    pdf.para(_("État du dossier : %(step)s.") % {"step": Step(file.step).label}, size=10)
    pdf.ln(2)
    pdf.para(
        _(
            "Les ménages ci-dessous, locataires de logements sociaux, conviennent d’échanger "
            "leurs logements dans les conditions suivantes."
        )
    )
    tenant = _("locataire")
    for party in parties:
        taken_from = by_dwelling.get(party.dwelling_taken_id)
        name = party.tenant_name or tenant
        pdf.heading(_("Ménage %(n)s — %(name)s") % {"n": party.position, "name": name}, size=12)
        pdf.line_item(_("Bailleur actuel :"), party.landlord.name)
        pdf.line_item(_("Référence locataire :"), party.tenant_reference or "—")
        pdf.line_item(_("NUR :"), party.nur)
        pdf.line_item(_("Logement quitté :"), _dwelling_text(party.dwelling_left))
        left = contingent(party.dwelling_left)
        pdf.line_item(
            _("Contingent :"),
            _("%(name)s — position : %(position)s")
            % {"name": left.name, "position": left.position_label},
        )
        taken = _dwelling_text(party.dwelling_taken)
        if taken_from:
            taken += _(", quitté par le ménage %(n)s") % {"n": taken_from.position}
        pdf.line_item(_("Logement pris :"), taken)
        decision = CalDecision(party.cal_decision).label if party.cal_decision else "—"
        pdf.line_item(
            _("CAL :"),
            _("le %(date)s ; décision : %(decision)s")
            % {"date": _day(party.cal_date), "decision": decision},
        )

    pdf.heading(_("Dates du dossier"))
    period = "—"
    if file.move_period_start:
        period = _("du %(start)s au %(end)s") % {
            "start": _day(file.move_period_start),
            "end": _day(file.move_period_end),
        }
    rows = (
        (_("Transmission des NUR :"), _day(file.nurs_date)),
        (_("Pré-instruction validée :"), _day(file.pre_instructed_on)),
        (_("Instruction validée :"), _day(file.instructed_on)),
        (_("Attribution par les CAL :"), _day(file.attributed_on)),
        (_("Période de déménagement :"), period),
        (_("Date de déménagement :"), _day(file.move_date)),
        (_("Réalisation de l’échange :"), _day(file.completed_on)),
    )
    for label, value in rows:
        pdf.line_item(label, value)

    pdf.heading(_("Engagements"))
    for number, clause in enumerate(CLAUSES, start=1):
        pdf.para(f"{number}. {clause}")
        pdf.ln(1.5)

    pdf.heading(_("Signatures"))
    pdf.para(_("Fait pour servir et valoir ce que de droit. Chaque ménage signe ci-dessous."))
    pdf.ln(2)
    for party in parties:
        pdf.para(
            _("Ménage %(n)s (%(name)s) :")
            % {"n": party.position, "name": party.tenant_name or tenant},
            bold=True,
        )
        pdf.ln(12)
    pdf.ln(2)
    pdf.para(
        _("Document établi le %(date)s à partir du dossier %(ref)s.")
        % {"date": _day(timezone.localdate()), "ref": file.reference},
        size=8,
    )
    return bytes(pdf.output())
