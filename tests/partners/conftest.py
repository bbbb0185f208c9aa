"""Fixtures of the partner-space tests: the landlords, staff and tenants of the
exchange-file tests, reservataires with their partner accounts, and exchange
files whose dwellings lie on given contingents."""

import datetime as dt

import pytest

from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.factories import DwellingFactory, PartnerFactory
from bourse.models import Position, Reservataire
from bourse.stats.compute import recompute_statistics
from tests.exchanges.conftest import (  # noqa: F401 (fixtures)
    PASSWORD,
    agents,
    amo,
    landlord_admins,
    landlords,
    tenants,
)
from tests.stats.conftest import aware, csv_rows, html_tables  # noqa: F401

SURNAME = "DUPONTEL"  # every tenant of the files below: must never show
NUR_PREFIX = "0931124"


@pytest.fixture
def reservataires(db):
    make = Reservataire.objects.create
    return {
        "state": make(kind="etat", name="État (DRIHL)", position=Position.ADHESION),
        "al": make(kind="action_logement", name="Action Logement Services"),
        "montreuil": make(
            kind="commune",
            code="93048",
            name="Montreuil",
            position=Position.ADHESION,
            position_date=dt.date(2021, 6, 1),
            note="Délibération confidentielle du conseil",
        ),
        "boulogne": make(
            kind="commune", code="92012", name="Boulogne-Billancourt", position=Position.OPPOSITION
        ),
    }


@pytest.fixture
def partners(reservataires):
    return {
        "state": PartnerFactory(username="partenaire-etat", reservataire=reservataires["state"]),
        "al": PartnerFactory(username="partenaire-al", reservataire=reservataires["al"]),
    }


_nur = iter(range(10_000, 99_999))


def exchange(sides, step=Step.DONE, opened_on=dt.date(2024, 1, 10), completed_on=None):
    """A file between one household per (landlord, INSEE code, contingent kind) of
    ``sides``: each leaves its dwelling for the next one's (a cycle)."""
    file = ExchangeFile.objects.create(
        step=step,
        nurs_date=opened_on,
        opened_at=aware(opened_on),
        completed_on=completed_on,
        attributed_on=completed_on - dt.timedelta(days=20) if completed_on else None,
    )
    left = [
        DwellingFactory(
            landlord=landlord,
            insee=insee,
            slug=f"p{landlord.pk}",
            reservataire_kind=kind,
            reservataire_code=insee if kind == "commune" else "",
            tenant_name=SURNAME,
            commune_contingent=True,
        )
        for landlord, insee, kind in sides
    ]
    for position, dwelling in enumerate(left, start=1):
        ExchangeParty.objects.create(
            file=file,
            position=position,
            landlord=dwelling.landlord,
            dwelling_left=dwelling,
            dwelling_taken=left[position % len(left)],
            tenant_name=f"{SURNAME} Jeanne",
            tenant_reference=dwelling.tenant_reference,
            nur=f"{NUR_PREFIX}{next(_nur)}",
        )
    return file


@pytest.fixture
def activity(landlords, reservataires):  # noqa: F811 (the imported fixture)
    """State contingent: 3 files opened (2 in 2024, 1 in 2025), 2 exchanges done,
    3 tenants left and 3 arrived. Action Logement: 2 opened, 1 done, 1 left, 1 in."""
    a, b, c = landlords["a"], landlords["b"], landlords["c"]
    exchange([(a, "93048", "etat"), (b, "75111", "commune")], completed_on=dt.date(2024, 3, 5))
    exchange([(b, "75112", "etat"), (c, "94028", "etat")], completed_on=dt.date(2024, 4, 6))
    exchange(
        [(a, "93048", "action_logement"), (c, "94028", "commune")],
        opened_on=dt.date(2025, 1, 8),
        completed_on=dt.date(2025, 2, 10),
    )
    exchange(
        [(a, "93048", "etat"), (b, "75111", "action_logement")],
        step=Step.PRE_INSTRUCTION,
        opened_on=dt.date(2025, 1, 20),
    )
    DwellingFactory(
        landlord=a,
        insee="93048",
        slug="vide",
        reservataire_kind="etat",
        reservataire_code="",
        tenant_name=SURNAME,
        commune_contingent=True,
    )
    recompute_statistics()
    return landlords
