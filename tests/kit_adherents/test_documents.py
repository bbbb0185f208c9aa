"""Documents of the kit: versions, replacement, metadata, validation."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Collection

from kit_adherents.blocks import KitDocumentBlock, KitVideoBlock, duration_label
from kit_adherents.models import KitDocument, KitDocumentVersion

from .conftest import KIT_PASSWORD, enter_password

pytestmark = pytest.mark.django_db


def test_procedure_book_has_the_newest_version_online_and_the_older_kept(kit):
    book = kit.book
    assert book.version_label == "juin 2021"
    versions = list(book.older_versions())
    assert [v.version_label for v in versions] == ["mars 2021"]
    assert versions[0].file_size > 0
    assert versions[0].file.read().startswith(b"%PDF")


def test_section_page_lists_type_size_version_date_badge_and_versions(kit, users, client):
    client.force_login(users.member)
    body = client.get(kit.section.url).content.decode()
    assert "PDF" in body
    assert "version juin 2021" in body
    assert "1 version précédente" in body
    assert "Version mars 2021" in body
    assert kit.old_version.url in body
    assert "Mis à jour" in body  # the guide was updated today
    # The book (June 2021) shows no badge: one badge only, for the guide.
    assert body.count("Mis à jour</span>") == 1


def test_replacing_a_file_in_the_admin_keeps_the_old_one(kit, admin_client, client):
    document = kit.guide
    old_url = document.url
    old_content = document.file.read()
    document.file.seek(0)
    response = admin_client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": document.title,
            "file": SimpleUploadedFile("guide-v2.pdf", b"%PDF-1.4 version 2"),
            "collection": document.collection_id,
            "description": document.description,
            "version_label": "décembre 2026",
            "updated_on": "2026-12-01",
            "tags": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.version_label == "décembre 2026"
    assert document.filename.startswith("guide-v2")
    version = KitDocumentVersion.objects.get(document=document)
    assert version.version_label == "2026"
    assert version.file.read() == old_content

    # Both the new file and the archived one are private.
    for url in (document.url, version.url):
        assert client.get(url).status_code == 403, url
    # The old URL now names a file that no longer exists: 404, never the file.
    assert client.get(old_url).status_code in (403, 404)
    enter_password(client, kit, KIT_PASSWORD)
    new = client.get(document.url)
    assert new.status_code == 200
    assert b"".join(new.streaming_content) == b"%PDF-1.4 version 2"
    old = client.get(version.url)
    assert b"".join(old.streaming_content) == old_content


def test_replace_file_api(kit):
    from django.core.files.base import ContentFile

    document = kit.guide
    document.replace_file(ContentFile(b"%PDF v3", name="guide-v3.pdf"), version_label="v3")
    document.replace_file(ContentFile(b"%PDF v4", name="guide-v4.pdf"), version_label="v4")
    assert document.version_label == "v4"
    # Newest first (same date here: the latest archived first).
    assert [v.version_label for v in document.older_versions()] == ["v3", "2026"]
    assert document.versions.count() == 2


def test_version_url_with_wrong_filename_is_404(kit, users, client):
    client.force_login(users.member)
    version = kit.old_version
    assert client.get(f"/documents/versions/{version.pk}/autre.pdf").status_code == 404


def test_recent_update_badge(kit, settings):
    settings.KIT_UPDATED_BADGE_DAYS = 30
    document = kit.guide
    document.updated_on = timezone.localdate() - dt.timedelta(days=29)
    assert document.is_recently_updated
    document.updated_on = timezone.localdate() - dt.timedelta(days=31)
    assert not document.is_recently_updated


def test_kit_blocks_refuse_a_document_outside_the_private_collection(kit):
    block = KitDocumentBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"document": kit.public_doc.pk, "description": ""}))
    assert block.clean(block.to_python({"document": kit.guide.pk, "description": ""}))


def test_video_block_needs_a_source_and_a_duration():
    block = KitVideoBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"title": "T", "duration": "12:30", "url": "", "video": None}))
    value = block.to_python(
        {"title": "T", "duration": "12:30", "url": "https://example.org/v", "video": None}
    )
    assert block.clean(value)
    assert duration_label("12:30") == "12 min 30 s"
    assert duration_label("1:02:10") == "1 h 02 min 10 s"
    assert duration_label("8:00") == "8 min"


def test_document_file_type_and_size(kit):
    assert kit.guide.file_type == "PDF"
    assert kit.guide.get_file_size() > 100
    other = KitDocument(title="x", collection=Collection.get_first_root_node())
    other.file.name = "documents/tableau.xlsx"
    assert other.file_type == "Excel"


def test_section_items_keep_editor_order(kit):
    names = [block.value["document"].title for block in kit.section.items]
    assert names == [kit.guide.title, kit.book.title]
    assert isinstance(kit.section.items, StreamValue)


def test_replacing_a_file_without_touching_its_date_dates_it_today(kit, admin_client):
    """Issue 19: the new file is not shown with the previous file's date."""
    document = kit.book
    previous = document.updated_on
    assert previous != timezone.localdate()
    response = admin_client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": document.title,
            "file": SimpleUploadedFile("livre-v3.pdf", b"%PDF-1.4 version 3"),
            "collection": document.collection_id,
            "description": document.description,
            "version_label": "décembre 2026",
            "updated_on": previous.isoformat(),
            "tags": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.updated_on == timezone.localdate()
    assert KitDocumentVersion.objects.get(document=document, version_label="juin 2021")
