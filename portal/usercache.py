"""Per-session cache of a signed-in user's busiest pages (``user_page_cached``).

What it holds: the response of a view decorated with ``user_page_cached``
(the tenant's dashboard and search), stored as ``(version, status, headers,
body bytes)``, for one signed-in session: the key is a hash of the session
(its key and data, which name the user and the hash of their password), the
CSRF secret the page's forms were made with, the host, path and query, the
language and the local date.

Rights: the decorator sits *above* the one that checks the user's rights
(``tenant_required``), so a hit reads neither the user nor their account. It
may: a page is stored only when that check let it be made, and the check
reads nothing but the session and the database (the account, its listing,
its dwelling's eligibility). A hit needs the same session, unchanged, and the
same data version as the stored page, so the check would answer the same; the
first request after any write (an account deactivated, a password changed, a
dwelling made ineligible) is made anew and checked.

Invalidation: every entry carries the *data version* it was made under, read
with the entry in one cache round trip (``get_many``). Any write to the
database — whatever the model, through the ORM, ``update()``, bulk writes or
raw SQL, in any process: ``track_writes`` is an execute wrapper on every
connection — bumps that version once its transaction commits, so a change
shows on the next request. Writes to the tables of
``USER_PAGE_CACHE_IGNORED_TABLES`` (sessions, the access log: no cached page
shows them) do not. While the current connection holds writes not yet
committed (inside a transaction, or a test), the cache is neither read nor
written.

Lifetime: ``USER_PAGE_CACHE_SECONDS`` (a minute: what may change with time
alone — a visit's hour passing, a relative date — is at most that old; a new
day is a new key), never beyond the next start or end of a banner message.
Off when the setting is 0.

Never stored: a response other than a 200, a streamed one, one rendered while
messages were waiting or that queued a message, one that changed the session,
or one whose CSRF secret the browser did not have yet.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from . import caching, pagecache

VERSION_KEY = "usercache:data-version"
HEADER = "X-User-Page-Cache"
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SHOW", "EXPLAIN")
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)


def bump_data_version() -> None:
    caching.bump(VERSION_KEY)


def is_tracked_write(sql: str) -> bool:
    """Whether a statement may change what a cached page shows: anything but a
    read or a transaction statement (a ``WITH`` counts when it writes), unless
    it names one of ``USER_PAGE_CACHE_IGNORED_TABLES`` first."""
    head = sql.lstrip()[:12].upper()
    if head.startswith(_READS) or (head.startswith("WITH") and not _WRITE_WORD.search(sql)):
        return False
    if head.startswith("SET ") or head.startswith("PRAGMA"):
        return False
    start = sql[:80]
    return not any(
        f'"{table}"' in start or f"`{table}`" in start
        for table in settings.USER_PAGE_CACHE_IGNORED_TABLES
    )


def _pending(db) -> bool:
    """Whether this connection wrote and has not committed yet."""
    return any(func is bump_data_version for _sids, func, _robust in db.run_on_commit)


def track_writes(execute, sql, params, many, context):
    """Execute wrapper: a write bumps the data version when its transaction commits."""
    result = execute(sql, params, many, context)
    if is_tracked_write(sql):
        db = context["connection"]
        if not db.in_atomic_block and not db.get_autocommit():
            # Manual transaction management, where on_commit() is refused: bump
            # now (a page made before the commit may be kept its lifetime at most).
            bump_data_version()
        elif not db.in_atomic_block or not _pending(db):
            db.on_commit(bump_data_version)  # the connection itself: it may have no alias
    return result


def watch_connection(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: install ``track_writes`` once per connection."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def _messages_waiting(request) -> int:
    storage = getattr(request, "_messages", None)
    return len(storage) if storage is not None else 0


def _key(request, secret: str) -> str:
    session = request.session
    data = sorted((key, repr(value)) for key, value in session.items())
    parts = (
        session.session_key or "",
        repr(data),
        secret,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        timezone.localdate().isoformat(),
    )
    return "userpage:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def user_page_cached(view):
    """Serve a signed-in user's GET from the per-session cache (see the module);
    place it above the decorator that checks the user's rights: that check runs
    for every page the cache stores, and again after any write."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        secret = request.META.get("CSRF_COOKIE")
        if (
            settings.USER_PAGE_CACHE_SECONDS <= 0
            or request.method != "GET"
            or SESSION_KEY not in request.session  # a signed-in session (no user query)
            or not secret
            or _messages_waiting(request)
            or _pending(connection)
        ):
            return view(request, *args, **kwargs)
        key = _key(request, secret)
        version, entry = caching.read(VERSION_KEY, key)  # one round trip
        if entry is not None:
            return pagecache.replay(entry, HEADER)
        # The version the page is made under is read before it is made: a write
        # committed meanwhile makes the stored page a miss.
        version = version or caching.ensure_version(VERSION_KEY)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
            and not request.session.modified
            and not _messages_waiting(request)
            and request.META.get("CSRF_COOKIE") == secret
            and not _pending(connection)
        ):
            timeout = min(settings.USER_PAGE_CACHE_SECONDS, pagecache.banner_change_seconds())
            if timeout >= 1:
                cache.set(key, pagecache.freeze(version, response), int(timeout))
                response[HEADER] = "miss"
        return response

    return wrapped
