"""axe-core on the news and webinar pages of the demo site (real Chromium)."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import assert_no_axe_violations, browser, page  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server


@pytest.mark.parametrize(
    "slug",
    [
        "/actualites/?theme=vie-du-reseau&annee=2021",
        "1000-locataires-ayant-echange",
        "note-actualites-mars-2021",
        "/webinaires/",
        "formation-bailleurs-3",
    ],
)
def test_news_and_webinar_pages_have_no_axe_violations(page, demo_site, slug):  # noqa: F811
    from wagtail.models import Page

    path = slug if slug.startswith("/") else Page.objects.get(slug=slug).url
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page, path)
