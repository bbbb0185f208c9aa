"""The staff area's shell: its dashboard and the password change.

Every view goes through ``permissions.staff_required``; every object is looked
up within what ``permissions`` lets the user see.
"""

from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.db.models import Count, Max
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from bourse import permissions
from bourse.dashboard import panels_for as dashboard_panels
from bourse.eligibility import opposed_contingent
from bourse.models import Dwelling, Landlord, PatrimoineImport
from bourse.permissions import landlord_from_request, staff_required

from .context import staff_context


class StaffPasswordChangeView(PasswordChangeView):
    template_name = "bourse/staff/password_change.html"
    success_url = reverse_lazy("bourse:staff_dashboard")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe est changé."))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return staff_context(self.request, **super().get_context_data(**kwargs))


password_change = staff_required(StaffPasswordChangeView.as_view())


def dwelling_counts(queryset) -> dict:
    total = queryset.count()
    eligible = (
        queryset.annotate(opposed=opposed_contingent())
        .filter(in_snapshot=True, eligible_flag=True, opposed=False)
        .exclude(tenant_reference="")
        .count()
    )
    return {
        "total": total,
        "eligible": eligible,
        "ineligible": total - eligible,
        "outside_snapshot": queryset.filter(in_snapshot=False).count(),
    }


@staff_required
def dashboard(request):
    landlord = landlord_from_request(request)
    user = request.user
    context = staff_context(request, landlord=landlord)
    context["todo"] = dashboard_panels(user)
    if landlord is None:
        # The AMO: every landlord at a glance.
        context["landlords"] = Landlord.objects.annotate(
            dwelling_count=Count("dwellings", distinct=True),
            last_import_at=Max("imports__created_at"),
        ).order_by("name")
        context["imports"] = PatrimoineImport.objects.select_related(
            "landlord", "uploaded_by"
        ).order_by("-created_at")[:10]
    else:
        context["counts"] = dwelling_counts(Dwelling.objects.filter(landlord=landlord))
        context["imports"] = PatrimoineImport.objects.filter(landlord=landlord).select_related(
            "uploaded_by"
        )[:5]
        context["can_import"] = permissions.can_import(user, landlord)
    return render(request, "bourse/staff/dashboard.html", context)
