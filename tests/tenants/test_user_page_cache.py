"""The per-session cache of the tenant's dashboard and search (portal/usercache.py):
a second visit is served from it, any committed write shows at once, and no
page ever reaches another session, another user or a refused account.

These tests commit (``transactional_db``): inside a test's transaction every
write is still pending, and the cache is then neither read nor written."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bourse.models import Dwelling
from bourse.tenants.models import DeactivationReason, Listing, ListingStatus
from portal import usercache

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = usercache.HEADER
DASHBOARD = "/locataire/"


def signed_in(user) -> Client:
    """A browser-like client: signed in, with its CSRF cookie (as after the sign-in form)."""
    client = Client()
    client.force_login(user)
    client.get(reverse("tenants:saved_searches"))  # the CSRF cookie, as any page gives it
    assert "csrftoken" in client.cookies
    return client


def cached(user) -> Client:
    """A signed-in client whose dashboard is now served from the cache."""
    client = signed_in(user)
    client.get(DASHBOARD)
    assert client.get(DASHBOARD)[HEADER] == "hit"
    return client


def test_a_second_visit_is_served_from_the_cache(tenant):
    client = signed_in(tenant.user)
    first, second = client.get(DASHBOARD), client.get(DASHBOARD)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert "Bonjour Prénom1" in second.content.decode()
    # The middleware still runs around a hit: the page is never stored by a browser.
    assert "no-store" in second["Cache-Control"]
    assert second["Content-Security-Policy"]


def test_the_search_is_cached_per_query(tenant):
    client = signed_in(tenant.user)
    url = reverse("tenants:search")
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url + "?typologie=T3")[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"


@pytest.mark.parametrize(
    "write",
    [
        lambda t: get_user_model().objects.filter(pk=t.user_id).update(first_name="Renée"),
        lambda t: connection.cursor().execute(
            "UPDATE auth_user SET first_name = %s WHERE id = %s", ["Renée", t.user_id]
        ),
    ],
    ids=["orm-update", "raw-sql"],
)
def test_a_committed_write_shows_at_once(tenant, write):
    client = cached(tenant.user)
    write(tenant)
    response = client.get(DASHBOARD)
    assert response[HEADER] == "miss"
    assert "Bonjour Renée" in response.content.decode()


def test_while_a_write_is_not_committed_the_cache_is_left_alone(tenant):
    client = signed_in(tenant.user)
    client.get(DASHBOARD)
    with transaction.atomic():
        get_user_model().objects.filter(pk=tenant.user_id).update(first_name="Renée")
        response = client.get(DASHBOARD)
        assert HEADER not in response  # neither read nor stored
        assert "Bonjour Renée" in response.content.decode()
        transaction.set_rollback(True)
    # Rolled back: nothing changed, the stored page is still good.
    response = client.get(DASHBOARD)
    assert response[HEADER] == "hit"
    assert "Bonjour Prénom1" in response.content.decode()


def test_another_tenant_or_session_never_gets_the_page(tenant, other_tenant):
    cached(tenant.user)
    other = signed_in(other_tenant.user)
    response = other.get(DASHBOARD)
    assert response[HEADER] == "miss"
    assert "Bonjour Prénom2" in response.content.decode()
    assert "Prénom1" not in response.content.decode()
    # The same tenant in another browser: its own session, its own entry.
    assert signed_in(tenant.user).get(DASHBOARD)[HEADER] == "miss"


def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(tenant):
    client = cached(tenant.user)
    client.logout()
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_a_page_with_a_message_is_shown_once_and_not_stored(tenant):
    client = cached(tenant.user)
    # Suspending writes (a new version) and leaves a message for the next page.
    client.post(reverse("tenants:suspend"))
    with_message = client.get(DASHBOARD)
    assert HEADER not in with_message
    assert "Votre annonce est suspendue" in with_message.content.decode()
    after = client.get(DASHBOARD)
    assert after[HEADER] == "miss"
    assert "Votre annonce est suspendue : elle" not in after.content.decode()


def test_a_page_without_the_csrf_cookie_is_not_stored(tenant):
    client = Client()
    client.force_login(tenant.user)
    # The page makes the CSRF secret that its forms carry: the browser has it only
    # from this response's cookie, so the page is not kept.
    assert HEADER not in client.get(DASHBOARD)
    assert client.get(DASHBOARD)[HEADER] == "miss"


def test_a_new_day_is_a_new_page(tenant, monkeypatch):
    client = cached(tenant.user)
    tomorrow = usercache.timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(usercache.timezone, "localdate", lambda: tomorrow)
    assert client.get(DASHBOARD)[HEADER] == "miss"


@override_settings(USER_PAGE_CACHE_SECONDS=0)
def test_off_when_the_lifetime_is_zero(tenant):
    client = signed_in(tenant.user)
    client.get(DASHBOARD)
    assert HEADER not in client.get(DASHBOARD)


def test_a_write_under_manual_transactions_is_not_refused_and_shows(tenant):
    client = cached(tenant.user)
    transaction.set_autocommit(False)
    try:
        get_user_model().objects.filter(pk=tenant.user_id).update(first_name="Renée")
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    response = client.get(DASHBOARD)
    assert response[HEADER] == "miss"
    assert "Bonjour Renée" in response.content.decode()


def test_a_hit_reads_neither_the_user_nor_the_account(tenant):
    """The cache sits above the rights check: a hit stands for the same session
    under the same data version, where that check gave the same answer."""
    client = cached(tenant.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD)[HEADER] == "hit"
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "auth_user" not in tables
    assert "tenants_" not in tables


def _change_password(tenant):
    user = get_user_model().objects.get(pk=tenant.user_id)
    user.set_password("Un-autre-mot-de-passe-2026")
    user.save()


@pytest.mark.parametrize(
    "write",
    [
        lambda t: Listing.objects.filter(pk=t.listing.pk).update(
            status=ListingStatus.DEACTIVATED, deactivation_reason=DeactivationReason.MANUAL
        ),
        _change_password,
        lambda t: Dwelling.objects.filter(pk=t.dwelling_id).update(eligible_flag=False),
    ],
    ids=["account-deactivated", "password-changed-elsewhere", "dwelling-made-ineligible"],
)
def test_a_write_that_refuses_the_account_signs_the_session_out(tenant, write):
    client = cached(tenant.user)
    write(tenant)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_a_refused_page_is_never_stored(agent):
    client = signed_in(agent)
    for _ in range(2):
        response = client.get(DASHBOARD)
        assert response.status_code == 403
        assert HEADER not in response


@pytest.mark.parametrize(("redis_url", "seconds"), [("", 0), ("redis://127.0.0.1:6379/15", 60)])
def test_off_without_a_cache_shared_by_every_process(redis_url, seconds):
    """A hit skips the rights check: without Redis, a write made by another process
    (an account deactivated by a command or a worker) would not reach this one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", REDIS_URL=redis_url)
    code = "from django.conf import settings; print(settings.USER_PAGE_CACHE_SECONDS)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(seconds)
