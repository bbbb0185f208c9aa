"""Issue 14 B through the screens: the confirmation naming the count, re-running a
failed import, the report's values as they are on the screen (escaped in the CSV)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bourse.models import Dwelling, PatrimoineImport
from bourse.patrimoine.importer import fail_stale_imports

from .conftest import row

pytestmark = pytest.mark.django_db


def detail(client, imp):
    return client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/")


def apply(client, imp, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/bourse/espace-bailleur/imports/{imp.pk}/appliquer/", data)


@pytest.fixture
def ten(client, admin_a, upload):
    client.force_login(admin_a)
    upload([row(n) for n in range(1, 11)])
    assert Dwelling.objects.filter(in_snapshot=True).count() == 10


def test_dry_run_emptying_the_patrimoine_asks_for_the_count(
    client, ten, upload, django_capture_on_commit_callbacks
):
    upload([row(11)], dry_run=True)
    dry = PatrimoineImport.objects.latest("pk")
    assert dry.confirmation_required and dry.at_risk_count == 10
    page = detail(client, dry).content.decode()
    assert "Je confirme que 10 logement(s) de Seine-Saint-Denis Habitat sortiront" in page
    assert 'name="confirm" value="10"' in page and "Confirmer et appliquer ce fichier" in page
    # Without the box (or with another count): nothing is applied, the reason by the box.
    for data in ({}, {"confirm": "9"}):
        response = apply(client, dry, django_capture_on_commit_callbacks, **data)
        assert response.status_code == 400
        assert "Cochez la case pour confirmer que 10 logement(s)" in response.content.decode()
    assert PatrimoineImport.objects.latest("pk") == dry
    response = apply(client, dry, django_capture_on_commit_callbacks, confirm="10")
    imp = PatrimoineImport.objects.latest("pk")
    assert response.status_code == 302 and imp.confirmed_count == 10 and imp.status == "done"
    assert Dwelling.objects.filter(in_snapshot=True).count() == 1


def test_dry_run_within_the_share_applies_without_a_box(
    client, ten, upload, django_capture_on_commit_callbacks
):
    upload([row(n) for n in range(1, 10)], dry_run=True)
    dry = PatrimoineImport.objects.latest("pk")
    page = detail(client, dry).content.decode()
    assert not dry.confirmation_required and 'name="confirm"' not in page
    assert "Appliquer ce fichier" in page
    apply(client, dry, django_capture_on_commit_callbacks)
    assert PatrimoineImport.objects.latest("pk").status == "done"


def test_real_upload_beyond_the_share_waits_for_the_confirmation(
    client, ten, upload, django_capture_on_commit_callbacks
):
    upload([row(n) for n in range(1, 5)])  # 6 of 10 would leave
    held = PatrimoineImport.objects.latest("pk")
    assert held.status == "confirm" and held.at_risk_count == 6
    assert Dwelling.objects.filter(in_snapshot=True).count() == 10
    page = detail(client, held).content.decode()
    assert "Rien n’a été appliqué." in page and "Je confirme que 6 logement(s)" in page
    apply(client, held, django_capture_on_commit_callbacks, confirm="6")
    assert PatrimoineImport.objects.latest("pk").status == "done"
    assert Dwelling.objects.filter(in_snapshot=True).count() == 4


def test_header_only_file_is_refused_on_the_screen(client, ten, upload):
    upload([])
    imp = PatrimoineImport.objects.latest("pk")
    page = detail(client, imp).content.decode()
    assert imp.status == "refused" and "aucune ligne de logement valide" in page
    assert "Appliquer ce fichier" not in page
    assert Dwelling.objects.filter(in_snapshot=True).count() == 10


def test_drop_folder_refusal_can_be_confirmed_on_its_screen(
    client, ten, landlord_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    from bourse.tasks import sync_patrimoine_inboxes

    from .conftest import csv_bytes

    settings.PATRIMOINE_INBOX_ROOT = str(tmp_path)
    incoming = tmp_path / landlord_a.siret / "entrant"
    incoming.mkdir(parents=True)
    (incoming / "p.csv").write_bytes(csv_bytes([row(1)]))
    sync_patrimoine_inboxes()
    refused = PatrimoineImport.objects.get(source="inbox")
    assert refused.status == "refused" and refused.at_risk_count == 9
    page = detail(client, refused).content.decode()
    assert "Le fichier n’a pas été importé." in page and "Je confirme que 9 logement(s)" in page
    apply(client, refused, django_capture_on_commit_callbacks, confirm="9")
    assert Dwelling.objects.filter(in_snapshot=True).count() == 1


def test_stale_import_is_failed_and_rerun_from_its_screen(
    client, ten, upload, django_capture_on_commit_callbacks
):
    upload([row(n) for n in range(1, 11)] + [row(11)])
    imp = PatrimoineImport.objects.latest("pk")
    Dwelling.objects.filter(housing_reference="LOG-11").delete()
    moment = timezone.now() - timedelta(hours=1)
    PatrimoineImport.objects.filter(pk=imp.pk).update(
        status="running", started_at=moment, progress_at=moment
    )
    assert "en cours" in detail(client, imp).content.decode()
    fail_stale_imports()
    page = detail(client, imp).content.decode()
    assert "aucune progression depuis 15 minutes" in page and "Relancer l’import" in page
    url = f"/bourse/espace-bailleur/imports/{imp.pk}/relancer/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    imp.refresh_from_db()
    assert imp.status == "done" and imp.created_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "n’est pas en échec" in response.content.decode()
    assert PatrimoineImport.objects.filter(pk=imp.pk, status="done").exists()


def test_report_values_as_they_are_on_screen_escaped_in_the_csv(client, ten, upload):
    upload([row(n) for n in range(1, 11)] + [row(11, loyer="=1+2"), row(12, nom_locataire="@x")])
    imp = PatrimoineImport.objects.latest("pk")
    page = detail(client, imp).content.decode()
    assert "<td>=1+2</td>" in page and "&#x27;=1+2" not in page
    response = client.get(f"/bourse/espace-bailleur/imports/{imp.pk}/rapport/")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.startswith("ligne;colonne;valeur;motif")
    assert "12;loyer;'=1+2;" in text


def test_format_page_documents_the_typologies_the_example_and_the_guard(client, db, settings):
    settings.PATRIMOINE_SNAPSHOT_GUARD_PERCENT = 25
    page = client.get("/bourse/fichier-patrimoine/format/").content.decode()
    assert "F3 = T3" in page and "Studio, T1 bis et T1’ comptent comme T1" in page
    assert "T7 et au-delà" in page and "EXEMPLE-" in page and "plus de 25 %" in page
