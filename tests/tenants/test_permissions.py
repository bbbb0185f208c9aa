"""Permissions both ways: tenants reach only their own things; staff only their landlord's."""

import pytest

from bourse.tenants import contacts
from bourse.tenants.models import DeactivationReason, Listing, ListingStatus, TenantProfile

from .conftest import make_tenant

pytestmark = pytest.mark.django_db
STAFF = "/bourse/espace-bailleur/locataires/"


@pytest.fixture
def third(landlord):
    return make_tenant(landlord, 3)


def test_a_tenant_cannot_read_another_pair_s_request(client, tenant, other_tenant, third):
    request_obj = contacts.send_request(other_tenant, third.listing, "Privé")
    client.force_login(tenant.user)
    assert client.get(f"/locataire/demandes/{request_obj.pk}/").status_code == 404
    response = client.post(
        f"/locataire/demandes/{request_obj.pk}/", {"action": "answer", "decision": "accept"}
    )
    assert response.status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.status == "pending"
    assert "Privé" not in client.get("/locataire/demandes/").content.decode()


def test_a_tenant_cannot_delete_another_s_photo(client, tenant, other_tenant):
    from bourse.tenants.photos import add_photo

    from .test_moderation_and_photos import jpeg_with_gps, upload

    photo = add_photo(other_tenant.listing, upload(jpeg_with_gps()))
    client.force_login(tenant.user)
    response = client.post(f"/locataire/etapes/logement/photos/{photo.pk}/supprimer/")
    assert response.status_code == 404
    assert other_tenant.listing.photos.count() == 1


def test_the_steps_only_ever_change_one_s_own_listing(client, tenant, other_tenant):
    client.force_login(tenant.user)
    client.post(
        "/locataire/etapes/logement/",
        {"description": "Une description assez longue pour être valide.", "listing": "2"},
    )
    assert Listing.objects.get(pk=other_tenant.listing.pk).description != (
        "Une description assez longue pour être valide."
    )


def test_a_tenant_cannot_see_a_registered_listing_of_another(client, landlord, tenant):
    registered = make_tenant(landlord, 5, status=ListingStatus.REGISTERED, complete=False)
    client.force_login(tenant.user)
    assert client.get(f"/locataire/annonces/{registered.listing.pk}/").status_code == 404
    response = client.post(
        f"/locataire/annonces/{registered.listing.pk}/contacter/", {"message": "Bonjour"}
    )
    assert response.status_code == 404
    assert client.post(f"/locataire/annonces/{registered.listing.pk}/signaler/").status_code == 404


def test_tenants_never_reach_the_staff_screens(client, tenant):
    client.force_login(tenant.user)
    assert client.get(STAFF).status_code == 403
    assert client.get(f"{STAFF}{tenant.pk}/").status_code == 403
    assert client.get("/bourse/espace-bailleur/moderation/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, tenant):
    for url in ("/locataire/", "/locataire/recherche/", f"/locataire/annonces/{tenant.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert client.get(STAFF)["Location"].startswith("/connexion/")


def test_agents_see_only_their_landlord_s_tenants(client, landlord, landlord_b, agent, agent_b):
    mine = make_tenant(landlord, 1)
    theirs = make_tenant(landlord_b, 2)
    client.force_login(agent)
    html = client.get(STAFF).content.decode()
    assert mine.user.last_name in html and theirs.user.last_name not in html
    assert client.get(f"{STAFF}{theirs.pk}/").status_code == 404
    assert client.get(f"{STAFF}?bailleur={landlord_b.pk}").status_code == 403
    for action, data in (
        ("desactiver/", {"deactivate-reason": "x"}),
        ("reactiver/", {}),
        ("anonymiser/", {"confirm": "on"}),
        ("description/retirer/", {"remove-reason": "x"}),
    ):
        assert client.post(f"{STAFF}{theirs.pk}/{action}", data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.anonymised_at is None
    assert Listing.objects.get(pk=theirs.listing.pk).status == ListingStatus.ACTIVE


def test_amo_sees_every_landlord(client, landlord, landlord_b, amo):
    mine = make_tenant(landlord, 1)
    theirs = make_tenant(landlord_b, 2)
    client.force_login(amo)
    html = client.get(STAFF).content.decode()
    assert mine.user.last_name in html and theirs.user.last_name in html
    html = client.get(STAFF, {"bailleur": landlord_b.pk}).content.decode()
    assert mine.user.last_name not in html and theirs.user.last_name in html


def test_agent_deactivates_and_reactivates_within_the_rules(client, landlord, agent):
    profile = make_tenant(landlord, 1)
    client.force_login(agent)
    html = client.get(f"{STAFF}{profile.pk}/").content.decode()
    assert "Désactiver le compte" in html and "Réactiver le compte" not in html
    client.post(f"{STAFF}{profile.pk}/desactiver/", {"deactivate-reason": ""})
    assert Listing.objects.get(pk=profile.listing.pk).status == ListingStatus.ACTIVE
    client.post(f"{STAFF}{profile.pk}/desactiver/", {"deactivate-reason": "Départ du logement"})
    listing = Listing.objects.get(pk=profile.listing.pk)
    assert listing.status == ListingStatus.DEACTIVATED
    html = client.get(f"{STAFF}{profile.pk}/").content.decode()
    assert "Réactiver le compte" in html and "Départ du logement" in html
    client.post(f"{STAFF}{profile.pk}/reactiver/")
    assert Listing.objects.get(pk=profile.listing.pk).status == ListingStatus.ACTIVE


def test_reactivate_is_not_offered_for_inactivity_nor_registered(client, landlord, agent):
    inactive = make_tenant(
        landlord,
        1,
        status=ListingStatus.DEACTIVATED,
        deactivation_reason=DeactivationReason.INACTIVITY,
    )
    registered = make_tenant(landlord, 2, status=ListingStatus.REGISTERED, complete=False)
    client.force_login(agent)
    for profile in (inactive, registered):
        html = client.get(f"{STAFF}{profile.pk}/").content.decode()
        assert "Réactiver le compte</button>" not in html
        client.post(f"{STAFF}{profile.pk}/reactiver/")
    assert Listing.objects.get(pk=inactive.listing.pk).status == ListingStatus.DEACTIVATED
    assert Listing.objects.get(pk=registered.listing.pk).status == ListingStatus.REGISTERED


def test_staff_list_filters(client, landlord, agent):
    make_tenant(landlord, 1)
    suspended = make_tenant(landlord, 2, status=ListingStatus.SUSPENDED)
    client.force_login(agent)
    html = client.get(STAFF, {"status": "suspended"}).content.decode()
    assert suspended.user.last_name in html and "Nom1<" not in html
    html = client.get(STAFF, {"q": "LOC-1"}).content.decode()
    assert "Prénom1 Nom1" in html and "Prénom2" not in html
    assert TenantProfile.objects.count() == 2
