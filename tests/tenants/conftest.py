"""Fixtures for the tenant area: landlords, patrimoine rows, tenants in any status."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bourse.factories import DwellingFactory, StaffFactory
from bourse.models import Landlord, StaffRole
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
    dwelling = dwelling or DwellingFactory(landlord=landlord, n=n)
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


@pytest.fixture
def agent(landlord):
    return StaffFactory(
        username="agent-a", role=StaffRole.AGENT, landlord=landlord, password=PASSWORD
    )


@pytest.fixture
def landlord_admin(landlord):
    return StaffFactory(
        username="admin-a", role=StaffRole.LANDLORD_ADMIN, landlord=landlord, password=PASSWORD
    )


@pytest.fixture
def agent_b(landlord_b):
    return StaffFactory(
        username="agent-b", role=StaffRole.AGENT, landlord=landlord_b, password=PASSWORD
    )


@pytest.fixture
def admin_b(landlord_b):
    return StaffFactory(
        username="admin-b", role=StaffRole.LANDLORD_ADMIN, landlord=landlord_b, password=PASSWORD
    )


@pytest.fixture
def amo(db):
    return StaffFactory(username="amo", role=StaffRole.SUPER_ADMIN, password=PASSWORD)


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
