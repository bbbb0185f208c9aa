"""The daily jobs on exchange files: reminder mails for the alerts, inactivity closure.

Reminders (DESIGN.md 3.3): alerts 1–2 go to each landlord's contact 1,
alerts 3–5 to contact 2 (read from the patrimoine row of each dwelling left,
the landlord's contact address when empty). At most one reminder a week per
file and alert: a ``ReminderLog`` row records each one, and a file with a log
for that alert in the last 7 days is skipped — so running the job twice the
same day sends nothing more. Each contact gets one mail a day listing all its
files in alert (not one mail per file).

The work is a fixed number of queries whatever the number of files: one per
alert to find the files and their contacts, one insert for all the logs, and
one stored mail per contact address. On PostgreSQL a transaction-level
advisory lock keeps two workers from running it at once.

Inactivity: a file still waiting for the CALs closes when one of its tenants
has not signed in for ``EXCHANGE_TENANT_INACTIVITY_DAYS`` days (default 90,
the 3 months after which an account is deactivated) and the file is at least
that old. Tenants without an account are not concerned.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.mail import queue_email

from . import workflow
from .alerts import RULES
from .mails import absolute, render
from .models import ExchangeFile, ExchangeParty, ReminderLog, Step, file_reference

logger = logging.getLogger(__name__)

REMINDER_INTERVAL_DAYS = 7
MAX_ITEMS_PER_MAIL = 200
ADVISORY_LOCK_KEY = 0x45480006  # "EH", issue 6


@dataclass
class ReminderRun:
    reminders: int = 0  # (file, alert) pairs reminded
    files: int = 0
    mails: int = 0
    locked_out: bool = False


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def due_reminders(alert, today: dt.date):
    """Parties of the files in ``alert`` today that were not reminded of it this week."""
    rule = RULES[alert]
    recent = ReminderLog.objects.filter(
        file=OuterRef("pk"),
        alert=int(alert),
        sent_on__gt=today - dt.timedelta(days=REMINDER_INTERVAL_DAYS),
    )
    files = ExchangeFile.objects.filter(rule.query(today)).filter(~Exists(recent))
    return (
        ExchangeParty.objects.filter(file__in=files.values("pk"))
        .order_by("file_id", "position")
        .values_list(
            "file_id",
            "file__opened_at",
            "file__step",
            f"dwelling_left__{rule.contact}_email",
            "landlord__contact_email",
        )
    )


def send_reminders(today: dt.date | None = None, now: dt.datetime | None = None) -> ReminderRun:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    run = ReminderRun()
    digests: dict[str, list[dict]] = defaultdict(list)
    with transaction.atomic():
        if not _try_lock():
            run.locked_out = True
            return run
        logs = []
        files = set()
        for alert, rule in RULES.items():
            recipients: dict[int, list[str]] = {}
            meta = {}
            for file_id, opened_at, step, contact, fallback in due_reminders(alert, today):
                email = (contact or fallback or "").strip()
                emails = recipients.setdefault(file_id, [])
                meta[file_id] = (opened_at, step)
                if email and email not in emails:
                    emails.append(email)
            for file_id, emails in recipients.items():
                opened_at, step = meta[file_id]
                logs.append(
                    ReminderLog(
                        file_id=file_id,
                        alert=int(alert),
                        sent_on=today,
                        sent_at=now,
                        contact=rule.contact,
                        recipients=emails,
                    )
                )
                files.add(file_id)
                item = {
                    "file_id": file_id,
                    "reference": file_reference(file_id, opened_at),
                    "step": str(Step(step).label),
                    "alert": f"{int(alert)}. {alert.label}",
                }
                for email in emails:
                    digests[email].append(item)
        ReminderLog.objects.bulk_create(logs)
        run.reminders = len(logs)
        run.files = len(files)
        dashboard_url = absolute(reverse("exchanges:dashboard")) + "?alerte=oui"
        for email, items in sorted(digests.items()):
            shown = items[:MAX_ITEMS_PER_MAIL]
            context = {
                "count": len(items),
                "more": len(items) - len(shown),
                "dashboard_url": dashboard_url,
                "items": [
                    {**i, "url": absolute(reverse("exchanges:file", args=[i["file_id"]]))}
                    for i in shown
                ],
            }
            subject, body = render("reminder", context)
            queue_email(to=[email], subject=subject, body=body, kind="exchange_reminder")
            run.mails += 1
    return run


# --- Inactivity ---------------------------------------------------------------------


def inactivity_days() -> int:
    return int(getattr(settings, "EXCHANGE_TENANT_INACTIVITY_DAYS", 90))


def inactive_parties(now: dt.datetime):
    limit = now - dt.timedelta(days=inactivity_days())
    return (
        ExchangeParty.objects.filter(
            file__step__in=workflow.INACTIVITY_STEPS,
            file__opened_at__lt=limit,
            tenant_user__isnull=False,
        )
        .filter(
            Q(tenant_user__last_login__lt=limit)
            | Q(tenant_user__last_login__isnull=True, tenant_user__date_joined__lt=limit)
        )
        .order_by("file_id", "position")
        .values_list("file_id", "position", "file__step")
    )


def close_inactive_files(now: dt.datetime | None = None) -> int:
    """Close the files whose tenant has been inactive too long; returns how many closed."""
    now = now or timezone.now()
    first_party = {}
    for file_id, position, step in inactive_parties(now):
        first_party.setdefault(file_id, (position, step))
    closed = 0
    for file_id, (position, step) in first_party.items():
        reason = _(
            "Inactivité prolongée du locataire du ménage %(n)s : aucune connexion depuis plus "
            "de %(days)s jours."
        ) % {"n": position, "days": inactivity_days()}
        try:
            workflow.perform(
                file_id,
                "close_for_inactivity",
                system=True,
                expected_step=step,
                data={"reason": reason},
                now=now,
            )
        except workflow.TransitionError:
            logger.info("Exchange file %s moved meanwhile, not closed for inactivity", file_id)
            continue
        closed += 1
    return closed
