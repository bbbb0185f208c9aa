from wagtail import views as wagtail_views

from . import serving


def serve(request, path):
    """Wagtail's page view, the request's site read from the process memo
    (``home.serving``) instead of the database."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = serving.site_for_request(request)
    return wagtail_views.serve(request, path)
