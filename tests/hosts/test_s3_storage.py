"""Uploads in S3-compatible object storage (MEDIA_STORAGE=s3) on a local moto server:
every upload lands in the bucket (nothing on the web host's disk), no object is
readable without a signature, private files are refused to anonymous visitors and
reach an allowed visitor through a pre-signed URL of a minute (or streamed)."""

import io
import urllib.parse
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from portal import renditions
from portal.s3storage import MediaS3Storage, PrivateS3Storage
from portal.storage import private_storage
from tests.kit_adherents.conftest import KIT_PASSWORD, enter_password

pytestmark = pytest.mark.django_db


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (the local moto server)
        return answer.read()


def _local_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_settings_choose_the_s3_storages(s3_media):
    assert isinstance(storages["default"], MediaS3Storage)
    assert default_storage.url("a b.png") == "/media/a%20b.png"  # through the app
    assert isinstance(storages["private"], PrivateS3Storage)
    assert private_storage().bucket_name == storages["private"].bucket_name


def test_kit_files_are_in_the_bucket_private_and_never_public(s3_media, kit):
    keys = s3_media.keys()
    prefix = s3_media.prefix
    assert f"{prefix}/{kit.guide.file.name}" in keys
    assert f"{prefix}/{kit.old_version.file.name}" in keys
    assert f"{prefix}/{kit.private_image.file.name}" in keys
    assert f"{prefix}/{kit.public_doc.file.name}" in keys
    # Nothing on the web host's disk.
    assert _local_files(s3_media.root) == []
    # No object is readable without a signature, public ones included.
    assert {s3_media.unsigned_get(key) for key in keys} == {403}


def test_private_files_are_refused_to_anonymous_visitors(s3_media, kit, client):
    version = kit.old_version
    image_url = f"/media/{kit.private_image.file.name}"
    for url in (kit.guide.url, version.url, image_url):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "amazonaws" not in response.get("Location", "") and not response.has_header(
            "Location"
        )


def test_member_gets_a_presigned_redirect_of_a_minute(s3_media, kit, client):
    enter_password(client, kit, KIT_PASSWORD)
    version = kit.old_version
    response = client.get(version.url)
    assert response.status_code == 302
    location = response["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert location.startswith(s3_media.server.endpoint)
    assert query["X-Amz-Expires"] == ["60"]
    assert "attachment" in query["response-content-disposition"][0]
    assert "no-store" in response["Cache-Control"]
    version.file.open("rb")
    assert _fetch(location) == version.file.read()
    # The current document (Wagtail's serve view) and the private image are streamed.
    document = client.get(kit.guide.url)
    assert document.status_code == 200
    assert b"".join(document.streaming_content).startswith(b"%PDF")
    image = client.get(f"/media/{kit.private_image.file.name}")
    assert image.status_code == 200 and b"".join(image.streaming_content)[:4] == b"\x89PNG"
    assert "no-store" in image["Cache-Control"]


def test_public_image_and_its_renditions_are_served_from_the_bucket(s3_media, kit, client):
    renditions.register("fill-40x40")
    try:
        made = renditions.make_renditions(kit.public_image)
    finally:
        renditions._SPECS.discard("fill-40x40")
    assert made >= 1
    rendition = kit.public_image.get_rendition("fill-40x40")
    assert rendition.url == f"/media/{rendition.file.name}"  # the application's path
    assert f"{s3_media.prefix}/{rendition.file.name}" in s3_media.keys()
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    from PIL import Image

    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (40, 40)
    assert _local_files(s3_media.root) == []


def test_private_file_field_uses_the_private_storage(s3_media):
    stored = private_storage().save("private/essai/note.txt", ContentFile(b"secret"))
    key = f"{s3_media.prefix}/{stored}"
    assert key in s3_media.keys()
    assert s3_media.unsigned_get(key) == 403
    assert _fetch(private_storage().url(stored)) == b"secret"
