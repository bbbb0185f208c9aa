"""Hooks: a listing that changes triggers a search soon (debounced); a household that
enters an exchange file leaves its open proposals."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from bourse.exchanges.signals import exchange_file_opened
from bourse.tenants.models import Listing


@receiver(post_save, sender=Listing, dispatch_uid="chains_listing_changed")
def listing_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from .tasks import schedule_search

    schedule_search()


@receiver(exchange_file_opened, dispatch_uid="chains_file_opened")
def file_opened(sender, file, **kwargs):
    from .services import dissolve_for_users

    users = [p.tenant_user_id for p in file.parties.all() if p.tenant_user_id]
    if users:
        dissolve_for_users(users)
