#!/usr/bin/env python
"""Performance figures of the portal (``make bench``); not a test suite.

Each section measures one thing asked by an issue and prints its figures
with PASS/FAIL against the issue's target. Sections share one prepared
environment: a database (a temporary SQLite file, or ``DATABASE_URL`` when
set), the cache (``REDIS_URL`` when set, else per-process memory), migrated,
loaded with the demo content, static files collected, and the site served by
gunicorn with production settings on 127.0.0.1.

    .venv/bin/python bench/run.py                 # every section, quick sizes
    .venv/bin/python bench/run.py --full          # the data sizes the issues quote
    .venv/bin/python bench/run.py --only pages    # one section
    .venv/bin/python bench/run.py --list

The sections run by bench/*.py scripts need PostgreSQL (``DATABASE_URL``,
else the local server); their databases are copies of one migrated template
database (``TemplateDatabase``). By default they generate smaller volumes so
that the whole run takes under ten minutes (bench/scale.py); ``--full`` gives
the volumes the issues quote.

Load generator: ``wrk`` when installed (Debian package ``wrk``), otherwise a
Python one (threads, keep-alive ``http.client``); the output says which.
Both send the same headers (the session cookie of a signed-in page) and
count the requests sent, which the server works on even when the run ends
before their answer: the worker CPU per request divides by that count.

To add a section: write ``def my_section(ctx: Context) -> bool`` and decorate
it with ``@section("name", "what it measures", issue="…")``.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proccpu  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


# --- Sections registry ------------------------------------------------------------


@dataclass
class Section:
    name: str
    title: str
    issue: str
    run: Callable[[Context], bool]


SECTIONS: dict[str, Section] = {}


def section(name: str, title: str, *, issue: str):
    def register(func: Callable[[Context], bool]) -> Callable[[Context], bool]:
        SECTIONS[name] = Section(name, title, issue, func)
        return func

    return register


# --- Load generation --------------------------------------------------------------


@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int = 0
    # Requests sent, answered or not: the server works on every one of them,
    # including those still in flight when the load generator stops.
    sent: int = 0

    def line(self) -> str:
        return (
            f"{self.rps:9.1f} req/s   p50 {self.p50_ms:6.2f} ms   p95 {self.p95_ms:6.2f} ms   "
            f"p99 {self.p99_ms:6.2f} ms   ({self.requests} requests, {self.errors} errors)"
        )


WRK_SCRIPT = """
local threads = {}
sent = 0
setup = function(thread)
  table.insert(threads, thread)
end
request = function()
  sent = sent + 1
  return wrk.format()
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status, total))
end
"""


class Wrk:
    name = "wrk"

    def __init__(self, workdir: Path, threads: int = 2, connections: int = 8):
        self.script = workdir / "report.lua"
        self.script.write_text(WRK_SCRIPT)
        self.threads = threads
        self.connections = connections

    def run(self, url: str, seconds: float, headers: dict[str, str] | None = None) -> LoadResult:
        header_args = [
            arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")
        ]
        out = subprocess.run(
            [
                "wrk",
                f"-t{self.threads}",
                f"-c{self.connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(self.script),
                *header_args,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
        match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
        if not match:
            raise RuntimeError(f"unexpected wrk output:\n{out}")
        requests, duration_us, p50, p95, p99, socket_errors, status_errors, sent = map(
            int, match.groups()
        )
        elapsed = duration_us / 1e6
        return LoadResult(
            tool=self.name,
            requests=requests,
            seconds=elapsed,
            rps=requests / elapsed,
            p50_ms=p50 / 1000,
            p95_ms=p95 / 1000,
            p99_ms=p99 / 1000,
            errors=socket_errors + status_errors,
            sent=max(sent, requests),
        )


class PythonLoad:
    """Closed-loop load: each thread sends a request as soon as the previous
    answer arrived, on a keep-alive connection (reopened when the server
    closes it, as gunicorn's sync workers do)."""

    name = "python (threads + http.client keep-alive)"

    def __init__(self, connections: int = 8):
        self.connections = connections

    def run(self, url: str, seconds: float, headers: dict[str, str] | None = None) -> LoadResult:
        parts = urlsplit(url)
        path = request_target(url)
        headers = headers or {}
        deadline = time.perf_counter() + seconds
        latencies: list[list[float]] = [[] for _ in range(self.connections)]
        errors = [0] * self.connections
        sent = [0] * self.connections

        def worker(index: int) -> None:
            conn = None
            while time.perf_counter() < deadline:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                start = time.perf_counter()
                sent[index] += 1
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        errors[index] += 1
                    if response.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException):
                    errors[index] += 1
                    if conn is not None:
                        conn.close()
                    conn = None
                    continue
                latencies[index].append(time.perf_counter() - start)
            if conn is not None:
                conn.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(self.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        samples = sorted(value for values in latencies for value in values)
        return LoadResult(
            tool=self.name,
            requests=len(samples),
            seconds=elapsed,
            rps=len(samples) / elapsed,
            p50_ms=percentile(samples, 50) * 1000,
            p95_ms=percentile(samples, 95) * 1000,
            p99_ms=percentile(samples, 99) * 1000,
            errors=sum(errors),
            sent=sum(sent),
        )


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def request_target(url: str) -> str:
    """Path and query string of ``url``."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]  # lower-case names; the last one when repeated
    body: str
    cookies: dict[str, str]  # from the Set-Cookie headers


def http_request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 10,
) -> HttpAnswer:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            method,
            request_target(url),
            body=body,
            headers={"Connection": "close", **(headers or {})},
        )
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookies = SimpleCookie()
        for value in response.msg.get_all("Set-Cookie") or []:
            cookies.load(value)
        return HttpAnswer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            text,
            {name: morsel.value for name, morsel in cookies.items()},
        )
    finally:
        conn.close()


def http_get(
    url: str, timeout: float = 10, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    answer = http_request("GET", url, headers=headers, timeout=timeout)
    return answer.status, answer.headers, answer.body


# --- Shared environment -------------------------------------------------------------


def local_redis() -> str | None:
    """redis://127.0.0.1:6379/3 when a Redis server answers there (the page
    cache needs a cache shared by the gunicorn workers)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/3"
    except OSError:
        pass
    return None


