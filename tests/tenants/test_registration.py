"""Registration against eligibility, e-mail confirmation, sign-in, the three steps."""

import re

import pytest
from django.contrib.auth import get_user_model

from bourse.factories import DwellingFactory
from bourse.models import Position, Reservataire
from bourse.tenants.models import Listing, ListingStatus, TenantProfile
from portal.models import OutboundEmail

from .conftest import PASSWORD, make_tenant

pytestmark = pytest.mark.django_db
User = get_user_model()


def form_data(landlord, n=1, **changes):
    data = {
        "landlord": str(landlord.pk),
        "tenant_reference": f"LOC-{n}",
        "housing_reference": f"LOG-{n}",
        "first_name": "Awa",
        "last_name": "Diallo",
        "birth_name": "",
        "email": "awa.diallo@exemple.fr",
        "password": "Un-mot-de-passe-solide-26",
        "consent": "on",
    }
    data.update(changes)
    return data


def confirmation_link(email=None):
    mail = OutboundEmail.objects.filter(kind="tenants_confirm_email").latest("pk")
    assert email is None or mail.to == [email]
    return re.search(r"http://[^/\s]+(/locataire/confirmer/\S+/)", mail.body).group(1)


def test_the_old_entry_points_redirect_to_the_tenant_area(client):
    assert client.get("/bourse/inscription/")["Location"] == "/locataire/inscription/"
    assert client.get("/bourse/connexion/")["Location"] == "/connexion/"
    assert client.get("/locataire/connexion/?next=/locataire/")["Location"] == (
        "/connexion/?next=/locataire/"
    )


