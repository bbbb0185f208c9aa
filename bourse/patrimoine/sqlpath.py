"""PostgreSQL fast path of the import: COPY the CSV file, validate in SQL.

For a well-formed CSV file on PostgreSQL, Python does not read the rows: the
file's bytes (after the checks of ``reader.check_csv``, which stay in Python)
are streamed to ``COPY … FROM STDIN (FORMAT csv)`` into a temporary table of
text columns in the header's order, with an identity column giving the line.
One ``CREATE TABLE … AS SELECT`` then applies every rule of
``validation.RULES`` (their SQL conditions) and writes the staged rows; the
report, the duplicates, the counts and the upsert are the importer's
set-based statements.

Where SQL cannot decide exactly like Python, Python decides:

- e-mail addresses are checked once per distinct value; the few that are not
  plain ASCII (or use a quoted local part or an IP literal) go through
  Django's ``EmailValidator``;
- a number that is not plain ASCII decimal notation (exponent, underscores,
  non-ASCII digits…) sends its row through ``RowValidator``.

Files whose CSV dialect could be read differently by PostgreSQL and by
Python's ``csv`` module (stray quotes, the ``\\.`` end-of-data line, very long
fields) are left to the Python path, and so is any file COPY refuses (ragged
rows, blank lines, NUL bytes, mixed line endings): the COPY runs in a
savepoint that is rolled back.
"""

import logging
import re
from dataclasses import dataclass
from operator import attrgetter

from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter

from ..territories import reference_codes
from .columns import (
    COLUMN_NAMES,
    NO_VALUES,
    PARSED_COLUMNS,
    RESERVATAIRE_TYPES,
    TYPOLOGIES,
    YES_VALUES,
)
from .reader import CHUNK, CsvLayout
from .validation import (
    EMAIL_MAX_LENGTH,
    FLOOR_WORDS,
    RULES,
    TYPOLOGY_ALIASES,
    WHITESPACE,
    RowValidator,
    email_is_valid,
    record_of,
    template_example_sql,
)

logger = logging.getLogger(__name__)

RAW = "eh_patrimoine_raw"
EMAILS = "eh_patrimoine_email"
STAGE = "eh_patrimoine_stage"
PYROWS = "eh_patrimoine_python"
FIELD_LIMIT = 131072  # csv.field_size_limit(): a longer field is refused by the Python path
MAX_CARRY = 8 * CHUNK


class NotForCopy(Exception):
    """This file goes through the Python path."""


@dataclass(frozen=True)
class Scan:
    """What the scan found: quoted fields, and whether a field may need trimming.

    ``edge_spaces`` is false only when no field of an unquoted file starts or
    ends with whitespace: the SQL then reads the cells as they are, without a
    per-row test (about a quarter of the validation's time).
    """

    quoted: bool
    edge_spaces: bool


# --- Is the file's CSV read the same way by PostgreSQL and by Python? -------------------


def _quoted_csv_re(delimiter: str) -> re.Pattern:
    d = re.escape(delimiter.encode())
    field = rb'(?:"(?:[^"]++|"")*+"|[^"' + d + rb"\r\n]*+)"
    return re.compile(field + rb"(?:(?:" + d + rb"|\r\n|\n|\r)" + field + rb")*+")


class EdgeSpaces:
    """Does a field of an unquoted file start or end with whitespace? (chunk by chunk)

    There a field ends at the delimiter or at a line end. One-byte whitespace
    and boundaries are mapped to two marker bytes and the pairs looked up
    (fast, whole chunk at once); a chunk holding any multi-byte whitespace
    character at all counts as "yes" (the SQL then trims row by row, as
    before: slower, never wrong).
    """

    def __init__(self, layout: CsvLayout):
        encoding = layout.encoding.removesuffix("-sig")
        table = bytearray(range(256))
        table[1] = table[2] = 0
        self.multibyte = []
        for char in WHITESPACE:
            try:
                encoded = char.encode(encoding)
            except UnicodeEncodeError:
                continue
            if char in "\r\n":
                continue
            if len(encoded) == 1:
                table[encoded[0]] = 2
            else:
                self.multibyte.append(encoded)
        for byte in layout.delimiter.encode() + b"\r\n":
            table[byte] = 1
        self.table = bytes(table)
        leads = {e[0] for e in self.multibyte}
        self.not_leads = bytes(b for b in range(256) if b not in leads)

    def found(self, window: bytes) -> bool:
        marked = window.translate(self.table)
        if b"\x01\x02" in marked or b"\x02\x01" in marked:
            return True
        if self.multibyte and window.translate(None, self.not_leads):
            return any(e in window for e in self.multibyte)
        return False


