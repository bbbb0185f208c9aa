"""The member area in a real browser (Chromium): password form, section
page, document download; axe-core finds no violation."""

import os

import pytest
from playwright.sync_api import expect

from .conftest import KIT_PASSWORD, SECRET_WORD, assert_no_axe_violations

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_password_form_section_page_and_download(browser_page, kit, live_server):
    page = browser_page
    page.goto(kit.section.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès protégé")
    assert SECRET_WORD not in page.content()
    assert_no_axe_violations(page, "password form")

    # A document URL copied out of the site asks for the same password.
    anonymous = page.context.request.get(kit.guide.url)
    assert anonymous.status == 403
    assert not anonymous.body().startswith(b"%PDF")

    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Accéder").click()
    expect(page.get_by_label("Mot de passe")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Mot de passe").fill(KIT_PASSWORD)
    page.get_by_role("button", name="Accéder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kit.section.title)
    expect(page.get_by_text("Mis à jour").first).to_be_visible()
    assert_no_axe_violations(page, "section page")

    # The current version: the link works with the session's cookie.
    link = page.get_by_role("link", name=f"{kit.guide.title} (télécharger)")
    href = link.get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    assert "private" in response.headers["cache-control"]

    # An older version: a real download.
    page.get_by_text("1 version précédente").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Version mars 2021 – {kit.book.title}").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
