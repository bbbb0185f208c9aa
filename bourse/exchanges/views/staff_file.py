"""A file's page for landlords' staff and the AMO, its actions, and the exchange agreement's PDF."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bourse import tenancy
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.permissions import forbidden, staff_required
from bourse.staff.context import staff_context

from .. import access, alerts, deadlines, display, workflow
from ..agreement import agreement_pdf
from ..forms import decorate, form_for
from ..models import ExchangeFile
from .confirming import CONFIRM, CONFIRM_FIELD, attempt, confirmation_context, parties_of

# --- File page (staff) --------------------------------------------------------------


def _staff_file(request, pk) -> ExchangeFile:
    file = get_object_or_404(ExchangeFile, pk=pk)
    if not access.can_view_file(request.user, file):
        raise Http404  # another organisation's file does not exist for this user
    return file


def _nur_ok(nur) -> bool:
    """Files opened before the NUR rule may hold a malformed NUR: the page says so."""
    try:
        return workflow.valid_nur(nur) == nur
    except workflow.InvalidData:
        return False


def file_page_context(request, file, parties, bound=None):
    """Everything the file page shows; ``bound`` replaces one action's form (errors)."""
    today = timezone.localdate()
    by_dwelling = {p.dwelling_left_id: p for p in parties}
    party_rows = []
    for party in parties:
        taken_from = by_dwelling.get(party.dwelling_taken_id)
        party_rows.append(
            {
                "party": party,
                "nur_ok": _nur_ok(party.nur),
                "left_contingent": display.contingent(party.dwelling_left),
                "taken_contingent": display.contingent(party.dwelling_taken),
                "taken_from": taken_from,
            }
        )
    actions = []
    for available in workflow.available_actions(file, request.user, parties):
        key = (available.action, available.party.pk if available.party else None)
        if bound is not None and bound[0] == key:
            form = bound[1]
        else:
            form = form_for(available.action, file=file, parties=parties, party=available.party)
        undo_label = ""
        if available.undo_event is not None:
            undo_label = display.action_label(available.undo_event.action)
        actions.append(
            {"available": available, "form": decorate(form), "key": key, "undo_label": undo_label}
        )
    events = list(
        file.events.select_related("actor", "actor_landlord", "party").order_by("at", "pk")
    )
    timeline = [
        {
            "event": e,
            "label": display.action_label(e.action),
            "actor": display.actor_label(e),
            "summary": display.event_summary(e),
            "from": display.step_label(e.from_step),
            "to": display.step_label(e.to_step),
        }
        for e in events
    ]
    shown = {item["key"] for item in actions}
    orphan_errors = []
    if bound is not None and bound[0] not in shown:
        # The action is no longer offered (file moved, or forced): say why at the top.
        orphan_errors = [str(error) for error in bound[1].non_field_errors()] or [
            _("Cette action n’est pas possible sur ce dossier.")
        ]
    return staff_context(
        request,
        file=file,
        orphan_errors=orphan_errors,
        parties=party_rows,
        track=display.step_track(file),
        deadlines=deadlines.deadlines(file, today),
        alert_list=[(a, alerts.RULES[a]) for a in alerts.alerts_of(file, today)],
        actions=actions,
        timeline=list(reversed(timeline)),
        can_download=access.can_download_agreement(request.user, file),
        visit_outcomes=tenancy.visit_outcomes(file, parties),
    )


@staff_required
def file_page(request, pk):
    file = _staff_file(request, pk)
    parties = parties_of(file)
    record_access(request, screen=Screen.EXCHANGE_FILE, exchange_file=file)
    return render(request, "exchanges/file.html", file_page_context(request, file, parties))


SUCCESS = {
    "close_by_landlord": gettext_lazy("Le dossier est clos."),
    "correct_nur": gettext_lazy("Le NUR est corrigé ; la correction figure dans l’historique."),
    "reopen": gettext_lazy("Le dossier est réactivé."),
    "undo": gettext_lazy("L’action est annulée : le dossier revient à l’étape précédente."),
}


@staff_required
@require_POST
def file_action(request, pk, action):
    if action not in workflow.TRANSITIONS or action in ("renounce", "close_for_inactivity"):
        raise Http404
    file = _staff_file(request, pk)
    parties = parties_of(file)
    party = None
    if workflow.Req.PARTY in workflow.TRANSITIONS[action].requires:
        raw = request.POST.get("party", "")
        party = next((p for p in parties if str(p.pk) == raw), None)
        if party is None:
            raise Http404
    form = form_for(action, request.POST, file=file, parties=parties, party=party)
    if form.is_valid():
        confirmed = action not in CONFIRM or request.POST.get(CONFIRM_FIELD) == "1"
        try:
            result = attempt(
                file,
                action,
                request.user,
                form,
                confirmed=confirmed,
                party=party,
                keep=(workflow.StaleStep, workflow.NotAllowed),
            )
        except workflow.StaleStep as error:
            messages.error(request, str(error))
            return redirect("exchanges:file", pk=file.pk)
        except workflow.NotAllowed as error:
            return forbidden(request, str(error))
        if result is not None:
            if not confirmed:
                return render(
                    request,
                    "exchanges/confirm.html",
                    staff_context(
                        request,
                        **confirmation_context(file, parties, form, result),
                        post_url=reverse("exchanges:action", args=[file.pk, action]),
                        back_url=reverse("exchanges:file", args=[file.pk]),
                    ),
                )
            message = SUCCESS.get(action) or _("« %(action)s » : c’est enregistré.") % {
                "action": workflow.TRANSITIONS[action].label
            }
            messages.success(request, message)
            return redirect("exchanges:file", pk=file.pk)
    file.refresh_from_db()
    key = (action, party.pk if party else None)
    context = file_page_context(request, file, parties_of(file), bound=(key, form))
    context["error_action"] = key
    return render(request, "exchanges/file.html", context, status=400)


# --- The exchange agreement ------------------------------------------------------------


@never_cache
def agreement(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    file = get_object_or_404(ExchangeFile, pk=pk)
    if not access.can_download_agreement(request.user, file):
        raise Http404
    if access.can_view_file(request.user, file):  # staff; a party's own download is not logged
        record_access(request, screen=Screen.AGREEMENT_PDF, exchange_file=file)
    response = HttpResponse(agreement_pdf(file), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="accord-echange-{file.reference}.pdf"'
    return response
