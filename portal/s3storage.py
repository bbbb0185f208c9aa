"""The S3 storages of ``MEDIA_STORAGE=s3`` (``portal/settings/media.py``, ``portal/storage.py``).

In a module of their own so that a process on the local disk never imports boto3.
"""

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Always-private files: private objects, pre-signed ``url()`` of a minute."""

    signs_urls = True
    querystring_auth = True
    default_acl = None

    def __init__(self, **options):
        super().__init__(**options)
        # Short connection timeouts: an unreachable bucket fails a request (and the
        # readiness probe) in seconds, not after botocore's default minute.
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=2,
                read_timeout=20,
                retries={"max_attempts": 3, "mode": "standard"},
                max_pool_connections=20,
            )
        )


class MediaS3Storage(PrivateS3Storage):
    """Wagtail's images and documents: private objects too (their privacy follows
    their collection, which may change), linked through the application."""

    signs_urls = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"
