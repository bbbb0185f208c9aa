"""Saved searches, alert channels and the one-click unsubscribe link of the alerts."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.http import never_cache_response

from .. import alerts, searching
from ..forms import AlertChannelsForm, SaveSearchForm, SearchForm
from ..permissions import tenant_required


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
def saved_search_delete(request, pk):
    get_object_or_404(request.tenant.saved_searches, pk=pk).delete()
    messages.success(request, _("La recherche est supprimée."))
    return redirect("tenants:saved_searches")


@require_POST
@tenant_required
def saved_search_alerts(request, pk, on):
    """Alerts of one saved search on or off (``on`` comes from the URL)."""
    alerts.set_search_alerts(get_object_or_404(request.tenant.saved_searches, pk=pk), on)
    messages.success(
        request,
        _("Les alertes de cette recherche sont activées.")
        if on
        else _("Les alertes de cette recherche sont arrêtées."),
    )
    return redirect("tenants:saved_searches")


SEARCH_ACTIONS = {
    "delete": (saved_search_delete, {}),
    "alerts_on": (saved_search_alerts, {"on": True}),
    "alerts_off": (saved_search_alerts, {"on": False}),
}


@require_POST
@tenant_required
def saved_search_update(request, pk):
    """The former single form (an ``action`` field): goes to the view of that action."""
    if request.POST.get("action") not in SEARCH_ACTIONS:
        messages.error(request, _("Action inconnue : rien n’a été modifié."))
        return redirect("tenants:saved_searches")
    view, kwargs = SEARCH_ACTIONS[request.POST["action"]]
    return view(request, pk, **kwargs)


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
