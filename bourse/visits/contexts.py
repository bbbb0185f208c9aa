"""Where visits are arranged: a "context" is an accepted contact request (provided
here) or a chain accepted by every household (provided by ``bourse.chains``, an upper
layer, from its ``ready()``: ``register("chain", loader)``).

A loader takes ``(context id, profile)`` and answers the ``VisitContext`` seen by that
household, or None when the household is not in it (the views answer 404).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils.translation import gettext as _

from bourse.tenants.models import ContactRequest, ContactStatus, TenantProfile

from .models import ContextKind, Visit


@dataclass(frozen=True)
class VisitContext:
    kind: str  # ContextKind
    pk: int
    open: bool  # visits may be arranged now
    # (host, visitor): each household visits the home it would move into.
    pairs: tuple[tuple[TenantProfile, TenantProfile], ...]
    url: str  # the request's or the chain's page
    title: str

    def pair_hosted_by(self, profile):
        return next((pair for pair in self.pairs if pair[0].pk == profile.pk), None)

    def pair_visited_by(self, profile):
        return next((pair for pair in self.pairs if pair[1].pk == profile.pk), None)

    def households(self):
        return {host.pk: host for host, _visitor in self.pairs}


loaders: dict[str, Callable[[int, TenantProfile], VisitContext | None]] = {}


def register(kind: str, loader) -> None:
    loaders[kind] = loader


def load(kind: str, pk: int, profile) -> VisitContext | None:
    loader = loaders.get(kind)
    if loader is None or profile is None:
        return None
    return loader(pk, profile)


def request_context(pk: int, profile) -> VisitContext | None:
    """A contact request: each of the two households visits the other's home, once
    the request is accepted."""
    request_obj = (
        ContactRequest.objects.select_related(
            "sender__user",
            "receiver__user",
            "sender__messaging_preferences",
            "receiver__messaging_preferences",
        )
        .filter(pk=pk)
        .first()
    )
    if request_obj is None or not request_obj.involves(profile):
        return None
    sender, receiver = request_obj.sender, request_obj.receiver
    return VisitContext(
        kind=ContextKind.REQUEST,
        pk=request_obj.pk,
        open=request_obj.status == ContactStatus.ACCEPTED,
        pairs=((sender, receiver), (receiver, sender)),
        url=reverse("tenants:request_detail", args=[request_obj.pk]),
        title=_("Demande de contact n° %(pk)s") % {"pk": request_obj.pk},
    )


def forget_context(kind: str, pk: int) -> None:
    """A request or a chain deleted: its visits go with it."""
    Visit.objects.filter(context_kind=kind, context_id=pk).delete()


def _request_deleted(sender, instance, **kwargs):
    forget_context(ContextKind.REQUEST, instance.pk)


def connect_request_context() -> None:
    register(ContextKind.REQUEST, request_context)
    post_delete.connect(_request_deleted, sender=ContactRequest, dispatch_uid="visits-request")
