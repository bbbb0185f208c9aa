"""The demo content proposes chains to the demo tenants (4 households each); the
``find_chains`` command run again proposes nothing new."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from bourse.chains.models import ChainMember, ChainProposal, ProposalStatus

pytestmark = pytest.mark.django_db


def test_demo_tenants_get_chain_proposals(client, demo_content):
    proposals = ChainProposal.objects.filter(status=ProposalStatus.OPEN)
    assert proposals.exists()
    assert set(proposals.values_list("size", flat=True)) == {4}
    usernames = set(ChainMember.objects.values_list("listing__tenant__user__username", flat=True))
    # locataire1 and locataire2 agreed and entered their NURs: they are in an exchange
    # file, out of the search, hence in no chain.
    assert not {"locataire1", "locataire2"} & usernames
    assert len(usernames) >= 8
    client.force_login(get_user_model().objects.get(username=sorted(usernames)[0]))
    html = client.get(reverse("tenants:dashboard")).content.decode()
    assert "Mes propositions de chaîne d’échange" in html
    assert "Chaîne de 4 ménages" in html

    out = io.StringIO()
    call_command("find_chains", stdout=out)
    assert "0 propositions nouvelles" in out.getvalue()
    assert ChainProposal.objects.count() == proposals.count()
