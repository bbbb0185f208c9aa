"""Members sign in through the one sign-in page and are never asked the shared password;
the password form tells members they may sign in instead."""

from .conftest import SECRET_WORD  # noqa: F401


def test_a_member_signing_in_lands_in_the_member_area_without_the_password(client, kit, users):
    users.member.set_password("Mot-de-passe-membre-1")
    users.member.save()
    response = client.post(
        "/connexion/", {"username": "membre", "password": "Mot-de-passe-membre-1"}
    )
    assert response["Location"] == "/espace-adherents/"
    page = client.get("/espace-adherents/")
    assert page.status_code == 200
    assert "Accès protégé" not in page.content.decode()
    section = client.get(kit.section.url).content.decode()
    assert SECRET_WORD in section


def test_the_password_form_offers_members_to_sign_in(client, kit):
    html = client.get("/espace-adherents/").content.decode()
    assert "Accès protégé" in html
    assert 'href="/connexion/?next=/espace-adherents/"' in html


def test_a_tenant_signing_in_is_still_asked_the_password(client, kit, users):
    users.tenant.set_password("Mot-de-passe-locataire-1")
    users.tenant.save()
    client.post("/connexion/", {"username": "locataire", "password": "Mot-de-passe-locataire-1"})
    assert "_auth_user_id" in client.session
    assert "Accès protégé" in client.get("/espace-adherents/").content.decode()
