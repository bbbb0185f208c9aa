"""The visit screens of a household (thin: the rules are in ``services``). A visit,
a request or a chain the household is not part of answers 404; other accounts get
the tenant area's refusal (``tenant_required``)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse.conversations.services import pseudonym
from bourse.tenancy import tenant_required

from . import contexts, invitation, services
from .forms import PickForm, SlotsForm
from .models import ContextKind, Visit, VisitStatus

KIND_SLUGS = {"demande": ContextKind.REQUEST, "chaine": ContextKind.CHAIN}


def _context(request, kind, pk) -> contexts.VisitContext:
    context = contexts.load(kind, pk, request.tenant)
    if context is None:
        raise Http404
    return context


def _visit(request, pk) -> tuple[Visit, contexts.VisitContext]:
    visit = get_object_or_404(
        Visit.objects.select_related(*services.PROFILES, "host__dwelling__commune"),
        pk=pk,
    )
    if not visit.involves(request.tenant):
        raise Http404
    return visit, _context(request, visit.context_kind, visit.context_id)


def _slots_page(request, context, host, form, visit=None, status=200):
    is_host = host.pk == request.tenant.pk
    host_, visitor = context.pair_hosted_by(host)
    return render(
        request,
        "visits/propose.html",
        {
            "context": context,
            "form": form,
            "visit": visit,
            "is_host": is_host,
            "other_name": pseudonym(visitor if is_host else host_),
        },
        status=status,
    )


def _propose(request, context, host, visit=None):
    if request.method == "POST":
        form = SlotsForm(request.POST)
        if form.is_valid():
            try:
                visit = services.propose(context, request.tenant, host, form.cleaned_data["slots"])
            except services.VisitError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Vos créneaux sont proposés : l’autre ménage est prévenu.")
                )
                return redirect("visits:detail", pk=visit.pk)
        return _slots_page(request, context, host, form, visit, status=400)
    if not context.open:
        messages.error(
            request,
            _(
                "Les visites se conviennent une fois la demande acceptée, ou la chaîne "
                "acceptée par tous les ménages."
            ),
        )
        return redirect(context.url)
    return _slots_page(request, context, host, SlotsForm(), visit)


@tenant_required
def propose(request, kind, context_pk):
    """The household proposes slots to visit its own home."""
    context = _context(request, KIND_SLUGS.get(kind, ""), context_pk)
    if context.pair_hosted_by(request.tenant) is None:
        raise Http404
    existing = services.visits_of(context).filter(host=request.tenant).first()
    if existing is not None:
        return redirect("visits:replan", pk=existing.pk)
    return _propose(request, context, request.tenant)


@tenant_required
def replan(request, pk):
    """Either household proposes new slots for an existing visit."""
    visit, context = _visit(request, pk)
    return _propose(request, context, visit.host, visit)


def _detail_page(request, visit, context, pick_form=None, status=200):
    profile = request.tenant
    is_host = visit.host_id == profile.pk
    return render(
        request,
        "visits/detail.html",
        {
            "visit": visit,
            "context": context,
            "is_host": is_host,
            "other_name": pseudonym(visit.other(profile)),
            "slots": list(visit.slots.all()) if visit.status == VisitStatus.PROPOSED else [],
            "i_pick": visit.status == VisitStatus.PROPOSED and visit.picker_id == profile.pk,
            "address": services.address_for(visit, profile),
            "state": services.state_label(visit),
            "can_record_outcome": context.kind == ContextKind.REQUEST
            and not is_host
            and services.can_record_outcome(visit),
            "pick_form": pick_form or PickForm(),
        },
        status=status,
    )


@tenant_required
def detail(request, pk):
    visit, context = _visit(request, pk)
    return _detail_page(request, visit, context)


@require_POST
@tenant_required
def pick(request, pk):
    visit, context = _visit(request, pk)
    form = PickForm(request.POST)
    if form.is_valid():
        try:
            services.pick(context, visit, request.tenant, form.cleaned_data["slot"])
        except services.VisitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("La visite est confirmée : vous recevez tous deux une invitation par courriel."),
            )
            return redirect("visits:detail", pk=visit.pk)
    return _detail_page(request, visit, context, pick_form=form, status=400)


@require_POST
@tenant_required
def cancel(request, pk):
    visit, _context_ = _visit(request, pk)
    try:
        services.cancel(visit, request.tenant)
    except services.VisitError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La visite est annulée : l’autre ménage est prévenu."))
    return redirect("visits:detail", pk=visit.pk)


@tenant_required
def calendar_file(request, pk):
    """The confirmed visit's invitation, for the two households only."""
    visit, _context_ = _visit(request, pk)
    if not services.can_download_invitation(visit, request.tenant):
        raise Http404
    response = HttpResponse(
        invitation.build(visit, request.tenant), content_type=invitation.mimetype("REQUEST")
    )
    response["Content-Disposition"] = f'attachment; filename="{invitation.filename(visit)}"'
    return response
