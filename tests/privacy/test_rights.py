"""The tenants' own rights (issue 18): « Télécharger mes données » (the ZIP's
content, a GET that writes nothing, one's own data only) and « Supprimer mon
compte » (refused while a file is open, confirmation, anonymisation, every
session ended); the privacy pages for tenants only."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bourse.exchanges.models import Step
from bourse.tenants import contacts
from bourse.tenants.models import ContactRequest, ListingPhoto, SavedSearch, TenantProfile

from .conftest import PASSWORD, make_file

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def rich_tenant(tenant, other_tenant):
    """A tenant with a photo, a contact request, a saved search."""
    ListingPhoto.objects.create(
        listing=tenant.listing, file=ContentFile(b"\xff\xd8\xffphoto", name="salon.jpg")
    )
    ContactRequest.objects.create(
        sender=tenant, receiver=other_tenant, message="Bonjour, votre T3 m’intéresse."
    )
    SavedSearch.objects.create(tenant=tenant, name="Près du métro", filters={"commune": "93048"})
    return tenant


def download(client):
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_readable_json_csv_and_photos(client, rich_tenant, other_tenant):
    client.force_login(rich_tenant.user)
    archive = download(client)
    names = set(archive.namelist())
    assert {"LISEZMOI.txt", "donnees.json", "profil.csv", "annonce.csv"} <= names
    assert {"demandes_de_contact.csv", "dossiers_echange.csv"} <= names
    assert {"recherches_enregistrees.csv", "visites.csv"} <= names
    assert {"consentements.csv", "alertes.csv", "photos.csv"} <= names
    data = json.loads(archive.read("donnees.json"))
    assert data["profil"]["adresse électronique"] == rich_tenant.user.email
    assert data["profil"]["téléphone"] == rich_tenant.phone
    assert data["profil"]["bailleur"] == rich_tenant.landlord.name
    assert data["annonce"]["description du logement"] == "Un beau logement lumineux."
    assert data["demandes_de_contact"][0]["message"] == "Bonjour, votre T3 m’intéresse."
    assert data["demandes_de_contact"][0]["autre foyer"] == other_tenant.user.first_name
    assert data["recherches_enregistrees"][0]["nom"] == "Près du métro"
    assert "alertes par courriel" in data["consentements"]
    photo = data["photos"][0]["fichier"]
    assert archive.read(photo) == b"\xff\xd8\xffphoto"
    profile_csv = archive.read("profil.csv").decode("utf-8-sig")
    assert rich_tenant.user.email in profile_csv and profile_csv.startswith("champ;valeur")
    # Only one's own data: the other household's e-mail and surname are not there.
    blob = b"".join(archive.read(name) for name in names).decode("utf-8", "ignore")
    assert other_tenant.user.email not in blob and other_tenant.user.last_name not in blob


def test_the_zip_lists_the_exchange_files(client, tenant, partner_tenant):
    file = make_file([tenant, partner_tenant], step=Step.INSTRUCTION)
    client.force_login(tenant.user)
    data = json.loads(download(client).read("donnees.json"))
    assert data["dossiers_echange"][0]["dossier"] == file.reference
    assert data["dossiers_echange"][0]["numéro unique régional (NUR)"]


def test_the_zip_holds_the_conversations(client, tenant, other_tenant):
    from bourse.conversations import services as conversations

    request = ContactRequest.objects.create(
        sender=tenant, receiver=other_tenant, message="Bonjour, votre T3 m’intéresse."
    )
    conversation = conversations.conversation_for_request(request)
    conversations.post_message(conversation, other_tenant, "Passez samedi à 10 h.")
    client.force_login(tenant.user)
    data = json.loads(download(client).read("donnees.json"))
    texts = {(row["auteur"], row["texte"]) for row in data["conversations"]}
    assert ("vous", "Bonjour, votre T3 m’intéresse.") in texts
    assert (conversations.pseudonym(other_tenant), "Passez samedi à 10 h.") in texts
    assert other_tenant.user.last_name not in json.dumps(data, ensure_ascii=False)


def test_the_download_writes_nothing(client, rich_tenant):
    client.force_login(rich_tenant.user)
    client.get(reverse("privacy:my_data"))
    with CaptureQueriesContext(connection) as queries:
        download(client)
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]


@pytest.mark.parametrize("name", ["privacy:my_data", "privacy:download", "privacy:delete_account"])
def test_staff_and_anonymous_cannot_use_the_tenant_rights(client, agent, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(agent)
    assert client.get(reverse(name)).status_code == 403


def test_the_tenant_area_links_to_my_data(client, tenant):
    client.force_login(tenant.user)
    page = client.get(reverse("tenants:dashboard")).content.decode()
    assert reverse("privacy:my_data") in page
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert reverse("privacy:download") in page and reverse("privacy:delete_account") in page
    assert "24 mois" in page  # the retention table, from the code


# --- Supprimer mon compte ---------------------------------------------------------------


def test_deletion_refused_while_a_file_is_open(client, tenant, partner_tenant):
    file = make_file([tenant, partner_tenant], step=Step.CAL_SCHEDULED)
    client.force_login(tenant.user)
    page = client.get(reverse("privacy:delete_account")).content.decode()
    assert "ne peut pas être supprimé" in page and file.reference in page
    response = client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 409
    tenant.refresh_from_db()
    assert tenant.anonymised_at is None and tenant.user.email


def test_deletion_needs_the_password_and_the_box(client, tenant):
    client.force_login(tenant.user)
    response = client.post(reverse("privacy:delete_account"), {"password": "faux", "confirm": "on"})
    assert response.status_code == 400
    assert "Le mot de passe est incorrect." in response.content.decode()
    response = client.post(reverse("privacy:delete_account"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer la suppression." in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.anonymised_at is None


def test_deletion_anonymises_now_and_ends_every_session(client, tenant, other_tenant):
    ContactRequest.objects.create(sender=other_tenant, receiver=tenant, message="Bonjour")
    SavedSearch.objects.create(tenant=tenant, name="Montreuil", filters={"commune": "93048"})
    other_device = Client()
    other_device.force_login(tenant.user)
    assert other_device.get(reverse("tenants:dashboard")).status_code == 200
    client.force_login(tenant.user)
    response = client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 200
    assert "Votre compte est supprimé" in response.content.decode()
    tenant = TenantProfile.objects.select_related("user").get(pk=tenant.pk)
    assert tenant.anonymised_at is not None
    assert (tenant.user.email, tenant.user.last_name, tenant.phone) == ("", "", "")
    assert not tenant.user.is_active and not tenant.user.has_usable_password()
    assert not SavedSearch.objects.filter(tenant=tenant).exists()
    assert ContactRequest.objects.get().message == "[supprimé]"
    event = tenant.listing.events.get(kind="anonymised")
    assert event.actor_kind == "tenant"
    # This browser and the other one are signed out.
    for browser in (client, other_device):
        response = browser.get(reverse("tenants:dashboard"))
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_contacts_still_work_for_the_other_household(client, tenant, other_tenant):
    """The household that talked with a deleted account keeps its own requests."""
    client.force_login(tenant.user)
    client.post(reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert contacts is not None
    assert TenantProfile.objects.filter(pk=other_tenant.pk, anonymised_at=None).exists()
