"""Contact requests between tenants, through the platform.

Rules:
- only an *active* (and eligible) listing can receive a request — never a
  *registered* one (anomaly 5 of 2021) — and the sender's own listing must be
  active too, so that the receiver can read it;
- one open request (pending or accepted) per pair of tenants, either way;
- at most ``DAILY_LIMIT`` requests sent per tenant per day;
- the receiver accepts or declines; the sender may withdraw a pending one;
- mails tell the receiver of a request and the sender of the answer; no
  address or phone number is ever given to the other tenant: those written in
  the message or the answer are masked before they are stored
  (``bourse.contact_details``; ``request_obj.masked`` lists them);
- when the request is accepted and both tenants have entered their NUR, the
  pair is ready for an exchange file (``ready_pairs``);
- a listing paused for unanswered requests (``answering``) receives none, and
  its tenant sends none until they answer; answering (or a withdrawal) brings
  it back to the search.
"""

import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.contact_details import mask_contact_details
from bourse.exchanges.forms import validate_nur
from bourse.exchanges.workflow import TransitionError
from bourse.tenancy import TenantRefusal

from . import answering, exchange_files, lifecycle, notifications
from .models import ContactRequest, ContactStatus, Listing, ListingStatus, TenantProfile

DAILY_LIMIT = 10
MESSAGE_MAX_LENGTH = 2000
OPEN = (ContactStatus.PENDING, ContactStatus.ACCEPTED)


class ContactError(TenantRefusal):
    pass


def normalise_nur(value: str) -> str:
    return re.sub(r"[\s\-.]+", "", value or "").upper()


def open_request_between(a: TenantProfile, b: TenantProfile):
    return (
        ContactRequest.objects.filter(status__in=OPEN)
        .filter(Q(sender=a, receiver=b) | Q(sender=b, receiver=a))
        .first()
    )


# Checks of the apps above (sender, receiver) → a French refusal or None: the
# conversations' blocks (``bourse.conversations`` fills it from its ``ready()``).
refusal_checks: list = []


def contact_refusal(sender: TenantProfile, listing) -> str | None:
    """Why ``sender`` may not write to the tenant of ``listing``, or None."""
    receiver = listing.tenant
    if receiver.pk == sender.pk:
        return _("Il s’agit de votre propre annonce.")
    own = getattr(sender, "listing", None)
    if own is not None and own.paused_unanswered_at is not None:
        return _(
            "Votre annonce est retirée de la recherche car des demandes reçues attendent "
            "votre réponse depuis plus de %(days)s jours : répondez-y (acceptez ou déclinez) "
            "pour contacter d’autres locataires."
        ) % {"days": answering.PAUSE_DAYS}
    if own is None or not own.searchable:
        return _(
            "Votre annonce doit être active pour contacter d’autres locataires : complétez "
            "les trois étapes, ou réactivez votre annonce."
        )
    if not listing.searchable:
        return _("Cette annonce n’est pas active : elle ne peut pas recevoir de demande.")
    if receiver.anonymised_at is not None or not lifecycle.tenant_is_eligible(receiver):
        return _("Cette annonce n’est pas active : elle ne peut pas recevoir de demande.")
    for check in refusal_checks:
        refusal = check(sender, receiver)
        if refusal:
            return refusal
    if open_request_between(sender, receiver) is not None:
        return _("Vous êtes déjà en contact avec ce locataire : voyez vos demandes.")
    since = timezone.now() - timedelta(days=1)
    if sender.requests_sent.filter(created_at__gte=since).count() >= DAILY_LIMIT:
        return _("Vous avez envoyé %(limit)s demandes en 24 heures : réessayez demain.") % {
            "limit": DAILY_LIMIT
        }
    return None


@transaction.atomic
def send_request(sender: TenantProfile, listing, message: str) -> ContactRequest:
    refusal = contact_refusal(sender, listing)
    if refusal:
        raise ContactError(refusal)
    message = (message or "").strip()
    if not message:
        raise ContactError(_("Écrivez un message."))
    message, masked = mask_contact_details(message[:MESSAGE_MAX_LENGTH])
    try:
        with transaction.atomic():
            request_obj = ContactRequest.objects.create(
                sender=sender, receiver=listing.tenant, message=message
            )
    except IntegrityError as error:
        raise ContactError(_("Vous êtes déjà en contact avec ce locataire.")) from error
    request_obj.masked = masked
    notifications.send_contact_received(request_obj)
    return request_obj


