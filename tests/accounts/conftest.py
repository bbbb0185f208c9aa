"""Accounts of every role, for the one sign-in page's tests."""

import pytest
from django.contrib.auth.models import Group, Permission

from bourse.factories import StaffFactory
from bourse.models import Reservataire, StaffRole
from bourse.permissions import set_staff_role
from tests.tenants.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    User,
    landlord,
    landlord_b,
    make_tenant,
)


@pytest.fixture
def accounts(landlord):  # noqa: F811
    """One account per role, all with ``PASSWORD``."""
    state = Reservataire.objects.create(kind="etat", name="État (DRIHL)")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    members, _ = Group.objects.get_or_create(name="Membres")
    editor = User.objects.create_user("editeur", "editeur@gie.example", PASSWORD, first_name="Éva")
    editor.groups.add(editors)
    member = User.objects.create_user("membre", "membre@bailleur.example", PASSWORD)
    member.groups.add(members)
    partner = User.objects.create_user("partenaire", "p@drihl.example", PASSWORD)
    set_staff_role(partner, StaffRole.PARTNER, None, state)
    return {
        "tenant": make_tenant(landlord, 1).user,
        "agent": StaffFactory(
            username="agent-a", role=StaffRole.AGENT, landlord=landlord, password=PASSWORD
        ),
        "landlord_admin": StaffFactory(
            username="admin-a", role=StaffRole.LANDLORD_ADMIN, landlord=landlord, password=PASSWORD
        ),
        "amo": StaffFactory(username="amo", role=StaffRole.SUPER_ADMIN, password=PASSWORD),
        "partner": partner,
        "editor": editor,
        "member": member,
        "superuser": User.objects.create_superuser("admin", "admin@gie.example", PASSWORD),
    }
