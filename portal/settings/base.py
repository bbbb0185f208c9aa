"""Settings shared by every environment.

Everything that differs between machines comes from environment variables
(see the table in README.md); the defaults suit development.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from portal.csp import tile_source

from .env import env_bool, env_int, env_list, env_str
from .media import media_storages_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Project apps first so that their templates override third-party ones.
    "home",
    "news",
    "kit_adherents",
    "bourse",
    "bourse.audit",
    "bourse.contact",
    "bourse.exchanges",
    "bourse.tenants",
    "bourse.conversations",
    "bourse.visits",
    "bourse.chains",
    "bourse.stats",
    "bourse.partners",
    "bourse.privacy",
    "search",
    "portal",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Forms
    "crispy_forms",
    "crispy_bootstrap5",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    # First: a page-cache hit for an anonymous visitor skips the rest of the stack
    # (it replays the headers that stack wrote when the page was stored).
    "portal.pagecache.AnonymousPageCacheMiddleware",
    # Each version of portal.caching read at most once per request.
    "portal.caching.RequestVersionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.csp.AdminContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.sessions.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# Database: SQLite file by default, PostgreSQL (psycopg 3) in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# SQLite ignores the covering columns (include=) of the search indexes: intended.
SILENCED_SYSTEM_CHECKS = [] if IS_POSTGRES else ["models.W040"]

# Cache and Celery: on Redis when REDIS_URL is set, in memory / eager otherwise.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "eh")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env_str("REDIS_CACHE_URL", REDIS_URL),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # A Redis outage degrades the cache to a miss, never to an error page.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 1}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Paris"
OUTBOX_WAITING_SECONDS = env_int("OUTBOX_WAITING_SECONDS", 20)
CELERY_BEAT_SCHEDULE: dict = {
    "resend-pending-emails": {
        "task": "portal.tasks.resend_pending_emails",
        "schedule": 600.0,
    },
    # After a broker outage, the mails and SMS stored meanwhile (never tried, older than
    # OUTBOX_WAITING_SECONDS) leave within a minute of its return (portal.outbox.send_waiting).
    "outbox-send-waiting-emails": {"task": "portal.tasks.send_waiting_emails", "schedule": 30.0},
    "outbox-send-waiting-sms": {"task": "bourse.tenants.tasks.send_waiting_sms", "schedule": 30.0},
    "sync-patrimoine-inboxes": {
        "task": "bourse.tasks.sync_patrimoine_inboxes",
        "schedule": 900.0,
    },
}

# Full-page cache for anonymous visitors of public Wagtail pages (seconds).
# Production without a shared (Redis) cache disables it: each process would
# keep its own copy and miss the invalidations made by the others.
PAGE_CACHE_SECONDS = env_int(
    "PAGE_CACHE_SECONDS",
    0 if env_str("DJANGO_ENV") == "production" and not REDIS_URL else 300,
)
# Values kept in each process while the content version stays the same
# (``portal.caching.memoized``: the request's site, the map of private pages, the
# home page's key figures and latest news), at most this long. Off in production
# without Redis, for the same reason as the page cache.
PROCESS_MEMO_SECONDS = env_int(
    "PROCESS_MEMO_SECONDS",
    0 if env_str("DJANGO_ENV") == "production" and not REDIS_URL else 300,
)
# Signed-in pages kept per session (``portal.usercache``: the tenant's dashboard
# and search) until any write to the database commits, at most this long
# (seconds; 0 turns it off). A hit skips the rights check, which only the data
# version stands for: off without Redis, in every environment, since a write made
# by another process (a command, a worker, another server) would not reach the
# copy of this one — an account deactivated there would still see its pages here.
USER_PAGE_CACHE_SECONDS = env_int("USER_PAGE_CACHE_SECONDS", 60 if REDIS_URL else 0)
# Tables whose writes do not change a cached signed-in page (no such page shows them).
USER_PAGE_CACHE_IGNORED_TABLES = ("django_session", "audit_accesslogentry")
# Paths never looked up in the page cache (no cacheable page lives there; other
# paths whose view does not opt in are remembered per process for a while).
PAGE_CACHE_SKIP_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/media/",
    "/static/",
    "/bourse/espace-",
    "/dossiers/",
    "/connexion/",
    "/contact/",
    "/_bench/",
    "/sante/",  # health probes (portal/health.py): never cached, never looked up
)

# Patrimoine files (bourse): upload limits and the drop-folder sync.
PATRIMOINE_MAX_UPLOAD_BYTES = env_int("PATRIMOINE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
PATRIMOINE_MAX_UNCOMPRESSED_BYTES = env_int("PATRIMOINE_MAX_UNCOMPRESSED_BYTES", 400 * 1024 * 1024)
PATRIMOINE_INBOX_ROOT = env_str("PATRIMOINE_INBOX_ROOT", str(BASE_DIR / "var" / "patrimoine-inbox"))
# A full snapshot that would make more than this share (%) of the landlord's dwellings
# absent or ineligible is applied only once confirmed (refused from the drop folder).
PATRIMOINE_SNAPSHOT_GUARD_PERCENT = env_int("PATRIMOINE_SNAPSHOT_GUARD_PERCENT", 20)
# A running import without progress for this long is marked failed (beat job).
PATRIMOINE_STALE_IMPORT_MINUTES = env_int("PATRIMOINE_STALE_IMPORT_MINUTES", 15)
CELERY_BEAT_SCHEDULE["patrimoine-stale-imports"] = {
    "task": "bourse.tasks.fail_stale_patrimoine_imports",
    "schedule": 300.0,
}

# Contact form (bourse/contact/): the support team's inbox and sender (never
# shown to tenants), the software editor for escalations, submissions per IP.
CONTACT_SUPPORT_INBOX_EMAIL = env_str(
    "CONTACT_SUPPORT_INBOX_EMAIL", "support@echangerhabiter.example"
)
CONTACT_SUPPORT_FROM_EMAIL = env_str(
    "CONTACT_SUPPORT_FROM_EMAIL", "Echanger Habiter <support@echangerhabiter.example>"
)
CONTACT_EDITOR_EMAIL = env_str("CONTACT_EDITOR_EMAIL", "support-editeur@editeur.example")
CONTACT_RATE_LIMIT = env_str("CONTACT_RATE_LIMIT", "5/h")

# Tenants (bourse/tenants/): map tiles, photo limits, moderation sample, daily jobs.
TENANT_MAP_TILES_URL = env_str(
    "TENANT_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
TENANT_MAP_ATTRIBUTION = env_str("TENANT_MAP_ATTRIBUTION", "© contributeurs d’OpenStreetMap")
TENANT_PHOTO_MAX_BYTES = env_int("TENANT_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
TENANT_MODERATION_SAMPLE_RATE = float(env_str("TENANT_MODERATION_SAMPLE_RATE", "0.30"))
PAGE_CACHE_SKIP_PREFIXES += ("/locataire/",)
# A tenant's search ranking and "who wants my home" counts are kept this long at most
# (any listing change drops them at once: bourse.tenants.matching.listings_changed).
TENANT_RANKING_CACHE_SECONDS = env_int("TENANT_RANKING_CACHE_SECONDS", 120)
CELERY_BEAT_SCHEDULE["tenants-daily-account-jobs"] = {
    "task": "bourse.tenants.tasks.daily_account_jobs",
    "schedule": crontab(hour=3, minute=30),
}
# Conversations between households (bourse/conversations/): at most one new-message
# notice per conversation per CONVERSATION_NOTICE_HOURS while unread; messages per
# sender (django-ratelimit); kept RETENTION_CONVERSATION_MONTHS after the request ended
# or the file closed, then blanked by the daily retention job (bourse.privacy.retention).
CONVERSATION_NOTICE_HOURS = float(env_str("CONVERSATION_NOTICE_HOURS", "3"))
CONVERSATION_MESSAGE_RATE = env_str("CONVERSATION_MESSAGE_RATE", "20/10m")
RETENTION_CONVERSATION_MONTHS = env_int("RETENTION_CONVERSATION_MONTHS", 12)
# Alerts by SMS (bourse/tenants/sms.py): console by default; a provider's HTTP API with
# SMS_BACKEND=bourse.tenants.sms.HttpBackend and the three SMS_HTTP_* / SMS_SENDER values.
SMS_BACKEND = env_str("SMS_BACKEND", "bourse.tenants.sms.ConsoleBackend")
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
SMS_SENDER = env_str("SMS_SENDER", "EchHabiter")
CELERY_BEAT_SCHEDULE["tenants-resend-pending-sms"] = {
    "task": "bourse.tenants.tasks.resend_pending_sms",
    "schedule": 600.0,
}
# Exchange files (bourse/exchanges/): inactivity closures, then the alerts' reminders.
# A file before the CAL decisions closes when a tenant has not signed in for this long.
EXCHANGE_TENANT_INACTIVITY_DAYS = env_int("EXCHANGE_TENANT_INACTIVITY_DAYS", 90)
CELERY_BEAT_SCHEDULE["exchanges-daily-jobs"] = {
    "task": "bourse.exchanges.tasks.daily_exchange_jobs",
    "schedule": crontab(hour=6, minute=15),
}
# Retention of personal data (bourse/privacy/retention.py: the one table; README
# "Retention"), applied by one daily job. Durations in months (files: years).
RETENTION_DEACTIVATED_TENANT_MONTHS = env_int("RETENTION_DEACTIVATED_TENANT_MONTHS", 24)
RETENTION_CLOSED_FILE_YEARS = env_int("RETENTION_CLOSED_FILE_YEARS", 5)
RETENTION_CONTACT_MESSAGE_MONTHS = env_int("RETENTION_CONTACT_MESSAGE_MONTHS", 12)
RETENTION_PATRIMOINE_IMPORT_MONTHS = env_int("RETENTION_PATRIMOINE_IMPORT_MONTHS", 6)
RETENTION_OUTBOX_MONTHS = env_int("RETENTION_OUTBOX_MONTHS", 3)
RETENTION_ACCESS_LOG_MONTHS = env_int("RETENTION_ACCESS_LOG_MONTHS", 12)
CELERY_BEAT_SCHEDULE["privacy-purge-personal-data"] = {
    "task": "bourse.privacy.tasks.purge_personal_data",
    "schedule": crontab(hour=4, minute=10),
}
# Visits (bourse/visits/): the reminders of tomorrow's visits, every hour (never twice).
CELERY_BEAT_SCHEDULE["visits-send-reminders"] = {
    "task": "bourse.visits.tasks.send_visit_reminders",
    "schedule": crontab(minute=5),
}
# Exchange chains (bourse/chains/): nightly search, and a run soon after a listing changes.
CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING = env_int("CHAINS_MAX_OPEN_PROPOSALS_PER_LISTING", 2)
CHAINS_MAX_LENGTH = env_int("CHAINS_MAX_LENGTH", 5)
CHAINS_BEAM_LONG = env_int("CHAINS_BEAM_LONG", 4)
CHAINS_CANDIDATES_PER_LISTING = env_int("CHAINS_CANDIDATES_PER_LISTING", 8)
CHAINS_ON_CHANGE_DELAY = env_int("CHAINS_ON_CHANGE_DELAY", 120)
CHAINS_SEARCH_ON_CHANGE = env_bool("CHAINS_SEARCH_ON_CHANGE", True)
CELERY_BEAT_SCHEDULE["chains-find"] = {
    "task": "bourse.chains.tasks.find_chains",
    "schedule": crontab(hour=4, minute=10),
}
# Statistics (bourse/stats/): every night, all months recomputed.
CELERY_BEAT_SCHEDULE["stats-nightly-recompute"] = {
    "task": "bourse.stats.tasks.recompute_statistics_task",
    "schedule": crontab(hour=2, minute=30),
}

# Authentication
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One sign-in page for every account (portal/accounts/); the former doors
# (/admin/login/, /locataire/connexion/, the staff area's) redirect to it.
LOGIN_URL = "/connexion/"
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# Brute-force limits of the sign-in page, per username and per client address,
# on the shared cache (the address is REMOTE_ADDR or RATELIMIT_IP_META_KEY).
SIGN_IN_RATE_PER_USERNAME = env_str("SIGN_IN_RATE_PER_USERNAME", "10/5m")
SIGN_IN_RATE_PER_IP = env_str("SIGN_IN_RATE_PER_IP", "30/5m")
PASSWORD_RESET_RATE_PER_IP = env_str("PASSWORD_RESET_RATE_PER_IP", "10/h")
# Sessions read from the cache, written through to the database: a signed-in page
# costs no session query, and a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Staff, partner and editor sessions end at browser close and after a working
# day without activity; tenants may tick "Se souvenir de moi" (14 days).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 8 * 3600)
REMEMBER_ME_SECONDS = env_int("REMEMBER_ME_SECONDS", 14 * 24 * 3600)

# Internationalisation: French site and admin, Paris time.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files (served by WhiteNoise, no CDN) and media.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads on the local disk, or in an S3-compatible bucket with MEDIA_STORAGE=s3
# (portal/settings/media.py: "default" for Wagtail's files, "private" for the rest).
STORAGES = {
    **media_storages_from_env(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o640

# Mail: console by default; SMTP or an Anymail backend in production
# (Django 6.1 "MAILERS"; OPTIONS only for SMTP).
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("DJANGO_ENV") == "production"
    else "django.core.mail.backends.console.EmailBackend",
)
_MAIL_OPTIONS: dict = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Echanger Habiter <nepasrepondre@echangerhabiter.example>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Hardening: the site's absolute URL, the Content-Security-Policy, the bench's endpoints.
# SITE_URL makes every absolute link (mails, RSS feed, Wagtail's WAGTAILADMIN_BASE_URL
# and default Site, kept in step by a post_migrate hook): https in production.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Content-Security-Policy (Django's middleware, portal/csp.py): the site's own scripts
# and styles only, images from the site, data: and the map's tile host.
CSP_MAP_TILES_HOSTS = env_list(
    "CSP_MAP_TILES_HOSTS", [source for source in [tile_source(TENANT_MAP_TILES_URL)] if source]
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *CSP_MAP_TILES_HOSTS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Wagtail's admin writes style attributes and a few inline scripts (date widgets, inline
# panels): there, and only there, both may be inline, images may be blob: (upload
# previews) and the admin frames its own previews.
CSP_ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
SECURE_CSP_ADMIN = SECURE_CSP | {
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [*SECURE_CSP["img-src"], "blob:"],
    "frame-ancestors": [CSP.SELF],
}
TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
# /_bench/ (bench/run.py): only when BENCH_ENDPOINTS is on; production refuses it
# (the bench's servers use portal.settings.bench).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# Wagtail
WAGTAIL_SITE_NAME = "Echanger Habiter"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = [
    *("pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "pptx", "csv", "mp4", "zip"),
]
WAGTAILEMBEDS_FINDERS: list = []  # no call to third-party oEmbed services
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL: French stemming after unaccent (portal/migrations/0002_unaccent);
        # SQLite's FTS5 ignores it (its tokenizer removes diacritics).
        "SEARCH_CONFIG": "french_unaccent",
    }
}
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"  # noqa: S105
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}

# Member area ("kit adhérents", kit_adherents/): private documents with versions,
# shared-password brute-force limit (django-ratelimit, on the shared cache).
WAGTAILDOCS_DOCUMENT_MODEL = "kit_adherents.KitDocument"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "kit_adherents.forms.KitDocumentForm"
KIT_PASSWORD_RATE = "10/10m"  # noqa: S105 — wrong passwords per IP address, not a secret
KIT_UPDATED_BADGE_DAYS = 90  # "mis à jour" badge
KIT_MEMBER_GROUP = "Membres"
# Behind a reverse proxy, the request header holding the client's address for
# the password limit (e.g. "HTTP_X_REAL_IP", set by the proxy); empty: REMOTE_ADDR.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "") or None

# GIE editors (home/editors.py). The admin calls no other host: no Gravatar
# (editors' e-mail hashes would leave the site), no release check, no "what's
# new" banner. Largest uploads (bytes; Wagtail's French message beyond), and
# scheduled publication and expiry of pages by Celery beat every minute.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 100 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
CELERY_BEAT_SCHEDULE["wagtail-publish-scheduled"] = {
    "task": "home.tasks.publish_scheduled_pages",
    "schedule": 60.0,
}

# An outage of Redis or of the broker is logged once a minute per process and message
# (portal/logfilters.py), not as a stack trace per request.
_ONCE_A_MINUTE = ["once_a_minute"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "portal.logfilters.OncePerInterval", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        name: {"filters": _ONCE_A_MINUTE}
        for name in ("django_redis.cache", "portal.outbox", "portal.health")
    },
}
# The brute-force limits (sign-in, kit password, contact form) count in the cache: while
# Redis is down they let requests through rather than refuse every sign-in.
RATELIMIT_FAIL_OPEN = True
