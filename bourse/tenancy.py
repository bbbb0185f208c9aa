"""The tenant accounts, as the screens below the tenants app see them.

The accounts (``TenantProfile``) live in ``bourse.tenants``, above the exchange
files and the staff area; what those need from them is registered here by the
tenants app's ``ready()`` (``bourse/tenants/apps.py``), so that no module below
it imports it. Without the tenants app a signed-in user has no tenant profile.

``tenant_required`` is the one door of every screen a tenant opens: the tenant
area's and the chains' (an account that may be used), and the exchange file's
households (any signed-in user: a household may have no account on the bourse).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.http import never_cache_response


class TenantRefusal(Exception):
    """A tenant's action refused, with the message to show them."""


# Set by bourse.tenants (its ready()):
# user -> their TenantProfile (usable or not), or None.
find_profile: Callable = lambda user: None  # noqa: E731
# profile -> why the account may not be used now ("" when it may).
sign_in_refusal: Callable = lambda profile: ""  # noqa: E731
# (profile, nur) -> the canonical NUR, set on the account and its open file;
# raises TenantRefusal when the file no longer takes it.
set_nur: Callable | None = None
# (exchange file, its parties) -> the visit outcomes of the requests it was opened from.
visit_outcomes: Callable = lambda file, parties=(): []  # noqa: E731


def tenant_required(view=None, *, account_required=True):
    """A signed-in tenant; sets ``request.tenant`` (their profile, or None).

    ``account_required`` (the tenant area, the chains): a tenant account that may
    be used — other accounts get the 403 page, and one that may no longer be used
    (deactivated, ineligible…: ``sign_in_refusal``, re-checked on every request)
    is signed out. Without it (the exchange file's households): any signed-in
    user. Never cached; a ``PermissionDenied`` answers 404.
    """
    if view is None:
        return lambda view: tenant_required(view, account_required=account_required)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        profile = find_profile(user)
        if account_required:
            if profile is None:
                response = render(
                    request,
                    "tenants/forbidden.html",
                    {"message": _("Cet espace est réservé aux locataires inscrits.")},
                    status=403,
                )
                return never_cache_response(response)
            refusal = sign_in_refusal(profile)
            if refusal:
                logout(request)
                messages.error(request, refusal)
                return redirect_to_login(request.get_full_path())
        # The tenant area's navigation (tenants/base.html) shows for a tenant account.
        request.tenant = profile
        try:
            response = view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise Http404 from error
        return never_cache_response(response)

    return wrapped
