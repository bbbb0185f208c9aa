"""The visit screens: thin views over the rules; permissions both ways (the two
households may; a third tenant gets 404; staff and the AMO have no access); bad
input answers 400 with a French message and changes nothing."""

import datetime as dt
import re

import icalendar
import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bourse.chains import services as chain_services
from bourse.chains.models import ChainProposal, ProposalStatus
from bourse.tenants import visits as outcomes
from bourse.visits import contexts, services
from bourse.visits.models import Visit, VisitStatus
from tests.chains.conftest import chain_tenant

from .conftest import PASSWORD, day, slots

pytestmark = pytest.mark.django_db


def signed_in(client, profile):
    assert client.login(username=profile.user.username, password=PASSWORD)
    return client


def slot_post(*rows):
    data = {}
    for index, (days, start, minutes) in enumerate(rows, start=1):
        data.update(
            {
                f"day_{index}": day(days).isoformat(),
                f"time_{index}": start,
                f"duration_{index}": str(minutes),
            }
        )
    return data


@pytest.fixture
def visit(context_of, alice):
    return services.propose(context_of(alice), alice, alice, slots((3, "10:00", 60)))


@pytest.fixture
def confirmed(context_of, visit, bruno):
    return services.pick(context_of(bruno), visit, bruno, visit.slots.get().pk)


def test_request_page_has_a_visits_section(client, accepted, alice):
    page = signed_in(client, alice).get(reverse("tenants:request_detail", args=[accepted.pk]))
    html = page.content.decode()
    assert 'id="visites"' in html
    assert reverse("visits:propose", args=["demande", accepted.pk]) in html
    assert "Visite de votre logement par Prénom2" in html
    assert "Votre visite du logement de Prénom2" in html


