"""THE state machine of exchange files: one table, one entry point.

``TRANSITIONS`` lists every action on a file: the steps it starts from, the
step it leads to, who may do it, what it requires and what it triggers.
``perform()`` is the only function that changes a file's step; it

1. locks the file row (``select_for_update`` inside ``transaction.atomic``),
2. checks the step the user saw (``expected_step``: two agents clicking at
   once leave one consistent state, the second one is told the file moved),
3. checks the step, the actor and the requirements against the table,
4. applies the action, records it (who, when, from, to, reason, what changed),
5. queues the event mails (stored now, sent after commit by Celery) and sends
   the signals of ``signals.py``.

Who ("actors"):
    ``FILE_LANDLORD``  staff (agent or administrator) of a landlord that is a
                       party to the file — parties may share a landlord;
    ``PARTY_LANDLORD`` staff of the landlord of the party the action is about
                       (a CAL decision is recorded by that party's landlord);
    ``FILE_TENANT``    a tenant of the file (``tenant_user``);
    ``SUPER_ADMIN``    the AMO (every file);
    ``SYSTEM``         the scheduled job (inactivity closure).

"Annuler l'action" (``undo``) puts back what the last undoable action changed
— the step it came from and its dates — and may be done by whoever could do
that action. It is never possible on a closed file: a closed file (and
notably one closed after the CAL, see the anomaly of May 2021 in the seeds)
is reopened with "Réactiver le dossier" (``reopen``), which returns it to the
step it was closed from. Dates entered at steps 7 and 8 stay editable
(``edit_move_date``, ``edit_completion``), and so do the CAL dates until the
first decision (``edit_cal_dates``).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bourse import permissions as staff_permissions

from . import signals
from .deadlines import CAL_MAX_GAP_DAYS, cal_dates_gap
from .models import (
    CLOSED_STEPS,
    OPEN_STEPS,
    ActorKind,
    CalDecision,
    ExchangeEvent,
    ExchangeFile,
    ExchangeParty,
    Step,
)

MAX_REASON_LENGTH = 2000
# Inactivity closes files still waiting for the CALs (see ``reminders.py``).
INACTIVITY_STEPS = (
    Step.CREATED,
    Step.PRE_INSTRUCTION,
    Step.INSTRUCTION,
    Step.CAL_SCHEDULED,
    Step.CAL_DECISIONS,
)


# --- Errors -----------------------------------------------------------------------


class TransitionError(Exception):
    """The action is refused; the message is French and shown as is."""


class NotAllowed(TransitionError):
    pass


class WrongStep(TransitionError):
    pass


class StaleStep(WrongStep):
    """The file moved since the user loaded the page."""


class InvalidData(TransitionError):
    """Refused data; ``field`` names the form field the message goes next to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- The rules of the exchange files (one function each) ----------------------------
#
# The screens, the tenants' app and the chains call these; ``perform`` applies them.

# The NUR ("numéro unique d’enregistrement" of a social-housing application) is
# issued by the SNE (système national d’enregistrement des demandes de logement
# locatif social, in service since 28 March 2011 — territoires.gouv.fr, "Gérer les
# demandes de logement social"; in Île-de-France the registration is regional).
# Its 18 characters are: the code of the department (3 characters: 075, 093, 02A…;
# the regional registration of Île-de-France shows 111), the month and the year
# of filing (2 + 2 digits), a sequence number (6 digits) and the code of the
# registering desk ("guichet enregistreur", 5 letters or digits) — "composé du code
# du département, de l’année et du mois du dépôt de la demande, d’un numéro
# séquentiel … et du code de l’organisme qui a enregistré la première demande
# (18 chiffres en tout)" (location-immobilier.ooreka.fr, "Numéro unique
# départemental"); a published "attestation d’enregistrement régional" (Île-de-France,
# request filed on 1 October 2023 at the "Guichet internet grand public") shows
# 111, then 10 23, a 6-digit sequence and GDPUB — which fixes the order month then
# year, and the desk code after the sequence. Spaces (and hyphens) are ignored; the
# canonical form is upper case without spaces.
NUR_PATTERN = re.compile(
    r"^(?P<department>\d{3}|02[AB])(?P<month>\d{2})(?P<year>\d{2})"
    r"(?P<sequence>\d{6})(?P<desk>[A-Z0-9]{5})$"
)
NUR_EXAMPLE = "075 06 23 012345 GDPUB"


def nur_display(nur: str) -> str:
    """The canonical NUR grouped as on the attestation (075 06 23 012345 GDPUB)."""
    match = NUR_PATTERN.match(nur or "")
    if match is None:
        return nur or ""
    return " ".join(match.groups())


