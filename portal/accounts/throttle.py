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


def _count(request, group: str, key, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def sign_in_limited(request) -> bool:
    """Count this sign-in attempt; True when the username or the address is over its limit."""
    by_username = _count(
        request, "portal.sign_in.username", _username_key, settings.SIGN_IN_RATE_PER_USERNAME
    )
    by_address = _count(request, "portal.sign_in.ip", "ip", settings.SIGN_IN_RATE_PER_IP)
    return by_username or by_address


def password_reset_limited(request) -> bool:
    return _count(request, "portal.password_reset.ip", "ip", settings.PASSWORD_RESET_RATE_PER_IP)
