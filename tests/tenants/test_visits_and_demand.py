"""Visit outcomes (both tenants record; landlords read them on the file; refusals) and
"qui veut mon logement" (the reverse of my search, counted per commune and typology)."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bourse.factories import DwellingFactory
from bourse.tenants import contacts, matching, searching, visits
from bourse.tenants.models import VisitOutcome

from .conftest import make_tenant
from .test_exchange_files import agree

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(tenant, other_tenant):
    request_obj = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    contacts.answer(request_obj, other_tenant, accept=True)
    request_obj.refresh_from_db()
    return request_obj


def post_visit(client, request_obj, **data):
    values = {"action": "visit", "visited_on": timezone.localdate().isoformat()}
    values.update(data)
    return client.post(reverse("tenants:request_detail", args=[request_obj.pk]), values)


def test_both_tenants_record_their_outcome_and_can_change_it(
    client, accepted, tenant, other_tenant
):
    client.force_login(tenant.user)
    response = post_visit(client, accepted, interested="yes")
    assert response.status_code == 302
    client.force_login(other_tenant.user)
    post_visit(client, accepted, interested="no", reason="Trop loin de mon travail")
    post_visit(client, accepted, interested="no", reason="Trop sombre")
    outcomes = {o.tenant_id: o for o in VisitOutcome.objects.all()}
    assert len(outcomes) == 2
    assert outcomes[tenant.pk].interested is True
    assert outcomes[other_tenant.pk].reason == "Trop sombre"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"interested": ""}, "Dites si le logement vous intéresse."),
        ({"interested": "yes", "visited_on": ""}, "Indiquez la date de la visite."),
        ({"interested": "yes", "visited_on": "32/13/2026"}, "Indiquez une date valide"),
        ({"interested": "maybe"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(
    client, accepted, tenant, data, message
):
    client.force_login(tenant.user)
    response = post_visit(client, accepted, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VisitOutcome.objects.exists()


def test_no_visit_in_the_future_nor_before_the_request(accepted, tenant):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(visits.VisitError, match="futur"):
        visits.record_outcome(accepted, tenant, interested=True, visited_on=tomorrow)
    before = timezone.localdate(accepted.created_at) - dt.timedelta(days=1)
    with pytest.raises(visits.VisitError, match="précéder"):
        visits.record_outcome(accepted, tenant, interested=True, visited_on=before)
    assert not VisitOutcome.objects.exists()


def test_only_accepted_requests_and_only_their_tenants(landlord, tenant, other_tenant):
    pending = contacts.send_request(tenant, other_tenant.listing, "Bonjour")
    with pytest.raises(visits.VisitError, match="acceptée"):
        visits.record_outcome(pending, tenant, interested=True, visited_on=timezone.localdate())
    contacts.answer(pending, other_tenant, accept=True)
    pending.refresh_from_db()
    outsider = make_tenant(landlord, 7)
    with pytest.raises(visits.VisitError, match="Seuls les deux locataires"):
        visits.record_outcome(pending, outsider, interested=True, visited_on=timezone.localdate())


def test_another_tenant_cannot_reach_the_request(client, landlord, accepted):
    outsider = make_tenant(landlord, 7)
    client.force_login(outsider.user)
    assert post_visit(client, accepted, interested="yes").status_code == 404
    assert not VisitOutcome.objects.exists()


def test_the_landlords_see_outcomes_on_the_file_and_others_do_not(
    client, tenant, other_tenant, agent, agent_b
):
    request_obj = agree(tenant, other_tenant)
    file = request_obj.exchange_file
    assert file is not None
    visits.record_outcome(
        request_obj,
        other_tenant,
        interested=False,
        visited_on=timezone.localdate(),
        reason="Pas de balcon",
    )
    visits.record_outcome(request_obj, tenant, interested=True, visited_on=timezone.localdate())
    client.force_login(agent)
    page = client.get(reverse("exchanges:file", args=[file.pk])).content.decode()
    assert "Visites" in page and "« Pas de balcon »" in page
    assert "pas intéressé" in page and "Ménage 1" in page and "Ménage 2" in page
    client.force_login(agent_b)  # another landlord: not their file
    response = client.get(reverse("exchanges:file", args=[file.pk]))
    assert response.status_code in (403, 404)
    assert "Pas de balcon" not in response.content.decode()


# --- Who wants my home ---------------------------------------------------------------------------


def test_who_wants_counts_the_reverse_of_my_search(landlord):
    me = make_tenant(landlord, 1)  # T3, 60 m², Montreuil (93048), floor 2 with lift
    seekers = [
        make_tenant(landlord, 2, communes=["93048"], typologies=["T3"]),
        make_tenant(landlord, 3, communes=["93048"], typologies=["T3", "T4"]),
        make_tenant(
            landlord,
            4,
            dwelling=DwellingFactory(landlord=landlord, n=4, insee="75056", typology="T2"),
            typologies=["T3"],
        ),
    ]
    make_tenant(landlord, 5, communes=["75056"])  # wants Paris only
    make_tenant(landlord, 6, typologies=["T5"])
    make_tenant(landlord, 8, min_surface=Decimal("80"))
    make_tenant(landlord, 9, communes=["93048"], status="suspended")
    demand = searching.who_wants(me.listing)
    assert demand.total == 3
    rows = {(r["commune_id"], r["typology"]): r["count"] for r in demand.rows}
    assert rows == {("93048", "T3"): 2, ("75056", "T2"): 1}
    assert demand.rows[0]["commune__name"] == "Montreuil"
    # The same as the pure rule over every searchable listing.
    facts = matching.facts_of(me.listing)
    expected = Counter(
        (other.commune_id, other.typology)
        for other in matching.searchable_listings().exclude(pk=me.listing.pk)
        if matching.dwelling_fits(matching.criteria_of(other), facts)
    )
    assert rows == dict(expected)
    assert {s.listing.pk for s in seekers} <= set(
        matching.searchable_listings().values_list("pk", flat=True)
    )


def test_the_dashboard_shows_who_wants_my_home(client, landlord):
    me = make_tenant(landlord, 1)
    for n in range(2, 5):
        make_tenant(landlord, n, communes=["93048"])
    client.force_login(me.user)
    page = client.get(reverse("tenants:dashboard")).content.decode()
    assert "3 ménages cherchent un logement comme le vôtre (T3) à Montreuil." in page
