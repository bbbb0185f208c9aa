#!/usr/bin/env python
"""Performance figures of the portal (``make bench``); not a test suite.

Each section measures one thing asked by an issue and prints its figures
with PASS/FAIL against the issue's target. Sections share one prepared
environment: a database (a temporary SQLite file, or ``DATABASE_URL`` when
set), the cache (``REDIS_URL`` when set, else per-process memory), migrated,
loaded with the demo content, static files collected, and the site served by
gunicorn with production settings on 127.0.0.1.

    .venv/bin/python bench/run.py                 # every section
    .venv/bin/python bench/run.py --only home     # one section
    .venv/bin/python bench/run.py --list

Load generator: ``wrk`` when installed (Debian package ``wrk``), otherwise a
Python one (threads, keep-alive ``http.client``); the output says which.

To add a section: write ``def my_section(ctx: Context) -> bool`` and decorate
it with ``@section("name", "what it measures", issue="…")``.
"""

from __future__ import annotations

import argparse
import http.client
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
from pathlib import Path
from urllib.parse import urlsplit

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

    def line(self) -> str:
        return (
            f"{self.rps:9.1f} req/s   p50 {self.p50_ms:6.2f} ms   p95 {self.p95_ms:6.2f} ms   "
            f"p99 {self.p99_ms:6.2f} ms   ({self.requests} requests, {self.errors} errors)"
        )


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


class Wrk:
    name = "wrk"

    def __init__(self, workdir: Path, threads: int = 2, connections: int = 8):
        self.script = workdir / "report.lua"
        self.script.write_text(WRK_SCRIPT)
        self.threads = threads
        self.connections = connections

    def run(self, url: str, seconds: float) -> LoadResult:
        out = subprocess.run(
            [
                "wrk",
                f"-t{self.threads}",
                f"-c{self.connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(self.script),
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        ).stdout
        match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
        if not match:
            raise RuntimeError(f"unexpected wrk output:\n{out}")
        requests, duration_us, p50, p95, p99, socket_errors, status_errors = map(
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
        )


class PythonLoad:
    """Closed-loop load: each thread sends a request as soon as the previous
    answer arrived, on a keep-alive connection (reopened when the server
    closes it, as gunicorn's sync workers do)."""

    name = "python (threads + http.client keep-alive)"

    def __init__(self, connections: int = 8):
        self.connections = connections

    def run(self, url: str, seconds: float) -> LoadResult:
        parts = urlsplit(url)
        path = parts.path or "/"
        deadline = time.perf_counter() + seconds
        latencies: list[list[float]] = [[] for _ in range(self.connections)]
        errors = [0] * self.connections

        def worker(index: int) -> None:
            conn = None
            while time.perf_counter() < deadline:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                start = time.perf_counter()
                try:
                    conn.request("GET", path)
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
        )


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def http_get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/", headers={"Connection": "close"})
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


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
class Context:
    """What sections share: the prepared site and how to measure it."""

    args: argparse.Namespace
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    loadgen: Wrk | PythonLoad | None = None
    _server: subprocess.Popen | None = None

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
            MEDIA_ROOT=str(self.workdir / "media"),
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
        """Start gunicorn once (2 sync workers) and return its base URL."""
        if self._server is None:
            port = free_port()
            log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115
            self._server = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "portal.wsgi",
                    "-w",
                    str(self.args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],
                cwd=BASE_DIR,
                # Production settings plus the /_bench/ endpoints (BENCH_ENDPOINTS).
                env=self.env | {"DJANGO_SETTINGS_MODULE": "portal.settings.bench"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if http_get(self.base_url + "/_bench/hello/", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if self._server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start:\n" + (self.workdir / "gunicorn.log").read_text()
                    )
                time.sleep(0.2)
            print(f"gunicorn : {self.base_url} ({self.args.workers} sync workers, production)")
        return self.base_url

    def stop(self) -> None:
        if self._server is not None and self._server.poll() is None:
            os.killpg(self._server.pid, signal.SIGTERM)
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._server.pid, signal.SIGKILL)
                self._server.wait()

    def warm_up(self, url: str, seconds: float = 1.5) -> None:
        self.loadgen.run(url, seconds)

    def measure(self, url: str) -> LoadResult:
        return self.loadgen.run(url, self.args.duration)


# --- Section: foundation (home page vs hello world) ----------------------------------

HOME_TARGET = 0.5


