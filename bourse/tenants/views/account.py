"""The keep-alive link of the deactivation warnings and the tenant's contact form."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from bourse.contact.forms import ContactForm
from bourse.contact.views import ContactView
from portal.http import never_cache_response

from .. import lifecycle
from ..models import Listing
from ..permissions import tenant_required
from ..tokens import read_keep_alive_token


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
