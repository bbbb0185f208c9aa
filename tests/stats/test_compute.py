"""The nightly recomputation: all months, every scope, idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.models import ExchangeFile, Step
from bourse.factories import DwellingFactory
from bourse.stats.compute import recompute_statistics
from bourse.stats.models import CommuneStat, MonthlyStat, StatsRun
from bourse.stats.tasks import recompute_statistics_task
from tests.exchanges.conftest import advance, open_file

from .conftest import done, make_file

pytestmark = pytest.mark.django_db


def month_row(month, landlord=None, department=""):
    return MonthlyStat.objects.filter(month=month, landlord=landlord, department=department).first()


def test_a_completion_date_entered_weeks_later_lands_in_its_month(
    amo, agents, landlords, dwellings, tenants
):
    """The seed's fix: the table is recomputed over every month, not the current one."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    file = open_file(dwellings, tenants, ("a", "b"))
    advance(file, Step.MOVE_SCHEDULED, amo)
    # The file was attributed two months ago (it waited for its move) and moved last
    # month (a completion is not before its move date).
    ExchangeFile.objects.filter(pk=file.pk).update(
        attributed_on=today - dt.timedelta(days=60),
        move_period_start=today - dt.timedelta(days=60),
        move_date=last_month,
    )
    recompute_statistics_task()
    assert month_row(last_month) is None or month_row(last_month).exchanges_done == 0

    # Weeks later, landlord A enters the date: the exchange happened last month.
    file.refresh_from_db()
    workflow.perform(file, "set_completion", agents["a"], data={"date": last_month})
    assert month_row(last_month) is None or month_row(last_month).exchanges_done == 0
    recompute_statistics_task()  # the next night

    row = month_row(last_month)
    assert row.exchanges_done == 1 and row.tenants_exchanged == 2
    assert month_row(this_month).exchanges_done == 0
    assert month_row(last_month, landlords["a"]).exchanges_done == 1
    assert month_row(last_month, landlords["a"]).tenants_exchanged == 1


def test_the_task_is_scheduled_every_night():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["stats-nightly-recompute"]
    assert entry["task"] == "bourse.stats.tasks.recompute_statistics_task"
    assert entry["schedule"].hour == {2}


def snapshot():
    monthly = sorted(
        MonthlyStat.objects.values_list(
            "month", "landlord_id", "department", "exchanges_done", "files_opened", "closed_tenant"
        ),
        key=str,
    )
    communes = sorted(
        CommuneStat.objects.values_list("commune_id", "landlord_id", "year", "tenants_exchanged"),
        key=str,
    )
    return monthly, communes


def test_recomputation_is_idempotent_and_can_be_run_by_hand(landlords):
    done([(landlords["a"], "93048"), (landlords["b"], "75111")], dt.date(2024, 3, 5))
    make_file([(landlords["a"], "93048"), (landlords["c"], "94028")], Step.INSTRUCTION)
    recompute_statistics()
    first = snapshot()
    call_command("recompute_statistics", verbosity=0)
    assert snapshot() == first
    assert StatsRun.objects.count() == 1
    assert StatsRun.objects.get().files == 2


def test_each_file_counts_once_per_scope(landlords):
    a, b = landlords["a"], landlords["b"]
    done([(a, "93048"), (b, "75111")], dt.date(2024, 3, 5))  # Montreuil (93), Paris 11e (75)
    done([(a, "93048"), (a, "93066")], dt.date(2024, 3, 20))  # both households of A, in 93
    recompute_statistics()
    march = dt.date(2024, 3, 1)
    everything = month_row(march)
    assert (everything.exchanges_done, everything.tenants_exchanged) == (2, 4)
    assert (month_row(march, a).exchanges_done, month_row(march, a).tenants_exchanged) == (2, 3)
    assert (month_row(march, b).exchanges_done, month_row(march, b).tenants_exchanged) == (1, 1)
    assert month_row(march, department="93").exchanges_done == 2
    assert month_row(march, department="75").exchanges_done == 1
    assert month_row(march, b, "75").exchanges_done == 1
    assert month_row(march, b, "93") is None


