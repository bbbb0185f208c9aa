"""Scheduled jobs of the exchange files (Celery beat: ``exchanges-daily-jobs``)."""

from celery import shared_task

from .reminders import close_inactive_files, send_reminders


@shared_task
def send_exchange_reminders() -> dict:
    run = send_reminders()
    return {"reminders": run.reminders, "mails": run.mails, "locked_out": run.locked_out}


@shared_task
def close_inactive_exchange_files() -> int:
    return close_inactive_files()


@shared_task
def daily_exchange_jobs() -> dict:
    """Every morning: inactivity closures first (a closed file needs no reminder), then
    the alerts' reminders."""
    closed = close_inactive_files()
    run = send_reminders()
    return {
        "closed_for_inactivity": closed,
        "reminders": run.reminders,
        "mails": run.mails,
        "locked_out": run.locked_out,
    }
