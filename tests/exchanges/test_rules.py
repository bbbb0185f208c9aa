"""Issue 14, part A: the rules of the exchange files, each on its edges.

Each rule is one function of ``workflow`` (``valid_nur``,
``check_cal_decision_not_before_cal_date``, ``check_move_period``,
``check_move_date_in_move_period``, ``check_completion_date``, ``may_undo``);
``perform`` applies them, and a refusal changes nothing.
"""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.models import CalDecision, ExchangeEvent, ExchangeFile, Step
from bourse.exchanges.workflow import InvalidData, NotAllowed, perform

from .conftest import advance, cal_dates, nur, open_file

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def at(day: dt.date) -> dt.datetime:
    """Noon, local time, on ``day`` (``perform(now=…)``)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def snapshot(file):
    file = ExchangeFile.objects.get(pk=file.pk)
    parties = list(file.parties.order_by("pk").values())
    return (
        {k: v for k, v in vars(file).items() if k not in ("_state", "updated_at")},
        parties,
        file.events.count(),
    )


# --- NUR ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("0750623012345GDPUB", "0750623012345GDPUB"),
        ("075 06 23 012345 GDPUB", "0750623012345GDPUB"),
        ("  075 06 23 012345 gdpub ", "0750623012345GDPUB"),
        ("075-06-23-012345-GDPUB", "0750623012345GDPUB"),
        ("1111023000123GDPUB", "1111023000123GDPUB"),  # regional registration, IdF
        ("02A0124000001B2A01", "02A0124000001B2A01"),  # Corsica
        ("0930124000001AB123", "0930124000001AB123"),
    ],
)
def test_a_nur_of_the_sne_structure_is_accepted_in_one_canonical_form(value, canonical):
    assert workflow.valid_nur(value, dt.date(2026, 12, 2)) == canonical


@pytest.mark.parametrize(
    "value",
    [
        "",
        "123",
        "abc",
        "ABC",
        "B123",
        "075062301234GDPUB",  # 17 characters (sequence of 5)
        "07506230123456GDPUB",  # 19 characters
        "0750623012345GDPU",  # desk code of 4
        "0751323012345GDPUB",  # month 13
        "0750023012345GDPUB",  # month 00
        "07A0623012345GDPUB",  # department
        "075062301234XGDPUB",  # sequence with a letter
        "075 06 23 012345 GDPUB!",
    ],
)
def test_anything_else_is_refused_with_the_expected_form(value):
    with pytest.raises(InvalidData, match="« 075 06 23 012345 GDPUB »") as error:
        workflow.valid_nur(value, dt.date(2026, 12, 2))
    assert error.value.field == "nur"


@pytest.mark.parametrize(
    ("filed", "accepted"),
    [("1126", True), ("1226", True), ("0127", False)],  # month before / of / after today
)
def test_the_filing_month_is_not_in_the_future(filed, accepted):
    value = f"075{filed}012345GDPUB"
    today = dt.date(2026, 12, 2)
    if accepted:
        assert workflow.valid_nur(value, today) == value
    else:
        with pytest.raises(InvalidData, match="futur"):
            workflow.valid_nur(value, today)


def test_a_file_does_not_open_with_a_malformed_nur(dwellings, tenants):
    specs = [
        {"dwelling_left": dwellings["a"], "nur": "abc", "tenant_user": tenants["a"]},
        {"dwelling_left": dwellings["b"], "nur": nur(2), "tenant_user": tenants["b"]},
    ]
    with pytest.raises(InvalidData, match="075 06 23 012345 GDPUB"):
        workflow_api_open(specs)
    assert not ExchangeFile.objects.exists()
    specs[0]["nur"] = "093 06 23 000001 gdpub"
    file = workflow_api_open(specs)
    assert file.parties.get(position=1).nur == "0930623000001GDPUB"


def workflow_api_open(specs):
    from bourse.exchanges.api import open_exchange_file

    return open_exchange_file(specs, None, notify=False)


# --- NUR corrections --------------------------------------------------------------------


def test_the_tenant_corrects_its_nur_until_the_pre_instruction_is_validated(
    file2, tenants, agents, amo
):
    party = file2.parties.get(position=1)
    for step in (Step.CREATED, Step.PRE_INSTRUCTION):  # day before / day of the validation
        advance(file2, step, amo)
        new = nur(10 + list(Step).index(step))
        perform(file2, "correct_nur", tenants["a"], party=party, data={"nur": new})
        party.refresh_from_db()
        assert party.nur == new
    event = file2.events.filter(action="correct_nur").last()
    assert event.details["before"] == nur(10) and event.details["party"] == 1
    assert event.actor_kind == "tenant"
    advance(file2, Step.INSTRUCTION, amo)  # the day after: the landlord's
    before = snapshot(file2)
    with pytest.raises(InvalidData, match="seul votre bailleur"):
        perform(file2, "correct_nur", tenants["a"], party=party, data={"nur": nur(30)})
    assert snapshot(file2) == before
    # Another household's NUR is never the tenant's to correct.
    other = file2.parties.get(position=2)
    with pytest.raises(NotAllowed):
        perform(file2, "correct_nur", tenants["a"], party=other, data={"nur": nur(31)})


def test_the_landlord_corrects_a_nur_with_a_reason(file2, agents, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    party = file2.parties.get(position=1)
    with pytest.raises(InvalidData, match="motif"):
        perform(file2, "correct_nur", agents["a"], party=party, data={"nur": nur(40)})
    with pytest.raises(InvalidData, match="075 06 23"):
        perform(file2, "correct_nur", agents["a"], party=party, data={"nur": "ABC", "reason": "x"})
    with pytest.raises(NotAllowed):  # not the landlord of that household
        perform(
            file2, "correct_nur", agents["b"], party=party, data={"nur": nur(40), "reason": "x"}
        )
    event = perform(
        file2,
        "correct_nur",
        agents["a"],
        party=party,
        data={"nur": "093 06 23 000040 gdpub", "reason": "Erreur de saisie du locataire"},
    )
    party.refresh_from_db()
    file2.refresh_from_db()
    assert party.nur == nur(40) and file2.step == Step.CAL_SCHEDULED
    assert event.reason == "Erreur de saisie du locataire" and not event.undoable
    with pytest.raises(InvalidData, match="déjà le NUR"):
        perform(file2, "correct_nur", amo, party=party, data={"nur": nur(40), "reason": "x"})


# --- CAL decision not before the CAL ---------------------------------------------------


@pytest.mark.parametrize(("offset", "accepted"), [(-1, False), (0, True), (1, True)])
def test_a_cal_decision_is_not_recorded_before_its_cal(file2, agents, amo, offset, accepted):
    cal = TODAY() + dt.timedelta(days=12)
    advance(file2, Step.INSTRUCTION, amo)
    perform(file2, "schedule_cal", amo, data={"cal_dates": cal_dates(file2, start=cal)})
    party = file2.parties.get(position=1)
    when = at(cal + dt.timedelta(days=offset))
    data = {"decision": CalDecision.ATTRIBUTION}
    if accepted:
        perform(file2, "record_cal_decision", agents["a"], party=party, data=data, now=when)
        party.refresh_from_db()
        assert party.cal_decision == CalDecision.ATTRIBUTION
    else:
        before = snapshot(file2)
        with pytest.raises(InvalidData, match="se réunit le") as error:
            perform(file2, "record_cal_decision", agents["a"], party=party, data=data, now=when)
        assert error.value.field == "decision"
        assert snapshot(file2) == before


def test_each_partys_decision_waits_for_its_own_cal(file2, agents, amo):
    """CALs in 12 and 20 days: neither decision today, the first on the first CAL's day only."""
    advance(file2, Step.INSTRUCTION, amo)
    first, second = file2.parties.order_by("position")
    d14, d22 = TODAY() + dt.timedelta(days=12), TODAY() + dt.timedelta(days=20)
    perform(file2, "schedule_cal", amo, data={"cal_dates": {first.pk: d14, second.pk: d22}})
    data = {"decision": CalDecision.ATTRIBUTION}
    for party, agent in ((first, agents["a"]), (second, agents["b"])):
        with pytest.raises(InvalidData):
            perform(file2, "record_cal_decision", agent, party=party, data=data)
    perform(file2, "record_cal_decision", agents["a"], party=first, data=data, now=at(d14))
    with pytest.raises(InvalidData, match=d22.strftime("%d/%m/")):
        perform(file2, "record_cal_decision", agents["b"], party=second, data=data, now=at(d14))


