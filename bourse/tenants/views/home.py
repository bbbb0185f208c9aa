"""The tenant's dashboard and the suspend / resume buttons of the listing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse.exchanges import api as exchanges_api
from bourse.exchanges import display as exchanges_display
from portal.usercache import user_page_cached

from .. import answering, contacts, lifecycle, matching, searching
from ..models import ContactStatus
from ..permissions import tenant_required
from .steps import next_step_url, step_list


@user_page_cached
@tenant_required
def dashboard(request):
    profile = request.tenant
    listing = profile.listing
    requests_ = list(contacts.requests_of(profile)[:50])
    pending_received = [
        r for r in requests_ if r.receiver_id == profile.pk and r.status == ContactStatus.PENDING
    ]
    matches = []
    if listing.criteria_done_at:
        matches = matching.RankedResults(
            listing, include_rest=False, cache_key=f"dashboard:{listing.pk}"
        )[:5]
        for item in matches:
            item.reason = matching.match_reason(item.match_score)
    deadline = lifecycle.next_automatic_deactivation(listing)
    context = {
        "profile": profile,
        "listing": listing,
        "steps": step_list(listing),
        "next_step_url": next_step_url(listing),
        "last_event": lifecycle.last_status_event(listing),
        "matches": matches,
        "requests": requests_[:5],
        "pending_received": pending_received,
        "deadline": deadline,
        "show_deadline": deadline is not None
        and lifecycle.warning_due(deadline, timezone.now()) is not None,
        "ready_requests": [r for r in requests_ if r.ready_at and not r.exchange_file_id],
        "demand": searching.who_wants(listing),
        "saved_searches": list(profile.saved_searches.all()[:5]),
        "pause_days": answering.PAUSE_DAYS,
    }
    if listing.paused_unanswered_at:
        context["overdue"] = list(
            answering.overdue_requests(profile, timezone.localdate()).select_related(
                "sender__user"
            )[:10]
        )
    latest_file = exchanges_api.latest_file_of(request.user)
    context["has_exchange_files"] = latest_file is not None
    if latest_file is not None and exchanges_api.is_in_progress(latest_file):
        exchange_file = context["exchange_file"] = latest_file
        context["exchange_next_step"] = exchanges_display.tenant_next_step(exchange_file)
    return render(request, "tenants/dashboard.html", context)


@require_POST
@tenant_required
def suspend(request):
    try:
        lifecycle.suspend_by_tenant(request.tenant.listing, request.user)
        messages.success(
            request,
            _(
                "Votre annonce est suspendue : elle n’apparaît plus dans les recherches. "
                "Au-delà de 4 mois de suspension, votre compte sera désactivé."
            ),
        )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:dashboard")


@require_POST
@tenant_required
def resume(request):
    try:
        lifecycle.resume_by_tenant(request.tenant.listing, request.user)
        messages.success(request, _("Votre annonce est de nouveau visible."))
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:dashboard")
