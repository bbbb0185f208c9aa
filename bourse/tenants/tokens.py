"""Signed links sent by mail: e-mail confirmation, "keep my account", unsubscribe."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

KEEP_ALIVE_SALT = "tenants.keep-alive"
KEEP_ALIVE_MAX_AGE = 60 * 60 * 24 * 45  # a month's warning, and some margin


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password reset token, and void once the address is confirmed."""

    key_salt = "bourse.tenants.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        profile = getattr(user, "tenant_profile", None)
        confirmed = profile.email_confirmed_at if profile is not None else None
        return f"{user.pk}{user.password}{user.email}{confirmed}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def uid_for(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_pk_from_uid(uidb64: str) -> int | None:
    try:
        value = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
    return int(value) if value.isdigit() else None


def keep_alive_token(listing_id: int, kind: str, deadline_iso: str) -> str:
    return signing.dumps(
        {"l": listing_id, "k": kind, "d": deadline_iso}, salt=KEEP_ALIVE_SALT, compress=True
    )


def read_keep_alive_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=KEEP_ALIVE_SALT, max_age=KEEP_ALIVE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("l"), int):
        return None
    return data


# One-click unsubscribe from alerts: no expiry (a digest may be read months later).
UNSUBSCRIBE_SALT = "tenants.alerts-unsubscribe"


def unsubscribe_token(profile_id: int, scope: str) -> str:
    """``scope``: ``"email"`` (every e-mail alert), ``"sms"``, or ``"s<id>"`` (one saved
    search)."""
    return signing.dumps({"p": profile_id, "s": scope}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    if not isinstance(data.get("s"), str):
        return None
    return data
