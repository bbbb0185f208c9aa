"""Reading commune names (issue 19): accent-insensitive matching on both engines,
natural order."""

import pytest

from bourse.models import Commune
from bourse.territories import communes_matching, ensure_reference_data, natural_sorted
from portal.folding import fold


def test_fold_reads_names_as_typed_on_a_phone():
    assert fold("L'Île-Saint-Denis") == "l ile saint denis"
    assert fold("ÉVRY-COURCOURONNES") == "evry courcouronnes"
    assert fold("Cœur  de   ville") == "coeur de ville"
    assert fold(None) == ""


def test_natural_order_of_paris_arrondissements():
    names = [f"Paris {n}{'er' if n == 1 else 'e'} Arrondissement" for n in range(20, 0, -1)]
    ordered = natural_sorted(names + ["Paris", "Évry-Courcouronnes", "Étampes", "Ézanville"])
    assert ordered[:4] == [
        "Étampes",
        "Évry-Courcouronnes",
        "Ézanville",
        "Paris",
    ]
    assert ordered[4:7] == [
        "Paris 1er Arrondissement",
        "Paris 2e Arrondissement",
        "Paris 3e Arrondissement",
    ]
    assert ordered[-1] == "Paris 20e Arrondissement"
    assert ordered.index("Paris 9e Arrondissement") < ordered.index("Paris 10e Arrondissement")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("evry", "Évry-Courcouronnes"),
        ("EVRY", "Évry-Courcouronnes"),
        ("Ile-Saint-Denis", "L'Île-Saint-Denis"),
        ("ile saint denis", "L'Île-Saint-Denis"),
        ("l’ile-saint-denis", "L'Île-Saint-Denis"),
        ("montreuil", "Montreuil"),
        ("93048", "Montreuil"),
    ],
)
def test_communes_matching_ignores_accents_case_and_separators(typed, expected):
    ensure_reference_data()
    assert Commune.objects.filter(name=expected).exists()
    names = set(communes_matching(typed).values_list("name", flat=True))
    assert expected in names


@pytest.mark.django_db
def test_communes_matching_nothing():
    ensure_reference_data()
    assert not communes_matching("xyzzy").exists()
    assert not communes_matching("  -- ").exists()


@pytest.mark.django_db
def test_statistics_list_communes_in_natural_order():
    from bourse.stats.models import CommuneStat
    from bourse.stats.tables import Filters, commune_counts

    ensure_reference_data()
    for insee in ("75110", "75101", "75119", "75102", "75120"):
        CommuneStat.objects.create(commune_id=insee, year=None, tenants_exchanged=3)
    names = [row[1] for row in commune_counts(Filters(department="75"))]
    assert names == [
        "Paris 1er Arrondissement",
        "Paris 2e Arrondissement",
        "Paris 10e Arrondissement",
        "Paris 19e Arrondissement",
        "Paris 20e Arrondissement",
    ]


@pytest.mark.django_db
def test_patrimoine_commune_filter_in_natural_order(client):
    from bourse.factories import DwellingFactory, StaffFactory
    from bourse.models import Landlord, StaffRole

    ensure_reference_data()
    landlord = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    for n, insee in enumerate(("75110", "75101", "75102"), start=1):
        DwellingFactory(landlord=landlord, n=n, insee=insee)
    client.force_login(StaffFactory(role=StaffRole.SUPER_ADMIN))
    html = client.get("/bourse/espace-bailleur/patrimoine/").content.decode()
    html = html[html.index('name="commune"') :]
    html = html[: html.index("</select>")]
    first, second, tenth = (html.index(f"Paris {n} Arrondissement") for n in ("1er", "2e", "10e"))
    assert first < second < tenth
