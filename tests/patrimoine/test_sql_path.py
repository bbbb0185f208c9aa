"""The SQL path (COPY + rules in SQL, PostgreSQL) and the Python path agree.

A corpus of tricky rows — every rule's failing and passing values, unicode,
rounding, exotic numbers and e-mail addresses, duplicates — is imported by
both paths; reports, counts and resulting dwellings must be identical.
"""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bourse.models import Dwelling, Landlord, PatrimoineImport
from bourse.patrimoine import importer, sqlpath
from bourse.patrimoine.columns import COLUMN_NAMES
from bourse.patrimoine.importer import run_import
from bourse.validators import luhn_check_digit

from .test_reader_and_validation import GOOD

pytestmark = pytest.mark.django_db

EPCI = "200017846"

CORPUS = {
    "reference_logement": [
        "",
        " ",
        "LOG-é",
        " LOG-sp ",
        "\u00a0LOG-nbsp\u2003",
        "L" * 50,
        "L" * 51,
        # The templates' example row: skipped with a note, by both paths.
        *("EXEMPLE-000123", " exemple-9 ", "Exemple-", "EXEMPLE", "ÉXEMPLE-1", "LOG-EXEMPLE-1"),
    ],
    "adresse": ["", "x" * 300, "x" * 301, "  12 rue  ", 'rue "du" Parc', "a;b", "1\nrue", "\u3000"],
    "code_insee": ["", "93048", "99999", "1", " 75111 ", "7511a", "abc", "９３０４８", "75056"],
    "typologie": [
        *("T1", "T2", "T3", "T4", "T5", "T6+", "T6", "T7", "t7", "T 2", "T10", "T0", "T00007"),
        *("T", "studio", "t６", "T²", "F3", "t6+", "T6 +", "T٣", "ť3", "T99999999999999999999"),
        *("f 3", "F7", "F6+", "F0", "Studio", "STUDIO ", "T1 bis", "t1BIS", "T1'", "T1’", "F1 bis"),
        *("T1''", "T2 bis", "Studette", "FF3", "F", "ſtudio", "T1 ter"),
    ],
    "surface": [
        *("64,5", "64.5", "0", "-3", "500", "500.004", "500.005", "500,006", "abc", "", "1e2"),
        *("1E+40", "nan", "inf", "-Infinity", "1_000", "١٢", "1 020,5", "64,125", "64,135"),
        *("64,145", "64.5€", "€", ",5", "5,", "+5", "--5", "1.2.3", "0.001", "0,005", "N/A"),
        *("12345678901234567890123456", "64\u00a0,5", "64\u2009,5", "sNaN", "e5", "1e-2", "."),
        *("99999999999999999999999999.99", "64,5 m²", "0x10", "1,000.5", "64,1250000001"),
    ],
    "etage": [
        *(
            "0",
            "2",
            "60",
            "61",
            "-1",
            "-2",
            "-3",
            "RDC",
            "rdc",
            "Rez-de-chaussée",
            "rez-de-chaussee",
        ),
        *("REZ-DE-CHAUSSÉE", "1,5", "-2.5", "-2,999", "60.9", "61.0", "1e1", "deux", "007", "0060"),
        *("", "٣", "inf", "999999999999999999999", "1 0", "+3", ".5", "1E999999", "0061", "-0"),
    ],
    "ascenseur": [
        *("oui", "OUI", "Oui", "o", "y", "x", "X", "1", "0", "non", "NON", "n", "no", "false"),
        *("TRUE", "vrai", "faux", "", "peut-être", "OUİ", "ja", "Yes", "N", "oui non"),
    ],
    "loyer": [
        *("512,30", "-10", "-0", "-0.001", "0", "99999", "99999,01", "100000", "cher", ""),
        *("1\u00a0020,00 €", "1\u202f020,00", "1e3", "12,345", "12,355", "99999.004", "99999.005"),
    ],
    "charges": ["98", "-0,005", "0,015", "0,025", "1.005", "2.675", "abc", "", "99 999", "€ 12"],
    "reservataire_type": [
        *("commune", "Commune", "COMMUNE", "epci", "EPCI", "action logement", "Action Logement"),
        *("action_logement", "mairie", "", "etat", "État", "bailleur", "Région", "region", "autre"),
    ],
    "reservataire_code": ["93048", "", "12", EPCI, "999999999", " 93048", "75056"],
    "reference_locataire": ["", "LOC-dup", "LOC-dup", "C" * 51, "C" * 50],
    "nom_locataire": [
        "",
        "Dupont",
        "x" * 151,
        '=HYPERLINK("http://evil.example","clic")',
        "Hélène",
    ],
    "eligible": ["oui", "non", "", "bof", "OUI", "1", "0"],
    "email_contact_1": [
        *("gestion@bailleur.example", "Gestion@Bailleur.Example", "", "pas-une-adresse", "a@b"),
        *(
            "a@localhost",
            "a@b.c",
            "a@b.co",
            "a@-b.fr",
            "a@b-.fr",
            "a@b.fr-",
            "a..b@c.fr",
            ".a@c.fr",
        ),
        *("a.@c.fr", "a@b..fr", "a@[127.0.0.1]", "a@[300.0.0.1]", '"a b"@c.fr', "é@c.fr"),
        *(
            "a@café.fr",
            "a@CAFÉ.fr",
            "a@xn--caf-dma.fr",
            "x" * 65 + "@c.fr",
            "a@" + "b" * 64 + ".fr",
        ),
        *("a@b." + "c" * 64, "ı@c.fr", "a@ſ.fr", "A@B.FR", "o'hara@x.fr", "a+b@c.fr", "a@b.f1"),
        *("a@1.fr", "a@b@c.fr", "kelvin\u212a@x.fr", "a@b.xn--p1ai", "a@b.-fr", "a b@c.fr"),
        *("a@" + ".".join(["b" * 60] * 5) + ".fr", "a@b_c.fr", "#!$%&'*+/=?^_`{}|~@x.fr"),
    ],
    "email_contact_2": ["cal@bailleur.example", "", "CAL@BAILLEUR.EXAMPLE", "cal@bailleur"],
}