def ensure_postgres_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]+@", r"//\1:***@", url)


@dataclass
class Server:
    """One gunicorn started by the bench (its own process group)."""

    name: str
    process: subprocess.Popen
    base_url: str
    log: Path

    def workers(self) -> list[int]:
        return proccpu.worker_pids(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Context:
    """What sections share: the prepared site and how to measure it."""

    args: argparse.Namespace
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    loadgen: Wrk | PythonLoad | None = None
    servers: dict[str, Server] = field(default_factory=dict)
    background: dict = field(default_factory=dict)  # preparations running in threads

    # Setup -------------------------------------------------------------------------

    def prepare(self) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SECURE_"))
        }
        database_url = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        )
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(60),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL="https://127.0.0.1",  # production wants https; links only, never fetched
            SECURE_SSL_REDIRECT="false",
            DEBUG="false",
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(self.media_root(database_url)),
            CACHE_KEY_PREFIX=f"eh-bench-{os.getpid()}",
            LOG_LEVEL="ERROR",
            PYTHONUNBUFFERED="1",
        )
        redis = os.environ.get("REDIS_URL") or local_redis()
        if redis:
            env["REDIS_URL"] = redis
        if database_url.startswith(("postgres://", "postgresql://")):
            ensure_postgres_database(database_url)
        self.env = env
        db_kind = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "temporary SQLite"
        print(f"database : {redacted(database_url)} ({db_kind})")
        cache_kind = (
            f"{redacted(redis)} ({'REDIS_URL' if os.environ.get('REDIS_URL') else 'local Redis'})"
            if redis
            else "local memory, one per process: the page cache is off in production"
        )
        print(f"cache    : {cache_kind}")
        self.loadgen = self._pick_loadgen()
        print(f"load tool: {self.loadgen.name}")
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"cpus     : {os.cpu_count()} (load average {load}; other work skews the figures)")
        for step in (
            ("migrate", "--noinput", "-v0"),
            ("load_demo_content", "-v0"),
            ("collectstatic", "--noinput", "-v0"),
        ):
            started = time.perf_counter()
            self.manage(*step)
            print(f"  {step[0]:<18} {time.perf_counter() - started:5.1f} s")

    def media_root(self, database_url: str) -> Path:
        """The media files live as long as their database: a database given by
        DATABASE_URL keeps the demo images of the previous runs."""
        if not os.environ.get("DATABASE_URL"):
            return self.workdir / "media"
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", urlsplit(database_url).path.strip("/"))
        return Path(tempfile.gettempdir()) / f"eh-bench-media-{name or 'default'}"

    def _pick_loadgen(self):
        wanted = self.args.tool
        if wanted in ("auto", "wrk") and shutil.which("wrk"):
            return Wrk(self.workdir, connections=self.args.connections)
        if wanted == "wrk":
            print("wrk is not installed (apt-get install wrk): using the Python load generator")
        return PythonLoad(connections=self.args.connections)

    def manage(self, *args: str, capture: bool = False) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout if capture else ""

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code, capture=True)

    # Server -------------------------------------------------------------------------

    def server(self) -> str:
        """Start the site once (2 sync workers, production) and return its base URL."""
        if "site" not in self.servers:
            self.start_server("site", "portal.wsgi")
            self.base_url = self.servers["site"].base_url
        return self.base_url

    def start_server(
        self,
        name: str,
        app: str,
        *,
        env: dict[str, str] | None = None,
        cwd: Path = BASE_DIR,
        pythonpath: Path | None = None,
        probe: str = "/_bench/hello/",
    ) -> Server:
        """Start gunicorn (``--workers`` sync workers) serving ``app``; by default
        the portal with production settings plus the /_bench/ endpoints
        (``portal.settings.bench``) and ``self.env``."""
        port = free_port()
        log_path = self.workdir / f"gunicorn-{name}.log"
        log = open(log_path, "w")  # noqa: SIM115
        extra = ["--pythonpath", str(pythonpath)] if pythonpath else []
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                app,
                "-w",
                str(self.args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                *extra,
            ],
            cwd=cwd,
            env=env
            if env is not None
            else self.env | {"DJANGO_SETTINGS_MODULE": "portal.settings.bench"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Server(name, process, f"http://127.0.0.1:{port}", log_path)
        self.servers[name] = server
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_get(server.base_url + probe, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ({name}) did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        print(f"gunicorn : {server.base_url} {name} ({self.args.workers} sync workers)")
        return server

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def warm_up(self, url: str, seconds: float = 1.5) -> None:
        self.loadgen.run(url, seconds)

    def measure(self, url: str) -> LoadResult:
        return self.loadgen.run(url, self.args.duration)


# --- Cache correct on publish (section pages) -------------------------------------------

HOME_TARGET = 0.5  # foundation: the cached home at least half the req/s of /_bench/hello/


BANNER_EDIT = """
from home.models import BannerMessage
m = BannerMessage.objects.current().first()
old = m.text
m.text = {text!r} or old
m.save()
print("OLD=" + old)
"""

BANNER_RESTORE = """
from home.models import BannerMessage
m = BannerMessage.objects.current().first()
m.text = {text!r}
m.save()
"""

PAGE_PUBLISH = """
from home.models import HomePage
page = HomePage.objects.first()
old = page.headline
page.headline = {text!r} or old
page.save_revision().publish()
print("OLD=" + old)
"""


def _all_gets_show(url: str, text: str, tries: int = 6) -> bool:
    """Every one of several fresh GETs (spread over the workers) shows ``text``."""
    return all(text in http_get(url)[2] for _ in range(tries))


def check_cache_on_publish(ctx: Context, url: str) -> bool:
    """Change content from another process (as an editor would) and check
    that the next anonymous GET of the cached page shows it."""
    token = f"Bench {secrets.token_hex(4)}"
    out = ctx.shell(BANNER_EDIT.format(text=f"Message du bandeau modifié ({token})"))
    old_text = out.split("OLD=", 1)[1].strip()
    banner_ok = _all_gets_show(url, token)
    ctx.shell(BANNER_RESTORE.format(text=old_text))
    restored_ok = not any(token in http_get(url)[2] for _ in range(6))
    headline = f"Accroche publiée ({token})"
    out = ctx.shell(PAGE_PUBLISH.format(text=headline))
    page_ok = _all_gets_show(url, headline)
    # Leave a database given by DATABASE_URL as it was.
    ctx.shell(PAGE_PUBLISH.format(text=out.split("OLD=", 1)[1].strip()))
    print(
        f"  after banner edit: {'shown' if banner_ok else 'STALE'};"
        f" after banner restore: {'shown' if restored_ok else 'STALE'};"
        f" after page publish: {'shown' if page_ok else 'STALE'}"
    )
    if not (banner_ok and page_ok) and not os.environ.get("REDIS_URL"):
        print(
            "  note: without REDIS_URL each gunicorn worker keeps its own in-memory cache,"
            " which an edit made in another process cannot clear"
        )
    return banner_ok and restored_ok and page_ok


# --- Section: pages (worker CPU per request of each kind of page) -----------------------

PAGE_HIT_MAX_HELLO = 2.0  # page-cache hit ≤ 2 × the bare hello-world view
SIGNED_IN_MAX_HOME = 1.0  # tenant dashboard and search ≤ 1 × the uncached home
SIGNED_IN_MAX_QUERIES = 12
SITE_SEARCH_MAX_QUERIES = 8
HOME_MAX_VANILLA = 1.0  # uncached home ≤ 1 × a vanilla `wagtail start` home

ACCOUNTS = {  # demo accounts (README, "Demo accounts")
    "tenant": ("locataire1", "Demo-Locataire-2026"),
    "agent": ("agent1-paris-habitat", "Demo-Bailleur-2026"),
    "partner": ("partenaire", "Demo-Partenaire-2026"),
}


@dataclass
class Page:
    name: str
    server: str  # key of Context.servers
    path: str
    role: str = "anonymous"  # or a key of ACCOUNTS
    description: str = ""


PAGES = [
    Page("hello-bare", "bare", "/_bench/hello/", description="one-view Django, no middleware"),
    Page("hello-stack", "site", "/_bench/hello/", description="/_bench/hello/, whole stack"),
    Page("home-hit", "site", "/", description="anonymous home, page-cache hit"),
    Page("home-nocache", "nocache", "/", description="anonymous home, PAGE_CACHE_SECONDS=0"),
    Page("wagtail-start", "vanilla", "/", description="vanilla `wagtail start` home"),
    Page("site-search", "site", "/recherche/?q=%C3%A9change", description="?q=échange"),
    Page(
        "search-nocache",
        "nocache",
        "/recherche/?q=%C3%A9change",
        description="?q=échange, PAGE_CACHE_SECONDS=0",
    ),
    Page("statistics", "site", "/bourse/statistiques/", description="public statistics"),
    Page("tenant-search", "site", "/locataire/recherche/", "tenant", "locataire1"),
    Page("tenant-dash", "site", "/locataire/", "tenant", "locataire1"),
    Page("staff", "site", "/bourse/espace-bailleur/", "agent", "agent1-paris-habitat"),
    Page("partner", "site", "/bourse/espace-partenaire/", "partner", "partenaire"),
]


def sign_in(base_url: str, username: str, password: str) -> str:
    """Sign in through the form of /connexion/ as a browser does and return
    the Cookie header of the new session."""
    form = http_request("GET", base_url + "/connexion/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    if form.status != 200 or not token:
        raise RuntimeError(f"sign-in form: HTTP {form.status}, CSRF token not found")
    jar = dict(form.cookies)
    answer = http_request(
        "POST",
        base_url + "/connexion/",
        headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        ),
    )
    jar.update(answer.cookies)
    if answer.status != 302 or len(jar) <= len(form.cookies):
        raise RuntimeError(f"sign-in of {username}: HTTP {answer.status}, no session cookie")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


VANILLA_LOCAL_SETTINGS = """
SECRET_KEY = {secret!r}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
"""

VANILLA_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
client.get("/"); client.get("/")
with CaptureQueriesContext(connection) as captured:
    status = client.get("/").status_code
print("QUERIES", status, len(captured.captured_queries))
"""


def start_vanilla_wagtail(ctx: Context) -> tuple[threading.Thread, dict]:
    """Prepare and serve the vanilla project in the background (a minute of
    migrations), once: its thread and its outcome (``queries``, ``seconds``
    or ``error``)."""
    if "vanilla" not in ctx.background:
        outcome: dict = {}

        def prepare() -> None:
            started = time.perf_counter()
            try:
                outcome["queries"] = serve_vanilla_wagtail(ctx)
            except Exception as error:  # reported by the section
                outcome["error"] = error
            outcome["seconds"] = time.perf_counter() - started

        thread = threading.Thread(target=prepare)
        thread.start()
        ctx.background["vanilla"] = (thread, outcome)
    return ctx.background["vanilla"]


def serve_vanilla_wagtail(ctx: Context) -> int | None:
    """`wagtail start` a throw-away project in the work directory (SQLite, its
    own production settings, static files collected), serve it like the
    portal and return the SQL queries of its home page."""
    root = ctx.workdir / "vanilla"
    root.mkdir()
    subprocess.run(
        [str(VENV_BIN / "wagtail"), "start", "vanilla", str(root)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (root / "vanilla" / "settings" / "local.py").write_text(
        VANILLA_LOCAL_SETTINGS.format(secret=secrets.token_urlsafe(50))
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "vanilla.settings.production", "PYTHONUNBUFFERED": "1"}
    out = ""
    for args in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", VANILLA_QUERIES],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    ctx.start_server("vanilla", "vanilla.wsgi", env=env, cwd=root, probe="/")
    match = re.search(r"^QUERIES (\d+) (\d+)$", out, re.M)
    return int(match.group(2)) if match and match.group(1) == "200" else None


def run_inprocess(ctx: Context, spec: dict, *, page_cache: bool) -> dict:
    """bench/pages_inprocess.py with the servers' settings and database."""
    spec_path = ctx.workdir / "pages-spec.json"
    spec_path.write_text(json.dumps(spec))
    env = ctx.env | {"DJANGO_SETTINGS_MODULE": "portal.settings.bench"}
    if not page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parent / "pages_inprocess.py"), spec_path],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pages_inprocess.py failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """``median (min–max)`` of ``values``."""
    return (
        f"{fmt.format(statistics.median(values))}"
        f" ({fmt.format(min(values))}–{fmt.format(max(values))})"
    )


