"""Deadlines of an exchange file (``001_…`` sections e and f of the seeds).

- pre-instruction validated within 7 calendar days of the NURs;
- instruction validated within 14 calendar days of the pre-instruction;
- CAL dates at most 8 days apart;
- move date fixed within 21 calendar days of the attribution by the CALs.

A deadline is *overdue* when it has passed and the step is still not done on
an open file; *late* when the step was done after it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OPEN_STEPS, Step

PRE_INSTRUCTION_DAYS = 7
INSTRUCTION_DAYS = 14
CAL_MAX_GAP_DAYS = 8
MOVE_DATES_DAYS = 21


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: dt.date | None  # None: the clock has not started
    done_on: dt.date | None
    overdue: bool
    late: bool

    @property
    def state(self) -> str:
        if self.done_on is not None:
            return "late" if self.late else "met"
        if self.due is None:
            return "waiting"
        return "overdue" if self.overdue else "pending"

    @property
    def state_label(self) -> str:
        return {
            "late": _("fait en retard"),
            "met": _("respecté"),
            "waiting": _("pas encore commencé"),
            "overdue": _("en retard"),
            "pending": _("à venir"),
        }[self.state]


def _plus(day: dt.date | None, days: int) -> dt.date | None:
    return None if day is None else day + dt.timedelta(days=days)


def pre_instruction_due(file) -> dt.date | None:
    return _plus(file.nurs_date, PRE_INSTRUCTION_DAYS)


def instruction_due(file) -> dt.date | None:
    return _plus(file.pre_instructed_on, INSTRUCTION_DAYS)


def move_dates_due(file) -> dt.date | None:
    return _plus(file.attributed_on, MOVE_DATES_DAYS)


def _deadline(key, label, due, done_on, file, today) -> Deadline:
    open_file = file.step in OPEN_STEPS
    overdue = open_file and done_on is None and due is not None and today > due
    late = done_on is not None and due is not None and done_on > due
    return Deadline(key, label, due, done_on, overdue, late)


def deadlines(file, today: dt.date | None = None) -> list[Deadline]:
    today = today or timezone.localdate()
    return [
        _deadline(
            "pre_instruction",
            _("Pré-instruction (7 jours après les NUR)"),
            pre_instruction_due(file),
            file.pre_instructed_on,
            file,
            today,
        ),
        _deadline(
            "instruction",
            _("Instruction (14 jours après la pré-instruction)"),
            instruction_due(file),
            file.instructed_on,
            file,
            today,
        ),
        _deadline(
            "move_dates",
            _("Date de déménagement (21 jours après l’attribution)"),
            move_dates_due(file),
            file.move_date_entered_on,
            file,
            today,
        ),
    ]


def is_overdue(file, today: dt.date | None = None) -> bool:
    return any(d.overdue for d in deadlines(file, today))


def overdue_q(today: dt.date) -> Q:
    """The same rule as ``is_overdue``, as a filter on ``ExchangeFile``."""
    return (
        Q(
            step__in=(Step.CREATED, Step.PRE_INSTRUCTION),
            nurs_date__lt=today - dt.timedelta(days=PRE_INSTRUCTION_DAYS),
        )
        | Q(
            step=Step.INSTRUCTION,
            pre_instructed_on__lt=today - dt.timedelta(days=INSTRUCTION_DAYS),
        )
        | Q(
            step__in=(Step.ATTRIBUTED, Step.MOVE_PERIOD_SET),
            attributed_on__lt=today - dt.timedelta(days=MOVE_DATES_DAYS),
        )
    )


def cal_dates_gap(dates) -> int:
    """Days between the earliest and the latest CAL date."""
    dates = [d for d in dates if d is not None]
    return (max(dates) - min(dates)).days if dates else 0


# --- The next due date of a file (the dashboard's "Prochaine échéance") -------------

# The step → (deadline key, what is due) of an open file. The CAL steps have no
# deadline of their own (DESIGN.md 3.3): their next due date is empty.
NEXT_DUE = {
    Step.CREATED: ("pre_instruction", _("Valider la pré-instruction")),
    Step.PRE_INSTRUCTION: ("pre_instruction", _("Valider la pré-instruction")),
    Step.INSTRUCTION: ("instruction", _("Valider l’instruction")),
    Step.ATTRIBUTED: ("move_dates", _("Saisir la période et la date de déménagement")),
    Step.MOVE_PERIOD_SET: ("move_dates", _("Saisir la date de déménagement")),
    Step.MOVE_SCHEDULED: ("move_date", _("Déménagement, puis clore le dossier (réalisé)")),
}


@dataclass(frozen=True)
class NextDue:
    due: dt.date | None
    what: str
    overdue: bool


def next_due(file, today: dt.date | None = None) -> NextDue:
    """The next date an open file must meet and what is due then (``NEXT_DUE``)."""
    today = today or timezone.localdate()
    key, what = NEXT_DUE.get(file.step, (None, ""))
    if key == "move_date":
        due = file.move_date
        return NextDue(due, str(what), due is not None and due < today)
    due = {
        "pre_instruction": pre_instruction_due,
        "instruction": instruction_due,
        "move_dates": move_dates_due,
    }.get(key, lambda f: None)(file)
    return NextDue(due, str(what), due is not None and today > due)


def next_due_expression():
    """``next_due(file).due`` as an SQL expression, to sort a list of files."""
    from django.db.models import Case, DateField, ExpressionWrapper, F, When

    def plus(field, days):
        return ExpressionWrapper(F(field) + dt.timedelta(days=days), output_field=DateField())

    return Case(
        When(
            step__in=(Step.CREATED, Step.PRE_INSTRUCTION),
            then=plus("nurs_date", PRE_INSTRUCTION_DAYS),
        ),
        When(step=Step.INSTRUCTION, then=plus("pre_instructed_on", INSTRUCTION_DAYS)),
        When(
            step__in=(Step.ATTRIBUTED, Step.MOVE_PERIOD_SET),
            then=plus("attributed_on", MOVE_DATES_DAYS),
        ),
        When(step=Step.MOVE_SCHEDULED, then=plus("move_date", 0)),
        default=None,
        output_field=DateField(),
    )
