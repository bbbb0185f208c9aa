"""No GET writes to the database (issue 15).

With the demo content, each role's pages are crawled from its home and from
the site's home, following the links of every page (same site, outside the
Wagtail and Django admins, at most ``LIMIT`` pages per role); the SQL of each
GET is captured and must hold no INSERT, UPDATE or DELETE — except the one
deliberate write: a staff look at a tenant's personal data inserts one row into
the access log (``bourse.audit``, issue 18), and nothing else.
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LIMIT = 120
SKIP = (
    "/admin/",
    "/django-admin/",
    "/deconnexion/",
    "/static/",
    "/media/",
    "/documents/",
    "/_bench/",
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|CREATE|DROP|ALTER)\b", re.I)
# The access log's single INSERT (bourse.audit.log.record_access) is allowed.
ACCESS_LOG_INSERT = re.compile(r'^\s*INSERT INTO "audit_accesslogentry"', re.I)
HREF = re.compile(r'href="([^"#]*)"')

ROLES = {
    "anonymous": None,
    "tenant": "locataire1",
    "agent": "agent1-paris-habitat",
    "landlord_admin": "admin-paris-habitat",
    "amo": "amo",
    "partner": "partenaire",
    "member": "membre",
    "editor": "editeur",
}


def _links(html: str, base_path: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        links.append(href)
    return links


def crawl(client: Client, starts: list[str]) -> tuple[int, list[str]]:
    seen, queue, problems = set(), deque(starts), []
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        # One page per route shape: /x/12/ and /x/13/ are the same view.
        shape = re.sub(r"\d+", "0", url.split("?")[0]) + ("?" if "?" in url else "")
        if shape in seen or url.startswith(SKIP):
            continue
        seen.add(shape)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        writes = [
            q["sql"][:160]
            for q in queries.captured_queries
            if WRITE.match(q["sql"]) and not ACCESS_LOG_INSERT.match(q["sql"])
        ]
        if writes:
            problems.append(f"GET {url} ({response.status_code}): {writes}")
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(_links(response.content.decode(), url))
    return len(seen), problems


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    # As in production: the tasks queued after commit (image renditions…) run.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=io.StringIO())


@pytest.mark.long
def test_no_get_writes_for_any_role(demo):
    report = []
    visited = {}
    for role, username in ROLES.items():
        client = Client()
        starts = ["/"]
        if username:
            client.force_login(get_user_model().objects.get(username=username))
            home = client.get("/connexion/")
            if home.status_code == 302:
                starts.insert(0, home["Location"])
        visited[role], problems = crawl(client, starts)
        report += [f"[{role}] {problem}" for problem in problems]
    assert not report, "\n".join(report)
    # The crawl reached each role's pages (not just the home page).
    assert all(count >= 8 for count in visited.values()), visited
