"""Scheduled publication: pages whose "go live" or "expiry" date has come
(Wagtail's ``publish_scheduled`` command, run by Celery beat every minute).
Publishing sends ``page_published``, which clears the anonymous page cache."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def publish_scheduled_pages() -> None:
    call_command("publish_scheduled", verbosity=0)
