"""Every demo role signs in through the one sign-in page, lands on its home with
its name in the header, and signs out — on a phone (375 px) and a desktop; axe-core
on the sign-in page and on a page with the signed-in header."""

import os
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations
from .signin import sign_in
from .test_public_site import demo_site  # noqa: F401  (fixture: the demo content)

pytestmark = pytest.mark.django_db(transaction=True)

# username, password, home path
ROLES = [
    ("locataire1", "Demo-Locataire-2026", "/locataire/"),
    ("agent1-paris-habitat", "Demo-Bailleur-2026", "/bourse/espace-bailleur/"),
    ("admin-seqens", "Demo-Bailleur-2026", "/bourse/espace-bailleur/"),
    ("amo", "Demo-Amo-2026", "/bourse/espace-bailleur/"),
    ("partenaire", "Demo-Partenaire-2026", "/bourse/espace-partenaire/"),
    ("membre", "Demo-Membre-2026", "/espace-adherents/"),
    ("editeur", "Demo-Editeur-2026", "/admin/"),
    ("admin", "Demo-Admin-2026", "/admin/"),
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def open_account_menu(page):
    """On a phone the header's menu folds: unfold it first (once), and let its
    animation end before clicking the account button (a moving target)."""
    account = page.locator("#menu-compte")
    # A click before Bootstrap's script has run (the page just landed) is lost.
    page.wait_for_load_state("load")
    if not account.is_visible():
        page.get_by_role("button", name="Ouvrir le menu").click()
        expect(page.locator("#menu-principal")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(page.locator("#menu-principal.collapsing")).to_have_count(0)
    sign_out = page.get_by_role("button", name="Se déconnecter")
    for _attempt in range(3):
        if account.get_attribute("aria-expanded") != "true":
            account.click()
        try:
            expect(sign_out).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            continue
    expect(sign_out).to_be_visible()


def sign_out_from_the_header(page):
    open_account_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"), timeout=20_000)
    expect(page.get_by_role("status").first).to_contain_text("Vous êtes déconnecté")


@pytest.mark.long
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_demo_role_signs_in_lands_home_and_signs_out(browser, demo_site, viewport):  # noqa: F811
    context = browser.new_context(base_url=demo_site.url, locale="fr-FR", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto("/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert_no_axe_violations(page, "page de connexion")
    # A wrong password: a French message, still on the page.
    sign_in(page, "amo", "pas-le-bon")
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")
    # The error summary takes the focus (static/js/forms.js, on every form).
    expect(page.locator(".form-error-summary")).to_be_focused()

    for username, password, home in ROLES:
        sign_in(page, username, password)
        expect(page).to_have_url(re.compile(re.escape(home) + r"$"), timeout=20_000)
        if home == "/admin/":
            # The Wagtail admin, in French, with the editor's name in its menu.
            expect(page.locator("html")).to_have_attribute("lang", re.compile("^fr"))
            page.goto("/")
        user = get_user_model().objects.get(username=username)
        shown = user.get_short_name() or username
        expect(page.locator("#menu-compte")).to_contain_text(f"Connecté en tant que {shown}")
        if username == "locataire1":
            assert_no_axe_violations(page, "accueil locataire avec l’en-tête connecté")
            open_account_menu(page)
            expect(page.get_by_role("link", name="Espace locataire")).to_be_visible()
            page.keyboard.press("Escape")
        if SHOTS:  # SCREENSHOT_DIR=… to look at each home
            page.screenshot(path=f"{SHOTS}/signin-{username}-{viewport['width']}.png")
        sign_out_from_the_header(page)

    # An anonymous visitor asked for a staff page comes back to it after signing in.
    page.goto("/dossiers/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/dossiers/"))
    page.get_by_label("Identifiant ou adresse électronique").fill("agent1-paris-habitat")
    page.get_by_label("Mot de passe").fill("Demo-Bailleur-2026")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page).to_have_url(re.compile(r"/dossiers/$"))
    context.close()
