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


class RowValidator:
    def __init__(self, insee_codes: set[str], epci_sirens: set[str]):
        self.insee_codes = insee_codes
        self.epci_sirens = epci_sirens
        self.seen_housing: dict[str, int] = {}
        self.seen_tenants: dict[str, int] = {}
        self._emails: dict[str, bool] = {}

    def validate(self, row: Row) -> tuple[DwellingRecord | None, list[RowError]]:
        values = row.values
        errors: list[RowError] = []

        def text(column: str) -> str:
            return str(values.get(column, "") or "").strip()

        def fail(column: str, reason: str) -> None:
            errors.append(RowError(row.line, column, text(column)[:200], reason))

        for column, limit in TEXT_LIMITS.items():
            if len(text(column)) > limit:
                fail(
                    column, _("Texte trop long (%(limit)s caractères au plus).") % {"limit": limit}
                )

        housing = text("reference_logement")
        if not housing:
            fail("reference_logement", _("La référence du logement est obligatoire."))
        elif housing in self.seen_housing:
            fail(
                "reference_logement",
                _("Référence de logement en double (déjà présente ligne %(line)s).")
                % {"line": self.seen_housing[housing]},
            )
        else:
            self.seen_housing[housing] = row.line

        address = text("adresse")
        if not address:
            fail("adresse", _("L’adresse est obligatoire."))

        insee = text("code_insee").upper()
        if not insee:
            fail("code_insee", _("Le code INSEE est obligatoire."))
        elif insee not in self.insee_codes:
            fail(
                "code_insee",
                _("Code INSEE inconnu : ce n’est pas une commune d’Île-de-France."),
            )

        typology = text("typologie").upper().replace(" ", "")
        if typology.startswith("T") and typology[1:].isdigit() and int(typology[1:]) >= 6:
            typology = "T6+"
        if typology not in TYPOLOGIES:
            fail("typologie", _("Typologie inconnue : valeurs admises T1 à T5 et T6+."))

        surface = self._decimal(text("surface"))
        if surface is None:
            fail("surface", _("La surface doit être un nombre (par exemple 64,5)."))
        elif surface <= 0 or surface > MAX_SURFACE:
            fail("surface", _("La surface doit être comprise entre 0 et 500 m²."))

        floor = self._floor(text("etage"))
        if floor is None:
            fail("etage", _("L’étage doit être un nombre entier de -2 à 60 (RDC pour 0)."))

        lift = self._yes_no(text("ascenseur"))
        if lift is None:
            fail("ascenseur", _("Valeur attendue : oui ou non."))

        amounts = {}
        for column, label in (("loyer", _("Le loyer")), ("charges", _("Les charges"))):
            amount = self._decimal(text(column))
            if amount is None:
                fail(column, _("%(label)s doit être un montant en euros.") % {"label": label})
            elif amount < 0:
                fail(column, _("%(label)s ne peut pas être négatif.") % {"label": label})
            elif amount > MAX_AMOUNT:
                fail(column, _("%(label)s est anormalement élevé.") % {"label": label})
            amounts[column] = amount

        reservataire = text("reservataire_type").lower().replace(" ", "_")
        code = text("reservataire_code")
        if reservataire not in RESERVATAIRE_TYPES:
            fail(
                "reservataire_type",
                _("Type de réservataire inconnu : valeurs admises %(values)s.")
                % {"values": ", ".join(RESERVATAIRE_TYPES)},
            )
        elif reservataire == "commune" and code not in self.insee_codes:
            fail("reservataire_code", _("Pour une commune, indiquez son code INSEE."))
        elif reservataire == "epci" and code not in self.epci_sirens:
            fail("reservataire_code", _("Pour une intercommunalité, indiquez son SIREN."))

        tenant = text("reference_locataire")
        if tenant:
            if tenant in self.seen_tenants:
                fail(
                    "reference_locataire",
                    _("Référence de locataire en double (déjà présente ligne %(line)s).")
                    % {"line": self.seen_tenants[tenant]},
                )
            else:
                self.seen_tenants[tenant] = row.line

        eligible = self._yes_no(text("eligible"))
        if eligible is None:
            fail("eligible", _("Valeur attendue : oui ou non."))

        emails = {}
        for column, label in (("email_contact_1", "1"), ("email_contact_2", "2")):
            email = text(column).lower()
            if not email:
                fail(column, _("L’e-mail du contact %(n)s est obligatoire.") % {"n": label})
            elif not self._email_ok(email):
                fail(column, _("Adresse e-mail invalide."))
            emails[column] = email

        if errors:
            return None, errors
        return (
            DwellingRecord(
                line=row.line,
                housing_reference=housing,
                address=address,
                insee_code=insee,
                typology=typology,
                surface=surface,
                floor=floor,
                lift=lift,
                rent=amounts["loyer"],
                charges=amounts["charges"],
                reservataire_type=reservataire,
                reservataire_code=code if reservataire in ("commune", "epci") else "",
                tenant_reference=tenant,
                tenant_name=text("nom_locataire"),
                eligible=bool(eligible) and bool(tenant),
                contact1_email=emails["email_contact_1"],
                contact2_email=emails["email_contact_2"],
            ),
            [],
        )

    @staticmethod
    def _decimal(value: str) -> Decimal | None:
        value = _SPACES.sub("", value).replace("€", "").replace(",", ".")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        return number.quantize(Decimal("0.01"))

    @staticmethod
    def _floor(value: str) -> int | None:
        value = value.strip().lower()
        if value in ("rdc", "rez-de-chaussée", "rez-de-chaussee"):
            return 0
        try:
            floor = int(Decimal(value.replace(",", ".")))
        except (InvalidOperation, ValueError):
            return None
        return floor if FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1] else None

    @staticmethod
    def _yes_no(value: str) -> bool | None:
        value = value.strip().lower()
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
            self._emails[email] = known
        return known


def safe_spreadsheet_text(value: object) -> str:
    """Text that a spreadsheet will never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
