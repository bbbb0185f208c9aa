"""The visits' Celery task: the reminders of tomorrow's visits (beat
``visits-send-reminders``, every hour: a visit confirmed late the day before is
still reminded; ``services.send_reminders`` never reminds twice)."""

from celery import shared_task

from . import services


@shared_task
def send_visit_reminders() -> int:
    return services.send_reminders()