class Scanner:
    """Raise ``NotForCopy`` unless COPY reads the rows as ``csv.reader`` does.

    Fed the file's data chunk by chunk (``feed``), it finds whether the file
    has quoted fields and whether a field may start or end with whitespace
    (``finish``). Memory stays flat. ``copy_file`` feeds it while COPY runs:
    PostgreSQL parses one chunk while Python scans the next.
    """

    def __init__(self, layout: CsvLayout):
        if layout.data_offset is None:
            raise NotForCopy("header line not found in the first chunk")
        self.layout = layout
        self.quoted = None
        self.carry = b""  # quoted files: the records not yet checked
        self.partial = 0  # unquoted files: length of the line in progress
        self.previous = b"\n"
        self.edge = EdgeSpaces(layout)
        self.edge_spaces = False

    def feed(self, chunk: bytes) -> None:
        previous, self.previous = self.previous, chunk[-4:]
        # The window starts with the end of the previous chunk (a boundary, or a
        # whitespace character of up to 3 bytes, split between two chunks).
        self.edge_spaces = self.edge_spaces or self.edge.found(previous + chunk)
        if b"\x00" in chunk:
            raise NotForCopy("NUL byte")
        # "\." alone on a line ends COPY's data; Python reads it as a row. A
        # backslash is rare: the regular expression runs only when one is there
        # (over the chunk and the end of the previous one).
        window = previous + chunk
        if b"\\." in window and re.search(rb"[\r\n]\\\.", window):
            raise NotForCopy("end-of-data marker")
        if self.quoted is None and b'"' in chunk:
            self.quoted = _quoted_csv_re(self.layout.delimiter)
        if self.quoted is None:
            lines = chunk.split(b"\n")
            longest = max(self.partial + len(lines[0]), max(map(len, lines[1:]), default=0))
            self.partial = len(lines[-1]) if len(lines) > 1 else self.partial + len(lines[0])
            if longest > FIELD_LIMIT:
                raise NotForCopy("very long line")
            return
        self.carry += chunk
        cut = _record_boundary(self.carry)
        if cut:
            if not self.quoted.fullmatch(self.carry, 0, cut):
                raise NotForCopy("quotes that PostgreSQL and Python could read differently")
            self.carry = self.carry[cut:]
        if len(self.carry) > MAX_CARRY:
            raise NotForCopy("very long record")

    def finish(self) -> Scan:
        if self.carry and self.quoted is not None and not self.quoted.fullmatch(self.carry):
            raise NotForCopy("quotes that PostgreSQL and Python could read differently")
        # The end of the data is a boundary too.
        edge_spaces = self.edge_spaces or self.edge.found(self.previous + b"\n")
        # A quoted field may hold a line end or a delimiter: quoted files are
        # always trimmed row by row.
        quoted = self.quoted is not None
        return Scan(quoted, edge_spaces or quoted)


def scan(fileobj, layout: CsvLayout) -> Scan:
    """The ``Scanner`` over a whole file (without COPY)."""
    scanner = Scanner(layout)
    fileobj.seek(layout.data_offset)
    while chunk := fileobj.read(CHUNK):
        scanner.feed(chunk)
    fileobj.seek(layout.data_offset)
    return scanner.finish()


def _record_boundary(data: bytes) -> int:
    """Offset just after the last newline that is outside quotes (0: none)."""
    end = len(data)
    for _attempt in range(16):
        end = data.rfind(b"\n", 0, end)
        if end < 0:
            return 0
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
    return 0


# --- SQL ----------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_literal(v) for v in sorted(values)) + ")"


WS = _literal(WHITESPACE)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def lower_ascii(expression: str) -> str:
    """Python's ``str.lower()`` as far as the rules' ASCII words are concerned."""
    return f"translate({expression}, '{_UPPER}', '{_UPPER.lower()}')"


def upper_ascii(expression: str) -> str:
    return f"translate({expression}, '{_UPPER.lower()}', '{_UPPER}')"


PLAIN_NUMBER = r"'^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$'"


