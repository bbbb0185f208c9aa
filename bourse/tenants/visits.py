"""Visit outcomes (issue 9): after visiting, each tenant of an accepted contact
request records whether they are interested in the other's home (optional
reason); the landlords read both on the exchange file opened from the request.

Rules: ``outcome_refusal`` (only the two tenants of an accepted request, the
visit not in the future nor before the request); ``record_outcome`` (one per
tenant and request, updated when recorded again); phone numbers and e-mail
addresses in the reason are masked (``bourse.contact_details``; ``outcome.masked``).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.contact_details import mask_contact_details

from .models import ContactRequest, ContactStatus, VisitOutcome

REASON_MAX_LENGTH = 500


class VisitError(Exception):
    """A refusal; the message is French and shown as is."""


def outcome_refusal(request_obj: ContactRequest, profile, visited_on: date | None = None):
    if not request_obj.involves(profile):
        return _("Seuls les deux locataires de cette demande peuvent en noter la visite.")
    if request_obj.status != ContactStatus.ACCEPTED:
        return _("La visite se note une fois la demande acceptée.")
    if visited_on is not None:
        if visited_on > timezone.localdate():
            return _("La date de visite ne peut pas être dans le futur.")
        if visited_on < timezone.localdate(request_obj.created_at):
            return _("La date de visite ne peut pas précéder la demande de contact.")
    return None


@transaction.atomic
def record_outcome(request_obj, profile, *, interested: bool, visited_on: date, reason=""):
    refusal = outcome_refusal(request_obj, profile, visited_on)
    if refusal:
        raise VisitError(refusal)
    reason, masked = mask_contact_details((reason or "").strip()[:REASON_MAX_LENGTH])
    outcome, _created = VisitOutcome.objects.update_or_create(
        request=request_obj,
        tenant=profile,
        defaults={
            "interested": interested,
            "visited_on": visited_on,
            "reason": reason,
            "recorded_at": timezone.now(),
        },
    )
    outcome.masked = masked
    return outcome


def outcomes_of_file(file, parties=()) -> list[VisitOutcome]:
    """The visit outcomes of the contact requests an exchange file was opened from,
    each with ``party``: the file's household of the tenant who recorded it."""
    by_user = {party.tenant_user_id: party for party in parties if party.tenant_user_id}
    outcomes = list(
        VisitOutcome.objects.filter(request__exchange_file=file)
        .select_related("tenant__user")
        .order_by("request_id", "recorded_at", "pk")
    )
    for outcome in outcomes:
        outcome.party = by_user.get(outcome.tenant.user_id)
    return outcomes