def valid_nur(value, today: dt.date | None = None) -> str:
    """THE NUR rule: the canonical NUR (upper case, no spaces), or ``InvalidData``.

    Structure above; the month is 01–12 and the filing month is not after the
    current month (a request is not filed in the future).
    """
    nur = re.sub(r"[\s\-.]+", "", str(value or "")).upper()
    match = NUR_PATTERN.match(nur)
    refusal = _(
        "Ce numéro n’a pas la forme d’un numéro unique d’enregistrement (NUR) : "
        "18 caractères, par exemple « %(example)s » — le code du département (3), "
        "le mois et l’année du dépôt de la demande (2 + 2 chiffres), le numéro "
        "d’ordre (6 chiffres) et le code du guichet enregistreur (5 lettres ou "
        "chiffres). Il figure sur l’attestation d’enregistrement de votre demande "
        "de logement social."
    ) % {"example": NUR_EXAMPLE}
    if match is None:
        raise InvalidData(refusal, field="nur")
    month, year = int(match["month"]), 2000 + int(match["year"])
    if not 1 <= month <= 12:
        raise InvalidData(refusal, field="nur")
    today = today or timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise InvalidData(
            _("Le mois de dépôt indiqué dans ce NUR (%(month)02d/%(year)s) est dans le futur.")
            % {"month": month, "year": year},
            field="nur",
        )
    return nur


def check_cal_decision_not_before_cal_date(party: ExchangeParty, day: dt.date) -> None:
    """A party's CAL decision is recorded on or after the date of its CAL."""
    if party.cal_date is None or day < party.cal_date:
        raise InvalidData(
            _(
                "La CAL de ce ménage se réunit le %(date)s : sa décision ne peut pas être "
                "saisie avant."
            )
            % {"date": _fr(party.cal_date) if party.cal_date else "—"},
            field="decision",
        )


def check_move_period(file: ExchangeFile, start: dt.date, end: dt.date) -> None:
    """A move period ends on or after its start, which is on or after the attribution."""
    if end < start:
        raise InvalidData(_("La fin de la période de déménagement précède son début."), field="end")
    if file.attributed_on and start < file.attributed_on:
        raise InvalidData(
            _(
                "La période de déménagement ne peut pas commencer avant l’attribution "
                "par les CAL (le %(date)s)."
            )
            % {"date": _fr(file.attributed_on)},
            field="start",
        )


def check_move_date_in_move_period(start: dt.date, end: dt.date, day: dt.date) -> None:
    """A move date lies inside the move period (both days included)."""
    if start is None or end is None or not start <= day <= end:
        raise InvalidData(
            _(
                "La date de déménagement doit être comprise dans la période de "
                "déménagement (du %(start)s au %(end)s), ou modifiez la période en même temps."
            )
            % {"start": _fr(start), "end": _fr(end)},
            field="date",
        )


def check_completion_date(move_date: dt.date | None, day: dt.date, today: dt.date) -> None:
    """An exchange is completed on or after its move date, and not in the future."""
    if day > today:
        raise InvalidData(_("La date de réalisation ne peut pas être dans le futur."), field="date")
    if move_date is not None and day < move_date:
        raise InvalidData(
            _("La date de réalisation ne peut pas précéder la date de déménagement (le %(date)s).")
            % {"date": _fr(move_date)},
            field="date",
        )