def number_class(s: str) -> str:
    """1: plain decimal SQL reads like Python's Decimal; 0: Decimal refuses it; 2: ask Python."""
    return (
        f"CASE WHEN {s} ~ {PLAIN_NUMBER} THEN CASE WHEN length({s}) <= 25 THEN 1 ELSE 2 END"
        rf" WHEN {s} ~ '[^\x01-\x7f]' THEN 2"  # non-ASCII digits or spaces
        f" WHEN {s} ~ '[^-+.0-9eE_iInNfFaAtTyYsS]' THEN 0"  # a character Decimal never reads
        f" WHEN {s} ~ '[eE_iInNfFaAtTyYsS]' THEN 2"  # exponent, underscores, Infinity, NaN
        " ELSE 0 END"
    )


def round_half_even(s: str) -> str:
    """``Decimal(s).quantize(Decimal('0.01'))``: the default context rounds half to even."""
    y = f"({s}::numeric * 100)"
    return (
        f"CASE WHEN mod({y}, 1) IN (0.5, -0.5) THEN (trunc({y}) + CASE WHEN mod(trunc({y}), 2)"
        f" <> 0 THEN sign({y}) ELSE 0 END) * 0.01 ELSE round({y}) * 0.01 END"
    )


def _email_sql() -> tuple[str, str]:
    atom = "[-!#$%&''*+/=?^_`{}|~0-9a-z]"
    user = f"'^{atom}+(\\.{atom}+)*$'"
    label = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
    tld = "([a-z][a-z-]{0,61}[a-z]|xn--[a-z0-9]{1,59})"
    domain = f"'^{label}(\\.{label})*\\.{tld}$'"
    return user, domain


def _emails_statement(layout: CsvLayout, trim: bool = True) -> str:
    """Every distinct e-mail cell: ASCII lower case and validity, or NULL (Python decides)."""
    positions = {name: i for i, name in enumerate(layout.names)}
    cells = [
        f"btrim(coalesce(c{positions[c]}, ''), {WS})" if trim else f"coalesce(c{positions[c]}, '')"
        for c in ("email_contact_1", "email_contact_2")
    ]
    user, domain = _email_sql()
    lowered = lower_ascii("e")
    user_part = f"substring({lowered} from '^(.*)@[^@]*$')"
    domain_part = f"substring({lowered} from '@([^@]*)$')"
    python = r"e ~ '[^\x01-\x7f]' OR e ~ '[\[\"]'"
    return f"""CREATE TEMP TABLE {EMAILS} AS
        SELECT e, CASE WHEN {python} THEN NULL ELSE {lowered} END AS lowered,
        CASE WHEN {python} THEN NULL
             WHEN e = '' OR length(e) > {EMAIL_MAX_LENGTH} OR position('@' in e) = 0 THEN false
             ELSE {user_part} ~ {user}
                  AND ({domain_part} = 'localhost' OR {domain_part} ~ {domain}) END AS ok
        FROM (SELECT {cells[0]} AS e FROM {RAW} UNION SELECT {cells[1]} FROM {RAW}) d"""  # noqa: S608


def _positions(layout: CsvLayout) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, name in enumerate(layout.names):
        positions.setdefault(name, i)
    return positions


# The code points of WHITESPACE, as an SQL list.
SPACE_CODES = "(" + ", ".join(str(ord(c)) for c in WHITESPACE) + ")"
PLAIN_CELL = r"'^[+-]?([0-9]+[.,]?[0-9]*|[.,][0-9]+)$'"


def plain_cell(cell: str) -> str:
    """``cell ~ PLAIN_CELL`` without a regular expression (a third of the cost).

    What is left once the ASCII digits are removed must be nothing, a
    separator, or a sign (the cell's first character) and maybe a separator;
    and there is at least one digit.
    """
    return (
        f"CASE translate({cell}, '0123456789', '') WHEN '' THEN {cell} <> ''"
        f" WHEN '.' THEN length({cell}) > 1 WHEN ',' THEN length({cell}) > 1"
        f" WHEN '+' THEN length({cell}) > 1 AND left({cell}, 1) = '+'"
        f" WHEN '-' THEN length({cell}) > 1 AND left({cell}, 1) = '-'"
        f" WHEN '+.' THEN length({cell}) > 2 AND left({cell}, 1) = '+'"
        f" WHEN '+,' THEN length({cell}) > 2 AND left({cell}, 1) = '+'"
        f" WHEN '-.' THEN length({cell}) > 2 AND left({cell}, 1) = '-'"
        f" WHEN '-,' THEN length({cell}) > 2 AND left({cell}, 1) = '-'"
        " ELSE false END"
    )


