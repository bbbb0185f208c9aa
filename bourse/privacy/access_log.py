"""The access log as the AMO and landlord administrators search and export it
(scoped by ``bourse.audit.access.visible_entries``)."""

import csv
import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bourse.audit.access import visible_entries
from bourse.patrimoine.validation import safe_spreadsheet_text
from portal.http import Echo


def staff_choices(user):
    """The staff members whose entries this user may read."""
    return (
        get_user_model()
        .objects.filter(pk__in=visible_entries(user).values("staff_id"))
        .order_by("last_name", "first_name", "username")
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_entries(user, data: dict):
    """``data``: the cleaned filters (staff, tenant, start, end, screen)."""
    entries = visible_entries(user).select_related("staff", "staff_landlord", "tenant")
    if data.get("staff"):
        entries = entries.filter(staff=data["staff"])
    text = (data.get("tenant") or "").strip()
    if text:
        match = (
            Q(tenant__last_name__icontains=text)
            | Q(tenant__first_name__icontains=text)
            | Q(tenant__email__icontains=text)
            | Q(tenant__username__icontains=text)
        )
        if text.isdigit():
            match |= Q(tenant_id=int(text))
        entries = entries.filter(match)
    if data.get("start"):
        entries = entries.filter(at__gte=_day_start(data["start"]))
    if data.get("end"):
        entries = entries.filter(at__lt=_day_start(data["end"] + dt.timedelta(days=1)))
    if data.get("screen"):
        entries = entries.filter(screen=data["screen"])
    return entries


def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username


HEADER = [
    "date",
    "membre_du_personnel",
    "bailleur",
    "ecran",
    "locataire_numero",
    "locataire",
    "objet",
]


def csv_rows(entries):
    writer = csv.writer(Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(HEADER)
    for entry in entries.iterator(chunk_size=2000):
        cells = [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            person(entry.staff),
            entry.staff_landlord.name if entry.staff_landlord else _("AMO"),
            entry.get_screen_display(),
            entry.tenant_id or "",
            person(entry.tenant) if entry.tenant_id else "",
            entry.reference,
        ]
        yield writer.writerow([safe_spreadsheet_text(str(cell)) for cell in cells])
