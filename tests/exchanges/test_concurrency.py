"""Two agents clicking at once on PostgreSQL leave one consistent state.

Each thread has its own connection; a short pause inside the action's
transaction (after the file row is locked) makes the two actions overlap.
"""

import threading
import time

import pytest
from django.db import connection

from bourse.exchanges import api, workflow
from bourse.exchanges.models import CalDecision, ExchangeEvent, ExchangeFile, Step
from bourse.exchanges.workflow import TransitionError, perform
from bourse.factories import DwellingFactory

from .conftest import advance, nur, open_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises)"
    ),
]


@pytest.fixture(autouse=True)
def reference_data():
    from bourse.territories import ensure_reference_data

    ensure_reference_data()  # the communes are gone after the previous test's flush


@pytest.fixture
def slow_actions(monkeypatch):
    """Hold each action's transaction open a little, the file row locked."""
    announce = workflow._announce

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return announce(*args, **kwargs)

    monkeypatch.setattr(workflow, "_announce", slow)


def race(*calls):
    """Run the calls at the same moment in threads; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, func):
        try:
            barrier.wait()
            func()
            outcomes[index] = "ok"
        except TransitionError as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_the_same_action_twice_at_once_is_done_once(file2, agents, slow_actions):
    outcomes = race(
        lambda: perform(file2.pk, "start_pre_instruction", agents["a"], expected_step="created"),
        lambda: perform(file2.pk, "start_pre_instruction", agents["b"], expected_step="created"),
    )
    assert sorted(outcomes) == ["StaleStep", "ok"]
    file2.refresh_from_db()
    assert file2.step == Step.PRE_INSTRUCTION
    assert ExchangeEvent.objects.filter(file=file2, action="start_pre_instruction").count() == 1


def test_closing_and_moving_forward_at_once_keep_one_of_them(file2, agents, amo, slow_actions):
    advance(file2, Step.PRE_INSTRUCTION, amo)
    outcomes = race(
        lambda: perform(
            file2.pk, "validate_pre_instruction", agents["a"], expected_step="pre_instruction"
        ),
        lambda: perform(
            file2.pk,
            "close_by_landlord",
            agents["b"],
            expected_step="pre_instruction",
            data={"reason": "Doublon"},
        ),
    )
    assert sorted(outcomes) == ["StaleStep", "ok"]
    file2.refresh_from_db()
    events = ExchangeEvent.objects.filter(file=file2).order_by("at", "pk")
    last = events.last()
    assert last.to_step == file2.step
    assert last.from_step == Step.PRE_INSTRUCTION
    if file2.step == Step.INSTRUCTION:
        assert file2.closed_at is None and file2.pre_instructed_on is not None
    else:
        assert file2.step == Step.CLOSED_BY_LANDLORD and file2.pre_instructed_on is None


def test_the_last_two_cal_decisions_at_once_attribute_the_file(file2, agents, amo, slow_actions):
    advance(file2, Step.CAL_SCHEDULED, amo)
    one, two = file2.parties.order_by("position")
    decide = {"decision": CalDecision.ATTRIBUTION}
    outcomes = race(
        lambda: perform(
            file2.pk,
            "record_cal_decision",
            agents["a"],
            party=one.pk,
            expected_step="cal_scheduled",
            data=decide,
        ),
        lambda: perform(
            file2.pk,
            "record_cal_decision",
            agents["b"],
            party=two.pk,
            expected_step="cal_scheduled",
            data=decide,
        ),
    )
    assert outcomes == ["ok", "ok"]
    file2.refresh_from_db()
    assert file2.step == Step.ATTRIBUTED
    steps = list(
        ExchangeEvent.objects.filter(file=file2, action="record_cal_decision")
        .order_by("at", "pk")
        .values_list("from_step", "to_step")
    )
    assert steps == [
        (Step.CAL_SCHEDULED, Step.CAL_DECISIONS),
        (Step.CAL_DECISIONS, Step.ATTRIBUTED),
    ]


def test_two_files_cannot_open_on_the_same_dwelling_at_once(landlords, tenants, monkeypatch):
    from django.db.models.query import QuerySet

    shared = DwellingFactory(landlord=landlords["a"], commune_contingent=True)
    others = [
        DwellingFactory(landlord=landlords["b"], commune_contingent=True),
        DwellingFactory(landlord=landlords["c"], commune_contingent=True),
    ]
    exists = QuerySet.exists

    def slow_exists(self):
        result = exists(self)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(QuerySet, "exists", slow_exists)

    def opener(other):
        return lambda: api.open_exchange_file(
            [{"dwelling_left": shared, "nur": nur(1)}, {"dwelling_left": other, "nur": nur(2)}],
            None,
            notify=False,
        )

    outcomes = race(opener(others[0]), opener(others[1]))
    assert sorted(outcomes) == ["InvalidData", "ok"]
    assert ExchangeFile.objects.count() == 1


__all__ = ["open_file"]
