"""Contact requests between tenants: the list, one request's page, and one small view per
thing a tenant does on it (answer, withdraw, give the NUR, note the visit).

Another pair's request answers 404.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse.contact_details import masked_notice

from .. import answering, contacts, visits
from ..forms import AnswerForm, NurForm, VisitOutcomeForm
from ..models import ContactRequest, ContactStatus
from ..permissions import tenant_required


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


def _request_of(request, pk) -> ContactRequest:
    """A request the signed-in tenant sent or received; anything else is 404."""
    profile = request.tenant
    return get_object_or_404(
        ContactRequest.objects.select_related(
            "sender__user",
            "receiver__user",
            "sender__listing__commune",
            "receiver__listing__commune",
            "exchange_file",
        ).filter(Q(sender=profile) | Q(receiver=profile)),
        pk=pk,
    )


def _detail_page(request, request_obj, *, answer_form=None, nur_form=None, visit_form=None):
    """The request's page; a form given here is the one posted with errors (answer 400)."""
    profile = request.tenant
    invalid = any(form is not None for form in (answer_form, nur_form, visit_form))
    my_outcome = request_obj.visit_outcomes.filter(tenant=profile).first()
    if visit_form is None:
        visit_form = VisitOutcomeForm(
            initial={
                "visited_on": my_outcome.visited_on if my_outcome else timezone.localdate(),
                "interested": ("yes" if my_outcome.interested else "no") if my_outcome else None,
                "reason": my_outcome.reason if my_outcome else "",
            }
        )
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
            "answer_form": AnswerForm() if answer_form is None else answer_form,
            "nur_form": NurForm(initial={"nur": profile.nur}) if nur_form is None else nur_form,
            "visit_form": visit_form,
            "my_outcome": my_outcome,
            "reply_band": answering.reply_band_of(request_obj.receiver)
            if request_obj.sender_id == profile.pk
            else None,
        },
        status=400 if invalid else 200,
    )


def _back(request_obj):
    return redirect("tenants:request_detail", pk=request_obj.pk)


@tenant_required
def request_detail(request, pk):
    """The request's page. A post here (former forms, with an ``action`` field) goes to the
    view of that action."""
    if request.method == "POST":
        view = POST_ACTIONS.get(request.POST.get("action"))
        if view is None:
            raise Http404
        return view(request, pk)
    return _detail_page(request, _request_of(request, pk))


@require_POST
@tenant_required
def request_answer(request, pk):
    request_obj = _request_of(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, request_obj, answer_form=form)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        masked = contacts.answer(request_obj, request.tenant, accept, form.cleaned_data["answer"])
    except contacts.ContactError as error:
        messages.error(request, str(error))
        return _back(request_obj)
    if masked:
        messages.warning(request, masked_notice(masked))
    messages.success(
        request,
        _("Vous avez accepté la demande. Saisissez votre NUR ci-dessous.")
        if accept
        else _("Vous avez décliné la demande."),
    )
    return _back(request_obj)


@require_POST
@tenant_required
def request_withdraw(request, pk):
    request_obj = _request_of(request, pk)
    try:
        contacts.withdraw(request_obj, request.tenant)
    except contacts.ContactError as error:
        messages.error(request, str(error))
        return _back(request_obj)
    messages.success(request, _("Votre demande est retirée."))
    return _back(request_obj)


@require_POST
@tenant_required
def request_nur(request, pk):
    request_obj = _request_of(request, pk)
    if request_obj.status != ContactStatus.ACCEPTED:
        messages.error(request, _("La demande doit d’abord être acceptée."))
        return _back(request_obj)
    form = NurForm(request.POST)
    if form.is_valid():
        try:
            contacts.set_nur(request.tenant, form.cleaned_data["nur"])
        except contacts.ContactError as error:
            # Refused (file past its pre-instruction): nothing changed.
            form.add_error("nur", str(error))
        else:
            messages.success(request, _("Votre NUR est enregistré."))
            return _back(request_obj)
    request_obj.refresh_from_db()
    return _detail_page(request, request_obj, nur_form=form)


@require_POST
@tenant_required
def request_visit(request, pk):
    request_obj = _request_of(request, pk)
    form = VisitOutcomeForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, request_obj, visit_form=form)
    data = form.cleaned_data
    try:
        outcome = visits.record_outcome(
            request_obj,
            request.tenant,
            interested=data["interested"] == "yes",
            visited_on=data["visited_on"],
            reason=data["reason"],
        )
    except (contacts.ContactError, visits.VisitError) as error:
        messages.error(request, str(error))
        return _back(request_obj)
    if outcome.masked:
        messages.warning(request, masked_notice(outcome.masked))
    messages.success(request, _("Le résultat de votre visite est noté ; les bailleurs le verront."))
    return _back(request_obj)


POST_ACTIONS = {
    "answer": request_answer,
    "withdraw": request_withdraw,
    "nur": request_nur,
    "visit": request_visit,
}
