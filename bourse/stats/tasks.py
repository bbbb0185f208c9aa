"""Scheduled job of the statistics (Celery beat: ``stats-nightly-recompute``)."""

from celery import shared_task

from .compute import recompute_statistics


@shared_task
def recompute_statistics_task() -> dict:
    """Every night: all months recomputed (a late completion date lands in its month)."""
    run = recompute_statistics()
    return {"files": run.files, "monthly_rows": run.monthly_rows, "seconds": round(run.seconds, 2)}
