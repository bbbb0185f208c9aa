"""Partner accounts, in the staff area: the AMO lists them and creates them.

Creation is the agents' (``bourse.staff.accounts.create_staff_account``): the
same form fields, an initial password shown once to the AMO; the account is a
partner of the reservataire chosen. Landlord administrators and agents get 403.
"""

from django.shortcuts import render

from bourse import permissions
from bourse.models import StaffProfile, StaffRole
from bourse.permissions import staff_required
from bourse.staff.accounts import create_staff_account
from bourse.staff.context import staff_context
from portal.http import page_of, query_without_page

from .forms import PartnerCreateForm


@staff_required(test=permissions.is_super_admin)
def accounts(request):
    profiles = (
        StaffProfile.objects.filter(role=StaffRole.PARTNER)
        .select_related("user", "reservataire")
        .order_by("reservataire__name", "user__last_name", "user__username")
    )
    return render(
        request,
        "partners/accounts.html",
        staff_context(request, page=page_of(request, profiles), query=query_without_page(request)),
    )


@staff_required(test=permissions.is_super_admin)
def account_create(request):
    form = PartnerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reservataire = form.cleaned_data["reservataire"]
        account, password = create_staff_account(
            form.cleaned_data, StaffRole.PARTNER, reservataire=reservataire
        )
        return render(
            request,
            "partners/account_created.html",
            staff_context(request, account=account, password=password, reservataire=reservataire),
        )
    return render(request, "partners/account_form.html", staff_context(request, form=form))
