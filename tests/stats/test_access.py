"""Staff statistics: scoped to the landlord, both ways; the AMO sees every landlord."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.exchanges.models import Step
from bourse.stats.compute import recompute_statistics

from .conftest import csv_rows, done, html_tables, make_file

pytestmark = pytest.mark.django_db
URL = "/bourse/espace-bailleur/statistiques/"


@pytest.fixture
def activity(landlords):
    a, b, c = landlords["a"], landlords["b"], landlords["c"]
    done([(a, "93048"), (b, "75111")], dt.date(2024, 3, 5))
    done([(b, "75111"), (c, "94028")], dt.date(2024, 4, 5))
    done([(b, "75112"), (c, "94028")], dt.date(2024, 4, 6))
    # A file of B and C only, in alert 1 (pre-instruction more than 3 weeks after the NURs).
    make_file(
        [(b, "75111"), (c, "94028")],
        Step.PRE_INSTRUCTION,
        nurs_date=timezone.localdate() - dt.timedelta(days=30),
    )
    recompute_statistics()
    return landlords


def total(html, key="evolution"):
    return html_tables(html)[key][-1]


def test_an_agent_sees_their_landlord_only(client, agents, activity):
    client.force_login(agents["a"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bailleur A" in html
    found = html_tables(html)
    assert set(found) == {"evolution", "dossiers", "communes", "delais", "alertes"}
    assert total(html) == ["Total", "1", "1"]
    assert [row[1] for row in found["communes"][1:]] == ["93048"]
    assert found["communes"][1][3] == "1"  # not masked for the landlord
    assert all(row[1] == "0" for row in found["alertes"][1:])  # B and C's file is not A's
    assert 'name="landlord"' not in html  # no landlord filter for landlord staff


def test_another_landlord_sees_their_own_figures(client, agents, activity):
    client.force_login(agents["b"])
    html = client.get(URL).content.decode()
    assert total(html) == ["Total", "3", "3"]
    alerts = {row[0]: row[1] for row in html_tables(html)["alertes"][1:]}
    assert alerts["Pré-instruction plus de 3 semaines après la transmission des NUR"] == "1"


@pytest.mark.parametrize("who", ["agents", "landlord_admins"])
def test_staff_cannot_ask_for_another_landlord(client, request, activity, who):
    user = request.getfixturevalue(who)["a"]
    client.force_login(user)
    b = activity["b"]
    for path in (URL, URL + "evolution.csv", URL + "delais.csv"):
        response = client.get(f"{path}?landlord={b.pk}")
        assert response.status_code == 403, path
        assert "que les statistiques de votre organisme" in response.content.decode()
    own = client.get(f"{URL}?landlord={activity['a'].pk}")
    assert own.status_code == 200


def test_the_amo_sees_every_landlord_or_one(client, amo, activity):
    client.force_login(amo)
    html = client.get(URL).content.decode()
    assert total(html) == ["Total", "3", "6"]
    assert 'name="landlord"' in html
    one = client.get(f"{URL}?landlord={activity['c'].pk}").content.decode()
    assert total(one) == ["Total", "2", "2"]
    alerts = {row[0]: row[1] for row in html_tables(one)["alertes"][1:]}
    assert alerts["Pré-instruction plus de 3 semaines après la transmission des NUR"] == "1"


def test_staff_csv_equals_the_table(client, agents, amo, activity):
    for user, query in ((agents["b"], "?year=2024"), (amo, f"?landlord={activity['a'].pk}")):
        client.force_login(user)
        found = html_tables(client.get(URL + query).content.decode())
        for key, rows in found.items():
            response = client.get(f"{URL}{key}.csv{query}")
            assert response.status_code == 200
            assert csv_rows(response) == rows, key


def test_delays_per_step(client, agents, landlords):
    a = landlords["a"]
    make_file(
        [(a, "93048"), (a, "93066")],
        Step.INSTRUCTION,
        nurs_date=dt.date(2024, 1, 1),
        pre_instructed_on=dt.date(2024, 1, 6),
        instructed_on=dt.date(2024, 1, 21),
    )
    make_file(
        [(a, "93048"), (a, "93066")],
        Step.INSTRUCTION,
        nurs_date=dt.date(2024, 1, 1),
        pre_instructed_on=dt.date(2024, 1, 9),
    )
    recompute_statistics()
    client.force_login(agents["a"])
    rows = html_tables(client.get(URL + "?year=2024").content.decode())["delais"]
    assert rows[1] == ["Transmission des NUR → pré-instruction", "6,5", "2"]
    assert rows[2] == ["Pré-instruction → instruction", "15,0", "1"]
    assert rows[3][1:] == ["—", "0"]


def test_who_may_not_open_the_staff_page(client, partner, tenants, activity):
    response = client.get(URL)
    assert response.status_code == 302 and "connexion" in response["Location"]
    client.force_login(partner)  # partners read the public page
    assert client.get(URL).status_code == 403
    assert client.get(URL + "evolution.csv").status_code == 403
    client.force_login(tenants["a"])
    assert client.get(URL).status_code == 403


def test_bad_staff_filters(client, agents, activity):
    client.force_login(agents["a"])
    response = client.get(URL + "?year=abc")
    assert response.status_code == 400
    assert "Choisissez une année de la liste." in response.content.decode()
    assert client.get(URL + "evolution.csv?department=2A").status_code == 400


def test_staff_nav_links_to_the_statistics(client, agents, activity):
    client.force_login(agents["a"])
    assert f'href="{URL}"' in client.get("/bourse/espace-bailleur/").content.decode()
