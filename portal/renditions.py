"""Image renditions made when an image is saved, never while a page is viewed.

Wagtail makes a rendition the first time a template asks for it, which writes
to the database (and the storage) during a GET. Each app registers the filter
specs its templates use (``register`` from ``AppConfig.ready()``); saving an
image then makes all of them, in a Celery task after the transaction commits.
A spec a template uses but no app registered still works (Wagtail makes it
on first view): ``tests/portal/test_get_writes_nothing.py`` finds those.
"""

from celery import shared_task
from django.db import transaction

_SPECS: set[str] = set()


def register(*specs: str) -> None:
    _SPECS.update(specs)


def specs() -> list[str]:
    return sorted(_SPECS)


def make_renditions(image) -> int:
    """Make every registered rendition of ``image`` that is missing; returns their number."""
    if not _SPECS or not image.file:
        return 0
    return len(image.get_renditions(*specs()))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def make_renditions_task(image_id: int) -> int:
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    return make_renditions(image) if image is not None else 0


def image_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    image_id = instance.pk
    transaction.on_commit(lambda: make_renditions_task.delay(image_id))


def connect() -> None:
    from django.db.models.signals import post_save
    from wagtail.images import get_image_model

    post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="portal.renditions")
