"""The state machine: every transition allowed and refused, with two and three parties."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.exchanges import signals, workflow
from bourse.exchanges.models import CLOSED_STEPS, CalDecision, ExchangeEvent, Step
from bourse.exchanges.workflow import (
    InvalidData,
    NotAllowed,
    StaleStep,
    WrongStep,
    perform,
)
from bourse.factories import DwellingFactory, StaffFactory, TenantUserFactory

from .conftest import ORDER, advance, cal_dates, open_file

TODAY = timezone.localdate


@pytest.fixture(params=[2, 3], ids=["2-parties", "3-parties"])
def file(request, dwellings, tenants):
    keys = ("a", "b", "c")[: request.param]
    return open_file(dwellings, tenants, keys)


def data_for(action, file):
    today = TODAY()
    return {
        "schedule_cal": {"cal_dates": cal_dates(file)},
        "set_move_period": {
            "start": today + dt.timedelta(days=3),
            "end": today + dt.timedelta(days=30),
        },
        "set_move_date": {"date": today + dt.timedelta(days=7)},
        "set_completion": {"date": today},
        "close_by_landlord": {"reason": "Le ménage a trouvé un autre logement."},
        "renounce": {"reason": "Je préfère rester."},
    }.get(action, {})


FORWARD = [
    (Step.CREATED, "start_pre_instruction", Step.PRE_INSTRUCTION),
    (Step.PRE_INSTRUCTION, "validate_pre_instruction", Step.INSTRUCTION),
    (Step.INSTRUCTION, "schedule_cal", Step.CAL_SCHEDULED),
    (Step.ATTRIBUTED, "set_move_period", Step.MOVE_PERIOD_SET),
    (Step.MOVE_PERIOD_SET, "set_move_date", Step.MOVE_SCHEDULED),
    (Step.MOVE_SCHEDULED, "set_completion", Step.DONE),
]


# --- Forward steps ----------------------------------------------------------------


@pytest.mark.parametrize(("source", "action", "target"), FORWARD)
@pytest.mark.parametrize("who", ["agent_a", "agent_b", "admin_a", "amo"])
def test_landlords_of_the_file_and_the_amo_move_it_forward(
    file, agents, landlord_admins, amo, source, action, target, who
):
    actors = {
        "agent_a": agents["a"],
        "agent_b": agents["b"],
        "admin_a": landlord_admins["a"],
        "amo": amo,
    }
    advance(file, source, amo)
    user = actors[who]
    assert workflow.can(file, user, action)
    event = perform(file, action, user, expected_step=source, data=data_for(action, file))
    file.refresh_from_db()
    assert file.step == target
    assert (event.from_step, event.to_step, event.actor, event.action) == (
        source,
        target,
        user,
        action,
    )
    assert event.actor_kind == ("amo" if who == "amo" else "landlord")


@pytest.mark.parametrize(("source", "action", "target"), FORWARD)
def test_others_may_not_move_it_forward(
    file, dwellings, tenants, agents, partner, amo, source, action, target
):
    # Landlord C's agent is outside the two-party file; a fourth landlord is outside both.
    from bourse.models import Landlord, StaffRole

    outsider_landlord = Landlord.objects.create(name="Bailleur D", siret="40483304800022")
    outsider = StaffFactory(username="agent-d", role=StaffRole.AGENT, landlord=outsider_landlord)
    advance(file, source, amo)
    for user in (outsider, tenants["a"], partner, None):
        assert not workflow.can(file, user, action)
        with pytest.raises(NotAllowed):
            perform(file, action, user, data=data_for(action, file))
    file.refresh_from_db()
    assert file.step == source


def test_landlord_c_is_an_outsider_of_a_two_party_file(file2, agents):
    with pytest.raises(NotAllowed):
        perform(file2, "start_pre_instruction", agents["c"])
    assert workflow.available_actions(file2, agents["c"]) == []


@pytest.mark.parametrize(("source", "action", "target"), FORWARD)
def test_every_forward_action_is_refused_at_another_step(file, amo, source, action, target):
    wrong = Step.CREATED if source != Step.CREATED else Step.INSTRUCTION
    advance(file, wrong, amo)
    with pytest.raises(WrongStep):
        perform(file, action, amo, data=data_for(action, file))


def test_the_step_seen_by_the_user_must_still_be_the_step(file2, agents):
    perform(file2, "start_pre_instruction", agents["a"], expected_step=Step.CREATED)
    with pytest.raises(StaleStep, match="a changé entre-temps"):
        perform(file2, "start_pre_instruction", agents["b"], expected_step=Step.CREATED)
    assert file2.events.filter(action="start_pre_instruction").count() == 1


# --- CAL dates ---------------------------------------------------------------------


def test_cal_dates_nine_days_apart_are_refused(file, amo):
    advance(file, Step.INSTRUCTION, amo)
    with pytest.raises(InvalidData, match="9 jours"):
        perform(file, "schedule_cal", amo, data={"cal_dates": cal_dates(file, gap=9)})
    file.refresh_from_db()
    assert file.step == Step.INSTRUCTION
    assert not file.parties.exclude(cal_date=None).exists()


def test_cal_dates_eight_days_apart_are_accepted(file, agents):
    advance(file, Step.INSTRUCTION, agents["a"])
    perform(file, "schedule_cal", agents["b"], data={"cal_dates": cal_dates(file, gap=8)})
    file.refresh_from_db()
    assert file.step == Step.CAL_SCHEDULED
    assert file.instructed_on == TODAY()
    assert file.parties.exclude(cal_date=None).count() == file.parties.count()


def test_every_party_needs_a_cal_date(file, amo):
    advance(file, Step.INSTRUCTION, amo)
    dates = cal_dates(file)
    dates.pop(next(iter(dates)))
    with pytest.raises(InvalidData, match="chaque ménage"):
        perform(file, "schedule_cal", amo, data={"cal_dates": dates})


def test_cal_dates_stay_editable_until_the_first_decision(file, agents, amo):
    advance(file, Step.CAL_SCHEDULED, amo)
    later = cal_dates(file, start=TODAY() + dt.timedelta(days=20))
    perform(file, "edit_cal_dates", agents["a"], data={"cal_dates": later})
    assert set(file.parties.values_list("cal_date", flat=True)) == {TODAY() + dt.timedelta(20)}
    with pytest.raises(InvalidData, match="9 jours"):
        perform(file, "edit_cal_dates", agents["a"], data={"cal_dates": cal_dates(file, gap=9)})
    advance(file, Step.CAL_DECISIONS, amo, now=timezone.now() + dt.timedelta(days=20))
    with pytest.raises(WrongStep):
        perform(file, "edit_cal_dates", agents["a"], data={"cal_dates": later})


# --- CAL decisions -------------------------------------------------------------------


def _decide(file, user, position, decision=CalDecision.ATTRIBUTION):
    party = file.parties.get(position=position)
    return perform(file, "record_cal_decision", user, party=party, data={"decision": decision})


def test_each_landlord_records_the_decision_of_its_own_party(file, agents):
    advance(file, Step.CAL_SCHEDULED, agents["a"])
    party_b = file.parties.get(position=2)
    assert not workflow.can(file, agents["a"], "record_cal_decision", party=party_b)
    with pytest.raises(NotAllowed):
        _decide(file, agents["a"], 2)
    _decide(file, agents["a"], 1)
    file.refresh_from_db()
    assert file.step == Step.CAL_DECISIONS
    with pytest.raises(InvalidData, match="déjà saisie"):
        _decide(file, agents["a"], 1)
    keys = "abc"
    for position in range(2, file.parties.count() + 1):
        _decide(file, agents[keys[position - 1]], position)
    file.refresh_from_db()
    assert file.step == Step.ATTRIBUTED
    assert file.attributed_on == TODAY()


def test_two_parties_may_share_a_landlord(landlords, tenants, agents, amo):
    one = DwellingFactory(
        landlord=landlords["a"], insee="93048", slug="a1", commune_contingent=True
    )
    two = DwellingFactory(
        landlord=landlords["a"], insee="93048", slug="a2", commune_contingent=True
    )
    file = open_file({"a": one, "b": two}, tenants, ("a", "b"))
    assert {p.landlord for p in file.parties.all()} == {landlords["a"]}
    advance(file, Step.CAL_SCHEDULED, agents["a"])
    _decide(file, agents["a"], 1)
    _decide(file, agents["a"], 2)
    file.refresh_from_db()
    assert file.step == Step.ATTRIBUTED
    assert not workflow.can(file, agents["b"], "set_move_period")


@pytest.mark.parametrize("decision", [CalDecision.NON_ATTRIBUTION, CalDecision.REFUSAL_INELIGIBLE])
@pytest.mark.parametrize("first", [True, False])
def test_any_other_decision_closes_the_file_after_the_cal(file, agents, amo, decision, first):
    advance(file, Step.CAL_SCHEDULED, amo)
    if not first:
        _decide(file, agents["a"], 1)
    before = file.__class__.objects.get(pk=file.pk).step
    received = []

    def receiver(sender, file, step, **kwargs):
        received.append(step)

    signals.exchange_file_closed.connect(receiver)
    try:
        event = _decide(file, agents["b"], 2, decision)
    finally:
        signals.exchange_file_closed.disconnect(receiver)
    file.refresh_from_db()
    assert file.step == Step.CLOSED_AFTER_CAL
    assert file.closed_from_step == before
    assert "Bailleur B" in file.closure_reason and str(CalDecision(decision).label) in event.reason
    assert received == [Step.CLOSED_AFTER_CAL]


def test_an_unknown_decision_is_refused(file2, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    party = file2.parties.first()
    with pytest.raises(InvalidData):
        perform(file2, "record_cal_decision", amo, party=party, data={"decision": "peut-être"})


def test_a_party_of_another_file_is_refused(file2, dwellings, tenants, amo, landlords):
    other = open_file(
        {
            "a": DwellingFactory(landlord=landlords["a"], commune_contingent=True),
            "b": DwellingFactory(landlord=landlords["b"], commune_contingent=True),
        },
        tenants,
    )
    advance(file2, Step.CAL_SCHEDULED, amo)
    with pytest.raises(InvalidData, match="ne fait pas partie"):
        perform(
            file2,
            "record_cal_decision",
            amo,
            party=other.parties.first(),
            data={"decision": CalDecision.ATTRIBUTION},
        )


# --- Move period, move date, completion -------------------------------------------


def test_move_period_needs_both_dates_in_order(file2, amo):
    advance(file2, Step.ATTRIBUTED, amo)
    today = TODAY()
    with pytest.raises(InvalidData, match="début et la fin"):
        perform(file2, "set_move_period", amo, data={"start": today})
    with pytest.raises(InvalidData, match="précède son début"):
        perform(
            file2,
            "set_move_period",
            amo,
            data={"start": today + dt.timedelta(days=9), "end": today + dt.timedelta(days=2)},
        )


@pytest.mark.parametrize("action", ["set_move_date", "set_completion"])
def test_a_date_is_required(file2, amo, action):
    source = Step.MOVE_PERIOD_SET if action == "set_move_date" else Step.MOVE_SCHEDULED
    advance(file2, source, amo)
    with pytest.raises(InvalidData, match="Saisissez"):
        perform(file2, action, amo, data={})


def test_completion_cannot_be_in_the_future(file2, amo):
    advance(file2, Step.MOVE_SCHEDULED, amo)
    with pytest.raises(InvalidData, match="futur"):
        perform(file2, "set_completion", amo, data={"date": TODAY() + dt.timedelta(days=1)})


def test_dates_of_steps_7_and_8_stay_editable(dwellings, tenants, agents, amo):
    days_ago = dt.timedelta(days=30)
    file2 = open_file(dwellings, tenants, ("a", "b"), nurs_date=TODAY() - days_ago)
    advance(file2, Step.MOVE_SCHEDULED, amo, now=timezone.now() - days_ago)
    # Move period: 30 to 10 days ago; move date: 30 days ago.
    new_date = TODAY() - dt.timedelta(days=20)
    perform(file2, "edit_move_date", agents["b"], data={"date": new_date})
    file2.refresh_from_db()
    assert (file2.step, file2.move_date) == (Step.MOVE_SCHEDULED, new_date)
    with pytest.raises(WrongStep):
        perform(file2, "edit_completion", agents["b"], data={"date": TODAY()})
    advance(file2, Step.DONE, amo)
    perform(file2, "edit_move_date", agents["a"], data={"date": TODAY() - dt.timedelta(days=15)})
    perform(file2, "edit_completion", agents["a"], data={"date": TODAY() - dt.timedelta(days=1)})
    file2.refresh_from_db()
    assert file2.step == Step.DONE
    assert file2.completed_on == TODAY() - dt.timedelta(days=1)
    edits = file2.events.filter(action__startswith="edit_")
    assert edits.count() == 3 and not edits.filter(undoable=True).exists()


# --- Closures -----------------------------------------------------------------------


@pytest.mark.parametrize("step", ORDER[:-1])
def test_a_landlord_closes_with_a_reason_at_any_open_step(file, agents, amo, step):
    advance(file, step, amo)
    with pytest.raises(InvalidData, match="motif est obligatoire"):
        perform(file, "close_by_landlord", agents["a"], data={"reason": "   "})
    perform(file, "close_by_landlord", agents["b"], data={"reason": "Dossier incomplet"})
    file.refresh_from_db()
    assert (file.step, file.closed_from_step, file.closure_reason) == (
        Step.CLOSED_BY_LANDLORD,
        step,
        "Dossier incomplet",
    )


def test_a_finished_exchange_cannot_be_closed(file2, amo):
    advance(file2, Step.DONE, amo)
    with pytest.raises(WrongStep):
        perform(file2, "close_by_landlord", amo, data={"reason": "x"})


def test_a_tenant_of_the_file_renounces_with_a_reason(file, tenants, agents, amo):
    outsider = TenantUserFactory(username="x")
    advance(file, Step.INSTRUCTION, amo)
    assert workflow.can(file, tenants["a"], "renounce")
    for user in (outsider, agents["a"], amo):
        assert not workflow.can(file, user, "renounce")
        with pytest.raises(NotAllowed):
            perform(file, "renounce", user, data={"reason": "x"})
    with pytest.raises(InvalidData, match="motif"):
        perform(file, "renounce", tenants["b"], data={"reason": ""})
    event = perform(file, "renounce", tenants["b"], data={"reason": "Je reste chez moi."})
    file.refresh_from_db()
    assert file.step == Step.CLOSED_BY_TENANT
    assert event.actor_kind == "tenant" and event.reason == "Je reste chez moi."
    # Once closed, a tenant has nothing left to do.
    assert workflow.available_actions(file, tenants["a"]) == []


def test_only_the_job_closes_for_inactivity(file2, amo, tenants):
    for user in (amo, tenants["a"]):
        with pytest.raises(NotAllowed):
            perform(file2, "close_for_inactivity", user, data={"reason": "x"})
    perform(file2, "close_for_inactivity", system=True, data={"reason": "Inactivité"})
    file2.refresh_from_db()
    assert file2.step == Step.CLOSED_INACTIVITY
    assert file2.events.last().actor_kind == "system"


# --- Undo and reopen -------------------------------------------------------------------


FILE_DATES = (
    "pre_instructed_on",
    "instructed_on",
    "attributed_on",
    "move_period_start",
    "move_period_end",
    "move_date",
    "move_date_entered_on",
    "completed_on",
)


@pytest.mark.parametrize("index", range(1, len(ORDER)))
def test_undo_returns_to_the_previous_step_and_its_dates(file, amo, agents, index):
    previous, target = ORDER[index - 1], ORDER[index]
    advance(file, previous, amo)
    before = file.__class__.objects.get(pk=file.pk)
    parties_before = list(file.parties.values_list("cal_date", "cal_decision").order_by("pk"))
    advance(file, target, amo)
    last = file.events.order_by("-at", "-pk").first()
    undoer = amo  # the action was the AMO’s: only the AMO undoes it (``may_undo``)
    assert workflow.can(file, undoer, "undo")
    event = perform(file, "undo", undoer, expected_step=target)
    file.refresh_from_db()
    assert file.step == previous
    for name in FILE_DATES:
        assert getattr(file, name) == getattr(before, name), name
    assert (event.from_step, event.to_step) == (target, previous)
    assert list(file.events.exclude(reverted_at=None)) == [last]
    if not (target == Step.ATTRIBUTED and file.parties.count() == 3):
        parties_after = list(file.parties.values_list("cal_date", "cal_decision").order_by("pk"))
        assert parties_after == parties_before


def test_undo_twice_walks_back_two_actions(file2, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    perform(file2, "undo", amo)
    perform(file2, "undo", amo)
    file2.refresh_from_db()
    assert file2.step == Step.PRE_INSTRUCTION
    assert file2.pre_instructed_on is None
    perform(file2, "undo", amo)
    with pytest.raises(WrongStep, match="pas d’action à annuler"):
        perform(file2, "undo", amo)


def test_undo_of_a_cal_decision_is_for_that_partys_landlord(file2, agents, amo):
    advance(file2, Step.CAL_SCHEDULED, amo)
    _decide(file2, agents["a"], 1)
    assert not workflow.can(file2, agents["b"], "undo")
    with pytest.raises(NotAllowed):
        perform(file2, "undo", agents["b"])
    perform(file2, "undo", agents["a"])
    file2.refresh_from_db()
    assert file2.step == Step.CAL_SCHEDULED
    assert not file2.parties.exclude(cal_decision="").exists()


def test_move_period_is_changed_with_undo(file2, agents, amo):
    advance(file2, Step.ATTRIBUTED, amo)
    today = TODAY()
    period = {"start": today, "end": today + dt.timedelta(days=9)}
    perform(file2, "set_move_period", agents["b"], data=period)
    perform(file2, "undo", agents["b"])
    file2.refresh_from_db()
    assert (file2.step, file2.move_period_start, file2.move_period_end) == (
        Step.ATTRIBUTED,
        None,
        None,
    )


def test_undo_after_an_edit_goes_back_a_step_and_clears_the_date(file2, amo, agents):
    advance(file2, Step.MOVE_SCHEDULED, amo)
    perform(file2, "edit_move_date", agents["a"], data={"date": TODAY() + dt.timedelta(3)})
    perform(file2, "undo", amo)  # the move date was entered by the AMO
    file2.refresh_from_db()
    assert (file2.step, file2.move_date, file2.move_date_entered_on) == (
        Step.MOVE_PERIOD_SET,
        None,
        None,
    )


@pytest.mark.parametrize("closure", CLOSED_STEPS)
def test_undo_is_never_possible_on_a_closed_file(file, agents, tenants, amo, closure):
    advance(file, Step.CAL_SCHEDULED, amo)
    if closure == Step.CLOSED_AFTER_CAL:
        _decide(file, agents["b"], 2, CalDecision.NON_ATTRIBUTION)
    elif closure == Step.CLOSED_BY_LANDLORD:
        perform(file, "close_by_landlord", agents["a"], data={"reason": "x"})
    elif closure == Step.CLOSED_BY_TENANT:
        perform(file, "renounce", tenants["a"], data={"reason": "x"})
    else:
        perform(file, "close_for_inactivity", system=True, data={"reason": "x"})
    file.refresh_from_db()
    assert file.step == closure
    for user in (agents["a"], agents["b"], amo):
        actions = [a.action for a in workflow.available_actions(file, user)]
        assert "undo" not in actions
        assert actions == ["reopen"]
        with pytest.raises(WrongStep):
            perform(file, "undo", user)
    file.refresh_from_db()
    assert file.step == closure


def test_reopen_after_the_cal_withdraws_the_closing_decision(file3, agents, amo):
    advance(file3, Step.CAL_SCHEDULED, amo)
    _decide(file3, agents["a"], 1)
    _decide(file3, agents["c"], 3, CalDecision.REFUSAL_INELIGIBLE)
    file3.refresh_from_db()
    assert file3.step == Step.CLOSED_AFTER_CAL
    perform(file3, "reopen", agents["b"], expected_step=Step.CLOSED_AFTER_CAL)
    file3.refresh_from_db()
    assert file3.step == Step.CAL_DECISIONS
    assert (file3.closed_at, file3.closed_from_step, file3.closure_reason) == (None, "", "")
    decisions = dict(file3.parties.values_list("position", "cal_decision"))
    assert decisions == {1: CalDecision.ATTRIBUTION, 2: "", 3: ""}
    _decide(file3, agents["b"], 2)
    _decide(file3, agents["c"], 3)
    file3.refresh_from_db()
    assert file3.step == Step.ATTRIBUTED


@pytest.mark.parametrize("step", [Step.CREATED, Step.INSTRUCTION, Step.MOVE_SCHEDULED])
def test_reopen_returns_to_the_step_it_was_closed_from(file2, agents, tenants, amo, step):
    advance(file2, step, amo)
    perform(file2, "renounce", tenants["a"], data={"reason": "x"})
    opened = []

    def receiver(sender, file, reopened, **kwargs):
        opened.append(reopened)

    signals.exchange_file_opened.connect(receiver)
    try:
        with pytest.raises(NotAllowed):
            perform(file2, "reopen", tenants["a"])
        event = perform(file2, "reopen", agents["a"])
    finally:
        signals.exchange_file_opened.disconnect(receiver)
    file2.refresh_from_db()
    assert file2.step == step and event.from_step == Step.CLOSED_BY_TENANT
    assert opened == [True]
    with pytest.raises(WrongStep):
        perform(file2, "reopen", agents["a"])


def test_every_action_is_recorded(file2, agents, tenants, amo):
    advance(file2, Step.INSTRUCTION, agents["a"])
    perform(file2, "undo", agents["a"])
    perform(file2, "renounce", tenants["b"], data={"reason": "Raisons familiales"})
    perform(file2, "reopen", amo)
    events = list(ExchangeEvent.objects.filter(file=file2).order_by("at", "pk"))
    assert [e.action for e in events] == [
        "open",
        "start_pre_instruction",
        "validate_pre_instruction",
        "undo",
        "renounce",
        "reopen",
    ]
    assert [(e.from_step, e.to_step) for e in events[3:]] == [
        (Step.INSTRUCTION, Step.PRE_INSTRUCTION),
        (Step.PRE_INSTRUCTION, Step.CLOSED_BY_TENANT),
        (Step.CLOSED_BY_TENANT, Step.PRE_INSTRUCTION),
    ]
    assert events[4].reason == "Raisons familiales"
    assert events[3].actor == agents["a"] and events[3].actor_landlord.name == "Bailleur A"
    assert events[5].actor_kind == "amo"
    assert all(e.at is not None for e in events)


def test_the_table_lists_every_action_once():
    rows = workflow.table_rows()
    assert len({r["action"] for r in rows}) == len(rows) == len(workflow.TRANSITIONS)
    undo = next(r for r in rows if r["action"] == "undo")
    assert not set(undo["from"]) & set(CLOSED_STEPS)
    reopen = next(r for r in rows if r["action"] == "reopen")
    assert set(reopen["from"]) == set(CLOSED_STEPS)
