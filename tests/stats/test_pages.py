"""The public statistics page: tables, masking, filters, CSV = table, bad input."""

import datetime as dt

import pytest

from bourse.exchanges.models import Step
from bourse.factories import DwellingFactory
from bourse.stats.compute import recompute_statistics
from bourse.stats.tables import Filters, communes_table, shown_count

from .conftest import csv_rows, done, html_tables, make_file

pytestmark = pytest.mark.django_db
URL = "/bourse/statistiques/"


def test_small_counts_are_masked_in_public_tables_only():
    assert [shown_count(n, public=True) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]
    assert [shown_count(n, public=False) for n in (0, 1, 4, 5)] == ["0", "1", "4", "5"]


@pytest.fixture
def activity(landlords):
    a, b, c = landlords["a"], landlords["b"], landlords["c"]
    for day in range(1, 4):  # 3 exchanges A (Montreuil) <-> B (Paris 11e) in March 2024
        done([(a, "93048"), (b, "75111")], dt.date(2024, 3, day))
    for day in range(1, 6):  # 5 households of A leave Vincennes (94080) in 2025
        done([(a, "94080"), (c, "94028")], dt.date(2025, 5, day))
    DwellingFactory(
        landlord=c, insee="77279", slug="marolles", commune_contingent=True
    )  # a commune with dwellings, no exchange
    make_file([(a, "93048"), (c, "94028")], Step.CLOSED_BY_TENANT, closed_on=dt.date(2024, 3, 9))
    recompute_statistics()
    return landlords


def test_public_page_shows_every_table_with_masked_communes(client, activity):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    found = html_tables(html)
    assert set(found) == {"evolution", "dossiers", "communes"}
    communes = {row[1]: row for row in found["communes"][1:]}
    assert communes["93048"][3] == "< 5"  # 3 households
    assert communes["94080"][3] == "5"
    assert communes["77279"][3] == "0"
    assert "<svg" in html and 'role="img"' in html
    march = next(row for row in found["evolution"] if row[0] == "03/2024")
    assert march[1:] == ["3", "6"]
    assert "NOM" not in html and "NUR" not in html  # no personal data


def test_csv_content_equals_the_table(client, activity):
    for query in ("", "?year=2024", "?department=94", f"?landlord={activity['a'].pk}&year=2025"):
        found = html_tables(client.get(URL + query).content.decode())
        for key, rows in found.items():
            response = client.get(f"{URL}{key}.csv{query}")
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/csv")
            assert csv_rows(response) == rows, (key, query)


def test_filters_by_year_department_and_landlord(client, activity):
    a, b = activity["a"], activity["b"]
    by_year = html_tables(client.get(URL + "?year=2025").content.decode())
    assert [row[0] for row in by_year["evolution"][1:-1]][:2] == ["01/2025", "02/2025"]
    assert by_year["evolution"][-1] == ["Total", "5", "10"]
    by_department = html_tables(client.get(URL + "?department=75").content.decode())
    assert by_department["evolution"][-1] == ["Total", "3", "3"]
    assert {row[2] for row in by_department["communes"][1:]} == {"75"}
    by_landlord = html_tables(client.get(f"{URL}?landlord={b.pk}").content.decode())
    assert by_landlord["evolution"][-1] == ["Total", "3", "3"]
    assert [row[1] for row in by_landlord["communes"][1:]] == ["75111"]
    assert html_tables(client.get(f"{URL}?landlord={a.pk}").content.decode())["evolution"][-1] == [
        "Total",
        "8",
        "8",
    ]


@pytest.mark.parametrize(
    "query, message",
    [
        ("year=deux-mille", "Choisissez une année de la liste."),
        ("year=1990", "Choisissez une année de la liste."),
        ("department=13", "Choisissez un département d’Île-de-France."),
        ("landlord=999999", "Choisissez un bailleur de la liste."),
        ("landlord=abc", "Choisissez un bailleur de la liste."),
    ],
)
def test_bad_filters_get_a_french_message(client, activity, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "<table" not in html
    csv_response = client.get(f"{URL}evolution.csv?{query}")
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_unknown_table_is_not_found(client, activity):
    assert client.get(URL + "delais.csv").status_code == 404  # staff only
    assert client.get(URL + "nimporte.csv").status_code == 404


def test_page_before_any_recomputation(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "pas encore été calculées" in response.content.decode()


def test_public_tables_follow_the_last_run(client, activity, landlords):
    client.get(URL)  # cached
    done([(landlords["b"], "75111"), (landlords["c"], "94028")], dt.date(2024, 3, 20))
    recompute_statistics()
    found = html_tables(client.get(URL + "?year=2024").content.decode())
    assert next(row for row in found["evolution"] if row[0] == "03/2024")[1] == "4"


def test_commune_chart_leaves_out_masked_counts(activity):
    table = communes_table(Filters(public=True))
    assert "Vincennes" in table.chart and "Montreuil" not in table.chart
    assert "Montreuil" in communes_table(Filters(public=False)).chart


def test_home_page_links_to_the_statistics(client, home):
    assert URL in client.get("/").content.decode()
