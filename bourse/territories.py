"""Île-de-France reference data: communes and intercommunalities.

The CSV files in ``bourse/data/`` (Etalab "découpage administratif", MIT;
coordinates GeoNames, CC BY 4.0) are loaded by a data migration and again by
the demo command when a test database was flushed.
"""

import csv
from functools import lru_cache
from pathlib import Path

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
