"""Issue 14 B: a dry run that would empty the patrimoine asks for a confirmation naming
the count before « Appliquer » (axe-core on that page, on a phone and a desktop)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bourse.models import Dwelling, Landlord, PatrimoineImport, StaffRole
from bourse.patrimoine.importer import run_import
from bourse.permissions import set_staff_role
from tests.axe import assert_no_axe_violations
from tests.browser.signin import sign_in
from tests.patrimoine.test_reader_and_validation import GOOD, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-Bailleur-1"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def row(n, **changes):
    return {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}", **changes}


@pytest.fixture
def landlord_with_patrimoine(live_server):
    from django.core.files.base import ContentFile

    from bourse.territories import ensure_reference_data

    ensure_reference_data()
    landlord = Landlord.objects.create(name="Paris Habitat", siret="34434421000051")
    user = get_user_model().objects.create_user(
        "admin-ph", email="admin@ph.example", password=PASSWORD, first_name="Paule"
    )
    set_staff_role(user, StaffRole.LANDLORD_ADMIN, landlord)
    imp = PatrimoineImport(landlord=landlord, uploaded_by=user, original_name="p.csv", sha256="x")
    imp.file.save("p.csv", ContentFile(csv_bytes([row(n) for n in range(1, 13)])), save=False)
    imp.save()
    assert run_import(imp.pk).status == "done"
    return landlord


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["telephone", "bureau"])
def test_dry_run_emptying_the_patrimoine_asks_for_confirmation(
    page, landlord_with_patrimoine, tmp_path, viewport
):
    page.set_viewport_size(viewport)
    sign_in(page, "admin-ph", PASSWORD, "/bourse/espace-bailleur/imports/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Déposer un fichier patrimoine")
    # Every dwelling flagged ineligible: the whole patrimoine would leave the exchange.
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(csv_bytes([row(n, eligible="non") for n in range(1, 13)]))
    page.get_by_label("Fichier patrimoine (CSV ou XLSX)").set_input_files(str(path))
    page.get_by_label("Simulation", exact=False).check()
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("status").first).to_contain_text("terminé")
    expect(page.get_by_role("heading", name="Attention : 12 logements")).to_be_visible()
    box = page.get_by_label("Je confirme que 12 logement(s) de Paris Habitat sortiront")
    expect(box).not_to_be_checked()
    assert_no_axe_violations(page, f"confirmation d’une simulation ({viewport['width']} px)")

    # Without the box: refused, the reason next to it.
    page.get_by_role("button", name="Confirmer et appliquer ce fichier").click()
    expect(page.get_by_text("Cochez la case pour confirmer que 12 logement(s)")).to_be_visible()
    assert_no_axe_violations(page, f"confirmation manquante ({viewport['width']} px)")
    assert Dwelling.objects.filter(eligible_flag=True).count() == 12

    page.get_by_label("Je confirme que 12 logement(s) de Paris Habitat sortiront").check()
    page.get_by_role("button", name="Confirmer et appliquer ce fichier").click()
    expect(page.locator("#import-progress").get_by_role("status")).to_contain_text("terminé")
    expect(page.get_by_role("heading", name="Résultat")).to_be_visible()
    assert Dwelling.objects.filter(eligible_flag=True).count() == 0
