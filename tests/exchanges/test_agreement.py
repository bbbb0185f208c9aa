"""The exchange agreement PDF: content, withdrawal clause, metadata, who may download it."""

import re
from pathlib import Path

import pytest

from bourse.exchanges import agreement
from bourse.exchanges.agreement import WITHDRAWAL_CLAUSE, agreement_pdf
from bourse.exchanges.models import Step

from .conftest import advance


def pdf_text(data: bytes) -> str:
    """The text shown by an uncompressed PDF written with a core font (cp1252)."""
    raw = data.decode("latin-1")
    parts = []
    for match in re.finditer(r"\((?P<s>(?:\\.|[^\\)])*)\)\s*Tj", raw):
        text = re.sub(r"\\([()\\])", r"\1", match.group("s"))
        text = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), text)
        parts.append(text.encode("latin-1").decode("cp1252"))
    return " ".join(" ".join(parts).split())


def test_the_agreement_has_parties_dwellings_dates_and_the_withdrawal_clause(file3, amo):
    advance(file3, Step.MOVE_SCHEDULED, amo)
    data = agreement_pdf(file3, font="core", compress=False)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert " ".join(WITHDRAWAL_CLAUSE.split()) in text
    assert "les bailleurs ne peuvent être tenus pour responsables" in text
    assert "aucun ménage ne peut prétendre à un dédommagement" in text
    assert f"Dossier d’échange {file3.reference}" in text
    for party in file3.parties.select_related("dwelling_left", "landlord"):
        assert f"Ménage {party.position} — {party.tenant_name}" in text
        assert party.dwelling_left.address in text
        assert party.nur in text
        assert party.landlord.name in text
    assert file3.move_date.strftime("%d/%m/%Y") in text
    assert "Attribution" in text


def test_metadata_title_and_language(file2):
    data = agreement_pdf(file2, font="core", compress=False)
    assert b"/Lang (fr-FR)" in data
    assert b"/DisplayDocTitle true" in data
    title = f"Accord d’échange de logements — dossier {file2.reference}"
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in data


@pytest.mark.skipif(
    not (agreement.FONT_DIR / "DejaVuSans.ttf").exists(), reason="fonts-dejavu-core missing"
)
def test_a_unicode_font_is_embedded_when_installed(file2):
    data = agreement_pdf(file2)
    assert data.startswith(b"%PDF-") and b"DejaVu" in data


def test_without_the_font_a_core_font_is_used(file2, monkeypatch, tmp_path):
    monkeypatch.setattr(agreement, "FONT_DIR", Path(tmp_path))
    data = agreement_pdf(file2, compress=False)
    assert b"/BaseFont /Helvetica" in data
    assert "ne peuvent être tenus pour responsables" in pdf_text(data)


def test_characters_outside_windows_1252_are_transliterated():
    pdf = agreement.AgreementPDF("DE-1", font="core")
    assert pdf.text_of("Ŀa ville d’Évry — 12 m² ①") == "La ville d’Évry — 12 m² 1"
