"""Fixtures shared by the whole suite.

Browser tests use Debian's Chromium driven by Playwright against
pytest-django's ``live_server``; one browser serves the whole session.
Playwright's sync API runs an event loop in the test thread, so Django's
async-safety check is lifted for those tests.
"""

import contextlib
import gc
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.backends.signals import connection_created

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BROWSER_FIXTURES = {"browser", "page", "browser_page"}
# Contexts ask for reduced motion (as a user may): Bootstrap's collapses and fades
# end at once instead of the tests waiting out their transitions. A test that
# checks an animation (the banner's scrolling and its pause button) is marked
# ``motion``, or passes ``reduced_motion="no-preference"`` to its own context.
CONTEXT_DEFAULTS = {"reduced_motion": "reduce"}


class _Browser:
    """The session's browser; its contexts start with ``CONTEXT_DEFAULTS``."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(**{**CONTEXT_DEFAULTS, **options})

    def __getattr__(self, name):
        return getattr(self._browser, name)


def _fast_commits(sender, connection, **kwargs):
    """A test database need not survive a crash: on PostgreSQL, commits (the
    migrations, the flush after each transactional test) do not wait for the disk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


connection_created.connect(_fast_commits, dispatch_uid="tests-fast-commits")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    # The tests marked ``long`` first. pytest-django's own (tryfirst) sort runs
    # after this one (a conftest's hook comes before a plugin's of the same rank)
    # and is stable: database tests, transactional tests, then the rest, the long
    # ones first within each. The workers take them early and end together,
    # instead of one running the crawl alone for two minutes at the end.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """On SQLite, the test database is a copy of one migrated database
    (``tests/sqlite_template.py``) instead of each worker's own ``migrate``."""
    from django.db import connection

    if connection.vendor == "sqlite":
        from . import sqlite_template

        sqlite_template.copy_instead_of_migrate(sqlite_template.template())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's set-up; ``migrate`` is itself again for the tests that call it."""
    from . import sqlite_template

    sqlite_template.restore_migrate()


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
    """The worker's media folder exists from the start, as a deployed host's would."""
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    with contextlib.suppress(OSError):  # the run's folder, once its last worker is done
        Path(settings.MEDIA_ROOT).parent.rmdir()


@pytest.fixture
def home(db):
    """A HomePage under the Wagtail root, served by the default Site."""
    from wagtail.models import Site

    from home.demo import ensure_root
    from home.factories import HomePageFactory

    page = HomePageFactory(parent=ensure_root())
    page.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": page, "site_name": "EH"},
    )
    return page


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker):
    """The demo content in snapshot tables: on SQLite copied from the file the
    workers share (loaded once for all), on PostgreSQL loaded once per worker."""
    from .demo_snapshot import load

    with django_db_blocker.unblock():
        return load()


@pytest.fixture
def demo_content(_demo_snapshot):
    """The database holds the demo content (``load_demo_content``), copied back
    from the session's snapshot: rolled back after a ``db`` test, flushed after
    a transactional one. Needs the test's database access (marker or fixture)."""
    from .demo_snapshot import DEMO, restore

    restore(DEMO, _demo_snapshot)
    _clear()


class _OneRequestAtATime:
    """A WSGI application that lets one request in at a time, until its response
    has been sent (``close()``). A test's tear-down (the flush) holds the same lock
    (``pytest_runtest_teardown``), and a request left over from a test that has
    ended (the beacon a page sends as its context closes) is refused: it neither
    meets the flush nor writes into the next test's database."""

    serving = None  # the instance of the session's live server, on SQLite

    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()
        self.test = 0  # counts the tests torn down
        _OneRequestAtATime.serving = self

    def __call__(self, environ, start_response):
        test = self.test
        self.lock.acquire()
        if test != self.test:
            self.lock.release()
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"test over"]
        try:
            return _Released(self.application(environ, start_response), self.lock)
        except BaseException:
            self.lock.release()
            raise

    @contextlib.contextmanager
    def tear_down(self):
        with self.lock:
            try:
                yield
            finally:
                self.test += 1


class _Released:
    def __init__(self, result, lock):
        self.result, self.lock = result, lock

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            if self.lock is not None:
                self.lock, lock = None, self.lock
                lock.release()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    serving = _OneRequestAtATime.serving
    if serving is None or "live_server" not in getattr(item, "fixturenames", ()):
        return (yield)
    with serving.tear_down():
        return (yield)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server. On SQLite the test database is in memory and
    the server's threads share its one connection: there, the requests (static
    files aside) are served one at a time, and none during a test's tear-down.
    Two at once (a page and the beacon of the page the browser left) broke each
    other's statements ("bad parameter or other API misuse")."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        static_handler = server.thread.static_handler
        server.thread.static_handler = lambda app: static_handler(_OneRequestAtATime(app))
    server.start()
    yield server
    server.stop()


FLUSH_RETRIES = 5


def _flush_again_while_locked(fixture_teardown):
    """On SQLite, the flush after a transactional test met a table still locked,
    twice in about ten runs of the browser tests with both cores loaded: "database
    table is locked: bourse_landlord", a shared-cache lock, so another connection
    to the in-memory database was still reading; which one was not found (the
    live server's requests are not it: none runs during a tear-down). The flush
    rolls back whole: collect the garbage (a connection nothing refers to any
    more closes), wait a little and flush again, five times at most."""

    def teardown(self):
        from django.core.management import CommandError
        from django.db import OperationalError

        for retries_left in range(FLUSH_RETRIES, -1, -1):
            try:
                return fixture_teardown(self)
            except CommandError as error:
                cause = error.__cause__
                locked = isinstance(cause, OperationalError) and "locked" in str(cause)
                if not (locked and retries_left):
                    raise
                gc.collect()
                time.sleep(0.2)

    return teardown


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    from django.test import TransactionTestCase

    TransactionTestCase._fixture_teardown = _flush_again_while_locked(
        TransactionTestCase._fixture_teardown
    )


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield _Browser(browser)
        browser.close()


@pytest.fixture
def page(request, browser, live_server):
    moves = request.node.get_closest_marker("motion") is not None
    motion = {"reduced_motion": "no-preference"} if moves else {}
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", accept_downloads=True, **motion
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def browser_page(page):
    return page
