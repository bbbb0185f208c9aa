"""What this app plugs into the layers below it (called from ``apps.ready``)."""

from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bourse import dashboard
from bourse import permissions as staff_permissions
from bourse.exchanges.models import ExchangeFile
from bourse.tenants import contacts
from bourse.tenants.models import ContactRequest, TenantProfile
from bourse.tenants.permissions import tenant_profile
from portal import spaces

from . import services
from .models import Conversation


def _request_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    services.conversation_for_request(instance)


def _file_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for conversation in Conversation.objects.filter(
        contact_request__exchange_file=instance, purged_at__isnull=True
    ).select_related("contact_request__exchange_file"):
        services.sync_state(conversation)


def _tenant_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.anonymised_at is not None:
        services.forget_tenant(instance)


def header_notice(user):
    """The header's « Messages » link with the unread count (tenants only: the cached
    spaces say so without a query for the other accounts)."""
    if not any(space.key == "tenant" for space in spaces.spaces_for(user)):
        return None
    profile = tenant_profile(user)
    if profile is None:
        return None
    count = services.unread_count_shown(profile)
    return {"label": _("Messages"), "url": reverse("conversations:list"), "count": count}


def _reports_count(user):
    if not staff_permissions.is_super_admin(user):
        return None
    return services.open_reports().count()


def connect() -> None:
    post_save.connect(_request_saved, sender=ContactRequest, dispatch_uid="conv-request")
    post_save.connect(_file_saved, sender=ExchangeFile, dispatch_uid="conv-file")
    post_save.connect(_tenant_saved, sender=TenantProfile, dispatch_uid="conv-tenant")
    if services.request_refusal not in contacts.refusal_checks:
        contacts.refusal_checks.append(services.request_refusal)
    spaces.register_header_notice("conversations", header_notice)
    dashboard.register_panel(
        dashboard.Panel(
            key="conversation_reports",
            label=_("Messages signalés"),
            count=_reports_count,
            url=lambda user: reverse("conversations:staff_reports"),
            rank=35,
        )
    )
