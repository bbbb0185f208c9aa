import shutil

import pytest
from django.conf import settings
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty cache (only this run's keys on Redis)."""
    _clear()
    yield
    _clear()


def _clear():
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _media_root():
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