def test_an_eligible_tenant_registers_confirms_and_lands_on_the_first_step(client, landlord):
    DwellingFactory(landlord=landlord, n=1)
    response = client.get("/locataire/inscription/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-password-toggle" in html and 'data-label-hide="Masquer le mot de passe"' in html
    response = client.post(
        "/locataire/inscription/", form_data(landlord, housing_reference=" log-1 ")
    )
    assert response.status_code == 302
    assert response["Location"] == "/locataire/inscription/envoyee/"
    profile = TenantProfile.objects.get()
    assert profile.housing_reference == "LOG-1" and profile.tenant_reference == "LOC-1"
    assert profile.listing.status == ListingStatus.REGISTERED
    assert profile.listing.eligible and profile.listing.commune_id == "93048"
    assert not profile.email_confirmed

    # Not before the address is confirmed.
    response = client.post(
        "/connexion/",
        {"username": "awa.diallo@exemple.fr", "password": form_data(landlord)["password"]},
    )
    assert "Confirmez d’abord votre adresse" in response.content.decode()

    link = confirmation_link("awa.diallo@exemple.fr")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/locataire/etapes/profil/"
    profile.refresh_from_db()
    assert profile.email_confirmed
    assert client.get("/locataire/").status_code == 200
    client.logout()
    assert client.get(link).status_code == 400  # used once


@pytest.mark.parametrize(
    "dwelling_fields",
    [
        {"eligible_flag": False},
        {"in_snapshot": False},
        {"tenant_reference": ""},
        {"reservataire_kind": "commune", "reservataire_code": "93048"},  # opposition below
    ],
)
def test_ineligible_rows_cannot_register(client, landlord, dwelling_fields):
    Reservataire.objects.create(
        kind="commune", code="93048", name="Bobigny", position=Position.OPPOSITION
    )
    DwellingFactory(landlord=landlord, n=1, **dwelling_fields)
    response = client.post("/locataire/inscription/", form_data(landlord))
    html = response.content.decode()
    assert response.status_code == 200
    assert "contactez votre bailleur" in html
    assert not User.objects.exists() and not TenantProfile.objects.exists()
    # Nothing the tenant typed is lost (but the password).
    assert 'value="Diallo"' in html and 'value="awa.diallo@exemple.fr"' in html
    assert "Un-mot-de-passe-solide-26" not in html


def test_unknown_references_cannot_register(client, landlord):
    DwellingFactory(landlord=landlord, n=1)
    response = client.post("/locataire/inscription/", form_data(landlord, tenant_reference="LOC-2"))
    assert "contactez votre bailleur" in response.content.decode()
    assert not TenantProfile.objects.exists()


def test_the_references_must_be_those_of_the_chosen_landlord(client, landlord, landlord_b):
    DwellingFactory(landlord=landlord, n=1)
    client.post("/locataire/inscription/", form_data(landlord_b))
    assert not TenantProfile.objects.exists()


def test_one_account_per_housing_reference(client, landlord):
    make_tenant(landlord, 1)
    response = client.post("/locataire/inscription/", form_data(landlord, email="autre@exemple.fr"))
    assert "Un compte existe déjà pour ce logement" in response.content.decode()
    assert TenantProfile.objects.count() == 1


def test_an_address_already_used_is_refused(client, landlord):
    make_tenant(landlord, 1)
    DwellingFactory(landlord=landlord, n=2)
    response = client.post(
        "/locataire/inscription/", form_data(landlord, 2, email="LOCATAIRE1@exemple.fr")
    )
    assert "déjà utilisée" in response.content.decode()


def test_weak_passwords_and_missing_consent_are_explained(client, landlord):
    DwellingFactory(landlord=landlord, n=1)
    data = form_data(landlord, password="123456789012")
    del data["consent"]
    html = client.post("/locataire/inscription/", data).content.decode()
    assert "Vous devez accepter" in html
    assert "form-error-summary" in html
    assert not TenantProfile.objects.exists()


def test_sign_in_with_address_or_username_and_wrong_password(client, landlord):
    profile = make_tenant(landlord, 1)
    response = client.post(
        "/connexion/", {"username": profile.user.email.upper(), "password": "faux"}
    )
    assert "Identifiant, adresse électronique ou mot de passe incorrect" in (
        response.content.decode()
    )
    response = client.post(
        "/connexion/",
        {"username": profile.user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/locataire/"


def test_staff_accounts_do_not_open_the_tenant_area(client, agent):
    client.force_login(agent)
    assert client.get("/locataire/").status_code == 403
    client.logout()
    # The one sign-in page lets the agent in, to its own home, never the tenant area.
    response = client.post(
        "/connexion/", {"username": agent.username, "password": PASSWORD, "next": "/locataire/"}
    )
    assert response["Location"] == "/bourse/espace-bailleur/"


def test_a_tenant_made_ineligible_is_signed_out_at_the_next_page(client, landlord):
    profile = make_tenant(landlord, 1)
    client.force_login(profile.user)
    assert client.get("/locataire/").status_code == 200
    profile.dwelling.eligible_flag = False
    profile.dwelling.save()
    response = client.get("/locataire/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session


def test_the_three_steps_through_the_pages(client, landlord):
    profile = make_tenant(landlord, 1, status=ListingStatus.REGISTERED, complete=False)
    client.force_login(profile.user)
    html = client.get("/locataire/").content.decode()
    assert (
        "Continuer mon inscription" in html and 'aria-label="Étapes de votre inscription"' in html
    )

    response = client.post("/locataire/etapes/profil/", {"first_name": "Awa", "last_name": ""})
    assert response.status_code == 200
    assert "form-error-summary" in response.content.decode()
    response = client.post(
        "/locataire/etapes/profil/",
        {
            "first_name": "Awa",
            "last_name": "Diallo",
            "phone": "06 12 34 56 78",
            "household_size": "4",
            "exchange_reason": "bigger",
        },
    )
    assert response["Location"] == "/locataire/etapes/logement/"

    response = client.post("/locataire/etapes/logement/", {"description": "Trop court"})
    assert "au moins 30 caractères" in response.content.decode()
    response = client.post(
        "/locataire/etapes/logement/",
        {"description": "Trois pièces lumineuses, proche du tramway et des écoles."},
    )
    assert response["Location"] == "/locataire/etapes/criteres/"
    assert Listing.objects.get(pk=profile.listing.pk).status == ListingStatus.REGISTERED

    response = client.post("/locataire/etapes/criteres/", {"communes": ["75111"]})
    assert "Cochez au moins une typologie" in response.content.decode()
    response = client.post(
        "/locataire/etapes/criteres/",
        {"communes": ["75111", "93048"], "typologies": ["T4", "T5"], "min_surface": "70"},
    )
    assert response["Location"] == "/locataire/"
    listing = Listing.objects.get(pk=profile.listing.pk)
    assert listing.status == ListingStatus.ACTIVE
    assert listing.wanted_typologies == ["T4", "T5"]
    assert set(listing.wanted_communes.values_list("pk", flat=True)) == {"75111", "93048"}
    html = client.get("/locataire/").content.decode()
    assert "Suspendre mon annonce" in html


def test_suspend_and_resume_from_the_dashboard(tenant_client, tenant):
    tenant_client.post("/locataire/annonce/suspendre/")
    assert Listing.objects.get(pk=tenant.listing.pk).status == ListingStatus.SUSPENDED
    assert "Réactiver mon annonce" in tenant_client.get("/locataire/").content.decode()
    tenant_client.post("/locataire/annonce/reprendre/")
    assert Listing.objects.get(pk=tenant.listing.pk).status == ListingStatus.ACTIVE


def test_password_reset_mail_goes_through_the_queue(client, tenant):
    client.post("/mot-de-passe/oublie/", {"email": tenant.user.email})
    mail = OutboundEmail.objects.get(kind="password_reset")
    assert mail.to == [tenant.user.email]
    assert "/mot-de-passe/nouveau/" in mail.body
