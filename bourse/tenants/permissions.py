"""Who may see and do what with tenant accounts and listings.

Tenants: a signed-in tenant whose account may be used (``bourse.tenancy.tenant_required``:
``lifecycle.sign_in_refusal`` is re-checked on every request, an account deactivated
or made ineligible while signed in is signed out). A tenant only ever reaches their own profile,
listing and requests; another tenant's objects answer 404.

Staff (same scope as ``bourse.permissions``): the AMO sees every landlord's
tenants; a landlord's administrators and agents see their own landlord's
tenants, and may deactivate, reactivate and anonymise them; moderation is for
the AMO and the landlord's administrators (``moderation.can_moderate``).
"""

from bourse import permissions as staff_permissions
from bourse.models import StaffRole
from bourse.tenancy import tenant_required  # noqa: F401 (the one door, for the tenant screens)

from .models import TenantProfile

TENANT_STAFF_ROLES = (StaffRole.SUPER_ADMIN, StaffRole.LANDLORD_ADMIN, StaffRole.AGENT)


def tenant_profile(user) -> TenantProfile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if "_tenant_profile" not in user.__dict__:
        # One account per user (a one-to-one key): a slice, not ``first()``, whose
        # ordering costs this query, read on every tenant page, a third of its CPU.
        found = TenantProfile.objects.select_related(
            "listing__commune", "dwelling", "landlord"
        ).filter(user=user, anonymised_at__isnull=True)[:1]
        profile = next(iter(found), None)
        if profile is not None:
            profile.user = user  # the same account: profile.user asks no query
        user.__dict__["_tenant_profile"] = profile
    return user.__dict__["_tenant_profile"]


# --- Staff ----------------------------------------------------------------------------


def can_see_tenants(user) -> bool:
    profile = staff_permissions.staff_profile(user)
    if staff_permissions.is_super_admin(user):
        return True
    return profile is not None and profile.role in TENANT_STAFF_ROLES and profile.landlord_id


def visible_tenants(user):
    """Tenant accounts the staff user may see: all for the AMO, their landlord's otherwise."""
    if not can_see_tenants(user):
        return TenantProfile.objects.none()
    return TenantProfile.objects.filter(landlord__in=staff_permissions.visible_landlords(user))


def can_manage_tenant(user, profile: TenantProfile) -> bool:
    """Deactivate, reactivate, anonymise: the AMO, or the tenant's landlord's staff."""
    return can_see_tenants(user) and staff_permissions.can_view_landlord(user, profile.landlord)
