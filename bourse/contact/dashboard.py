"""The contact inbox's line on the staff dashboard (``bourse.dashboard``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bourse.dashboard import Panel, register_panel

from . import access
from .models import Status


def waiting_messages(user) -> int | None:
    """Messages to handle: new ones for the support (AMO), forwarded ones for a landlord."""
    if not access.can_use_inbox(user):
        return None
    wanted = Status.NEW if access.is_support(user) else Status.FORWARDED
    return access.visible_messages(user).filter(status=wanted).count()


def inbox_url(user) -> str:
    if access.is_support(user):
        return "/admin/messages-de-contact/"
    return reverse("contact:landlord_list")


def connect() -> None:
    register_panel(
        Panel(
            key="contact",
            label=_("Messages de contact à traiter"),
            count=waiting_messages,
            url=inbox_url,
            rank=10,
        )
    )
