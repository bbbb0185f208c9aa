"""The demo-content command builds the site and is idempotent."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def snapshot():
    """Row count of every model of the project and of Wagtail's core tables."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.app_label
        if label in {"sessions", "admin"} or model._meta.proxy:
            continue
        counts[model._meta.label] = model.objects.count()
    return counts


def test_demo_content_twice_changes_nothing(demo_content):
    # demo_content: the session's first run of the command, copied back.
    first = snapshot()
    revisions = {p.pk: p.latest_revision_id for p in Page.objects.all()}
    call_command("load_demo_content", stdout=io.StringIO())
    assert snapshot() == first
    assert {p.pk: p.latest_revision_id for p in Page.objects.all()} == revisions


def test_demo_content_builds_the_site(client, demo_content):
    from home.models import BannerMessage, HomePage
    from news.models import NewsPage

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert NewsPage.objects.live().count() >= 4
    june = NewsPage.objects.get(reference="FAB18 – 018a")
    assert june.date.isoformat() == "2021-06-04"
    from home.banner import current_banner_messages

    assert BannerMessage.objects.count() >= 3
    assert len(current_banner_messages()) >= 1
    for path in (
        "/",
        "/actualites/",
        june.url,
        "/faq/",
        "/mentions-legales/",
        "/accessibilite/",
        "/donnees-personnelles/",
        "/charte/",
        "/webinaires/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.login(username="editeur", password="Demo-Editeur-2026")
    assert client.get("/admin/").status_code == 200