@section("home", "Home page `/` vs hello-world `/_bench/hello/`", issue="foundation")
def bench_home(ctx: Context) -> bool:
    base = ctx.server()
    urls = {"hello": base + "/_bench/hello/", "home": base + "/"}
    for name, url in urls.items():
        status, headers, _body = http_get(url)
        if status != 200:
            print(f"  {name}: HTTP {status}")
            return False
    for url in urls.values():
        ctx.warm_up(url)
    cache_state = http_get(urls["home"])[1].get("x-page-cache", "none")
    print(f"  home page cache after warm-up: {cache_state}")

    results: dict[str, list[LoadResult]] = {"hello": [], "home": []}
    for round_number in range(1, ctx.args.rounds + 1):
        for name, url in urls.items():
            result = ctx.measure(url)
            results[name].append(result)
            print(f"  round {round_number} {name:<5} {result.line()}")

    best = {name: max(r.rps for r in runs) for name, runs in results.items()}
    mean = {name: statistics.mean(r.rps for r in runs) for name, runs in results.items()}
    # Each round measures both URLs back to back: its ratio is the least
    # affected by other work on the machine; the median over rounds is kept.
    round_ratios = [
        home.rps / hello.rps for hello, home in zip(results["hello"], results["home"], strict=True)
    ]
    ratio = statistics.median(round_ratios)
    errors = sum(r.errors for runs in results.values() for r in runs)
    print(
        f"  best  hello {best['hello']:.1f} req/s, home {best['home']:.1f} req/s;"
        f" mean hello {mean['hello']:.1f}, home {mean['home']:.1f}"
    )
    passed = ratio >= HOME_TARGET and errors == 0
    print(
        f"  ratio home / hello-world: {ratio:.2f} (rounds: "
        f"{', '.join(f'{r:.2f}' for r in round_ratios)}; target ≥ {HOME_TARGET})"
        f" -> {'PASS' if passed else 'FAIL'}"
    )

    cache_ok = check_cache_on_publish(ctx, urls["home"])
    print(f"  cache correct on publish: {'yes' if cache_ok else 'no'}")
    return passed and cache_ok


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


# --- Main -------------------------------------------------------------------------------


# --- Sections run as their own scripts (each sets Django up by itself) ---------------

POSTGRES_DEFAULT = "postgres://postgres@127.0.0.1:5432/echanger_habiter"


def run_script(script: str) -> bool:
    """Run ``bench/<script>`` in a subprocess (PostgreSQL from DATABASE_URL, or
    the local server), stream its figures, pass when it exits 0."""
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = POSTGRES_DEFAULT
    command = [sys.executable, str(Path(__file__).resolve().parent / script)]
    completed = subprocess.run(command, env=env, check=False)  # noqa: S603
    return completed.returncode == 0


@section("patrimoine", "Import of a 100 000-row patrimoine file vs COPY", issue="bourse-1")
def bench_patrimoine(ctx: Context) -> bool:
    return run_script("patrimoine.py")


@section("listings", "Search and mutual matching over 100 000 listings", issue="bourse-2")
def bench_listings(ctx: Context) -> bool:
    return run_script("listings.py")


@section("exchanges", "Daily alerts and reminders over 50 000 open files", issue="bourse-3")
def bench_exchanges(ctx: Context) -> bool:
    return run_script("exchanges.py")


@section("file-list", "An agent's list of exchange files at 5 000 open files", issue="14 C")
def bench_exchange_list(ctx: Context) -> bool:
    return run_script("exchange_list.py")


@section(
    "stats", "Nightly statistics over 5 years (200 000 files) and the page", issue="statistics"
)
def bench_stats(ctx: Context) -> bool:
    return run_script("stats.py")


@section("chains", "Exchange-chain search over 10 000 to 100 000 listings", issue="bourse-9")
def bench_chains(ctx: Context) -> bool:
    return run_script("chains.py")


@section("engagement", "Who wants my home, answering rules, alert digests", issue="bourse-9")
def bench_engagement(ctx: Context) -> bool:
    return run_script("engagement.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS), help="section")
    parser.add_argument("--list", action="store_true", help="list the sections and exit")
    parser.add_argument("--duration", type=float, default=8, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=2)
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
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="eh-bench-"))
    ctx = Context(args=args, workdir=workdir)
    outcomes: dict[str, bool] = {}
    try:
        print("== Environment")
        ctx.prepare()
        for item in selected:
            print(f"\n== [{item.issue}] {item.name}: {item.title}")
            try:
                outcomes[item.name] = item.run(ctx)
            except Exception as error:  # a broken section must not hide the others
                print(f"  ERROR: {error!r}")
                outcomes[item.name] = False
    finally:
        ctx.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print("\n== Summary")
    for name, ok in outcomes.items():
        print(f"  {name:<12} {'PASS' if ok else 'FAIL'}")
    print(f"  total time {time.perf_counter() - started:.0f} s")
    return 1 if args.strict and not all(outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
