"""The tenant area ("espace locataire"): registration, sign-in, the three steps,
dashboard, search, listings, contact requests. Thin views: rules live in
``services``, ``lifecycle``, ``matching``, ``contacts`` and ``moderation``.

Another tenant's profile, listing (unless searchable), request or photo
answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from bourse.contact.forms import ContactForm
from bourse.contact.views import ContactView
from bourse.exchanges import api as exchanges_api
from bourse.exchanges import display as exchanges_display
from portal.http import never_cache_response

from . import (
    alerts,
    answering,
    contacts,
    lifecycle,
    matching,
    moderation,
    searching,
    services,
    visits,
)
from .forms import (
    AlertChannelsForm,
    AnswerForm,
    ContactRequestForm,
    CriteriaForm,
    HousingSheetForm,
    NurForm,
    ProfileForm,
    RegistrationForm,
    ReportForm,
    ResendConfirmationForm,
    SaveSearchForm,
    SearchForm,
    VisitOutcomeForm,
)
from .models import (
    ContactRequest,
    ContactStatus,
    Listing,
    ListingPhoto,
    ListingStatus,
    TenantProfile,
)
from .permissions import tenant_profile, tenant_required
from .tokens import email_confirmation_token, read_keep_alive_token, user_pk_from_uid

PAGE_SIZE = 20
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


# --- Registration --------------------------------------------------------------------------------


@never_cache
@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def register(request):
    if tenant_profile(request.user) is not None:
        return redirect("tenants:dashboard")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(
                None, _("Trop de tentatives d’inscription : patientez une heure et réessayez.")
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                profile = services.register_tenant(
                    landlord=data["landlord"],
                    tenant_reference=data["tenant_reference"],
                    housing_reference=data["housing_reference"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_name=data["birth_name"],
                    email=data["email"],
                    password=data["password"],
                )
            except services.RegistrationError as error:
                form.add_error(error.field, error.message)
            else:
                request.session["tenants_registered_email"] = profile.user.email
                return redirect("tenants:register_done")
    landlords = form.fields["landlord"].queryset.select_related(
        "tenant_reference_help_image", "housing_reference_help_image"
    )
    help_images = [
        landlord
        for landlord in landlords
        if landlord.tenant_reference_help_image_id or landlord.housing_reference_help_image_id
    ]
    return never_cache_response(
        render(
            request,
            "tenants/register.html",
            {
                "form": form,
                "help_landlords": help_images,
                "not_eligible": any(
                    str(services.NOT_ELIGIBLE_MESSAGE) == str(e) for e in form.non_field_errors()
                ),
            },
        )
    )


@never_cache
def register_done(request):
    return never_cache_response(
        render(
            request,
            "tenants/register_done.html",
            {"email": request.session.get("tenants_registered_email", "")},
        )
    )


@never_cache
def confirm_email(request, uidb64, token):
    pk = user_pk_from_uid(uidb64)
    profile = (
        TenantProfile.objects.select_related("user", "listing")
        .filter(user_id=pk, anonymised_at__isnull=True)
        .first()
        if pk
        else None
    )
    if profile is None or not email_confirmation_token.check_token(profile.user, token):
        return never_cache_response(render(request, "tenants/confirm_invalid.html", status=400))
    services.confirm_email(profile)
    refusal = lifecycle.sign_in_refusal(profile)
    if refusal:
        messages.error(request, refusal)
        return redirect(settings.LOGIN_URL)
    logout(request)
    login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Votre adresse est confirmée. Complétez les trois étapes pour publier votre annonce."),
    )
    return redirect(next_step_url(profile.listing))


@never_cache
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not getattr(request, "limited", False):
        email = form.cleaned_data["email"]
        profile = (
            TenantProfile.objects.select_related("user")
            .filter(
                user__email__iexact=email,
                email_confirmed_at__isnull=True,
                anonymised_at__isnull=True,
            )
            .first()
        )
        if profile is not None:
            from .notifications import send_email_confirmation

            send_email_confirmation(profile)
        # Same answer whether the address is known or not.
        messages.success(
            request,
            _(
                "Si un compte en attente de confirmation utilise cette adresse, un nouveau lien "
                "vient d’y être envoyé."
            ),
        )
        return redirect(settings.LOGIN_URL)
    return never_cache_response(render(request, "tenants/resend_confirmation.html", {"form": form}))


# --- Dashboard -----------------------------------------------------------------------------------


@tenant_required
def dashboard(request):
    profile = request.tenant
    listing = profile.listing
    requests_ = list(contacts.requests_of(profile)[:50])
    pending_received = [
        r for r in requests_ if r.receiver_id == profile.pk and r.status == ContactStatus.PENDING
    ]
    matches = []
    if listing.criteria_done_at:
        matches = matching.RankedResults(
            listing, include_rest=False, cache_key=f"dashboard:{listing.pk}"
        )[:5]
        for item in matches:
            item.reason = matching.match_reason(item.match_score)
    deadline = lifecycle.next_automatic_deactivation(listing)
    context = {
        "profile": profile,
        "listing": listing,
        "steps": step_list(listing),
        "next_step_url": next_step_url(listing),
        "last_event": lifecycle.last_status_event(listing),
        "matches": matches,
        "requests": requests_[:5],
        "pending_received": pending_received,
        "deadline": deadline,
        "show_deadline": deadline is not None
        and lifecycle.warning_due(deadline, timezone.now()) is not None,
        "ready_requests": [r for r in requests_ if r.ready_at and not r.exchange_file_id],
        "demand": searching.who_wants(listing),
        "saved_searches": list(profile.saved_searches.all()[:5]),
        "pause_days": answering.PAUSE_DAYS,
    }
    if listing.paused_unanswered_at:
        context["overdue"] = list(
            answering.overdue_requests(profile, timezone.localdate()).select_related(
                "sender__user"
            )[:10]
        )
    latest_file = exchanges_api.latest_file_of(request.user)
    context["has_exchange_files"] = latest_file is not None
    if latest_file is not None and exchanges_api.is_in_progress(latest_file):
        exchange_file = context["exchange_file"] = latest_file
        context["exchange_next_step"] = exchanges_display.tenant_next_step(exchange_file)
    return render(request, "tenants/dashboard.html", context)


@require_POST
@tenant_required
def suspend(request):
    try:
        lifecycle.suspend_by_tenant(request.tenant.listing, request.user)
        messages.success(
            request,
            _(
                "Votre annonce est suspendue : elle n’apparaît plus dans les recherches. "
                "Au-delà de 4 mois de suspension, votre compte sera désactivé."
            ),
        )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:dashboard")


@require_POST
@tenant_required
def resume(request):
    try:
        lifecycle.resume_by_tenant(request.tenant.listing, request.user)
        messages.success(request, _("Votre annonce est de nouveau visible."))
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    return redirect("tenants:dashboard")


# --- The three steps -----------------------------------------------------------------------------


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
    from .photos import delete_photo_file

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


# --- Search --------------------------------------------------------------------------------------


def filtered_listings(form):
    """Searchable listings narrowed by the search form (``searching.filtered_listings``)."""
    return searching.filtered_listings(
        searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    )


def first_photos():
    return Prefetch(
        "photos",
        queryset=ListingPhoto.objects.filter(removed_at__isnull=True).order_by("created_at", "pk"),
        to_attr="visible_photos",
    )


def search_results(viewer: Listing, form, page_number=None):
    """One page of search results, ranked for ``viewer`` (also used by the bench):
    a constant number of queries whatever the page (count, page, photos)."""
    filters = searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    results = matching.RankedResults(
        viewer,
        searching.filtered_listings(filters),
        prefetch=[first_photos()],
        cache_key=f"search:{viewer.pk}:{searching.as_query(dict(sorted(filters.items())))}",
    )
    page = Paginator(results, PAGE_SIZE).get_page(page_number)
    for item in page.object_list:
        item.reason = matching.match_reason(item.match_score)
    return page


@tenant_required
def search(request):
    listing = request.tenant.listing
    form = SearchForm(request.GET or None)
    page = search_results(listing, form, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tenants/search.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "map_url": reverse("tenants:search_map") + (f"?{params.urlencode()}" if params else ""),
            "tiles_url": settings.TENANT_MAP_TILES_URL,
            "tiles_attribution": settings.TENANT_MAP_ATTRIBUTION,
            "criteria_done": bool(listing.criteria_done_at),
            **save_search_context(form),
        },
    )


def save_search_context(form) -> dict:
    """The "save this search" form of the search page: only for valid, non-empty filters."""
    filters = searching.filters_of(form.cleaned_data) if form.is_valid() else {}
    return {
        "can_save": bool(filters),
        "save_filters": [(k, "on" if v is True else v) for k, v in filters.items()],
        "save_description": searching.describe(filters) if filters else "",
    }


@tenant_required
def search_map(request):
    """Markers for the map: per commune, a count of listings — no personal data."""
    form = SearchForm(request.GET or None)
    rows = (
        filtered_listings(form)
        .exclude(pk=request.tenant.listing.pk)
        .filter(commune__latitude__isnull=False)
        .values("commune_id", "commune__name", "commune__latitude", "commune__longitude")
        .annotate(count=Count("pk"))
        .order_by("-count")[:500]
    )
    base = reverse("tenants:search")
    markers = [
        {
            "commune": row["commune__name"],
            "lat": row["commune__latitude"],
            "lng": row["commune__longitude"],
            "count": row["count"],
            "url": f"{base}?commune={row['commune_id']}",
        }
        for row in rows
    ]
    return JsonResponse({"markers": markers})


# --- A listing -----------------------------------------------------------------------------------


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
    listing = visible_listing(request, pk)
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


# --- Contact requests ----------------------------------------------------------------------------


@tenant_required
def requests_list(request):
    profile = request.tenant
    items = contacts.requests_of(profile)
    received = [r for r in items if r.receiver_id == profile.pk]
    sent = [r for r in items if r.sender_id == profile.pk]
    return render(
        request,
        "tenants/requests.html",
        {"received": received, "sent": sent, "profile": profile},
    )


@tenant_required
def request_detail(request, pk):
    profile = request.tenant
    request_obj = get_object_or_404(
        ContactRequest.objects.select_related(
            "sender__user",
            "receiver__user",
            "sender__listing__commune",
            "receiver__listing__commune",
            "exchange_file",
        ).filter(Q(sender=profile) | Q(receiver=profile)),
        pk=pk,
    )
    answer_form = AnswerForm()
    nur_form = NurForm(initial={"nur": profile.nur})
    my_outcome = request_obj.visit_outcomes.filter(tenant=profile).first()
    visit_form = VisitOutcomeForm(
        initial={
            "visited_on": my_outcome.visited_on if my_outcome else timezone.localdate(),
            "interested": ("yes" if my_outcome.interested else "no") if my_outcome else None,
            "reason": my_outcome.reason if my_outcome else "",
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    accept = answer_form.cleaned_data["decision"] == "accept"
                    contacts.answer(
                        request_obj, profile, accept, answer_form.cleaned_data["answer"]
                    )
                    messages.success(
                        request,
                        _("Vous avez accepté la demande. Saisissez votre NUR ci-dessous.")
                        if accept
                        else _("Vous avez décliné la demande."),
                    )
                    return redirect("tenants:request_detail", pk=request_obj.pk)
            elif action == "withdraw":
                contacts.withdraw(request_obj, profile)
                messages.success(request, _("Votre demande est retirée."))
                return redirect("tenants:request_detail", pk=request_obj.pk)
            elif action == "nur":
                if request_obj.status != ContactStatus.ACCEPTED:
                    raise contacts.ContactError(_("La demande doit d’abord être acceptée."))
                nur_form = NurForm(request.POST)
                if nur_form.is_valid():
                    try:
                        contacts.set_nur(profile, nur_form.cleaned_data["nur"])
                    except contacts.ContactError as error:
                        # Refused (file past its pre-instruction): nothing changed.
                        nur_form.add_error("nur", str(error))
                    else:
                        messages.success(request, _("Votre NUR est enregistré."))
                        return redirect("tenants:request_detail", pk=request_obj.pk)
            elif action == "visit":
                visit_form = VisitOutcomeForm(request.POST)
                if visit_form.is_valid():
                    data = visit_form.cleaned_data
                    visits.record_outcome(
                        request_obj,
                        profile,
                        interested=data["interested"] == "yes",
                        visited_on=data["visited_on"],
                        reason=data["reason"],
                    )
                    messages.success(
                        request,
                        _("Le résultat de votre visite est noté ; les bailleurs le verront."),
                    )
                    return redirect("tenants:request_detail", pk=request_obj.pk)
            else:
                raise Http404
        except (contacts.ContactError, visits.VisitError) as error:
            messages.error(request, str(error))
            return redirect("tenants:request_detail", pk=request_obj.pk)
        request_obj.refresh_from_db()
    other = request_obj.other(profile)
    return render(
        request,
        "tenants/request_detail.html",
        {
            "req": request_obj,
            "profile": profile,
            "other": other,
            "other_listing": getattr(other, "listing", None),
            "is_receiver": request_obj.receiver_id == profile.pk,
            "answer_form": answer_form,
            "nur_form": nur_form,
            "visit_form": visit_form,
            "my_outcome": my_outcome,
            "reply_band": answering.reply_band_of(request_obj.receiver)
            if request_obj.sender_id == profile.pk
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Saved searches and alerts --------------------------------------------------------------------


@tenant_required
def saved_searches(request):
    profile = request.tenant
    form = AlertChannelsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "email": profile.alert_email,
            "sms": profile.alert_sms,
            "chains": profile.chain_alerts,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            alerts.set_channels(
                profile,
                email=form.cleaned_data["email"],
                sms_on=form.cleaned_data["sms"],
                chains=form.cleaned_data["chains"],
            )
        except alerts.AlertError as error:
            form.add_error("sms", str(error))
        else:
            messages.success(request, _("Vos préférences d’alerte sont enregistrées."))
            return redirect("tenants:saved_searches")
    searches = list(profile.saved_searches.all())
    for item in searches:
        item.description = searching.describe(item.filters)
        item.query = searching.as_query(item.filters)
    return render(
        request,
        "tenants/saved_searches.html",
        {
            "searches": searches,
            "form": form,
            "profile": profile,
            "has_mobile": alerts.sms.normalise_phone(profile.phone) is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@tenant_required
def save_search(request):
    """Save the search page's filters (posted as hidden fields beside the name)."""
    search_form = SearchForm(request.POST)
    form = SaveSearchForm(request.POST)
    if not search_form.is_valid() or not form.is_valid():
        messages.error(request, _("Ces filtres ne sont pas valides : corrigez-les puis réessayez."))
        return redirect("tenants:search")
    filters = searching.filters_of(search_form.cleaned_data)
    try:
        alerts.save_search(
            request.tenant, filters, form.cleaned_data["name"], alerts=form.cleaned_data["alerts"]
        )
    except alerts.AlertError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('tenants:search')}?{searching.as_query(filters)}")
    messages.success(
        request,
        _("Votre recherche est enregistrée.")
        + (
            " " + _("Vous recevrez au plus une alerte par jour.")
            if form.cleaned_data["alerts"]
            else ""
        ),
    )
    return redirect("tenants:saved_searches")


