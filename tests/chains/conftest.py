"""Three households whose dwellings form a chain: 1 wants 2's commune, 2 wants 3's,
3 wants 1's (no pair matches). Landlords A (1, 2) and B (3)."""

import pytest

from bourse.factories import DwellingFactory
from tests.tenants.conftest import (  # noqa: F401, F811 (fixtures)
    PASSWORD,
    amo,
    landlord,  # noqa: F811
    landlord_b,  # noqa: F811
    make_tenant,
)

COMMUNES = {1: "93048", 2: "93066", 3: "75115", 4: "92012"}


def chain_tenant(landlord, n, wants_n, **kwargs):  # noqa: F811
    dwelling = DwellingFactory(landlord=landlord, n=n, insee=COMMUNES[n])
    return make_tenant(landlord, n, dwelling=dwelling, communes=[COMMUNES[wants_n]], **kwargs)


@pytest.fixture
def households(landlord, landlord_b):  # noqa: F811
    return [
        chain_tenant(landlord, 1, 2),
        chain_tenant(landlord, 2, 3),
        chain_tenant(landlord_b, 3, 1),
    ]
