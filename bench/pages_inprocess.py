#!/usr/bin/env python
"""In-process figures of the ``pages`` section of ``bench/run.py``.

Run by ``bench/run.py`` with the environment of its servers (production
settings on the bench database), one JSON spec file as argument::

    {"host": "127.0.0.1:8000",
     "pages": [{"name": "home", "path": "/", "cookie": "sessionid=…",
                "settings": {…}}, …],     # settings: overridden for that page
     "queries": ["home", …],                 # pages whose SQL is counted
     "cpu": ["home", …], "rounds": 3, "seconds": 1.0}   # pages timed

Each page is requested with Django's test ``Client`` (the whole middleware
stack, no server), signed in by the session cookie that ``bench/run.py``
got from the sign-in form. Prints one JSON line: per counted page its
status, SQL queries and writes (captured with ``CaptureQueriesContext``
on the third GET, once the per-process caches are warm); per timed page
the CPU ms per request of this process (``resource.getrusage``, user +
system) in each round, the pages interleaved within a round.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    pages = {page["name"]: page for page in spec["pages"]}
    clients = {}
    for name, page in pages.items():
        client = Client(raise_request_exception=False, HTTP_HOST=spec["host"])
        for pair in filter(None, (page.get("cookie") or "").split(";")):
            key, _, value = pair.strip().partition("=")
            client.cookies[key] = value
        clients[name] = client

    def get(name: str):
        with override_settings(**pages[name].get("settings", {})):
            return clients[name].get(pages[name]["path"])

    result: dict = {"queries": {}, "cpu": {}}
    for name in spec.get("queries", []):
        get(name)
        get(name)
        with CaptureQueriesContext(connection) as captured:
            response = get(name)
        sql = [query["sql"].lstrip().upper() for query in captured.captured_queries]
        result["queries"][name] = {
            "status": response.status_code,
            "page_cache": response.get("X-Page-Cache", "") or response.get("X-User-Page-Cache", ""),
            "queries": len(sql),
            "writes": sum(statement.startswith(WRITE_VERBS) for statement in sql),
        }

    timed = spec.get("cpu", [])
    for name in timed:
        result["cpu"][name] = []
        get(name)  # warm-up
    for _round in range(spec.get("rounds", 0)):
        for name in timed:
            deadline = time.perf_counter() + spec["seconds"]
            count = 0
            started = cpu_now()
            while time.perf_counter() < deadline:
                get(name)
                count += 1
            result["cpu"][name].append((cpu_now() - started) * 1000 / count)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
