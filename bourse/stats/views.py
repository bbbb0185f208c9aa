"""Statistics pages: thin views over ``tables.py``.

- ``/bourse/statistiques/``: public (partners), filters, charts, tables, CSV;
- ``/bourse/espace-bailleur/statistiques/``: staff, scoped by ``access.py``.
Bad filters get a French message and status 400; nothing is computed then.
"""

import csv

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from bourse import permissions
from bourse.models import Landlord
from bourse.permissions import staff_required
from bourse.staff.context import staff_context

from . import access, tables
from .forms import StatsFilterForm

PUBLIC_TABLES_SECONDS = 3600
PUBLIC_KEYS = ("evolution", "dossiers", "communes")


def _run_key(filters: tables.Filters) -> str:
    run = tables.last_run()
    return f"{run.pk if run else 0}:{filters.cache_key()}"


def public_tables(filters: tables.Filters) -> list[tables.Table]:
    """The public tables, cached until the next recomputation (the key holds its id)."""
    key = f"stats:public:{_run_key(filters)}"
    found = cache.get(key)
    if found is None:
        found = tables.public_tables(filters)
        cache.set(key, found, PUBLIC_TABLES_SECONDS)
    return found


def render_tables(request, found, filters, csv_url_name, *, query=None, note="") -> str:
    """The HTML of the tables and charts (the long part of the page).

    ``query``: the CSV links' query string (default: the filters'); ``note``: said
    instead of the time of the last recomputation (tables computed live).
    """
    query = filters.query() if query is None else query
    return render_to_string(
        "stats/includes/tables.html",
        {
            "tables": found,
            "last_run": tables.last_run(),
            "note": note,
            "query": query,
            "filtered": filters.query() != "",
            "csv_url_name": csv_url_name,
        },
        request=request,
    )


def public_tables_html(request, filters: tables.Filters) -> str:
    """The rendered public tables, cached like the tables themselves."""
    key = f"stats:public-html:{_run_key(filters)}"
    html = cache.get(key)
    if html is None:
        html = render_tables(request, public_tables(filters), filters, "stats:public_csv")
        cache.set(key, html, PUBLIC_TABLES_SECONDS)
    return html


STAFF_BUILDERS = {
    "evolution": lambda user, filters: tables.evolution_table(tables.monthly_stats(filters)),
    "dossiers": lambda user, filters: tables.files_table(tables.monthly_stats(filters)),
    "communes": lambda user, filters: tables.communes_table(filters),
    "delais": lambda user, filters: tables.delays_table(filters),
    "alertes": lambda user, filters: tables.alerts_table(
        access.staff_alert_files(user, filters.landlord)
    ),
}


def staff_tables(user, filters: tables.Filters) -> list[tables.Table]:
    months = tables.monthly_stats(filters)
    return [
        tables.evolution_table(months),
        tables.files_table(months),
        *(STAFF_BUILDERS[key](user, filters) for key in ("communes", "delais", "alertes")),
    ]


def _public_form(request):
    return StatsFilterForm(request.GET or None, landlords=Landlord.objects.active())


def _staff_form_and_filters(request):
    """The staff form and, when valid, the filters in the user's scope."""
    user = request.user
    form = StatsFilterForm(request.GET or None, landlords=Landlord.objects.all(), public=False)
    if form.is_bound and not form.is_valid():
        return form, None
    requested = form.cleaned_data.get("landlord") if form.is_bound else None
    landlord = access.staff_statistics_landlord(user, requested)
    return form, form.filters(landlord=landlord) if form.is_bound else tables.Filters(
        landlord=landlord, public=False
    )


def csv_response(
    table: tables.Table, filters: tables.Filters | None = None, prefix: str = "statistiques"
) -> HttpResponse:
    """``table`` as a CSV download (UTF-8 with BOM, ";"), named after it and the filters."""
    filters = filters or tables.Filters()
    parts = [prefix, table.key]
    if filters.year:
        parts.append(str(filters.year))
    if filters.department:
        parts.append(filters.department)
    if filters.landlord is not None:
        parts.append(f"bailleur-{filters.landlord.pk}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{"-".join(parts)}.csv"'
    response.write("\ufeff")  # so that spreadsheets read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerows(table.csv_rows())
    return response


def bad_filters(form) -> HttpResponse:
    messages = [str(error) for errors in form.errors.values() for error in errors]
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def find_table(found: list[tables.Table], key: str) -> tables.Table:
    for table in found:
        if table.key == key:
            return table
    raise Http404


def public_statistics(request):
    form = _public_form(request)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters() if valid else None
    response = render(
        request,
        "stats/public.html",
        {"form": form, "tables_html": public_tables_html(request, filters) if valid else ""},
        status=200 if valid else 400,
    )
    # Anonymous copies are kept by the page cache until the nightly recomputation
    # (which bumps the content version: bourse.stats.figures.refresh_key_figures).
    response.portal_cacheable = valid
    return response


@cache_control(max_age=300, public=True)
def public_csv(request, table):
    if table not in PUBLIC_KEYS:
        raise Http404
    form = _public_form(request)
    if form.is_bound and not form.is_valid():
        return bad_filters(form)
    filters = form.filters()
    return csv_response(find_table(public_tables(filters), table), filters)


def _refused(request):
    return permissions.forbidden(
        request, _("Vous ne pouvez consulter que les statistiques de votre organisme.")
    )


@staff_required
def staff_statistics(request):
    try:
        form, filters = _staff_form_and_filters(request)
    except PermissionDenied:
        return _refused(request)
    return render(
        request,
        "stats/staff.html",
        staff_context(
            request,
            form=form,
            hide_landlord_filter=not permissions.is_super_admin(request.user),
            scope_landlord=filters.landlord if filters else None,
            tables_html=render_tables(
                request, staff_tables(request.user, filters), filters, "stats:staff_csv"
            )
            if filters
            else "",
        ),
        status=200 if filters else 400,
    )


@staff_required
def staff_csv(request, table):
    if table not in STAFF_BUILDERS:
        raise Http404
    try:
        form, filters = _staff_form_and_filters(request)
    except PermissionDenied:
        return _refused(request)
    if filters is None:
        return bad_filters(form)
    return csv_response(STAFF_BUILDERS[table](request.user, filters), filters)
