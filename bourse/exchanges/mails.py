"""Mails on the events of an exchange file, and the texts behind them.

Each event goes to the landlords (their contact 1 before the CAL, contact 2
after it, read from the patrimoine row of each dwelling left) and to each
tenant separately (tenants never see another tenant's address). Mails are
stored by ``portal.mail.queue_email`` inside the action's transaction and
sent by Celery after it commits, with retries: a mail failure never loses
the action. A broken stored text falls back to the default one.

Texts: ``MailTemplate`` rows edited by the super administrator, else the
defaults of ``mail_defaults.py``. They are rendered by a bare template
engine (no ``{% load %}``, no ``{% include %}``) over plain values only.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.mail import queue_email
from portal.siteurl import absolute_url

from . import deadlines
from .mail_defaults import DEFAULTS
from .models import STEP_NUMBERS, ActorKind, MailTemplate, Step

logger = logging.getLogger(__name__)

# event -> which landlord contacts, and whether each tenant gets a mail
EVENTS = {
    "created": {"contacts": ("contact1",), "tenants": True},
    "cal_dates": {"contacts": ("contact1",), "tenants": True},
    "attributed": {"contacts": ("contact1", "contact2"), "tenants": True},
    "move_period": {"contacts": ("contact2",), "tenants": True},
    "move_date": {"contacts": ("contact2",), "tenants": True},
    "done": {"contacts": ("contact2",), "tenants": True},
    "closed": {"contacts": "phase", "tenants": True},
    "reopened": {"contacts": "phase", "tenants": True},
}
AFTER_CAL = STEP_NUMBERS[Step.ATTRIBUTED]

_engine = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=False, debug=False)


def _render(source: str, context: dict) -> str:
    return _engine.from_string(source).render(Context(context, autoescape=False))


def texts(key: str) -> tuple[str, str]:
    """(subject, body) sources: the stored row, else the default."""
    row = MailTemplate.objects.filter(key=key).values_list("subject", "body").first()
    if row is not None:
        return row
    _label, subject, body = DEFAULTS[key]
    return subject, body


def render(key: str, context: dict) -> tuple[str, str]:
    subject, body = texts(key)
    try:
        return _render(subject, context).strip(), _render(body, context)
    except Exception:  # a stored text that no longer renders must not block the action
        logger.exception("Mail template %s failed, default text used", key)
        _label, subject, body = DEFAULTS[key]
        return _render(subject, context).strip(), _render(body, context)


def validate_template(key: str, subject: str, body: str) -> None:
    """Refuse a text that does not compile or render on a sample context."""
    errors = {}
    for name, source in (("subject", subject), ("body", body)):
        try:
            _render(source, sample_context())
        except TemplateSyntaxError as error:
            errors[name] = _("Syntaxe invalide : %(error)s") % {"error": error}
        except Exception as error:
            errors[name] = _("Ce texte ne peut pas être produit : %(error)s") % {"error": error}
    if errors:
        raise ValidationError(errors)


# --- Context (plain values only) ---------------------------------------------------


def _day(value) -> str:
    return date_format(value, "d/m/Y") if value else ""


def absolute(path: str) -> str:
    return absolute_url(path)


def file_context(file, parties, event=None) -> dict:
    actor = ""
    if event is not None:
        if event.actor_kind == ActorKind.LANDLORD and event.actor_landlord_id:
            actor = event.actor_landlord.name
        elif event.actor_kind == ActorKind.AMO:
            actor = _("l’équipe Echanger Habiter")
        elif event.actor_kind == ActorKind.TENANT:
            actor = _("un locataire")
        else:
            actor = _("la plateforme")
    closure = ""
    if file.step in (
        Step.CLOSED_BY_LANDLORD,
        Step.CLOSED_BY_TENANT,
        Step.CLOSED_INACTIVITY,
        Step.CLOSED_AFTER_CAL,
    ):
        closure = str(Step(file.step).label).lower()
    return {
        "reference": file.reference,
        "step": str(Step(file.step).label),
        "actor": actor,
        "reason": (event.reason if event is not None else "") or file.closure_reason,
        "closure": closure,
        "nurs_date": _day(file.nurs_date),
        "pre_instruction_due": _day(deadlines.pre_instruction_due(file)),
        "attributed_on": _day(file.attributed_on),
        "move_dates_due": _day(deadlines.move_dates_due(file)),
        "move_period_start": _day(file.move_period_start),
        "move_period_end": _day(file.move_period_end),
        "move_date": _day(file.move_date),
        "completed_on": _day(file.completed_on),
        "parties": [
            {
                "number": p.position,
                "landlord": p.landlord.name,
                "address": p.dwelling_left.address,
                "commune": p.dwelling_left.commune.name,
                "typology": p.dwelling_left.typology,
                "cal_date": _day(p.cal_date),
            }
            for p in parties
        ],
    }


def sample_context() -> dict:
    party = {
        "number": 1,
        "landlord": "Bailleur",
        "address": "1 rue de l’Exemple",
        "commune": "Montreuil",
        "typology": "T3",
        "cal_date": "01/03/2026",
    }
    item = {"reference": "DE-2026-000001", "step": "En instruction", "alert": "…", "url": "…"}
    return {
        "reference": "DE-2026-000001",
        "step": "En instruction",
        "url": "https://exemple.invalid/dossiers/1/",
        "actor": "Bailleur",
        "reason": "Motif",
        "closure": "clos par un bailleur",
        "nurs_date": "01/02/2026",
        "pre_instruction_due": "08/02/2026",
        "attributed_on": "",
        "move_dates_due": "",
        "move_period_start": "",
        "move_period_end": "",
        "move_date": "",
        "completed_on": "",
        "my_cal_date": "01/03/2026",
        "changed": False,
        "own_renunciation": False,
        "parties": [party, {**party, "number": 2}],
        "count": 1,
        "more": 0,
        "dashboard_url": "…",
        "items": [item],
    }


# --- Recipients ---------------------------------------------------------------------


def landlord_recipients(parties, contacts, step) -> list[str]:
    if contacts == "phase":
        number = STEP_NUMBERS.get(step)
        contacts = ("contact2",) if number is not None and number >= AFTER_CAL else ("contact1",)
    emails = []
    for party in parties:
        for contact in contacts:
            email = getattr(party.dwelling_left, f"{contact}_email", "") or (
                party.landlord.contact_email
            )
            if email and email not in emails:
                emails.append(email)
    return emails


def notify_event(event_key: str, file, event, *, parties, changed: bool = False) -> int:
    """Queue the mails of one event; returns how many were queued."""
    spec = EVENTS[event_key]
    context = file_context(file, parties, event)
    context["changed"] = changed
    # The landlords' contacts follow the file's phase when it closed or reopened.
    phase_step = file.closed_from_step or file.step
    sent = 0
    staff_url = absolute(reverse("exchanges:file", args=[file.pk]))
    landlords = landlord_recipients(parties, spec["contacts"], phase_step)
    if landlords:
        subject, body = render(f"{event_key}_landlords", {**context, "url": staff_url})
        queue_email(to=landlords, subject=subject, body=body, kind=f"exchange_{event_key}")
        sent += 1
    if spec["tenants"]:
        tenant_url = absolute(reverse("exchanges:tenant_file", args=[file.pk]))
        for party in parties:
            user = party.tenant_user
            if user is None or not user.email or not user.is_active:
                continue
            own = (
                event is not None
                and event.action == "renounce"
                and event.actor_id is not None
                and event.actor_id == user.pk
            )
            tenant_context = {
                **context,
                "url": tenant_url,
                "my_cal_date": _day(party.cal_date),
                "own_renunciation": own,
                "reason": "",  # a reason is for the landlords
                "actor": "",
            }
            subject, body = render(f"{event_key}_tenants", tenant_context)
            queue_email(to=[user.email], subject=subject, body=body, kind=f"exchange_{event_key}")
            sent += 1
    return sent
