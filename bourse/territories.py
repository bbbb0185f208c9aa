"""Île-de-France reference data: communes and intercommunalities.

The CSV files in ``bourse/data/`` (Etalab "découpage administratif", MIT;
coordinates GeoNames, CC BY 4.0) are loaded by a data migration and again by
the demo command when a test database was flushed.
"""

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Q
from django.utils.translation import gettext as _

from portal.folding import Folded, fold

DATA = Path(__file__).resolve().parent / "data"


def load_reference_data(Commune=None, Intercommunality=None) -> int:
    """Insert the communes and intercommunalities that are missing."""
    if Commune is None:
        from .models import Commune, Intercommunality
    with open(DATA / "intercommunalites-idf.csv", encoding="utf-8") as f:
        Intercommunality.objects.bulk_create(
            [
                Intercommunality(siren=r["siren"], name=r["nom"], kind=r["type"])
                for r in csv.DictReader(f)
            ],
            ignore_conflicts=True,
        )
    known = set(Intercommunality.objects.values_list("siren", flat=True))
    with open(DATA / "communes-idf.csv", encoding="utf-8") as f:
        communes = [
            Commune(
                insee_code=r["insee"],
                name=r["nom"],
                kind=r["type"],
                department=r["departement"],
                postal_codes=r["codes_postaux"],
                population=int(r["population"] or 0),
                epci_id=r["epci_siren"] if r["epci_siren"] in known else None,
                ept_id=r["ept_siren"] if r["ept_siren"] in known else None,
                latitude=float(r["latitude"]) if r["latitude"] else None,
                longitude=float(r["longitude"]) if r["longitude"] else None,
                precise_location=r["precision_coordonnees"] == "commune",
            )
            for r in csv.DictReader(f)
        ]
    Commune.objects.bulk_create(communes, ignore_conflicts=True)
    return len(communes)


def ensure_reference_data() -> None:
    from .models import Commune

    if not Commune.objects.exists():
        load_reference_data()


@lru_cache(maxsize=1)
def reference_codes() -> tuple[frozenset[str], frozenset[str]]:
    """(INSEE codes, intercommunality SIRENs) straight from the reference files."""
    with open(DATA / "communes-idf.csv", encoding="utf-8") as f:
        insee = frozenset(r["insee"] for r in csv.DictReader(f))
    with open(DATA / "intercommunalites-idf.csv", encoding="utf-8") as f:
        sirens = frozenset(r["siren"] for r in csv.DictReader(f))
    return insee, sirens


# --- Reading commune names: natural order, typed names ---------------------------------------

_NUMBER = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """Sort key of a commune name in natural, accent-insensitive order: « Paris 2e
    Arrondissement » before « Paris 10e », « Paris 1er » first, « Évry » among the E."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _NUMBER.split(fold(name))
        if part
    )


def natural_sorted(items, key=lambda item: item):
    """``items`` in the natural order of the commune name ``key`` reads from each."""
    return sorted(items, key=lambda item: natural_key(str(key(item) or "")))


def communes_matching(text: str):
    """Communes whose name contains ``text``, whatever its accents, capitals, hyphens
    or apostrophes (« evry », « ile-saint-denis »), or whose INSEE code or postal code
    is ``text``; the exact names first."""
    from .models import Commune

    folded = fold(text)
    if not folded:
        return Commune.objects.none()
    names = Commune.objects.annotate(folded_name=Folded("name"))
    if folded.isdigit() and len(folded) == 5:
        return names.filter(
            Q(pk=folded) | Q(postal_codes__contains=folded) | Q(folded_name__contains=folded)
        )
    return names.filter(folded_name__contains=folded)


# --- Places a tenant types: communes, departments, intercommunalities ------------------------

DEPARTMENT_NAMES = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}
SUGGESTIONS = 12


@dataclass(frozen=True)
class Place:
    """One choice of the communes picker: a commune, or a whole department or
    intercommunality (``communes``: the INSEE codes it stands for)."""

    key: str  # "c:93048", "d:93", "i:200057867"
    label: str
    communes: tuple[str, ...]
    name: str  # what a tenant would type for it


def commune_label(name: str, department: str) -> str:
    return f"{name} ({department})"


def _department_places(folded: str) -> list[Place]:
    from .models import Commune

    places = []
    for code, name in DEPARTMENT_NAMES.items():
        if folded == code or (len(folded) >= 3 and folded in fold(name)):
            pks = tuple(
                Commune.objects.filter(department=code).order_by("pk").values_list("pk", flat=True)
            )
            label = _("Tout le département %(name)s (%(code)s) : %(count)s communes") % {
                "name": name,
                "code": code,
                "count": len(pks),
            }
            places.append(Place(f"d:{code}", label, pks, name))
    return places


def _intercommunality_places(folded: str) -> list[Place]:
    from .models import Commune, Intercommunality

    if len(folded) < 3:
        return []
    places = []
    matching = Intercommunality.objects.annotate(folded_name=Folded("name")).filter(
        folded_name__contains=folded
    )
    for group in natural_sorted(matching[:SUGGESTIONS], key=lambda g: g.name):
        pks = tuple(
            Commune.objects.filter(Q(epci=group) | Q(ept=group))
            .exclude(kind="commune-actuelle", department="75")  # Paris: its arrondissements
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if pks:
            label = _("Toute l’intercommunalité %(name)s : %(count)s communes") % {
                "name": group.name,
                "count": len(pks),
            }
            places.append(Place(f"i:{group.pk}", label, pks, group.name))
    return places


def place_suggestions(text: str, limit: int = SUGGESTIONS) -> list[Place]:
    """What the communes picker proposes for ``text``: departments, then communes
    (exact names and names starting with it first, natural order), then
    intercommunalities."""
    folded = fold(text)
    if not folded:
        return []
    communes = natural_sorted(
        communes_matching(text).values_list("pk", "name", "department", "folded_name"),
        key=lambda row: row[1],
    )
    communes.sort(key=lambda row: (row[3] != folded, not row[3].startswith(folded)))
    places = _department_places(folded)
    places += [
        Place(f"c:{pk}", commune_label(name, department), (pk,), name)
        for pk, name, department, _folded in communes[:limit]
    ]
    places += _intercommunality_places(folded)
    return places[: limit + 4]


@dataclass
class Resolved:
    """Communes read from what a tenant typed (``resolve_places``)."""

    communes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def resolve_places(text: str) -> Resolved:
    """The communes named in ``text`` (names, INSEE or postal codes, department numbers
    or intercommunalities, separated by commas or semicolons), without JavaScript.
    A part that names nothing, or several communes, is an error naming it."""
    resolved = Resolved()
    for part in re.split(r"[,;\n]+", text or ""):
        folded = fold(part)
        if not folded:
            continue
        suggestions = place_suggestions(part, limit=50)
        exact = [p for p in suggestions if fold(p.name) == folded or p.key[2:] == folded]
        departments = [p for p in exact if p.key.startswith("d:")]  # « Paris », « 93 »
        candidates = departments or exact or suggestions
        if len(candidates) == 1:
            resolved.communes.extend(candidates[0].communes)
        elif not candidates:
            resolved.errors.append(
                _("Aucune commune ne correspond à « %(text)s ».") % {"text": part.strip()}
            )
        else:
            names = ", ".join(p.label for p in candidates[:8])
            resolved.errors.append(
                _("« %(text)s » correspond à plusieurs choix (%(names)s…) : précisez.")
                % {"text": part.strip(), "names": names}
            )
    return resolved
