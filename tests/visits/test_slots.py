"""The slots' rules (``services.validate_slots``), one test per rule."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.visits import services
from bourse.visits.services import PARIS, Slot, VisitError, slot_at

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0, minutes: int = 60) -> Slot:
    return slot_at(dt.date(2026, 12, day), dt.time(hour, minute), minutes)


def test_one_to_three_slots():
    assert len(services.validate_slots([at(5, 10)], NOW)) == 1
    assert len(services.validate_slots([at(5, 10), at(6, 10), at(7, 10)], NOW)) == 3
    with pytest.raises(VisitError, match="entre un et 3 créneaux"):
        services.validate_slots([], NOW)
    with pytest.raises(VisitError, match="entre un et 3 créneaux"):
        services.validate_slots([at(5, 10), at(6, 10), at(7, 10), at(8, 10)], NOW)


def test_slot_in_the_future_with_notice():
    with pytest.raises(VisitError, match="passé ou trop proche"):
        services.validate_slots([at(2, 10)], NOW)  # yesterday
    with pytest.raises(VisitError, match="passé ou trop proche"):
        services.validate_slots([at(3, 11)], NOW)  # within two hours
    assert services.validate_slots([at(3, 12)], NOW)


def test_slot_not_too_far_ahead():
    far = slot_at(NOW.date() + dt.timedelta(days=91), dt.time(10), 60)
    with pytest.raises(VisitError, match="trop lointain"):
        services.validate_slots([far], NOW)


@pytest.mark.parametrize(
    "slot",
    [at(5, 7, 30), at(5, 20, 30, minutes=60), at(5, 23), at(5, 6)],
    ids=["before-8", "ends-after-21", "night", "dawn"],
)
def test_slot_at_sensible_hours(slot):
    with pytest.raises(VisitError, match="heure raisonnable"):
        services.validate_slots([slot], NOW)


def test_sensible_hours_are_paris_hours_whatever_the_server_zone():
    # 8:00 in Paris is 7:00 UTC in winter: accepted.
    utc_slot = Slot(
        dt.datetime(2026, 12, 5, 7, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    )
    assert services.validate_slots([utc_slot], NOW)


def test_slots_do_not_overlap():
    with pytest.raises(VisitError, match="se chevauchent"):
        services.validate_slots([at(5, 10, minutes=90), at(5, 11)], NOW)
    ok = services.validate_slots([at(5, 11), at(5, 10)], NOW)  # touching, given unsorted
    assert [s.starts_at.hour for s in ok] == [10, 11]


def test_real_clock_used_by_default():
    soon = slot_at(timezone.localdate() - dt.timedelta(days=1), dt.time(10), 60)
    with pytest.raises(VisitError):
        services.validate_slots([soon])
