"""Tenant accounts and exchange files: the glue between the two apps.

- A contact request that is accepted, with both NURs entered, opens an
  exchange file at once (``open_file_for_request``); the daily job retries the
  pairs that could not open then (``open_ready_files``), e.g. because one of
  the dwellings was in another file.
- While a file is open its tenants' listings are out of the search
  (``lifecycle.withdraw_for_exchange_file``); its closure reactivates them if
  still eligible, without mail (``lifecycle.reactivate_after_exchange_file``);
  a completed exchange keeps them out (``lifecycle.mark_exchanged``).

The receivers run inside the exchange action's transaction (see
``bourse.exchanges.signals``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from bourse.exchanges import api as exchanges_api
from bourse.exchanges import signals as exchange_signals
from bourse.exchanges import workflow
from bourse.exchanges.models import OPEN_STEPS, ExchangeParty
from bourse.exchanges.workflow import InvalidData

from . import lifecycle
from .models import ContactRequest, Listing, TenantProfile

logger = logging.getLogger(__name__)


def open_file_for_request(request_obj: ContactRequest, opened_by=None, *, notify=True):
    """Open the exchange file of a ready pair; return it, or None when it cannot open.

    Each household moves into the other's dwelling; the NURs and dwellings
    come from the two tenant accounts. A pair whose file is already open is
    left alone.
    """
    with transaction.atomic():
        request_obj = (
            ContactRequest.objects.select_for_update()
            .select_related("sender__user", "receiver__user")
            .get(pk=request_obj.pk)
        )
        if request_obj.exchange_file_opened_at is not None or request_obj.ready_at is None:
            return None
        profiles = (request_obj.sender, request_obj.receiver)
        if any(p.dwelling_id is None or not p.nur for p in profiles):
            return None
        specs = [
            exchanges_api.PartySpec(dwelling_left=p.dwelling_id, nur=p.nur, tenant_user=p.user)
            for p in profiles
        ]
        try:
            file = exchanges_api.open_exchange_file(specs, opened_by, notify=notify)
        except InvalidData as error:
            logger.info("No exchange file for contact request %s: %s", request_obj.pk, error)
            return None
        request_obj.exchange_file = file
        request_obj.exchange_file_opened_at = file.opened_at or timezone.now()
        request_obj.save(update_fields=["exchange_file", "exchange_file_opened_at"])
        return file


def correct_nur_in_open_files(profile, nur: str) -> list:
    """The tenant's corrected NUR reaches its open exchange file(s) (``correct_nur``:
    recorded in the timeline; refused once the pre-instruction is validated —
    ``TransitionError``). Returns the files corrected."""
    corrected = []
    parties = (
        ExchangeParty.objects.filter(tenant_user_id=profile.user_id, file__step__in=OPEN_STEPS)
        .exclude(nur=nur)
        .select_related("file")
        .order_by("pk")
    )
    for party in parties:
        workflow.perform(party.file, "correct_nur", profile.user, party=party, data={"nur": nur})
        corrected.append(party.file)
    return corrected


def open_ready_files(*, notify=True) -> int:
    """The daily job's sweep: open the files of the ready pairs still waiting
    (``notify=False``: no mail, for the demo content)."""
    from .contacts import ready_pairs

    opened = 0
    for request_obj in ready_pairs().order_by("ready_at", "pk").iterator(chunk_size=200):
        if open_file_for_request(request_obj, notify=notify) is not None:
            opened += 1
    return opened


def _listings_of(file):
    return Listing.objects.filter(
        tenant__user__exchange_parties__file=file, tenant__anonymised_at__isnull=True
    ).select_related("tenant")


@receiver(exchange_signals.exchange_file_opened, dispatch_uid="tenants_file_opened")
def on_file_opened(sender, file, reopened=False, **kwargs):
    for listing in _listings_of(file):
        lifecycle.withdraw_for_exchange_file(listing)


@receiver(exchange_signals.exchange_file_closed, dispatch_uid="tenants_file_closed")
def on_file_closed(sender, file, **kwargs):
    for listing in _listings_of(file):
        lifecycle.reactivate_after_exchange_file(listing)


@receiver(exchange_signals.exchange_nur_corrected, dispatch_uid="tenants_nur_corrected")
def on_nur_corrected(sender, file, party, nur, **kwargs):
    """A landlord's correction reaches the tenant's account too."""
    if party.tenant_user_id is None:
        return
    TenantProfile.objects.filter(user_id=party.tenant_user_id, anonymised_at__isnull=True).exclude(
        nur=nur
    ).update(nur=nur)


@receiver(exchange_signals.exchange_file_completed, dispatch_uid="tenants_file_completed")
def on_file_completed(sender, file, **kwargs):
    for listing in _listings_of(file):
        lifecycle.mark_exchanged(listing)