FLOORS = _in(str(n) for n in range(61))


def _yes_no(cell: str) -> str:
    yes, no = _in(YES_VALUES), _in(NO_VALUES - {""})
    lowered = lower_ascii(cell)
    return (
        f"CASE WHEN {cell} IN {yes} THEN true WHEN {cell} IN {no} THEN false"
        f" WHEN {lowered} IN {yes} THEN true WHEN {lowered} IN {no} THEN false END"
    )


def _number(column: str, cell: str) -> tuple[str, str]:
    """(plain flag, cleaned text, class): a number cell as ``parse_decimal`` reads it."""
    cleaned = f"replace(translate({cell}, {_literal(WHITESPACE + '€')}, ''), ',', '.')"
    text = f"CASE WHEN plain_{column} THEN replace({cell}, ',', '.') ELSE {cleaned} END"
    kind = (
        f"CASE WHEN plain_{column} THEN CASE WHEN length({cell}) <= 25 THEN 1 ELSE 2 END"
        f" ELSE {number_class(cleaned)} END"
    )
    return text, kind


def _rounded(s: str) -> str:
    """Exact when two decimals at most (the usual case), else rounded half to even.

    The exact value keeps its scale (12.5, not 12.50): compared as numbers, and
    the dwelling's column stores two decimals.
    """
    return f"CASE WHEN scale({s}::numeric) <= 2 THEN {s}::numeric ELSE {round_half_even(s)} END"


def typology_sql(cell: str) -> str:
    """``validation.parse_typology`` in SQL (F for T, the aliases, T7 and beyond are T6+)."""
    typologies = _in(TYPOLOGIES)
    upper = f"replace({upper_ascii(cell)}, ' ', '')"
    key = f"CASE WHEN left({upper}, 1) = 'F' THEN 'T' || substr({upper}, 2) ELSE {upper} END"
    aliases = " ".join(
        f"WHEN {_literal(alias)} THEN {_literal(typology)}"
        for alias, typology in TYPOLOGY_ALIASES.items()
    )
    value = f"(CASE {key} {aliases} ELSE {key} END)"
    digits = f"ltrim(substr({value}, 2), '0')"
    return (
        f"CASE WHEN {cell} IN {typologies} THEN {cell}"
        f" WHEN {value} ~ '^T[0-9]+$' AND (length({digits}) > 1 OR ascii({digits}) >= 54)"
        f" THEN 'T6+' WHEN {value} IN {typologies} THEN {value} END"
    )


