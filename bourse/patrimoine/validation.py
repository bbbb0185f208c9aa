"""Validation of patrimoine rows: every rule, with a French reason.

The rules are a table (``RULES``): each rule names the column it reports, its
French reason, its Python check and its SQL condition. The Python path
(``RowValidator``: XLSX files, SQLite, CSV files that PostgreSQL's COPY
refuses) and the SQL path (``sqlpath``: well-formed CSV files on PostgreSQL)
both read this one table, so a rule lives in one place.

A row is first *parsed*: its cells are trimmed (the same whitespace as
``str.strip``) and turned into values (``Parsed`` in Python, the same column
names in SQL: ``txt_<column>`` for the trimmed cells, then ``insee``,
``typology``, ``surface``… for the values). A rule's check and condition are
both true when the row FAILS the rule.

``RowValidator.validate(row)`` returns a clean ``DwellingRecord`` or the list
of every error of the row (line, column, value, reason). It keeps the
references already seen so that duplicates within a file are reported.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _lazy

from .columns import (
    COLUMN_NAMES,
    NO_VALUES,
    RECORD_ATTRIBUTES,
    RESERVATAIRE_TYPES,
    TEXT_LIMITS,
    TYPOLOGIES,
    YES_VALUES,
)
from .reader import Row

MAX_SURFACE = Decimal("500")
MAX_AMOUNT = Decimal("99999")
FLOOR_RANGE = (-2, 60)
FLOOR_WORDS = ("rdc", "rez-de-chaussée", "rez-de-chaussee")
# Every character ``str.strip()`` removes (and ``\s`` matches): the SQL path
# trims and cleans numbers with exactly this set.
WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_email_validator = EmailValidator()


@dataclass(slots=True)
class DwellingRecord:
    line: int
    housing_reference: str
    address: str
    insee_code: str
    typology: str
    surface: Decimal
    floor: int
    lift: bool
    rent: Decimal
    charges: Decimal
    reservataire_type: str
    reservataire_code: str
    tenant_reference: str
    tenant_name: str
    eligible: bool
    contact1_email: str
    contact2_email: str


# One attribute per column of ``columns.COLUMNS``, in its order (``record_of`` fills them so).
assert tuple(f.name for f in fields(DwellingRecord)) == ("line", *RECORD_ATTRIBUTES)  # noqa: S101


@dataclass(slots=True, frozen=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


LOYER_LABEL = _lazy("Le loyer")
CHARGES_LABEL = _lazy("Les charges")
CENT = Decimal("0.01")
TYPOLOGY_SET = frozenset(TYPOLOGIES)
RESERVATAIRE_SET = frozenset(RESERVATAIRE_TYPES)
EMAIL_CACHE_LIMIT = 10_000
EMAIL_MAX_LENGTH = 254


# --- Parsing: the same values in Python and in SQL ------------------------------------


class Parsed:
    """One row's trimmed cells (``txt``) and values, as the rules read them."""

    __slots__ = (
        "txt",
        "insee",
        "insee_known",
        "typology",
        "surface",
        "floor",
        "lift",
        "rent",
        "charges",
        "kind",
        "code",
        "commune_code_known",
        "epci_code_known",
        "eligible",
        "email1",
        "email1_ok",
        "email2",
        "email2_ok",
    )


def parse_decimal(value: str) -> Decimal | None:
    """'1 020,50 €' → Decimal('1020.50'); None when it is not a finite number."""
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        value = _SPACES.sub("", value).replace("€", "").replace(",", ".")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
    if not number.is_finite():
        return None
    try:
        return number.quantize(CENT)
    except InvalidOperation:  # far too many digits (e.g. 1E+40)
        return None


def parse_floor(value: str) -> int | None:
    if value.isascii() and value.isdigit():
        # Compared as text first: int() of thousands of digits is refused by Python.
        digits = value.lstrip("0")
        return int(value) if len(digits) <= 2 and int(value) <= FLOOR_RANGE[1] else None
    if value.lower() in FLOOR_WORDS:
        return 0
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None
    # int() truncates towards zero: -2.5 is floor -2, 60.9 is floor 60. Compared
    # before int() so that 1E+999999 never becomes a huge integer.
    if not number.is_finite() or not FLOOR_RANGE[0] - 1 < number < FLOOR_RANGE[1] + 1:
        return None
    return int(number)


