"""Fixtures of the several-hosts tests: a local S3-compatible server (moto's
standalone server, started once per session on a free port, so that the tests
need nothing installed beside the dev extra) and the settings that put the
uploads in its bucket."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import pytest

from portal.settings.media import media_storages, s3_options
from tests.kit_adherents.conftest import kit, users  # noqa: F401 (the member kit's fixtures)

BUCKET = "eh-media-test"
REGION = "eu-west-3"
KEYS = {"access_key": "eh-test-key", "secret_key": "eh-test-secret"}  # moto accepts any


def free_port() -> int:
    """A free port: from this area's range (8600-8699) when one is free there; any
    port the system gives under pytest-xdist (parallel workers would pick the same)."""
    ours = [] if os.environ.get("PYTEST_XDIST_WORKER") else list(range(8600, 8700))
    for port in [*ours, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port")


def wait_for(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (a local test URL)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _start_moto():
    """moto's server on a free port; tried again on another port when that one was
    taken meanwhile (parallel test workers pick ports at the same time)."""
    for _ in range(5):
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{endpoint}/moto-api/")
            time.sleep(0.2)
        except OSError:
            pass
        if process.poll() is None:
            return process, endpoint
        process.wait()
    raise RuntimeError("moto's server did not start")


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on 127.0.0.1 and a free port, with the test bucket."""
    import boto3

    process, endpoint = _start_moto()
    try:
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield SimpleNamespace(endpoint=endpoint, client=client, bucket=BUCKET)
    finally:
        process.terminate()
        process.wait(10)


def s3_storages(endpoint: str, prefix: str) -> dict:
    options = s3_options(bucket=BUCKET, endpoint_url=endpoint, region=REGION, prefix=prefix, **KEYS)
    return media_storages("s3", options)


@pytest.fixture
def s3_media(settings, s3_server, tmp_path):
    """This test's uploads in the bucket, under a prefix of their own; MEDIA_ROOT an
    empty folder that must stay empty."""
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, **s3_storages(s3_server.endpoint, prefix)}

    def keys() -> list[str]:
        listed = s3_server.client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return [item["Key"] for item in listed.get("Contents", [])]

    def unsigned_get(key: str) -> int:
        """The status of a GET of the object's URL without any signature."""
        try:
            with urllib.request.urlopen(f"{s3_server.endpoint}/{BUCKET}/{key}", timeout=5):  # noqa: S310
                return 200
        except urllib.error.HTTPError as error:
            return error.code

    return SimpleNamespace(
        prefix=prefix, keys=keys, unsigned_get=unsigned_get, server=s3_server, root=tmp_path
    )
