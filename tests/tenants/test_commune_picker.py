"""The communes picker of the search criteria (issue 19): a plain form without
JavaScript (tick to keep, type names to add, accent-insensitive), its suggestions
endpoint for the combobox, whole departments and intercommunalities."""

import re

import pytest

from bourse.models import Commune
from bourse.tenants.models import Listing

URL = "/locataire/etapes/criteres/"
SUGGEST = "/locataire/communes/suggestions/"
pytestmark = pytest.mark.django_db


def wanted(tenant):
    return set(
        Listing.objects.get(pk=tenant.listing.pk).wanted_communes.values_list("pk", flat=True)
    )


def post(client, **data):
    return client.post(URL, {"typologies": ["T3"], **data})


def test_the_page_does_not_list_every_commune(tenant_client, tenant):
    tenant.listing.set_wanted_communes(["93048"])
    html = tenant_client.get(URL).content.decode()
    assert 'value="93048"' in html and "Montreuil (93)" in html
    assert "Bobigny" not in html  # no list of 1 300 communes any more
    assert "<select" not in html.split('id="id_communes"')[1].split("</fieldset>")[0]
    assert "data-commune-input" in html and "communes.js" in html


def test_typed_names_without_accents_are_added(tenant_client, tenant):
    response = post(
        tenant_client, communes=["93048"], communes_add="evry-courcouronnes, ile-saint-denis"
    )
    assert response.status_code == 302
    assert wanted(tenant) == {"93048", "91228", "93039"}


def test_unticked_communes_are_removed(tenant_client, tenant):
    tenant.listing.set_wanted_communes(["93048", "93008"])
    assert post(tenant_client, communes=["93008"]).status_code == 302
    assert wanted(tenant) == {"93008"}


def test_a_whole_department_by_number_or_name(tenant_client, tenant):
    assert post(tenant_client, communes_add="93").status_code == 302
    assert wanted(tenant) == set(
        Commune.objects.filter(department="93").values_list("pk", flat=True)
    )
    assert post(tenant_client, communes_add="val-d'oise").status_code == 302
    assert len(wanted(tenant)) == Commune.objects.filter(department="95").count()


def test_a_whole_intercommunality(tenant_client, tenant):
    assert post(tenant_client, communes_add="Plaine Commune").status_code == 302
    assert "93039" in wanted(tenant) and "93066" in wanted(tenant)  # L'Île-Saint-Denis, Saint-Denis
    assert all(pk.startswith("93") for pk in wanted(tenant))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("xyzzy", "Aucune commune ne correspond à « xyzzy »"),
        ("saint", "« saint » correspond à plusieurs choix"),
    ],
)
def test_unknown_or_ambiguous_names_change_nothing(tenant_client, tenant, typed, message):
    tenant.listing.set_wanted_communes(["93048"])
    response = post(tenant_client, communes=["93048"], communes_add=typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert wanted(tenant) == {"93048"}


def test_at_least_one_commune(tenant_client, tenant):
    response = post(tenant_client)
    assert "Choisissez au moins une commune." in response.content.decode()


def test_another_fields_error_keeps_the_typed_communes_as_chosen(tenant_client, tenant):
    response = tenant_client.post(URL, {"communes_add": "evry-courcouronnes"})
    html = response.content.decode()
    assert "Cochez au moins une typologie" in html
    assert re.search(r'<input type="checkbox"[^>]* value="91228"[^>]* checked>', html)


def test_suggestions_are_accent_insensitive(tenant_client):
    data = tenant_client.get(SUGGEST, {"q": "evry"}).json()
    labels = [place["label"] for place in data["places"]]
    assert "Évry-Courcouronnes (91)" in labels
    evry = next(p for p in data["places"] if p["label"] == "Évry-Courcouronnes (91)")
    assert evry["communes"] == [{"pk": "91228", "label": "Évry-Courcouronnes (91)"}]


def test_suggestions_offer_a_department_and_natural_order(tenant_client):
    places = tenant_client.get(SUGGEST, {"q": "paris"}).json()["places"]
    assert places[0]["key"] == "d:75"
    names = [p["label"] for p in places if p["key"].startswith("c:")]
    assert names.index("Paris 2e Arrondissement (75)") < names.index(
        "Paris 10e Arrondissement (75)"
    )
    assert tenant_client.get(SUGGEST, {"q": ""}).json() == {"places": []}


def test_suggestions_need_a_tenant(client, db):
    response = client.get(SUGGEST, {"q": "evry"})
    assert response.status_code in (302, 403)