@require_POST
@tenant_required
def saved_search_update(request, pk):
    search = get_object_or_404(request.tenant.saved_searches, pk=pk)
    action = request.POST.get("action")
    if action == "delete":
        search.delete()
        messages.success(request, _("La recherche est supprimée."))
    elif action in ("alerts_on", "alerts_off"):
        alerts.set_search_alerts(search, action == "alerts_on")
        messages.success(
            request,
            _("Les alertes de cette recherche sont activées.")
            if action == "alerts_on"
            else _("Les alertes de cette recherche sont arrêtées."),
        )
    else:
        messages.error(request, _("Action inconnue : rien n’a été modifié."))
    return redirect("tenants:saved_searches")


@never_cache
def unsubscribe(request, token):
    """One click on the link of a digest or SMS stops those alerts (GET); the page offers
    to undo it (POST). No sign-in needed: the link is signed."""
    undo = request.method == "POST" and request.POST.get("action") == "undo"
    outcome = alerts.unsubscribe(token, undo=undo)
    if outcome is None:
        return never_cache_response(
            render(request, "tenants/unsubscribe.html", {"invalid": True}, status=400)
        )
    profile, scope, search = outcome
    return never_cache_response(
        render(
            request,
            "tenants/unsubscribe.html",
            {"scope": scope, "search": search, "undone": undo, "profile": profile},
        )
    )


