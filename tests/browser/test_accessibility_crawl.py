"""Every page each role sees, checked as outside auditors would (issue 19).

With the demo content, each demo role signs in through ``/connexion/`` and its
pages are crawled in one browser from its landing page and the site's home,
following the links of every page (same site, outside the Wagtail and Django
admins, one page per route shape: ``/x/12/`` and ``/x/13/`` are the same view;
at most ``LIMIT`` pages per role). On each page:

- axe-core (WCAG 2.1 A/AA and best practices, axe's default rule set) at a
  desktop width: no violation;
- reflow (WCAG 1.4.10): at 320 px wide, ``scrollWidth <= 320`` (no horizontal
  scrolling of the page), and a box that scrolls sideways (a wide table) is a
  named keyboard stop;
- the HTML as served is saved; the Nu HTML Checker reads all of them in one
  run at the end: no error.

Pages the visitor already saw (public notes, webinars…) are checked again for a
signed-in role only for its landing page and the home page (the header holds
the account menu), which keeps the crawl to a few minutes.
"""

import os
import re
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests import a11y_tools
from tests.axe import axe_violations

from .signin import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 80
DESKTOP = {"width": 1280, "height": 900}
PHONE = 320
SKIP = (
    "/admin/",
    "/django-admin/",
    "/deconnexion/",
    "/static/",
    "/media/",
    "/documents/",
    "/_bench/",
)
FILES = re.compile(r"\.(pdf|csv|xlsx|ods|ics|xml|zip|png|jpe?g|svg|mp4|webm)$|/flux/|/export", re.I)
ONLY = os.environ.get("A11Y_ROLES", "").split(",")
ROLES = {
    # role: (username, password, extra start paths)
    "anonymous": (None, None, ["/page-qui-n-existe-pas/", "/connexion/", "/recherche/?q=échange"]),
    "tenant": ("locataire1", "Demo-Locataire-2026", []),
    "member": ("membre", "Demo-Membre-2026", []),
    "partner": ("partenaire", "Demo-Partenaire-2026", []),
    "agent": ("agent1-paris-habitat", "Demo-Bailleur-2026", ["/dossiers/"]),
    "landlord_admin": ("admin-paris-habitat", "Demo-Bailleur-2026", ["/dossiers/"]),
    "amo": ("amo", "Demo-Amo-2026", ["/dossiers/"]),
}
# Wagtail's user bar and its inline notes are the editors' own tool (shown to
# accounts that may open the admin), checked by Wagtail, not part of the page.
AXE_CONTEXT = {"exclude": [["wagtail-userbar"], ["wagtail-inline-userbar"]]}
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
WIDTH_JS = "() => document.documentElement.scrollWidth"
# Resolves once the page has seen the new width and run its resize handlers
# (tables.js names the boxes that start to scroll): two frames after the resize.
SETTLED_JS = """(width) => new Promise(resolve => {
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
  if (window.innerWidth === width) { frames(); return; }
  window.addEventListener('resize', function once() {
    if (window.innerWidth !== width) return;
    window.removeEventListener('resize', once);
    frames();
  });
})"""
# Boxes that scroll sideways but cannot be reached or are not named.
UNNAMED_SCROLL_JS = """() => Array.from(document.querySelectorAll('main *'))
  .filter(el => el.scrollWidth > el.clientWidth + 1
    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
    && !(el.tabIndex >= 0 && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
  .map(el => el.tagName + '.' + el.className)"""


def shape(url: str) -> str:
    path, _, query = url.partition("?")
    return re.sub(r"\d+", "0", path) + ("?" if query else "")


def _same_site_path(href: str, origin: str) -> str | None:
    href = urldefrag(href)[0]
    if not href.startswith(origin):
        return None
    parts = urlsplit(href)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP) or FILES.search(parts.path):
        return None
    return path


