"""/sante/ and /sante/pret/: alive without touching anything, ready when the
database, the cache and the media storage answer (503 otherwise), never cached,
revealing nothing."""

import time

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from .conftest import free_port, s3_storages

pytestmark = pytest.mark.django_db

CLOSED_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
    }
}


def _never_cached(response):
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not getattr(response, "portal_cacheable", False)


def _reveals_nothing(response):
    body = response.content.decode()
    for word in ("Django", "Python", "Traceback", "127.0.0.1", "localhost", "redis", "postgres"):
        assert word.lower() not in body.lower()
    assert "Server" not in response or "Python" not in response["Server"]


def test_alive_answers_ok_without_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert len(queries) == 0
    _never_cached(response)
    _reveals_nothing(response)


def test_alive_needs_no_cache(client, settings):
    settings.CACHES = CLOSED_REDIS
    assert client.get("/sante/").status_code == 200


def test_ready_answers_ok_fast(client):
    client.get("/sante/pret/")  # first connection of the test
    started = time.perf_counter()
    response = client.get("/sante/pret/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content
    assert response.content.decode().splitlines() == ["database: ok", "cache: ok", "storage: ok"]
    print(f"\nRESULT readiness {elapsed * 1000:.1f} ms")
    assert elapsed < 0.1
    _never_cached(response)
    _reveals_nothing(response)


def test_ready_on_the_s3_bucket(client, s3_media):
    client.get("/sante/pret/")  # the bucket's client made once per process
    started = time.perf_counter()
    response = client.get("/sante/pret/")
    print(f"\nRESULT readiness with the bucket {(time.perf_counter() - started) * 1000:.1f} ms")
    assert response.status_code == 200
    assert "storage: ok" in response.content.decode()


def test_ready_answers_503_when_the_cache_is_down(client, settings):
    settings.CACHES = CLOSED_REDIS
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert "cache: indisponible" in response.content.decode()
    _never_cached(response)
    _reveals_nothing(response)


def test_ready_answers_503_when_the_storage_is_down(client, settings, s3_server):
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(f"http://127.0.0.1:{free_port()}", "absent"),  # closed port
    }
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert response.content.decode().splitlines() == [
        "database: ok",
        "cache: ok",
        "storage: indisponible",
    ]
    _reveals_nothing(response)


def test_ready_answers_503_when_the_database_is_down(client, monkeypatch):
    from portal import health

    def broken():  # what the driver raises when the server is gone
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "CHECKS", (("database", broken), *health.CHECKS[1:]))
    response = client.get("/sante/pret/")
    assert response.status_code == 503
    assert "database: indisponible" in response.content.decode()


def test_probes_are_get_and_head_only(client):
    assert client.post("/sante/").status_code == 405
    assert client.head("/sante/pret/").status_code == 200


def test_the_page_cache_never_stores_the_probes(client, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    client.get("/sante/pret/")
    client.get("/sante/")
    keys = cache.keys("pagecache:*") if hasattr(cache, "keys") else list(cache._cache)
    assert not [key for key in keys if "pagecache:" in str(key) and "version" not in str(key)]
