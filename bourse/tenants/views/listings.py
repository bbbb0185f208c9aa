"""A listing's page, the contact request and the report sent from it, and a listing's
photos (for tenants and the staff who can see the tenant).

Another tenant's listing (unless searchable) or photo answers 404."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bourse.contact_details import masked_notice

from .. import answering, contacts, lifecycle, matching, moderation
from ..forms import ContactRequestForm, ReportForm
from ..models import Listing, ListingPhoto, ListingStatus
from ..permissions import can_manage_tenant, tenant_profile, tenant_required
from .search import first_photos


def visible_listing(request, pk) -> Listing:
    """A searchable listing, or the tenant's own; anything else is 404."""
    own = request.tenant.listing
    queryset = Listing.objects.select_related("commune", "tenant__user").prefetch_related(
        first_photos(), "wanted_communes"
    )
    if own.pk == int(pk):
        return get_object_or_404(queryset, pk=pk)
    return get_object_or_404(queryset.filter(pk__in=matching.searchable_listings()), pk=pk)


@tenant_required
def listing_detail(request, pk):
    profile = request.tenant
    try:
        listing = visible_listing(request, pk)
    except Http404:
        # A listing once published and now gone (exchanged, withdrawn, suspended):
        # say so, 410 Gone; one never published stays a plain 404.
        gone = (ListingStatus.SUSPENDED, ListingStatus.DEACTIVATED)
        if not Listing.objects.filter(pk=pk, status__in=gone).exists():
            raise
        return render(request, "tenants/listing_gone.html", status=410)
    own = listing.pk == profile.listing.pk
    context = {
        "listing": listing,
        "own": own,
        "photos": listing.visible_photos,
        "wanted_communes": list(listing.wanted_communes.all()),
        "contact_form": ContactRequestForm(),
        "report_form": ReportForm(),
    }
    if not own:
        scored = matching.annotate_match(Listing.objects.filter(pk=listing.pk), profile.listing)
        score = scored.values_list("match_score", flat=True).first() or 0
        context["reason"] = matching.match_reason(score)
        context["refusal"] = contacts.contact_refusal(profile, listing)
        context["open_request"] = contacts.open_request_between(profile, listing.tenant)
        context["reply_band"] = answering.reply_band_of(listing.tenant)
    return render(request, "tenants/listing_detail.html", context)


@require_POST
@tenant_required
def contact_create(request, pk):
    profile = request.tenant
    listing = visible_listing(request, pk)
    form = ContactRequestForm(request.POST)
    if form.is_valid():
        try:
            request_obj = contacts.send_request(profile, listing, form.cleaned_data["message"])
        except contacts.ContactError as error:
            messages.error(request, str(error))
        else:
            if request_obj.masked:
                messages.warning(request, masked_notice(request_obj.masked))
            messages.success(
                request, _("Votre demande est envoyée. Vous serez prévenu de la réponse.")
            )
            return redirect("tenants:request_detail", pk=request_obj.pk)
    context = {
        "listing": listing,
        "own": False,
        "photos": listing.visible_photos,
        "wanted_communes": list(listing.wanted_communes.all()),
        "contact_form": form,
        "report_form": ReportForm(),
        "refusal": contacts.contact_refusal(profile, listing),
        "open_request": contacts.open_request_between(profile, listing.tenant),
    }
    return render(request, "tenants/listing_detail.html", context, status=400)


@require_POST
@tenant_required
def report_listing(request, pk):
    listing = visible_listing(request, pk)
    if listing.pk == request.tenant.listing.pk:
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        moderation.report(
            listing, request.tenant, form.cleaned_data["reason"], form.cleaned_data["comment"]
        )
        messages.success(request, _("Merci : l’annonce sera examinée par l’équipe de modération."))
    else:
        messages.error(request, _("Choisissez le motif du signalement."))
    return redirect("tenants:listing", pk=listing.pk)


@never_cache
def photo(request, pk):
    """A listing photo: for signed-in tenants (searchable listings and their own)
    and for the staff who can see the tenant; never cached publicly."""
    item = get_object_or_404(
        ListingPhoto.objects.select_related("listing__tenant__landlord"),
        pk=pk,
        removed_at__isnull=True,
    )
    listing = item.listing
    user = request.user
    allowed = False
    viewer = tenant_profile(user)
    if viewer is not None and lifecycle.sign_in_refusal(viewer) is None:
        allowed = listing.pk == viewer.listing.pk or listing.searchable
    elif user.is_authenticated:
        allowed = can_manage_tenant(user, listing.tenant)
    if not allowed or not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
