from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from kit_adherents import media
from search import views as search_views

from . import health, views
from .accounts.views import OldSignInRedirect

urlpatterns = [
    # One sign-in page for every account; the admins' doors redirect to it.
    path("", include("portal.accounts.urls")),
    path("admin/login/", OldSignInRedirect.as_view()),
    path("django-admin/login/", OldSignInRedirect.as_view()),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    # Member area: rate-limited password forms, private documents and versions
    # (same paths as Wagtail's, so they must come before them).
    path("", include("kit_adherents.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("recherche/", search_views.search, name="search"),
    path("bourse/", include("bourse.stats.urls")),  # before bourse.urls: /bourse/statistiques/
    path("bourse/", include("bourse.partners.urls")),  # before bourse.urls: partner space
    path("", include("bourse.privacy.urls")),  # access log, tenants' own data
    path("bourse/", include("bourse.urls")),
    path("contact/", include("bourse.contact.urls")),
    path("dossiers/", include("bourse.exchanges.urls")),
    path("", include("bourse.chains.urls")),
    path("", include("bourse.visits.urls")),
    path("", include("bourse.conversations.urls")),
    path("", include("bourse.tenants.urls")),
    path("favicon.ico", views.favicon, name="favicon"),
    # Load balancers' probes (portal/health.py): alive, and ready to serve.
    path("sante/", health.alive, name="health_alive"),
    path("sante/pret/", health.ready, name="health_ready"),
]

if settings.BENCH_ENDPOINTS:  # bench/run.py's servers only (portal.settings.bench)
    urlpatterns += [path("_bench/", include("portal.bench_urls"))]

# Uploaded images, in production too (the kit's private images to members only;
# the web server must not serve MEDIA_ROOT itself): see kit_adherents/media.py.
urlpatterns += [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<str:folder>/<path:path>",
        media.serve_image,
        name="media_image",
    ),
]

# Wagtail's front-end URLs, its page view wrapped by home.views.serve (the
# request's site read from the process memo).
urlpatterns += [
    *(
        pattern
        for pattern in wagtail_urls.urlpatterns
        if getattr(pattern, "name", None) != "wagtail_serve"
    ),
    re_path(wagtail_urls.serve_pattern, home_views.serve, name="wagtail_serve"),
]