def test_propose_through_the_form(client, accepted, alice, bruno):
    client = signed_in(client, alice)
    url = reverse("visits:propose", args=["demande", accepted.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, slot_post((3, "10:00", 60), (4, "14:30", 90)))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("visits:detail", args=[visit.pk])
    assert (visit.host, visit.visitor) == (alice, bruno)
    assert visit.slots.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Indiquez le jour du premier créneau."),
        ({"day_1": "demain", "time_1": "10:00", "duration_1": "60"}, "date valide"),
        ({"day_1": "2020-01-01", "time_1": "10:00", "duration_1": "60"}, "passé ou trop proche"),
        (slot_post((3, "22:00", 60)), "heure raisonnable"),
        (slot_post((3, "10:00", 60), (3, "10:30", 60)), "se chevauchent"),
        ({**slot_post((3, "10:00", 60)), "day_2": day(4).isoformat()}, "Créneau 2"),
        ({**slot_post((3, "10:00", 60)), "duration_1": "600"}, "durée de la liste"),
    ],
    ids=["empty", "bad-date", "past", "night", "overlap", "half-row", "duration"],
)
def test_bad_slots_answer_400_and_change_nothing(client, accepted, alice, data, message):
    response = signed_in(client, alice).post(
        reverse("visits:propose", args=["demande", accepted.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_pick_through_the_page(client, visit, bruno):
    client = signed_in(client, bruno)
    page = client.get(reverse("visits:detail", args=[visit.pk]))
    assert "Confirmer ce créneau" in page.content.decode()
    assert "rue de la République" not in page.content.decode()  # not before confirmation
    bad = client.post(reverse("visits:pick", args=[visit.pk]), {"slot": ""})
    assert bad.status_code == 400 and "l’un des créneaux proposés" in bad.content.decode()
    client.post(reverse("visits:pick", args=[visit.pk]), {"slot": visit.slots.get().pk})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CONFIRMED
    page = client.get(reverse("visits:detail", args=[visit.pk]))
    assert "1 rue de la République" in page.content.decode()


def test_the_ics_downloads_for_both_households_only(client, confirmed, alice, bruno, third):
    url = reverse("visits:ics", args=[confirmed.pk])
    for profile in (alice, bruno):
        client.logout()
        response = signed_in(client, profile).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        calendar = icalendar.Calendar.from_ical(response.content)
        (event,) = calendar.walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert str(event["ATTENDEE"]) == f"mailto:{profile.user.email}"
    client.logout()
    assert signed_in(client, third).get(url).status_code == 404


def test_no_ics_before_confirmation(client, visit, alice):
    assert signed_in(client, alice).get(reverse("visits:ics", args=[visit.pk])).status_code == 404


def test_cancel_through_the_page(client, confirmed, bruno):
    signed_in(client, bruno).post(reverse("visits:cancel", args=[confirmed.pk]))
    confirmed.refresh_from_db()
    assert confirmed.status == VisitStatus.CANCELLED


def test_replan_through_the_page(client, confirmed, bruno):
    client = signed_in(client, bruno)
    url = reverse("visits:replan", args=[confirmed.pk])
    assert client.get(url).status_code == 200
    client.post(url, slot_post((5, "15:00", 45)))
    confirmed.refresh_from_db()
    assert confirmed.status == VisitStatus.PROPOSED and confirmed.proposed_by == bruno


def test_propose_again_leads_to_the_existing_visit(client, visit, accepted, alice):
    response = signed_in(client, alice).get(
        reverse("visits:propose", args=["demande", accepted.pk])
    )
    assert response.url == reverse("visits:replan", args=[visit.pk])


# --- Permissions ------------------------------------------------------------------------------


def visit_urls(visit):
    return [
        ("get", reverse("visits:detail", args=[visit.pk])),
        ("get", reverse("visits:replan", args=[visit.pk])),
        ("get", reverse("visits:ics", args=[visit.pk])),
        ("get", reverse("visits:propose", args=["demande", visit.context_id])),
        ("post", reverse("visits:pick", args=[visit.pk])),
        ("post", reverse("visits:cancel", args=[visit.pk])),
    ]


def test_a_third_tenant_gets_404_everywhere(client, confirmed, third):
    client = signed_in(client, third)
    for method, url in visit_urls(confirmed):
        assert getattr(client, method)(url).status_code == 404, url
    confirmed.refresh_from_db()
    assert confirmed.status == VisitStatus.CONFIRMED


@pytest.mark.parametrize("role", ["agent", "amo"])
def test_staff_have_no_access(client, confirmed, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for method, url in visit_urls(confirmed):
        assert getattr(client, method)(url).status_code in (403, 404), url
    confirmed.refresh_from_db()
    assert confirmed.status == VisitStatus.CONFIRMED


def test_anonymous_is_sent_to_sign_in(client, confirmed):
    response = client.get(reverse("visits:detail", args=[confirmed.pk]))
    assert response.status_code == 302 and "/connexion/" in response.url


def test_pages_write_nothing_on_get(client, confirmed, accepted, bruno):
    write = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
    client = signed_in(client, bruno)
    urls = [
        reverse("visits:detail", args=[confirmed.pk]),
        reverse("visits:ics", args=[confirmed.pk]),
        reverse("visits:replan", args=[confirmed.pk]),
        reverse("visits:propose", args=["demande", accepted.pk]),
        reverse("tenants:request_detail", args=[accepted.pk]),
        reverse("tenants:dashboard"),
    ]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        writes = [q["sql"] for q in queries if write.match(q["sql"])]
        assert writes == [], url


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_lists_visits_and_offers_the_outcome_after_the_slot(
    client, confirmed, accepted, bruno, alice
):
    client = signed_in(client, bruno)
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert 'id="mes-visites"' in html and "Visite du logement de Prénom1" in html
    assert "Noter le résultat de la visite" not in html
    Visit.objects.filter(pk=confirmed.pk).update(
        starts_at=confirmed.starts_at - dt.timedelta(days=5),
        ends_at=confirmed.ends_at - dt.timedelta(days=5),
    )
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Noter le résultat de la visite" in html
    assert f"{reverse('tenants:request_detail', args=[accepted.pk])}#visite" in html
    # Once recorded, no longer offered.
    outcomes.record_outcome(accepted, bruno, interested=True, visited_on=dt.date.today())
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Noter le résultat de la visite" not in html


def test_the_dashboard_tag_costs_one_query(rf, confirmed, bruno, django_assert_num_queries):
    request = rf.get("/locataire/")
    request.tenant = bruno
    with django_assert_num_queries(1):
        html = Template("{% load visits_tags %}{% tenant_visits %}").render(
            Context({"request": request})
        )
    assert "Visite du logement de Prénom1" in html


def test_dashboard_asks_the_picker_to_choose(client, visit, bruno):
    html = signed_in(client, bruno).get(reverse("tenants:dashboard")).content.decode()
    assert "Choisir un créneau" in html


# --- Chains -----------------------------------------------------------------------------------


@pytest.fixture
def chain(landlord, landlord_b, settings):
    settings.CHAINS_SEARCH_ON_CHANGE = False
    households = [
        chain_tenant(landlord, 1, 2),
        chain_tenant(landlord, 2, 3),
        chain_tenant(landlord_b, 3, 1),
    ]
    return households


def test_chain_visits_each_household_visits_the_home_it_moves_into(client, chain):
    chain_services.find_chains()
    proposal = ChainProposal.objects.get()
    members = list(proposal.members.select_related("listing__tenant"))
    households = [m.listing.tenant for m in members]
    page_url = reverse("chains:proposal", args=[proposal.pk])
    client = signed_in(client, households[0])
    assert 'id="visites"' not in client.get(page_url).content.decode()  # not accepted yet
    ChainProposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.ACCEPTED, closed_at=timezone.now()
    )

    context = contexts.load("chain", proposal.pk, households[0])
    # Household at position i visits (moves into) the home of position i + 1.
    assert [(h.pk, v.pk) for h, v in context.pairs] == [
        (households[1].pk, households[0].pk),
        (households[2].pk, households[1].pk),
        (households[0].pk, households[2].pk),
    ]
    visit = services.propose(context, households[1], households[1], slots((3, "10:00", 60)))
    assert visit.visitor == households[0]
    html = client.get(page_url).content.decode()
    assert 'id="visites"' in html
    assert "1 créneau proposé, en attente de choix" in html
    assert html.count("pas encore de créneau proposé") == 2
    # A household of the chain not in this visit: 404 on the visit page.
    client.logout()
    client = signed_in(client, households[2])
    assert client.get(reverse("visits:detail", args=[visit.pk])).status_code == 404
    assert "1 créneau proposé" in client.get(page_url).content.decode()  # state shown


def test_a_chain_visit_links_back_to_the_files_once_the_chain_left_the_list(client, chain):
    chain_services.find_chains()
    proposal = ChainProposal.objects.get()
    households = [m.listing.tenant for m in proposal.members.select_related("listing__tenant")]
    ChainProposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.ACCEPTED, closed_at=timezone.now()
    )
    context = contexts.load("chain", proposal.pk, households[0])
    assert context.url == reverse("chains:proposal", args=[proposal.pk])
    visit = services.propose(context, households[1], households[1], slots((3, "10:00", 60)))
    # Accepted weeks ago, its file still open: the chain's page is gone from the list.
    ChainProposal.objects.filter(pk=proposal.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=40)
    )
    client = signed_in(client, households[0])
    html = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert reverse("exchanges:tenant_files") in html
    assert client.get(reverse("chains:proposal", args=[proposal.pk])).status_code == 404
