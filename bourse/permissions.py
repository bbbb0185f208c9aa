"""Who may see and do what in the bourse's staff area: the one place that says it.

Two things decide:

- the **capability** comes from Django permissions, granted through the role
  groups below (created by a data migration, kept in step by ``set_staff_role``);
- the **scope** comes from the ``StaffProfile``: the super administrator (AMO,
  or a Django superuser) sees every landlord; a landlord's administrators and
  agents see their own landlord only. Partners (reservataires) have no staff
  screen: they open the partner space (``bourse.partners``), scoped to their
  own reservataire; plain users have neither.
"""

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .models import Landlord, Reservataire, StaffProfile, StaffRole

BOURSE_MODELS = (
    "landlord",
    "reservataire",
    "dwelling",
    "patrimoineimport",
    "staffprofile",
    "commune",
    "intercommunality",
)
ROLE_GROUPS = {
    StaffRole.SUPER_ADMIN: "Super administrateurs (AMO)",
    StaffRole.LANDLORD_ADMIN: "Administrateurs bailleur",
    StaffRole.AGENT: "Agents bailleur",
    StaffRole.PARTNER: "Partenaires",
}
# Group name -> permissions as "app_label.codename".
GROUP_PERMISSIONS = {
    "Super administrateurs (AMO)": tuple(
        f"bourse.{action}_{model}"
        for model in BOURSE_MODELS
        for action in ("add", "change", "delete", "view")
    )
    + ("wagtailadmin.access_admin",),
    "Administrateurs bailleur": (
        "bourse.view_landlord",
        "bourse.change_landlord",
        "bourse.view_dwelling",
        "bourse.view_patrimoineimport",
        "bourse.add_patrimoineimport",
        "bourse.view_staffprofile",
        "bourse.add_staffprofile",
        "bourse.change_staffprofile",
        "bourse.view_reservataire",
    ),
    "Agents bailleur": (
        "bourse.view_landlord",
        "bourse.view_dwelling",
        "bourse.view_patrimoineimport",
        "bourse.add_patrimoineimport",
        "bourse.view_reservataire",
    ),
    "Partenaires": ("bourse.view_reservataire",),
}
LANDLORD_ROLES = (StaffRole.LANDLORD_ADMIN, StaffRole.AGENT)


# --- Groups -----------------------------------------------------------------------


def sync_groups(group_model=Group, permission_model=Permission) -> None:
    """Create the role groups and give them their permissions (idempotent).

    Also called by the data migration with the historical models.
    """
    for name, perms in GROUP_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                wanted.append(found)
        group.permissions.add(*wanted)


def role_group(role: str) -> Group:
    name = ROLE_GROUPS[StaffRole(role)]
    group = Group.objects.filter(name=name).first()
    if group is None or not group.permissions.exists():
        sync_groups()  # e.g. after a test database flush
        group = Group.objects.get(name=name)
    return group


@transaction.atomic
def set_staff_role(
    user, role: str, landlord: Landlord | None = None, reservataire: Reservataire | None = None
) -> StaffProfile:
    """Give ``user`` a bourse role: profile, and membership of the matching group only.

    Landlord staff belong to a ``landlord``, partners to a ``reservataire``.
    """
    role = StaffRole(role)
    if role in LANDLORD_ROLES and landlord is None:
        raise ValueError("A landlord administrator or agent belongs to a landlord.")
    if role == StaffRole.PARTNER and reservataire is None:
        raise ValueError("A partner belongs to a reservataire.")
    if role not in LANDLORD_ROLES:
        landlord = None
    if role != StaffRole.PARTNER:
        reservataire = None
    profile, _created = StaffProfile.objects.update_or_create(
        user=user, defaults={"role": role, "landlord": landlord, "reservataire": reservataire}
    )
    others = Group.objects.filter(name__in=ROLE_GROUPS.values()).exclude(name=ROLE_GROUPS[role])
    user.groups.remove(*others)
    user.groups.add(role_group(role))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_bourse_profile"):
        user.__dict__.pop(cache, None)
    return profile


# --- Questions ----------------------------------------------------------------------


