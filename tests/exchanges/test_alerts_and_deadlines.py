"""The five alerts on their edge days, and the deadlines."""

import datetime as dt

import pytest

from bourse.exchanges import alerts, deadlines
from bourse.exchanges.models import Alert, ExchangeFile, Step

TODAY = dt.date(2026, 3, 20)


def make(step, **dates):
    dates.setdefault("nurs_date", TODAY - dt.timedelta(days=5))
    return ExchangeFile.objects.create(step=step, **dates)


def ago(days):
    return TODAY - dt.timedelta(days=days)


def check(file, function, alert):
    """The named function and the SQL query agree."""
    by_function = function(file, TODAY)
    by_query = ExchangeFile.objects.filter(alerts.RULES[alert].query(TODAY), pk=file.pk).exists()
    assert by_function == by_query
    return by_function


EDGES = [(20, False), (21, False), (22, True)]


@pytest.mark.parametrize(("days", "expected"), EDGES)
@pytest.mark.parametrize("step", [Step.CREATED, Step.PRE_INSTRUCTION])
def test_alert_1_pre_instruction_three_weeks_after_the_nurs(db, days, expected, step):
    file = make(step, nurs_date=ago(days))
    assert check(file, alerts.pre_instruction_late, Alert.PRE_INSTRUCTION_LATE) is expected
    assert (Alert.PRE_INSTRUCTION_LATE in alerts.alerts_of(file, TODAY)) is expected


@pytest.mark.parametrize(("days", "expected"), EDGES)
def test_alert_2_instruction_three_weeks_after_the_nurs(db, days, expected):
    file = make(Step.INSTRUCTION, nurs_date=ago(days), pre_instructed_on=ago(days - 3))
    assert check(file, alerts.instruction_late, Alert.INSTRUCTION_LATE) is expected
    assert not check(file, alerts.pre_instruction_late, Alert.PRE_INSTRUCTION_LATE)


@pytest.mark.parametrize(("days", "expected"), EDGES)
def test_alert_3_attributed_three_weeks_without_a_move_period(db, days, expected):
    file = make(Step.ATTRIBUTED, nurs_date=ago(90), attributed_on=ago(days))
    assert check(file, alerts.no_move_period, Alert.NO_MOVE_PERIOD) is expected
    # no move date either
    assert check(file, alerts.no_move_date, Alert.NO_MOVE_DATE) is expected


@pytest.mark.parametrize(("days", "expected"), EDGES)
def test_alert_4_attributed_three_weeks_without_a_move_date(db, days, expected):
    file = make(
        Step.MOVE_PERIOD_SET,
        nurs_date=ago(90),
        attributed_on=ago(days),
        move_period_start=ago(1),
        move_period_end=TODAY + dt.timedelta(days=10),
    )
    assert check(file, alerts.no_move_date, Alert.NO_MOVE_DATE) is expected
    assert not check(file, alerts.no_move_period, Alert.NO_MOVE_PERIOD)


@pytest.mark.parametrize(("offset", "expected"), [(1, False), (0, False), (-1, True), (-22, True)])
def test_alert_5_move_date_passed_file_not_closed(db, offset, expected):
    file = make(
        Step.MOVE_SCHEDULED,
        nurs_date=ago(90),
        attributed_on=ago(40),
        move_date=TODAY + dt.timedelta(days=offset),
    )
    assert check(file, alerts.move_date_passed, Alert.MOVE_DATE_PASSED) is expected


@pytest.mark.parametrize(
    "step", [Step.DONE, Step.CLOSED_BY_LANDLORD, Step.CLOSED_AFTER_CAL, Step.CLOSED_BY_TENANT]
)
def test_finished_and_closed_files_have_no_alert(db, step):
    file = make(
        step,
        nurs_date=ago(200),
        pre_instructed_on=ago(190),
        attributed_on=ago(100),
        move_date=ago(60),
    )
    assert alerts.alerts_of(file, TODAY) == []
    assert not ExchangeFile.objects.filter(alerts.any_alert_q(TODAY)).exists()
    assert not deadlines.is_overdue(file, TODAY)


