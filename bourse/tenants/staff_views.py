"""Staff screens about tenants (in the "espace bailleur"): tenants and listings of
the landlord, a tenant's page with its history and actions, the moderation queue.

Scope as everywhere in the staff area: another landlord's tenant answers 404
to landlord staff; actions re-check ``can_manage_tenant`` / ``can_moderate``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse import permissions as staff_permissions
from bourse.audit.log import record_access
from bourse.audit.models import Screen
from bourse.permissions import landlord_from_request, staff_required
from bourse.staff.context import staff_context
from portal.http import page_of, query_without_page

from . import lifecycle, moderation, services
from .forms import AnonymiseForm, ReasonForm, TenantFilterForm
from .models import ListingPhoto, ListingStatus, ModerationStatus, TenantProfile
from .permissions import can_manage_tenant, can_see_tenants, visible_tenants


def tenants_context(request, **extra):
    user = request.user
    context = staff_context(request, **extra)
    context["can_moderate_any"] = staff_permissions.can_moderate(user)
    context["moderation_open"] = moderation.queue_for(user).count()
    return context


def visible_tenant(request, pk) -> TenantProfile:
    profile = get_object_or_404(
        visible_tenants(request.user).select_related("user", "listing", "landlord", "dwelling"),
        pk=pk,
    )
    return profile


@staff_required(test=can_see_tenants)
def tenants(request):
    landlord = landlord_from_request(request)
    queryset = visible_tenants(request.user).filter(anonymised_at__isnull=True)
    if landlord is not None:
        queryset = queryset.filter(landlord=landlord)
    form = TenantFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(
                Q(user__last_name__icontains=q)
                | Q(user__first_name__icontains=q)
                | Q(user__email__icontains=q)
                | Q(tenant_reference__icontains=q)
                | Q(housing_reference__icontains=q)
            )
        if data["status"]:
            queryset = queryset.filter(listing__status=data["status"])
        if data["eligible"]:
            queryset = queryset.filter(listing__eligible=data["eligible"] == "oui")
    queryset = queryset.select_related("user", "listing", "landlord", "listing__commune").order_by(
        "user__last_name", "user__first_name", "pk"
    )
    counts = dict(
        visible_tenants(request.user)
        .filter(anonymised_at__isnull=True, **({"landlord": landlord} if landlord else {}))
        .values_list("listing__status")
        .annotate(n=Count("pk"))
        .values_list("listing__status", "n")
    )
    return render(
        request,
        "tenants/staff/tenants.html",
        tenants_context(
            request,
            landlord=landlord,
            form=form,
            page=page_of(request, queryset),
            query=query_without_page(request),
            counts=[(s.label, counts.get(s.value, 0), s.value) for s in ListingStatus],
        ),
    )


@staff_required(test=can_see_tenants)
def tenant_detail(request, pk):
    profile = visible_tenant(request, pk)
    listing = profile.listing
    user = request.user
    record_access(request, screen=Screen.TENANT_PAGE, tenant=profile)
    return render(
        request,
        "tenants/staff/tenant_detail.html",
        tenants_context(
            request,
            profile=profile,
            listing=listing,
            landlord=profile.landlord,
            eligible=lifecycle.tenant_is_eligible(profile),
            events=listing.events.select_related("user")[:100],
            photos=listing.photos.all(),
            wanted_communes=listing.wanted_communes.all(),
            can_manage=can_manage_tenant(user, profile),
            can_moderate=moderation.can_moderate(user, listing),
            can_reactivate=lifecycle.can_offer_reactivation(listing),
            registered=listing.status == ListingStatus.REGISTERED,
            deactivate_form=ReasonForm(prefix="deactivate"),
            anonymise_form=AnonymiseForm(),
            removal_form=ReasonForm(prefix="remove"),
            open_cases=listing.moderation_cases.filter(status=ModerationStatus.OPEN),
            reports=listing.reports.select_related("reporter__user")[:20],
        ),
    )


def _managed(request, pk) -> TenantProfile:
    profile = visible_tenant(request, pk)
    if not can_manage_tenant(request.user, profile):
        raise PermissionDenied
    return profile


@require_POST
@staff_required(test=can_see_tenants)
def tenant_deactivate(request, pk):
    profile = _managed(request, pk)
    form = ReasonForm(request.POST, prefix="deactivate")
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la désactivation."))
        return redirect("tenants:staff_tenant", pk=profile.pk)
    try:
        lifecycle.deactivate_by_landlord(profile.listing, request.user, form.cleaned_data["reason"])
        messages.success(
            request, _("Le compte est désactivé ; le locataire ne peut plus se connecter.")
        )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:staff_tenant", pk=profile.pk)


@require_POST
@staff_required(test=can_see_tenants)
def tenant_reactivate(request, pk):
    profile = _managed(request, pk)
    try:
        listing = lifecycle.reactivate(profile.listing, request.user)
        if listing.status == ListingStatus.REGISTERED:
            messages.success(
                request,
                _(
                    "Le compte est réactivé. L’annonce reste « enregistrée » jusqu’à ce que le "
                    "locataire complète les trois étapes. Aucun courriel n’est envoyé au locataire."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "Le compte est réactivé et l’annonce est de nouveau active. Aucun courriel "
                    "n’est envoyé au locataire : prévenez-le si besoin."
                ),
            )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:staff_tenant", pk=profile.pk)


@staff_required(test=can_see_tenants)
def tenant_anonymise(request, pk):
    profile = _managed(request, pk)
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.anonymise(profile, request.user)
        except lifecycle.TransitionError as error:
            messages.error(request, str(error))
            return redirect("tenants:staff_tenant", pk=profile.pk)
        messages.success(request, _("Le locataire est anonymisé."))
        return redirect("tenants:staff_tenants")
    return render(
        request,
        "tenants/staff/anonymise.html",
        tenants_context(request, profile=profile, form=form, landlord=profile.landlord),
    )


# --- Moderation -----------------------------------------------------------------------------


def _moderated(request, pk) -> TenantProfile:
    profile = visible_tenant(request, pk)
    if not moderation.can_moderate(request.user, profile.listing):
        raise PermissionDenied
    return profile


@require_POST
@staff_required(test=can_see_tenants)
def remove_photo(request, pk, photo_pk):
    profile = _moderated(request, pk)
    item = get_object_or_404(
        ListingPhoto, pk=photo_pk, listing=profile.listing, removed_at__isnull=True
    )
    form = ReasonForm(request.POST, prefix="remove")
    if form.is_valid():
        moderation.remove_photo(profile.listing, item, request.user, form.cleaned_data["reason"])
        messages.success(request, _("La photo est retirée ; le locataire en est informé."))
    else:
        messages.error(request, _("Indiquez le motif du retrait."))
    if request.POST.get("back") == "queue":
        return redirect("tenants:moderation")
    return redirect("tenants:staff_tenant", pk=profile.pk)


@require_POST
@staff_required(test=can_see_tenants)
def remove_description(request, pk):
    profile = _moderated(request, pk)
    form = ReasonForm(request.POST, prefix="remove")
    if form.is_valid() and profile.listing.description:
        moderation.remove_description(profile.listing, request.user, form.cleaned_data["reason"])
        messages.success(request, _("La description est retirée ; le locataire en est informé."))
    else:
        messages.error(request, _("Indiquez le motif du retrait."))
    return redirect("tenants:staff_tenant", pk=profile.pk)


@staff_required(test=can_see_tenants)
def moderation_queue(request):
    user = request.user
    if not staff_permissions.can_moderate(user):
        return staff_permissions.forbidden(
            request, _("La modération est réservée aux administrateurs.")
        )
    cases = moderation.queue_for(user).prefetch_related("reports")
    return render(
        request,
        "tenants/staff/moderation.html",
        tenants_context(
            request,
            page=page_of(request, cases, 20),
            query=query_without_page(request),
            removal_form=ReasonForm(prefix="remove"),
        ),
    )


@require_POST
@staff_required(test=can_see_tenants)
def moderation_approve(request, pk):
    case = get_object_or_404(moderation.queue_for(request.user), pk=pk)
    if not moderation.can_moderate(request.user, case.listing):
        raise Http404
    moderation.approve(case, request.user)
    messages.success(request, _("L’annonce est marquée conforme."))
    return redirect("tenants:moderation")