def may_undo(user, event: ExchangeEvent) -> bool:
    """ "Annuler l’action": only staff of the landlord whose user did the action, or the AMO."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if staff_permissions.is_super_admin(user):
        return True
    landlord = staff_permissions.user_landlord(user)
    return landlord is not None and landlord.pk == event.actor_landlord_id


def _fr(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


# --- The table --------------------------------------------------------------------


class Actor(enum.StrEnum):
    FILE_LANDLORD = "file_landlord"
    PARTY_LANDLORD = "party_landlord"
    FILE_TENANT = "file_tenant"
    SUPER_ADMIN = "super_admin"
    SYSTEM = "system"


class Req(enum.StrEnum):
    PARTY = "party"  # the party the action is about
    REASON = "reason"  # a non-empty reason
    CAL_DATES = "cal_dates"  # a CAL date per party, all at most 8 days apart
    CAL_DECISION = "cal_decision"  # attribution / non-attribution / refusal
    MOVE_PERIOD = "move_period"  # a start and an end date
    DATE = "date"  # one date (move date, completion date)
    NUR = "nur"  # a NUR of the right structure (``valid_nur``)


LANDLORDS = frozenset({Actor.FILE_LANDLORD, Actor.SUPER_ADMIN})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: decided when applied (CAL decision, undo, reopen)
    actors: frozenset[Actor]
    requires: tuple[Req, ...] = ()
    mail: str | None = None  # event mail (``mails.EVENTS``); CAL decisions choose theirs
    undoable: bool = False
    edit: bool = False  # changes a date of the current step, not the step
    danger: bool = False
    apply: Callable | None = field(default=None, compare=False, repr=False)


TRANSITIONS: dict[str, Transition] = {}


def transition(**kwargs):
    def register(func):
        t = Transition(apply=func, **kwargs)
        TRANSITIONS[t.action] = t
        return func

    return register


# --- What an action changes (recorded for undo) -----------------------------------


@dataclass
class Context:
    file: ExchangeFile
    parties: list[ExchangeParty]
    party: ExchangeParty | None
    data: dict
    user: object
    now: dt.datetime
    today: dt.date
    to_step: str | None = None
    mail: str | None = None
    details: dict = field(default_factory=dict)
    reason: str = ""
    previous_file: dict = field(default_factory=dict)
    previous_parties: dict = field(default_factory=dict)
    dirty: set = field(default_factory=set)
    roles: set = field(default_factory=set)

    def set_file(self, name, value):
        if name not in self.previous_file:
            self.previous_file[name] = _dump(getattr(self.file, name))
        setattr(self.file, name, value)

    def set_party(self, party, name, value):
        saved = self.previous_parties.setdefault(str(party.pk), {})
        if name not in saved:
            saved[name] = _dump(getattr(party, name))
        setattr(party, name, value)
        self.dirty.add(party)


def _dump(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _load(model, name, value):
    if value is None:
        return None
    return model._meta.get_field(name).to_python(value)


# --- Transitions ------------------------------------------------------------------


@transition(
    action="start_pre_instruction",
    label=gettext_lazy("Démarrer la pré-instruction"),
    sources=(Step.CREATED,),
    target=Step.PRE_INSTRUCTION,
    actors=LANDLORDS,
    undoable=True,
)
def _start_pre_instruction(ctx: Context):
    pass


@transition(
    action="validate_pre_instruction",
    label=gettext_lazy("Valider la pré-instruction"),
    sources=(Step.PRE_INSTRUCTION,),
    target=Step.INSTRUCTION,
    actors=LANDLORDS,
    undoable=True,
)
def _validate_pre_instruction(ctx: Context):
    ctx.set_file("pre_instructed_on", ctx.today)


def _apply_cal_dates(ctx: Context):
    dates = ctx.data.get("cal_dates") or {}
    missing = [p for p in ctx.parties if not dates.get(p.pk) and not dates.get(str(p.pk))]
    if missing:
        raise InvalidData(_("Saisissez la date de la CAL de chaque ménage."))
    values = {p.pk: dates.get(p.pk) or dates.get(str(p.pk)) for p in ctx.parties}
    for value in values.values():
        if not isinstance(value, dt.date):
            raise InvalidData(_("Une date de CAL n’est pas une date valide."))
        if value < ctx.file.nurs_date:
            raise InvalidData(_("Une date de CAL ne peut pas précéder la transmission des NUR."))
    gap = cal_dates_gap(values.values())
    if gap > CAL_MAX_GAP_DAYS:
        raise InvalidData(
            _(
                "Les dates de CAL doivent être proches : %(gap)s jours les séparent, "
                "%(max)s au plus."
            )
            % {"gap": gap, "max": CAL_MAX_GAP_DAYS}
        )
    for party in ctx.parties:
        if party.cal_date != values[party.pk]:
            ctx.set_party(party, "cal_date", values[party.pk])
    ctx.details["cal_dates"] = {str(p.position): values[p.pk].isoformat() for p in ctx.parties}


@transition(
    action="schedule_cal",
    label=gettext_lazy("Valider l’instruction et saisir les dates de CAL"),
    sources=(Step.INSTRUCTION,),
    target=Step.CAL_SCHEDULED,
    actors=LANDLORDS,
    requires=(Req.CAL_DATES,),
    mail="cal_dates",
    undoable=True,
)
def _schedule_cal(ctx: Context):
    _apply_cal_dates(ctx)
    ctx.set_file("instructed_on", ctx.today)


@transition(
    action="edit_cal_dates",
    label=gettext_lazy("Modifier les dates de CAL"),
    sources=(Step.CAL_SCHEDULED,),
    target=Step.CAL_SCHEDULED,
    actors=LANDLORDS,
    requires=(Req.CAL_DATES,),
    mail="cal_dates",
    edit=True,
)
def _edit_cal_dates(ctx: Context):
    _apply_cal_dates(ctx)
    if not ctx.previous_parties:
        raise InvalidData(_("Les dates saisies sont celles déjà enregistrées."))


@transition(
    action="record_cal_decision",
    label=gettext_lazy("Saisir la décision de la CAL"),
    sources=(Step.CAL_SCHEDULED, Step.CAL_DECISIONS),
    target=None,
    actors=frozenset({Actor.PARTY_LANDLORD, Actor.SUPER_ADMIN}),
    requires=(Req.PARTY, Req.CAL_DECISION),
    undoable=True,
)
def _record_cal_decision(ctx: Context):
    party = ctx.party
    if party.cal_decision:
        raise InvalidData(_("La décision de la CAL de ce ménage est déjà saisie."))
    decision = ctx.data.get("decision")
    if decision not in CalDecision.values:
        raise InvalidData(_("Choisissez la décision de la CAL."), field="decision")
    check_cal_decision_not_before_cal_date(party, ctx.today)
    ctx.set_party(party, "cal_decision", decision)
    ctx.set_party(party, "cal_decision_on", ctx.today)
    ctx.details["decision"] = decision
    ctx.details["party"] = party.position
    if decision != CalDecision.ATTRIBUTION:
        ctx.to_step = Step.CLOSED_AFTER_CAL
        ctx.mail = "closed"
        ctx.reason = _("Décision de la CAL (%(landlord)s, ménage %(n)s) : %(decision)s") % {
            "landlord": party.landlord.name,
            "n": party.position,
            "decision": CalDecision(decision).label,
        }
        _close(ctx, Step.CLOSED_AFTER_CAL, ctx.reason)
    elif all(p.cal_decision == CalDecision.ATTRIBUTION for p in ctx.parties):
        ctx.to_step = Step.ATTRIBUTED
        ctx.mail = "attributed"
        ctx.set_file("attributed_on", ctx.today)
    else:
        ctx.to_step = Step.CAL_DECISIONS


@transition(
    action="set_move_period",
    label=gettext_lazy("Saisir la période de déménagement"),
    sources=(Step.ATTRIBUTED,),
    target=Step.MOVE_PERIOD_SET,
    actors=LANDLORDS,
    requires=(Req.MOVE_PERIOD,),
    mail="move_period",
    undoable=True,
)
def _set_move_period(ctx: Context):
    start, end = ctx.data.get("start"), ctx.data.get("end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise InvalidData(
            _("Saisissez le début et la fin de la période de déménagement."), field="start"
        )
    check_move_period(ctx.file, start, end)
    ctx.set_file("move_period_start", start)
    ctx.set_file("move_period_end", end)
    ctx.details.update(start=start.isoformat(), end=end.isoformat())


def _move_date(ctx: Context) -> dt.date:
    """The move date, inside the move period — which may be changed in the same action
    (``period_start`` / ``period_end``, recorded in the event's details)."""
    day = ctx.data.get("date")
    if not isinstance(day, dt.date):
        raise InvalidData(_("Saisissez la date de déménagement."), field="date")
    start, end = ctx.data.get("period_start"), ctx.data.get("period_end")
    if start or end:
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            raise InvalidData(
                _("Pour modifier la période de déménagement, saisissez son début et sa fin."),
                field="period_start" if not isinstance(start, dt.date) else "period_end",
            )
        try:
            check_move_period(ctx.file, start, end)
        except InvalidData as error:
            raise InvalidData(str(error), field=f"period_{error.field}") from error
        before = (ctx.file.move_period_start, ctx.file.move_period_end)
        if (start, end) != before:
            ctx.details["period"] = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "before": [_dump(before[0]), _dump(before[1])],
            }
            ctx.set_file("move_period_start", start)
            ctx.set_file("move_period_end", end)
    check_move_date_in_move_period(ctx.file.move_period_start, ctx.file.move_period_end, day)
    if ctx.file.completed_on is not None and ctx.file.completed_on < day:
        raise InvalidData(
            _(
                "L’échange est noté réalisé le %(date)s : la date de déménagement ne peut "
                "pas être postérieure."
            )
            % {"date": _fr(ctx.file.completed_on)},
            field="date",
        )
    return day


