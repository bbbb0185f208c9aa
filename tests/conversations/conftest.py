"""Two tenants in contact, a third one, staff; fixtures of the tenant area reused."""

import pytest

from bourse.conversations.models import Conversation
from bourse.tenants import contacts
from tests.tenants.conftest import (  # noqa: F401 (fixtures)
    PASSWORD,
    agent,
    amo,
    landlord,
    landlord_b,
    make_tenant,
    other_tenant,
    tenant,
)


@pytest.fixture
def third_tenant(landlord):  # noqa: F811
    return make_tenant(landlord, 3)


@pytest.fixture
def request_obj(tenant, other_tenant):  # noqa: F811
    return contacts.send_request(tenant, other_tenant.listing, "Bonjour, votre T3 m’intéresse.")


@pytest.fixture
def conversation(request_obj):
    return Conversation.objects.get(contact_request=request_obj)
