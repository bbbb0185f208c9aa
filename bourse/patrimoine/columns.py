"""The published format of the patrimoine file: one column per field.

This list is the single source for the template file, the documentation page,
the validation and the import: each column has its header, whether it is
required, its allowed values and an example, and where its value goes — the
``Dwelling`` field (the staging table's column of the same name), the
attribute of the validated ``DwellingRecord``, its SQL type, and for free text
its length limit. The staging, comparison and parsing lists below are derived
from it (``validation`` and ``importer`` check at import time that
``DwellingRecord``, ``Dwelling`` and ``DwellingStaging`` have these names).
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.utils.translation import gettext_lazy as _

TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5", "T6+")
RESERVATAIRE_TYPES = {
    "bailleur": _("Bailleur (contingent propre)"),
    "etat": _("État (préfecture, DRIHL)"),
    "action_logement": _("Action Logement"),
    "commune": _("Commune"),
    "epci": _("Intercommunalité (EPCI ou EPT)"),
    "region": _("Région"),
    "departement": _("Département"),
    "autre": _("Autre réservataire"),
}
YES_VALUES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO_VALUES = {"non", "n", "no", "0", "faux", "false", ""}


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    allowed: str
    example: str
    aliases: tuple[str, ...] = dataclass_field(default=())
    field: str = ""  # the Dwelling's field, and the staging table's column
    record: str = ""  # DwellingRecord's attribute, when it is not ``field``
    sql_type: str = "text"  # of the parsed value (text, numeric, int, boolean)
    max_length: int | None = None  # free text (kept as typed, up to this length)

    @property
    def record_attribute(self) -> str:
        return self.record or self.field


COLUMNS: tuple[Column, ...] = (
    Column(
        "reference_logement",
        _("Référence du logement"),
        True,
        _(
            "Texte libre, 1 à 50 caractères, unique dans le fichier ; les références "
            "commençant par EXEMPLE- sont réservées à la ligne d’exemple du modèle, "
            "qui n’est jamais importée"
        ),
        "EXEMPLE-000123",
        field="housing_reference",
        max_length=50,
    ),
    Column(
        "adresse",
        _("Adresse"),
        True,
        _("Texte libre, 300 caractères au plus"),
        "12 rue de la Paix",
        field="address",
        max_length=300,
    ),
    Column(
        "code_insee",
        _("Code INSEE de la commune"),
        True,
        _("Code officiel à 5 caractères d’une commune d’Île-de-France (arrondissement pour Paris)"),
        "93048",
        aliases=("insee", "commune"),
        field="commune_id",
        record="insee_code",
    ),
    Column(
        "typologie",
        _("Typologie"),
        True,
        _(
            "T1, T2, T3, T4, T5 ou T6+ ; F1 à F6 valent T1 à T6 ; Studio, T1 bis et T1’ "
            "comptent comme T1 ; T7 et au-delà (F7…) comptent comme T6+"
        ),
        "T3",
        field="typology",
    ),
    Column(
        "surface",
        _("Surface habitable (m²)"),
        True,
        _("Nombre décimal positif, 500 au plus (virgule ou point)"),
        "64,5",
        field="surface",
        sql_type="numeric",
    ),
    Column(
        "etage",
        _("Étage"),
        True,
        _("Nombre entier de -2 à 60 ; RDC pour 0"),
        "2",
        field="floor",
        sql_type="int",
    ),
    Column(
        "ascenseur", _("Ascenseur"), True, _("oui ou non"), "oui", field="lift", sql_type="boolean"
    ),
    Column(
        "loyer",
        _("Loyer hors charges (€)"),
        True,
        _("Nombre décimal positif ou nul"),
        "512,30",
        field="rent",
        sql_type="numeric",
    ),
    Column(
        "charges",
        _("Charges (€)"),
        True,
        _("Nombre décimal positif ou nul"),
        "98,00",
        field="charges",
        sql_type="numeric",
    ),
    Column(
        "reservataire_type",
        _("Contingent (type de réservataire)"),
        True,
        ", ".join(RESERVATAIRE_TYPES),
        "commune",
        field="reservataire_kind",
        record="reservataire_type",
    ),
    Column(
        "reservataire_code",
        _("Code du réservataire"),
        False,
        _("Code INSEE pour une commune, SIREN pour une intercommunalité, vide sinon"),
        "93048",
        field="reservataire_code",
    ),
    Column(
        "reference_locataire",
        _("Référence du locataire"),
        False,
        _("Texte libre, 50 caractères au plus ; vide si le logement est vacant"),
        "LOC-004567",
        field="tenant_reference",
        max_length=50,
    ),
    Column(
        "nom_locataire",
        _("Nom du locataire"),
        False,
        _("Texte libre, 150 caractères au plus"),
        "Dupont",
        field="tenant_name",
        max_length=150,
    ),
    Column(
        "eligible",
        _("Éligible à l’échange"),
        True,
        _("oui ou non"),
        "oui",
        field="eligible_flag",
        record="eligible",
        sql_type="boolean",
    ),
    Column(
        "email_contact_1",
        _("E-mail du contact 1 (avant la CAL)"),
        True,
        _("Adresse e-mail valide"),
        "gestion.locative@bailleur.example",
        field="contact1_email",
    ),
    Column(
        "email_contact_2",
        _("E-mail du contact 2 (après la CAL)"),
        True,
        _("Adresse e-mail valide"),
        "attribution@bailleur.example",
        field="contact2_email",
    ),
)

COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
# Free text: kept as typed (trimmed), up to its length.
TEXT_LIMITS = {column.name: column.max_length for column in COLUMNS if column.max_length}
# The Dwelling's fields an import writes, in the file's order; the housing
# reference is the key (with the landlord), the others are compared.
DWELLING_FIELDS = tuple(column.field for column in COLUMNS)
KEY_FIELD = "housing_reference"
COMPARED_FIELDS = tuple(name for name in DWELLING_FIELDS if name != KEY_FIELD)
# DwellingRecord's attributes, in the same order (after ``line``).
RECORD_ATTRIBUTES = tuple(column.record_attribute for column in COLUMNS)
# The columns whose value is parsed (codes, numbers, yes/no, e-mails), not free text.
PARSED_COLUMNS = tuple(column for column in COLUMNS if column.max_length is None)


def normalise_header(header: str) -> str:
    """'Code INSEE ' → 'code_insee'; accents and case do not matter."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    text = text.strip().lower().replace("-", "_").replace(" ", "_")
    while "__" in text:
        text = text.replace("__", "_")
    for column in COLUMNS:
        if text == column.name or text in column.aliases:
            return column.name
    return text
