"""Eligibility case by case; import rules found while optimising; the demo."""

import pytest
from django.contrib.auth import get_user_model

from bourse.eligibility import eligible_dwellings, is_eligible
from bourse.models import Dwelling, Landlord, PatrimoineImport, Position, Reservataire

from .conftest import row

MASSY = "91377"  # member of the CA Communauté Paris-Saclay
PARIS_SACLAY = "200056232"


def dwelling(landlord, **fields):
    values = {
        "housing_reference": "LOG-1",
        "address": "1 rue X",
        "commune_id": "93048",
        "typology": "T3",
        "surface": 60,
        "floor": 1,
        "lift": False,
        "rent": 500,
        "charges": 80,
        "reservataire_kind": "bailleur",
        "reservataire_code": "",
        "tenant_reference": "LOC-1",
        "eligible_flag": True,
        "contact1_email": "a@example.org",
        "contact2_email": "b@example.org",
        "in_snapshot": True,
        **fields,
    }
    return Dwelling.objects.create(landlord=landlord, **values)


def position(kind, code, value):
    Reservataire.objects.update_or_create(
        kind=kind, code=code, defaults={"name": f"{kind} {code}", "position": value}
    )


def both(d) -> bool:
    """is_eligible and the query agree; return the answer."""
    in_query = eligible_dwellings(Dwelling.objects.filter(pk=d.pk)).exists()
    assert in_query == is_eligible(d)
    return in_query


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, True),
        ({"eligible_flag": False}, False),
        ({"in_snapshot": False}, False),
        ({"tenant_reference": ""}, False),  # vacant dwelling
    ],
    ids=["eligible", "flag-no", "left-the-snapshot", "vacant"],
)
def test_flag_snapshot_and_vacancy(landlord_a, fields, expected):
    assert both(dwelling(landlord_a, **fields)) is expected


def test_opposition_of_the_commune_contingent(landlord_a):
    d = dwelling(landlord_a, reservataire_kind="commune", reservataire_code="93048")
    assert both(d)
    position("commune", "93048", Position.OPPOSITION)
    assert not both(d)
    position("commune", "93048", Position.ADHESION)
    assert both(d)
    # Another commune's opposition does not matter.
    position("commune", "75111", Position.OPPOSITION)
    assert both(d)


def test_an_epci_position_covers_its_own_contingent_only(landlord_a):
    on_commune = dwelling(
        landlord_a, commune_id=MASSY, reservataire_kind="commune", reservataire_code=MASSY
    )
    on_epci = dwelling(
        landlord_a,
        housing_reference="LOG-2",
        tenant_reference="LOC-2",
        commune_id=MASSY,
        reservataire_kind="epci",
        reservataire_code=PARIS_SACLAY,
    )
    position("epci", PARIS_SACLAY, Position.OPPOSITION)
    assert both(on_commune) and not both(on_epci)
    position("epci", PARIS_SACLAY, Position.ADHESION)
    position("commune", MASSY, Position.OPPOSITION)
    assert not both(on_commune) and both(on_epci)


def test_state_and_landlord_contingents(landlord_a):
    state = dwelling(landlord_a, reservataire_kind="etat")
    own = dwelling(
        landlord_a,
        housing_reference="LOG-2",
        tenant_reference="LOC-2",
        reservataire_kind="bailleur",
    )
    assert both(state)
    position("etat", "", Position.OPPOSITION)
    assert not both(state) and both(own)
    position("etat", "", Position.NOT_POSITIONED)
    assert both(state)


# --- Import rules (bugs found while optimising) ------------------------------------


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"loyer": "1E+40"}, "loyer"),  # used to crash the whole import (quantize)
        ({"etage": "Infinity"}, "etage"),  # used to crash the whole import (int(inf))
        ({"etage": "²"}, "etage"),
    ],
)
def test_absurd_numbers_are_row_errors_not_crashes(make_upload, changes, column):
    imp = make_upload([row(1, **changes), row(2)])
    assert imp.status == "done", imp.message
    assert imp.error_count == 1 and imp.created_count == 1
    report = imp.report.open("rb").read().decode("utf-8-sig")
    assert f"2;{column};" in report


