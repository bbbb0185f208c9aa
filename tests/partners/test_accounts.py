"""The AMO creates partner accounts in the staff area; nobody else may."""

import pytest
from django.contrib.auth import get_user_model

from bourse.models import StaffProfile, StaffRole

pytestmark = pytest.mark.django_db
LIST = "/bourse/espace-bailleur/partenaires/"
CREATE = "/bourse/espace-bailleur/partenaires/nouveau/"
User = get_user_model()


def form(chosen, **changes):
    return {
        "username": "drihl.stats",
        "email": "Stats@DRIHL.example",
        "first_name": "Denise",
        "last_name": "Rihl",
        "reservataire": chosen.pk,
        **changes,
    }


def test_the_amo_lists_partner_accounts(client, amo, partners):
    client.force_login(amo)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "partenaire-etat" in html and "Action Logement Services" in html
    assert f'href="{CREATE}"' in html


def test_the_amo_creates_a_partner_account(client, amo, reservataires, activity):
    client.force_login(amo)
    assert "Créer un compte partenaire" in client.get(CREATE).content.decode()
    response = client.post(CREATE, form(reservataires["state"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compte partenaire créé" in html
    password = html.split('id="mot-de-passe-initial">')[1].split("<")[0]
    account = User.objects.get(username="drihl.stats")
    assert account.email == "stats@drihl.example"
    assert account.check_password(password)
    profile = StaffProfile.objects.get(user=account)
    assert profile.role == StaffRole.PARTNER
    assert profile.reservataire == reservataires["state"]
    assert profile.landlord is None
    assert set(account.groups.values_list("name", flat=True)) == {"Partenaires"}
    # The new partner opens their space, on the State's contingent; no staff screen.
    client.force_login(account)
    assert "État (DRIHL)" in client.get("/bourse/espace-partenaire/contingent/").content.decode()
    assert client.get("/bourse/espace-bailleur/").status_code == 403


@pytest.mark.parametrize("who", ["landlord_admins", "agents"])
def test_landlord_staff_cannot_create_partners(client, request, reservataires, who):
    client.force_login(request.getfixturevalue(who)["a"])
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    response = client.post(CREATE, form(reservataires["state"]))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert not User.objects.filter(username="drihl.stats").exists()


def test_a_partner_cannot_create_partners(client, partners, reservataires):
    client.force_login(partners["state"])
    assert client.post(CREATE, form(reservataires["al"])).status_code == 403
    assert not User.objects.filter(username="drihl.stats").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for url in (LIST, CREATE):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reservataire": ""}, "Choisissez le réservataire du partenaire."),
        ({"reservataire": "999999"}, "Choisissez un réservataire de la liste."),
        ({"username": "partenaire-etat"}, "Cet identifiant est déjà utilisé."),
        ({"username": "a b"}, "L’identifiant ne peut contenir que des lettres"),
        ({"email": "pas-une-adresse"}, "Indiquez une adresse e-mail valide."),
        ({"email": "partenaire-al@partenaire.example"}, "Un compte existe déjà avec cette"),
        ({"last_name": ""}, "Champ requis."),
    ],
)
def test_bad_input_creates_nothing(client, amo, partners, reservataires, changes, message):
    client.force_login(amo)
    before = User.objects.count()
    response = client.post(CREATE, form(reservataires["state"], **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le formulaire contient" in html
    assert message in html
    assert User.objects.count() == before


def test_a_landlord_contingent_is_no_partner(client, amo, reservataires):
    from bourse.models import Reservataire

    own = Reservataire.objects.create(kind="bailleur", name="Contingent propre")
    client.force_login(amo)
    response = client.post(CREATE, form(own))
    assert "Choisissez un réservataire de la liste." in response.content.decode()
    assert not User.objects.filter(username="drihl.stats").exists()


def test_a_partner_profile_needs_a_reservataire(db, partners):
    from django.db import IntegrityError, transaction

    profile = partners["state"].staff_profile
    profile.reservataire = None
    with pytest.raises(IntegrityError), transaction.atomic():
        profile.save()
