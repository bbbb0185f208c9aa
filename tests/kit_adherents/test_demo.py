"""The member area's demo content: complete and idempotent."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from wagtail.models import PageViewRestriction

from bourse.models import Landlord
from bourse.validators import validate_siret
from kit_adherents import demo as kit_demo
from kit_adherents.models import (
    KitDocument,
    KitDocumentVersion,
    KitIndexPage,
    KitSectionPage,
    LandlordDirectoryPage,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        KitIndexPage.objects.count(),
        KitSectionPage.objects.count(),
        LandlordDirectoryPage.objects.count(),
        KitDocument.objects.count(),
        KitDocumentVersion.objects.count(),
        Landlord.objects.count(),
        PageViewRestriction.objects.count(),
        sorted(KitDocument.objects.values_list("file", flat=True)),
    )


def test_demo_is_complete_and_idempotent(home):
    kit = kit_demo.load(home)
    first = snapshot()
    kit_demo.load(home)
    assert snapshot() == first

    assert kit.slug == "espace-adherents"
    sections = kit.get_children().live().specific()
    assert len(sections) == 6
    for section in sections:
        documents = [b for b in section.items if b.block_type == "document"]
        assert len(documents) >= 2, section.title
    book = KitDocument.objects.get(title="Book de procédures bailleur")
    assert book.version_label == "juin 2021"
    assert [v.version_label for v in book.older_versions()] == ["mars 2021"]

    assert Landlord.objects.active().count() >= 10
    for landlord in Landlord.objects.all():
        validate_siret(landlord.siret)
        assert landlord.handling_text and landlord.second_contact_email

    assert authenticate(username="membre", password="Demo-Membre-2026")
    assert authenticate(username="locataire-demo", password="Demo-Locataire-2026")


def test_demo_password_and_accounts_open_the_area(home):
    kit = kit_demo.load(home)
    directory = LandlordDirectoryPage.objects.get()
    restriction = kit.get_view_restrictions().get()

    visitor = Client()
    assert 'name="password"' in visitor.get(directory.url).content.decode()
    visitor.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{kit.pk}/",
        {"password": kit_demo.KIT_PASSWORD, "return_url": directory.url},
    )
    body = visitor.get(directory.url).content.decode()
    assert "Paris Habitat" in body and "Valophis Habitat" in body

    member = Client()
    assert member.login(username="membre", password="Demo-Membre-2026")
    assert "Paris Habitat" in member.get(directory.url).content.decode()

    tenant = Client()
    assert tenant.login(username="locataire-demo", password="Demo-Locataire-2026")
    assert 'name="password"' in tenant.get(directory.url).content.decode()
