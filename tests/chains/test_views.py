"""Screens and permissions, both ways: a household sees its own move only, never the
other tenants' identities; a landlord sees the chains involving its dwellings only."""

import pytest
from django.urls import reverse

from bourse.chains import services
from bourse.chains.models import Answer, ChainProposal
from bourse.factories import StaffFactory
from bourse.models import StaffRole
from tests.tenants.conftest import PASSWORD

from .conftest import chain_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(households):
    services.find_chains()
    return ChainProposal.objects.get()


def test_dashboard_panel_shows_the_move_without_identities(client, households, proposal):
    client.force_login(households[0].user)
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Mes propositions de chaîne" in html
    assert "Vous emménageriez dans un T3" in html
    assert "Montreuil" in html  # household 2's dwelling (93048 -> 93066)
    for other in households[1:]:
        assert other.user.last_name not in html
        assert other.user.email not in html
        assert other.dwelling.tenant_name not in html


def test_proposal_page_accept_with_nur_and_errors(client, households, proposal):
    client.force_login(households[0].user)
    url = reverse("chains:proposal", args=[proposal.pk])
    page = " ".join(client.get(url).content.decode().split())
    assert "Proposition de chaîne de 3 ménages" in page, page[-3000:]
    # French: zero takes the singular, « aucun », never « 0 ménages » (issue 19).
    assert "Aucun des 3 ménages n’a encore accepté" in page and "3 réponses attendues" in page
    assert 'name="nur"' in page
    response = client.post(reverse("chains:accept", args=[proposal.pk]), {"nur": "!!"})
    assert response.status_code == 400
    assert "075 06 23 012345 GDPUB" in response.content.decode()
    assert proposal.members.get(position=1).answer == Answer.PENDING
    response = client.post(
        reverse("chains:accept", args=[proposal.pk]), {"nur": "075 06 23 000012 gdpub"}
    )
    assert response.status_code == 302
    assert proposal.members.get(position=1).answer == Answer.ACCEPTED
    households[0].refresh_from_db()
    assert households[0].nur == "0750623000012GDPUB"
    assert "1 ménage sur 3 a accepté" in " ".join(client.get(url).content.decode().split())


def test_decline_from_the_page(client, households, proposal):
    client.force_login(households[1].user)
    response = client.post(reverse("chains:decline", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "dissolved"


def test_other_tenant_cannot_see_nor_answer(client, households, proposal, landlord):
    stranger = chain_tenant(landlord, 4, 1)
    client.force_login(stranger.user)
    assert client.get(reverse("chains:proposal", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("chains:decline", args=[proposal.pk])).status_code == 404
    assert (
        client.post(
            reverse("chains:accept", args=[proposal.pk]), {"nur": "0750623000099GDPUB"}
        ).status_code
        == 404
    )
    assert ChainProposal.objects.get().status == "open"
    assert (
        "Mes propositions de chaîne"
        not in client.get(reverse("tenants:dashboard")).content.decode()
    )


def test_get_on_answer_endpoints_is_refused(client, households, proposal):
    client.force_login(households[0].user)
    assert client.get(reverse("chains:decline", args=[proposal.pk])).status_code == 405


def test_landlord_sees_chains_involving_its_dwellings(client, households, proposal, landlord):
    agent = StaffFactory(
        username="agent-chain-a", role=StaffRole.AGENT, landlord=landlord, password=PASSWORD
    )
    client.force_login(agent)
    html = client.get(reverse("chains:staff_list")).content.decode()
    assert f"Chaîne n° {proposal.pk}" in html
    assert str(households[0]) in html  # own tenant named
    assert str(households[2]) not in html  # landlord B's tenant is not
    assert "Ménage d’un autre bailleur" in html


def test_landlord_never_sees_chains_without_its_dwellings(client, households, proposal):
    from bourse.models import Landlord

    other = Landlord.objects.create(name="Bailleur sans chaîne", siret="55208131766522")
    agent = StaffFactory(
        username="agent-chain-c", role=StaffRole.AGENT, landlord=other, password=PASSWORD
    )
    client.force_login(agent)
    html = client.get(reverse("chains:staff_list")).content.decode()
    assert f"Chaîne n° {proposal.pk}" not in html
    assert "Aucune chaîne" in html


def test_amo_sees_all_and_tenant_is_refused(client, households, proposal, amo):
    client.force_login(amo)
    assert f"Chaîne n° {proposal.pk}" in client.get(reverse("chains:staff_list")).content.decode()
    client.force_login(households[0].user)
    assert client.get(reverse("chains:staff_list")).status_code == 403
