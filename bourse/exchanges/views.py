"""Screens of the exchange files: landlords' dashboard and file page, the tenant's view, the PDF.

Views parse and display; every rule is in ``workflow`` (what may be done),
``access`` (who sees what), ``alerts`` and ``deadlines``.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bourse import permissions as staff_permissions
from bourse import tenancy
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.permissions import forbidden, staff_required
from bourse.staff.context import staff_context
from bourse.tenancy import TenantRefusal, tenant_required

from . import access, alerts, deadlines, display, file_list, workflow
from .agreement import agreement_pdf
from .forms import DashboardFilterForm, NurForm, decorate, form_for
from .models import CLOSED_STEPS, OPEN_STEPS, ExchangeFile, Step

PAGE_SIZE = 50


# --- Landlords' dashboard ---------------------------------------------------------


def _filtered(request, form, today):
    user = request.user
    files = access.visible_files(user)
    landlord = None
    raw_landlord = request.GET.get("bailleur", "")
    if raw_landlord and not staff_permissions.is_super_admin(user):
        own = staff_permissions.user_landlord(user)
        if own is None or raw_landlord != str(own.pk):
            raise PermissionDenied
    data = form.cleaned_data if form.is_valid() else {}
    landlord = data.get("bailleur")
    if landlord is not None:
        files = files.for_landlord(landlord)
    scope = files
    status = data.get("statut") or "en_cours"
    if status == "en_cours":
        files = files.filter(step__in=OPEN_STEPS)
    elif status == "realises":
        files = files.filter(step=Step.DONE)
    elif status == "clos":
        files = files.filter(step__in=CLOSED_STEPS)
    if data.get("etape"):
        files = files.filter(step=data["etape"])
    alert = data.get("alerte")
    if alert == "oui":
        files = files.filter(alerts.any_alert_q(today))
    elif alert:
        files = files.filter(alerts.RULES[int(alert)].query(today))
    age = data.get("anciennete")
    month_ago = today - dt.timedelta(days=30)
    three_months_ago = today - dt.timedelta(days=91)
    if age == "moins_1_mois":
        files = files.filter(nurs_date__gt=month_ago)
    elif age == "1_3_mois":
        files = files.filter(nurs_date__lte=month_ago, nurs_date__gt=three_months_ago)
    elif age == "plus_3_mois":
        files = files.filter(nurs_date__lte=three_months_ago)
    return scope, files


def _dashboard_list(request, today):
    """The filtered, searched and sorted list of the dashboard and of its exports."""
    super_admin = staff_permissions.is_super_admin(request.user)
    form = DashboardFilterForm(request.GET or None, show_landlord=super_admin)
    scope, files = _filtered(request, form, today)
    listing = file_list.parse_request(request.GET)
    if form.is_bound and not form.is_valid():
        listing.messages.append(_("Un filtre n’est pas valide : il n’a pas été appliqué."))
    files = file_list.search(files, listing.text)
    files = file_list.ordered(files, today, listing.sort, listing.descending)
    return form, scope, files, listing


def _sort_links(request, listing):
    """Each sortable column: its link (ascending, or descending when already ascending)."""
    params = request.GET.copy()
    params.pop("page", None)
    links = {}
    for key in file_list.SORTS:
        current = listing.sort == key
        params["tri"] = f"-{key}" if current and not listing.descending else key
        state = ""
        if current:
            state = "descending" if listing.descending else "ascending"
        links[key] = {"query": params.urlencode(), "state": state}
    return links


@staff_required
def dashboard(request):
    today = timezone.localdate()
    form, scope, files, listing = _dashboard_list(request, today)
    step_counts = dict(scope.values_list("step").annotate(n=Count("pk")).values_list("step", "n"))
    open_scope = scope.filter(step__in=OPEN_STEPS)
    alert_counts = open_scope.aggregate(
        **{
            f"a{int(alert)}": Count("pk", filter=rule.query(today))
            for alert, rule in alerts.RULES.items()
        },
        overdue=Count("pk", filter=deadlines.overdue_q(today)),
    )
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "exchanges/dashboard.html",
        staff_context(
            request,
            form=form,
            page=page,
            rows=list(file_list.rows(page, today)),
            listing=listing,
            sort_links=_sort_links(request, listing),
            query=params.urlencode(),
            step_rows=[(s, step_counts.get(s.value, 0)) for s in Step],
            alert_rows=[
                (alert, rule, alert_counts[f"a{int(alert)}"])
                for alert, rule in alerts.RULES.items()
            ],
            overdue_count=alert_counts["overdue"],
            open_count=open_scope.count(),
            today=today,
        ),
    )


@staff_required
def dashboard_export(request, fmt):
    """The dashboard's filtered list (every page, in the screen's order) as CSV or XLSX."""
    today = timezone.localdate()
    _form, _scope, files, _listing = _dashboard_list(request, today)
    name = f"dossiers-echange-{today:%Y-%m-%d}"
    record_access(request, screen=Screen.FILES_EXPORT, reference=f"{name}.{fmt}")
    if fmt == "xlsx":
        response = HttpResponse(
            file_list.export_xlsx(files, today),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            file_list.export_csv(files, today), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- File page (staff) --------------------------------------------------------------


def _staff_file(request, pk) -> ExchangeFile:
    file = get_object_or_404(ExchangeFile, pk=pk)
    if not access.can_view_file(request.user, file):
        raise Http404  # another organisation's file does not exist for this user
    return file


def _parties(file):
    return list(
        file.parties.select_related(
            "landlord", "dwelling_left__commune", "dwelling_taken__commune", "tenant_user"
        ).order_by("position")
    )


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
    parties = _parties(file)
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
    parties = _parties(file)
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
            result = workflow.perform(
                file,
                action,
                request.user,
                expected_step=form.cleaned_data["expected_step"],
                party=party,
                data=form.action_data(),
                dry_run=not confirmed,
            )
        except workflow.StaleStep as error:
            messages.error(request, str(error))
            return redirect("exchanges:file", pk=file.pk)
        except workflow.NotAllowed as error:
            return forbidden(request, str(error))
        except workflow.TransitionError as error:
            add_refusal(form, error)
        else:
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
    context = file_page_context(request, file, _parties(file), bound=(key, form))
    context["error_action"] = key
    return render(request, "exchanges/file.html", context, status=400)


# --- Confirmation of the consequential actions ----------------------------------------

# Closing, undoing, reopening, renouncing, a CAL decision and the completion are
# confirmed: the first POST checks everything (``perform(dry_run=True)``: nothing
# changes) and shows what will happen with a "Confirmer" button that posts the same
# data again with ``confirmer=1``. No JavaScript needed.
CONFIRM = frozenset(
    {
        "close_by_landlord",
        "undo",
        "reopen",
        "renounce",
        "record_cal_decision",
        "set_completion",
        "edit_completion",
    }
)
CONFIRM_FIELD = "confirmer"


def add_refusal(form, error):
    """The refusal next to its field when the rule names one the form has."""
    name = getattr(error, "field", None)
    if name in form.fields:
        form.add_error(name, str(error))
    else:
        form.add_error(None, str(error))


def confirmation_context(file, parties, form, preview) -> dict:
    hidden = [bound.as_hidden() for bound in form if bound.name in form.cleaned_data]
    return {
        "file": file,
        "preview": preview,
        "label": workflow.TRANSITIONS[preview.action].label,
        "danger": workflow.TRANSITIONS[preview.action].danger or preview.to_step in CLOSED_STEPS,
        "lines": display.confirmation_lines(file, preview, form.cleaned_data),
        "hidden_fields": hidden,
        "party": preview.party,
        "confirm_field": CONFIRM_FIELD,
    }


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


# --- Tenant view ------------------------------------------------------------------------


def _tenant_file(request, pk):
    file = access.tenant_files(request.user).filter(pk=pk).first()
    if file is None:
        raise Http404
    return file


@tenant_required(account_required=False)
def tenant_files(request):
    files = list(access.tenant_files(request.user).order_by("-opened_at"))
    if len(files) == 1:
        return redirect("exchanges:tenant_file", pk=files[0].pk)
    return render(request, "exchanges/tenant_files.html", {"files": files})


def tenant_context(request, file, form=None, nur_form=None):
    parties = _parties(file)
    own = next(p for p in parties if p.tenant_user_id == request.user.pk)
    can_correct_nur = file.step in workflow.NUR_TENANT_STEPS
    if can_correct_nur and nur_form is None:
        nur_form = NurForm(initial={"nur": own.nur})
    taken_from = next((p for p in parties if p.dwelling_left_id == own.dwelling_taken_id), None)
    can_renounce = workflow.can(file, request.user, "renounce", parties=parties)
    if can_renounce and form is None:
        form = decorate(form_for("renounce", file=file, parties=parties))
    return {
        "file": file,
        "own": own,
        "taken_from": taken_from,
        "household_count": len(parties),
        "track": display.step_track(file),
        "next_step": display.tenant_next_step(file),
        "form": form if can_renounce else None,
        # A refused correction keeps its form (and its message) on the page.
        "nur_form": nur_form if can_correct_nur or (nur_form and nur_form.is_bound) else None,
    }


@tenant_required(account_required=False)
def tenant_file(request, pk):
    file = _tenant_file(request, pk)
    return render(request, "exchanges/tenant_file.html", tenant_context(request, file))


@tenant_required(account_required=False)
@require_POST
def tenant_correct_nur(request, pk):
    """The tenant corrects its NUR until the pre-instruction is validated: its account
    and the open file (recorded in the timeline) — chains included."""
    file = _tenant_file(request, pk)
    form = NurForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["nur"]
        try:
            if request.tenant is not None and tenancy.set_nur is not None:
                tenancy.set_nur(request.tenant, value)
            else:
                own = file.parties.get(tenant_user=request.user)
                workflow.perform(file, "correct_nur", request.user, party=own, data={"nur": value})
        except (TenantRefusal, workflow.TransitionError) as error:
            form.add_error("nur", str(error))
        else:
            messages.success(request, _("Votre NUR est corrigé dans votre dossier d’échange."))
            return redirect("exchanges:tenant_file", pk=file.pk)
    file.refresh_from_db()
    context = tenant_context(request, file, nur_form=form)
    return render(request, "exchanges/tenant_file.html", context, status=400)


@tenant_required(account_required=False)
@require_POST
def tenant_renounce(request, pk):
    file = _tenant_file(request, pk)
    parties = _parties(file)
    form = form_for("renounce", request.POST, file=file, parties=parties)
    if form.is_valid():
        confirmed = request.POST.get(CONFIRM_FIELD) == "1"
        try:
            result = workflow.perform(
                file,
                "renounce",
                request.user,
                expected_step=form.cleaned_data["expected_step"],
                data=form.action_data(),
                dry_run=not confirmed,
            )
        except workflow.StaleStep as error:
            messages.error(request, str(error))
            return redirect("exchanges:tenant_file", pk=file.pk)
        except workflow.TransitionError as error:
            add_refusal(form, error)
        else:
            if not confirmed:
                return render(
                    request,
                    "exchanges/tenant_confirm.html",
                    {
                        **confirmation_context(file, parties, form, result),
                        "post_url": reverse("exchanges:renounce", args=[file.pk]),
                        "back_url": reverse("exchanges:tenant_file", args=[file.pk]),
                    },
                )
            messages.success(request, _("Vous avez renoncé à l’échange : le dossier est clos."))
            return redirect("exchanges:tenant_file", pk=file.pk)
    file.refresh_from_db()
    context = tenant_context(request, file, form=decorate(form))
    return render(request, "exchanges/tenant_file.html", context, status=400)