@transition(
    action="set_move_date",
    label=gettext_lazy("Saisir la date de déménagement"),
    sources=(Step.MOVE_PERIOD_SET,),
    target=Step.MOVE_SCHEDULED,
    actors=LANDLORDS,
    requires=(Req.DATE,),
    mail="move_date",
    undoable=True,
)
def _set_move_date(ctx: Context):
    day = _move_date(ctx)
    ctx.set_file("move_date", day)
    ctx.set_file("move_date_entered_on", ctx.today)
    ctx.details["date"] = day.isoformat()


@transition(
    action="edit_move_date",
    label=gettext_lazy("Modifier la date de déménagement"),
    sources=(Step.MOVE_SCHEDULED, Step.DONE),
    target=None,  # stays where it is
    actors=LANDLORDS,
    requires=(Req.DATE,),
    mail="move_date",
    edit=True,
)
def _edit_move_date(ctx: Context):
    day = _move_date(ctx)
    if day == ctx.file.move_date and "period" not in ctx.details:
        raise InvalidData(_("C’est déjà la date de déménagement enregistrée."), field="date")
    ctx.details.update(date=day.isoformat(), before=_dump(ctx.file.move_date))
    ctx.set_file("move_date", day)
    ctx.to_step = ctx.file.step


def _completion_date(ctx: Context) -> dt.date:
    day = ctx.data.get("date")
    if not isinstance(day, dt.date):
        raise InvalidData(_("Saisissez la date de réalisation de l’échange."), field="date")
    check_completion_date(ctx.file.move_date, day, ctx.today)
    if ctx.file.attributed_on and day < ctx.file.attributed_on:
        raise InvalidData(
            _("La date de réalisation ne peut pas précéder l’attribution."), field="date"
        )
    return day


