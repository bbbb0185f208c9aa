"""What the tenant area adds to the portal's one sign-in page and header.

* ``tenant_sign_in_check``: a tenant account that may not be used now (not
  confirmed, ineligible, deactivated by the landlord, anonymised) is refused
  with the reason (``lifecycle.sign_in_refusal``), after the password only.
* ``reactivate``: a tenant deactivated for inactivity is back on signing in.
* the tenant area is the home of tenant accounts (``portal.spaces``).
"""

from django.contrib.auth.signals import user_logged_in
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts import Refusal, register_sign_in_check
from portal.spaces import Space, register

from . import lifecycle, services
from .models import TenantProfile
from .permissions import tenant_profile


def tenant_sign_in_check(user) -> Refusal | None:
    profile = TenantProfile.objects.select_related("listing", "dwelling").filter(user=user).first()
    if profile is None:
        return None
    listing = getattr(profile, "listing", None)
    if listing is not None:
        services.sync_listing(listing)
    message = lifecycle.sign_in_refusal(profile)
    if not message:
        return None
    if not profile.email_confirmed and profile.anonymised_at is None:
        return Refusal(
            message,
            reverse("tenants:resend_confirmation"),
            _("Recevoir un nouveau lien de confirmation"),
        )
    return Refusal(message)


def reactivate(sender, request, user, **kwargs):
    profile = tenant_profile(user)
    listing = getattr(profile, "listing", None) if profile is not None else None
    if listing is not None:
        lifecycle.reactivate_on_sign_in(listing, user)


def connect() -> None:
    register_sign_in_check(tenant_sign_in_check)
    user_logged_in.connect(reactivate, dispatch_uid="tenants.reactivate_on_sign_in")
    register(
        Space(
            key="tenant",
            label=_("Espace locataire"),
            url_name="tenants:dashboard",
            may_open=lambda user: tenant_profile(user) is not None,
            prefixes=("/locataire/", "/dossiers/mes-dossiers/"),
            rank=10,
            invalidated_by=(TenantProfile,),
            session_kind="tenant",
        )
    )
