"""A tenant writes about their file from the home page; axe-core on both pages."""

import re

import pytest
from playwright.sync_api import expect

from bourse.contact.models import ContactMessage, Status
from bourse.models import Commune, Dwelling, Landlord
from bourse.territories import ensure_reference_data

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(live_server, demo_content):
    ensure_reference_data()
    landlord, _ = Landlord.objects.get_or_create(
        name="Bailleur de test", defaults={"siret": "73282932000074"}
    )
    Dwelling.objects.create(
        landlord=landlord,
        housing_reference="LOG-7",
        address="3 allée des Tilleuls",
        commune=Commune.objects.get(pk="93048"),
        typology="T3",
        surface=60,
        floor=1,
        lift=False,
        rent=480,
        charges=90,
        reservataire_kind="commune",
        reservataire_code="93048",
        tenant_reference="LOC-7",
        tenant_name="Martin",
        eligible_flag=True,
        contact1_email="gestion@bailleur-test.example",
        contact2_email="cal@bailleur-test.example",
    )
    return landlord


def test_tenant_sends_a_tenant_file_question_from_the_home_page(page, demo_site):
    page.goto("/")
    page.locator("main").get_by_role("link", name="Formulaire de contact").click()
    expect(page).to_have_url(re.compile(r"/contact/$"))
    expect(page.locator("h1")).to_have_text("Nous contacter")
    assert_no_axe_violations(page, "formulaire de contact")

    # Submitting empty: an error summary takes the focus.
    page.get_by_role("button", name="Envoyer le message").click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert_no_axe_violations(page, "formulaire de contact avec erreurs")

    page.get_by_label("Locataire inscrit sur la plateforme").check()
    page.get_by_label("Nom et prénom").fill("Awa Diallo")
    page.get_by_label("Adresse électronique").fill("awa@exemple.fr")
    page.get_by_label("Votre bailleur", exact=True).select_option(label=demo_site.name)
    page.get_by_label("Votre référence locataire").fill("LOC-7")
    page.get_by_label("Objet de votre demande").select_option(label="Mon éligibilité")
    page.get_by_label("Votre message").fill("Pourquoi mon annonce n’est-elle pas visible ?")
    page.get_by_label(re.compile("J’accepte que mes données")).check()
    page.get_by_role("button", name="Envoyer le message").click()

    expect(page).to_have_url(re.compile(r"/contact/merci/$"))
    expect(page.locator("h1")).to_have_text("Votre message a bien été reçu")
    message = ContactMessage.objects.get()
    expect(page.locator("main")).to_contain_text(message.reference)
    expect(page.locator("main")).to_contain_text(demo_site.name)
    assert message.status == Status.FORWARDED
    assert_no_axe_violations(page, "confirmation")