@transition(
    action="set_completion",
    label=gettext_lazy("Saisir la date de réalisation de l’échange"),
    sources=(Step.MOVE_SCHEDULED,),
    target=Step.DONE,
    actors=LANDLORDS,
    requires=(Req.DATE,),
    mail="done",
    undoable=True,
)
def _set_completion(ctx: Context):
    day = _completion_date(ctx)
    ctx.set_file("completed_on", day)
    ctx.details["date"] = day.isoformat()


@transition(
    action="edit_completion",
    label=gettext_lazy("Modifier la date de réalisation"),
    sources=(Step.DONE,),
    target=Step.DONE,
    actors=LANDLORDS,
    requires=(Req.DATE,),
    edit=True,
)
def _edit_completion(ctx: Context):
    day = _completion_date(ctx)
    if day == ctx.file.completed_on:
        raise InvalidData(_("C’est déjà la date de réalisation enregistrée."), field="date")
    ctx.details.update(date=day.isoformat(), before=_dump(ctx.file.completed_on))
    ctx.set_file("completed_on", day)


# A tenant corrects its own NUR until the pre-instruction is validated; then the
# file's landlords (or the AMO) correct it, with a reason.
NUR_TENANT_STEPS = (Step.CREATED, Step.PRE_INSTRUCTION)
NUR_STAFF = frozenset({Actor.PARTY_LANDLORD, Actor.SUPER_ADMIN})


@transition(
    action="correct_nur",
    label=gettext_lazy("Corriger le NUR"),
    sources=OPEN_STEPS,
    target=None,  # stays where it is
    actors=frozenset({Actor.PARTY_LANDLORD, Actor.SUPER_ADMIN, Actor.FILE_TENANT}),
    requires=(Req.PARTY, Req.NUR),
    edit=True,
)
def _correct_nur(ctx: Context):
    party = ctx.party
    if not ctx.roles & NUR_STAFF:
        if party.tenant_user_id is None or party.tenant_user_id != getattr(ctx.user, "pk", None):
            raise NotAllowed(_("Vous ne pouvez corriger que votre propre NUR."))
        if ctx.file.step not in NUR_TENANT_STEPS:
            raise InvalidData(
                _(
                    "La pré-instruction de votre dossier d’échange est validée : seul votre "
                    "bailleur peut maintenant corriger votre NUR. Écrivez-lui en donnant "
                    "le bon numéro."
                ),
                field="nur",
            )
    else:
        ctx.reason = _reason(ctx)
    nur = valid_nur(ctx.data.get("nur"), ctx.today)
    if nur == party.nur:
        raise InvalidData(_("C’est déjà le NUR enregistré pour ce ménage."), field="nur")
    ctx.details.update(party=party.position, nur=nur, before=party.nur)
    ctx.set_party(party, "nur", nur)
    ctx.to_step = ctx.file.step


