"""The partner space: thin views over ``services.py`` and ``bourse.stats``.

Every page has its tables downloadable as CSV (the same cells as the screen).
Anonymous visitors go to the sign-in page; accounts other than partners and
the AMO get a French 403; a partner asking for another reservataire's
contingent gets a 403 too. Nothing here is cached by the browser or a proxy.
"""

from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bourse import permissions
from bourse.forms import ReservataireFilterForm
from bourse.models import Landlord, Reservataire
from bourse.stats import tables
from bourse.stats.forms import StatsFilterForm
from bourse.stats.views import bad_filters, csv_response, find_table, public_tables, render_tables

from . import services
from .forms import ContingentFilterForm


def partner_required(view):
    """Sign-in required, then the partner space (partners and the AMO)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not permissions.can_access_partner_space(user):
            return permissions.forbidden(
                request,
                _("L’espace partenaire est réservé aux partenaires de la bourse (réservataires)."),
            )
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return permissions.forbidden(
                request, _("Vous ne pouvez consulter que les chiffres de votre contingent.")
            )

    return never_cache(wrapped)


@dataclass
class Page:
    """A page of tables: its filters form, its tables (None: bad filters)."""

    form: object
    tables: list | None
    filters: tables.Filters = field(default_factory=tables.Filters)
    query: str | None = None  # the CSV links' query string (default: the filters')
    note: str = ""
    context: dict = field(default_factory=dict)


def _space_context(request, **extra):
    user = request.user
    return {
        "partner_reservataire": permissions.user_reservataire(user),
        "is_super_admin": permissions.is_super_admin(user),
        **extra,
    }


def _render(request, template, page: Page, csv_url_name: str, **extra):
    html = ""
    if page.tables:
        html = render_tables(
            request, page.tables, page.filters, csv_url_name, query=page.query, note=page.note
        )
    return render(
        request,
        template,
        _space_context(request, form=page.form, tables_html=html, **page.context, **extra),
        status=200 if page.tables is not None else 400,
    )


def _csv(page: Page, table: str):
    if page.tables is None:
        return bad_filters(page.form)
    return csv_response(find_table(page.tables, table), page.filters, prefix="partenaire")


# --- Home ---------------------------------------------------------------------------


@partner_required
def dashboard(request):
    reservataire = permissions.user_reservataire(request.user)
    return render(
        request,
        "partners/dashboard.html",
        _space_context(
            request,
            summary=services.contingent_summary(reservataire) if reservataire else None,
            choice_form=None
            if reservataire
            else ContingentFilterForm(choose_reservataire=True, auto_id="choix_%s"),
        ),
    )


# --- Public statistics ----------------------------------------------------------------


def _statistics(request) -> Page:
    form = StatsFilterForm(request.GET or None, landlords=Landlord.objects.active())
    if form.is_bound and not form.is_valid():
        return Page(form, None)
    filters = form.filters()
    return Page(form, public_tables(filters), filters)


@partner_required
def statistics(request):
    return _render(request, "partners/statistics.html", _statistics(request), "partners:stats_csv")


@partner_required
def statistics_csv(request, table):
    return _csv(_statistics(request), table)


# --- By landlord --------------------------------------------------------------------


def _landlords(request) -> Page:
    form = StatsFilterForm(request.GET or None, public=False)
    if form.is_bound and not form.is_valid():
        return Page(form, None)
    filters = form.filters()
    return Page(form, [services.landlords_table(filters)], filters)


@partner_required
def landlords(request):
    return _render(
        request, "partners/landlords.html", _landlords(request), "partners:landlords_csv"
    )


@partner_required
def landlords_csv(request, table):
    return _csv(_landlords(request), table)


# --- Own contingent -----------------------------------------------------------------


def _contingent(request) -> Page:
    """The contingent's page: the partner's own; the AMO's choice (``?reservataire=``).

    A partner naming another reservataire in the query string is refused (403).
    """
    user = request.user
    amo = permissions.is_super_admin(user)
    form = ContingentFilterForm(request.GET or None, choose_reservataire=amo)
    if not amo:
        raw = request.GET.get("reservataire", "")
        own = permissions.user_reservataire(user)
        if raw and raw != str(own.pk):
            raise PermissionDenied
    if form.is_bound and not form.is_valid():
        return Page(form, None)
    requested = form.cleaned_data.get("reservataire") if form.is_bound else None
    reservataire = services.contingent_reservataire(user, requested)
    filters = form.filters() if form.is_bound else tables.Filters(public=False)
    context = {"reservataire": reservataire}
    if reservataire is None:  # the AMO has not chosen yet
        return Page(form, [], filters, context=context)
    query = filters.query()
    if amo:
        query = "&".join(part for part in (f"reservataire={reservataire.pk}", query) if part)
    return Page(
        form,
        services.contingent_tables(reservataire, filters),
        filters,
        query=query,
        note=_("Chiffres calculés à partir des dossiers d’échange en cours et passés."),
        context=context,
    )


@partner_required
def contingent(request):
    return _render(
        request, "partners/contingent.html", _contingent(request), "partners:contingent_csv"
    )


@partner_required
def contingent_csv(request, table):
    page = _contingent(request)
    if page.tables == []:
        raise Http404  # no reservataire chosen: nothing to download
    return _csv(page, table)


# --- Municipalities' positions ------------------------------------------------------


def _positions(request) -> Page:
    form = ReservataireFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return Page(form, None)
    chosen = {name: value for name, value in form.data.items() if name in form.fields and value}
    return Page(
        form,
        services.positions_tables(form.filter(Reservataire.objects.all())),
        query=urlencode(chosen),
        note=_("Positions enregistrées par l’AMO de la bourse, à jour."),
    )


@partner_required
def positions(request):
    return _render(
        request, "partners/positions.html", _positions(request), "partners:positions_csv"
    )


@partner_required
def positions_csv(request, table):
    return _csv(_positions(request), table)
