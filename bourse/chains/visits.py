"""The chains as a place where visits are arranged (``bourse.visits.contexts``):
registered from ``apps.ready()``. Each household visits the home it would move into
(the next member's), once every household has accepted (the proposal is then
``accepted``: one exchange file opened for all)."""

from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils.translation import gettext as _

from bourse.visits import contexts
from bourse.visits.models import ContextKind

from . import services
from .models import ChainProposal, ProposalStatus


def _back_url(proposal: ChainProposal, profile) -> str:
    """The chain's page while the household's list shows it; afterwards (a chain
    accepted weeks ago, its exchange file still open) the household's exchange files."""
    if services.proposals_for_tenant(profile).filter(pk=proposal.pk).exists():
        return reverse("chains:proposal", args=[proposal.pk])
    return reverse("exchanges:tenant_files")


def chain_context(pk: int, profile) -> contexts.VisitContext | None:
    proposal = (
        ChainProposal.objects.filter(pk=pk, members__listing__tenant=profile)
        .prefetch_related(
            "members__listing__tenant__user", "members__listing__tenant__messaging_preferences"
        )
        .first()
    )
    if proposal is None:
        return None
    households = [member.listing.tenant for member in proposal.members.all()]
    size = len(households)
    return contexts.VisitContext(
        kind=ContextKind.CHAIN,
        pk=proposal.pk,
        open=proposal.status == ProposalStatus.ACCEPTED,
        # The household at position i moves into the home at position i + 1.
        pairs=tuple((households[(i + 1) % size], households[i]) for i in range(size)),
        url=_back_url(proposal, profile),
        title=_("Chaîne n° %(pk)s") % {"pk": proposal.pk},
    )


def _proposal_deleted(sender, instance, **kwargs):
    contexts.forget_context(ContextKind.CHAIN, instance.pk)


def connect() -> None:
    contexts.register(ContextKind.CHAIN, chain_context)
    post_delete.connect(_proposal_deleted, sender=ChainProposal, dispatch_uid="visits-chain")
