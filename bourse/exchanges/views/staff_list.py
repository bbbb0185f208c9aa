"""The landlords' list of exchange files (the AMO's: all of them), its filters, sort and exports."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse import permissions as staff_permissions
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.permissions import staff_required
from bourse.staff.context import staff_context

from .. import access, alerts, deadlines, file_list
from ..forms import DashboardFilterForm
from ..models import CLOSED_STEPS, OPEN_STEPS, Step

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
