"""Health endpoints for load balancers and orchestrators.

- ``/sante/`` — alive: the process answers (200 ``ok``); touches nothing, not the
  database, not the cache.
- ``/sante/pret/`` — ready: the database, the cache and the media storage answer
  (200, one ``ok`` line per dependency); otherwise 503 naming the dependency
  that failed, nothing more. The failure's details go to the log (rate-limited:
  ``portal.logfilters``), never into the answer: no version, no host name, no stack.

Both are never cached (``Cache-Control: no-store``; the page cache skips ``/sante/``)
and accept GET and HEAD only. Behind HTTPS redirection they are exempt
(``SECURE_REDIRECT_EXEMPT``) so that a balancer may probe a web host in plain HTTP;
the probe must send the site's host name (``ALLOWED_HOSTS``).
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from . import storage
from .http import never_cache_response

logger = logging.getLogger(__name__)
CACHE_KEY = "health:ready"


def _text(body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    never_cache_response(response)
    response["Cache-Control"] = "no-store"
    return response


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    """A value written and read back: the Redis cache swallows its errors (a miss),
    so only the round trip tells that it is there."""
    token = secrets.token_hex(8)
    cache.set(CACHE_KEY, token, 30)
    if cache.get(CACHE_KEY) != token:
        raise RuntimeError("the value written was not read back")


CHECKS = (
    ("database", check_database),
    ("cache", check_cache),
    ("storage", storage.check_reachable),
)


@require_safe
def alive(request):
    return _text("ok\n")


@require_safe
def ready(request):
    lines, failed = [], False
    for name, check in CHECKS:
        try:
            check()
        except Exception as error:  # any failure of a dependency: 503, details logged
            failed = True
            lines.append(f"{name}: indisponible")
            logger.warning("Readiness: %s unavailable (%s)", name, type(error).__name__)
        else:
            lines.append(f"{name}: ok")
    response = _text("\n".join(lines) + "\n", status=503 if failed else 200)
    response._has_been_logged = True  # logged above, once a minute; not by django.request
    return response
