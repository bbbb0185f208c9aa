"""An eligible tenant registers, confirms the address, completes the three steps,
finds a matching listing and sends a contact request; axe-core on the way."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from bourse.factories import DwellingFactory, StaffFactory
from bourse.models import Commune, Landlord
from bourse.tenants.models import ContactRequest, Listing, ListingStatus
from bourse.territories import ensure_reference_data
from home.demo import ensure_root
from portal.models import OutboundEmail
from tests.browser.signin import fill_sign_in
from tests.tenants.conftest import make_tenant

from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(live_server, settings):
    settings.TENANT_MAP_TILES_URL = ""  # no third-party tiles in tests
    ensure_root()
    ensure_reference_data()
    landlord = Landlord.objects.create(name="Bailleur du test", siret="73282932000074")
    DwellingFactory(landlord=landlord, n=7, insee="93048", typology="T3")  # the newcomer's home
    # Someone in Paris 11e with a T4, looking for a T3 in Bobigny: a mutual match.
    other_home = DwellingFactory(landlord=landlord, n=8, insee="75111", typology="T4", surface=75)
    other = make_tenant(
        landlord,
        8,
        dwelling=other_home,
        communes=[Commune.objects.get(pk="93048")],
        typologies=["T3"],
    )
    return {"landlord": landlord, "other": other}


def confirmation_link():
    for message in reversed(mail.outbox):
        found = re.search(r"https?://[^/\s]+(/locataire/confirmer/\S+/)", message.body)
        if found:
            return found.group(1)
    stored = OutboundEmail.objects.filter(kind="tenants_confirm_email").latest("pk")
    return re.search(r"https?://[^/\s]+(/locataire/confirmer/\S+/)", stored.body).group(1)


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 200, 220)).save(out, format="JPEG")
    return out.getvalue()


def test_register_complete_the_steps_find_a_listing_and_contact(page, scene):
    mail.outbox.clear()
    page.goto("/bourse/inscription/")
    expect(page).to_have_url(re.compile(r"/locataire/inscription/$"))
    expect(page.locator("h1")).to_have_text("Inscription locataire")
    assert_no_axe_violations(page, "inscription")

    # An empty form: the error summary takes the focus.
    page.get_by_role("button", name="Créer mon compte").click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page, "inscription avec erreurs")

    page.get_by_label("Votre bailleur").select_option(label="Bailleur du test")
    page.get_by_label("Référence locataire").fill("LOC-7")
    page.get_by_label("Référence du logement").fill("LOG-7")
    page.get_by_label("Prénom").fill("Awa")
    page.get_by_label("Nom d’usage").fill("Diallo")
    page.get_by_label("Adresse électronique").fill("awa.diallo@exemple.fr")
    password = page.get_by_label("Mot de passe*", exact=True)
    password.fill("Un-mot-de-passe-solide-26")
    page.get_by_role("button", name="Afficher le mot de passe").click()
    expect(password).to_have_attribute("type", "text")
    # The label follows the state (one state, no aria-pressed).
    toggle = page.get_by_role("button", name="Masquer le mot de passe")
    expect(toggle).to_be_visible()
    assert toggle.get_attribute("aria-pressed") is None
    toggle.click()
    expect(password).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name="Afficher le mot de passe")).to_be_visible()
    page.get_by_label(re.compile("J’accepte que mes données")).check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("h1")).to_have_text("Confirmez votre adresse électronique")

    page.goto(confirmation_link())
    expect(page).to_have_url(re.compile(r"/locataire/etapes/profil/$"))
    assert_no_axe_violations(page, "étape 1")
    page.get_by_label("Nombre de personnes au foyer").fill("3")
    page.get_by_label("Vous cherchez surtout").select_option(label="Un logement plus grand")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page).to_have_url(re.compile(r"/locataire/etapes/logement/$"))
    page.get_by_label("Description de votre logement").fill(
        "Trois pièces lumineuses au deuxième étage, proche du tramway et des écoles."
    )
    page.get_by_label("Ajouter des photos (facultatif)").set_input_files(
        [{"name": "salon.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    assert_no_axe_violations(page, "étape 2")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page).to_have_url(re.compile(r"/locataire/etapes/criteres/$"))
    assert_no_axe_violations(page, "étape 3")
    # The communes combobox, with the keyboard only (WAI-ARIA combobox pattern).
    combo = page.get_by_role("combobox", name=re.compile("Ajouter une commune"))
    for typed, chosen in (
        ("paris 11", "Paris 11e Arrondissement (75)"),
        ("PARIS 12", "Paris 12e Arrondissement (75)"),
        ("evry-cour", "Évry-Courcouronnes (91)"),
    ):
        combo.press_sequentially(typed)
        # Wait for the suggestions of the whole text: those of a prefix ("paris 1")
        # may show first, in another order.
        expect(page.locator("#id_communes_add-suggestions")).to_have_attribute("aria-busy", "false")
        expect(page.get_by_role("option", name=chosen)).to_be_visible()
        expect(combo).to_have_attribute("aria-expanded", "true")
        combo.press("ArrowDown")
        expect(combo).to_have_attribute(
            "aria-activedescendant", page.get_by_role("option", name=chosen).get_attribute("id")
        )
        combo.press("Enter")
        expect(page.get_by_role("button", name=f"Retirer {chosen}")).to_be_visible()
        expect(combo).to_have_value("")
        expect(combo).to_have_attribute("aria-expanded", "false")
    assert_no_axe_violations(page, "étape 3, communes choisies")
    remove = page.get_by_role("button", name="Retirer Évry-Courcouronnes (91)")
    remove.focus()
    page.keyboard.press("Enter")
    expect(remove).to_have_count(0)
    expect(page.get_by_role("button", name="Retirer Paris 12e Arrondissement (75)")).to_be_focused()
    page.get_by_label("T4").check()
    page.get_by_role("button", name="Enregistrer mes critères").click()

    expect(page).to_have_url(re.compile(r"/locataire/$"))
    expect(page.get_by_role("status").first).to_contain_text("votre annonce est publiée")
    assert Listing.objects.get(tenant__user__email="awa.diallo@exemple.fr").status == (
        ListingStatus.ACTIVE
    )
    assert_no_axe_violations(page, "tableau de bord")

    page.get_by_role("link", name="Rechercher un logement").first.click()
    expect(page.locator("h1")).to_have_text("Rechercher un logement")
    expect(page.locator(".search-results")).to_contain_text(
        "correspond à vos critères et aux siens"
    )
    expect(page.locator("#carte .map-count").first).to_be_visible()
    assert_no_axe_violations(page, "recherche")

    page.locator(".search-results").get_by_role("link", name=re.compile("T4 de 75")).click()
    expect(page.locator("h1")).to_contain_text("T4")
    assert scene["other"].user.email not in page.content()
    assert_no_axe_violations(page, "annonce")
    page.get_by_label("Votre message").fill("Bonjour, votre T4 nous intéresse beaucoup.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre demande est envoyée")
    request_obj = ContactRequest.objects.get()
    assert request_obj.receiver == scene["other"]
    assert_no_axe_violations(page, "demande de contact")


def test_landlord_administrator_reviews_tenants_and_moderates(page, scene, settings):
    from bourse.models import StaffRole
    from bourse.tenants import moderation
    from tests.tenants.conftest import PASSWORD

    settings.TENANT_MODERATION_SAMPLE_RATE = 1.0
    StaffFactory(
        username="admin-test",
        role=StaffRole.LANDLORD_ADMIN,
        landlord=scene["landlord"],
        password=PASSWORD,
    )
    other = scene["other"]
    moderation.on_new_version(other.listing)
    page.goto("/bourse/espace-bailleur/locataires/")
    fill_sign_in(page, "admin-test", PASSWORD)
    expect(page.locator("h1")).to_contain_text("Locataires et annonces")
    assert_no_axe_violations(page, "locataires du bailleur")

    page.get_by_role("link", name=other.user.get_full_name()).click()
    expect(page.locator("h1")).to_have_text(other.user.get_full_name())
    expect(page.locator("main")).to_contain_text("Désactiver le compte")
    assert_no_axe_violations(page, "fiche locataire")

    tabs = page.get_by_role("navigation", name="Locataires et annonces")
    tabs.get_by_role("link", name=re.compile("^Modération")).click()
    expect(page.locator("main")).to_contain_text(f"Annonce n° {other.listing.pk}")
    assert_no_axe_violations(page, "modération")
    page.get_by_role("button", name="Conforme").click()
    expect(page.locator("main")).to_contain_text("Rien à examiner")