# Typologies as landlords write them (after ``typology_key``): F3 is T3, and a
# studio, a T1 bis or a T1' counts as a T1. T7 and beyond are T6+.
TYPOLOGY_ALIASES = {"STUDIO": "T1", "T1BIS": "T1", "T1'": "T1", "T1’": "T1"}
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def typology_key(value: str) -> str:
    """ASCII upper case, no spaces, F for T: 'f 3' → 'T3', 'Studio' → 'STUDIO'."""
    value = value.translate(ASCII_UPPER).replace(" ", "")
    return "T" + value[1:] if value[:1] == "F" else value


def parse_typology(value: str) -> str | None:
    """T1…T5 and T6+, as landlords write them (the SQL path: ``sqlpath.typology_sql``)."""
    if value in TYPOLOGY_SET:
        return value
    value = typology_key(value)
    value = TYPOLOGY_ALIASES.get(value, value)
    rest = value[1:]
    if value.startswith("T") and rest.isascii() and rest.isdigit():
        digits = rest.lstrip("0")
        if len(digits) > 1 or (digits and int(digits) >= 6):  # T7, T10… are T6+
            return "T6+"
    return value if value in TYPOLOGY_SET else None


# The published templates' example row: its housing reference starts with this
# reserved prefix; such a row is never imported (a note in the report).
EXAMPLE_PREFIX = "EXEMPLE-"
EXAMPLE_NOTE = _lazy("Ligne d’exemple du modèle : ignorée (elle n’est jamais importée).")


def is_template_example(housing_reference: str) -> bool:
    """The template's example row (reserved prefix, any case; SQL: ``template_example_sql``)."""
    head = housing_reference[: len(EXAMPLE_PREFIX)]
    return head.isascii() and head.translate(ASCII_UPPER) == EXAMPLE_PREFIX


def template_example_sql(cell: str) -> str:
    """``is_template_example`` over a trimmed SQL cell."""
    lower = "abcdefghijklmnopqrstuvwxyz"
    head = f"translate(left({cell}, {len(EXAMPLE_PREFIX)}), '{lower}', '{lower.upper()}')"
    # Only a cell starting with E or e can match: its first character's code is
    # read first, and the translate (a third of the rules' cost per row) runs for those only.
    first = EXAMPLE_PREFIX[0]
    return (
        f"CASE WHEN ascii({cell}) IN ({ord(first)}, {ord(first.lower())})"
        f" THEN {head} = '{EXAMPLE_PREFIX}' ELSE false END"
    )


def parse_yes_no(value: str) -> bool | None:
    value = value.lower()
    if value in YES_VALUES:
        return True
    if value in NO_VALUES and value != "":
        return False
    return None


def parse_reservataire(value: str) -> str:
    return value if value in RESERVATAIRE_SET else value.lower().replace(" ", "_")


