"""Signing in through the one sign-in page, for every browser test."""

import re

from playwright.sync_api import expect

SIGN_IN_LABEL = "Identifiant ou adresse électronique"


def fill_sign_in(page, username, password):
    """Fill the sign-in page the browser is on (reached directly or by a redirect)."""
    expect(page).to_have_url(re.compile(r"/connexion/"))
    page.get_by_label(SIGN_IN_LABEL).fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def sign_in(page, username, password, next_path=""):
    page.goto("/connexion/" + (f"?next={next_path}" if next_path else ""))
    fill_sign_in(page, username, password)
