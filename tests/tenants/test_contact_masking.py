"""Contact details written in the free texts of the tenant area are masked before they
are stored (issue 17): a request's message and answer, the listing's description
(flagged to moderation), a visit outcome's reason; the forms say so before sending."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bourse.tenants import contacts, services, visits
from bourse.tenants.models import ContactRequest, EventKind, ModerationCase, VisitOutcome
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db

NOTICE = "seront masqués"


def test_request_message_and_answer_are_stored_masked(tenant, other_tenant):
    request_obj = contacts.send_request(
        tenant, other_tenant.listing, "Bonjour, appelez-moi au 06 12 34 56 78 !"
    )
    request_obj.refresh_from_db()
    assert request_obj.message == "Bonjour, appelez-moi au [numéro masqué] !"
    masked = contacts.answer(request_obj, other_tenant, True, "ok : jean.d@gmail.com")
    request_obj.refresh_from_db()
    assert request_obj.answer == "ok : [adresse masquée]"
    assert len(masked) == 1
    for mail in OutboundEmail.objects.all():
        assert "56 78" not in mail.body and "jean.d@" not in mail.body


def test_the_request_form_warns_before_and_tells_after(client, tenant, other_tenant):
    client.force_login(tenant.user)
    page = client.get(reverse("tenants:listing", args=[other_tenant.listing.pk]))
    assert NOTICE in page.content.decode()
    answer = client.post(
        reverse("tenants:contact_create", args=[other_tenant.listing.pk]),
        {"message": "Mon numéro : zéro six douze trente-quatre 56 78"},
        follow=True,
    )
    assert "nous avons masqué 1 numéro de téléphone" in answer.content.decode()
    assert ContactRequest.objects.get().message == "Mon numéro : [numéro masqué]"


def test_description_masked_and_always_sent_to_moderation(tenant, settings):
    settings.TENANT_MODERATION_SAMPLE_RATE = 0.0
    listing = tenant.listing
    services.save_housing_sheet(
        listing, tenant.user, {"description": "Beau T3 lumineux, appelez le 01 45 67 89 10."}
    )
    listing.refresh_from_db()
    assert listing.description == "Beau T3 lumineux, appelez le [numéro masqué]."
    assert ModerationCase.objects.filter(listing=listing, version=listing.version).exists()
    assert listing.events.filter(kind=EventKind.MODERATION, reason__contains="masquées").exists()
    # Without any detail, a version outside the sample is not reviewed.
    services.save_housing_sheet(
        listing, tenant.user, {"description": "Beau T3 lumineux de 65 m² au 3e étage."}
    )
    listing.refresh_from_db()
    assert not ModerationCase.objects.filter(listing=listing, version=listing.version).exists()


def test_visit_reason_is_masked(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    contacts.answer(request_obj, other_tenant, True)
    request_obj.refresh_from_db()
    outcome = visits.record_outcome(
        request_obj,
        tenant,
        interested=True,
        visited_on=timezone.localdate(),
        reason="Rappelez-moi au 07 81 22 45 09",
    )
    assert outcome.masked
    assert VisitOutcome.objects.get().reason == "Rappelez-moi au [numéro masqué]"