def _close(ctx: Context, step: str, reason: str):
    ctx.set_file("closed_from_step", ctx.file.step)
    ctx.set_file("closed_at", ctx.now)
    ctx.set_file("closure_reason", reason)


def _reason(ctx: Context) -> str:
    reason = " ".join(str(ctx.data.get("reason") or "").split())
    if not reason:
        raise InvalidData(_("Le motif est obligatoire."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidData(
            _("Le motif est trop long (%(max)s caractères au plus).") % {"max": MAX_REASON_LENGTH},
            field="reason",
        )
    return reason


@transition(
    action="close_by_landlord",
    label=gettext_lazy("Clôturer le dossier"),
    sources=OPEN_STEPS,
    target=Step.CLOSED_BY_LANDLORD,
    actors=LANDLORDS,
    requires=(Req.REASON,),
    mail="closed",
    danger=True,
)
def _close_by_landlord(ctx: Context):
    ctx.reason = _reason(ctx)
    _close(ctx, Step.CLOSED_BY_LANDLORD, ctx.reason)


@transition(
    action="renounce",
    label=gettext_lazy("Renoncer à l’échange"),
    sources=OPEN_STEPS,
    target=Step.CLOSED_BY_TENANT,
    actors=frozenset({Actor.FILE_TENANT}),
    requires=(Req.REASON,),
    mail="closed",
    danger=True,
)
def _renounce(ctx: Context):
    ctx.reason = _reason(ctx)
    _close(ctx, Step.CLOSED_BY_TENANT, ctx.reason)


@transition(
    action="close_for_inactivity",
    label=gettext_lazy("Clore pour inactivité prolongée d’un locataire"),
    sources=INACTIVITY_STEPS,
    target=Step.CLOSED_INACTIVITY,
    actors=frozenset({Actor.SYSTEM}),
    requires=(Req.REASON,),
    mail="closed",
)
def _close_for_inactivity(ctx: Context):
    ctx.reason = _reason(ctx)
    _close(ctx, Step.CLOSED_INACTIVITY, ctx.reason)


@transition(
    action="undo",
    label=gettext_lazy("Annuler l’action"),
    sources=(*OPEN_STEPS, Step.DONE),  # never on a closed file: see ``reopen``
    target=None,  # the step the undone action came from
    actors=frozenset(),  # whoever could do the undone action (see ``_undo_target``)
)
def _undo(ctx: Context):
    event = ctx.data["_undo_event"]
    _restore(ctx, event)
    ctx.to_step = event.previous.get("step") or event.from_step
    ctx.details.update(undone=event.action, undone_event=event.pk)
    event.reverted_at = ctx.now
    event.save(update_fields=["reverted_at"])


@transition(
    action="reopen",
    label=gettext_lazy("Réactiver le dossier"),
    sources=CLOSED_STEPS,
    target=None,  # the step it was closed from
    actors=LANDLORDS,
    mail="reopened",
)
def _reopen(ctx: Context):
    file = ctx.file
    back_to = file.closed_from_step or Step.CREATED
    if file.step == Step.CLOSED_AFTER_CAL:
        # The decision that closed the file is withdrawn: the CAL decision
        # step starts again for that household (the other decisions stay).
        closing = (
            file.events.filter(
                action="record_cal_decision", to_step=Step.CLOSED_AFTER_CAL, reverted_at=None
            )
            .order_by("-at", "-pk")
            .first()
        )
        if closing is not None:
            _restore(ctx, closing, file_fields=False)
            closing.reverted_at = ctx.now
            closing.save(update_fields=["reverted_at"])
            back_to = closing.from_step
    ctx.details["closure"] = file.step
    ctx.details["closure_reason"] = file.closure_reason
    ctx.set_file("closed_from_step", "")
    ctx.set_file("closed_at", None)
    ctx.set_file("closure_reason", "")
    ctx.to_step = back_to


def _restore(ctx: Context, event: ExchangeEvent, *, file_fields: bool = True):
    if file_fields:
        for name, value in (event.previous.get("file") or {}).items():
            ctx.set_file(name, _load(ExchangeFile, name, value))
    by_pk = {str(p.pk): p for p in ctx.parties}
    for pk, values in (event.previous.get("parties") or {}).items():
        party = by_pk.get(pk)
        if party is None:
            continue
        for name, value in values.items():
            ctx.set_party(party, name, _load(ExchangeParty, name, value))


# --- Who is the user for this file ------------------------------------------------


def actor_roles(parties, user, party: ExchangeParty | None = None, *, system=False) -> set:
    """The actors of the table that ``user`` is, for these parties of one file."""
    if system:
        return {Actor.SYSTEM}
    roles = set()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return roles
    if staff_permissions.is_super_admin(user):
        roles.add(Actor.SUPER_ADMIN)
    landlord = staff_permissions.user_landlord(user)
    if landlord is not None:
        if any(p.landlord_id == landlord.pk for p in parties):
            roles.add(Actor.FILE_LANDLORD)
        if party is not None and party.landlord_id == landlord.pk:
            roles.add(Actor.PARTY_LANDLORD)
    if any(p.tenant_user_id == user.pk for p in parties):
        roles.add(Actor.FILE_TENANT)
    return roles


def actor_kind(roles: set) -> str:
    if Actor.SYSTEM in roles:
        return ActorKind.SYSTEM
    if Actor.FILE_LANDLORD in roles:
        return ActorKind.LANDLORD
    if Actor.SUPER_ADMIN in roles:
        return ActorKind.AMO
    return ActorKind.TENANT


def last_undoable_event(file) -> ExchangeEvent | None:
    return (
        file.events.filter(undoable=True, reverted_at=None)
        .select_related("party")
        .order_by("-at", "-pk")
        .first()
    )


def _undo_target(file, parties, user, *, system=False):
    """The event "Annuler l'action" would undo, checked for this user."""
    event = last_undoable_event(file)
    if event is None or event.to_step != file.step:
        raise WrongStep(_("Il n’y a pas d’action à annuler sur ce dossier."))
    undone = TRANSITIONS[event.action]
    party = next((p for p in parties if p.pk == event.party_id), None)
    if not (actor_roles(parties, user, party, system=system) & undone.actors):
        raise NotAllowed(_("Vous ne pouvez pas annuler cette action."))
    if not system and not may_undo(user, event):
        raise NotAllowed(
            _(
                "Seuls l’organisme qui a fait cette action et le super administrateur "
                "peuvent l’annuler."
            )
        )
    return event


# --- Questions for the screens ----------------------------------------------------


@dataclass(frozen=True)
class Available:
    transition: Transition
    party: ExchangeParty | None = None
    undo_event: ExchangeEvent | None = None

    @property
    def action(self) -> str:
        return self.transition.action


def available_actions(file, user, parties=None) -> list[Available]:
    """What ``user`` may do on ``file`` now (the buttons of the file page)."""
    parties = list(parties if parties is not None else file.parties.all())
    result = []
    for t in TRANSITIONS.values():
        if file.step not in t.sources or Actor.SYSTEM in t.actors:
            continue
        if t.action == "undo":
            try:
                event = _undo_target(file, parties, user)
            except TransitionError:
                continue
            result.append(Available(t, undo_event=event))
        elif Req.PARTY in t.requires:
            for party in parties:
                if t.action == "record_cal_decision" and party.cal_decision:
                    continue
                roles = actor_roles(parties, user, party)
                if t.action == "correct_nur" and not roles & NUR_STAFF:
                    continue  # tenants correct theirs from their request or file page
                if roles & t.actors:
                    result.append(Available(t, party=party))
        elif actor_roles(parties, user) & t.actors:
            result.append(Available(t))
    return result


def can(file, user, action, party=None, parties=None) -> bool:
    return any(
        a.action == action and (party is None or (a.party and a.party.pk == party.pk))
        for a in available_actions(file, user, parties)
    )


# --- The entry point --------------------------------------------------------------


def perform(
    file,
    action: str,
    user=None,
    *,
    expected_step: str | None = None,
    party=None,
    data: dict | None = None,
    system: bool = False,
    now: dt.datetime | None = None,
    notify: bool = True,
    dry_run: bool = False,
):
    """Do ``action`` on ``file`` as ``user`` (or as the scheduled job when ``system``).

    Raises ``TransitionError`` (French message) when the table refuses it.
    ``now`` backdates the action (demo content, tests); ``notify=False``
    sends no mail (demo content). ``dry_run`` checks everything, changes
    nothing (rolled back) and returns a ``Preview`` (the confirmation pages).
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionError(_("Action inconnue."))
    file_id = file.pk if isinstance(file, ExchangeFile) else int(file)
    with transaction.atomic():
        locked = ExchangeFile.objects.select_for_update().get(pk=file_id)
        now = now or timezone.now()  # after the lock: events are dated in the order applied
        # Decisions of different households are independent: "scheduled" and
        # "decisions in progress" are the same step for the one who records one.
        same_step = expected_step == locked.step or (
            Req.PARTY in t.requires and {expected_step, locked.step} <= set(t.sources)
        )
        if expected_step is not None and not same_step:
            raise StaleStep(
                _(
                    "Le dossier a changé entre-temps : il est maintenant à l’étape "
                    "« %(step)s ». Vérifiez-le avant de recommencer."
                )
                % {"step": Step(locked.step).label}
            )
        if locked.step not in t.sources:
            raise WrongStep(
                _("« %(action)s » n’est pas possible à l’étape « %(step)s ».")
                % {"action": t.label, "step": Step(locked.step).label}
            )
        parties = list(
            locked.parties.select_related(
                "landlord", "dwelling_left__commune", "tenant_user"
            ).order_by("position")
        )
        target_party = None
        if Req.PARTY in t.requires:
            party_id = party.pk if isinstance(party, ExchangeParty) else party
            target_party = next((p for p in parties if p.pk == party_id), None)
            if target_party is None:
                raise InvalidData(_("Ce ménage ne fait pas partie du dossier."))
        data = dict(data or {})
        roles = actor_roles(parties, user, target_party, system=system)
        if action == "undo":
            undo_event = _undo_target(locked, parties, user, system=system)
            data["_undo_event"] = undo_event
            target_party = next((p for p in parties if p.pk == undo_event.party_id), None)
        elif not (roles & t.actors):
            raise NotAllowed(_("Vous ne pouvez pas faire cette action sur ce dossier."))
        ctx = Context(
            file=locked,
            parties=parties,
            party=target_party,
            data=data,
            user=user,
            now=now,
            today=timezone.localdate(now),
            to_step=t.target,
            mail=t.mail,
            roles=roles,
        )
        from_step = locked.step
        t.apply(ctx)
        to_step = ctx.to_step or from_step
        if dry_run:
            transaction.set_rollback(True)
            return Preview(
                action=action,
                from_step=from_step,
                to_step=to_step,
                reason=ctx.reason,
                details=dict(ctx.details),
                party=target_party,
                undo_event=data.get("_undo_event"),
            )
        if to_step != from_step:
            ctx.set_file("step", to_step)
            ctx.set_file("step_changed_at", now)
        for party_obj in ctx.dirty:
            party_obj.save()
        locked.save()
        previous = {}
        if t.undoable:
            previous = {
                "step": from_step,
                "file": {k: v for k, v in ctx.previous_file.items() if k != "step"},
                "parties": ctx.previous_parties,
            }
        event = ExchangeEvent.objects.create(
            file=locked,
            at=now,
            action=action,
            actor=user if not system else None,
            actor_kind=actor_kind(roles),
            actor_landlord=staff_permissions.user_landlord(user) if user and not system else None,
            party=target_party,
            from_step=from_step,
            to_step=to_step,
            reason=ctx.reason,
            details=ctx.details,
            previous=previous,
            undoable=t.undoable,
        )
        _announce(locked, from_step, to_step)
        if action == "correct_nur":
            signals.exchange_nur_corrected.send(
                sender=ExchangeFile, file=locked, party=target_party, nur=target_party.nur
            )
        if notify and ctx.mail:
            from .mails import notify_event

            notify_event(ctx.mail, locked, event, parties=parties, changed=t.edit)
    return event


@dataclass(frozen=True)
class Preview:
    """What an action would do (``perform(..., dry_run=True)``): the confirmation pages."""

    action: str
    from_step: str
    to_step: str
    reason: str = ""
    details: dict = field(default_factory=dict)
    party: ExchangeParty | None = None
    undo_event: ExchangeEvent | None = None


def _announce(file, from_step, to_step):
    if to_step == from_step:
        return
    if to_step in CLOSED_STEPS:
        signals.exchange_file_closed.send(sender=ExchangeFile, file=file, step=to_step)
    elif to_step == Step.DONE:
        signals.exchange_file_completed.send(sender=ExchangeFile, file=file)
    elif from_step in CLOSED_STEPS or from_step == Step.DONE:
        signals.exchange_file_opened.send(sender=ExchangeFile, file=file, reopened=True)


def table_rows():
    """The table as plain rows (documentation, tests)."""
    return [
        {
            "action": t.action,
            "label": str(t.label),
            "from": [str(s) for s in t.sources],
            "to": str(t.target) if t.target else "—",
            "who": sorted(str(a) for a in t.actors) or ["as the undone action"],
            "requires": [str(r) for r in t.requires],
            "mail": t.mail or "",
            "undoable": t.undoable,
        }
        for t in TRANSITIONS.values()
    ]
