"""RSS feed of the news notes, served by ``NewsIndexPage`` at ``flux/``; its
links start with ``settings.SITE_URL`` whatever host the request came through."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from portal.siteurl import page_url

from .models import FEED_ITEMS


class NewsFeed(Feed):
    """The latest live, public notes of one news index (20 at most)."""

    feed_type = Rss201rev2Feed
    language = "fr"
    description = _("Les notes d’actualités du GIE Echanger Habiter.")

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Actualités Echanger Habiter")

    def link(self):
        return page_url(self.index_page) or "/"

    def feed_url(self):
        return self.link() + self.index_page.reverse_subpage("feed")

    def items(self):
        from .models import NewsPage

        return (
            NewsPage.objects.child_of(self.index_page)
            .live()
            .public()
            .defer_streamfields()
            .select_related("theme")
            .order_by("-date", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return f"{item.title} ({item.reference})" if item.reference else item.title

    def item_description(self, item):
        return item.intro or item.search_description or ""

    def item_link(self, item):
        return page_url(item)

    def item_guid(self, item):
        return self.item_link(item)

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(9, 0)))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.theme.name] if item.theme else []
