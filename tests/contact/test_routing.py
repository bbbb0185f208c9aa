"""``services.route``: one test per branch."""

import pytest

from bourse.contact.models import Destination
from bourse.contact.services import route
from bourse.factories import LandlordFactory, StaffFactory
from bourse.models import StaffRole

from .conftest import ContactDwellingFactory

pytestmark = pytest.mark.django_db


def test_technical_question_of_a_registered_tenant_goes_to_support(landlord, dwelling):
    r = route(
        sender_kind="locataire_inscrit", topic="bug", landlord=landlord, tenant_reference="LOC-42"
    )
    assert r.destination == Destination.SUPPORT
    assert not r.to_investigate and r.recipients == ()


def test_technical_question_from_someone_else_goes_to_support(landlord):
    r = route(sender_kind="autre", topic="site", landlord=None)
    assert r.destination == Destination.SUPPORT and not r.to_investigate


def test_landlord_staff_go_to_support_whatever_the_topic(landlord, dwelling):
    r = route(sender_kind="bailleur", topic="dossier_echange", landlord=landlord)
    assert r.destination == Destination.SUPPORT and not r.to_investigate


def test_tenant_file_with_a_matching_reference_goes_to_the_patrimoine_contact(landlord, dwelling):
    r = route(
        sender_kind="locataire_inscrit",
        topic="eligibilite",
        landlord=landlord,
        tenant_reference=" loc-42 ",  # case and spaces do not matter
    )
    assert r.destination == Destination.LANDLORD
    assert r.dwelling == dwelling
    assert r.recipients == ("gestion@ssdh.example",)


def test_exchange_file_question_goes_to_both_patrimoine_contacts(landlord, dwelling):
    r = route(
        sender_kind="locataire_inscrit",
        topic="dossier_echange",
        landlord=landlord,
        tenant_reference="LOC-42",
    )
    assert r.recipients == ("gestion@ssdh.example", "cal@ssdh.example")


def test_the_current_patrimoine_row_wins_over_an_old_one(landlord, commune):
    ContactDwellingFactory(
        landlord=landlord,
        commune=commune,
        housing_reference="OLD",
        in_snapshot=False,
        contact1_email="old@x.fr",
    )
    ContactDwellingFactory(
        landlord=landlord, commune=commune, housing_reference="NEW", contact1_email="new@x.fr"
    )
    r = route(
        sender_kind="locataire_inscrit",
        topic="situation",
        landlord=landlord,
        tenant_reference="LOC-42",
    )
    assert r.recipients == ("new@x.fr",)


def test_another_landlords_row_is_not_used(landlord, other_landlord, commune, landlord_admin):
    ContactDwellingFactory(
        landlord=other_landlord, commune=commune, contact1_email="autre@ph.example"
    )
    r = route(
        sender_kind="locataire_inscrit",
        topic="situation",
        landlord=landlord,
        tenant_reference="LOC-42",
    )
    assert r.destination == Destination.LANDLORD
    assert "autre@ph.example" not in r.recipients
    assert r.dwelling is None


def test_tenant_file_without_matching_reference_goes_to_the_landlords_address(
    landlord, landlord_admin, dwelling
):
    r = route(
        sender_kind="locataire_inscrit",
        topic="situation",
        landlord=landlord,
        tenant_reference="INCONNU-1",
    )
    assert r.destination == Destination.LANDLORD and r.dwelling is None
    expected = "demandes@ssdh.example"
    assert r.recipients == (expected,)


def test_without_a_configured_address_the_landlords_administrators_get_it(commune):
    landlord = LandlordFactory(name="Bailleur sans adresse", siret="73282932000074")
    StaffFactory(
        username="adm-b",
        landlord=landlord,
        role=StaffRole.LANDLORD_ADMIN,
        email="b.admin@bailleur.example",
        password="x",
        first_name="",
    )
    StaffFactory(
        username="agent-b",
        landlord=landlord,
        role=StaffRole.AGENT,
        email="b.agent@bailleur.example",
        password="x",
        first_name="",
    )
    r = route(sender_kind="locataire_inscrit", topic="situation", landlord=landlord)
    assert r.destination == Destination.LANDLORD
    assert r.recipients == ("b.admin@bailleur.example",)


def test_a_landlord_without_any_address_is_to_investigate(commune):
    landlord = LandlordFactory(name="Bailleur injoignable", siret="73282932000074")
    r = route(sender_kind="locataire_inscrit", topic="situation", landlord=landlord)
    assert r.destination == Destination.SUPPORT and r.to_investigate
    assert r.landlord == landlord


def test_a_tenant_not_yet_registered_goes_to_the_landlord_even_for_sign_in(landlord, dwelling):
    r = route(
        sender_kind="locataire_non_inscrit",
        topic="connexion",
        landlord=landlord,
        tenant_reference="LOC-42",
    )
    assert r.destination == Destination.LANDLORD
    assert r.recipients == ("gestion@ssdh.example",)


@pytest.mark.parametrize("kind", ["locataire_inscrit", "locataire_non_inscrit"])
def test_unknown_landlord_is_flagged_to_investigate(kind):
    r = route(sender_kind=kind, topic="eligibilite", landlord=None, tenant_reference="LOC-42")
    assert r.destination == Destination.SUPPORT and r.to_investigate


def test_tenant_file_question_from_a_non_tenant_is_to_investigate(landlord):
    r = route(sender_kind="autre", topic="dossier_echange", landlord=None)
    assert r.destination == Destination.SUPPORT and r.to_investigate
