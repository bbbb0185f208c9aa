"""Production settings: secrets are required, HTTPS is assumed behind a proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS is required.")

# Every absolute link (mails, feed, Wagtail) is built from SITE_URL: required, and https.
SITE_URL = env_str("SITE_URL", required=True).rstrip("/")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(f"SITE_URL must be an https:// URL in production ({SITE_URL}).")
WAGTAILADMIN_BASE_URL = SITE_URL
# The bench's endpoints never exist in production (bench/run.py serves with
# portal.settings.bench, which turns them on after these lines).
if env_bool("BENCH_ENDPOINTS", False):
    raise ImproperlyConfigured("BENCH_ENDPOINTS must not be set in production.")
BENCH_ENDPOINTS = False

STORAGES = {
    **STORAGES,  # noqa: F405  (the uploads' storages: portal/settings/media.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A balancer may probe a web host in plain HTTP (portal/health.py).
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Nothing of the site is framed; Wagtail's preview panel sets SAMEORIGIN itself
# (xframe_options_sameorigin_override on its preview views).
X_FRAME_OPTIONS = "DENY"
# Submitting the domain to the HSTS preload list is a deliberate decision of its
# owner (SECURE_HSTS_PRELOAD=true); until then the deploy check stays quiet.
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,  # noqa: F405  (the base settings' list)
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
