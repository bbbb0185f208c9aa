"""The spaces a signed-in account may open, and where each account lands.

``portal`` is the lowest layer: it knows no app. Each app that owns a space
(tenant area, staff area, partner space, member area, Wagtail admin) registers
it here from its ``AppConfig.ready()``; the one sign-in page, the site header
and the ``?next=`` check read the registry.

Rules
-----
* An account's **home** is the space it may open with the lowest ``rank``
  (tenant 10, staff 20, partner 30, admin 40, member 50); ``rank`` may be a
  callable of the user when one kind of account prefers another home.
* A ``?next=`` path that lies under a space's ``prefixes`` is honoured only
  when the account may open that space; any other path of the site is
  honoured; a path on another host never is.
* ``session_kind`` says how long a session of an account whose home is this
  space lives: ``"staff"`` (browser close and a working day without activity)
  or ``"tenant"`` (browser close, or 14 days with "Se souvenir de moi").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


@dataclass(frozen=True, kw_only=True)
class Space:
    key: str
    label: str
    may_open: Callable[[object], bool]
    href: str | Callable[[], str] = ""
    url_name: str = ""  # same as a URL name in ``href``
    prefixes: tuple[str, ...] = ()
    rank: int | Callable[[object], int] = 50
    session_kind: str = "staff"

    def url(self) -> str:
        """``href`` is a URL name (``"app:view"``), a path, or a callable giving a path."""
        if callable(self.href):
            return self.href()
        if self.url_name:
            return reverse(self.url_name)
        return self.href if self.href.startswith("/") else reverse(self.href)

    def rank_for(self, user) -> int:
        return self.rank(user) if callable(self.rank) else self.rank


_SPACES: dict[str, Space] = {}


def register(space: Space) -> Space:
    """Add (or replace, by key) a space; called from ``AppConfig.ready()``."""
    _SPACES[space.key] = space
    return space


def registered() -> list[Space]:
    return list(_SPACES.values())


def spaces_for(user) -> list[Space]:
    """The spaces ``user`` may open, home first (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = user.__dict__.get("_portal_spaces")
    if cached is None:
        cached = sorted(
            (space for space in _SPACES.values() if space.may_open(user)),
            key=lambda space: space.rank_for(user),
        )
        user.__dict__["_portal_spaces"] = cached
    return cached


def home_space(user) -> Space | None:
    spaces = spaces_for(user)
    return spaces[0] if spaces else None


def home_url(user) -> str:
    """Where ``user`` lands after signing in: its first space, else the site's home."""
    space = home_space(user)
    return space.url() if space is not None else "/"


def space_of_path(path: str) -> Space | None:
    """The registered space whose prefix is the longest match of ``path``."""
    best, length = None, -1
    for space in _SPACES.values():
        for prefix in space.prefixes:
            if path.startswith(prefix) and len(prefix) > length:
                best, length = space, len(prefix)
    return best


def may_open_path(user, path: str) -> bool:
    space = space_of_path(path)
    return space is None or space in spaces_for(user)


def safe_next(request, user, candidate: str | None) -> str | None:
    """``candidate`` when it stays on this site and ``user`` may open it, else None."""
    if not candidate:
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if not candidate.startswith("/") or candidate.startswith("//"):
        return None
    path = candidate.split("?", 1)[0].split("#", 1)[0]
    return candidate if may_open_path(user, path) else None


def session_kind(user) -> str:
    space = home_space(user)
    return space.session_kind if space is not None else "tenant"
