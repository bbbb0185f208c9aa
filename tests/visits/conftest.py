"""Two households with an accepted contact request, a third tenant, staff."""

import datetime as dt

import pytest
from django.utils import timezone

from bourse.tenants import sms
from bourse.tenants.models import ContactRequest, ContactStatus
from bourse.visits.contexts import request_context
from bourse.visits.services import PARIS, slot_at
from tests.tenants.conftest import (  # noqa: F401 (fixtures)
    PASSWORD,
    agent,
    amo,
    landlord,
    landlord_b,
    make_tenant,
)


@pytest.fixture(autouse=True)
def _locmem_sms(settings):
    settings.SMS_BACKEND = "bourse.tenants.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def alice(landlord):  # noqa: F811
    return make_tenant(landlord, 1)


@pytest.fixture
def bruno(landlord_b):  # noqa: F811
    return make_tenant(landlord_b, 2)


@pytest.fixture
def third(landlord):  # noqa: F811
    return make_tenant(landlord, 3)


@pytest.fixture
def accepted(alice, bruno):
    now = timezone.now()
    return ContactRequest.objects.create(
        sender=alice,
        receiver=bruno,
        message="Bonjour, échangeons ?",
        status=ContactStatus.ACCEPTED,
        answer="Volontiers.",
        created_at=now - dt.timedelta(days=3),
        answered_at=now - dt.timedelta(days=2),
    )


@pytest.fixture
def context_of(accepted):
    return lambda profile: request_context(accepted.pk, profile)


def day(days_ahead: int) -> dt.date:
    return (timezone.now().astimezone(PARIS) + dt.timedelta(days=days_ahead)).date()


def slots(*specs):
    """``(days ahead, "HH:MM", minutes)`` → slots (Paris time)."""
    return [
        slot_at(day(days), dt.time.fromisoformat(start), minutes) for days, start, minutes in specs
    ]
