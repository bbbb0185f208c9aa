"""Fixtures for the tenant area: landlords, patrimoine rows, tenants in any status."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bourse.models import Commune, Dwelling, Landlord, StaffRole
from bourse.permissions import set_staff_role
from bourse.tenants import services
from bourse.tenants.models import (
    ActorKind,
    EventKind,
    Listing,
    ListingStatus,
    TenantProfile,
)
from bourse.territories import ensure_reference_data

User = get_user_model()
PASSWORD = "Mot-de-passe-locataire-1"


@pytest.fixture
def landlord(db):
    ensure_reference_data()
    return Landlord.objects.create(
        name="Seine-Saint-Denis Habitat",
        siret="73282932000074",
        contact_email="contact@ssdh.example",
    )


@pytest.fixture
def landlord_b(db):
    ensure_reference_data()
    return Landlord.objects.create(name="Paris Habitat", siret="34434421000051")


def make_dwelling(landlord, n, **fields) -> Dwelling:
    values = {
        "housing_reference": f"LOG-{n}",
        "address": f"{n} rue de la République",
        "commune": Commune.objects.get(pk=fields.pop("commune", "93048")),
        "typology": "T3",
        "surface": Decimal("60"),
        "floor": 2,
        "lift": True,
        "rent": Decimal("450"),
        "charges": Decimal("90"),
        "reservataire_kind": "bailleur",
        "reservataire_code": "",
        "tenant_reference": f"LOC-{n}",
        "tenant_name": f"NOM{n}",
        "eligible_flag": True,
        "contact1_email": "gestion@bailleur.example",
        "contact2_email": "cal@bailleur.example",
    }
    values.update(fields)
    return Dwelling.objects.create(landlord=landlord, **values)


def make_tenant(
    landlord,
    n,
    *,
    status=ListingStatus.ACTIVE,
    complete=True,
    confirmed=True,
    dwelling=None,
    communes=None,
    typologies=None,
    last_login=None,
    deactivation_reason="",
    suspended_at=None,
    **criteria,
) -> TenantProfile:
    """A tenant registered on an eligible row, with a listing in ``status``."""
    dwelling = dwelling or make_dwelling(landlord, n)
    now = timezone.now()
    user = User.objects.create_user(
        f"locataire{n}@exemple.fr",
        email=f"locataire{n}@exemple.fr",
        password=PASSWORD,
        first_name=f"Prénom{n}",
        last_name=f"Nom{n}",
    )
    user.last_login = last_login or now
    user.date_joined = min(user.date_joined, user.last_login)
    user.save(update_fields=["last_login", "date_joined"])
    profile = TenantProfile.objects.create(
        user=user,
        landlord=landlord,
        dwelling=dwelling,
        tenant_reference=dwelling.tenant_reference,
        housing_reference=dwelling.housing_reference,
        phone="06 11 22 33 44",
        household_size=3,
        exchange_reason="bigger",
        email_confirmed_at=now if confirmed else None,
        created_at=user.date_joined,
    )
    listing = Listing(tenant=profile, status=status, description="Un beau logement lumineux.")
    services.copy_facts(listing, dwelling, eligible=True)
    if complete:
        listing.profile_done_at = listing.housing_done_at = listing.criteria_done_at = now
    if status == ListingStatus.ACTIVE:
        listing.published_at = now
    if status == ListingStatus.SUSPENDED:
        listing.suspended_at = suspended_at or now
    listing.deactivation_reason = deactivation_reason
    listing.set_wanted_typologies(typologies or [])
    for name, value in criteria.items():
        setattr(listing, name, value)
    listing.save()
    if communes:
        listing.set_wanted_communes(communes)
    listing.events.create(
        kind=EventKind.STATUS, actor_kind=ActorKind.TENANT, user=user, to_status=status
    )
    return profile


def make_staff(username, role, landlord=None):
    user = User.objects.create_user(
        username, email=f"{username}@bailleur.example", password=PASSWORD, first_name="Agent"
    )
    set_staff_role(user, role, landlord)
    return user


@pytest.fixture
def agent(landlord):
    return make_staff("agent-a", StaffRole.AGENT, landlord)


@pytest.fixture
def landlord_admin(landlord):
    return make_staff("admin-a", StaffRole.LANDLORD_ADMIN, landlord)


@pytest.fixture
def agent_b(landlord_b):
    return make_staff("agent-b", StaffRole.AGENT, landlord_b)


@pytest.fixture
def admin_b(landlord_b):
    return make_staff("admin-b", StaffRole.LANDLORD_ADMIN, landlord_b)


@pytest.fixture
def amo(db):
    return make_staff("amo", StaffRole.SUPER_ADMIN)


@pytest.fixture
def tenant(landlord):
    return make_tenant(landlord, 1)


@pytest.fixture
def other_tenant(landlord):
    return make_tenant(landlord, 2)


@pytest.fixture
def tenant_client(client, tenant):
    client.force_login(tenant.user)
    return client
