"""Fixtures of the exchange-file tests: three landlords, their agents, the AMO,
tenants, dwellings, and helpers that carry a file to a given step through the
real workflow."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bourse.exchanges import workflow
from bourse.exchanges.api import open_exchange_file
from bourse.exchanges.models import CalDecision, ExchangeFile, Step
from bourse.factories import DwellingFactory, StaffFactory, TenantUserFactory
from bourse.models import Landlord, Reservataire, StaffRole
from bourse.permissions import set_staff_role

User = get_user_model()
PASSWORD = "Mot-de-passe-1"


@pytest.fixture
def landlords(db):
    return {
        "a": Landlord.objects.create(name="Bailleur A", siret="73282932000074"),
        "b": Landlord.objects.create(name="Bailleur B", siret="34434421000051"),
        "c": Landlord.objects.create(name="Bailleur C", siret="55208131766522"),
    }


@pytest.fixture
def agents(landlords):
    return {
        key: StaffFactory(username=f"agent-{key}", role=StaffRole.AGENT, landlord=landlord)
        for key, landlord in landlords.items()
    }


@pytest.fixture
def landlord_admins(landlords):
    return {
        key: StaffFactory(username=f"admin-{key}", role=StaffRole.LANDLORD_ADMIN, landlord=landlord)
        for key, landlord in landlords.items()
    }


@pytest.fixture
def amo(db):
    return StaffFactory(username="amo", role=StaffRole.SUPER_ADMIN)


@pytest.fixture
def partner(db):
    user = TenantUserFactory(username="partenaire")
    state = Reservataire.objects.create(kind="etat", name="État (DRIHL)")
    set_staff_role(user, StaffRole.PARTNER, reservataire=state)
    return user


@pytest.fixture
def tenants(db):
    return {key: TenantUserFactory(username=f"locataire-{key}") for key in ("a", "b", "c")}


@pytest.fixture
def dwellings(landlords):
    return {
        "a": DwellingFactory(
            landlord=landlords["a"], insee="93048", slug="a", commune_contingent=True
        ),
        "b": DwellingFactory(
            landlord=landlords["b"], insee="75111", slug="b", commune_contingent=True
        ),
        "c": DwellingFactory(
            landlord=landlords["c"], insee="94028", slug="c", commune_contingent=True
        ),
    }


def nur(n: int, department: str = "093") -> str:
    """A NUR of the right structure (``workflow.valid_nur``), canonical form."""
    return f"{department}0623{n:06d}GDPUB"


def open_file(dwellings, tenants, keys=("a", "b"), nurs_date=None, **kwargs):
    return open_exchange_file(
        [
            {
                "dwelling_left": dwellings[k],
                "nur": nur("abcde".index(k) + 1),
                "tenant_user": tenants[k],
            }
            for k in keys
        ],
        tenants[keys[-1]],
        nurs_date=nurs_date,
        **kwargs,
    )


@pytest.fixture
def file2(dwellings, tenants):
    return open_file(dwellings, tenants, ("a", "b"))


@pytest.fixture
def file3(dwellings, tenants):
    return open_file(dwellings, tenants, ("a", "b", "c"))


def cal_dates(file, start=None, gap=0):
    # Default: the CALs meet on the day the NURs are complete (decisions may follow at once).
    start = start or file.nurs_date
    return {
        p.pk: start + dt.timedelta(days=gap if i == len(file.parties.all()) - 1 else 0)
        for i, p in enumerate(file.parties.order_by("position"))
    }


ORDER = [
    Step.CREATED,
    Step.PRE_INSTRUCTION,
    Step.INSTRUCTION,
    Step.CAL_SCHEDULED,
    Step.CAL_DECISIONS,
    Step.ATTRIBUTED,
    Step.MOVE_PERIOD_SET,
    Step.MOVE_SCHEDULED,
    Step.DONE,
]


def advance(file, to_step, user, **kwargs):
    """Carry ``file`` forward to ``to_step`` as ``user`` (a super administrator
    or a landlord of every party) through the workflow; dates follow ``now`` when given."""
    today = timezone.localdate(kwargs.get("now") or timezone.now())
    file.refresh_from_db()
    while file.step != to_step:
        step = file.step
        if step == Step.CREATED:
            workflow.perform(file, "start_pre_instruction", user, **kwargs)
        elif step == Step.PRE_INSTRUCTION:
            workflow.perform(file, "validate_pre_instruction", user, **kwargs)
        elif step == Step.INSTRUCTION:
            data = {"cal_dates": cal_dates(file)}
            workflow.perform(file, "schedule_cal", user, data=data, **kwargs)
        elif step in (Step.CAL_SCHEDULED, Step.CAL_DECISIONS):
            party = file.parties.filter(cal_decision="").order_by("position").first()
            if to_step == Step.CAL_DECISIONS and step == Step.CAL_DECISIONS:
                break
            workflow.perform(
                file,
                "record_cal_decision",
                user,
                party=party,
                data={"decision": CalDecision.ATTRIBUTION},
                **kwargs,
            )
        elif step == Step.ATTRIBUTED:
            workflow.perform(
                file,
                "set_move_period",
                user,
                data={"start": today, "end": today + dt.timedelta(days=20)},
                **kwargs,
            )
        elif step == Step.MOVE_PERIOD_SET:
            workflow.perform(file, "set_move_date", user, data={"date": today}, **kwargs)
        elif step == Step.MOVE_SCHEDULED:
            workflow.perform(file, "set_completion", user, data={"date": today}, **kwargs)
        else:
            raise AssertionError(f"cannot advance from {step}")
        file.refresh_from_db()
    return file


__all__ = ["ExchangeFile"]