def _stage_statement(layout: CsvLayout, letter_codes: bool = False, trim: bool = True) -> str:
    """The rules over the raw rows; ``trim``: some field may start or end with whitespace."""
    positions = _positions(layout)
    count = len(layout.names)
    known = {positions[c] for c in COLUMN_NAMES if c in positions}
    others = [i for i in range(count) if i not in known]
    cells = ", ".join(f"c{i}" for i in range(count))
    # Does a cell of the row start or end with whitespace? The first and last
    # characters' codes looked up in a (hashed) list: cheaper than a regular
    # expression over the whole row.
    needs_trim = (
        " OR ".join(
            f"ascii(c{i}) IN {SPACE_CODES} OR ascii(right(c{i}, 1)) IN {SPACE_CODES}"
            for i in range(count)
        )
        if trim
        else "false"
    )

    def cell(i: int) -> str:
        if not trim:
            return f"coalesce(c{i}, '')"
        return f"CASE WHEN trim THEN btrim(coalesce(c{i}, ''), {WS}) ELSE coalesce(c{i}, '') END"

    texts = ",\n".join(
        f"{cell(positions[c])} AS txt_{c}" if c in positions else f"''::text AS txt_{c}"
        for c in COLUMN_NAMES
    )
    other_cells = "".join(f", {cell(i)} AS o{i}" for i in others)
    blank = " AND ".join([f"txt_{c} = ''" for c in COLUMN_NAMES] + [f"o{i} = ''" for i in others])
    kinds = _in(RESERVATAIRE_TYPES)
    insee = upper_ascii("txt_code_insee") if letter_codes else "txt_code_insee"
    numbers = {"surface": "txt_surface", "rent": "txt_loyer", "charges": "txt_charges"}
    plain = "".join(f",\n {plain_cell(cell)} AS plain_{n}" for n, cell in numbers.items())
    parsed = "".join(
        ",\n {} AS s_{n}, {} AS n_{n}".format(*_number(n, cell), n=n) for n, cell in numbers.items()
    )
    values = "".join(
        f",\n CASE WHEN n_{n} = 1 THEN {_rounded(f's_{n}')} END AS {n}" for n in numbers
    )
    floor_word = f"{lower_ascii("translate(txt_etage, 'É', 'é')")} IN {_in(FLOOR_WORDS)}"
    bits = " | ".join(
        f"CASE WHEN {rule.sql} THEN {1 << i}::bigint ELSE 0 END" for i, rule in enumerate(RULES)
    )
    return f"""CREATE TEMP TABLE {STAGE} AS
SELECT line, err, python, err = 0 AND NOT python AND NOT example AS valid, example,
    left(txt_reference_logement, 50) AS housing_reference, txt_adresse AS address,
    insee AS commune_id, typology, surface, floor, lift, rent, charges,
    kind AS reservataire_kind,
    CASE WHEN kind IN ('commune', 'epci') THEN txt_reservataire_code ELSE '' END
        AS reservataire_code,
    left(txt_reference_locataire, 50) AS tenant_reference, txt_nom_locataire AS tenant_name,
    coalesce(eligible AND txt_reference_locataire <> '', false) AS eligible_flag,
    email1 AS contact1_email, email2 AS contact2_email
FROM (
  SELECT w.*, CASE WHEN example THEN 0 ELSE {bits} END AS err
  FROM (
    SELECT v.*{values},
      NOT example AND (n_surface = 2 OR n_rent = 2 OR n_charges = 2 OR floor_python)
        AS python
    FROM (
      SELECT u.*{parsed},
        ic.insee_code IS NOT NULL AS insee_known,
        rc.insee_code IS NOT NULL AS commune_code_known,
        re.siren IS NOT NULL AS epci_code_known,
        e1.lowered AS email1, coalesce(e1.ok, false) AS email1_ok,
        e2.lowered AS email2, coalesce(e2.ok, false) AS email2_ok
      FROM (
        SELECT t.*{plain},
          {template_example_sql("txt_reference_logement")} AS example,
          {insee} AS insee,
          {typology_sql("txt_typologie")} AS typology,
          CASE WHEN txt_etage IN {FLOORS} THEN txt_etage::int
               WHEN txt_etage ~ '^[0-9]+$' THEN
                 CASE WHEN length(ltrim(txt_etage, '0')) > 2 THEN NULL
                      WHEN ('0' || ltrim(txt_etage, '0'))::int <= 60
                      THEN ('0' || ltrim(txt_etage, '0'))::int END
               WHEN {floor_word} THEN 0
               WHEN replace(txt_etage, ',', '.') ~ {PLAIN_NUMBER}
                    AND length(txt_etage) <= 25 THEN
                 CASE WHEN trunc(replace(txt_etage, ',', '.')::numeric) BETWEEN -2 AND 60
                      THEN trunc(replace(txt_etage, ',', '.')::numeric)::int END
          END AS floor,
          CASE WHEN txt_etage IN {FLOORS} OR txt_etage ~ '^[0-9]+$' OR {floor_word} THEN false
               ELSE {number_class("replace(txt_etage, ',', '.')")} = 2 END AS floor_python,
          {_yes_no("txt_ascenseur")} AS lift,
          {_yes_no("txt_eligible")} AS eligible,
          CASE WHEN txt_reservataire_type IN {kinds} THEN txt_reservataire_type
               ELSE replace({lower_ascii("txt_reservataire_type")}, ' ', '_') END AS kind
        FROM (
          SELECT line, {texts}{other_cells}
          FROM (SELECT r.n + 1 AS line, {needs_trim} AS trim, {cells} FROM {RAW} r OFFSET 0) r
          OFFSET 0
        ) t
        WHERE NOT ({blank})
        OFFSET 0
      ) u
      LEFT JOIN bourse_commune ic ON ic.insee_code = u.insee
      LEFT JOIN bourse_commune rc ON rc.insee_code = u.txt_reservataire_code
      LEFT JOIN bourse_intercommunality re ON re.siren = u.txt_reservataire_code
      LEFT JOIN {EMAILS} e1 ON e1.e = u.txt_email_contact_1
      LEFT JOIN {EMAILS} e2 ON e2.e = u.txt_email_contact_2
      OFFSET 0
    ) v
    OFFSET 0
  ) w
  OFFSET 0
) x"""  # noqa: S608


