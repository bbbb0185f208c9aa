"""A landlord administrator signs in, uploads a patrimoine file with errors, reads the
report, fixes the file and imports it again; axe-core on the upload and import pages."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bourse.models import Landlord, StaffRole
from bourse.permissions import set_staff_role
from tests.browser.signin import fill_sign_in
from tests.patrimoine.test_reader_and_validation import GOOD, csv_bytes

try:  # the shared helper moved to tests/axe.py in a parallel change
    from tests.axe import assert_no_axe_violations
except ImportError:  # pragma: no cover
    from .conftest import assert_no_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Mot-de-passe-Bailleur-1"


@pytest.fixture
def landlord_admin(live_server):
    from bourse.territories import ensure_reference_data

    ensure_reference_data()  # the communes table is empty after a flush
    landlord = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    user = get_user_model().objects.create_user(
        "admin-ssdh", email="admin@ssdh.example", password=PASSWORD, first_name="Alice"
    )
    set_staff_role(user, StaffRole.LANDLORD_ADMIN, landlord)
    return user


def rows(bad: bool):
    good = [
        {**GOOD, "reference_logement": f"LOG-{n}", "reference_locataire": f"LOC-{n}"}
        for n in (1, 2)
    ]
    third = {**GOOD, "reference_logement": "LOG-3", "reference_locataire": "LOC-3"}
    if bad:
        third.update(code_insee="99999", loyer="-12")
    return [*good, third]


def test_upload_with_errors_then_fixed(page, landlord_admin, tmp_path):
    page.goto("/bourse/espace-bailleur/")
    expect(page).to_have_url("/connexion/?next=/bourse/espace-bailleur/")
    fill_sign_in(page, "admin-ssdh", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seine-Saint-Denis Habitat")

    page.get_by_role("link", name="Déposer un fichier", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Déposer un fichier patrimoine")
    assert_no_axe_violations(page, "formulaire de dépôt")

    # A form error first: no file.
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez le fichier à importer.")
    assert_no_axe_violations(page, "formulaire de dépôt en erreur")

    bad = tmp_path / "patrimoine-avec-erreurs.csv"
    bad.write_bytes(csv_bytes(rows(bad=True)))
    page.get_by_label("Fichier patrimoine (CSV ou XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import du fichier patrimoine")
    expect(page.get_by_role("status").first).to_contain_text("terminé")
    table = page.get_by_role("table").filter(has_text="Motif")
    expect(table).to_contain_text("Code INSEE inconnu")
    expect(table).to_contain_text("Le loyer ne peut pas être négatif.")
    expect(page.get_by_role("link", name="Télécharger le rapport (CSV)")).to_be_visible()
    assert_no_axe_violations(page, "détail d’un import avec erreurs")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    assert "4;code_insee;99999;Code INSEE inconnu" in report

    # Fixed file, imported again.
    page.get_by_role("link", name="Déposer un autre fichier").click()
    fixed = tmp_path / "patrimoine-corrige.csv"
    fixed.write_bytes(csv_bytes(rows(bad=False)))
    page.get_by_label("Fichier patrimoine (CSV ou XLSX)").set_input_files(str(fixed))
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_role("status").first).to_contain_text("terminé")
    results = page.get_by_role("table").filter(has_text="Logements créés")
    expect(results.get_by_role("row", name="Logements créés")).to_contain_text("1")
    expect(results.get_by_role("row", name="Logements inchangés")).to_contain_text("2")
    expect(results.get_by_role("row", name="Lignes en erreur")).to_contain_text("0")
    expect(page.get_by_text("Télécharger le rapport (CSV)")).to_have_count(0)
    assert_no_axe_violations(page, "détail d’un import réussi")

    page.get_by_role("link", name="Patrimoine", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("LOG-3")
