"""Test settings: fast hashers, locmem mail; PostgreSQL and Redis when
``DATABASE_URL`` / ``REDIS_URL`` are set, SQLite and eager Celery otherwise."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process in tests; tests that exercise the real broker start a worker.
CELERY_TASK_ALWAYS_EAGER = True
# One folder per pytest-xdist worker: a worker's clean-up never removes another's files.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/eh-test-media")) / os.environ.get(  # noqa: S108
    "PYTEST_XDIST_WORKER", "main"
)
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"eh-test-{os.getpid()}"
