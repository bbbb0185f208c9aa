"""The public site in a real browser: home, banner pause, news, search;
axe-core on the main pages."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(live_server, demo_content):
    return live_server


@pytest.mark.motion
def test_home_banner_news_and_search(page, demo_site):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"

    # The scrolling banner can be paused (WCAG 2.2.2).
    toggle = page.get_by_role("button", name="Mettre en pause le défilement")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(page.locator("[data-banner]")).to_have_class(re.compile("is-paused"))
    # One state: the label says what the button does, no aria-pressed beside it.
    resume = page.get_by_role("button", name="Reprendre le défilement")
    expect(resume).to_be_visible()
    assert resume.get_attribute("aria-pressed") is None
    state = page.locator("[data-banner-track]").evaluate(
        "el => getComputedStyle(el).animationPlayState"
    )
    assert state == "paused"

    # Open a news note from the list.
    page.get_by_role("link", name="Actualités", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/actualites/$"))
    page.locator("main").get_by_role("link", name=re.compile("juin 2021")).first.click()
    expect(page.locator("h1")).to_contain_text("juin 2021")
    expect(page.locator("main")).to_contain_text("FAB18")

    # Search a word and land on the result.
    page.get_by_label("Rechercher sur le site").fill("logigramme")
    page.get_by_label("Rechercher sur le site").press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=logigramme"))
    page.locator("main").get_by_role("link", name=re.compile("juin 2021")).first.click()
    expect(page.locator("h1")).to_contain_text("juin 2021")


def test_banner_does_not_move_with_reduced_motion(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, reduced_motion="reduce")
    page = context.new_page()
    page.goto("/")
    animation = page.locator("[data-banner-track]").evaluate(
        "el => getComputedStyle(el).animationName"
    )
    assert animation == "none"
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/", "/actualites/", "NOTE", "/recherche/?q=échange", "/page-qui-n-existe-pas/"],
)
def test_main_pages_have_no_axe_violations(page, demo_site, path):
    if path == "NOTE":
        from news.models import NewsPage

        path = NewsPage.objects.live().public().get(reference="FAB18 – 018a").url
    page.goto(path)
    assert_no_axe_violations(page, path)
