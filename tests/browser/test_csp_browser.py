"""The Content-Security-Policy in a real browser: the Wagtail admin's main
screens (dashboard, explorer, page editor with StreamField and Draftail,
snippets, documents, images) and a public page work under it, without any
violation report nor console error."""

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

# Collected before any script of the page runs (init scripts are not subject to CSP).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI || "inline"}`
      + ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


class Watcher:
    """Console errors and warnings, page errors and CSP violations of one page."""

    def __init__(self, page):
        self.page = page
        self.messages: list[str] = []
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on("response", self._response)

    def _response(self, response):
        if response.status >= 400:
            self.messages.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message):
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.messages.append(f"console.{message.type}: {message.text}")

    def check(self, label):
        """Note this screen's problems (all screens are visited before failing)."""
        violations = self.page.evaluate("window.__cspViolations.splice(0)")
        self.problems += [f"{label}: {problem}" for problem in [*violations, *self.messages]]
        self.messages.clear()

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def admin_world(home, live_server, django_user_model):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from home.models import BannerMessage, StandardPage

    faq = StandardPage(
        title="Questions fréquentes",
        slug="faq",
        intro="Les réponses.",
        body=[
            ("heading", {"text": "Qui peut s’inscrire ?"}),
            ("paragraph", "<p>Tout locataire d’un <b>bailleur adhérent</b>.</p>"),
        ],
    )
    home.add_child(instance=faq)
    faq.save_revision().publish()
    BannerMessage.objects.create(text="Webinaire le 12 juin")
    get_image_model().objects.create(title="Logo", file=get_test_image_file())
    admin = django_user_model.objects.create_superuser("csp-admin", "a@example.org", "x")
    return {"url": live_server.url, "admin": admin, "faq": faq}


@pytest.fixture
def admin_page(browser, admin_world):
    client = Client()
    client.force_login(admin_world["admin"])
    context = browser.new_context(base_url=admin_world["url"], locale="fr-FR")
    context.add_init_script(WATCH_VIOLATIONS)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": admin_world["url"],
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _visit(page, watcher, path, ready, label):
    response = page.goto(path)
    assert response.status == 200, f"{label}: HTTP {response.status}"
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    watcher.check(label)


@pytest.mark.long
def test_admin_main_screens_work_under_the_policy(admin_page, admin_world):
    page = admin_page
    watcher = Watcher(page)
    faq = admin_world["faq"]
    home_pk = faq.get_parent().pk

    _visit(page, watcher, "/admin/", "main h1", "tableau de bord")
    expect(page.locator("#wagtail-sidebar nav, #wagtail-sidebar a").first).to_be_visible()
    _visit(page, watcher, "/admin/pages/", "main table", "explorateur (racine)")
    _visit(page, watcher, f"/admin/pages/{home_pk}/", "main table", "explorateur (accueil)")

    # Page editor: the StreamField with a Draftail editor inside it.
    _visit(page, watcher, f"/admin/pages/{faq.pk}/edit/", ".Draftail-Editor", "éditeur (FAQ)")
    expect(page.locator("[data-streamfield-stream-container]").first).to_be_visible()
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Ajout.")
    expect(editor).to_contain_text("Ajout.")
    page.locator("[data-streamfield-stream-container] button[title]").first.click()
    page.wait_for_timeout(500)
    watcher.check("éditeur : menu d’ajout de bloc")
    page.keyboard.press("Escape")
    # The preview side panel frames the admin's own preview (frame-ancestors 'self').
    toggle = page.locator("[data-side-panel-toggle='preview']")
    if toggle.count():
        toggle.first.click()
        expect(page.frame_locator("iframe").first.locator("h1")).to_have_text(
            "Questions fréquentes"
        )
        watcher.check("éditeur : aperçu")
    # The home page's rich-text intro (Draftail outside a StreamField).
    _visit(page, watcher, f"/admin/pages/{home_pk}/edit/", ".Draftail-Editor", "éditeur (accueil)")

    _visit(page, watcher, "/admin/snippets/", "main", "extraits")
    _visit(page, watcher, "/admin/snippets/home/bannermessage/", "main table", "bandeau")
    _visit(
        page,
        watcher,
        "/admin/snippets/home/bannermessage/add/",
        "input[name=text]",
        "bandeau : ajout",
    )
    _visit(page, watcher, "/admin/documents/", "main", "documents")
    _visit(page, watcher, "/admin/documents/multiple/add/", "main form", "documents : ajout")
    _visit(page, watcher, "/admin/images/", "main img", "images")
    _visit(page, watcher, "/admin/images/multiple/add/", "main form", "images : ajout")
    watcher.assert_clean()


def test_public_page_and_userbar_under_the_policy(admin_page, admin_world):
    """A signed-in editor sees the public page with Wagtail's userbar: the strict policy."""
    page = admin_page
    watcher = Watcher(page)
    response = page.goto("/faq/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions fréquentes")
    expect(page.locator("wagtail-userbar")).to_be_attached()
    page.wait_for_load_state("networkidle")
    watcher.check("page publique avec la barre Wagtail")
    watcher.assert_clean()