# --- The rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One row rule: reported column, French reason, Python check, SQL condition.

    ``check(parsed)`` and ``sql`` are true when the row fails the rule; ``sql``
    reads the SQL path's columns (``txt_<column>`` and the parsed values).
    """

    column: str
    reason: object  # lazy text, formatted with ``params``
    check: Callable[[Parsed], bool]
    sql: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        params = {key: str(value) for key, value in self.params.items()}
        return str(self.reason) % params if params else str(self.reason)


def _text_limit_rules() -> list[Rule]:
    return [
        Rule(
            column,
            _lazy("Texte trop long (%(limit)s caractères au plus)."),
            lambda p, column=column, limit=limit: len(p.txt[column]) > limit,
            f"char_length(txt_{column}) > {limit}",
            {"limit": limit},
        )
        for column, limit in TEXT_LIMITS.items()
    ]


def _amount_rules(column: str, value: str, label) -> list[Rule]:
    return [
        Rule(
            column,
            _lazy("%(label)s doit être un montant en euros."),
            lambda p: getattr(p, value) is None,
            f"{value} IS NULL",
            {"label": label},
        ),
        Rule(
            column,
            _lazy("%(label)s ne peut pas être négatif."),
            lambda p: getattr(p, value) is not None and getattr(p, value) < 0,
            f"{value} < 0",
            {"label": label},
        ),
        Rule(
            column,
            _lazy("%(label)s est anormalement élevé."),
            lambda p: getattr(p, value) is not None and getattr(p, value) > MAX_AMOUNT,
            f"{value} > {MAX_AMOUNT}",
            {"label": label},
        ),
    ]


def _email_rules(n: str) -> list[Rule]:
    column = f"email_contact_{n}"
    return [
        Rule(
            column,
            _lazy("L’e-mail du contact %(n)s est obligatoire."),
            lambda p: not getattr(p, f"email{n}"),
            f"txt_{column} = ''",
            {"n": n},
        ),
        Rule(
            column,
            _lazy("Adresse e-mail invalide."),
            lambda p: bool(getattr(p, f"email{n}")) and not getattr(p, f"email{n}_ok"),
            f"txt_{column} <> '' AND NOT email{n}_ok",
        ),
    ]


# In the order of the report: a row's errors are listed in this order.
RULES: tuple[Rule, ...] = (
    *_text_limit_rules(),
    Rule(
        "reference_logement",
        _lazy("La référence du logement est obligatoire."),
        lambda p: not p.txt["reference_logement"],
        "txt_reference_logement = ''",
    ),
    Rule(
        "adresse",
        _lazy("L’adresse est obligatoire."),
        lambda p: not p.txt["adresse"],
        "txt_adresse = ''",
    ),
    Rule(
        "code_insee",
        _lazy("Le code INSEE est obligatoire."),
        lambda p: not p.insee,
        "insee = ''",
    ),
    Rule(
        "code_insee",
        _lazy("Code INSEE inconnu : ce n’est pas une commune d’Île-de-France."),
        lambda p: bool(p.insee) and not p.insee_known,
        "insee <> '' AND NOT insee_known",
    ),
    Rule(
        "typologie",
        _lazy(
            "Typologie inconnue : valeurs admises T1 à T5 et T6+ (F1 à F6 aussi ; "
            "Studio, T1 bis et T1’ comptent comme T1 ; T7 et plus s’écrivent T6+)."
        ),
        lambda p: p.typology is None,
        "typology IS NULL",
    ),
    Rule(
        "surface",
        _lazy("La surface doit être un nombre (par exemple 64,5)."),
        lambda p: p.surface is None,
        "surface IS NULL",
    ),
    Rule(
        "surface",
        _lazy("La surface doit être comprise entre 0 et 500 m²."),
        lambda p: p.surface is not None and (p.surface <= 0 or p.surface > MAX_SURFACE),
        f"(surface <= 0 OR surface > {MAX_SURFACE})",
    ),
    Rule(
        "etage",
        _lazy("L’étage doit être un nombre entier de -2 à 60 (RDC pour 0)."),
        lambda p: p.floor is None,
        "floor IS NULL",
    ),
    Rule(
        "ascenseur",
        _lazy("Valeur attendue : oui ou non."),
        lambda p: p.lift is None,
        "lift IS NULL",
    ),
    *_amount_rules("loyer", "rent", LOYER_LABEL),
    *_amount_rules("charges", "charges", CHARGES_LABEL),
    Rule(
        "reservataire_type",
        _lazy("Type de réservataire inconnu : valeurs admises %(values)s."),
        lambda p: p.kind not in RESERVATAIRE_SET,
        "kind NOT IN ({})".format(", ".join(f"'{kind}'" for kind in RESERVATAIRE_TYPES)),
        {"values": ", ".join(RESERVATAIRE_TYPES)},
    ),
    Rule(
        "reservataire_code",
        _lazy("Pour une commune, indiquez son code INSEE."),
        lambda p: p.kind == "commune" and not p.commune_code_known,
        "kind = 'commune' AND NOT commune_code_known",
    ),
    Rule(
        "reservataire_code",
        _lazy("Pour une intercommunalité, indiquez son SIREN."),
        lambda p: p.kind == "epci" and not p.epci_code_known,
        "kind = 'epci' AND NOT epci_code_known",
    ),
    Rule(
        "eligible",
        _lazy("Valeur attendue : oui ou non."),
        lambda p: p.eligible is None,
        "eligible IS NULL",
    ),
    *_email_rules("1"),
    *_email_rules("2"),
)
assert all(rule.column in COLUMN_NAMES for rule in RULES)  # noqa: S101
assert len(RULES) < 63  # noqa: S101 (the SQL path keeps a row's failures in a bigint)

HOUSING_DUPLICATE_KEY = 0.5 + max(
    i for i, r in enumerate(RULES) if r.column == "reference_logement"
)
TENANT_DUPLICATE_KEY = next(i for i, r in enumerate(RULES) if r.column == "eligible") - 0.5
# Duplicates are found over the whole file (a set-based query, or ``seen_*`` below).
DUPLICATE_HOUSING = _lazy("Référence de logement en double (déjà présente ligne %(line)s).")
DUPLICATE_TENANT = _lazy("Référence de locataire en double (déjà présente ligne %(line)s).")


class RowValidator:
    """Validate rows one at a time, with the rules of ``RULES``.

    With ``track_duplicates`` (the default) the validator remembers the
    references already seen and reports duplicates itself; the importer turns
    it off and finds duplicates in SQL instead, so that its memory does not
    grow with the file.
    """

    def __init__(self, insee_codes: set[str], epci_sirens: set[str], track_duplicates=True):
        self.insee_codes = insee_codes
        self.epci_sirens = epci_sirens
        self.track_duplicates = track_duplicates
        self.seen_housing: dict[str, int] = {}
        self.seen_tenants: dict[str, int] = {}
        self._emails: dict[str, bool] = {}

    def parse(self, values: dict) -> Parsed:
        txt = {
            # NUL characters cannot be stored by PostgreSQL: dropped here, for every database.
            column: (value if value.__class__ is str else str(value or ""))
            .replace("\x00", "")
            .strip()
            for column, value in values.items()
        }
        for column in COLUMN_NAMES:
            txt.setdefault(column, "")
        p = Parsed()
        p.txt = txt
        p.insee = txt["code_insee"].upper()
        p.insee_known = p.insee in self.insee_codes
        p.typology = parse_typology(txt["typologie"])
        p.surface = parse_decimal(txt["surface"])
        p.floor = parse_floor(txt["etage"])
        p.lift = parse_yes_no(txt["ascenseur"])
        p.rent = parse_decimal(txt["loyer"])
        p.charges = parse_decimal(txt["charges"])
        p.kind = parse_reservataire(txt["reservataire_type"])
        p.code = txt["reservataire_code"]
        p.commune_code_known = p.code in self.insee_codes
        p.epci_code_known = p.code in self.epci_sirens
        p.eligible = parse_yes_no(txt["eligible"])
        p.email1 = txt["email_contact_1"].lower()
        p.email1_ok = self.email_ok(p.email1)
        p.email2 = txt["email_contact_2"].lower()
        p.email2_ok = self.email_ok(p.email2)
        return p

    def failures(self, p: Parsed) -> list[int]:
        """Indexes in ``RULES`` of the rules the row fails, in order."""
        return [index for index, rule in enumerate(RULES) if rule.check(p)]

    def validate(self, row: Row) -> tuple[DwellingRecord | None, list[RowError]]:
        line = row.line
        p = self.parse(row.values)
        txt = p.txt
        keyed = [
            (index, RowError(line, RULES[index].column, txt[RULES[index].column][:200], None))
            for index in self.failures(p)
        ]
        if self.track_duplicates:
            self._duplicates(line, txt, keyed)
        if keyed:
            keyed.sort(key=lambda item: item[0])
            return None, [
                error if error.reason is not None else error_with(error, RULES[key].message())
                for key, error in keyed
            ]
        return record_of(line, p), []

    def _duplicates(self, line: int, txt: dict, keyed: list) -> None:
        # Listed where they always were in a row's errors: the housing
        # reference after its own rules, the tenant reference before "eligible".
        for column, seen, reason, key in (
            ("reference_logement", self.seen_housing, DUPLICATE_HOUSING, HOUSING_DUPLICATE_KEY),
            ("reference_locataire", self.seen_tenants, DUPLICATE_TENANT, TENANT_DUPLICATE_KEY),
        ):
            reference = txt[column]
            if not reference:
                continue
            if reference in seen:
                message = reason % {"line": seen[reference]}
                keyed.append((key, RowError(line, column, reference[:200], message)))
            else:
                seen[reference] = line

    def email_ok(self, email: str) -> bool:
        if not email:
            return False
        known = self._emails.get(email)
        if known is None:
            known = email_is_valid(email)
            if len(self._emails) >= EMAIL_CACHE_LIMIT:
                self._emails.clear()  # bounded memory whatever the file
            self._emails[email] = known
        return known


def error_with(error: RowError, reason: str) -> RowError:
    return RowError(error.line, error.column, error.value, reason)


def email_is_valid(email: str) -> bool:
    """Django's EmailValidator, and no longer than the stored field (254 characters)."""
    if len(email) > EMAIL_MAX_LENGTH:
        return False
    try:
        _email_validator(email)
    except ValidationError:
        return False
    return True


def record_of(line: int, p: Parsed) -> DwellingRecord:
    txt = p.txt
    kind = p.kind
    return DwellingRecord(
        line,
        txt["reference_logement"],
        txt["adresse"],
        p.insee,
        p.typology,
        p.surface,
        p.floor,
        p.lift,
        p.rent,
        p.charges,
        kind,
        p.code if kind in ("commune", "epci") else "",
        txt["reference_locataire"],
        txt["nom_locataire"],
        bool(p.eligible) and bool(txt["reference_locataire"]),
        p.email1,
        p.email2,
    )


def safe_spreadsheet_text(value: object) -> str:
    """Text that a spreadsheet will never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
