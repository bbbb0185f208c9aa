"""A saved search's buttons post to one URL each (alerts on, alerts off, delete)."""

import pytest
from django.urls import reverse

from bourse.tenants import alerts
from bourse.tenants.models import SavedSearch

pytestmark = pytest.mark.django_db


def test_alerts_off_on_then_delete_through_their_urls(tenant_client, tenant):
    search = alerts.save_search(tenant, {"typology": "T2"})
    page = tenant_client.get(reverse("tenants:saved_searches")).content.decode()
    assert f'action="{reverse("tenants:saved_search_alerts_off", args=[search.pk])}"' in page
    assert f'action="{reverse("tenants:saved_search_delete", args=[search.pk])}"' in page
    off = reverse("tenants:saved_search_alerts_off", args=[search.pk])
    assert tenant_client.get(off).status_code == 405
    assert tenant_client.post(off)["Location"] == reverse("tenants:saved_searches")
    search.refresh_from_db()
    assert not search.alerts
    tenant_client.post(reverse("tenants:saved_search_alerts_on", args=[search.pk]))
    search.refresh_from_db()
    assert search.alerts
    tenant_client.post(reverse("tenants:saved_search_delete", args=[search.pk]))
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_another_tenants_search_answers_404_on_every_url(client, tenant, other_tenant):
    search = alerts.save_search(other_tenant, {"typology": "T2"})
    client.force_login(tenant.user)
    for name in ("saved_search_alerts_on", "saved_search_alerts_off", "saved_search_delete"):
        assert client.post(reverse(f"tenants:{name}", args=[search.pk])).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()
