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
# The last-seen time is written at most this often (not on every request).
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
    """Signs out a staff or partner session left idle longer than its limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            session = request.session
            limit = session.get(IDLE_LIMIT_KEY)
            if limit:
                now = int(time.time())
                seen = session.get(LAST_SEEN_KEY, now)
                if now - seen > limit:
                    logout(request)
                    messages.info(
                        request,
                        _("Votre session a expiré après une longue inactivité : reconnectez-vous."),
                    )
                elif now - seen >= LAST_SEEN_RESOLUTION:
                    session[LAST_SEEN_KEY] = now
        return self.get_response(request)
