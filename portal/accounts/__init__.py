"""One sign-in page for every account (``settings.LOGIN_URL``), sign-out, password reset.

What an app adds to signing in goes through the registry below, so that
``portal`` imports no app: ``register_sign_in_check(check)`` where
``check(user)`` returns a ``Refusal`` (the account exists and the password is
right, but it may not sign in now: an unconfirmed tenant, an ineligible one…)
or None. Where each account lands afterwards is ``portal.spaces.home_url``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    message: str
    link_url: str = ""
    link_label: str = ""


_CHECKS: list[Callable[[object], Refusal | None]] = []


def register_sign_in_check(check: Callable[[object], Refusal | None]):
    """Add ``check`` (once) to the checks run after the password, before the session starts."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def sign_in_refusal(user) -> Refusal | None:
    for check in _CHECKS:
        refusal = check(user)
        if refusal is not None:
            return refusal
    return None
