"""Saved searches and alerts (issue 9): saving (and refusals), daily digest on edge
days, at most one a day, one-click unsubscribe and undo, SMS opt-in, chains hook."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bourse.factories import DwellingFactory
from bourse.tenants import alerts, jobs, sms
from bourse.tenants.models import AlertDigest, Listing, OutboundSms, SavedSearch
from bourse.tenants.tokens import unsubscribe_token
from portal.models import OutboundEmail

from .conftest import make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.SMS_BACKEND = "bourse.tenants.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def publish(landlord, n, at, **dwelling):
    profile = make_tenant(landlord, n, dwelling=DwellingFactory(landlord=landlord, n=n, **dwelling))
    Listing.objects.filter(pk=profile.listing.pk).update(published_at=at)
    return profile


def digests():
    return OutboundEmail.objects.filter(kind="tenants_alert_digest")


@pytest.fixture
def saved(tenant):
    search = alerts.save_search(tenant, {"typology": "T3", "commune": "93048"})
    SavedSearch.objects.filter(pk=search.pk).update(
        alerted_until=timezone.now() - dt.timedelta(days=1)
    )
    search.refresh_from_db()
    return search


# --- Saving -------------------------------------------------------------------------------


def test_save_search_names_it_from_its_filters(tenant):
    search = alerts.save_search(tenant, {"typology": "T2", "min_surface": "40", "lift": True})
    assert search.name == "T2 · 40 m² minimum · avec ascenseur"
    assert search.alerts


@pytest.mark.parametrize(
    ("filters", "message"),
    [({}, "au moins un filtre"), ({"bogus": "1"}, "au moins un filtre")],
)
def test_save_search_refuses_empty_filters(tenant, filters, message):
    with pytest.raises(alerts.AlertError, match=message):
        alerts.save_search(tenant, filters)
    assert not SavedSearch.objects.exists()


def test_save_search_refuses_duplicates_and_too_many(tenant):
    alerts.save_search(tenant, {"typology": "T2"})
    with pytest.raises(alerts.AlertError, match="déjà enregistrée"):
        alerts.save_search(tenant, {"typology": "T2"})
    for n in range(alerts.MAX_SAVED_SEARCHES - 1):
        alerts.save_search(tenant, {"min_surface": str(10 + n)})
    with pytest.raises(alerts.AlertError, match="supprimez-en une"):
        alerts.save_search(tenant, {"typology": "T4"})
    assert tenant.saved_searches.count() == alerts.MAX_SAVED_SEARCHES


def test_the_search_page_saves_its_filters(tenant_client, tenant):
    page = tenant_client.get(reverse("tenants:search"), {"typology": "T3", "min_surface": "50"})
    assert "Enregistrer cette recherche" in page.content.decode()
    response = tenant_client.post(
        reverse("tenants:save_search"),
        {"typology": "T3", "min_surface": "50", "name": "Mon T3", "alerts": "on"},
    )
    assert response.status_code == 302
    search = tenant.saved_searches.get()
    assert search.filters == {"typology": "T3", "min_surface": "50"} and search.name == "Mon T3"


def test_bad_filters_are_refused_with_a_french_message(tenant_client, tenant):
    response = tenant_client.post(
        reverse("tenants:save_search"), {"min_surface": "-3", "name": "x"}, follow=True
    )
    assert "ne sont pas valides" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_another_tenants_search_cannot_be_changed(client, tenant, other_tenant):
    search = alerts.save_search(other_tenant, {"typology": "T2"})
    client.force_login(tenant.user)
    url = reverse("tenants:saved_search_update", args=[search.pk])
    assert client.post(url, {"action": "delete"}).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_own_search_alerts_off_then_delete(tenant_client, tenant):
    search = alerts.save_search(tenant, {"typology": "T2"})
    url = reverse("tenants:saved_search_update", args=[search.pk])
    tenant_client.post(url, {"action": "alerts_off"})
    search.refresh_from_db()
    assert not search.alerts
    tenant_client.post(url, {"action": "nonsense"})
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    tenant_client.post(url, {"action": "delete"})
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


# --- The digest ---------------------------------------------------------------------------


def test_digest_lists_new_listings_once_a_day(landlord, tenant, saved):
    now = timezone.now()
    hour = timezone.localtime(now).hour
    if hour >= 21:  # "two hours later, the same day" must stay in one Paris day
        now -= dt.timedelta(hours=hour - 12)
    publish(landlord, 2, now - dt.timedelta(hours=3))  # T3 in 93048: fits
    publish(landlord, 3, now - dt.timedelta(hours=3), typology="T2")  # does not fit
    publish(landlord, 4, now - dt.timedelta(days=3))  # before the last alert
    assert alerts.send_digests(now) == 1
    mail = digests().get()
    assert mail.to == [tenant.user.email]
    assert "1 nouvelle annonce" in mail.body
    assert "/locataire/alertes/arreter/" in mail.body
    digest = AlertDigest.objects.get()
    assert (digest.listings, digest.by_email, digest.by_sms) == (1, True, False)
    # Same day, a new listing: still one digest that day.
    publish(landlord, 5, now + dt.timedelta(hours=1))
    assert alerts.send_digests(now + dt.timedelta(hours=2)) == 0
    assert digests().count() == 1
    # Next day: the listing published since comes.
    assert alerts.send_digests(now + dt.timedelta(days=1)) == 1
    assert "1 nouvelle annonce" in digests().order_by("-pk").first().body


def test_no_digest_when_nothing_new_and_never_for_ones_own_listing(landlord, tenant, saved):
    Listing.objects.filter(pk=tenant.listing.pk).update(published_at=timezone.now())
    assert alerts.send_digests() == 0
    assert not AlertDigest.objects.exists()


def test_a_listing_published_exactly_at_the_last_alert_is_not_sent_again(landlord, tenant, saved):
    publish(landlord, 2, saved.alerted_until)
    assert alerts.send_digests() == 0
    publish(landlord, 3, saved.alerted_until + dt.timedelta(microseconds=1))
    assert alerts.send_digests() == 1


def test_run_daily_sends_digests_and_twice_is_once(landlord, tenant, saved):
    publish(landlord, 2, timezone.now() - dt.timedelta(hours=1))
    now = timezone.now()
    assert jobs.run_daily(now=now)["digests"] == 1
    assert jobs.run_daily(now=now + dt.timedelta(minutes=5))["digests"] == 0
    assert digests().count() == 1


def test_searches_without_alerts_or_channels_send_nothing(landlord, tenant, saved):
    publish(landlord, 2, timezone.now() - dt.timedelta(hours=1))
    alerts.set_search_alerts(saved, False)
    assert alerts.send_digests() == 0
    saved.alerts = True
    saved.save()
    alerts.set_channels(tenant, email=False, sms_on=False, chains=True)
    assert alerts.send_digests() == 0


# --- One-click unsubscribe -----------------------------------------------------------------


def test_one_click_stops_one_search_and_undo_puts_it_back(client, tenant, saved):
    url = reverse("tenants:unsubscribe", args=[unsubscribe_token(tenant.pk, f"s{saved.pk}")])
    response = client.get(url)
    assert response.status_code == 200
    assert "Vous ne recevrez plus d’alertes pour la recherche" in response.content.decode()
    saved.refresh_from_db()
    assert not saved.alerts
    client.get(url)  # twice: same result
    client.post(url, {"action": "undo"})
    saved.refresh_from_db()
    assert saved.alerts


def test_one_click_stops_every_email_alert(client, tenant, saved):
    client.get(reverse("tenants:unsubscribe", args=[unsubscribe_token(tenant.pk, "email")]))
    tenant.refresh_from_db()
    assert not tenant.alert_email


def test_sms_stop_link_and_undo_needs_a_mobile(client, tenant):
    alerts.set_channels(tenant, email=True, sms_on=True, chains=True)
    url = reverse("tenants:unsubscribe", args=[unsubscribe_token(tenant.pk, "sms")])
    assert "plus d’alertes par SMS" in client.get(url).content.decode()
    tenant.refresh_from_db()
    assert not tenant.alert_sms
    tenant.phone = ""
    tenant.save()
    page = client.post(url, {"action": "undo"}).content.decode()
    assert "indiquez d’abord un numéro de mobile" in page
    tenant.refresh_from_db()
    assert not tenant.alert_sms


@pytest.mark.parametrize("token", ["abc", "x" * 40])
def test_a_bad_link_changes_nothing(client, tenant, saved, token):
    response = client.get(reverse("tenants:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "n’est pas valide" in response.content.decode()
    saved.refresh_from_db()
    assert saved.alerts


def test_a_link_for_another_tenants_search_changes_nothing(client, tenant, other_tenant, saved):
    token = unsubscribe_token(other_tenant.pk, f"s{saved.pk}")
    assert client.get(reverse("tenants:unsubscribe", args=[token])).status_code == 400
    saved.refresh_from_db()
    assert saved.alerts


# --- SMS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 11 22 33 44", "+33611223344"),
        ("+33 7 11 22 33 44", "+33711223344"),
        ("07.11.22.33.44", "+33711223344"),
        ("01 44 55 66 77", None),  # landline
        ("", None),
        ("06 11 22", None),
    ],
)
def test_only_french_mobiles_get_sms(raw, expected):
    assert sms.normalise_phone(raw) == expected


def test_sms_needs_a_mobile_number(tenant):
    tenant.phone = "01 44 55 66 77"
    with pytest.raises(alerts.AlertError, match="mobile"):
        alerts.set_channels(tenant, email=True, sms_on=True, chains=True)
    tenant.refresh_from_db()
    assert not tenant.alert_sms


def test_the_channels_form_refuses_sms_without_mobile(tenant_client, tenant):
    tenant.phone = ""
    tenant.save()
    response = tenant_client.post(reverse("tenants:saved_searches"), {"email": "on", "sms": "on"})
    assert response.status_code == 400
    assert "numéro de téléphone" in response.content.decode()
    tenant.refresh_from_db()
    assert not tenant.alert_sms and tenant.chain_alerts


def test_opted_in_tenants_get_the_digest_by_sms_too(
    landlord, tenant, saved, django_capture_on_commit_callbacks
):
    alerts.set_channels(tenant, email=True, sms_on=True, chains=True)
    tenant.refresh_from_db()
    assert tenant.alert_sms_consented_at is not None
    SavedSearch.objects.filter(pk=saved.pk).update(
        alerted_until=timezone.now() - dt.timedelta(days=1)
    )
    publish(landlord, 2, timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_digests()
    stored = OutboundSms.objects.get()
    assert stored.status == OutboundSms.Status.SENT and stored.to == "+33611223344"
    assert sms.outbox[0]["to"] == "+33611223344"
    assert "1 nouvelle(s) annonce(s)" in sms.outbox[0]["text"]
    assert "/locataire/alertes/arreter/" in sms.outbox[0]["text"]
    assert digests().count() == 1


def test_sms_backend_comes_from_settings(settings, capsys):
    settings.SMS_BACKEND = "bourse.tenants.sms.ConsoleBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    sms.get_backend().send("+33611223344", "Bonjour")
    assert "+33611223344: Bonjour" in capsys.readouterr().out
    settings.SMS_BACKEND = "bourse.tenants.sms.HttpBackend"
    assert isinstance(sms.get_backend(), sms.HttpBackend)


class FlakyBackend:
    calls = 0

    def send(self, to, text):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise sms.TemporarySmsError("provider down")
        return "id-2"


class RejectingBackend:
    def send(self, to, text):
        raise sms.SmsRejected("HTTP 400")


def test_a_temporary_failure_keeps_the_sms_and_a_retry_sends_it(settings):
    settings.SMS_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.calls = 0
    stored = OutboundSms.objects.create(to="+33611223344", body="Bonjour")
    with pytest.raises(sms.TemporarySmsError):
        sms.send_stored_sms(stored.pk)
    stored.refresh_from_db()
    assert stored.status == OutboundSms.Status.PENDING and stored.attempts == 1
    assert "provider down" in stored.last_error
    assert sms.send_stored_sms(stored.pk) is True
    stored.refresh_from_db()
    assert (stored.status, stored.provider_id, stored.attempts) == ("sent", "id-2", 2)
    assert sms.send_stored_sms(stored.pk) is False  # never twice


def test_a_rejected_sms_is_given_up_and_kept(settings):
    settings.SMS_BACKEND = f"{__name__}.RejectingBackend"
    stored = OutboundSms.objects.create(to="+33611223344", body="Bonjour")
    assert sms.send_stored_sms(stored.pk) is False
    stored.refresh_from_db()
    assert stored.status == OutboundSms.Status.FAILED and "400" in stored.last_error


def test_resend_task_picks_up_pending_sms(settings):
    from bourse.tenants.tasks import resend_pending_sms

    old = OutboundSms.objects.create(
        to="+33611223344", body="x", created_at=timezone.now() - dt.timedelta(hours=1)
    )
    OutboundSms.objects.create(to="+33611223344", body="fresh")
    assert resend_pending_sms() == 1
    old.refresh_from_db()
    assert old.status == "sent"


def test_http_backend_posts_json_with_the_token(settings):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen["auth"] = self.headers["Authorization"]
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status = 503 if seen["body"]["text"] == "busy" else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"id": "abc"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
        settings.SMS_HTTP_TOKEN = "secret"  # noqa: S105
        backend = sms.HttpBackend()
        assert backend.send("+33611223344", "Bonjour") == "abc"
        assert seen["auth"] == "Bearer secret"
        assert seen["body"] == {
            "from": settings.SMS_SENDER,
            "to": "+33611223344",
            "text": "Bonjour",
        }
        with pytest.raises(sms.TemporarySmsError):
            backend.send("+33611223344", "busy")
    finally:
        server.shutdown()


# --- Chains --------------------------------------------------------------------------------------


def test_new_chain_proposals_are_in_the_digest(monkeypatch, landlord, tenant):
    calls = []

    class Proposals:
        def count(self):
            return 2

    def new_proposals_for(listing, since):
        calls.append((listing.pk, since))
        return Proposals()

    monkeypatch.setattr(alerts, "chain_proposals_api", lambda: new_proposals_for)
    now = timezone.now()
    digest = alerts.digest_for(tenant, [], now)
    assert digest.chains == 2 and bool(digest)
    assert calls == [(tenant.listing.pk, now - dt.timedelta(days=1))]
    tenant.chain_alerts = False
    assert alerts.digest_for(tenant, [], now).chains == 0


def test_the_digest_text_speaks_of_chains(tenant):
    from bourse.tenants import notifications

    digest = alerts.Digest(chains=1)
    notifications.send_alert_digest(tenant, digest)
    body = digests().get().body
    assert "Une nouvelle chaîne d’échange" in body


def test_the_search_page_title_follows_its_filters_and_errors(tenant_client, tenant):
    def title(params):
        html = tenant_client.get(reverse("tenants:search"), params).content.decode()
        return html.split("<title>", 1)[1].split("</title>", 1)[0]

    assert title({}).startswith("Rechercher un logement ·")
    assert title({"typology": "T3", "min_surface": "50"}).startswith(
        "Rechercher un logement – T3 · 50 m² minimum ·"
    )
    assert title({"min_surface": "-3"}).startswith("Erreur – Rechercher un logement ·")
