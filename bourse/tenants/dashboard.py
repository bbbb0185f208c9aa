"""The moderation queue's line on the staff dashboard (``bourse.dashboard``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bourse import permissions
from bourse.dashboard import Panel, register_panel

from . import moderation


def open_cases(user) -> int | None:
    if not permissions.can_moderate(user):
        return None
    return moderation.queue_for(user).count()


def connect() -> None:
    register_panel(
        Panel(
            key="moderation",
            label=_("Annonces à modérer"),
            count=open_cases,
            url=lambda user: reverse("tenants:moderation"),
            rank=20,
        )
    )
