from celery import shared_task


@shared_task
def daily_account_jobs() -> dict:
    """Daily (beat): patrimoine sync, warnings, automatic deactivations, purge."""
    from .jobs import run_daily

    return run_daily()
