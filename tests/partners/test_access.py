"""Who may open the partner space, both ways, and that a partner sees only
their own contingent whatever the query string says."""

import pytest
from django.conf import settings

from portal import spaces

from .conftest import csv_rows, html_tables

pytestmark = pytest.mark.django_db

PAGES = [
    "/bourse/espace-partenaire/",
    "/bourse/espace-partenaire/statistiques/",
    "/bourse/espace-partenaire/bailleurs/",
    "/bourse/espace-partenaire/contingent/",
    "/bourse/espace-partenaire/collectivites/",
]
CSVS = [
    "/bourse/espace-partenaire/statistiques/evolution.csv",
    "/bourse/espace-partenaire/statistiques/dossiers.csv",
    "/bourse/espace-partenaire/statistiques/communes.csv",
    "/bourse/espace-partenaire/bailleurs/bailleurs.csv",
    "/bourse/espace-partenaire/contingent/contingent.csv",
    "/bourse/espace-partenaire/contingent/contingent-bailleurs.csv",
    "/bourse/espace-partenaire/collectivites/positions.csv",
    "/bourse/espace-partenaire/collectivites/collectivites.csv",
]
CONTINGENT = "/bourse/espace-partenaire/contingent/"


def assert_never_cached(response):
    control = response.get("Cache-Control", "")
    assert "no-cache" in control or "max-age=0" in control, control


@pytest.mark.parametrize("url", PAGES + CSVS)
def test_a_partner_opens_every_page_and_csv(client, partners, activity, url):
    client.force_login(partners["state"])
    response = client.get(url)
    assert response.status_code == 200
    assert_never_cached(response)
    if url.endswith(".csv"):
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith('attachment; filename="partenaire-')
        assert len(csv_rows(response)) >= 1
    else:
        assert "État (DRIHL)" in response.content.decode()


@pytest.mark.parametrize("url", PAGES + CSVS)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=")
    assert_never_cached(response)


@pytest.mark.parametrize("who", ["tenant", "agent", "landlord_admin"])
@pytest.mark.parametrize("url", PAGES + CSVS)
def test_tenants_and_landlord_staff_are_refused(client, tenants, agents, landlord_admins, who, url):
    user = {"tenant": tenants["a"], "agent": agents["a"], "landlord_admin": landlord_admins["a"]}
    client.force_login(user[who])
    response = client.get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html
    assert "réservé aux partenaires" in html
    assert_never_cached(response)


@pytest.mark.parametrize("url", PAGES + CSVS)
def test_the_amo_opens_the_space(client, amo, reservataires, activity, url):
    client.force_login(amo)
    if "/contingent/" in url:
        url += f"?reservataire={reservataires['state'].pk}"
    assert client.get(url).status_code == 200


def test_the_amo_chooses_the_contingent(client, amo, reservataires, activity):
    client.force_login(amo)
    html = client.get(CONTINGENT).content.decode()
    assert "Choisissez le réservataire" in html
    assert 'name="reservataire"' in html
    assert client.get(CONTINGENT + "contingent.csv").status_code == 404
    response = client.get(CONTINGENT, {"reservataire": reservataires["al"].pk})
    html = response.content.decode()
    assert "Action Logement Services" in html
    assert html_tables(html)["contingent"][-1] == ["Total", "2", "1", "1", "1"]
    # The CSV links keep the AMO's choice.
    assert f"contingent.csv?reservataire={reservataires['al'].pk}" in html
    response = client.get(CONTINGENT, {"reservataire": "999999"})
    assert response.status_code == 400
    assert "Choisissez un réservataire de la liste." in response.content.decode()


def test_the_partner_sees_their_own_contingent(client, partners, activity):
    client.force_login(partners["state"])
    html = client.get(CONTINGENT).content.decode()
    found = html_tables(html)
    assert found["contingent"][-1] == ["Total", "3", "2", "3", "3"]
    assert 'name="reservataire"' not in html  # nothing to choose
    client.force_login(partners["al"])
    found = html_tables(client.get(CONTINGENT).content.decode())
    assert found["contingent"][-1] == ["Total", "2", "1", "1", "1"]


@pytest.mark.parametrize("value", ["al", "montreuil", "999999", "abc"])
@pytest.mark.parametrize("url", [CONTINGENT, CONTINGENT + "contingent.csv"])
def test_a_partner_never_sees_another_contingent(
    client, partners, reservataires, activity, value, url
):
    client.force_login(partners["state"])
    other = reservataires[value].pk if value in reservataires else value
    response = client.get(url, {"reservataire": other, "year": "2024"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "votre contingent" in body
    assert "Action Logement Services" not in body
    # Naming their own reservataire is allowed, and changes nothing.
    own = client.get(url, {"reservataire": reservataires["state"].pk})
    assert own.status_code == 200
    plain = client.get(url)
    if url.endswith(".csv"):
        assert own.content == plain.content
    else:
        assert html_tables(own.content.decode()) == html_tables(plain.content.decode())


def test_a_deactivated_partner_opens_nothing(client, partners):
    user = partners["state"]
    user.is_active = False
    user.save()
    client.force_login(user)  # a session that outlived the deactivation
    assert client.get(PAGES[0]).status_code in (302, 403)


def test_the_partner_space_is_registered(partners, tenants, agents, amo):
    space = next(s for s in spaces.registered() if s.key == "partner")
    assert space.url() == "/bourse/espace-partenaire/"
    assert space.may_open(partners["state"]) and space.may_open(amo)
    assert not space.may_open(tenants["a"]) and not space.may_open(agents["a"])
    assert spaces.home_url(partners["state"]) == "/bourse/espace-partenaire/"
    assert spaces.space_of_path("/bourse/espace-partenaire/contingent/") == space
