"""Chain search as Celery tasks: nightly (beat ``chains-find``) and on demand, a while
after a listing changed or a proposal was declined (one run per delay)."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SOON_KEY = "chains:search-scheduled"


@shared_task
def find_chains() -> dict:
    from .services import find_chains as run_job

    run = run_job()
    return {
        "listings": run.listings,
        "found": run.found,
        "proposed": run.proposed,
        "dissolved": run.dissolved,
        "seconds": round(run.seconds, 2),
        "locked_out": run.locked_out,
    }


def schedule_search() -> None:
    """After the current transaction commits, run the search once within
    ``CHAINS_ON_CHANGE_DELAY`` seconds (later calls in that window add nothing)."""
    if not getattr(settings, "CHAINS_SEARCH_ON_CHANGE", True):
        return
    delay = int(getattr(settings, "CHAINS_ON_CHANGE_DELAY", 120))

    def enqueue():
        if cache.add(SOON_KEY, 1, timeout=delay):
            find_chains.apply_async(countdown=delay)

    transaction.on_commit(enqueue)