def test_opened_attributed_and_closed_by_reason_per_month(landlords):
    a, b = landlords["a"], landlords["b"]
    sides = [(a, "93048"), (b, "75111")]
    make_file(sides, Step.INSTRUCTION, opened_on=dt.date(2024, 1, 3))
    make_file(
        sides,
        Step.CLOSED_BY_TENANT,
        opened_on=dt.date(2024, 1, 9),
        closed_on=dt.date(2024, 2, 14),
    )
    make_file(
        sides,
        Step.CLOSED_AFTER_CAL,
        opened_on=dt.date(2024, 1, 20),
        closed_on=dt.date(2024, 3, 1),
    )
    make_file(
        sides,
        Step.CLOSED_BY_LANDLORD,
        opened_on=dt.date(2024, 2, 2),
        attributed_on=dt.date(2024, 2, 25),
        closed_on=dt.date(2024, 3, 30),
    )
    recompute_statistics()
    jan, feb, mar = (month_row(dt.date(2024, m, 1)) for m in (1, 2, 3))
    assert jan.files_opened == 3 and feb.files_opened == 1
    assert feb.files_attributed == 1
    assert feb.closed_tenant == 1
    assert mar.closed_after_cal == 1 and mar.closed_landlord == 1
    assert jan.exchanges_done == feb.exchanges_done == 0


def test_delays_per_step_are_summed_in_the_month_the_step_ended(landlords):
    a = landlords["a"]
    make_file(
        [(a, "93048"), (a, "93066")],
        Step.INSTRUCTION,
        nurs_date=dt.date(2024, 1, 1),
        pre_instructed_on=dt.date(2024, 1, 6),  # 5 days
        instructed_on=dt.date(2024, 1, 26),  # 20 days
    )
    make_file(
        [(a, "93048"), (a, "93066")],
        Step.INSTRUCTION,
        nurs_date=dt.date(2024, 1, 10),
        pre_instructed_on=dt.date(2024, 1, 19),  # 9 days
    )
    recompute_statistics()
    row = month_row(dt.date(2024, 1, 1), a)
    assert (row.pre_instruction_days, row.pre_instruction_count) == (14, 2)
    assert (row.instruction_days, row.instruction_count) == (20, 1)


SEED_COMMUNES = {
    "77279": "Marolles-sur-Seine",
    "78029": "Aubergenville",
    "91105": "Breuillet",
    "91156": "Cheptainville",
    "91434": "Morsang-sur-Orge",
    "93007": "Le Blanc-Mesnil",
}


def test_every_commune_with_dwellings_has_a_row_whatever_its_flags(landlords):
    """The seed's anomaly: six communes were missing from the filter."""
    from bourse.models import Commune

    a = landlords["a"]
    for insee in SEED_COMMUNES:
        DwellingFactory(landlord=a, insee=insee, slug="seed", commune_contingent=True)
    # Odd reference flags change nothing: a Paris arrondissement, no own coordinates.
    Commune.objects.filter(pk="91105").update(kind="commune-deleguee", precise_location=False)
    DwellingFactory(landlord=landlords["b"], insee="75111", slug="paris", commune_contingent=True)
    done([(a, "93007"), (landlords["b"], "75111")], dt.date(2023, 6, 1))
    recompute_statistics()
    everyone = dict(
        CommuneStat.objects.filter(landlord=None, year=None).values_list(
            "commune_id", "tenants_exchanged"
        )
    )
    assert set(SEED_COMMUNES) <= set(everyone)
    assert everyone["93007"] == 1 and everyone["77279"] == 0 and everyone["75111"] == 1
    landlord_a = set(
        CommuneStat.objects.filter(landlord=a, year=None).values_list("commune_id", flat=True)
    )
    assert set(SEED_COMMUNES) <= landlord_a and "75111" not in landlord_a
    assert (
        CommuneStat.objects.get(landlord=None, year=2023, commune_id="93007").tenants_exchanged == 1
    )
    assert not CommuneStat.objects.filter(year=2023, commune_id="77279").exists()
