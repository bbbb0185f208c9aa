"""The one sign-in page: every role lands on its home, ``next`` is checked, the
former doors redirect, the limits hold on every door, sessions expire, the
header says who is signed in."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from portal.accounts.sessions import LAST_SEEN_KEY
from portal.models import OutboundEmail

from .conftest import PASSWORD

HOMES = {
    "tenant": "/locataire/",
    "agent": "/bourse/espace-bailleur/",
    "landlord_admin": "/bourse/espace-bailleur/",
    "amo": "/bourse/espace-bailleur/",
    "partner": "/bourse/espace-partenaire/",
    "editor": "/admin/",
    "member": "/espace-adherents/",
    "superuser": "/admin/",
}


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/connexion/", {"username": username, "password": password, **extra})


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_home(client, accounts, role):
    user = accounts[role]
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_tenant_signs_in_with_its_address_in_any_case(client, accounts):
    tenant = accounts["tenant"]
    assert sign_in(client, tenant.email.upper())["Location"] == "/locataire/"


def test_wrong_password_and_unknown_account_get_the_same_french_answer(client, accounts):
    wrong = sign_in(client, "agent-a", "faux").content.decode()
    unknown = sign_in(client, "personne", "faux").content.decode()
    for html in (wrong, unknown):
        assert "Identifiant, adresse électronique ou mot de passe incorrect" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_says_what_is_missing(client, db):
    html = client.post("/connexion/", {}).content.decode()
    assert "Indiquez votre identifiant" in html and "Indiquez votre mot de passe" in html


@pytest.mark.parametrize(
    ("role", "wanted", "lands"),
    [
        ("agent", "/dossiers/", "/dossiers/"),
        ("agent", "/locataire/", "/bourse/espace-bailleur/"),
        ("tenant", "/bourse/espace-bailleur/imports/", "/locataire/"),
        ("tenant", "/locataire/recherche/?commune=93048", "/locataire/recherche/?commune=93048"),
        ("tenant", "/admin/", "/locataire/"),
        ("editor", "/admin/pages/", "/admin/pages/"),
        ("partner", "/bourse/espace-bailleur/", "/bourse/espace-partenaire/"),
        ("member", "/actualites/", "/actualites/"),
        ("agent", "https://evil.example/", "/bourse/espace-bailleur/"),
        ("agent", "//evil.example/", "/bourse/espace-bailleur/"),
    ],
)
def test_next_is_honoured_only_when_the_account_may_open_it(client, accounts, role, wanted, lands):
    response = sign_in(client, accounts[role].username, next=wanted)
    assert response["Location"] == lands


@pytest.mark.parametrize(
    "old",
    [
        "/admin/login/",
        "/django-admin/login/",
        "/locataire/connexion/",
        "/bourse/espace-bailleur/connexion/",
        "/bourse/connexion/",
    ],
)
def test_the_former_doors_redirect_and_never_read_a_password(client, accounts, old):
    response = client.get(f"{old}?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/connexion/?next=/admin/"
    response = client.post(old, {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session


def test_protected_spaces_send_anonymous_visitors_to_the_one_page(client, db):
    for path in ("/locataire/", "/bourse/espace-bailleur/", "/dossiers/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/connexion/?next="), path


def test_a_signed_in_account_sent_to_a_page_it_may_not_open_is_told_so(client, accounts):
    client.force_login(accounts["tenant"])
    response = client.get("/connexion/?next=/admin/")
    assert response.status_code == 200
    assert "ce compte n’a pas accès à la page demandée" in response.content.decode()
    assert client.get("/connexion/")["Location"] == "/locataire/"


def test_sign_out(client, accounts):
    sign_in(client, "agent-a")
    assert client.get("/deconnexion/").status_code == 200  # a confirmation, no sign-out on GET
    assert "_auth_user_id" in client.session
    response = client.post("/deconnexion/")
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session


# --- Brute force -------------------------------------------------------------------


def test_the_eleventh_attempt_on_one_username_is_refused_even_with_the_right_password(
    client, accounts
):
    for _ in range(10):
        sign_in(client, "admin", "faux", REMOTE_ADDR="10.0.0.1")
    html = sign_in(client, "ADMIN", PASSWORD).content.decode()
    assert "Trop de tentatives de connexion" in html
    assert "_auth_user_id" not in client.session


def test_one_address_is_limited_whatever_username_and_forged_forwarded_for(client, accounts):
    for n in range(30):
        client.post(
            "/connexion/",
            {"username": f"essai{n}", "password": "faux"},
            REMOTE_ADDR="192.0.2.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        "/connexion/",
        {"username": "agent-a", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address still signs in.
    assert sign_in(client, "amo", REMOTE_ADDR="192.0.2.8").status_code == 302


def test_the_admin_doors_accept_no_password_at_all(client, accounts):
    """``/admin/login/`` used to take 40 wrong passwords in a row: it now reads none."""
    for _ in range(40):
        client.post("/admin/login/", {"username": "admin", "password": "faux"})
    assert "_auth_user_id" not in client.session
    # The 40 posts did not count against the account on the real door either.
    assert sign_in(client, "admin").status_code == 302


# --- Sessions ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "amo", "partner", "editor", "superuser"])
def test_staff_sessions_end_with_the_browser(client, accounts, role):
    sign_in(client, accounts[role].username, remember="on")
    assert client.session.get_expire_at_browser_close()


@override_settings(STAFF_SESSION_IDLE_SECONDS=3600)
def test_a_staff_session_idle_for_longer_than_a_working_day_is_signed_out(client, accounts):
    sign_in(client, "agent-a")
    assert client.get("/bourse/espace-bailleur/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 3601
    session.save()
    response = client.get("/bourse/espace-bailleur/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "_auth_user_id" not in client.session


@override_settings(STAFF_SESSION_IDLE_SECONDS=3600)
def test_an_active_staff_session_stays(client, accounts):
    sign_in(client, "agent-a")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 3000
    session.save()
    assert client.get("/bourse/espace-bailleur/").status_code == 200
    # Activity renewed it (in a signed cookie: a GET writes nothing): 700 s later the
    # session is 3 700 s past its last stored time, yet only 700 s idle.
    later = time.time() + 700
    with mock.patch("portal.accounts.sessions.time.time", return_value=later):
        response = client.get("/bourse/espace-bailleur/")
    assert response.status_code == 200


def test_a_tenant_may_stay_signed_in_for_two_weeks(client, accounts):
    sign_in(client, "locataire1@exemple.fr", remember="on")
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    client.logout()
    sign_in(client, "locataire1@exemple.fr")
    assert client.session.get_expire_at_browser_close()


def test_changing_ones_password_ends_ones_other_sessions(client, accounts):
    other = Client()
    sign_in(other, "agent-a")
    assert other.get("/bourse/espace-bailleur/").status_code == 200
    sign_in(client, "agent-a")
    response = client.post(
        "/bourse/espace-bailleur/mot-de-passe/",
        {
            "old_password": PASSWORD,
            "new_password1": "Un-nouveau-mot-de-passe-2026",
            "new_password2": "Un-nouveau-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/bourse/espace-bailleur/").status_code == 200  # this one stays
    assert other.get("/bourse/espace-bailleur/").status_code == 302  # the other is gone


# --- Password reset -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["tenant", "agent", "partner", "editor", "member"])
def test_password_reset_for_every_role(client, accounts, role, django_capture_on_commit_callbacks):
    user = accounts[role]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe/oublie/", {"email": user.email})
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    stored = OutboundEmail.objects.get(kind="password_reset")
    assert stored.to == [user.email]
    assert len(mail.outbox) == 1 and "/mot-de-passe/nouveau/" in mail.outbox[0].body
    assert f"{settings.SITE_URL}/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_password_reset_answers_the_same_for_an_unknown_address(client, accounts):
    response = client.post("/mot-de-passe/oublie/", {"email": "inconnu@exemple.fr"})
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert not OutboundEmail.objects.filter(kind="password_reset").exists()


def test_password_reset_link_sets_a_new_password(
    client, accounts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mot-de-passe/oublie/", {"email": "agent-a@bailleur.example"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/nouveau/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302  # Django hides the token behind a redirect
    form_url = response["Location"]
    new = "Encore-un-mot-de-passe-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response["Location"] == "/mot-de-passe/nouveau/termine/"
    assert sign_in(client, "agent-a", new)["Location"] == "/bourse/espace-bailleur/"


# --- The header -------------------------------------------------------------------------


def test_the_header_says_who_is_signed_in_and_offers_the_spaces(client, accounts, home):
    client.force_login(accounts["amo"])
    html = client.get("/").content.decode()
    assert "Connecté en tant que" in html and "Agent" in html
    assert 'href="/bourse/espace-bailleur/"' in html and "Espace bailleur" in html
    assert "Se déconnecter" in html and 'action="/deconnexion/"' in html


def test_the_header_of_an_editor_lists_admin_and_member_area(client, accounts, home):
    client.force_login(accounts["editor"])
    html = (
        client.get("/actualites/").content.decode() if False else client.get("/").content.decode()
    )
    assert "Éva" in html
    assert 'href="/admin/"' in html and "Espace adhérents" in html
    assert "Espace bailleur" not in html


def test_the_header_of_a_visitor_offers_to_sign_in(client, home):
    html = client.get("/").content.decode()
    assert 'href="/connexion/' in html and "Se connecter" in html
    assert "Se déconnecter" not in html