def crawl_role(page, axe_script, origin, starts, skip_shapes, html_dir, role):
    """Visit the role's pages; returns (pages visited, problems, saved files by name)."""
    seen, queue, problems, files = set(), deque(starts), [], {}
    while queue and len(seen) < LIMIT:
        path = queue.popleft()
        if shape(path) in seen or (shape(path) in skip_shapes and path not in starts):
            continue
        seen.add(shape(path))
        try:
            response = page.goto(path, wait_until="load")
        except Exception:  # noqa: BLE001, S112 - a download or an aborted navigation: not a page
            continue
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        final = _same_site_path(page.url, origin)
        if final is None:
            continue
        if final != path:
            if shape(final) in seen or shape(final) in skip_shapes:
                continue
            seen.add(shape(final))
        label = f"[{role}] {final} ({response.status})"
        name = f"{role}-{len(files):03d}.html"
        (html_dir / name).write_text(response.text(), encoding="utf-8")
        files[name] = label

        for violation in axe_violations(page, axe_script, AXE_CONTEXT):
            targets = "; ".join(str(node["target"]) for node in violation["nodes"][:3])
            problems.append(f"axe {label}: {violation['id']} — {violation['help']} — {targets}")

        page.set_viewport_size({"width": PHONE, "height": 800})
        page.evaluate(SETTLED_JS, PHONE)
        width = page.evaluate(WIDTH_JS)
        if width > PHONE:
            problems.append(f"reflow {label}: {width} px de large à {PHONE} px")
        for box in page.evaluate(UNNAMED_SCROLL_JS):
            problems.append(f"reflow {label}: {box} défile sans être atteignable au clavier")
        page.set_viewport_size(DESKTOP)

        for href in page.evaluate(LINKS_JS):
            link = _same_site_path(href, origin)
            if link and shape(link) not in seen:
                queue.append(link)
    return seen, problems, files


@pytest.mark.long
def test_every_page_of_every_role(browser, live_server, demo_content, tmp_path):
    # A11Y_HTML_DIR keeps the served pages for a look after the run.
    if os.environ.get("A11Y_HTML_DIR"):
        tmp_path = Path(os.environ["A11Y_HTML_DIR"])
        tmp_path.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    axe_script = a11y_tools.axe_script()
    vnu = a11y_tools.vnu_command()
    origin = live_server.url
    problems, files, counts, public = [], {}, {}, set()
    for role, (username, password, extra) in ROLES.items():
        if ONLY != [""] and role not in ONLY:
            continue
        # Motion as most visitors have it: the banner's pause button is checked too.
        context = browser.new_context(
            base_url=origin, locale="fr-FR", viewport=DESKTOP, reduced_motion="no-preference"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        starts = ["/", *extra]
        if username:
            sign_in(page, username, password)
            page.wait_for_load_state("load")
            landing = _same_site_path(page.url, origin)
            assert landing and not landing.startswith("/connexion/"), (role, page.url)
            starts = [landing, *starts]
        seen, role_problems, role_files = crawl_role(
            page, axe_script, origin, starts, public, tmp_path, role
        )
        context.close()
        if username is None:
            public = seen
        counts[role] = len(role_files)
        problems += role_problems
        files.update(role_files)

    if vnu is None:
        problems.append("vnu: Java introuvable, HTML non vérifié")
    else:
        for name, errors in a11y_tools.vnu_errors(vnu, sorted(tmp_path.glob("*.html"))).items():
            problems += [f"html {files.get(name, name)}: {error}" for error in errors]

    elapsed = time.monotonic() - started
    print(f"\nCrawl: {sum(counts.values())} pages in {elapsed:.0f} s — {counts}")
    # The crawl reached each role's own pages, not just the home page.
    assert all(count >= 3 for count in counts.values()), counts
    assert not problems, f"{len(problems)} problème(s):\n" + "\n".join(problems)
    if vnu is None:
        pytest.skip("Java introuvable : le validateur HTML (vnu) n'a pas tourné")