# --- Running it -------------------------------------------------------------------------


@dataclass
class SqlStaging:
    """Where the SQL path left the staged rows (the importer's set-based queries read it)."""

    table: str = STAGE
    where: str = "TRUE"


def available(layout: CsvLayout) -> bool:
    if connection.vendor != "postgresql":
        return False
    insee, sirens = reference_codes()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM bourse_commune), "
            "(SELECT COUNT(*) FROM bourse_intercommunality)"
        )
        communes, intercommunalities = cursor.fetchone()
    # The SQL rules join the reference tables; the Python rules read the files.
    return communes == len(insee) and intercommunalities == len(sirens)


def drop_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW}, {EMAILS}, {STAGE}, {PYROWS}")


def copy_file(fileobj, layout: CsvLayout) -> tuple[int, Scan]:
    """COPY the data lines into the raw table, scanning them on the way.

    ``NotForCopy`` if the scan or PostgreSQL refuses them: the savepoint is
    rolled back, nothing of the COPY remains.
    """
    scanner = Scanner(layout)
    columns = ", ".join(f"c{i}" for i in range(len(layout.names)))
    definition = ", ".join(f"c{i} text" for i in range(len(layout.names)))
    encoding = "UTF8" if layout.encoding.startswith("utf") else "WIN1252"
    delimiter = _literal(layout.delimiter)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {RAW} (n bigint GENERATED ALWAYS AS IDENTITY, {definition})"
            )
            statement = (
                f"COPY {RAW} ({columns}) FROM STDIN "
                f"(FORMAT csv, DELIMITER {delimiter}, ENCODING '{encoding}')"
            )
            fileobj.seek(layout.data_offset)
            # A writer thread sends the data: Python scans the next chunk meanwhile.
            writer = QueuedLibpqWriter(cursor.cursor)
            with cursor.cursor.copy(statement, writer=writer) as copy:
                while chunk := fileobj.read(CHUNK):
                    scanner.feed(chunk)  # before PostgreSQL sees the chunk
                    copy.write(chunk)
                scanned = scanner.finish()
            rows = cursor.cursor.rowcount
            if scanned.quoted:
                # A quoted field may span lines: its length is checked here.
                longest = " , ".join(
                    f"coalesce(char_length(c{i}), 0)" for i in range(len(layout.names))
                )
                cursor.execute(f"SELECT coalesce(max(greatest({longest}, 0)), 0) FROM {RAW}")  # noqa: S608
                if cursor.fetchone()[0] > FIELD_LIMIT:
                    raise NotForCopy("very long field")
    except NotForCopy:
        raise
    except Exception as error:  # Django's DatabaseError and psycopg's own errors
        # Rolled back to the savepoint: nothing of the COPY remains.
        raise NotForCopy(f"COPY refused the file: {error}") from error
    return rows, scanned


def stage(layout: CsvLayout, trim: bool = True) -> tuple[int, int, int]:
    """Validate the raw rows into the staging table; returns (rows, rows with errors,
    template example rows).

    ``trim``: some field may start or end with whitespace (``Scan.edge_spaces``).
    """
    with connection.cursor() as cursor:
        cursor.execute(_emails_statement(layout, trim))
        cursor.execute(f"SELECT e FROM {EMAILS} WHERE ok IS NULL")  # noqa: S608
        undecided = [row[0] for row in cursor.fetchall()]
        if undecided:
            cursor.executemany(
                f"UPDATE {EMAILS} SET lowered = %s, ok = %s WHERE e = %s",  # noqa: S608
                [(e.lower(), email_is_valid(e.lower()) if e else False, e) for e in undecided],
            )
        cursor.execute(f"ANALYZE {EMAILS}")
        insee, _sirens = reference_codes()
        cursor.execute(_stage_statement(layout, any(not c.isdigit() for c in insee), trim))
        cursor.execute(
            f"SELECT COUNT(*), COUNT(*) FILTER (WHERE err <> 0), bool_or(python), "  # noqa: S608
            f"COUNT(*) FILTER (WHERE example) FROM {STAGE}"
        )
        rows, errors, python, examples = cursor.fetchone()
        if python:
            _python_rows(cursor, layout)
            cursor.execute(f"SELECT COUNT(*) FILTER (WHERE err <> 0) FROM {STAGE}")  # noqa: S608
            errors = cursor.fetchone()[0]
        if examples:
            # Never present in the snapshot, never a duplicate: the notes keep the lines.
            cursor.execute(
                f"UPDATE {STAGE} SET housing_reference = '', tenant_reference = '' "  # noqa: S608
                "WHERE example"
            )
        cursor.execute(f"ANALYZE {STAGE} (housing_reference, tenant_reference, valid)")
    return rows, errors, examples


