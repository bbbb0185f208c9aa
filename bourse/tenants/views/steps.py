"""The three steps that publish a listing: profile, housing sheet (with its photos)
and search criteria."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse.contact_details import masked_notice
from bourse.models import Commune
from bourse.territories import commune_label, place_suggestions

from .. import services
from ..forms import CriteriaForm, HousingSheetForm, ProfileForm
from ..models import ListingPhoto, ListingStatus
from ..permissions import tenant_required
from ..photos import delete_photo_file

STEPS = (
    ("profile", "profile_done_at", "tenants:step_profile"),
    ("housing", "housing_done_at", "tenants:step_housing"),
    ("criteria", "criteria_done_at", "tenants:step_criteria"),
)


def step_list(listing):
    labels = {
        "profile": _("Mon profil"),
        "housing": _("Ma fiche logement"),
        "criteria": _("Mes critères de recherche"),
    }
    return [
        {
            "key": key,
            "label": labels[key],
            "done": bool(getattr(listing, field)),
            "url": reverse(url),
        }
        for key, field, url in STEPS
    ]


def next_step_url(listing):
    for _key, field, url in STEPS:
        if not getattr(listing, field):
            return reverse(url)
    return reverse("tenants:dashboard")


def _after_step(request, listing, was_active):
    listing.refresh_from_db()
    if listing.status == ListingStatus.ACTIVE and not was_active:
        messages.success(
            request,
            _(
                "Les trois étapes sont complètes : votre annonce est publiée et visible des "
                "autres locataires."
            ),
        )
        return redirect("tenants:dashboard")
    messages.success(request, _("Vos informations sont enregistrées."))
    return redirect(next_step_url(listing))


@tenant_required
def step_profile(request):
    profile = request.tenant
    listing = profile.listing
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_name": profile.birth_name,
        "phone": profile.phone,
        "household_size": profile.household_size,
        "exchange_reason": profile.exchange_reason,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        was_active = listing.status == ListingStatus.ACTIVE
        services.save_profile(listing, user, form.cleaned_data)
        return _after_step(request, listing, was_active)
    return render(
        request,
        "tenants/step_profile.html",
        {"form": form, "steps": step_list(listing), "current": "profile", "profile": profile},
    )


@tenant_required
def step_housing(request):
    profile = request.tenant
    listing = profile.listing
    photos = list(listing.photos.filter(removed_at__isnull=True))
    removed = list(listing.photos.filter(removed_at__isnull=False))
    form = HousingSheetForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"description": listing.description, "accessible": listing.accessible},
        photo_count=len(photos),
    )
    if request.method == "POST" and form.is_valid():
        was_active = listing.status == ListingStatus.ACTIVE
        uploads = [(content, "") for content in form.cleaned_data["photos"]]
        try:
            services.save_housing_sheet(listing, request.user, form.cleaned_data, uploads)
        except ValidationError as error:
            form.add_error("photos", error)
        else:
            if getattr(listing, "masked", None):
                messages.warning(request, masked_notice(listing.masked))
            return _after_step(request, listing, was_active)
    return render(
        request,
        "tenants/step_housing.html",
        {
            "form": form,
            "steps": step_list(listing),
            "current": "housing",
            "listing": listing,
            "dwelling": profile.dwelling,
            "photos": photos,
            "removed_photos": removed,
        },
    )


@require_POST
@tenant_required
def photo_delete(request, pk):
    photo = get_object_or_404(
        ListingPhoto, pk=pk, listing__tenant=request.tenant, removed_at__isnull=True
    )
    delete_photo_file(photo)
    photo.delete()
    messages.success(request, _("La photo est supprimée."))
    return redirect("tenants:step_housing")


@tenant_required
def step_criteria(request):
    listing = request.tenant.listing
    initial = {
        "communes": list(listing.wanted_communes.values_list("pk", flat=True)),
        "typologies": listing.wanted_typologies,
        "min_surface": listing.min_surface,
        "max_monthly_cost": listing.max_monthly_cost,
        "max_floor": listing.max_floor,
        "lift_required": listing.lift_required,
        "accessible_required": listing.accessible_required,
    }
    form = CriteriaForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        was_active = listing.status == ListingStatus.ACTIVE
        services.save_criteria(listing, request.user, form.cleaned_data)
        return _after_step(request, listing, was_active)
    return render(
        request,
        "tenants/step_criteria.html",
        {"form": form, "steps": step_list(listing), "current": "criteria"},
    )


@tenant_required
def commune_suggestions(request):
    """The communes picker's suggestions for what the tenant types (JSON): departments,
    communes and intercommunalities, accent-insensitive (``territories.place_suggestions``)."""
    text = (request.GET.get("q") or "")[:100]
    places = place_suggestions(text)
    labels = {
        pk: commune_label(name, department)
        for pk, name, department in Commune.objects.filter(
            pk__in={pk for place in places for pk in place.communes}
        ).values_list("pk", "name", "department")
    }
    return JsonResponse(
        {
            "places": [
                {
                    "key": place.key,
                    "label": place.label,
                    "communes": [
                        {"pk": pk, "label": labels[pk]} for pk in place.communes if pk in labels
                    ],
                }
                for place in places
            ]
        }
    )
