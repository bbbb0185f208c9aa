"""Contact requests between tenants: who may write to whom, answers, NUR, ready pairs."""

import pytest
from django.core.exceptions import ValidationError

from bourse.tenants import contacts
from bourse.tenants.contacts import ContactError, validate_nur
from bourse.tenants.models import ContactRequest, ContactStatus, DeactivationReason, ListingStatus
from portal.models import OutboundEmail

from .conftest import make_tenant

pytestmark = pytest.mark.django_db
S = ListingStatus


def test_a_request_to_an_active_listing_notifies_the_receiver(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour !")
    assert request_obj.status == ContactStatus.PENDING
    mail = OutboundEmail.objects.get(kind="tenants_contact_received")
    assert mail.to == [other_tenant.user.email]
    assert tenant.user.email not in mail.body and tenant.user.last_name not in mail.body
    assert f"/locataire/demandes/{request_obj.pk}/" in mail.body


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (S.REGISTERED, ""),
        (S.SUSPENDED, ""),
        (S.DEACTIVATED, DeactivationReason.MANUAL),
    ],
)
def test_only_active_listings_receive_requests(landlord, tenant, status, reason):
    other = make_tenant(
        landlord, 2, status=status, complete=status != S.REGISTERED, deactivation_reason=reason
    )
    assert contacts.contact_refusal(tenant, other.listing)
    with pytest.raises(ContactError):
        contacts.send_request(tenant, other.listing, "Bonjour")
    assert not ContactRequest.objects.exists()


def test_an_ineligible_tenant_receives_no_request(tenant, other_tenant):
    other_tenant.dwelling.eligible_flag = False
    other_tenant.dwelling.save()
    with pytest.raises(ContactError):
        contacts.send_request(tenant, other_tenant.listing, "Bonjour")


def test_a_registered_tenant_cannot_send_requests(landlord, other_tenant):
    me = make_tenant(landlord, 1, status=S.REGISTERED, complete=False)
    assert "doit être active" in contacts.contact_refusal(me, other_tenant.listing)


def test_no_request_to_oneself_nor_twice_to_the_same_tenant(tenant, other_tenant):
    assert contacts.contact_refusal(tenant, tenant.listing)
    contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    with pytest.raises(ContactError, match="déjà en contact"):
        contacts.send_request(tenant, other_tenant.listing, "Encore")
    with pytest.raises(ContactError, match="déjà en contact"):
        contacts.send_request(other_tenant, tenant.listing, "Dans l’autre sens")


def test_daily_limit(landlord, tenant):
    for n in range(2, 2 + contacts.DAILY_LIMIT):
        contacts.send_request(tenant, make_tenant(landlord, n).listing, "Bonjour")
    extra = make_tenant(landlord, 99)
    with pytest.raises(ContactError, match="24 heures"):
        contacts.send_request(tenant, extra.listing, "Bonjour")


def test_only_the_receiver_answers_and_only_once(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    with pytest.raises(ContactError):
        contacts.answer(request_obj, tenant, accept=True)
    contacts.answer(request_obj, other_tenant, accept=False, text="Non merci")
    request_obj.refresh_from_db()
    assert request_obj.status == ContactStatus.DECLINED
    assert OutboundEmail.objects.filter(kind="tenants_contact_answered").count() == 1
    with pytest.raises(ContactError):
        contacts.answer(request_obj, other_tenant, accept=True)
    # Declined: a new request may be sent.
    contacts.send_request(tenant, other_tenant.listing, "Et maintenant ?")


def test_withdraw_a_pending_request(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    with pytest.raises(ContactError):
        contacts.withdraw(request_obj, other_tenant)
    contacts.withdraw(request_obj, tenant)
    request_obj.refresh_from_db()
    assert request_obj.status == ContactStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0751121012345GDPUB", "0751121012345GDPUB"),
        (" 075 11 21 012345 gdpub ", "0751121012345GDPUB"),
        ("075-11-21-012345-GDPUB", "0751121012345GDPUB"),
    ],
)
def test_nur_is_normalised(value, expected):
    assert validate_nur(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "123", "abc", "B123", "075/112", "A" * 18])
def test_bad_nur_is_refused_with_the_expected_form(value):
    with pytest.raises(ValidationError, match="075 06 23 012345 GDPUB"):
        validate_nur(value)


def test_accepted_and_both_nur_entered_opens_the_exchange_file(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    contacts.set_nur(tenant, "0751121012345GDPUB")
    assert not contacts.ready_pairs().exists()
    contacts.answer(request_obj, other_tenant, accept=True)
    assert not contacts.ready_pairs().exists()
    assert request_obj.exchange_file is None
    contacts.set_nur(other_tenant, "0931121098765GDPUB")
    request_obj.refresh_from_db()
    assert request_obj.ready_at is not None
    assert request_obj.exchange_file is not None
    assert request_obj.exchange_file_opened_at is not None
    assert not contacts.ready_pairs().exists()
    parties = list(request_obj.exchange_file.parties.order_by("position"))
    assert [(p.tenant_user_id, p.nur) for p in parties] == [
        (tenant.user_id, "0751121012345GDPUB"),
        (other_tenant.user_id, "0931121098765GDPUB"),
    ]
    # The file's own "created" mails replace the "ready" one.
    assert OutboundEmail.objects.filter(kind="exchange_created").exists()
    assert not OutboundEmail.objects.filter(kind="tenants_ready_for_file").exists()
    contacts.set_nur(other_tenant, "0931121098766GDPUB")  # a correction: no second file
    assert request_obj.exchange_file.parties.count() == 2
    assert type(request_obj.exchange_file).objects.count() == 1


def test_contact_pages_for_both_tenants(client, tenant, other_tenant):
    client.force_login(tenant.user)
    response = client.post(
        f"/locataire/annonces/{other_tenant.listing.pk}/contacter/", {"message": ""}
    )
    assert response.status_code == 400 and "Écrivez un message" in response.content.decode()
    response = client.post(
        f"/locataire/annonces/{other_tenant.listing.pk}/contacter/",
        {"message": "Votre T3 m’intéresse."},
    )
    request_obj = ContactRequest.objects.get()
    assert response["Location"] == f"/locataire/demandes/{request_obj.pk}/"
    client.force_login(other_tenant.user)
    html = client.get(f"/locataire/demandes/{request_obj.pk}/").content.decode()
    assert "Votre T3 m’intéresse." in html and "Envoyer ma réponse" in html
    client.post(
        f"/locataire/demandes/{request_obj.pk}/", {"action": "answer", "decision": "accept"}
    )
    response = client.post(
        f"/locataire/demandes/{request_obj.pk}/", {"action": "nur", "nur": "pas un NUR !"}
    )
    assert "075 06 23 012345 GDPUB" in response.content.decode()
    response = client.post(
        f"/locataire/demandes/{request_obj.pk}/", {"action": "nur", "nur": "abc"}
    )
    assert response.status_code == 400
    other_tenant.refresh_from_db()
    assert other_tenant.nur == ""
    client.post(
        f"/locataire/demandes/{request_obj.pk}/",
        {"action": "nur", "nur": "093 11 21 098765 gdpub"},
    )
    other_tenant.refresh_from_db()
    assert other_tenant.nur == "0931121098765GDPUB"