# --- Photos, keep-alive, contact form ------------------------------------------------------------


@never_cache
def photo(request, pk):
    """A listing photo: for signed-in tenants (searchable listings and their own)
    and for the staff who can see the tenant; never cached publicly."""
    from .permissions import can_manage_tenant

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


@never_cache
def keep_alive(request, token):
    data = read_keep_alive_token(token)
    listing = (
        Listing.objects.select_related("tenant__user").filter(pk=data["l"]).first()
        if data
        else None
    )
    if listing is None:
        return never_cache_response(
            render(request, "tenants/keep_alive.html", {"invalid": True}, status=400)
        )
    done = False
    error = ""
    if request.method == "POST":
        try:
            lifecycle.keep_alive(listing, data.get("k", ""))
            done = True
        except lifecycle.TransitionError as exc:
            error = str(exc)
    return never_cache_response(
        render(
            request,
            "tenants/keep_alive.html",
            {"listing": listing, "kind": data.get("k"), "done": done, "error": error},
        )
    )


class TenantContactView(ContactView):
    """The contact form, prefilled for the signed-in tenant (posts to the public form)."""

    template_name = "tenants/contact.html"

    def get_initial(self):
        profile = self.request.tenant
        user = self.request.user
        return ContactForm.initial_for_tenant(
            name=user.get_full_name(),
            email=user.email,
            landlord=profile.landlord,
            tenant_reference=profile.tenant_reference,
        )


tenant_contact = tenant_required(TenantContactView.as_view())
