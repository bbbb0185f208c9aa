"""Key figures of the home page, computed from the bourse (DESIGN.md 2, "Home page").

- tenants who exchanged: households of the files whose exchange is done;
- active listings: listings active and eligible (what the search shows);
- member landlords: active landlords.

They are cached (``STATS_KEY_FIGURES_SECONDS``, 5 minutes by default) under
one key. The home page itself sits in the anonymous page cache
(``portal.pagecache``, ``PAGE_CACHE_SECONDS``); ``refresh_key_figures`` drops
the cached figures *and* bumps the page cache's content version, so that the
home page shows new figures at once. It runs after each nightly
recomputation and when an exchange is completed or a completed file goes
back in progress; other changes (a listing activated, a landlord joining)
show within the two lifetimes (10 minutes at most with the defaults).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

import home.figures
from bourse.exchanges.models import ExchangeParty, Step
from bourse.exchanges.signals import exchange_file_completed, exchange_file_opened
from bourse.models import Landlord
from bourse.tenants.models import Listing, ListingStatus
from home.figures import (  # noqa: F401 (the sources' names, used by the tests)
    ACTIVE_LISTINGS,
    MEMBER_LANDLORDS,
    SOURCES,
    TENANTS_EXCHANGED,
    format_figure,
)
from portal.pagecache import bump_content_version

CACHE_KEY = "stats:key-figures"


def tenants_who_exchanged() -> int:
    return ExchangeParty.objects.filter(file__step=Step.DONE).count()


def active_listings() -> int:
    return Listing.objects.filter(status=ListingStatus.ACTIVE, eligible=True).count()


def member_landlords() -> int:
    return Landlord.objects.active().count()


COMPUTE = {
    TENANTS_EXCHANGED: tenants_who_exchanged,
    ACTIVE_LISTINGS: active_listings,
    MEMBER_LANDLORDS: member_landlords,
}


def key_figures() -> dict[str, int]:
    """The three figures, from the cache or computed (three COUNT queries)."""
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = {key: compute() for key, compute in COMPUTE.items()}
        cache.set(CACHE_KEY, figures, getattr(settings, "STATS_KEY_FIGURES_SECONDS", 300))
    return figures


def refresh_key_figures(**_kwargs) -> None:
    """Forget the cached figures and the cached pages that show them."""
    cache.delete(CACHE_KEY)
    bump_content_version()


def _on_exchange_change(sender, file=None, reopened=True, **kwargs):
    # A completion adds households; a completed file reopened removes them.
    if reopened:
        transaction.on_commit(refresh_key_figures)


def connect_signals() -> None:
    home.figures.provider = key_figures  # the home page's computed figures

    exchange_file_completed.connect(_on_exchange_change, dispatch_uid="stats-figures-completed")
    exchange_file_opened.connect(_on_exchange_change, dispatch_uid="stats-figures-opened")
