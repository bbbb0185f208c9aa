"""The exchange agreement PDF (issue 19): an HTML template rendered by WeasyPrint to a
tagged PDF (PDF/UA-1) with its title and language; content and withdrawal clause.
Who may download it: tests/exchanges/test_views.py (unchanged)."""

import io

import pytest
from django.template.loader import get_template
from pypdf import PdfReader

from bourse.exchanges import agreement
from bourse.exchanges.agreement import WITHDRAWAL_CLAUSE, agreement_html, agreement_pdf
from bourse.exchanges.models import Step

from .conftest import advance


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_the_agreement_has_parties_dwellings_dates_and_the_withdrawal_clause(file3, amo):
    advance(file3, Step.MOVE_SCHEDULED, amo)
    data = agreement_pdf(file3)
    assert data.startswith(b"%PDF-")
    _reader, text = read(data)
    assert " ".join(str(WITHDRAWAL_CLAUSE).split()) in text
    assert "les bailleurs ne peuvent être tenus pour responsables" in text
    assert f"Dossier d’échange {file3.reference}" in text
    for party in file3.parties.select_related("dwelling_left", "landlord"):
        assert f"Ménage {party.position} — {party.tenant_name}" in text
        assert party.dwelling_left.address in text
        assert party.nur and party.nur in text
        assert party.landlord.name in text
    assert file3.move_date.strftime("%d/%m/%Y") in text
    assert "Attribution par les CAL" in text
    assert f"Accord d’échange {file3.reference} — page 1/" in text


def test_a_tagged_pdf_ua_with_title_and_french_language(file2):
    reader, _text = read(agreement_pdf(file2))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == f"Accord d’échange de logements — dossier {file2.reference}"
    assert str(root["/Lang"]).startswith("fr")
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()  # PDF/UA-1 identification
    # The structure tree holds the headings of the template.
    kinds = set()

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/P"} <= kinds


def test_the_template_is_a_readable_django_template(file2):
    assert get_template(agreement.TEMPLATE).origin.name.endswith("exchanges/agreement.html")
    html = agreement_html(file2)
    assert '<html lang="fr">' in html
    assert f"<title>Accord d’échange de logements — dossier {file2.reference}</title>" in html


@pytest.mark.parametrize("name", ["Ŀa ville d’Évry — 12 m² ①", "<script>x</script>"])
def test_names_are_escaped_and_any_character_kept(file2, name):
    party = file2.parties.order_by("position").first()
    party.tenant_name = name
    party.save(update_fields=["tenant_name"])
    html = agreement_html(file2)
    assert "<script>x" not in html
    _reader, text = read(agreement_pdf(file2))
    assert f"Ménage 1 — {name}" in text