def test_control_characters_do_not_break_the_import(make_upload):
    imp = make_upload([row(1, nom_locataire="Du\tpont\\x", adresse="1 rue\x00 X")])
    assert imp.status == "done", imp.message
    d = Dwelling.objects.get()
    assert d.tenant_name == "Du\tpont\\x" and d.address == "1 rue X"


def test_duplicates_are_found_whatever_their_distance(make_upload):
    rows = [row(n) for n in range(1, 8)]
    rows.append(row(3, reference_locataire="LOC-99"))  # housing reference of line 4 again
    rows.append(row(50, reference_locataire="LOC-1"))  # tenant of line 2 again
    rows.append(row(3, code_insee="99999"))  # invalid and duplicate
    imp = make_upload(rows)
    assert imp.rows_total == 10 and imp.error_count == 3
    assert imp.created_count == 7
    report = imp.report.open("rb").read().decode("utf-8-sig")
    assert (
        "9;reference_logement;LOG-3;Référence de logement en double (déjà présente ligne 4)."
        in report
    )
    assert (
        "10;reference_locataire;LOC-1;Référence de locataire en double (déjà présente ligne 2)."
        in report
    )
    assert "11;reference_logement;LOG-3;Référence de logement en double" in report
    assert "11;code_insee;99999;" in report
    assert Dwelling.objects.get(housing_reference="LOG-3").tenant_reference == "LOC-3"


@pytest.fixture
def make_upload(landlord_a, admin_a):
    from django.core.files.base import ContentFile

    from bourse.patrimoine.importer import run_import
    from tests.patrimoine.test_reader_and_validation import csv_bytes

    def make(rows):
        imp = PatrimoineImport(landlord=landlord_a, uploaded_by=admin_a, original_name="p.csv")
        imp.file.save("p.csv", ContentFile(csv_bytes(rows)), save=False)
        imp.save()
        return run_import(imp.pk)

    return make


# --- Demo ------------------------------------------------------------------------------


def snapshot():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_app_config("bourse").get_models()}


def test_the_demo_twice_changes_nothing(db):
    from bourse import demo

    Landlord.objects.create(name="Paris Habitat", siret="34434421000051")  # from the kit demo
    demo.load()
    first = snapshot()
    dwellings = dict(Dwelling.objects.values_list("housing_reference", "updated_at"))
    demo.load()
    assert snapshot() == first
    assert dict(Dwelling.objects.values_list("housing_reference", "updated_at")) == dwellings
    assert Landlord.objects.filter(name="Paris Habitat").count() == 1
    User = get_user_model()
    for username in demo.demo_usernames():
        assert User.objects.filter(username=username, is_active=True).exists(), username
    assert demo.demo_usernames()[:5] == [
        "amo",
        "partenaire",
        "admin-paris-habitat",
        "agent1-paris-habitat",
        "agent2-paris-habitat",
    ]
    assert User.objects.get(username="admin-val-doise-habitat").check_password("Demo-Bailleur-2026")
    assert {r.position for r in Reservataire.objects.all()} == {
        Position.ADHESION,
        Position.OPPOSITION,
        Position.NOT_POSITIONED,
    }
    for landlord in Landlord.objects.all():
        total = Dwelling.objects.filter(landlord=landlord).count()
        eligible = eligible_dwellings(Dwelling.objects.filter(landlord=landlord)).count()
        assert 250 <= total <= 400
        assert 0.75 <= eligible / total <= 0.92, (landlord, eligible / total)
        imp = PatrimoineImport.objects.get(landlord=landlord)
        assert imp.status == "done" and imp.error_count == 3
