"""Uploaded files on the local disk or in S3-compatible object storage (``MEDIA_STORAGE``).

Two storages (``STORAGES`` aliases, see ``portal/settings/media.py``):

- ``default`` — Wagtail's images, renditions and documents: on S3,
  ``portal.s3storage.MediaS3Storage`` (objects private in the bucket, ``url()`` the
  application's ``/media/…`` path, so pages link to views that check the collection's
  privacy and stream the file);
- ``private`` — files that are always private, chosen by
  ``FileField(storage=private_storage)``: on S3, ``portal.s3storage.PrivateS3Storage``
  (``url()`` a pre-signed URL valid ``MEDIA_S3_SIGNED_URL_SECONDS``, 60 by default).

Locally both are the same ``FileSystemStorage`` as before. ``private_file_response``
is the one way a private download leaves the application, after its view's checks.
"""

from pathlib import Path

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.http import FileResponse, HttpResponseRedirect
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

from .http import never_cache_response


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def private_storage():
    """``FileField(storage=private_storage)``: the ``private`` storage, looked up when
    used (a callable, so migrations do not depend on the environment)."""
    return _private


def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


setting_changed.connect(_reset, dispatch_uid="portal.storage.reset")


def private_file_response(
    field_file, *, filename: str, content_type: str | None = None, as_attachment: bool = True
):
    """A checked download of a private file: a redirect to a pre-signed URL of a
    minute when the storage signs URLs (S3), otherwise the file streamed; never cached.
    Raises ``FileNotFoundError``/``OSError`` when a local file is missing."""
    storage = field_file.storage
    content_type = content_type or "application/octet-stream"
    if getattr(storage, "signs_urls", False):
        url = storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            field_file.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
    return never_cache_response(response)


def check_reachable() -> None:
    """Raise when the media storage cannot be reached (the readiness probe): on S3 one
    HEAD of the bucket; locally, that ``MEDIA_ROOT`` or its parent folder exists (the
    folder itself is made by the first upload)."""
    storage = storages["default"]
    if getattr(storage, "bucket_name", None):  # portal.s3storage
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        return
    location = Path(storage.location)
    if not (location.is_dir() or location.parent.is_dir()):
        raise OSError("media folder missing")
