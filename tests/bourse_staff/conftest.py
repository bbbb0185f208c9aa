import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from bourse.factories import StaffFactory
from bourse.models import Landlord, Reservataire, StaffRole
from tests.patrimoine.test_reader_and_validation import GOOD, csv_bytes, xlsx_bytes

User = get_user_model()


@pytest.fixture
def landlord_a(db):
    return Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")


@pytest.fixture
def landlord_b(db):
    return Landlord.objects.create(name="Paris Habitat", siret="34434421000051")


@pytest.fixture
def admin_a(landlord_a):
    return StaffFactory(
        username="admin-a",
        role=StaffRole.LANDLORD_ADMIN,
        landlord=landlord_a,
        first_name="Alice",
        email="admin-a@example.org",
    )


@pytest.fixture
def agent_a(landlord_a):
    return StaffFactory(
        username="agent-a",
        role=StaffRole.AGENT,
        landlord=landlord_a,
        first_name="Arthur",
        email="agent-a@example.org",
    )


@pytest.fixture
def admin_b(landlord_b):
    return StaffFactory(
        username="admin-b",
        role=StaffRole.LANDLORD_ADMIN,
        landlord=landlord_b,
        email="admin-b@example.org",
        first_name="",
    )


@pytest.fixture
def agent_b(landlord_b):
    return StaffFactory(
        username="agent-b",
        role=StaffRole.AGENT,
        landlord=landlord_b,
        email="agent-b@example.org",
        first_name="",
    )


@pytest.fixture
def amo(db):
    return StaffFactory(
        username="amo", role=StaffRole.SUPER_ADMIN, email="amo@example.org", first_name=""
    )


@pytest.fixture
def partner(db):
    state = Reservataire.objects.create(kind="etat", name="État (DRIHL)")
    return StaffFactory(
        username="partenaire",
        role=StaffRole.PARTNER,
        reservataire=state,
        email="partenaire@example.org",
        first_name="",
    )


@pytest.fixture
def plain_user(db):
    return User.objects.create_user("simple", email="simple@example.org", password="x")


def row(n: int, **changes) -> dict:
    return {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}", **changes}


def upload_file(rows, name="patrimoine.csv", xlsx=False):
    data = xlsx_bytes(rows) if xlsx else csv_bytes(rows)
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a file to the upload form as the signed-in user; the import runs on commit."""

    def post(rows, *, dry_run=False, full=True, landlord=None, name="patrimoine.csv", **kw):
        data = {"file": upload_file(rows, name=name, **kw)}
        if full:
            data["full_snapshot"] = "on"
        if dry_run:
            data["dry_run"] = "on"
        if landlord is not None:
            data["landlord"] = str(landlord.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/bourse/espace-bailleur/imports/nouveau/", data)
        return response

    return post


__all__ = ["GOOD", "csv_bytes", "xlsx_bytes"]
