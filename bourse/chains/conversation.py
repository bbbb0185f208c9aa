"""A chain proposal's conversation (issue 17): its households talk under pseudonyms
from the first acceptance, while the proposal is open or, once accepted, while its
exchange file is open; read-only afterwards (``bourse.conversations``)."""

from django.utils import timezone

from bourse.conversations import services as conversations
from bourse.conversations.models import Conversation

from .models import ChainProposal, ProposalStatus


def chain_key(proposal_id: int) -> str:
    return f"chain:{proposal_id}"


def ended_at(conversation: Conversation):
    """Registered as the ``chain`` reader of ``conversations.services.STATE_READERS``."""
    proposal = (
        ChainProposal.objects.select_related("exchange_file")
        .filter(pk=conversation.subject_id)
        .first()
    )
    if proposal is None:
        return conversation.closed_at or timezone.now()
    if proposal.status == ProposalStatus.OPEN:
        return None
    if proposal.status == ProposalStatus.ACCEPTED:
        file = proposal.exchange_file
        if file is None or file.is_open:
            return None
        return file.closed_at or file.step_changed_at
    return proposal.closed_at or conversation.closed_at or timezone.now()


def conversation_for(proposal: ChainProposal) -> Conversation:
    """The proposal's conversation, with every household of the chain."""
    tenants = [
        member.listing.tenant
        for member in proposal.members.select_related("listing__tenant").order_by("position")
    ]
    return conversations.ensure_conversation(chain_key(proposal.pk), tenants)
