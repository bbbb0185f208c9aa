"""What the partner space shows: the right counts, the same cells in the CSV
as on the screen, and never a person."""

import pytest

from bourse.models import Dwelling
from bourse.stats.compute import recompute_statistics

from .conftest import NUR_PREFIX, SURNAME, csv_rows, exchange, html_tables
from .test_access import CSVS, PAGES

pytestmark = pytest.mark.django_db
BASE = "/bourse/espace-partenaire/"


def test_the_home_page_sums_up_the_contingent(client, partners, activity):
    client.force_login(partners["state"])
    html = client.get(BASE).content.decode()
    assert "Le contingent de État (DRIHL)" in html
    figures = [
        " ".join(part.split()) for part in html.split('<dd class="fs-3 fw-semibold mb-0">')[1:]
    ]
    # Dwellings on the contingent (5 in files + 1 without file), opened, done, left, arrived.
    assert [f.split("<")[0] for f in figures] == ["5", "3", "2", "3", "3"]


def test_contingent_by_month_and_by_landlord(client, partners, activity):
    client.force_login(partners["state"])
    found = html_tables(client.get(BASE + "contingent/", {"year": "2024"}).content.decode())
    months = {row[0]: row[1:] for row in found["contingent"][1:]}
    assert months["01/2024"] == ["2", "0", "0", "0"]
    assert months["03/2024"] == ["0", "1", "1", "1"]
    assert months["04/2024"] == ["0", "1", "2", "2"]
    assert months["12/2024"] == ["0", "0", "0", "0"]
    assert found["contingent"][-1] == ["Total", "2", "2", "3", "3"]
    by_landlord = {row[0]: row[1:] for row in found["contingent-bailleurs"][1:]}
    # Landlord, dwellings of the contingent, opened, done, left, arrived.
    assert by_landlord["Bailleur A"] == ["3", "1", "1", "1", "1"]
    assert by_landlord["Bailleur B"] == ["1", "1", "1", "1", "1"]
    assert by_landlord["Bailleur C"] == ["1", "1", "1", "1", "1"]
    assert by_landlord["Tous les bailleurs"] == ["5", "2", "2", "3", "3"]


def test_contingent_by_department(client, partners, activity):
    client.force_login(partners["state"])
    found = html_tables(client.get(BASE + "contingent/", {"department": "94"}).content.decode())
    assert found["contingent"][-1] == ["Total", "1", "1", "1", "1"]
    assert [row[0] for row in found["contingent-bailleurs"][1:-1]] == ["Bailleur C"]


def test_the_csv_holds_what_the_page_shows(client, partners, activity):
    client.force_login(partners["state"])
    for page, keys in (
        ("contingent/", ("contingent", "contingent-bailleurs")),
        ("bailleurs/", ("bailleurs",)),
        ("collectivites/", ("positions", "collectivites")),
        ("statistiques/", ("evolution", "dossiers", "communes")),
    ):
        shown = html_tables(client.get(BASE + page, {"department": "93"}).content.decode())
        for key in keys:
            response = client.get(f"{BASE}{page}{key}.csv", {"department": "93"})
            assert csv_rows(response) == shown[key], key


def test_statistics_by_landlord(client, partners, activity):
    client.force_login(partners["state"])
    found = html_tables(client.get(BASE + "bailleurs/").content.decode())["bailleurs"]
    assert found[0] == [
        "Bailleur",
        "Dossiers ouverts",
        "Attribués par les CAL",
        "Échanges réalisés",
        "Locataires ayant échangé",
        "Dossiers clos",
    ]
    rows = {row[0]: row[1:] for row in found[1:]}
    assert rows["Bailleur A"] == ["3", "2", "2", "2", "0"]
    assert rows["Bailleur B"] == ["3", "2", "2", "2", "0"]
    assert rows["Bailleur C"] == ["2", "2", "2", "2", "0"]
    assert rows["Tous les bailleurs"] == ["4", "3", "3", "6", "0"]
    in_2025 = html_tables(client.get(BASE + "bailleurs/", {"year": "2025"}).content.decode())
    assert {row[0]: row[3] for row in in_2025["bailleurs"][1:]}["Bailleur B"] == "0"


def test_public_statistics_keep_their_mask(client, partners, activity):
    client.force_login(partners["state"])
    communes = html_tables(client.get(BASE + "statistiques/").content.decode())["communes"]
    assert {row[1]: row[3] for row in communes[1:]}["93048"] == "< 5"


def test_positions_are_listed_without_notes(client, partners, reservataires):
    client.force_login(partners["al"])
    html = client.get(BASE + "collectivites/").content.decode()
    listed = {row[0]: row[1:] for row in html_tables(html)["collectivites"][1:]}
    assert listed["Montreuil"] == ["Commune", "93048", "Adhésion", "01/06/2021"]
    assert listed["Boulogne-Billancourt"][2] == "Opposition"
    assert "Délibération confidentielle" not in html
    summary = {row[0]: row[1:] for row in html_tables(html)["positions"][1:]}
    assert summary["Commune"] == ["1", "1", "0", "2"]
    opposed = html_tables(
        client.get(BASE + "collectivites/", {"position": "opposition"}).content.decode()
    )["collectivites"]
    assert [row[0] for row in opposed[1:]] == ["Boulogne-Billancourt"]
    csv = client.get(BASE + "collectivites/collectivites.csv", {"position": "opposition"})
    assert [row[0] for row in csv_rows(csv)[1:]] == ["Boulogne-Billancourt"]


@pytest.mark.parametrize(
    ("page", "query", "message"),
    [
        ("statistiques/", {"year": "1990"}, "Choisissez une année de la liste."),
        ("bailleurs/", {"department": "2A"}, "Choisissez un département d’Île-de-France."),
        ("contingent/", {"year": "abc"}, "Choisissez une année de la liste."),
        ("collectivites/", {"position": "peut-etre"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_filters_get_a_french_message(client, partners, activity, page, query, message):
    client.force_login(partners["state"])
    response = client.get(BASE + page, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    key = {"statistiques/": "evolution", "bailleurs/": "bailleurs"}.get(page)
    key = key or {"contingent/": "contingent", "collectivites/": "collectivites"}[page]
    response = client.get(f"{BASE}{page}{key}.csv", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_table_is_not_found(client, partners, activity):
    client.force_login(partners["state"])
    assert client.get(BASE + "contingent/alertes.csv").status_code == 404
    assert client.get(BASE + "statistiques/delais.csv").status_code == 404


def test_no_personal_data_anywhere(client, partners, amo, reservataires, activity):
    dwelling = Dwelling.objects.filter(reservataire_kind="etat").first()
    secrets = [
        SURNAME,
        NUR_PREFIX,
        dwelling.address,
        dwelling.tenant_reference,
        dwelling.housing_reference,
        dwelling.contact1_email,
    ]
    for user in (partners["state"], amo):
        client.force_login(user)
        for url in PAGES + CSVS:
            if user == amo and "/contingent/" in url:
                url += f"?reservataire={reservataires['state'].pk}"
            body = client.get(url).content.decode()
            for secret in secrets:
                assert secret not in body, (url, secret)


def test_figures_follow_new_files(client, partners, activity, landlords):
    """The contingent tables are live (cached a few minutes): a new file shows once
    the cache is gone; the tables by landlord follow the nightly run."""
    from django.core.cache import cache

    client.force_login(partners["state"])
    exchange([(landlords["c"], "94028", "etat"), (landlords["a"], "93048", "etat")])
    cache.clear()
    recompute_statistics()
    found = html_tables(client.get(BASE + "contingent/").content.decode())
    assert found["contingent"][-1][1] == "4"
