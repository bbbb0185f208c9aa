"""The GIE editor's day in a real browser (Chromium): a news note with
several blocks published and seen at once by a visitor (the anonymous page
cache is cleared), a banner message, the member area's new password. Every
admin screen is in French and nothing is fetched from another host."""

import os
import re

import pytest
from playwright.sync_api import expect

from .conftest import EDITOR_PASSWORD, KIT_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_KIT_PASSWORD = "Adherents-IDF-2027"  # noqa: S105 (test value)
# Words of Wagtail's English defaults or of untranslated labels: none may show.
ENGLISH = re.compile(
    r"\b(Moderators|approval|Editors|Save draft|Publish|Submit|Snippets?|Settings|"
    r"Banner|Key figures?|News theme|Members? area|Privacy|Dashboard)\b"
)


@pytest.fixture(autouse=True)
def _no_autosave(settings):
    """Wagtail 8 autosaves the page being edited (a POST 0.5 s after the last
    keystroke). A script clicks "Publier" within that window, which a person
    rarely does: the two requests then collide (SQLite: "database is locked";
    PostgreSQL: the publication posted to the "add" address of a page the
    autosave has just created, 400). The test is about publishing: no autosave."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


def sign_in(page, username: str, password: str, next_url: str = "/admin/") -> None:
    """Sign in through the site's sign-in door (the one place that knows it:
    today /admin/login/, which may send on to /connexion/; both have the
    fields ``username`` and ``password``)."""
    page.goto(f"/admin/login/?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"**{next_url}")


def record_requests(context, urls: list) -> None:
    context.on("request", lambda request: urls.append(request.url))


def outside_requests(urls: list, base: str) -> list:
    return [u for u in urls if not u.startswith((base, "data:", "blob:", "about:"))]


def assert_french(page, screen: str) -> None:
    text = page.locator("body").inner_text()
    found = ENGLISH.findall(text)
    assert not found, f"{screen}: {found}"


def add_block(page, label: str) -> None:
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def type_rich_text(page, index: int, text: str) -> None:
    """Type into the ``index``-th rich-text (Draftail) editor of the form."""
    editor = page.locator(".public-DraftEditor-content").nth(index)
    expect(editor).to_be_editable()
    editor.click()
    editor.press_sequentially(text)
    expect(editor).to_contain_text(text)
    # Draftail copies its content into the form's hidden input on blur/change.
    editor.blur()
    page.wait_for_timeout(300)


@pytest.mark.long
def test_editor_publishes_a_note_a_banner_message_and_the_kit_password(
    page, live_server, site, editor
):
    base = live_server.url
    urls: list = []
    record_requests(page.context, urls)
    visitor = page.context.browser.new_context(base_url=base, locale="fr-FR")
    record_requests(visitor, urls)
    reader = visitor.new_page()
    reader.set_default_timeout(10_000)

    # A visitor's copy of the news index is in the anonymous page cache.
    reader.goto("/actualites/")
    assert reader.request.get(f"{base}/actualites/").headers.get("x-page-cache") == "hit"

    sign_in(page, "editeur", EDITOR_PASSWORD)
    assert_french(page, "dashboard")

    # A news note with several blocks, published at once.
    page.goto(f"/admin/pages/{site.news_index.pk}/add_subpage/")
    expect(page.get_by_text("Nouveau: Note d’actualités").first).to_be_visible()
    page.locator("#id_title").fill("Relances automatiques des dossiers")
    page.locator("#id_intro").fill("Les bailleurs sont relancés au bout de quinze jours.")
    add_block(page, "Titre de section")
    page.locator("#body-0-value-text").fill("Ce qui change en décembre")
    add_block(page, "Texte")
    type_rich_text(page, 0, "Une relance part quand un dossier reste sans réponse.")
    add_block(page, "Encadré (information, attention)")
    page.locator("#body-2-value-level").select_option("attention")
    page.locator("#body-2-value-title").fill("À retenir")
    type_rich_text(page, 1, "Le second contact du bailleur est aussi prévenu.")
    assert_french(page, "new news note")
    page.get_by_role("button", name="Plus d'actions").click()
    expect(
        page.get_by_role("button", name=re.compile("Soumettre à Relecture par le GIE"))
    ).to_be_visible()
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_url(re.compile(rf"/admin/pages/{site.news_index.pk}/$"), timeout=30_000)
    expect(
        page.get_by_text(re.compile("Relances automatiques des dossiers.*publiée"))
    ).to_be_visible()

    # The visitor sees it at once: the publication cleared the page cache.
    reader.goto("/actualites/")
    expect(reader.get_by_role("link", name=re.compile("Relances automatiques"))).to_be_visible()
    reader.get_by_role("link", name=re.compile("Relances automatiques")).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Relances automatiques des dossiers"
    )
    expect(reader.get_by_role("heading", name="Ce qui change en décembre")).to_be_visible()
    expect(
        reader.get_by_text("Une relance part quand un dossier reste sans réponse.")
    ).to_be_visible()
    expect(reader.get_by_text("Le second contact du bailleur est aussi prévenu.")).to_be_visible()

    # A banner message (snippet), shown on every page at once.
    page.goto("/admin/snippets/home/bannermessage/")
    assert_french(page, "banner messages")
    page.get_by_role("link", name=re.compile("Ajouter")).first.click()
    page.locator("#id_text").fill("Le GIE sera fermé le 24 décembre.")
    assert_french(page, "new banner message")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/snippets/home/bannermessage/", timeout=30_000)
    expect(page.get_by_text("Le GIE sera fermé le 24 décembre.").first).to_be_visible()
    reader.goto("/")
    expect(reader.get_by_text("Le GIE sera fermé le 24 décembre.").first).to_be_attached()

    # The member area's password: page privacy of "Espace adhérents".
    page.goto(f"/admin/pages/{site.kit.pk}/edit/")
    assert_french(page, "member area")
    page.locator("[data-side-panel-toggle=status]").click()
    page.locator("[data-side-panel=status]").get_by_role(
        "button", name="Modifier les règles de confidentialité"
    ).click()
    dialog = page.get_by_role("dialog").filter(has_text="Mot de passe partagé")
    expect(dialog.get_by_label("Privé, accessible avec un mot de passe")).to_be_checked()
    dialog.locator("input[name=password]").fill(NEW_KIT_PASSWORD)
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(dialog).to_be_hidden(timeout=15_000)
    assert site.kit.get_view_restrictions().get().password == NEW_KIT_PASSWORD

    reader.goto("/espace-adherents/")
    reader.get_by_label("Mot de passe").fill(KIT_PASSWORD)
    reader.get_by_role("button", name="Accéder").click()
    expect(reader.get_by_label("Mot de passe")).to_have_attribute("aria-invalid", "true")
    reader.get_by_label("Mot de passe").fill(NEW_KIT_PASSWORD)
    reader.get_by_role("button", name="Accéder").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Espace adhérents")

    # Documents and images screens, the account: French, no other host.
    for path in ("/admin/documents/", "/admin/images/", "/admin/pages/", "/admin/account/"):
        page.goto(path)
        assert_french(page, path)
    visitor.close()
    assert outside_requests(urls, base) == []


def test_the_admin_calls_no_other_host(page, live_server, site, django_user_model):
    """The super user's dashboard is where Wagtail checks for releases and
    shows Gravatar avatars: none of it here."""
    django_user_model.objects.create_superuser(
        "admin", "admin@echangerhabiter.example", "Mot-de-passe-Admin-2026"
    )
    urls: list = []
    record_requests(page.context, urls)
    sign_in(page, "admin", "Mot-de-passe-Admin-2026")
    page.wait_for_load_state("networkidle")
    for path in ("/admin/users/", "/admin/pages/", f"/admin/pages/{site.note.pk}/edit/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    html = page.content()
    assert "gravatar" not in html
    assert outside_requests(urls, live_server.url) == []
