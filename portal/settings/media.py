"""Where uploaded files live: the local disk (default) or S3-compatible object storage.

``MEDIA_STORAGE=s3`` puts every upload in one bucket (``MEDIA_S3_*`` variables), so
that several web and worker hosts share them. Two aliases of ``STORAGES``:

- ``default``: Wagtail's images, renditions and documents, whose privacy follows
  their collection (the member kit's is private); linked through the application's
  ``/media/`` and ``/documents/`` views, which check it (``portal.s3storage.MediaS3Storage``);
- ``private``: files that are always private (member-kit document versions, listing
  photos, patrimoine files and reports, contact attachments), used by their
  ``FileField(storage=portal.storage.private_storage)``; a download leaves the
  application as a pre-signed URL of ``MEDIA_S3_SIGNED_URL_SECONDS``
  (``portal.s3storage.PrivateS3Storage``).

No object is public in the bucket: a collection's privacy may change after an upload,
and an object's ACL would then lie. Public images are streamed by the application with
``Cache-Control: public`` for the proxy to keep. Pure function: no Django import.
"""

from .env import env_int, env_str

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def s3_options(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    prefix: str = "",
    signed_url_seconds: int = 60,
    addressing_style: str | None = None,
) -> dict:
    """The ``OPTIONS`` of both S3 storages (django-storages' ``S3Storage`` arguments)."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,  # None: boto3's own chain (instance role…)
        "secret_key": secret_key or None,
        "location": prefix.strip("/"),
        "default_acl": None,  # the bucket's default: private
        "querystring_expire": signed_url_seconds,
        "file_overwrite": False,
        "signature_version": "s3v4",
        # A local or self-hosted endpoint (MinIO, moto, Garage…) wants path-style URLs.
        "addressing_style": addressing_style or ("path" if endpoint_url else None),
    }


def media_storages(kind: str, options: dict | None = None) -> dict:
    """``STORAGES["default"]`` and ``STORAGES["private"]`` for ``kind`` ("local" or "s3")."""
    if kind == "local":
        return {"default": FILESYSTEM, "private": FILESYSTEM}
    if kind != "s3":
        raise ValueError(f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r}.")
    return {
        "default": {"BACKEND": "portal.s3storage.MediaS3Storage", "OPTIONS": dict(options or {})},
        "private": {"BACKEND": "portal.s3storage.PrivateS3Storage", "OPTIONS": dict(options or {})},
    }


def media_storages_from_env() -> dict:
    kind = env_str("MEDIA_STORAGE", "local")
    if kind != "s3":
        return media_storages(kind)
    return media_storages(
        "s3",
        s3_options(
            bucket=env_str("MEDIA_S3_BUCKET", required=True),
            endpoint_url=env_str("MEDIA_S3_ENDPOINT_URL"),
            region=env_str("MEDIA_S3_REGION"),
            access_key=env_str("MEDIA_S3_ACCESS_KEY_ID"),
            secret_key=env_str("MEDIA_S3_SECRET_ACCESS_KEY"),
            prefix=env_str("MEDIA_S3_PREFIX", ""),
            signed_url_seconds=env_int("MEDIA_S3_SIGNED_URL_SECONDS", 60),
            addressing_style=env_str("MEDIA_S3_ADDRESSING_STYLE"),
        ),
    )
