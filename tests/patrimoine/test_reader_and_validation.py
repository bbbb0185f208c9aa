"""Patrimoine files: reading (formats, encodings, hostile files) and row rules."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from bourse.patrimoine.columns import COLUMN_NAMES
from bourse.patrimoine.reader import PatrimoineFileError, Row, read_rows
from bourse.patrimoine.validation import RowValidator, safe_spreadsheet_text

INSEE = {"93048", "75111", "91228", "77001"}
EPCI = {"200056232"}

GOOD = {
    "reference_logement": "LOG-1",
    "adresse": "12 rue de la Paix",
    "code_insee": "93048",
    "typologie": "T3",
    "surface": "64,5",
    "etage": "2",
    "ascenseur": "oui",
    "loyer": "512,30",
    "charges": "98",
    "reservataire_type": "commune",
    "reservataire_code": "93048",
    "reference_locataire": "LOC-1",
    "nom_locataire": "Dupont",
    "eligible": "oui",
    "email_contact_1": "gestion@bailleur.example",
    "email_contact_2": "cal@bailleur.example",
}


def csv_bytes(rows, sep=";", encoding="utf-8", bom=False, header=COLUMN_NAMES):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(c, "") for c in header])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, header=COLUMN_NAMES):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for r in rows:
        sheet.append([r.get(c, "") for c in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_all(data: bytes):
    names, rows = read_rows(io.BytesIO(data))
    return names, list(rows)


def validate(**changes):
    validator = RowValidator(INSEE, EPCI)
    return validator.validate(Row(2, {**GOOD, **changes}))


# --- formats -------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes([GOOD]),
        csv_bytes([GOOD], bom=True),
        csv_bytes([GOOD], sep=","),
        csv_bytes([{**GOOD, "nom_locataire": "Hélène Lefèvre"}], encoding="cp1252"),
        xlsx_bytes([GOOD]),
    ],
    ids=["utf8-semicolon", "utf8-bom", "comma", "windows-1252", "xlsx"],
)
def test_formats_encodings_and_separators(data):
    names, rows = read_all(data)
    assert set(COLUMN_NAMES) <= set(names)
    assert len(rows) == 1 and rows[0].line == 2
    record, errors = RowValidator(INSEE, EPCI).validate(rows[0])
    assert errors == []
    assert record.surface == Decimal("64.50")


def test_windows_1252_accents_survive():
    data = csv_bytes([{**GOOD, "nom_locataire": "Hélène Lefèvre"}], encoding="cp1252")
    _, rows = read_all(data)
    assert rows[0].values["nom_locataire"] == "Hélène Lefèvre"


def test_headers_are_matched_whatever_case_and_accents():
    header = [h.upper().replace("_", " ") for h in COLUMN_NAMES]
    data = csv_bytes([GOOD], header=COLUMN_NAMES)
    text = data.decode().replace(";".join(COLUMN_NAMES), ";".join(header), 1)
    names, rows = read_all(text.encode())
    assert names == list(COLUMN_NAMES)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"\x00\x01\x02binary", "ni un fichier CSV"),
        (b"reference_logement|adresse\nA|B\n", "séparateur"),
        (b"reference_logement;adresse\nA;B\n", "Colonnes obligatoires absentes"),
        (b"\x81\x8d\x8f\x90\x9d;x\n", "encodage"),
        (b"PK\x03\x04not really a zip", "illisible"),
    ],
    ids=["empty", "binary", "separator", "missing-columns", "encoding", "fake-zip"],
)
def test_broken_files_are_refused_with_a_french_message(data, message):
    with pytest.raises(PatrimoineFileError) as error:
        read_all(data)
    assert message in error.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    with pytest.raises(PatrimoineFileError, match="pas un classeur XLSX"):
        read_all(out.getvalue())


def test_zip_bomb_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(PatrimoineFileError, match="anormalement volumineux"):
        read_all(out.getvalue())


def test_xml_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<workbook>&lol2;</workbook>"
    )
    source = io.BytesIO(xlsx_bytes([GOOD]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for item in original.infolist():
            data = bomb if item.filename == "xl/workbook.xml" else original.read(item)
            archive.writestr(item, data)
    with pytest.raises(PatrimoineFileError, match="déclarations XML interdites"):
        read_all(out.getvalue())


def test_too_large_file_is_refused(settings):
    settings.PATRIMOINE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(PatrimoineFileError, match="taille maximale"):
        read_all(csv_bytes([GOOD, GOOD]))


def test_formula_in_a_cell_is_read_as_text_and_exported_safely():
    row = {**GOOD, "nom_locataire": '=HYPERLINK("http://evil.example","clic")'}
    _, rows = read_all(xlsx_bytes([row]))
    record, errors = RowValidator(INSEE, EPCI).validate(rows[0])
    assert errors == []
    assert record.tenant_name.startswith("=HYPERLINK")
    assert safe_spreadsheet_text(record.tenant_name).startswith("'=")
    assert safe_spreadsheet_text("Dupont") == "Dupont"


# --- row rules -----------------------------------------------------------


def reasons(errors):
    return {(e.column, e.reason) for e in errors}


@pytest.mark.parametrize(
    ("changes", "column", "reason_part"),
    [
        ({"code_insee": "99999"}, "code_insee", "Code INSEE inconnu"),
        ({"code_insee": ""}, "code_insee", "obligatoire"),
        ({"typologie": "duplex"}, "typologie", "Typologie inconnue"),
        ({"surface": "abc"}, "surface", "doit être un nombre"),
        ({"surface": "-3"}, "surface", "comprise entre"),
        ({"etage": "deux"}, "etage", "nombre entier"),
        ({"ascenseur": "peut-être"}, "ascenseur", "oui ou non"),
        ({"loyer": "-10"}, "loyer", "ne peut pas être négatif"),
        ({"charges": "cher"}, "charges", "montant en euros"),
        ({"reservataire_type": "mairie"}, "reservataire_type", "inconnu"),
        ({"reservataire_code": "12"}, "reservataire_code", "code INSEE"),
        ({"reservataire_type": "epci", "reservataire_code": "1"}, "reservataire_code", "SIREN"),
        ({"eligible": "bof"}, "eligible", "oui ou non"),
        ({"email_contact_1": ""}, "email_contact_1", "obligatoire"),
        ({"email_contact_2": "pas-une-adresse"}, "email_contact_2", "invalide"),
        ({"reference_logement": ""}, "reference_logement", "obligatoire"),
        ({"adresse": "x" * 301}, "adresse", "trop long"),
    ],
)
def test_each_rule_reports_line_column_value_and_reason(changes, column, reason_part):
    record, errors = validate(**changes)
    assert record is None
    matching = [e for e in errors if e.column == column and reason_part in e.reason]
    assert matching, reasons(errors)
    assert matching[0].line == 2
    assert matching[0].value == str(changes[column])[:200]


def test_every_error_of_a_row_is_reported():
    _, errors = validate(code_insee="00000", loyer="-1", typologie="T0")
    assert {e.column for e in errors} == {"code_insee", "loyer", "typologie"}


def test_duplicate_housing_reference_names_the_first_line():
    validator = RowValidator(INSEE, EPCI)
    assert validator.validate(Row(2, GOOD))[1] == []
    record, errors = validator.validate(Row(7, {**GOOD, "reference_locataire": "LOC-2"}))
    assert record is None
    assert "ligne 2" in errors[0].reason and errors[0].line == 7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *(("T7", "T6+"), ("t6", "T6+"), ("T 2", "T2"), ("T6+", "T6+"), ("T5", "T5")),
        # As landlords write them: F for T, studios and T1 bis / T1' are T1.
        *(("F3", "T3"), ("f 3", "T3"), ("F1", "T1"), ("F6", "T6+"), ("F7", "T6+")),
        *(("F6+", "T6+"), ("Studio", "T1"), ("STUDIO", "T1"), ("studio", "T1")),
        *(("T1 bis", "T1"), ("T1BIS", "T1"), ("t1 Bis", "T1"), ("T1'", "T1")),
        *(("T1’", "T1"), ("F1 bis", "T1"), ("T10", "T6+"), ("T0007", "T6+")),
    ],
)
def test_typology_normalisation(raw, expected):
    record, errors = validate(typologie=raw)
    assert errors == [] and record.typology == expected


@pytest.mark.parametrize(
    "raw", ["T0", "F0", "T", "F", "T2 bis", "T1 ter", "Studette", "T1''", "FF3", "duplex", "T٣"]
)
def test_typologies_still_unknown(raw):
    _record, errors = validate(typologie=raw)
    assert [e.column for e in errors] == ["typologie"]
    assert "Studio, T1 bis et T1’ comptent comme T1" in errors[0].reason


@pytest.mark.parametrize(
    ("reference", "example"),
    [
        ("EXEMPLE-000123", True),
        ("exemple-1", True),
        ("Exemple-", True),
        ("EXEMPLE", False),
        ("EXEMPLE 1", False),
        ("LOG-EXEMPLE-1", False),
        ("ÉXEMPLE-1", False),
        ("", False),
    ],
)
def test_template_example_is_recognised(reference, example):
    from bourse.patrimoine.validation import is_template_example

    assert is_template_example(reference) is example


def test_values_are_normalised():
    record, errors = validate(
        etage="RDC",
        surface=" 64,5 ",
        loyer="1\u00a0020,00 €",
        ascenseur="NON",
        email_contact_1="Gestion@Bailleur.Example",
    )
    assert errors == [], errors
    assert record.floor == 0 and record.lift is False
    assert record.rent == Decimal("1020.00")
    assert record.contact1_email == "gestion@bailleur.example"


def test_vacant_dwelling_is_never_eligible():
    record, errors = validate(reference_locataire="", nom_locataire="")
    assert errors == [] and record.eligible is False
