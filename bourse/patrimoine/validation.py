"""Validation of patrimoine rows: every rule, with a French reason.

``RowValidator.validate(row)`` returns a clean ``DwellingRecord`` or the list
of every error of the row (line, column, value, reason). It keeps the
references already seen so that duplicates within a file are reported.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .columns import NO_VALUES, RESERVATAIRE_TYPES, TYPOLOGIES, YES_VALUES
from .reader import Row

MAX_SURFACE = Decimal("500")
MAX_AMOUNT = Decimal("99999")
FLOOR_RANGE = (-2, 60)
TEXT_LIMITS = {
    "reference_logement": 50,
    "adresse": 300,
    "reference_locataire": 50,
    "nom_locataire": 150,
}
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


class RowValidator:
    """Validate rows one at a time.

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

    def validate(self, row: Row) -> tuple[DwellingRecord | None, list[RowError]]:
        # Hot path (100 000 rows per file): plain locals, messages built on error only.
        line = row.line
        values = {
            # NUL characters cannot be stored by PostgreSQL: dropped here, for every database.
            column: (value if value.__class__ is str else str(value or ""))
            .replace("\x00", "")
            .strip()
            for column, value in row.values.items()
        }
        get = values.get
        errors: list[RowError] = []

        def fail(column: str, reason: str) -> None:
            errors.append(RowError(line, column, get(column, "")[:200], reason))

        for column, limit in TEXT_LIMITS.items():
            if len(get(column, "")) > limit:
                fail(
                    column, _("Texte trop long (%(limit)s caractères au plus).") % {"limit": limit}
                )

        housing = get("reference_logement", "")
        if not housing:
            fail("reference_logement", _("La référence du logement est obligatoire."))
        elif self.track_duplicates:
            if housing in self.seen_housing:
                fail(
                    "reference_logement",
                    _("Référence de logement en double (déjà présente ligne %(line)s).")
                    % {"line": self.seen_housing[housing]},
                )
            else:
                self.seen_housing[housing] = line

        address = get("adresse", "")
        if not address:
            fail("adresse", _("L’adresse est obligatoire."))

        insee = get("code_insee", "").upper()
        if not insee:
            fail("code_insee", _("Le code INSEE est obligatoire."))
        elif insee not in self.insee_codes:
            fail(
                "code_insee",
                _("Code INSEE inconnu : ce n’est pas une commune d’Île-de-France."),
            )

        typology = get("typologie", "")
        if typology not in TYPOLOGY_SET:
            typology = typology.upper().replace(" ", "")
            if typology.startswith("T") and typology[1:].isdigit() and int(typology[1:]) >= 6:
                typology = "T6+"
            if typology not in TYPOLOGY_SET:
                fail("typologie", _("Typologie inconnue : valeurs admises T1 à T5 et T6+."))

        surface = self._decimal(get("surface", ""))
        if surface is None:
            fail("surface", _("La surface doit être un nombre (par exemple 64,5)."))
        elif surface <= 0 or surface > MAX_SURFACE:
            fail("surface", _("La surface doit être comprise entre 0 et 500 m²."))

        floor = self._floor(get("etage", ""))
        if floor is None:
            fail("etage", _("L’étage doit être un nombre entier de -2 à 60 (RDC pour 0)."))

        lift = self._yes_no(get("ascenseur", ""))
        if lift is None:
            fail("ascenseur", _("Valeur attendue : oui ou non."))

        rent = self._amount(get("loyer", ""), "loyer", LOYER_LABEL, fail)
        charges = self._amount(get("charges", ""), "charges", CHARGES_LABEL, fail)

        reservataire = get("reservataire_type", "")
        if reservataire not in RESERVATAIRE_SET:
            reservataire = reservataire.lower().replace(" ", "_")
        code = get("reservataire_code", "")
        if reservataire not in RESERVATAIRE_SET:
            fail(
                "reservataire_type",
                _("Type de réservataire inconnu : valeurs admises %(values)s.")
                % {"values": ", ".join(RESERVATAIRE_TYPES)},
            )
        elif reservataire == "commune" and code not in self.insee_codes:
            fail("reservataire_code", _("Pour une commune, indiquez son code INSEE."))
        elif reservataire == "epci" and code not in self.epci_sirens:
            fail("reservataire_code", _("Pour une intercommunalité, indiquez son SIREN."))

        tenant = get("reference_locataire", "")
        if tenant and self.track_duplicates:
            if tenant in self.seen_tenants:
                fail(
                    "reference_locataire",
                    _("Référence de locataire en double (déjà présente ligne %(line)s).")
                    % {"line": self.seen_tenants[tenant]},
                )
            else:
                self.seen_tenants[tenant] = line

        eligible = self._yes_no(get("eligible", ""))
        if eligible is None:
            fail("eligible", _("Valeur attendue : oui ou non."))

        email1 = get("email_contact_1", "").lower()
        email2 = get("email_contact_2", "").lower()
        for column, label, email in (
            ("email_contact_1", "1", email1),
            ("email_contact_2", "2", email2),
        ):
            if not email:
                fail(column, _("L’e-mail du contact %(n)s est obligatoire.") % {"n": label})
            elif not self._email_ok(email):
                fail(column, _("Adresse e-mail invalide."))

        if errors:
            return None, errors
        return (
            DwellingRecord(
                line,
                housing,
                address,
                insee,
                typology,
                surface,
                floor,
                lift,
                rent,
                charges,
                reservataire,
                code if reservataire in ("commune", "epci") else "",
                tenant,
                get("nom_locataire", ""),
                bool(eligible) and bool(tenant),
                email1,
                email2,
            ),
            [],
        )

    @classmethod
    def _amount(cls, raw: str, column: str, label, fail) -> Decimal | None:
        amount = cls._decimal(raw)
        if amount is None:
            fail(column, _("%(label)s doit être un montant en euros.") % {"label": label})
        elif amount < 0:
            fail(column, _("%(label)s ne peut pas être négatif.") % {"label": label})
        elif amount > MAX_AMOUNT:
            fail(column, _("%(label)s est anormalement élevé.") % {"label": label})
        return amount

    @staticmethod
    def _decimal(value: str) -> Decimal | None:
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

    @staticmethod
    def _floor(value: str) -> int | None:
        if value.isascii() and value.isdigit():
            floor = int(value)
            return floor if floor <= FLOOR_RANGE[1] else None
        value = value.lower()
        if value in ("rdc", "rez-de-chaussée", "rez-de-chaussee"):
            return 0
        try:
            floor = int(Decimal(value.replace(",", ".")))
        except (InvalidOperation, ValueError, OverflowError):
            return None
        return floor if FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1] else None

    @staticmethod
    def _yes_no(value: str) -> bool | None:
        value = value.lower()
        if value in YES_VALUES:
            return True
        if value in NO_VALUES and value != "":
            return False
        return None

    def _email_ok(self, email: str) -> bool:
        known = self._emails.get(email)
        if known is None:
            try:
                _email_validator(email)
                known = True
            except ValidationError:
                known = False
            if len(self._emails) >= EMAIL_CACHE_LIMIT:
                self._emails.clear()  # bounded memory whatever the file
            self._emails[email] = known
        return known


def safe_spreadsheet_text(value: object) -> str:
    """Text that a spreadsheet will never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