# --- Move period, move date, completion -------------------------------------------------


@pytest.fixture
def attributed(file2, amo):
    """Attributed by the CALs today."""
    return advance(file2, Step.ATTRIBUTED, amo)


@pytest.mark.parametrize(("offset", "accepted"), [(-1, False), (0, True), (1, True)])
def test_the_move_period_starts_on_or_after_the_attribution(attributed, agents, offset, accepted):
    start = TODAY() + dt.timedelta(days=offset)
    data = {"start": start, "end": start + dt.timedelta(days=15)}
    if accepted:
        perform(attributed, "set_move_period", agents["a"], data=data)
    else:
        before = snapshot(attributed)
        with pytest.raises(InvalidData, match="avant l’attribution") as error:
            perform(attributed, "set_move_period", agents["a"], data=data)
        assert error.value.field == "start" and snapshot(attributed) == before


@pytest.fixture
def period_set(attributed, agents):
    """Move period 05–20 of next month (relative: today + 34 … today + 49)."""
    start, end = TODAY() + dt.timedelta(days=34), TODAY() + dt.timedelta(days=49)
    perform(attributed, "set_move_period", agents["a"], data={"start": start, "end": end})
    return attributed


@pytest.mark.parametrize(
    ("day", "accepted"),
    [(33, False), (34, True), (35, True), (48, True), (49, True), (50, False), (89, False)],
)
def test_the_move_date_lies_inside_the_move_period(period_set, agents, day, accepted):
    data = {"date": TODAY() + dt.timedelta(days=day)}
    if accepted:
        perform(period_set, "set_move_date", agents["b"], data=data)
        assert ExchangeFile.objects.get(pk=period_set.pk).step == Step.MOVE_SCHEDULED
    else:
        before = snapshot(period_set)
        with pytest.raises(InvalidData, match="comprise dans la période") as error:
            perform(period_set, "set_move_date", agents["b"], data=data)
        assert error.value.field == "date" and snapshot(period_set) == before


