from django import template

from news.models import NewsPage

register = template.Library()


@register.simple_tag
def latest_news(count=3):
    """The newest public news notes (three on the home page, which does not know news)."""
    return NewsPage.objects.live().public().defer_streamfields().order_by("-date", "-pk")[:count]