def _rows(values: dict[str, list[str]]) -> list[dict]:
    """One row per corpus value (the other cells good), with distinct references."""
    rows = []
    for column, cells in values.items():
        for cell in cells:
            n = len(rows) + 1
            row = {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}"}
            row[column] = cell
            rows.append(row)
    # Duplicates, valid and invalid, across the file.
    rows.append({**GOOD, "reference_logement": "LOG-1", "reference_locataire": "LOC-new"})
    rows.append({**GOOD, "reference_logement": "LOG-3", "surface": "abc"})
    rows.append({**GOOD, "reference_logement": "LOG-new", "reference_locataire": "LOC-2"})
    return rows


def _csv(rows, sep=";", encoding="utf-8", newline="\n", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=newline)
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMN_NAMES])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


_landlords = iter(range(10_000))


def _landlord() -> Landlord:
    prefix = f"9970{next(_landlords):05d}0001"
    return Landlord.objects.create(
        name=f"Bailleur {prefix}", siret=prefix + luhn_check_digit(prefix)
    )


def _import(data: bytes, path: str, monkeypatch, landlord=None, **options):
    """Run one import through ``path`` ("sql" or "python"); (import, report, dwellings)."""
    landlord = landlord or _landlord()
    ran = []
    real_stage_sql = importer._stage_sql

    def spy(*args):
        ran.append("sql")
        return real_stage_sql(*args)

    with monkeypatch.context() as patch:
        patch.setattr(importer, "_stage_sql", spy)
        if path == "python":
            patch.setattr(sqlpath, "available", lambda layout: False)
        imp = PatrimoineImport(landlord=landlord, original_name="p.csv", sha256="x", **options)
        imp.file.save("p.csv", ContentFile(data), save=False)
        imp.save()
        imp = run_import(imp.pk)
    report = imp.report.open("rb").read().decode("utf-8-sig") if imp.report else ""
    dwellings = list(
        Dwelling.objects.filter(landlord=landlord)
        .order_by("housing_reference")
        .values(*(f.name for f in Dwelling._meta.concrete_fields if f.name not in IGNORED))
    )
    counts = (
        imp.status,
        imp.message,
        imp.rows_total,
        imp.error_count,
        imp.created_count,
        imp.updated_count,
        imp.unchanged_count,
        imp.ineligible_count,
        imp.skipped_count,
        imp.at_risk_count,
        imp.confirmation_required,
    )
    return ran, counts, report, dwellings


IGNORED = {"id", "landlord", "updated_at"}


def _both(data: bytes, monkeypatch, expect_sql=True, **options):
    ran_sql, *sql_result = _import(data, "sql", monkeypatch, **options)
    ran_python, *python_result = _import(data, "python", monkeypatch, **options)
    assert ran_python == []
    assert ran_sql == (["sql"] if expect_sql else [])
    assert sql_result[0] == python_result[0]  # counts
    assert sql_result[1].splitlines() == python_result[1].splitlines()  # report
    assert sql_result[2] == python_result[2]  # dwellings
    return sql_result


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL path runs on PostgreSQL only")


def test_corpus_gives_the_same_report_and_dwellings(monkeypatch):
    counts, report, dwellings = _both(_csv(_rows(CORPUS)), monkeypatch)
    assert counts[0] == "done" and counts[3] > 100 and len(dwellings) > 100
    assert "déjà présente ligne" in report and "Adresse e-mail invalide" in report
    assert counts[8] == 3 and report.count("Ligne d’exemple du modèle") == 3
    lines = [int(line.split(";")[0]) for line in report.splitlines()[1:]]
    assert lines == sorted(lines)  # the report in line order, duplicates included


