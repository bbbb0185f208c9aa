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

Cache
-----
The list of an account's spaces (shown in every page's header) is kept in the
cache under ``spaces:user:<id>`` for ``CACHE_SECONDS``, stamped with a global
version. It is dropped when the account, its groups or permissions change,
or when a model named in a space's ``invalidated_by`` (with a ``user_id``) is
saved or deleted for it; a change of a group's permissions bumps the
version. Each space's own door still checks access on every request: the
cache only decides which links the header shows and where a sign-in lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import caching


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
    # Models (with a ``user_id``) whose changes may open or close this space.
    invalidated_by: tuple[type, ...] = ()

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


CACHE_SECONDS = 300
VERSION_KEY = "spaces:version"


def register(space: Space) -> Space:
    """Add (or replace, by key) a space; called from ``AppConfig.ready()``."""
    from django.db.models.signals import post_delete, post_save

    _SPACES[space.key] = space
    for model in space.invalidated_by:
        for signal in (post_save, post_delete):
            signal.connect(_forget_owner, sender=model, dispatch_uid=f"spaces.{model._meta.label}")
    return space


# The header's notices beside the account menu (« Messages (2) »): key → a callable
# given the user, returning {"label", "url", "count"} or None (not shown).
_HEADER_NOTICES: dict[str, Callable[[object], dict | None]] = {}


def register_header_notice(key: str, notice: Callable[[object], dict | None]) -> None:
    """Add (or replace, by key) a header notice; called from ``AppConfig.ready()``."""
    _HEADER_NOTICES[key] = notice


def header_notices(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for notice in _HEADER_NOTICES.values() if (item := notice(user))]


def _user_key(user_id) -> str:
    return f"spaces:user:{user_id}"


def forget(user_id=None) -> None:
    """Drop the cached spaces of one account, or of every account."""
    if user_id is None:
        caching.bump(VERSION_KEY)
    else:
        cache.delete(_user_key(user_id))


def _forget_owner(sender, instance, **kwargs):
    forget(getattr(instance, "user_id", None))


def _cached_spaces(user) -> list[Space]:
    def compute() -> list[str]:
        spaces = sorted(
            (space for space in _SPACES.values() if space.may_open(user)),
            key=lambda space: space.rank_for(user),
        )
        return [space.key for space in spaces]

    keys = caching.versioned(VERSION_KEY, _user_key(user.pk), compute, CACHE_SECONDS)
    spaces = [_SPACES[key] for key in keys if key in _SPACES]
    if len(spaces) != len(keys):  # a space left the registry: compute again
        spaces = [_SPACES[key] for key in compute()]
    return spaces


def registered() -> list[Space]:
    return list(_SPACES.values())


def spaces_for(user) -> list[Space]:
    """The spaces ``user`` may open, home first (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = user.__dict__.get("_portal_spaces")
    if cached is None:
        cached = _cached_spaces(user)
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


def connect_account_signals() -> None:
    """An account's own changes (activity, super user, groups, permissions) drop
    its cached spaces; a group's permissions drop everyone's."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()

    def user_saved(sender, instance, update_fields=None, **kwargs):
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            return
        forget(instance.pk)

    def memberships_changed(sender, instance, reverse=False, pk_set=None, **kwargs):
        if not kwargs.get("action", "").startswith("post_"):
            return
        if isinstance(instance, user_model):
            forget(instance.pk)
        else:  # a group's members or permissions changed
            forget()

    post_save.connect(user_saved, sender=user_model, dispatch_uid="spaces.user_saved", weak=False)
    post_delete.connect(
        lambda sender, instance, **kw: forget(instance.pk),
        sender=user_model,
        dispatch_uid="spaces.user_deleted",
        weak=False,
    )
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            memberships_changed, sender=through, dispatch_uid=f"spaces.{through}", weak=False
        )
