"""Accounts of every role, for the one sign-in page's tests."""

import pytest
from django.contrib.auth.models import Group, Permission

from bourse.models import Reservataire, StaffRole
from bourse.permissions import set_staff_role
from tests.tenants.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    User,
    landlord,
    landlord_b,
    make_staff,
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
        "agent": make_staff("agent-a", StaffRole.AGENT, landlord),
        "landlord_admin": make_staff("admin-a", StaffRole.LANDLORD_ADMIN, landlord),
        "amo": make_staff("amo", StaffRole.SUPER_ADMIN),
        "partner": partner,
        "editor": editor,
        "member": member,
        "superuser": User.objects.create_superuser("admin", "admin@gie.example", PASSWORD),
    }
