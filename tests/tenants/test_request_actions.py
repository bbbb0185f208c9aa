"""A contact request's page posts each action to its own URL (answer, withdraw, NUR, visit)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bourse.tenants import contacts
from bourse.tenants.models import ContactStatus, VisitOutcome

from .conftest import make_tenant

pytestmark = pytest.mark.django_db


def url(name, request_obj):
    return reverse(f"tenants:{name}", args=[request_obj.pk])


def test_the_page_s_forms_post_to_the_action_urls(client, tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    client.force_login(other_tenant.user)
    page = client.get(url("request_detail", request_obj)).content.decode()
    assert f'action="{url("request_answer", request_obj)}"' in page
    assert 'name="action"' not in page
    client.force_login(tenant.user)
    page = client.get(url("request_detail", request_obj)).content.decode()
    assert f'action="{url("request_withdraw", request_obj)}"' in page
    contacts.answer(request_obj, other_tenant, accept=True)
    page = client.get(url("request_detail", request_obj)).content.decode()
    assert f'action="{url("request_nur", request_obj)}"' in page
    assert f'action="{url("request_visit", request_obj)}"' in page


def test_answer_then_nur_then_visit_through_their_urls(client, tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    client.force_login(other_tenant.user)
    assert client.get(url("request_answer", request_obj)).status_code == 405
    response = client.post(url("request_answer", request_obj), {})
    assert response.status_code == 400
    response = client.post(url("request_answer", request_obj), {"decision": "accept"})
    assert response["Location"] == url("request_detail", request_obj)
    request_obj.refresh_from_db()
    assert request_obj.status == ContactStatus.ACCEPTED
    assert client.post(url("request_nur", request_obj), {"nur": "abc"}).status_code == 400
    response = client.post(url("request_nur", request_obj), {"nur": "0931121098765GDPUB"})
    assert response.status_code == 302
    other_tenant.refresh_from_db()
    assert other_tenant.nur == "0931121098765GDPUB"
    response = client.post(
        url("request_visit", request_obj),
        {"visited_on": timezone.localdate().isoformat(), "interested": "yes"},
    )
    assert response.status_code == 302
    assert VisitOutcome.objects.get(tenant=other_tenant).interested is True


def test_withdraw_and_unknown_action(client, tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    client.force_login(tenant.user)
    assert client.post(url("request_detail", request_obj), {"action": "x"}).status_code == 404
    response = client.post(url("request_withdraw", request_obj))
    assert response["Location"] == url("request_detail", request_obj)
    request_obj.refresh_from_db()
    assert request_obj.status == ContactStatus.WITHDRAWN


def test_another_pair_s_request_answers_404_on_every_action(client, tenant, other_tenant, landlord):
    third = make_tenant(landlord, 3)
    request_obj = contacts.send_request(other_tenant, third.listing, "Privé")
    client.force_login(tenant.user)
    for name in ("request_answer", "request_withdraw", "request_nur", "request_visit"):
        assert client.post(url(name, request_obj), {"decision": "accept"}).status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.status == ContactStatus.PENDING
