from celery import shared_task

from .patrimoine.importer import fail_stale_imports, run_import
from .patrimoine.inbox import collect_inbox_files


@shared_task(acks_late=True)
def import_patrimoine(import_id: int) -> str:
    return run_import(import_id).status


@shared_task
def sync_patrimoine_inboxes() -> int:
    """Scheduled job: import the files dropped in the landlords' inbox folders."""
    ids = collect_inbox_files()
    for import_id in ids:
        run_import(import_id)
    return len(ids)


@shared_task
def fail_stale_patrimoine_imports() -> int:
    """Beat job: imports running without progress for too long are marked failed."""
    return fail_stale_imports()