def test_the_period_may_change_with_the_move_date_and_it_is_recorded(period_set, agents):
    new_start, new_end = TODAY() + dt.timedelta(days=80), TODAY() + dt.timedelta(days=95)
    day = TODAY() + dt.timedelta(days=89)
    event = perform(
        period_set,
        "set_move_date",
        agents["b"],
        data={"date": day, "period_start": new_start, "period_end": new_end},
    )
    period_set.refresh_from_db()
    assert (period_set.move_date, period_set.move_period_start, period_set.move_period_end) == (
        day,
        new_start,
        new_end,
    )
    assert event.details["period"]["start"] == new_start.isoformat()
    assert event.details["period"]["before"][0] == (TODAY() + dt.timedelta(days=34)).isoformat()
    # Undo puts the period back too.
    perform(period_set, "undo", agents["b"])
    period_set.refresh_from_db()
    assert period_set.move_period_start == TODAY() + dt.timedelta(days=34)
    # A new period before the attribution is refused next to its field.
    with pytest.raises(InvalidData) as error:
        perform(
            period_set,
            "set_move_date",
            agents["b"],
            data={"date": TODAY(), "period_start": TODAY() - DAY, "period_end": TODAY()},
        )
    assert error.value.field == "period_start"


@pytest.fixture
def scheduled(dwellings, tenants, amo):
    """NURs 40 days ago, everything backdated: move period 40 → 20 days ago, move
    date 40 days ago (``advance``), then moved to 30 days ago."""
    file = open_file(dwellings, tenants, ("a", "b"), nurs_date=TODAY() - dt.timedelta(days=40))
    advance(file, Step.MOVE_SCHEDULED, amo, now=at(TODAY() - dt.timedelta(days=40)))
    perform(file, "edit_move_date", amo, data={"date": TODAY() - dt.timedelta(days=30)})
    file.refresh_from_db()
    assert file.move_period_start == TODAY() - dt.timedelta(days=40)
    return file


