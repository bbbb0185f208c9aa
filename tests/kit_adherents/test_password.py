"""The shared password: brute-force limit, password change, members."""

import pytest

from kit_adherents.views import RATE_LIMIT_MESSAGE

from .conftest import KIT_PASSWORD, SECRET_WORD, enter_password, password_url

pytestmark = pytest.mark.django_db


def test_right_password_redirects_back_and_opens_the_area(kit, client):
    response = enter_password(client, kit, KIT_PASSWORD, return_url=kit.section.url)
    assert response.status_code == 302
    assert response["Location"] == kit.section.url
    assert SECRET_WORD in client.get(kit.section.url).content.decode()


def test_wrong_password_shows_the_form_with_an_error(kit, client):
    response = enter_password(client, kit, "mauvais")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="password"' in body
    assert 'aria-invalid="true"' in body


def test_ten_failures_per_address_then_429_with_a_french_message(kit, client, settings):
    for _ in range(10):
        assert enter_password(client, kit, "mauvais").status_code == 200
    blocked = enter_password(client, kit, KIT_PASSWORD)  # even the right one
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    body = blocked.content.decode()
    assert str(RATE_LIMIT_MESSAGE) in body.replace("&#x27;", "'")
    assert 'name="password"' in body
    assert SECRET_WORD not in client.get(kit.section.url).content.decode()


def test_limit_is_per_address_and_shared_through_the_cache(kit, client):
    from django.test import Client

    for _ in range(10):
        enter_password(client, kit, "mauvais")
    # Another process (another client, same address) is blocked too: the
    # counter lives in the shared cache, not in the session.
    other = Client()
    assert enter_password(other, kit, KIT_PASSWORD).status_code == 429
    # Another address is not.
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert enter_password(elsewhere, kit, KIT_PASSWORD).status_code == 302


def test_successes_do_not_count(kit, client):
    for _ in range(12):
        assert enter_password(client, kit, KIT_PASSWORD).status_code == 302


def test_changing_the_password_locks_out_old_holders(kit, client, users):
    from django.test import Client

    assert enter_password(client, kit, KIT_PASSWORD).status_code == 302
    assert SECRET_WORD in client.get(kit.section.url).content.decode()
    assert client.get(kit.guide.url).status_code == 200
    member = Client()
    member.force_login(users.member)
    assert member.get(kit.section.url).status_code == 200

    kit.restriction.password = "Nouveau-Mot-de-passe-2027"
    kit.restriction.save()

    response = client.get(kit.section.url)
    assert 'name="password"' in response.content.decode()
    assert SECRET_WORD not in response.content.decode()
    assert client.get(kit.guide.url).status_code == 403
    assert client.get(kit.old_version.url).status_code == 403
    search = client.get("/recherche/", {"q": SECRET_WORD}).content.decode()
    assert kit.guide.title not in search
    # Members are not affected; the new password works.
    assert SECRET_WORD in member.get(kit.section.url).content.decode()
    assert enter_password(client, kit, "Nouveau-Mot-de-passe-2027").status_code == 302
    assert client.get(kit.guide.url).status_code == 200


def test_tenant_signed_in_can_still_type_the_password(kit, client, users):
    client.force_login(users.tenant)
    assert 'name="password"' in client.get(kit.section.url).content.decode()
    assert enter_password(client, kit, KIT_PASSWORD).status_code == 302
    assert SECRET_WORD in client.get(kit.section.url).content.decode()


def test_document_url_form_posts_to_the_kit_password(kit, client):
    response = client.get(kit.guide.url)
    assert response.status_code == 403
    assert password_url(kit) in response.content.decode()
    # One password for everything: typing the kit's opens the document.
    response = enter_password(client, kit, KIT_PASSWORD, return_url=kit.guide.url)
    assert response["Location"] == kit.guide.url
    assert client.get(kit.guide.url).status_code == 200


def test_collection_password_view_is_rate_limited_too(kit, client):
    from wagtail.models import CollectionViewRestriction

    restriction = CollectionViewRestriction.objects.get(collection=kit.collection)
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    for _ in range(10):
        assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 200
    assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 429


def test_changing_the_password_in_the_admin_privacy_dialog(kit, client, admin_client):
    assert enter_password(client, kit, KIT_PASSWORD).status_code == 302
    assert client.get(kit.guide.url).status_code == 200
    old_id = kit.restriction.pk
    response = admin_client.post(
        f"/admin/pages/{kit.index.pk}/privacy/",
        {"restriction_type": "password", "password": "Autre-Mot-de-passe-2027"},
    )
    assert response.status_code == 200
    restriction = kit.index.get_view_restrictions().get()
    assert restriction.password == "Autre-Mot-de-passe-2027"
    assert restriction.pk != old_id  # a new id: Wagtail's own session marks are void
    assert 'name="password"' in client.get(kit.section.url).content.decode()
    assert client.get(kit.guide.url).status_code == 403
    search = client.get("/recherche/", {"q": SECRET_WORD}).content.decode()
    assert kit.section.title not in search
    assert kit.guide.title not in search
    # A form left open on the old id still works with the new password.
    response = client.post(
        f"/_util/authenticate_with_password/{old_id}/{kit.index.pk}/",
        {"password": "Autre-Mot-de-passe-2027", "return_url": kit.guide.url},
    )
    assert response.status_code == 302
    assert client.get(kit.guide.url).status_code == 200


def test_password_change_without_signals_is_caught_by_the_fingerprint(kit, client):
    from wagtail.models import PageViewRestriction

    assert enter_password(client, kit, KIT_PASSWORD).status_code == 302
    PageViewRestriction.objects.filter(pk=kit.restriction.pk).update(password="Sans-Signal-2027")
    assert 'name="password"' in client.get(kit.section.url).content.decode()
    assert client.get(kit.guide.url).status_code == 403
