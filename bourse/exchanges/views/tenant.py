"""The tenant's own exchange files: list, page, NUR correction, renouncing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bourse import tenancy
from bourse.tenancy import TenantRefusal, tenant_required

from .. import access, display, workflow
from ..forms import NurForm, decorate, form_for
from .confirming import CONFIRM_FIELD, attempt, confirmation_context, parties_of


def _tenant_file(request, pk):
    file = access.tenant_files(request.user).filter(pk=pk).first()
    if file is None:
        raise Http404
    return file


@tenant_required(account_required=False)
def tenant_files(request):
    files = list(access.tenant_files(request.user).order_by("-opened_at"))
    if len(files) == 1:
        return redirect("exchanges:tenant_file", pk=files[0].pk)
    return render(request, "exchanges/tenant_files.html", {"files": files})


def tenant_context(request, file, form=None, nur_form=None):
    parties = parties_of(file)
    own = next(p for p in parties if p.tenant_user_id == request.user.pk)
    can_correct_nur = file.step in workflow.NUR_TENANT_STEPS
    if can_correct_nur and nur_form is None:
        nur_form = NurForm(initial={"nur": own.nur})
    taken_from = next((p for p in parties if p.dwelling_left_id == own.dwelling_taken_id), None)
    can_renounce = workflow.can(file, request.user, "renounce", parties=parties)
    if can_renounce and form is None:
        form = decorate(form_for("renounce", file=file, parties=parties))
    return {
        "file": file,
        "own": own,
        "taken_from": taken_from,
        "household_count": len(parties),
        "track": display.step_track(file),
        "next_step": display.tenant_next_step(file),
        "form": form if can_renounce else None,
        # A refused correction keeps its form (and its message) on the page.
        "nur_form": nur_form if can_correct_nur or (nur_form and nur_form.is_bound) else None,
    }


@tenant_required(account_required=False)
def tenant_file(request, pk):
    file = _tenant_file(request, pk)
    return render(request, "exchanges/tenant_file.html", tenant_context(request, file))


@tenant_required(account_required=False)
@require_POST
def tenant_correct_nur(request, pk):
    """The tenant corrects its NUR until the pre-instruction is validated: its account
    and the open file (recorded in the timeline) — chains included."""
    file = _tenant_file(request, pk)
    form = NurForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["nur"]
        try:
            if request.tenant is not None and tenancy.set_nur is not None:
                tenancy.set_nur(request.tenant, value)
            else:
                own = file.parties.get(tenant_user=request.user)
                workflow.perform(file, "correct_nur", request.user, party=own, data={"nur": value})
        except (TenantRefusal, workflow.TransitionError) as error:
            form.add_error("nur", str(error))
        else:
            messages.success(request, _("Votre NUR est corrigé dans votre dossier d’échange."))
            return redirect("exchanges:tenant_file", pk=file.pk)
    file.refresh_from_db()
    context = tenant_context(request, file, nur_form=form)
    return render(request, "exchanges/tenant_file.html", context, status=400)


@tenant_required(account_required=False)
@require_POST
def tenant_renounce(request, pk):
    file = _tenant_file(request, pk)
    parties = parties_of(file)
    form = form_for("renounce", request.POST, file=file, parties=parties)
    if form.is_valid():
        confirmed = request.POST.get(CONFIRM_FIELD) == "1"
        try:
            result = attempt(
                file, "renounce", request.user, form, confirmed=confirmed, keep=workflow.StaleStep
            )
        except workflow.StaleStep as error:
            messages.error(request, str(error))
            return redirect("exchanges:tenant_file", pk=file.pk)
        if result is not None:
            if not confirmed:
                return render(
                    request,
                    "exchanges/tenant_confirm.html",
                    {
                        **confirmation_context(file, parties, form, result),
                        "post_url": reverse("exchanges:renounce", args=[file.pk]),
                        "back_url": reverse("exchanges:tenant_file", args=[file.pk]),
                    },
                )
            messages.success(request, _("Vous avez renoncé à l’échange : le dossier est clos."))
            return redirect("exchanges:tenant_file", pk=file.pk)
    file.refresh_from_db()
    context = tenant_context(request, file, form=decorate(form))
    return render(request, "exchanges/tenant_file.html", context, status=400)