@pytest.mark.parametrize(
    ("day", "accepted"),
    [(-31, False), (-30, True), (-29, True), (-1, True), (0, True), (1, False)],
)
def test_completion_on_or_after_the_move_date_and_not_in_the_future(
    scheduled, agents, day, accepted
):
    data = {"date": TODAY() + dt.timedelta(days=day)}
    if accepted:
        perform(scheduled, "set_completion", agents["a"], data=data)
        assert ExchangeFile.objects.get(pk=scheduled.pk).step == Step.DONE
    else:
        before = snapshot(scheduled)
        with pytest.raises(InvalidData) as error:
            perform(scheduled, "set_completion", agents["a"], data=data)
        assert error.value.field == "date" and snapshot(scheduled) == before


def test_edits_of_steps_7_and_8_keep_the_dates_together(scheduled, agents):
    perform(scheduled, "set_completion", agents["a"], data={"date": TODAY() - dt.timedelta(25)})
    # The move date stays inside the period and not after the completion.
    for day, message in ((-41, "comprise"), (-24, "réalisé le")):
        with pytest.raises(InvalidData, match=message):
            perform(
                scheduled,
                "edit_move_date",
                agents["a"],
                data={"date": TODAY() + dt.timedelta(days=day)},
            )
    perform(scheduled, "edit_move_date", agents["a"], data={"date": TODAY() - dt.timedelta(25)})
    # Completion: day before the move date refused, day of and today accepted, tomorrow not.
    for day, accepted in ((-26, False), (-25, True), (0, True), (1, False)):
        data = {"date": TODAY() + dt.timedelta(days=day)}
        if accepted:
            try:
                perform(scheduled, "edit_completion", agents["a"], data=data)
            except InvalidData as error:
                assert "déjà" in str(error)
        else:
            with pytest.raises(InvalidData):
                perform(scheduled, "edit_completion", agents["a"], data=data)
    scheduled.refresh_from_db()
    assert scheduled.completed_on == TODAY() and scheduled.move_date == TODAY() - dt.timedelta(25)


# --- "Annuler l'action" ----------------------------------------------------------------


def test_only_the_landlord_who_acted_or_the_amo_undoes(file2, agents, landlord_admins, amo):
    perform(file2, "start_pre_instruction", agents["a"])
    file2.refresh_from_db()
    event = file2.events.get(action="start_pre_instruction")
    assert workflow.may_undo(agents["a"], event) and workflow.may_undo(landlord_admins["a"], event)
    assert not workflow.may_undo(agents["b"], event)
    assert not workflow.can(file2, agents["b"], "undo")
    before = snapshot(file2)
    with pytest.raises(NotAllowed, match="Seuls l’organisme"):
        perform(file2, "undo", agents["b"])
    with pytest.raises(NotAllowed):
        perform(file2, "undo", landlord_admins["b"])
    assert snapshot(file2) == before
    assert workflow.can(file2, landlord_admins["a"], "undo")
    perform(file2, "undo", amo)
    assert ExchangeFile.objects.get(pk=file2.pk).step == Step.CREATED
    # An action of the AMO is undone by the AMO only.
    perform(file2, "start_pre_instruction", amo)
    file2.refresh_from_db()
    assert not workflow.can(file2, agents["a"], "undo")
    assert workflow.can(file2, amo, "undo")
    assert ExchangeEvent.objects.filter(file=file2, action="undo").count() == 1
