"""The organisation's screens of the staff area: the landlord's page, its
agents' accounts, and the municipalities' and reservataires' positions.

Every view goes through ``permissions.staff_required``; another landlord's id
in a form or URL answers 403 (``permissions.landlord_from_request``).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse import permissions
from bourse.forms import AgentCreateForm, OrganisationForm, ReservataireFilterForm, ReservataireForm
from bourse.models import Landlord, Reservataire, StaffProfile, StaffRole
from bourse.permissions import landlord_from_request, staff_required
from portal.http import page_of, query_without_page

from .accounts import create_staff_account
from .context import staff_context

# --- The landlord's page ------------------------------------------------------------


@staff_required
def organisation(request):
    landlord = landlord_from_request(request)
    if landlord is None:
        messages.info(request, _("Choisissez le bailleur dont vous voulez modifier la fiche."))
        return redirect("bourse:staff_dashboard")
    if not permissions.can_edit_organisation(request.user, landlord):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur modifient sa fiche.")
        )
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, instance=landlord)
        if form.is_valid():
            form.save()
            messages.success(request, _("La fiche de l’organisme est enregistrée."))
            url = reverse("bourse:organisation")
            if permissions.is_super_admin(request.user):
                url += f"?bailleur={landlord.pk}"
            return redirect(url)
    else:
        form = OrganisationForm(instance=landlord)
    return render(
        request,
        "bourse/staff/organisation.html",
        staff_context(request, form=form, landlord=landlord),
    )


# --- Agents ------------------------------------------------------------------------


@staff_required
def agents(request):
    user = request.user
    landlord = landlord_from_request(request)
    if landlord is not None and not permissions.can_manage_agents(user, landlord):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur gèrent les comptes des agents.")
        )
    if landlord is None and not permissions.is_super_admin(user):
        return permissions.forbidden(request)
    profiles = StaffProfile.objects.filter(
        role__in=[StaffRole.LANDLORD_ADMIN, StaffRole.AGENT]
    ).select_related("user", "landlord")
    if landlord is not None:
        profiles = profiles.filter(landlord=landlord)
    profiles = profiles.order_by("landlord__name", "role", "user__last_name", "user__username")
    page = page_of(request, profiles)
    for profile in page.object_list:
        profile.manageable = permissions.can_manage_account(user, profile.user)
    return render(
        request,
        "bourse/staff/agents.html",
        staff_context(request, landlord=landlord, page=page, query=query_without_page(request)),
    )


@staff_required
def agent_create(request):
    user = request.user
    super_admin = permissions.is_super_admin(user)
    own = permissions.user_landlord(user)
    if not super_admin and not permissions.can_manage_agents(user, own):
        return permissions.forbidden(
            request, _("Seuls les administrateurs du bailleur créent des comptes d’agents.")
        )
    landlords = Landlord.objects.all() if super_admin else None
    if request.method == "POST":
        form = AgentCreateForm(request.POST, landlords=landlords)
        if form.is_valid():
            data = form.cleaned_data
            landlord = data["landlord"] if super_admin else own
            role = data.get("role", StaffRole.AGENT) if super_admin else StaffRole.AGENT
            if not permissions.can_manage_agents(user, landlord):
                return permissions.forbidden(request)
            account, password = create_staff_account(data, role, landlord)
            return render(
                request,
                "bourse/staff/agent_created.html",
                staff_context(
                    request,
                    account=account,
                    password=password,
                    landlord=landlord,
                    role_label=StaffRole(role).label,
                ),
            )
    else:
        initial = {}
        if super_admin and request.GET.get("bailleur", "").isdigit():
            initial["landlord"] = request.GET["bailleur"]
        form = AgentCreateForm(initial=initial, landlords=landlords)
    return render(
        request, "bourse/staff/agent_form.html", staff_context(request, form=form, landlord=own)
    )


def _set_active(request, pk, active: bool):
    account = get_object_or_404(get_user_model(), pk=pk)
    profile = StaffProfile.objects.filter(user=account).select_related("landlord").first()
    if profile is None or not permissions.can_view_landlord(request.user, profile.landlord):
        raise Http404
    if not permissions.can_manage_account(request.user, account):
        return permissions.forbidden(
            request,
            _("Vous ne pouvez pas modifier ce compte (seuls les agents de votre organisme)."),
        )
    account.is_active = active
    account.save(update_fields=["is_active"])
    name = account.get_full_name() or account.username
    if active:
        messages.success(request, _("Le compte de %(name)s est réactivé.") % {"name": name})
    else:
        messages.success(request, _("Le compte de %(name)s est désactivé.") % {"name": name})
    url = reverse("bourse:agents")
    if permissions.is_super_admin(request.user):
        url += f"?bailleur={profile.landlord_id}"
    return redirect(url)


@require_POST
@staff_required
def agent_deactivate(request, pk):
    return _set_active(request, pk, False)


@require_POST
@staff_required
def agent_reactivate(request, pk):
    return _set_active(request, pk, True)


# --- Municipalities and reservataires ---------------------------------------------


@staff_required(test=permissions.can_view_positions)
def reservataires(request):
    form = ReservataireFilterForm(request.GET)
    queryset = form.filter(
        Reservataire.objects.select_related("updated_by").order_by("kind", "name")
    )
    return render(
        request,
        "bourse/staff/reservataires.html",
        staff_context(
            request,
            form=form,
            page=page_of(request, queryset),
            query=query_without_page(request),
            can_edit_positions=permissions.can_edit_positions(request.user),
        ),
    )


@staff_required(test=permissions.can_edit_positions)
def reservataire_edit(request, pk=None):
    instance = get_object_or_404(Reservataire, pk=pk) if pk else None
    old_position = instance.position if instance else None
    if request.method == "POST":
        form = ReservataireForm(request.POST, instance=instance)
        if form.is_valid():
            reservataire = form.save(commit=False)
            reservataire.name = form.cleaned_data["name"]
            reservataire.code = form.cleaned_data["code"]
            reservataire.updated_by = request.user
            if reservataire.position != old_position and not reservataire.position_date:
                reservataire.position_date = timezone.localdate()
            reservataire.save()
            messages.success(
                request,
                _("Position de %(name)s enregistrée : %(position)s.")
                % {"name": reservataire.name, "position": reservataire.get_position_display()},
            )
            return redirect("bourse:reservataires")
    else:
        form = ReservataireForm(instance=instance)
    return render(
        request,
        "bourse/staff/reservataire_form.html",
        staff_context(request, form=form, reservataire=instance),
    )