@dataclass
class PageRun:
    load: LoadResult
    cpu_ms: float  # worker CPU per request sent


def measure_page(ctx: Context, server: Server, url: str, headers: dict, seconds: float) -> PageRun:
    """One load run on ``url`` with the worker CPU it cost, read from /proc."""
    workers = server.workers()
    proccpu.wait_idle(workers)
    before = proccpu.cpu_seconds(workers)
    load = ctx.loadgen.run(url, seconds, headers)
    proccpu.wait_idle(workers)
    after = proccpu.cpu_seconds(workers)
    if set(after) != set(before) or set(server.workers()) != set(workers):
        print(f"  note: a worker of {server.name} was replaced during the run")
    return PageRun(load, proccpu.cpu_delta(before, after) * 1000 / max(load.sent, 1))


@section(
    "pages",
    "Worker CPU per request of each kind of page vs a bare view and the uncached home",
    issue="15",
)
def bench_pages(ctx: Context) -> bool:
    vanilla_thread, vanilla = start_vanilla_wagtail(ctx)
    try:
        return measure_pages(ctx, vanilla_thread, vanilla)
    finally:
        vanilla_thread.join()  # no server started after ctx.stop()


def measure_pages(ctx: Context, vanilla_thread: threading.Thread, vanilla: dict) -> bool:
    args = ctx.args
    ctx.server()
    ctx.start_server(
        "nocache",
        "portal.wsgi",
        env=ctx.env
        | {"DJANGO_SETTINGS_MODULE": "portal.settings.bench", "PAGE_CACHE_SECONDS": "0"},
    )
    ctx.start_server(
        "bare", "bare_hello:application", env=ctx.env, pythonpath=Path(__file__).resolve().parent
    )

    site = ctx.servers["site"].base_url
    cookies = {"anonymous": ""}
    for role, (username, password) in ACCOUNTS.items():
        cookies[role] = sign_in(site, username, password)
    print(f"  signed in through /connexion/: {', '.join(u for u, _p in ACCOUNTS.values())}")

    def url_of(page: Page) -> str:
        return ctx.servers[page.server].base_url + page.path

    def headers_of(page: Page) -> dict[str, str]:
        return {"Cookie": cookies[page.role]} if cookies[page.role] else {}

    def broken(pages: list[Page]) -> bool:
        failures = []
        for page in pages:
            status, headers, _body = http_get(url_of(page), headers=headers_of(page))
            if status != 200:
                failures.append(f"{page.name} HTTP {status} {headers.get('location', '')}".strip())
        if failures:
            print(f"  ERROR: pages not served: {'; '.join(failures)}")
        return bool(failures)

    if broken([page for page in PAGES if page.server != "vanilla"]):
        return False

    # SQL queries, in one process with the same settings and database (Django's
    # test Client and CaptureQueriesContext; the servers show no queries).
    host = urlsplit(site).netloc
    portal_pages = [p for p in PAGES if p.server in ("site", "nocache")]
    spec_pages = [{"name": p.name, "path": p.path, "cookie": cookies[p.role]} for p in PAGES]
    # The signed-in tenant's pages made anew (the per-session cache off,
    # portal.usercache): what a first visit or a visit after a write costs.
    rendered = {f"{name}-render": name for name in ("tenant-search", "tenant-dash")}
    spec_pages += [
        {**page, "name": f"{page['name']}-render", "settings": {"USER_PAGE_CACHE_SECONDS": 0}}
        for page in spec_pages
        if page["name"] in rendered.values()
    ]
    cached = run_inprocess(
        ctx, {"host": host, "pages": spec_pages, "queries": ["home-hit"]}, page_cache=True
    )
    uncached = run_inprocess(
        ctx,
        {
            "host": host,
            "pages": spec_pages,
            "queries": [p.name for p in portal_pages if p.name != "home-hit"] + list(rendered),
        },
        page_cache=False,
    )
    queries = cached["queries"] | uncached["queries"]
    queries["hello-bare"] = {"queries": 0, "writes": 0, "status": 200}
    vanilla_thread.join()
    if "error" in vanilla:
        raise RuntimeError(f"vanilla `wagtail start` project: {vanilla['error']!r}")
    print(f"  vanilla `wagtail start` project ready in {vanilla['seconds']:.1f} s")
    if broken([page for page in PAGES if page.server == "vanilla"]):
        return False
    if vanilla["queries"] is not None:
        queries["wagtail-start"] = {"queries": vanilla["queries"], "writes": 0, "status": 200}
    for name, counted in queries.items():
        if counted.get("status", 200) != 200:
            print(f"  note: {name} answered HTTP {counted['status']} in process")

    # In one process, CPU of the signed-in pages against the uncached home
    # (the issue's own measure), interleaved rounds.
    inprocess_timed = ["home-nocache", "tenant-search", "tenant-dash", *rendered]
    inprocess = run_inprocess(
        ctx,
        {
            "host": host,
            "pages": spec_pages,
            "cpu": inprocess_timed,
            "rounds": args.rounds,
            "seconds": args.inprocess_seconds,
        },
        page_cache=False,
    )["cpu"]
    home_hit = next(page for page in PAGES if page.name == "home-hit")
    hit_state = http_get(url_of(home_hit))[1].get("x-page-cache", "none")
    print(f"  home on the site after a first GET: X-Page-Cache {hit_state}")

    # Served by gunicorn: interleaved rounds, every page in each round.
    for page in PAGES:
        ctx.loadgen.run(url_of(page), 1, headers_of(page))  # warm-up
    runs: dict[str, list[PageRun]] = {page.name: [] for page in PAGES}
    seconds = args.duration
    print(
        f"  {args.rounds} interleaved rounds of {seconds:g} s per page,"
        f" {args.connections} connections; CPU = worker user+system time / requests"
    )
    for round_number in range(1, args.rounds + 1):
        for page in PAGES:
            run = measure_page(
                ctx, ctx.servers[page.server], url_of(page), headers_of(page), seconds
            )
            runs[page.name].append(run)
            print(
                f"  round {round_number} {page.name:<14} {run.load.rps:8.1f} req/s"
                f"   p50 {run.load.p50_ms:7.1f} ms   p95 {run.load.p95_ms:7.1f} ms"
                f"   CPU {run.cpu_ms:7.2f} ms/req   ({run.load.sent} sent,"
                f" {run.load.errors} errors)",
                flush=True,
            )

    def ratios(name: str, base: str) -> list[float]:
        return [
            run.cpu_ms / base_run.cpu_ms
            for run, base_run in zip(runs[name], runs[base], strict=True)
            if base_run.cpu_ms > 0
        ]

    print(
        "\n  page            req/s  p50 ms  p95 ms  CPU ms/req (min–max)   × hello-bare"
        " (min–max)   × home-nocache (min–max)  queries writes"
    )
    for page in PAGES:
        page_runs = runs[page.name]
        counted = queries.get(page.name, {})
        print(
            f"  {page.name:<14}"
            f" {statistics.median(r.load.rps for r in page_runs):6.1f}"
            f" {statistics.median(r.load.p50_ms for r in page_runs):7.1f}"
            f" {statistics.median(r.load.p95_ms for r in page_runs):7.1f}"
            f"  {spread([r.cpu_ms for r in page_runs]):>22}"
            f"  {spread(ratios(page.name, 'hello-bare'), '{:.1f}'):>20}"
            f"  {spread(ratios(page.name, 'home-nocache')):>24}"
            f"  {counted.get('queries', '?'):>7} {counted.get('writes', '?'):>6}"
        )
    print("  (pages: " + "; ".join(f"{p.name} = {p.description}" for p in PAGES) + ")")
    print(
        "  (queries and writes: the third GET in one process with PAGE_CACHE_SECONDS=0,"
        " i.e. a render; home-hit with the page cache on)"
    )

    print(
        f"\n  in one process (Django test Client, {args.rounds} interleaved rounds of"
        f" {args.inprocess_seconds:g} s, CPU by getrusage):"
    )
    for name in inprocess_timed:
        per_round = [
            value / home
            for value, home in zip(inprocess[name], inprocess["home-nocache"], strict=True)
        ]
        counted = queries.get(name, {})
        print(
            f"  {name:<20} CPU {spread(inprocess[name])} ms/req"
            f"   × home-nocache {spread(per_round)}"
            f"   {counted.get('queries', '?')} queries {counted.get('page_cache') or ''}"
        )
    print(
        "  (tenant-search and tenant-dash: signed in, served from the per-session cache after"
        " the first GET; *-render: USER_PAGE_CACHE_SECONDS=0, each GET made anew)"
    )

    def median_ratio(name: str, base: str) -> float:
        values = ratios(name, base)
        return statistics.median(values) if values else float("inf")

    def inprocess_ratio(name: str) -> float:
        return statistics.median(
            value / home
            for value, home in zip(inprocess[name], inprocess["home-nocache"], strict=True)
        )

    errors = sum(run.load.errors for page_runs in runs.values() for run in page_runs)
    page_cache_on = hit_state == "hit"
    checks = [
        (
            f"page-cache hit CPU ≤ {PAGE_HIT_MAX_HELLO:g} × hello-bare"
            f" ({median_ratio('home-hit', 'hello-bare'):.2f} ×)"
            + ("" if page_cache_on else ": the page cache is off (no Redis)"),
            page_cache_on and median_ratio("home-hit", "hello-bare") <= PAGE_HIT_MAX_HELLO,
        ),
        (
            f"uncached home CPU ≤ {HOME_MAX_VANILLA:g} × vanilla `wagtail start` home"
            f" ({median_ratio('home-nocache', 'wagtail-start'):.2f} ×)",
            median_ratio("home-nocache", "wagtail-start") <= HOME_MAX_VANILLA,
        ),
    ]
    for name in ("tenant-dash", "tenant-search"):
        counted = queries.get(f"{name}-render", {}).get("queries", 10**6)
        checks += [
            (
                f"{name} CPU ≤ {SIGNED_IN_MAX_HOME:g} × uncached home, in one process"
                f" ({inprocess_ratio(name):.2f} ×)",
                inprocess_ratio(name) <= SIGNED_IN_MAX_HOME,
            ),
            (
                f"{name} CPU ≤ {SIGNED_IN_MAX_HOME:g} × uncached home, served by gunicorn"
                f" ({median_ratio(name, 'home-nocache'):.2f} ×)",
                median_ratio(name, "home-nocache") <= SIGNED_IN_MAX_HOME,
            ),
            (
                f"{name} ≤ {SIGNED_IN_MAX_QUERIES} SQL queries when made anew ({counted})",
                counted <= SIGNED_IN_MAX_QUERIES,
            ),
        ]
    search_queries = queries.get("search-nocache", {}).get("queries", 10**6)
    checks += [
        (
            f"site search render ≤ {SITE_SEARCH_MAX_QUERIES} SQL queries ({search_queries})",
            search_queries <= SITE_SEARCH_MAX_QUERIES,
        ),
        (f"no HTTP error under load ({errors})", errors == 0),
    ]
    # The foundation's figure (formerly section "home"): req/s of the cached home
    # against /_bench/hello/ behind the same stack, per round.
    rps_ratios = [
        home.load.rps / hello.load.rps
        for home, hello in zip(runs["home-hit"], runs["hello-stack"], strict=True)
    ]
    checks.append(
        (
            f"home-hit req/s ≥ {HOME_TARGET} × hello-stack req/s ({spread(rps_ratios)})",
            statistics.median(rps_ratios) >= HOME_TARGET,
        )
    )
    print()
    checks.append(("cache correct on publish", check_cache_on_publish(ctx, url_of(home_hit))))
    print()
    for label, passed in checks:
        print(f"  {'PASS' if passed else 'FAIL'} {label}")
    writes = {name: q["writes"] for name, q in queries.items() if q.get("writes")}
    if writes:
        print(
            "  note: SQL writes on GET: "
            + ", ".join(f"{name} {count}" for name, count in writes.items())
            + " (the test suite asserts 0)"
        )
    return all(passed for _label, passed in checks)


