"""Where each news page type may be created."""

import pytest
from wagtail.models import Page

from home.models import HomePage, StandardPage
from news.models import NewsIndexPage, NewsPage, NewsTheme, WebinarIndexPage, WebinarPage

pytestmark = pytest.mark.django_db


def test_news_page_only_under_news_index():
    # Members-only notes may also live in the member area (kit_adherents), never elsewhere.
    parents = NewsPage.allowed_parent_page_models()
    assert NewsIndexPage in parents
    assert {p._meta.app_label for p in parents} <= {"news", "kit_adherents"}
    assert not {HomePage, StandardPage, WebinarIndexPage} & set(parents)
    assert NewsPage.allowed_subpage_models() == []


def test_news_index_only_under_home_and_holds_only_notes():
    assert NewsIndexPage.allowed_parent_page_models() == [HomePage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert NewsIndexPage not in StandardPage.allowed_subpage_models()


def test_webinar_rules():
    assert WebinarIndexPage.allowed_parent_page_models() == [HomePage]
    assert WebinarIndexPage.allowed_subpage_models() == [WebinarPage]
    assert WebinarPage.allowed_parent_page_models() == [WebinarIndexPage]
    assert WebinarPage.allowed_subpage_models() == []


def test_can_create_at(home, news_index, webinar_index):
    assert NewsPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(home)
    assert not NewsPage.can_create_at(webinar_index)
    assert WebinarPage.can_create_at(webinar_index)
    assert not WebinarPage.can_create_at(news_index)
    assert not NewsIndexPage.can_create_at(Page.get_first_root_node())
    # Only one news index per site.
    assert not NewsIndexPage.can_create_at(home)


def test_members_only_follows_view_restrictions(make_note):
    from wagtail.models import PageViewRestriction

    note = make_note()
    assert note.members_only is False
    PageViewRestriction.objects.create(page=note, restriction_type=PageViewRestriction.LOGIN)
    assert note.members_only is True


def test_theme_str():
    assert str(NewsTheme(name="Vie du réseau", slug="vie-du-reseau")) == "Vie du réseau"
