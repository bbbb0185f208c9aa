"""The scrolling banner rule: which messages show now, and until when.

The list of not-yet-ended messages is kept in the process until the next
content change (a message saved or deleted bumps the content version);
filtering by the current time happens on each request, so a message starts
and stops showing exactly on time.
"""

from django.utils import timezone

from portal.pagecache import content_memoized

CACHE_KEY = "banner:upcoming"
MAX_SECONDS = 24 * 3600


def _upcoming_messages():
    from .models import BannerMessage

    def compute():
        now = timezone.now()
        qs = BannerMessage.objects.select_related("link_page").exclude(ends_at__lte=now)
        return [
            {
                "id": m.pk,
                "text": m.text,
                "url": m.url,
                "starts_at": m.starts_at,
                "ends_at": m.ends_at,
                "sort_order": m.sort_order,
            }
            for m in qs.order_by("sort_order", "starts_at", "pk")
        ]

    return content_memoized(CACHE_KEY, compute)


def current_banner_messages(now=None) -> list[dict]:
    """Messages shown now, in editor order (start ≤ now < end)."""
    now = now or timezone.now()
    return [
        m
        for m in _upcoming_messages()
        if m["starts_at"] <= now and (m["ends_at"] is None or now < m["ends_at"])
    ]


def seconds_until_next_banner_change(now=None) -> int:
    """Seconds before a message starts or ends: how long a page may be cached."""
    now = now or timezone.now()
    upcoming = [
        moment
        for m in _upcoming_messages()
        for moment in (m["starts_at"], m["ends_at"])
        if moment is not None and moment > now
    ]
    if not upcoming:
        return MAX_SECONDS
    return max(0, int((min(upcoming) - now).total_seconds()))
