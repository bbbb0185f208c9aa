"""Upload, progress, report, dry run then apply, published format, export, drop folder."""

import csv
import io

import openpyxl
import pytest

from bourse.models import Dwelling, PatrimoineImport
from bourse.patrimoine.columns import COLUMN_NAMES
from bourse.patrimoine.reader import read_rows
from bourse.patrimoine.validation import RowValidator
from bourse.territories import reference_codes

from .conftest import row


def test_upload_runs_the_import_and_shows_the_counts(client, admin_a, landlord_a, upload):
    client.force_login(admin_a)
    response = upload([row(1), row(2), row(3, code_insee="99999", loyer="-5")])
    imp = PatrimoineImport.objects.get()
    assert response["Location"] == f"/bourse/espace-bailleur/imports/{imp.pk}/"
    assert imp.status == "done" and imp.uploaded_by == admin_a and imp.source == "upload"
    assert len(imp.sha256) == 64 and imp.original_name == "patrimoine.csv"
    assert imp.file.name.startswith("private/patrimoine/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Logements créés" in html and "Lignes en erreur" in html
    assert page.context["imp"].created_count == 2
    errors = page.context["errors"]
    assert {(e["line"], e["column"]) for e in errors} == {("4", "code_insee"), ("4", "loyer")}
    assert "Code INSEE inconnu" in html
    assert "Télécharger le rapport (CSV)" in html
    assert Dwelling.objects.filter(landlord=landlord_a).count() == 2


def test_the_report_download_is_permission_checked_csv(client, admin_a, upload):
    client.force_login(admin_a)
    upload([row(1, loyer="=1+1")])
    imp = PatrimoineImport.objects.get()
    response = client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/rapport/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "ligne;colonne;valeur;motif" in content
    assert "2;loyer;'=1+1;" in content  # never a formula when opened in a spreadsheet
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_only_the_first_50_errors_are_listed(client, admin_a, upload):
    client.force_login(admin_a)
    upload([row(n, code_insee="99999") for n in range(1, 61)])
    imp = PatrimoineImport.objects.get()
    page = client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/")
    assert len(page.context["errors"]) == 50
    assert "Les 50 premières erreurs" in page.content.decode()


def test_progress_json_endpoint(client, admin_a, landlord_a):
    from django.core.files.base import ContentFile

    imp = PatrimoineImport(landlord=landlord_a, original_name="x.csv", sha256="x")
    imp.file.save("x.csv", ContentFile(b"x"), save=False)
    imp.status = PatrimoineImport.Status.RUNNING
    imp.rows_total = 5000
    imp.save()
    client.force_login(admin_a)
    state = client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/etat/").json()
    assert state == {
        "status": "running",
        "status_label": "en cours",
        "finished": False,
        "rows": 5000,
        "message": "",
    }
    html = client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/").content.decode()
    assert 'aria-live="polite"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "import_progress.js" in html and "Actualiser la page" in html


def test_dry_run_then_apply(
    client, admin_a, landlord_a, upload, django_capture_on_commit_callbacks
):
    client.force_login(admin_a)
    upload([row(1), row(2)], dry_run=True)
    dry = PatrimoineImport.objects.get()
    assert dry.dry_run and dry.created_count == 2
    assert not Dwelling.objects.exists()
    html = client.get(f"/bourse/espace-bailleur/imports/{dry.pk}/").content.decode()
    assert "Appliquer ce fichier" in html and "Ce que l’import changerait" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bourse/espace-bailleur/imports/{dry.pk}/appliquer/")
    real = PatrimoineImport.objects.exclude(pk=dry.pk).get()
    assert response["Location"] == f"/bourse/espace-bailleur/imports/{real.pk}/"
    assert not real.dry_run and real.status == "done" and real.created_count == 2
    assert real.sha256 == dry.sha256 and real.file.name != dry.file.name
    assert Dwelling.objects.filter(landlord=landlord_a).count() == 2
    # A real import cannot be "applied" again.
    response = client.post(f"/bourse/espace-bailleur/imports/{real.pk}/appliquer/", follow=True)
    assert "Seule une simulation terminée peut être appliquée." in response.content.decode()
    assert PatrimoineImport.objects.count() == 2


def test_a_refused_file_shows_its_message(client, admin_a, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bourse/espace-bailleur/imports/nouveau/",
            {"file": SimpleUploadedFile("p.csv", b"reference_logement|adresse\nA|B\n")},
        )
    imp = PatrimoineImport.objects.get()
    assert imp.status == "refused"
    html = client.get(response["Location"]).content.decode()
    assert "Le fichier n’a pas été importé." in html and "séparateur" in html


def test_a_too_large_file_is_refused_by_the_form_with_values_kept(client, admin_a, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PATRIMOINE_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(admin_a)
    big = SimpleUploadedFile("p.csv", b"x" * (2 * 1024 * 1024 + 10))
    response = client.post(
        "/bourse/espace-bailleur/imports/nouveau/", {"file": big, "dry_run": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "la taille maximale est de 1 Mo" in html
    assert response.context["form"]["dry_run"].value() is True
    assert response.context["form"]["full_snapshot"].value() is False
    assert not PatrimoineImport.objects.exists()


def test_wrong_suffix_and_missing_file_are_refused_in_french(client, admin_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_a)
    response = client.post(
        "/bourse/espace-bailleur/imports/nouveau/", {"file": SimpleUploadedFile("p.pdf", b"%PDF")}
    )
    assert "Format non accepté" in response.content.decode()
    response = client.post("/bourse/espace-bailleur/imports/nouveau/", {})
    assert "Choisissez le fichier à importer." in response.content.decode()


def test_xlsx_upload(client, admin_a, upload):
    client.force_login(admin_a)
    upload([row(1), row(2)], name="patrimoine.xlsx", xlsx=True)
    imp = PatrimoineImport.objects.get()
    assert imp.status == "done" and imp.created_count == 2


def test_the_super_admin_chooses_the_landlord(client, amo, landlord_b, upload):
    client.force_login(amo)
    response = upload([row(1)])
    assert response.status_code == 200
    assert "Choisissez le bailleur dont c’est le patrimoine." in response.content.decode()
    response = upload([row(1)], landlord=landlord_b)
    assert response.status_code == 302
    assert PatrimoineImport.objects.get().landlord == landlord_b


def test_imports_list_and_dashboard(client, admin_a, upload):
    client.force_login(admin_a)
    upload([row(1), row(2, eligible="non")])
    html = client.get("/bourse/espace-bailleur/imports/").content.decode()
    assert "patrimoine.csv" in html and "dépôt en ligne" not in html and "admin-a" not in html
    assert "Alice" in html  # who
    dashboard = client.get("/bourse/espace-bailleur/")
    assert dashboard.context["counts"] == {
        "total": 2,
        "eligible": 1,
        "ineligible": 1,
        "outside_snapshot": 0,
    }


def test_dwellings_filters_and_search(client, admin_a, upload, settings):
    settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT = 100  # the snapshot guard: see tests/patrimoine
    client.force_login(admin_a)
    upload(
        [
            row(1, typologie="T2", adresse="3 rue des Lilas"),
            row(2, typologie="T4", code_insee="75111", reservataire_code="75111"),
            row(3, reference_locataire=""),
        ]
    )
    url = "/bourse/espace-bailleur/patrimoine/"

    def refs(**params):
        page = client.get(url, params).context["page"]
        return sorted(d.housing_reference for d in page.object_list)

    assert refs() == ["LOG-1", "LOG-2", "LOG-3"]
    assert refs(typology="T4") == ["LOG-2"]
    assert refs(commune="75111") == ["LOG-2"]
    assert refs(q="lilas") == ["LOG-1"]
    assert refs(q="LOC-2") == ["LOG-2"]
    assert refs(eligible="non") == ["LOG-3"]
    assert refs(in_snapshot="non") == []
    upload([row(1, typologie="T2", adresse="3 rue des Lilas")])  # full file: 2 and 3 leave
    assert refs(in_snapshot="non") == ["LOG-2", "LOG-3"]
    assert refs(eligible="oui") == ["LOG-1"]


# --- Published format ----------------------------------------------------------------


def test_format_page_documents_every_column(client, db):
    response = client.get("/bourse/fichier-patrimoine/format/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in html
    assert "T1, T2, T3, T4, T5 ou T6+" in html
    assert "/bourse/fichier-patrimoine/modele.csv" in html
    assert "/bourse/fichier-patrimoine/modele.xlsx" in html


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template_files_parse_back_with_the_reader(client, db, suffix):
    response = client.get(f"/bourse/fichier-patrimoine/modele.{suffix}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    names, rows = read_rows(io.BytesIO(response.content))
    rows = list(rows)
    assert names[: len(COLUMN_NAMES)] == list(COLUMN_NAMES)
    assert len(rows) == 1
    insee, sirens = reference_codes()
    record, errors = RowValidator(insee, sirens).validate(rows[0])
    # The example row is valid, and reserved: an import skips it (tests/patrimoine).
    assert errors == [] and record.housing_reference == "EXEMPLE-000123"


def test_xlsx_template_has_a_format_sheet(client, db):
    response = client.get("/bourse/fichier-patrimoine/modele.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Patrimoine", "Format"]
    assert workbook["Format"].max_row == len(COLUMN_NAMES) + 1


# --- Export -------------------------------------------------------------------------------


def test_export_uses_the_import_format_and_neutralises_formulas(client, admin_a, upload):
    client.force_login(admin_a)
    upload(
        [
            row(1, nom_locataire='=HYPERLINK("http://evil.example","clic")', etage="-1"),
            row(2, adresse="@SUM(A1)"),
        ]
    )
    response = client.get("/bourse/espace-bailleur/patrimoine/export.csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(COLUMN_NAMES)
    by_ref = {r[0]: dict(zip(COLUMN_NAMES, r, strict=True)) for r in rows[1:]}
    assert by_ref["LOG-1"]["nom_locataire"].startswith("'=HYPERLINK")
    assert by_ref["LOG-1"]["etage"] == "-1"  # numbers stay numbers
    assert by_ref["LOG-2"]["adresse"] == "'@SUM(A1)"
    assert by_ref["LOG-1"]["surface"] == "64,50"
    # And the export is a valid import file.
    names, parsed = read_rows(io.BytesIO(content))
    insee, sirens = reference_codes()
    validator = RowValidator(insee, sirens)
    assert all(validator.validate(r)[1] == [] for r in parsed)


# --- Drop-folder sync ------------------------------------------------------------------


def test_drop_folder_sync_imports_once_and_moves_files(
    tmp_path, settings, landlord_a, admin_a, django_capture_on_commit_callbacks
):
    from bourse.tasks import sync_patrimoine_inboxes
    from tests.patrimoine.test_reader_and_validation import csv_bytes

    settings.PATRIMOINE_INBOX_ROOT = str(tmp_path)
    incoming = tmp_path / landlord_a.siret / "entrant"
    incoming.mkdir(parents=True)
    data = csv_bytes([row(1), row(2)])
    (incoming / "patrimoine-janvier.csv").write_bytes(data)
    (incoming / ".cache").write_bytes(b"ignored")
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_patrimoine_inboxes.delay().get() == 1
    imp = PatrimoineImport.objects.get()
    assert imp.source == "inbox" and imp.status == "done" and imp.created_count == 2
    processed = tmp_path / landlord_a.siret / "traites"
    assert [p.name.endswith("-patrimoine-janvier.csv") for p in processed.iterdir()] == [True]
    assert not (incoming / "patrimoine-janvier.csv").exists()
    # The same file dropped again is moved away but not imported twice.
    (incoming / "patrimoine-fevrier.csv").write_bytes(data)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_patrimoine_inboxes.delay().get() == 0
    assert PatrimoineImport.objects.count() == 1
    assert len(list(processed.iterdir())) == 2
    # The import is listed with its source.
    from django.test import Client

    client = Client()
    client.force_login(admin_a)
    html = client.get("/bourse/espace-bailleur/imports/").content.decode()
    assert "synchronisation automatique" in html
