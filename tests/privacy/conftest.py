"""Fixtures of the privacy tests (issue 18): two landlords and their staff, the
AMO, tenants (``tests.tenants.conftest.make_tenant``), exchange files, contact
messages, patrimoine imports."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from bourse.contact.models import (
    Category,
    ContactMessage,
    ReferenceCounter,
    SenderKind,
    Status,
    Topic,
)
from bourse.exchanges.api import open_exchange_file
from bourse.exchanges.models import ExchangeFile, ExchangeParty, Step
from bourse.factories import DwellingFactory
from bourse.models import PatrimoineImport
from tests.tenants.conftest import (  # noqa: F401 (fixtures)
    PASSWORD,
    admin_b,
    agent,
    agent_b,
    amo,
    landlord,
    landlord_admin,
    landlord_b,
    make_tenant,
    other_tenant,
    tenant,
)


def at_noon(day: dt.date) -> dt.datetime:
    """Noon of ``day`` in Paris."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def nur(n: int) -> str:
    return f"0930623{n:06d}GDPUB"


def make_file(profiles, *, step=Step.CREATED, changed_at=None) -> ExchangeFile:
    """A file between the tenants of ``profiles``, moved to ``step`` (its data only)."""
    file = open_exchange_file(
        [
            {"dwelling_left": p.dwelling, "nur": nur(i + 1), "tenant_user": p.user}
            for i, p in enumerate(profiles)
        ],
        profiles[-1].user,
    )
    for p in profiles:  # the copies of the patrimoine's names taken at opening
        ExchangeParty.objects.filter(file=file, tenant_user=p.user).update(
            tenant_name=p.user.get_full_name()
        )
    changed_at = changed_at or timezone.now()
    fields = {"step": step, "step_changed_at": changed_at}
    if str(step).startswith("closed"):
        fields["closed_at"] = changed_at
        fields["closure_reason"] = "Renonciation de M. Nom1"
    ExchangeFile.objects.filter(pk=file.pk).update(**fields)
    file.refresh_from_db()
    return file


def make_message(owner=None, *, created_at=None, attachment=False, forwarded=False):
    fields = {
        "reference": ReferenceCounter.next_reference(),
        "sender_kind": SenderKind.REGISTERED_TENANT,
        "name": "Prénom Nom",
        "email": "expediteur@exemple.fr",
        "landlord": owner,
        "category": Category.TENANT_FILE,
        "topic": Topic.SITUATION,
        "body": "Mon logement a un problème.",
        "consent_at": timezone.now(),
    }
    message = ContactMessage(**fields)
    if forwarded:
        message.forwarded_at = timezone.now()
        message.status = Status.FORWARDED
    if attachment:
        message.attachment.save("piece.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        message.attachment_name = "piece.pdf"
    message.save()
    if created_at:
        ContactMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    return message


def make_import(owner, *, created_at=None, status=PatrimoineImport.Status.DONE):
    imp = PatrimoineImport(landlord=owner, original_name="patrimoine.csv", sha256="0" * 64)
    imp.status = status
    imp.file.save("patrimoine.csv", ContentFile("reference;nom\nL1;Dupont\n"), save=False)
    imp.report.save("rapport.csv", ContentFile("ligne;erreur\n2;nom\n"), save=False)
    imp.save()
    if created_at:
        PatrimoineImport.objects.filter(pk=imp.pk).update(created_at=created_at)
    return imp


@pytest.fixture
def partner_tenant(landlord_b):  # noqa: F811
    """A tenant of the other landlord (the second party of a file)."""
    return make_tenant(landlord_b, 50, dwelling=DwellingFactory(landlord=landlord_b, n=50))