# --- Main -------------------------------------------------------------------------------


# --- Sections run as their own modules (each sets Django up in its child processes) ----

POSTGRES_DEFAULT = "postgres://postgres@127.0.0.1:5432/echanger_habiter"
BENCH_DIR = Path(__file__).resolve().parent


class TemplateDatabase:
    """One migrated database per bench run, copied for each section.

    Each section script creates its own ``<name>_bench_<section>`` database
    and migrates it (``create_database`` / ``_create`` and ``_migrate`` of
    bench/patrimoine.py and bench/exchanges.py): a minute of migrations per
    section on this machine. Run from here, the sections get those functions
    replaced in their modules: ``<name>_bench_template`` is migrated once (in
    the background from the start of the run), every database is then
    ``CREATE DATABASE … TEMPLATE`` of it (a second) and needs no migration.
    Run by themselves, the scripts are unchanged.
    """

    def __init__(self) -> None:
        self.url: str | None = None
        self.copies: set[str] = set()
        self.migrate_original: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._report = ""

    def _admin(self, url: str):
        import psycopg

        return psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)

    def _execute(self, url: str, statement: str, *names: str) -> None:
        from psycopg import sql

        with self._admin(url) as conn:
            conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    def ensure(self, url: str) -> None:
        """Create and migrate the template database once (thread-safe)."""
        with self._lock:
            if self.url is not None:
                return
            if self.migrate_original is None:
                import patrimoine

                self.migrate_original = patrimoine._migrate
            template = f"{urlsplit(url).path.lstrip('/') or 'postgres'}_bench_template"
            started = time.perf_counter()
            self._execute(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", template)
            self._execute(url, "CREATE DATABASE {}", template)
            template_url = urlsplit(url)._replace(path="/" + template).geturl()
            self.migrate_original(template_url)
            self.url = template_url
            self._report = (
                f"  template database {template} migrated in"
                f" {time.perf_counter() - started:.1f} s (once, for every section)"
            )

    def start(self, url: str) -> None:
        """Prepare the template database in the background."""

        def prepare() -> None:
            try:
                self.ensure(url)
            except Exception:  # noqa: S110 — ensure() runs again, and raises, when needed
                pass

        threading.Thread(target=prepare, daemon=True).start()

    def create(self, url: str, name: str) -> None:
        self.ensure(url)
        if self._report:
            print(self._report)
            self._report = ""
        template = urlsplit(self.url).path.lstrip("/")
        self._execute(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self._execute(url, "CREATE DATABASE {} TEMPLATE {}", name, template)
        self.copies.add(name)

    def migrate(self, url: str) -> None:
        if urlsplit(url).path.lstrip("/") not in self.copies:
            self.migrate_original(url)

    def patch(self) -> None:
        """Replace the database functions in every bench module loaded."""
        modules = [
            module
            for module in list(sys.modules.values())
            if Path(getattr(module, "__file__", None) or "/").parent == BENCH_DIR
        ]
        for module in modules:
            if self.migrate_original is None and callable(getattr(module, "_migrate", None)):
                self.migrate_original = module._migrate
            for name, replacement in (
                ("create_database", self.create),
                ("_create", self.create),
                ("_migrate", self.migrate),
            ):
                if callable(getattr(module, name, None)):
                    setattr(module, name, replacement)

    def drop(self) -> None:
        with self._lock:
            if self.url is not None:
                self._execute(
                    self.url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", urlsplit(self.url).path[1:]
                )
                self.url = None


TEMPLATE_DATABASE = TemplateDatabase()


def scripts_database_url() -> str:
    """The sections' scripts need PostgreSQL: DATABASE_URL, else the local server."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else POSTGRES_DEFAULT


def run_script(script: str) -> bool:
    """Run the section of ``bench/<script>`` (its ``run(print)``) with
    DATABASE_URL on PostgreSQL, its databases copied from the template database."""
    url = scripts_database_url()
    module = importlib.import_module(Path(script).stem)
    TEMPLATE_DATABASE.patch()
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        return bool(module.run(print))
    finally:
        if saved is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = saved


@section("patrimoine", "Import of a 100 000-row patrimoine file vs COPY", issue="bourse-1")
def bench_patrimoine(ctx: Context) -> bool:
    return run_script("patrimoine.py")


@section("listings", "Search and mutual matching over 100 000 listings", issue="bourse-2")
def bench_listings(ctx: Context) -> bool:
    return run_script("listings.py")


@section(
    "exchanges",
    "Daily alerts and reminders over 10 000 (--full: 50 000) open files",
    issue="bourse-3",
)
def bench_exchanges(ctx: Context) -> bool:
    return run_script("exchanges.py")


@section(
    "file-list",
    "An agent's list of exchange files at 2 000 (--full: 5 000) open files",
    issue="14 C",
)
def bench_exchange_list(ctx: Context) -> bool:
    return run_script("exchange_list.py")


@section(
    "stats",
    "Nightly statistics over 5 years (40 000, --full: 200 000 files) and the page",
    issue="statistics",
)
def bench_stats(ctx: Context) -> bool:
    return run_script("stats.py")


@section(
    "chains",
    "Exchange-chain search over 10 000 to 20 000 (--full: 100 000) listings",
    issue="bourse-9",
)
def bench_chains(ctx: Context) -> bool:
    return run_script("chains.py")


@section(
    "engagement",
    "Who wants my home, answering rules, alert digests (10 000, --full: 100 000 listings)",
    issue="bourse-9",
)
def bench_engagement(ctx: Context) -> bool:
    return run_script("engagement.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS), help="section")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    parser.add_argument(
        "--duration", type=float, default=2, help="seconds per page and round (pages)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (pages)")
    parser.add_argument(
        "--inprocess-seconds",
        type=float,
        default=2,
        help="seconds per page and round in one process (pages)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="the data sizes the issues quote (BENCH_FULL=1; bench/scale.py); default: quick",
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a section fails"
    )
    args = parser.parse_args(argv)
    if args.list:
        for item in SECTIONS.values():
            print(f"{item.name:<12} [{item.issue}] {item.title}")
        return 0

    selected = [SECTIONS[name] for name in (args.only or SECTIONS)]
    # Read by bench/scale.py and by bench/chains.py when their modules load.
    if args.full:
        os.environ["BENCH_FULL"] = "1"
    elif not os.environ.get("BENCH_FULL"):
        os.environ.setdefault("CHAINS_BENCH_SIZES", "10000,20000")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="eh-bench-"))
    ctx = Context(args=args, workdir=workdir)
    outcomes: dict[str, bool] = {}
    timings: dict[str, float] = {}
    # Slow preparations that the measures do not need yet run in the background.
    if any(item.run is not bench_pages for item in selected):
        TEMPLATE_DATABASE.start(scripts_database_url())
    if any(item.run is bench_pages for item in selected):
        start_vanilla_wagtail(ctx)
    try:
        print("== Environment")
        sizes = (
            "full (--full)" if os.environ.get("BENCH_FULL") else "quick (--full: the issues' sizes)"
        )
        print(f"sizes    : {sizes}")
        ctx.prepare()
        for item in selected:
            print(f"\n== [{item.issue}] {item.name}: {item.title}", flush=True)
            section_started = time.perf_counter()
            try:
                outcomes[item.name] = item.run(ctx)
            except Exception as error:  # a broken section must not hide the others
                print(f"  ERROR: {error!r}")
                outcomes[item.name] = False
            timings[item.name] = time.perf_counter() - section_started
    finally:
        for thread, _outcome in ctx.background.values():
            thread.join()  # no server started after ctx.stop()
        ctx.stop()
        TEMPLATE_DATABASE.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("\n== Summary")
    for name, ok in outcomes.items():
        print(f"  {name:<12} {'PASS' if ok else 'FAIL'}   {timings.get(name, 0):6.0f} s")
    print(f"  total time {time.perf_counter() - started:.0f} s")
    return 1 if args.strict and not all(outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
