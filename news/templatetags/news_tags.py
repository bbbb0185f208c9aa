from django import template

from news.models import NewsPage
from portal.pagecache import content_memoized

register = template.Library()


@register.simple_tag
def latest_news(count=3):
    """The newest public news notes (three on the home page, which does not know
    news), kept in the process until the next publication."""
    return content_memoized(
        f"news:latest:{count}",
        lambda: list(
            NewsPage.objects.live().public().defer_streamfields().order_by("-date", "-pk")[:count]
        ),
    )