@pytest.mark.parametrize(
    "rows",
    [[], [{**GOOD, "reference_logement": "EXEMPLE-000123"}], [{**GOOD, "surface": "x"}]],
    ids=["header-only", "template-as-is", "only-errors"],
)
def test_a_full_snapshot_without_a_valid_row_is_refused_by_both_paths(monkeypatch, rows):
    counts, _report, dwellings = _both(_csv(rows), monkeypatch, full_snapshot=True)
    assert counts[0] == "refused" and "aucune ligne de logement valide" in counts[1]
    assert dwellings == []


def test_the_guard_counts_agree(monkeypatch):
    """Absent and made ineligible, counted the same way by both paths."""
    rows = [
        {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}"}
        for n in range(10)
    ]
    results = []
    for path in ("sql", "python"):
        landlord = _landlord()
        _import(_csv(rows), path, monkeypatch, landlord=landlord)
        changed = [{**row, "eligible": "non"} for row in rows[:2]] + rows[2:7]
        results.append(_import(_csv(changed), path, monkeypatch, landlord=landlord)[1:])
    assert results[0] == results[1]
    assert results[0][0][0] == "confirm" and results[0][0][9] == 5  # 3 absent, 2 ineligible


@pytest.mark.parametrize(
    "options",
    [
        {"sep": ","},
        {"encoding": "cp1252", "bom": False},
        {"bom": True},
        {"newline": "\r\n"},
        {"newline": "\r"},
        {"sep": "\t"},
    ],
    ids=["comma", "windows-1252", "bom", "crlf", "cr", "tab"],
)
def test_encodings_separators_and_line_ends(monkeypatch, options):
    rows = [
        {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}", **change}
        for n, change in enumerate(
            [
                {},
                {"nom_locataire": "Hélène Lefèvre"},
                {"adresse": "Œuvre « 12 » — €"},
                {"loyer": "x"},
            ]
        )
    ]
    _both(_csv(rows, **options), monkeypatch)


@pytest.mark.parametrize(
    ("data", "expect_sql"),
    [
        # COPY refuses them: rolled back, then the Python path.
        (b"\n\n", False),  # blank lines
        (b"\nLOG-9;only two cells\n", False),  # ragged row
        (b"\nLOG-9" + b";x" * 20 + b"\n", False),  # too many cells
        (b"\nLOG-9;a\x00b" + b";x" * 14 + b"\n", False),  # NUL
        # Read differently by PostgreSQL and Python: never sent to COPY.
        (b'\nLOG-9;12 rue "du" parc' + b";x" * 14 + b"\n", False),  # stray quote
        (b"\n\\.\nLOG-9" + b";x" * 15 + b"\n", False),  # COPY's end-of-data line
        # Well-formed: the SQL path.
        (b'\n"LOG-9";"12 rue ""du"" parc; bis\nsuite"' + b";x" * 14 + b"\n", True),
        (b"\n;;;;;;;;;;;;;;;\n \t; ; ;;;;;;;;;;;;;\n", True),  # empty rows are skipped
    ],
    ids=["blank", "ragged", "too-many", "nul", "stray-quote", "end-marker", "quoted", "empty"],
)
@pytest.mark.parametrize("chunk", [None, 64])
def test_files_copy_cannot_read_like_python_take_the_python_path(
    monkeypatch, data, expect_sql, chunk
):
    """With small chunks, the scan refuses the file while COPY runs: rolled back."""
    if chunk:
        monkeypatch.setattr(sqlpath, "CHUNK", chunk)
    good = _csv([{**GOOD, "reference_logement": "LOG-1"}, {**GOOD, "reference_logement": "LOG-2"}])
    head, _, tail = good.rstrip(b"\n").rpartition(b"\n")
    _both(head + data + tail + b"\n", monkeypatch, expect_sql=expect_sql)


def test_a_file_refused_as_a_whole_is_refused_the_same_way(monkeypatch):
    counts, _report, _dwellings = _both(b"reference_logement;adresse\nA;B\n", monkeypatch, False)
    assert counts[0] == "refused" and "Colonnes obligatoires absentes" in counts[1]


