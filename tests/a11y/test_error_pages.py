"""The 403 pages in French and in the site's dress (issue 19)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_csrf_failure_page_is_branded_and_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Formulaire expiré · Echanger Habiter</title>" in html
    assert '<html lang="fr">' in html
    assert "Le formulaire n’a pas pu être envoyé" in html
    assert "403 Forbidden" not in html


@pytest.mark.django_db
def test_permission_denied_page_is_in_the_site_layout(client, django_user_model):
    user = django_user_model.objects.create_user("sans-espace", password="x")  # noqa: S106
    client.force_login(user)
    response = client.get("/contact/espace-bailleur/")
    assert response.status_code in (302, 403)
    if response.status_code == 403:
        html = response.content.decode()
        assert "<main" in html and "Accès refusé" in html