def example_rows(layout: CsvLayout):
    """(line, housing reference) of the template's example rows, in line order."""
    cell = f"btrim(coalesce(r.c{_positions(layout)['reference_logement']}, ''), {WS})"
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT s.line, {cell} FROM {STAGE} s JOIN {RAW} r ON r.n = s.line - 1 "  # noqa: S608
            "WHERE s.example ORDER BY s.line"
        )
        while chunk := cursor.fetchmany(2000):
            yield from chunk


# The values SQL hands back to Python (``_python_rows``): the parsed columns'.
PYTHON_COLUMNS = ("line", "err", *(column.field for column in PARSED_COLUMNS))
_python_values = attrgetter(*(column.record_attribute for column in PARSED_COLUMNS))


def _python_rows(cursor, layout: CsvLayout) -> None:
    """Rows with numbers SQL does not read like Python: validated by ``RowValidator``."""
    insee, sirens = reference_codes()
    validator = RowValidator(insee, sirens, track_duplicates=False)
    columns = ", ".join(f"r.c{i}" for i in range(len(layout.names)))
    cursor.execute(
        f"CREATE TEMP TABLE {PYROWS} (line bigint, err bigint, "
        + ", ".join(f"{column.field} {column.sql_type}" for column in PARSED_COLUMNS)
        + ")"
    )
    copy_statement = f"COPY {PYROWS} ({', '.join(PYTHON_COLUMNS)}) FROM STDIN"
    with connection.chunked_cursor() as reader, connection.cursor() as writer:
        reader.execute(
            f"SELECT s.line, {columns} FROM {STAGE} s JOIN {RAW} r ON r.n = s.line - 1 "  # noqa: S608
            "WHERE s.python ORDER BY s.line"
        )
        # One COPY per chunk: a connection cannot fetch while a COPY is open.
        while chunk := reader.fetchmany(2000):
            with writer.cursor.copy(copy_statement) as copy:
                for line, *cells in chunk:
                    copy.write_row(_python_row(validator, layout, line, cells))
    assignments = ", ".join(f"{c} = p.{c}" for c in PYTHON_COLUMNS[1:])
    cursor.execute(
        f"UPDATE {STAGE} s SET {assignments}, python = false, valid = (p.err = 0) "  # noqa: S608
        f"FROM {PYROWS} p WHERE s.line = p.line"
    )


def _python_row(validator: RowValidator, layout: CsvLayout, line: int, cells: list) -> tuple:
    p = validator.parse(dict(zip(layout.names, cells, strict=False)))
    failed = validator.failures(p)
    if failed:
        return (line, sum(1 << i for i in failed)) + (None,) * (len(PYTHON_COLUMNS) - 2)
    return (line, 0, *_python_values(record_of(line, p)))


def error_rows(layout: CsvLayout):
    """(line, rule index, column, value, reason) of every failed rule, in the report's order."""
    positions = {}
    for i, name in enumerate(layout.names):
        positions.setdefault(name, i)
    texts = ", ".join(
        f"btrim(coalesce(r.c{positions[c]}, ''), {WS})" if c in positions else "''"
        for c in COLUMN_NAMES
    )
    index = {c: i for i, c in enumerate(COLUMN_NAMES)}
    messages = [rule.message() for rule in RULES]
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT s.line, s.err, {texts} FROM {STAGE} s JOIN {RAW} r ON r.n = s.line - 1 "  # noqa: S608
            "WHERE s.err <> 0 ORDER BY s.line"
        )
        while chunk := cursor.fetchmany(2000):
            for line, err, *values in chunk:
                for i, rule in enumerate(RULES):
                    if err >> i & 1:
                        yield line, i, rule.column, values[index[rule.column]][:200], messages[i]