@transaction.atomic
def answer(request_obj: ContactRequest, profile: TenantProfile, accept: bool, text="") -> list:
    """Accept or decline; returns the contact details masked in the answer."""
    request_obj = ContactRequest.objects.select_for_update().get(pk=request_obj.pk)
    if profile.pk != request_obj.receiver_id:
        raise ContactError(_("Seul le destinataire peut répondre à cette demande."))
    if request_obj.status != ContactStatus.PENDING:
        raise ContactError(_("Cette demande a déjà reçu une réponse."))
    request_obj.status = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
    request_obj.answer, masked = mask_contact_details((text or "").strip()[:MESSAGE_MAX_LENGTH])
    request_obj.answered_at = timezone.now()
    request_obj.save(update_fields=["status", "answer", "answered_at"])
    notifications.send_contact_answered(request_obj)
    _resume_receiver(request_obj, profile.user)
    if accept:
        mark_ready(request_obj, opened_by=profile.user)
    return masked


def _resume_receiver(request_obj: ContactRequest, user=None) -> None:
    listing = Listing.objects.filter(tenant_id=request_obj.receiver_id).first()
    if listing is not None:
        answering.resume_if_answered(listing, user=user)


@transaction.atomic
def withdraw(request_obj: ContactRequest, profile: TenantProfile) -> None:
    request_obj = ContactRequest.objects.select_for_update().get(pk=request_obj.pk)
    if profile.pk != request_obj.sender_id or request_obj.status != ContactStatus.PENDING:
        raise ContactError(_("Seule une demande en attente peut être retirée par son auteur."))
    request_obj.status = ContactStatus.WITHDRAWN
    request_obj.save(update_fields=["status"])
    _resume_receiver(request_obj)


@transaction.atomic
def set_nur(profile: TenantProfile, value: str) -> str:
    """Enter or correct the tenant's NUR. A correction reaches their open exchange
    file (recorded in its timeline) while its pre-instruction is not validated;
    after that it is refused (``ContactError``) and nothing changes: the file's
    landlords correct it."""
    nur = validate_nur(value)
    try:
        exchange_files.correct_nur_in_open_files(profile, nur)
    except TransitionError as error:
        raise ContactError(str(error)) from error
    profile.nur = nur
    profile.save(update_fields=["nur"])
    for request_obj in ContactRequest.objects.filter(
        Q(sender=profile) | Q(receiver=profile), status=ContactStatus.ACCEPTED, ready_at=None
    ).select_related("sender", "receiver"):
        mark_ready(request_obj, opened_by=profile.user)
    return nur


def mark_ready(request_obj: ContactRequest, opened_by=None) -> bool:
    """Accepted, and both NURs entered: the exchange file opens (its own mails say
    so); when it cannot open yet (a dwelling in another file…), the pair is
    ready and told so once, and the daily job opens it later."""
    request_obj.sender.refresh_from_db(fields=["nur"])
    request_obj.receiver.refresh_from_db(fields=["nur"])
    if (
        request_obj.status != ContactStatus.ACCEPTED
        or request_obj.ready_at is not None
        or not request_obj.sender.nur
        or not request_obj.receiver.nur
    ):
        return False
    updated = ContactRequest.objects.filter(pk=request_obj.pk, ready_at=None).update(
        ready_at=timezone.now()
    )
    if updated:
        request_obj.refresh_from_db(fields=["ready_at"])
        # « When both agree and enter their NUR, an exchange file is created. »
        if exchange_files.open_file_for_request(request_obj, opened_by) is None:
            notifications.send_ready_for_file(request_obj)
    return bool(updated)


def ready_pairs():
    """Pairs ready for an exchange file (the next step creates the file and sets
    ``exchange_file_opened_at``): accepted, both NURs entered, both accounts usable."""
    return (
        ContactRequest.objects.filter(
            status=ContactStatus.ACCEPTED,
            ready_at__isnull=False,
            exchange_file_opened_at__isnull=True,
            sender__anonymised_at__isnull=True,
            receiver__anonymised_at__isnull=True,
        )
        .exclude(sender__nur="")
        .exclude(receiver__nur="")
        .exclude(sender__listing__status=ListingStatus.DEACTIVATED)
        .exclude(receiver__listing__status=ListingStatus.DEACTIVATED)
        .select_related("sender__user", "receiver__user", "sender__listing", "receiver__listing")
    )


def requests_of(profile: TenantProfile):
    return (
        ContactRequest.objects.filter(Q(sender=profile) | Q(receiver=profile))
        .select_related(
            "sender__user",
            "receiver__user",
            "sender__listing__commune",
            "receiver__listing__commune",
        )
        .order_by("-created_at", "-pk")
    )