def test_updates_snapshot_and_dry_run_agree(monkeypatch):
    rows = _rows({"loyer": CORPUS["loyer"], "etage": CORPUS["etage"]})
    for path in ("sql", "python"):
        landlord = _landlord()
        first = _import(_csv(rows), path, monkeypatch, landlord=landlord)
        changed = [{**row, "loyer": "600"} for row in rows[::3][:-1]]
        dry = _import(_csv(changed), path, monkeypatch, landlord=landlord, dry_run=True)
        held = _import(_csv(changed), path, monkeypatch, landlord=landlord)
        assert held[1][0] == "confirm" and held[1][9] > 0  # the snapshot guard
        confirmed = {"confirmed_count": held[1][9]}
        second = _import(_csv(changed), path, monkeypatch, landlord=landlord, **confirmed)
        again = _import(_csv(changed), path, monkeypatch, landlord=landlord, **confirmed)
        if path == "sql":
            expected = (first, dry, second, again)
            assert [r[0] for r in expected] == [["sql"]] * 4
        else:
            assert [r[1:] for r in (first, dry, second, again)] == [r[1:] for r in expected]
    assert expected[1][1][6] == 0 or expected[1][1][5] > 0  # the dry run counted updates
    assert expected[2][1][7] > 0  # dwellings left the snapshot
    assert expected[3][1][5] == 0  # same file again: nothing updated


CELLS = st.one_of(
    st.sampled_from(sorted({cell for cells in CORPUS.values() for cell in cells})),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.dictionaries(st.sampled_from(COLUMN_NAMES), CELLS), min_size=1, max_size=12))
def test_generated_rows_agree(monkeypatch, changes):
    rows = [
        {**GOOD, "reference_logement": f"LOG-{n % 7}", "reference_locataire": f"LOC-{n}", **change}
        for n, change in enumerate(changes)
    ]
    data = _csv(rows)
    # Python reads "\r" as a line end where PostgreSQL refuses it: either path may run.
    ran_sql, *sql_result = _import(data, "sql", monkeypatch)
    _ran, *python_result = _import(data, "python", monkeypatch)
    assert sql_result[0] == python_result[0]
    assert sql_result[1].splitlines() == python_result[1].splitlines()
    assert sql_result[2] == python_result[2]


@pytest.mark.parametrize("chunk", [4, 5, 6, 7, 64])
def test_end_of_data_line_is_found_across_chunk_boundaries(monkeypatch, chunk):
    """The scan reads the file chunk by chunk: a "\\." line split between two
    chunks still sends the file to the Python path."""
    monkeypatch.setattr(sqlpath, "CHUNK", chunk)
    data = b"h\nab;cd\n\\.\nef;gh\n"
    layout = sqlpath.CsvLayout("utf-8-sig", ";", ["a", "b"], 2)
    with pytest.raises(sqlpath.NotForCopy):
        sqlpath.scan(io.BytesIO(data), layout)
    assert sqlpath.scan(io.BytesIO(data.replace(b"\\.", b"x\\.")), layout).quoted is False


@pytest.mark.parametrize("chunk", [4, 5, 7, 64])
@pytest.mark.parametrize(
    ("data", "edge_spaces"),
    [
        (b"h\nab;cd\nef;gh\n", False),
        (b"h\nab;c d\nef;gh", False),
        (b"h\n ab;cd\nef;gh\n", True),
        (b"h\nab;cd\nef;gh ", True),
        (b"h\nab;cd \nef;gh\n", True),
        (b"h\nab;\tcd\nef;gh\n", True),
        ("h\nab;cd\u00a0\nef;gh\n".encode(), True),
        ("h\nab;c\u202fd\nef;gh\n".encode(), True),  # multi-byte space: trimmed row by row
        ("h\nab;c’d\nef;gh\n".encode(), False),
    ],
)
def test_scan_finds_fields_with_edge_whitespace(monkeypatch, chunk, data, edge_spaces):
    """Only an unquoted file where no field starts or ends with whitespace skips the trim."""
    monkeypatch.setattr(sqlpath, "CHUNK", chunk)
    layout = sqlpath.CsvLayout("utf-8-sig", ";", ["a", "b"], 2)
    assert sqlpath.scan(io.BytesIO(data), layout) == sqlpath.Scan(False, edge_spaces)
    quoted = b'h\n"ab";cd\nef;gh\n'
    assert sqlpath.scan(io.BytesIO(quoted), layout) == sqlpath.Scan(True, True)


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "5",
        "12,5",
        "12.",
        ",5",
        ".",
        ",",
        "+",
        "-",
        "+5",
        "-5,5",
        "+.5",
        "-,",
        "5+",
        "5-1",
        "1,2,3",
        "1.2.3",
        "+-5",
        "a5",
        "5 ",
        "٣",
        "+,5",
        "--5",
        ".5.",
        "0",
        "007,00",
    ],
)
def test_plain_cell_agrees_with_its_regular_expression(cell):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c ~ {sqlpath.PLAIN_CELL}, {sqlpath.plain_cell('c')} "  # noqa: S608
            "FROM (SELECT %s::text AS c) t",
            [cell],
        )
        expected, got = cursor.fetchone()
    assert got == expected
