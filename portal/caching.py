"""Values kept in the cache while a *version* stays the same.

A version is a random token under its own key; ``bump(version_key)`` changes
it, which makes every value stored under the old token a miss. ``versioned``
reads the version and the value in one round trip (``get_many``): the value
is stored with the token it was computed under. Used by the page cache (the
content version) and by the tenants' rankings (the listings version).
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache


def bump(version_key: str) -> None:
    cache.set(version_key, uuid.uuid4().hex, timeout=None)


def ensure_version(version_key: str) -> str:
    """The current token, created when missing (another process may win the race)."""
    cache.add(version_key, uuid.uuid4().hex, timeout=None)
    return cache.get(version_key)


def versioned(version_key: str, key: str, compute: Callable[[], object], timeout: int):
    """``compute()``, kept under ``key`` for ``timeout`` seconds or until the version changes."""
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if entry is not None and version is not None and entry[0] == version:
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
