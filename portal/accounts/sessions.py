"""How long a session lives.

* Staff and partner accounts (every account whose home space has
  ``session_kind == "staff"``): until the browser closes, and ended after
  ``STAFF_SESSION_IDLE_SECONDS`` (a working day) without a request.
* Tenants: until the browser closes, or ``REMEMBER_ME_SECONDS`` (14 days)
  when they tick "Se souvenir de moi".
* Changing one's password ends one's other sessions (Django keeps a hash of
  the password in each session; the password views keep the current one).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from portal.spaces import session_kind

IDLE_LIMIT_KEY = "portal_idle_limit"
LAST_SEEN_KEY = "portal_last_seen"
LAST_SEEN_COOKIE = "eh_seen"
# The last-seen time is renewed at most this often (not on every request).
LAST_SEEN_RESOLUTION = 60


def start_session(request, user, *, remember: bool) -> None:
    """Set the new session's lifetime after ``login()``."""
    if session_kind(user) == "staff":
        request.session.set_expiry(0)
        request.session[IDLE_LIMIT_KEY] = settings.STAFF_SESSION_IDLE_SECONDS
        request.session[LAST_SEEN_KEY] = int(time.time())
    else:
        request.session.set_expiry(settings.REMEMBER_ME_SECONDS if remember else 0)


class IdleSessionMiddleware:
    """Signs out a staff or partner session left idle longer than its limit.

    The session holds the limit and the sign-in time; later activity is
    recorded in a signed cookie (``LAST_SEEN_COOKIE``, bound to the session
    key), renewed at most every ``LAST_SEEN_RESOLUTION`` seconds, so that a
    GET never writes to the database. A forged or replayed cookie can only
    make the session end sooner: its signature ties it to this session, and
    the newest of the session's and the cookie's times counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        renew_at = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session = request.session
            limit = session.get(IDLE_LIMIT_KEY)
            if limit:
                now = int(time.time())
                seen = max(session.get(LAST_SEEN_KEY, now), _cookie_seen(request))
                if now - seen > limit:
                    logout(request)
                    messages.info(
                        request,
                        _("Votre session a expiré après une longue inactivité : reconnectez-vous."),
                    )
                elif now - seen >= LAST_SEEN_RESOLUTION:
                    renew_at = now
        response = self.get_response(request)
        if renew_at is not None and request.session.session_key:
            response.set_signed_cookie(
                LAST_SEEN_COOKIE,
                str(renew_at),
                salt=_cookie_salt(request),
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


def _cookie_salt(request) -> str:
    return f"portal.idle:{request.session.session_key}"


def _cookie_seen(request) -> int:
    value = request.get_signed_cookie(LAST_SEEN_COOKIE, default="0", salt=_cookie_salt(request))
    return int(value) if value.isdigit() else 0
