"""The five alerts on exchange files (DESIGN.md 3.3; "Les alertes sur les dossiers d’échange").

1. pre-instruction more than 3 weeks after the NURs → contact 1;
2. instruction more than 3 weeks after the NURs → contact 1;
3. attributed by the CALs for more than 3 weeks without a move period → contact 2;
4. attributed by the CALs for more than 3 weeks without a move date → contact 2;
5. move date passed but the file is not closed → contact 2.

"More than 3 weeks" is strictly more than 21 days: no alert on day 20 nor on
day 21, an alert from day 22. A move date is "passed" the day after it.

Each alert is one named function on a file and the same rule as a query
(``*_q``), so that lists and the daily job filter in SQL; the tests check
that both agree on the edge days.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Alert, Step

ALERT_DAYS = 21
PRE_INSTRUCTION_STEPS = (Step.CREATED, Step.PRE_INSTRUCTION)
NO_MOVE_DATE_STEPS = (Step.ATTRIBUTED, Step.MOVE_PERIOD_SET)


def _older_than_alert(day: dt.date | None, today: dt.date) -> bool:
    return day is not None and (today - day).days > ALERT_DAYS


def _limit(today: dt.date) -> dt.date:
    """Dates before this one are more than 3 weeks old."""
    return today - dt.timedelta(days=ALERT_DAYS)


# 1
def pre_instruction_late(file, today: dt.date) -> bool:
    """In pre-instruction (or not yet started) more than 3 weeks after the NURs."""
    return file.step in PRE_INSTRUCTION_STEPS and _older_than_alert(file.nurs_date, today)


def pre_instruction_late_q(today: dt.date) -> Q:
    return Q(step__in=PRE_INSTRUCTION_STEPS, nurs_date__lt=_limit(today))


# 2
def instruction_late(file, today: dt.date) -> bool:
    """In instruction more than 3 weeks after the NURs."""
    return file.step == Step.INSTRUCTION and _older_than_alert(file.nurs_date, today)


def instruction_late_q(today: dt.date) -> Q:
    return Q(step=Step.INSTRUCTION, nurs_date__lt=_limit(today))


# 3
def no_move_period(file, today: dt.date) -> bool:
    """Attributed by the CALs more than 3 weeks ago, no move period yet."""
    return file.step == Step.ATTRIBUTED and _older_than_alert(file.attributed_on, today)


def no_move_period_q(today: dt.date) -> Q:
    return Q(step=Step.ATTRIBUTED, attributed_on__lt=_limit(today))


# 4
def no_move_date(file, today: dt.date) -> bool:
    """Attributed by the CALs more than 3 weeks ago, no move date yet."""
    return file.step in NO_MOVE_DATE_STEPS and _older_than_alert(file.attributed_on, today)


def no_move_date_q(today: dt.date) -> Q:
    return Q(step__in=NO_MOVE_DATE_STEPS, attributed_on__lt=_limit(today))


# 5
def move_date_passed(file, today: dt.date) -> bool:
    """The move date is passed and the file is neither done nor closed."""
    return (
        file.step == Step.MOVE_SCHEDULED and file.move_date is not None and file.move_date < today
    )


def move_date_passed_q(today: dt.date) -> Q:
    return Q(step=Step.MOVE_SCHEDULED, move_date__lt=today)


@dataclass(frozen=True)
class AlertRule:
    alert: Alert
    check: object
    query: object
    contact: str  # "contact1" (before the CAL) or "contact2" (after)
    short: str  # pictogram text


RULES = {
    Alert.PRE_INSTRUCTION_LATE: AlertRule(
        Alert.PRE_INSTRUCTION_LATE,
        pre_instruction_late,
        pre_instruction_late_q,
        "contact1",
        _("Pré-instruction en retard"),
    ),
    Alert.INSTRUCTION_LATE: AlertRule(
        Alert.INSTRUCTION_LATE,
        instruction_late,
        instruction_late_q,
        "contact1",
        _("Instruction en retard"),
    ),
    Alert.NO_MOVE_PERIOD: AlertRule(
        Alert.NO_MOVE_PERIOD,
        no_move_period,
        no_move_period_q,
        "contact2",
        _("Pas de période de déménagement"),
    ),
    Alert.NO_MOVE_DATE: AlertRule(
        Alert.NO_MOVE_DATE,
        no_move_date,
        no_move_date_q,
        "contact2",
        _("Pas de date de déménagement"),
    ),
    Alert.MOVE_DATE_PASSED: AlertRule(
        Alert.MOVE_DATE_PASSED,
        move_date_passed,
        move_date_passed_q,
        "contact2",
        _("Déménagement passé, dossier non clos"),
    ),
}


def alerts_of(file, today: dt.date | None = None) -> list[Alert]:
    today = today or timezone.localdate()
    return [alert for alert, rule in RULES.items() if rule.check(file, today)]


def any_alert_q(today: dt.date) -> Q:
    q = Q(pk__in=[])
    for rule in RULES.values():
        q |= rule.query(today)
    return q


def annotate_alerts(queryset, today: dt.date):
    """Add ``alert_1`` … ``alert_5`` (booleans) to a queryset of files."""
    return queryset.annotate(
        **{
            f"alert_{int(alert)}": Case(
                When(rule.query(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for alert, rule in RULES.items()
        }
    )


def annotated_alerts(file) -> list[Alert]:
    """The alerts of a file that went through ``annotate_alerts``."""
    return [alert for alert in RULES if getattr(file, f"alert_{int(alert)}", False)]
