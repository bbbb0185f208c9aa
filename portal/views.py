from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"


def bench_endpoint(view):
    """``/_bench/`` views answer only when ``BENCH_ENDPOINTS`` is on (the URLs
    are not even routed otherwise; this is the second lock)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.BENCH_ENDPOINTS:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@bench_endpoint
def hello_world(request):
    """The bench's baseline: the cheapest Django view behind the same stack."""
    return HttpResponse("Bonjour")


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """``/favicon.ico``, asked by every browser whatever the page's ``<link>``."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
