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
# One folder per test run and pytest-xdist worker: a worker's clean-up never removes
# the files of another worker, nor of another run on the same machine (a second
# checkout's suite once emptied the CI's folder in the middle of its demo load).
# The run's name is kept in the environment, so that the processes a test starts
# (a Celery worker, web servers) share the folder of the test that started them.
_RUN = os.environ.setdefault(
    "EH_TEST_RUN", os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:16] or f"pid{os.getpid()}"
)
MEDIA_ROOT = (
    Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/eh-test-media"))  # noqa: S108
    / _RUN
    / os.environ.get("PYTEST_XDIST_WORKER", "main")
)
# The per-session cache on, Redis or not: the tests' writes and requests share one
# process (the live server is a thread), so the per-process cache sees every write.
USER_PAGE_CACHE_SECONDS = 60
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"eh-test-{os.getpid()}"
