from celery import shared_task

from . import services


@shared_task(name="bourse.conversations.tasks.purge_conversations")
def purge_conversations() -> int:
    """Daily: conversations closed longer than the retention period are emptied."""
    return services.purge_ended()
