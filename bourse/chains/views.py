"""Chain screens: the household's proposal page (accept / decline), the landlord's list.
Thin views: the rules are in ``services``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse import permissions as staff_permissions
from bourse.staff.context import staff_context
from bourse.tenancy import tenant_required

from . import services
from .forms import AcceptForm
from .models import ProposalStatus


def _tenant_view(request, pk):
    proposal = services.proposals_for_tenant(request.tenant).filter(pk=pk).first()
    view = services.tenant_view(proposal, request.tenant) if proposal else None
    if view is None:
        raise Http404
    return view


@tenant_required
def proposal_detail(request, pk):
    view = _tenant_view(request, pk)
    form = AcceptForm(needs_nur=not request.tenant.nur)
    return render(request, "chains/proposal.html", {"view": view, "form": form})


@require_POST
@tenant_required
def accept(request, pk):
    view = _tenant_view(request, pk)
    form = AcceptForm(request.POST, needs_nur=not request.tenant.nur)
    if not form.is_valid():
        return render(request, "chains/proposal.html", {"view": view, "form": form}, status=400)
    try:
        proposal = services.accept(view.proposal.pk, request.tenant, form.cleaned_data.get("nur"))
    except services.ChainError as error:
        messages.error(request, str(error))
        return redirect("chains:proposal", pk=pk)
    if proposal.status == ProposalStatus.ACCEPTED:
        messages.success(
            request,
            _(
                "Tous les ménages ont accepté : le dossier d’échange est ouvert "
                "auprès des bailleurs."
            ),
        )
    elif proposal.status == ProposalStatus.DISSOLVED:
        messages.error(request, _("Le dossier d’échange n’a pas pu être ouvert."))
    else:
        messages.success(request, _("Votre accord est enregistré. Les autres ménages répondent."))
    return redirect("chains:proposal", pk=pk)


@require_POST
@tenant_required
def decline(request, pk):
    view = _tenant_view(request, pk)
    try:
        services.decline(view.proposal.pk, request.tenant)
    except services.ChainError as error:
        messages.error(request, str(error))
        return redirect("chains:proposal", pk=pk)
    messages.success(
        request, _("Vous avez décliné cette chaîne : elle ne vous sera plus proposée.")
    )
    return redirect("tenants:dashboard")


@staff_permissions.staff_required(test=services.can_see_chains)
def staff_proposals(request):
    status = request.GET.get("statut", "")
    proposals = services.proposals_for_staff(request.user)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    else:
        status = ""
    own = staff_permissions.user_landlord(request.user)
    rows = list(proposals[:200])
    return render(
        request,
        "chains/staff_list.html",
        staff_context(
            request,
            rows=rows,
            status=status,
            statuses=ProposalStatus.choices,
            own_landlord=own,
            sees_all=own is None,
        ),
    )
