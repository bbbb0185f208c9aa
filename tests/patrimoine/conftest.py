import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from bourse.models import Landlord, PatrimoineImport, StaffProfile, StaffRole

from .test_reader_and_validation import GOOD, csv_bytes


@pytest.fixture
def landlord(db):
    return Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")


@pytest.fixture
def other_landlord(db):
    return Landlord.objects.create(name="Paris Habitat", siret="34434421000051")


@pytest.fixture
def landlord_admin(landlord):
    user = get_user_model().objects.create_user(
        "admin-ssdh", email="admin@ssdh.example", password="x"
    )
    StaffProfile.objects.create(user=user, role=StaffRole.LANDLORD_ADMIN, landlord=landlord)
    return user


def row(n: int, **changes) -> dict:
    return {
        **GOOD,
        "reference_logement": f"LOG-{n}",
        "reference_locataire": f"LOC-{n}",
        **changes,
    }


@pytest.fixture
def make_import(landlord_admin, landlord):
    def make(
        rows, *, dry_run=False, full=True, data=None, name="patrimoine.csv", who=None, **fields
    ):
        content = data if data is not None else csv_bytes(rows)
        imp = PatrimoineImport(
            landlord=landlord,
            uploaded_by=who or landlord_admin,
            original_name=name,
            sha256="x",
            dry_run=dry_run,
            full_snapshot=full,
            **fields,
        )
        imp.file.save(name, ContentFile(content), save=False)
        imp.save()
        return imp

    return make


__all__ = ["io", "row"]
