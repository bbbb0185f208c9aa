import pytest

from bourse.factories import DwellingFactory, LandlordFactory, StaffFactory, UserFactory
from bourse.models import Commune, StaffRole

SUPPORT_INBOX = "support-equipe@amo.example"
SUPPORT_FROM = "Echanger Habiter <support-equipe@amo.example>"
EDITOR = "tickets@editeur.example"
NO_REPLY = "Echanger Habiter <nepasrepondre@echangerhabiter.example>"
TENANT_EMAIL = "locataire@exemple.fr"


@pytest.fixture(autouse=True)
def contact_settings(settings):
    settings.CONTACT_SUPPORT_INBOX_EMAIL = SUPPORT_INBOX
    settings.CONTACT_SUPPORT_FROM_EMAIL = SUPPORT_FROM
    settings.CONTACT_EDITOR_EMAIL = EDITOR
    settings.CONTACT_RATE_LIMIT = "100/h"
    settings.DEFAULT_FROM_EMAIL = NO_REPLY
    return settings


@pytest.fixture
def landlord(db):
    return LandlordFactory(
        name="Seine-Saint-Denis Habitat",
        siret="73282932000074",
        contact_email="demandes@ssdh.example",
    )


@pytest.fixture
def other_landlord(db):
    return LandlordFactory(
        name="Paris Habitat", siret="34434421000051", contact_email="demandes@ph.example"
    )


@pytest.fixture
def landlord_admin(landlord):
    return StaffFactory(
        username="admin-ssdh",
        landlord=landlord,
        role=StaffRole.LANDLORD_ADMIN,
        email="admin@ssdh.example",
        password="x",
        first_name="",
    )


@pytest.fixture
def agent(landlord):
    return StaffFactory(
        username="agent-ssdh", landlord=landlord, role=StaffRole.AGENT, password="x", first_name=""
    )


@pytest.fixture
def other_agent(other_landlord):
    return StaffFactory(
        username="agent-ph",
        landlord=other_landlord,
        role=StaffRole.AGENT,
        password="x",
        first_name="",
    )


@pytest.fixture
def support_user(db):
    return UserFactory(username="support", email="", password="x", is_superuser=True, is_staff=True)


@pytest.fixture
def commune(db):
    commune = Commune.objects.filter(pk="93048").first()
    if commune is None:
        commune = Commune.objects.create(
            insee_code="93048", name="Montreuil", kind="commune", department="93"
        )
    return commune


class ContactDwellingFactory(DwellingFactory):
    """The patrimoine row the contact tests write about (tenant reference LOC-42)."""

    housing_reference = "LOG-42"
    tenant_reference = "LOC-42"
    address = "12 rue de la Paix"
    surface = 64
    rent = 512
    charges = 98
    reservataire_kind = "commune"
    reservataire_code = "93048"
    tenant_name = "Dupont"
    contact1_email = "gestion@ssdh.example"
    contact2_email = "cal@ssdh.example"


@pytest.fixture
def dwelling(landlord, commune):
    return ContactDwellingFactory(landlord=landlord, commune=commune)


def form_data(**changes):
    data = {
        "sender_kind": "locataire_inscrit",
        "name": "Awa Diallo",
        "email": TENANT_EMAIL,
        "landlord": "",
        "landlord_other": "",
        "tenant_reference": "LOC-42",
        "topic": "eligibilite",
        "body": "Bonjour, je ne comprends pas pourquoi je suis inéligible.",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return data