def test_annotations_match_the_functions(db):
    files = [
        make(Step.PRE_INSTRUCTION, nurs_date=ago(30)),
        make(Step.INSTRUCTION, nurs_date=ago(25), pre_instructed_on=ago(20)),
        make(Step.ATTRIBUTED, nurs_date=ago(90), attributed_on=ago(30)),
        make(Step.MOVE_SCHEDULED, nurs_date=ago(90), attributed_on=ago(30), move_date=ago(2)),
        make(Step.CAL_SCHEDULED, nurs_date=ago(60)),
    ]
    annotated = {f.pk: f for f in alerts.annotate_alerts(ExchangeFile.objects.all(), TODAY)}
    for file in files:
        assert alerts.annotated_alerts(annotated[file.pk]) == alerts.alerts_of(file, TODAY)
    assert [alerts.alerts_of(f, TODAY) for f in files] == [
        [Alert.PRE_INSTRUCTION_LATE],
        [Alert.INSTRUCTION_LATE],
        [Alert.NO_MOVE_PERIOD, Alert.NO_MOVE_DATE],
        [Alert.MOVE_DATE_PASSED],
        [],
    ]


def test_each_alert_has_its_contact():
    assert {a: r.contact for a, r in alerts.RULES.items()} == {
        Alert.PRE_INSTRUCTION_LATE: "contact1",
        Alert.INSTRUCTION_LATE: "contact1",
        Alert.NO_MOVE_PERIOD: "contact2",
        Alert.NO_MOVE_DATE: "contact2",
        Alert.MOVE_DATE_PASSED: "contact2",
    }


# --- Deadlines ---------------------------------------------------------------------


def by_key(file):
    return {d.key: d for d in deadlines.deadlines(file, TODAY)}


@pytest.mark.parametrize(("days", "overdue"), [(6, False), (7, False), (8, True)])
def test_pre_instruction_is_due_7_days_after_the_nurs(db, days, overdue):
    file = make(Step.PRE_INSTRUCTION, nurs_date=ago(days))
    d = by_key(file)["pre_instruction"]
    assert d.due == ago(days) + dt.timedelta(days=7)
    assert d.overdue is overdue
    assert d.state == ("overdue" if overdue else "pending")
    assert ExchangeFile.objects.filter(deadlines.overdue_q(TODAY), pk=file.pk).exists() is overdue


@pytest.mark.parametrize(("days", "overdue"), [(13, False), (14, False), (15, True)])
def test_instruction_is_due_14_days_after_the_pre_instruction(db, days, overdue):
    file = make(Step.INSTRUCTION, nurs_date=ago(days + 3), pre_instructed_on=ago(days))
    d = by_key(file)["instruction"]
    assert d.due == ago(days) + dt.timedelta(days=14)
    assert d.overdue is overdue
    assert ExchangeFile.objects.filter(deadlines.overdue_q(TODAY), pk=file.pk).exists() is overdue
    assert by_key(file)["pre_instruction"].state == "met"


@pytest.mark.parametrize(("days", "overdue"), [(20, False), (21, False), (22, True)])
def test_move_dates_are_due_21_days_after_the_attribution(db, days, overdue):
    file = make(Step.MOVE_PERIOD_SET, nurs_date=ago(90), attributed_on=ago(days))
    assert by_key(file)["move_dates"].overdue is overdue
    assert ExchangeFile.objects.filter(deadlines.overdue_q(TODAY), pk=file.pk).exists() is overdue


def test_a_step_done_after_its_deadline_is_late_not_overdue(db):
    file = make(
        Step.CAL_SCHEDULED, nurs_date=ago(40), pre_instructed_on=ago(30), instructed_on=ago(1)
    )
    d = by_key(file)
    assert d["pre_instruction"].state == "late" and not d["pre_instruction"].overdue
    assert d["instruction"].state == "late"
    assert d["move_dates"].state == "waiting"
    assert not deadlines.is_overdue(file, TODAY)


def test_cal_dates_gap():
    assert deadlines.cal_dates_gap([ago(0), ago(8), ago(3)]) == 8
    assert deadlines.cal_dates_gap([]) == 0
