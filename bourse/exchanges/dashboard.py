"""The exchange files' lines on the staff dashboard (``bourse.dashboard``)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bourse import permissions
from bourse.dashboard import Panel, register_panel

from .access import visible_files
from .alerts import any_alert_q


def open_files(user) -> int | None:
    if not permissions.can_access_staff_area(user):
        return None
    return visible_files(user).open().count()


def files_with_alerts(user) -> int | None:
    if not permissions.can_access_staff_area(user):
        return None
    return visible_files(user).open().filter(any_alert_q(timezone.localdate())).count()


def files_url(user) -> str:
    return reverse("exchanges:dashboard")


def connect() -> None:
    register_panel(
        Panel(
            key="files_alerts",
            label=_("Dossiers d’échange en alerte"),
            count=files_with_alerts,
            url=files_url,
            rank=30,
        )
    )
    register_panel(
        Panel(
            key="files_open",
            label=_("Dossiers d’échange en cours"),
            count=open_files,
            url=files_url,
            rank=40,
        )
    )
