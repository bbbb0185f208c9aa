"""Conversations in a browser (issue 17): two tenants write to each other; one tries to
send a phone number, is told before sending that it will be masked and sees it masked,
then shares the number on purpose and the other sees it; axe-core (0 violations) on the
conversation page, on a desktop and on a phone (375 px)."""

import pytest
from playwright.sync_api import expect

from bourse.conversations.models import Conversation
from bourse.models import Landlord
from bourse.tenants import contacts
from bourse.territories import ensure_reference_data
from home.demo import ensure_root
from tests.browser.signin import sign_in
from tests.tenants.conftest import PASSWORD, make_tenant

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def scene(live_server, settings):
    settings.TENANT_MAP_TILES_URL = ""
    settings.CHAINS_SEARCH_ON_CHANGE = False
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    first, second = make_tenant(landlord, 1), make_tenant(landlord, 2)
    request_obj = contacts.send_request(first, second.listing, "Bonjour, votre T3 m’intéresse.")
    contacts.answer(request_obj, second, True, "Avec plaisir.")
    return {
        "first": first,
        "second": second,
        "conversation": Conversation.objects.get(contact_request=request_obj),
    }


def test_two_tenants_write_mask_and_share(page, browser, live_server, scene):
    first, conversation = scene["first"], scene["conversation"]
    url = f"/locataire/conversations/{conversation.pk}/"

    sign_in(page, first.user.username, PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prénom2 N.")
    form = page.locator("form", has=page.get_by_label("Votre message"))
    expect(form).to_contain_text("seront masqués")  # told before sending
    assert_no_axe_violations(page, "conversation")
    page.get_by_label("Votre message").fill("Appelez-moi au 06 98 76 54 32 pour la visite.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert")).first).to_be_visible()
    expect(page.locator("body")).to_contain_text("nous avons masqué 1 numéro de téléphone")
    messages = page.locator(".conversation-messages")
    expect(messages).to_contain_text("Appelez-moi au [numéro masqué] pour la visite.")
    expect(messages).not_to_contain_text("06 98 76 54 32")
    # Shared on purpose: the profile's number, to this household only.
    page.get_by_role("button", name="Partager mon numéro avec Prénom2 N.").click()
    expect(page.locator("body")).to_contain_text("Votre numéro est partagé avec Prénom2 N.")
    assert_no_axe_violations(page, "conversation après partage")

    other = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    try:
        second_page = other.new_page()
        sign_in(second_page, scene["second"].user.username, PASSWORD)
        expect(second_page.locator(".header-notice").first).to_contain_text("non lu")
        second_page.goto(url)
        expect(second_page.locator(".shared-phone")).to_have_text("06 11 22 33 44")
        expect(second_page.locator(".conversation-messages")).to_contain_text("[numéro masqué]")
        assert_no_axe_violations(second_page, "conversation (téléphone, 375 px)")
        second_page.get_by_label("Votre message").fill("Merci, je vous appelle samedi.")
        second_page.get_by_role("button", name="Envoyer").click()
        expect(second_page.locator(".conversation-messages")).to_contain_text(
            "Merci, je vous appelle samedi."
        )
    finally:
        other.close()

    page.goto(url)
    expect(page.locator(".conversation-messages")).to_contain_text("je vous appelle samedi")
    expect(page.locator(".shared-phone")).to_have_count(0)  # the other shared nothing
