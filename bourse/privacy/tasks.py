from celery import shared_task

from . import retention


@shared_task
def purge_personal_data() -> dict:
    """Daily (beat ``privacy-purge-personal-data``): the retention table applied."""
    return {outcome.rule.key: outcome.count for outcome in retention.run()}
