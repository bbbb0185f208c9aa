"""The brute-force limits of every sign-in door, on the shared cache.

Each POST counts, per username (case-insensitive) and per client address;
the address is ``REMOTE_ADDR`` or the header named by ``RATELIMIT_IP_META_KEY``
(set by the reverse proxy), never a header the client can forge such as
``X-Forwarded-For``.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

TOO_MANY_ATTEMPTS = _("Trop de tentatives de connexion : patientez quelques minutes et réessayez.")


def _username_key(_group, request) -> str:
    return (request.POST.get("username") or "").strip().lower()


def sign_in_limited(request) -> bool:
    """Count this sign-in attempt; True when the username or the address is over its limit."""
    by_username = is_ratelimited(
        request,
        group="portal.sign_in.username",
        key=_username_key,
        rate=settings.SIGN_IN_RATE_PER_USERNAME,
        method="POST",
        increment=True,
    )
    by_address = is_ratelimited(
        request,
        group="portal.sign_in.ip",
        key="ip",
        rate=settings.SIGN_IN_RATE_PER_IP,
        method="POST",
        increment=True,
    )
    return by_username or by_address


def password_reset_limited(request) -> bool:
    return is_ratelimited(
        request,
        group="portal.password_reset.ip",
        key="ip",
        rate=settings.PASSWORD_RESET_RATE_PER_IP,
        method="POST",
        increment=True,
    )
