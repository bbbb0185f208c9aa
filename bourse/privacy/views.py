"""The privacy screens: the access log (AMO, landlord administrators) and the
tenant's own data (download, delete). Thin: rules in ``bourse.audit.access``,
``access_log``, ``export`` and ``rights``."""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.audit.access import can_view_log
from bourse.permissions import staff_required
from bourse.staff.context import staff_context
from bourse.tenancy import tenant_required
from bourse.tenants import lifecycle
from portal.http import never_cache_response, page_of, query_without_page

from . import access_log, export, retention, rights
from .forms import AccessLogFilterForm, DeleteAccountForm


def _log_form(request):
    return AccessLogFilterForm(
        request.GET or None, staff_queryset=access_log.staff_choices(request.user)
    )


@staff_required(test=can_view_log)
def access_log_list(request):
    form = _log_form(request)
    entries = access_log.filtered_entries(
        request.user, form.cleaned_data if form.is_bound and form.is_valid() else {}
    )
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    query = query_without_page(request)
    return render(
        request,
        "privacy/access_log.html",
        staff_context(
            request,
            form=form,
            page=page_of(request, entries),
            query=query,
            months=retention.RULES_BY_KEY["access_log"].amount,
        ),
    )


@staff_required(test=can_view_log)
def access_log_export(request):
    form = _log_form(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Les filtres sont invalides : rien n’a été exporté."))
        return redirect("privacy:access_log")
    entries = access_log.filtered_entries(request.user, form.cleaned_data if form.is_bound else {})
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(
        access_log.csv_rows(entries.order_by("at", "pk")), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="journal-des-acces-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The tenant's own data ----------------------------------------------------------


@tenant_required
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {"refusal": rights.deletion_refusal(request.tenant)},
    )


@tenant_required
def download(request):
    """The ZIP of the tenant's data (a GET that writes nothing)."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(export.build_archive(request.tenant), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="mes-donnees-echanger-habiter-{stamp}.zip"'
    )
    return response


@tenant_required
def delete_account(request):
    profile = request.tenant
    refusal = rights.deletion_refusal(profile)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if refusal:
            status = 409
        elif form.is_valid():
            try:
                rights.delete_account(request, profile)
            except lifecycle.TransitionError as error:
                refusal, status = str(error), 409
            else:
                return never_cache_response(render(request, "privacy/deleted.html"))
        else:
            status = 400
    return render(
        request,
        "privacy/delete_account.html",
        {"form": form, "refusal": refusal},
        status=status,
    )
