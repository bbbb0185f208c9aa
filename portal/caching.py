"""Values kept in the cache while a *version* stays the same.

A version is a random token under its own key; ``bump(version_key)`` changes
it, which makes every value stored under the old token a miss. ``versioned``
reads the version and the value in one round trip (``get_many``): the value
is stored with the token it was computed under. Used by the page cache (the
content version) and by the tenants' rankings (the listings version).

``memoized`` keeps a value in the process itself (no round trip, no
unpickling) while the version stays the same; the version is read once per
request (``RequestVersionsMiddleware``) and on every call outside a request.
"""

import threading
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache


def bump(version_key: str) -> None:
    token = uuid.uuid4().hex
    cache.set(version_key, token, timeout=None)
    seen = _request_versions.get()
    if seen is not None:  # a request that changes the content then reads it sees the change
        seen[version_key] = token


def ensure_version(version_key: str) -> str:
    """The current token, created when missing (another process may win the race)."""
    cache.add(version_key, uuid.uuid4().hex, timeout=None)
    return cache.get(version_key)


def read(version_key: str, key: str) -> tuple[str | None, object | None]:
    """``(current version, entry)`` in one round trip; the entry (a tuple whose
    first item is the version it was stored under) is None when missing or stale."""
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if entry is None or version is None or entry[0] != version:
        entry = None
    return version, entry


def versioned(version_key: str, key: str, compute: Callable[[], object], timeout: int):
    """``compute()``, kept under ``key`` for ``timeout`` seconds or until the version changes."""
    version, entry = read(version_key, key)
    if entry is not None:
        return entry[1]
    value = compute()
    cache.set(key, (version or ensure_version(version_key), value), timeout)
    return value


def versioned_many(version_key: str, keys: list[str], compute_missing, timeout: int) -> dict:
    """``versioned`` for several values read in one round trip: each key's value
    kept while the version stays the same; the missing ones computed together by
    ``compute_missing(missing_keys) -> {key: value}`` and stored with one ``set_many``."""
    found = cache.get_many([version_key, *keys])
    version = found.get(version_key)
    values, missing = {}, []
    for key in keys:
        entry = found.get(key)
        if entry is not None and version is not None and entry[0] == version:
            values[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        computed = compute_missing(missing)
        version = version or ensure_version(version_key)
        cache.set_many({key: (version, value) for key, value in computed.items()}, timeout)
        values.update(computed)
    return values


# --- Values kept in the process --------------------------------------------------

# The versions read during the current request ({version key: token}); None
# outside a request, where every call reads the cache.
_request_versions: ContextVar[dict | None] = ContextVar("request_versions", default=None)
_memo: dict[str, tuple[str, float, object]] = {}
_memo_lock = threading.Lock()


class RequestVersionsMiddleware:
    """Reads each version at most once per request (see ``current_version``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_versions.set({})
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)


def current_version(version_key: str) -> str | None:
    """The version's token, read from the cache once per request (None when the
    cache cannot be reached)."""
    seen = _request_versions.get()
    if seen is not None and version_key in seen:
        return seen[version_key]
    version = cache.get(version_key) or ensure_version(version_key)
    if seen is not None:
        seen[version_key] = version
    return version


def memoized(version_key: str, key: str, compute: Callable[[], object]):
    """``compute()``, kept in this process while the version stays the same, and
    at most ``settings.PROCESS_MEMO_SECONDS``. Off (``compute()`` every time)
    when that setting is 0: a cache that processes do not share (local memory
    in production) would not tell one process of another's change. The value
    is shared by the requests of the process: callers only read it."""
    lifetime = settings.PROCESS_MEMO_SECONDS
    if lifetime <= 0:
        return compute()
    version = current_version(version_key)
    if version is None:  # the cache cannot be reached: nothing to check a value against
        return compute()
    entry = _memo.get(key)
    now = time.monotonic()
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]
    value = compute()
    with _memo_lock:
        _memo[key] = (version, now + lifetime, value)
    return value