def staff_profile(user) -> StaffProfile | None:
    """The user's bourse profile (cached on the user object), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if "_bourse_profile" not in user.__dict__:
        user.__dict__["_bourse_profile"] = (
            StaffProfile.objects.select_related("landlord", "reservataire")
            .filter(user=user)
            .first()
        )
    return user.__dict__["_bourse_profile"]


def is_super_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    return profile is not None and profile.role == StaffRole.SUPER_ADMIN


def user_landlord(user) -> Landlord | None:
    """The landlord a landlord administrator or agent belongs to."""
    profile = staff_profile(user)
    if profile is not None and profile.role in LANDLORD_ROLES:
        return profile.landlord
    return None


def is_landlord_admin(user, landlord: Landlord | None = None) -> bool:
    profile = staff_profile(user)
    return (
        profile is not None
        and profile.role == StaffRole.LANDLORD_ADMIN
        and (landlord is None or profile.landlord_id == landlord.pk)
    )


def can_moderate(user) -> bool:
    """Listings are moderated by the AMO and by landlord administrators (not agents)."""
    return is_super_admin(user) or is_landlord_admin(user)


def can_access_staff_area(user) -> bool:
    return is_super_admin(user) or user_landlord(user) is not None


def visible_landlords(user):
    """Landlords whose data the user may see: all for the AMO, their own for staff."""
    if is_super_admin(user):
        return Landlord.objects.all()
    landlord = user_landlord(user)
    if landlord is None:
        return Landlord.objects.none()
    return Landlord.objects.filter(pk=landlord.pk)


def can_view_landlord(user, landlord: Landlord | None) -> bool:
    if landlord is None:
        return False
    if is_super_admin(user):
        return True
    own = user_landlord(user)
    return own is not None and own.pk == landlord.pk


def can_view_patrimoine(user, landlord: Landlord | None) -> bool:
    return can_view_landlord(user, landlord) and user.has_perm("bourse.view_dwelling")


def can_view_imports(user, landlord: Landlord | None) -> bool:
    return can_view_landlord(user, landlord) and user.has_perm("bourse.view_patrimoineimport")


def can_import(user, landlord: Landlord | None) -> bool:
    return can_view_landlord(user, landlord) and user.has_perm("bourse.add_patrimoineimport")


def can_edit_organisation(user, landlord: Landlord | None) -> bool:
    if not user.has_perm("bourse.change_landlord") or landlord is None:
        return False
    return is_super_admin(user) or is_landlord_admin(user, landlord)


def can_manage_agents(user, landlord: Landlord | None) -> bool:
    """Create, deactivate and reactivate the agents of ``landlord``."""
    if landlord is None or not (
        user.has_perm("bourse.add_staffprofile") and user.has_perm("bourse.change_staffprofile")
    ):
        return False
    return is_super_admin(user) or is_landlord_admin(user, landlord)


def can_manage_account(user, account) -> bool:
    """May ``user`` deactivate or reactivate ``account`` (an agent's user)?"""
    if account.pk == user.pk:
        return False
    profile = StaffProfile.objects.filter(user=account).select_related("landlord").first()
    if profile is None or profile.role not in LANDLORD_ROLES:
        return False
    if is_super_admin(user):
        return can_manage_agents(user, profile.landlord)
    return profile.role == StaffRole.AGENT and can_manage_agents(user, profile.landlord)


def is_partner(user) -> bool:
    profile = staff_profile(user)
    return profile is not None and profile.role == StaffRole.PARTNER


def user_reservataire(user) -> Reservataire | None:
    """The reservataire a partner account belongs to (None for everyone else)."""
    profile = staff_profile(user)
    if profile is not None and profile.role == StaffRole.PARTNER:
        return profile.reservataire
    return None


def can_access_partner_space(user) -> bool:
    """Partners open their space; the AMO too (choosing a reservataire). Nobody else."""
    return is_super_admin(user) or user_reservataire(user) is not None


def can_view_positions(user) -> bool:
    return can_access_staff_area(user) and user.has_perm("bourse.view_reservataire")


def can_edit_positions(user) -> bool:
    return is_super_admin(user) and user.has_perm("bourse.change_reservataire")


def landlord_from_request(request) -> Landlord | None:
    """The landlord a staff page is about.

    Landlord staff: always their own — another landlord's id in ``bailleur``
    (query string or form) is refused. Super administrator: the landlord named
    by ``bailleur``, or None for "all landlords".
    """
    user = request.user
    raw = request.POST.get("bailleur") or request.GET.get("bailleur") or ""
    own = user_landlord(user)
    if own is not None:
        if raw and raw != str(own.pk):
            raise PermissionDenied
        return own
    if not is_super_admin(user):
        raise PermissionDenied
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(Landlord, pk=int(raw))


# --- Views ------------------------------------------------------------------------


def forbidden(request, message=None):
    return render(
        request,
        "bourse/staff/forbidden.html",
        {"message": message or _("Vous n’avez pas accès à cette page de l’espace bailleur.")},
        status=403,
    )


def staff_required(view=None, *, test=None):
    """View decorator: sign-in required, then the staff area, then ``test(user)``.

    Anonymous visitors go to the staff sign-in page; signed-in users without
    access get a French 403 page. Responses are never cached. Use as
    ``@staff_required`` or ``@staff_required(test=can_edit_positions)``.
    """

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_access_staff_area(user) or (test is not None and not test(user)):
                return forbidden(request)
            try:
                return func(request, *args, **kwargs)
            except PermissionDenied:
                return forbidden(request)

        return never_cache(wrapped)

    return decorator(view) if view is not None else decorator


class StaffRequiredMixin:
    """Class-based equivalent of ``staff_required``; override ``staff_test``."""

    def staff_test(self, user) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_access_staff_area(user) or not self.staff_test(user):
            return forbidden(request)
        return never_cache(super().dispatch)(request, *args, **kwargs)
