"""A chain proposal's conversation: its households, from the first acceptance, open
while the chain is, read-only once it is dissolved."""

import pytest

from bourse.chains import services as chains
from bourse.chains.models import ChainProposal
from bourse.conversations import services
from bourse.conversations.models import Conversation
from portal.models import OutboundEmail
from tests.chains.conftest import households  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_chain_conversation(households):  # noqa: F811
    chains.find_chains()
    proposal = ChainProposal.objects.get()
    key = f"chain:{proposal.pk}"
    assert not Conversation.objects.filter(subject_key=key).exists()
    chains.accept(proposal.pk, households[0], "0750623000001GDPUB")
    conversation = Conversation.objects.get(subject_key=key)
    assert {p.tenant_id for p in conversation.participants.all()} == {h.pk for h in households}
    assert services.is_open(conversation)
    services.post_message(conversation, households[1], "Bonjour à tous")
    told = {tuple(m.to) for m in OutboundEmail.objects.filter(kind="conversation_message")}
    assert told == {(households[0].user.email,), (households[2].user.email,)}
    chains.decline(proposal.pk, households[2])
    conversation.refresh_from_db()
    assert not services.is_open(conversation)
    with pytest.raises(services.ConversationError):
        services.post_message(conversation, households[0], "Dommage")
