"""The bench's floor: a one-view Django project, no middleware, no app, no database.

Served by gunicorn exactly as the portal (``gunicorn --pythonpath bench
bare_hello:application``), its worker CPU per request is what Django and
gunicorn cost before any of the portal's own work; ``bench/run.py`` (section
``pages``) gives every page's cost as a multiple of it.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-bare-hello-not-secret"),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
    LOGGING_CONFIG=None,
)


def hello(request):
    return HttpResponse("Bonjour")


urlpatterns = [path("_bench/hello/", hello)]

application = get_wsgi_application()
