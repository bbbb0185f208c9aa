"""Two web hosts that share no disk, and a worker, against the same PostgreSQL,
Redis and bucket: two gunicorn processes and a Celery worker, each with its own
empty MEDIA_ROOT and MEDIA_STORAGE=s3 (the local moto server). A member-kit
document uploaded through the first host is downloaded through the second; a
patrimoine file uploaded through the second is imported by the worker.

Needs PostgreSQL and Redis (``DATABASE_URL``, ``REDIS_URL``): skipped on SQLite."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from .conftest import BUCKET, KEYS, REGION, free_port, wait_for

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL): the processes share them",
    ),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Deux-hotes-sans-disque-2026"  # noqa: S105 (a test account's)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(s3_server, tmp_path, name: str, prefix: str) -> dict:
    media = tmp_path / name
    media.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "MEDIA_", "CELERY_"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",  # development settings, not eager
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"eh-two-hosts-{prefix}",
        "PAGE_CACHE_SECONDS": "0",
        "MEDIA_ROOT": str(media),
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_server.endpoint,
        "MEDIA_S3_REGION": REGION,
        "MEDIA_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "MEDIA_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "MEDIA_S3_PREFIX": prefix,
        "PATRIMOINE_INBOX_ROOT": str(tmp_path / f"{name}-inbox"),
        "LOG_LEVEL": "WARNING",
    }


def _start(command, env, log):
    return subprocess.Popen(  # noqa: S603 (our interpreter, our modules)
        [sys.executable, "-m", *command], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _sign_in(base: str, username: str):
    import requests

    session = requests.Session()
    session.get(f"{base}/connexion/", timeout=20)
    response = session.post(
        f"{base}/connexion/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=20,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _csrf(session, url: str) -> str:
    page = session.get(url, timeout=20)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _local_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def hosts(s3_server, tmp_path):
    """Web A, web B (gunicorn, one worker each) and a Celery worker, all started at once."""
    prefix = f"two-hosts-{uuid.uuid4().hex[:10]}"
    ports = []
    for _ in range(2):
        ports.append(free_port())
    log = (tmp_path / "processes.log").open("wb")
    processes = []
    try:
        for name, port in zip(("web-a", "web-b"), ports, strict=True):
            env = _environment(s3_server, tmp_path, name, prefix)
            command = ["gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
            processes.append(_start([*command, "--timeout", "60"], env, log))
        worker_env = _environment(s3_server, tmp_path, "worker", prefix)
        worker = ["celery", "-A", "portal", "worker", "--pool", "solo", "-l", "WARNING"]
        processes.append(_start([*worker, "--without-gossip", "--without-mingle"], worker_env, log))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for(f"{base}/sante/", 60)
        yield bases, tmp_path, prefix
    finally:
        for process in processes:  # quick shutdown (gunicorn, Celery): nothing to finish
            process.send_signal(signal.SIGQUIT)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def test_two_web_hosts_without_a_shared_disk_and_a_worker(hosts, s3_server):
    import requests
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import Group

    from bourse.factories import StaffFactory
    from bourse.models import Commune, Dwelling, Landlord, PatrimoineImport, StaffRole
    from bourse.territories import load_reference_data
    from kit_adherents import demo as kit_demo
    from kit_adherents.models import KitDocument
    from tests.bourse_staff.conftest import row
    from tests.patrimoine.test_reader_and_validation import csv_bytes

    (web_a, web_b), root, prefix = hosts
    if not Commune.objects.exists():  # flushed by an earlier transactional test
        load_reference_data()
    # Accounts (committed: the processes read them); passwords the web hosts can check.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "deuxhotes2026")
    User = get_user_model()
    admin = User.objects.create_superuser("admin-hotes", "admin@example.org", None)
    member = User.objects.create_user("membre-hotes", "membre@example.org")
    members, _ = Group.objects.get_or_create(name="Membres")
    member.groups.add(members)
    landlord = Landlord.objects.create(name="Seine-Saint-Denis Habitat", siret="73282932000074")
    staff = StaffFactory(
        username="admin-bailleur-hotes", role=StaffRole.LANDLORD_ADMIN, landlord=landlord
    )
    User.objects.filter(pk__in=[admin.pk, member.pk, staff.pk]).update(password=hashed)
    collection = kit_demo.get_kit_collection()
    for base in (web_a, web_b):  # both hosts ready: database, cache and bucket
        assert requests.get(f"{base}/sante/pret/", timeout=20).status_code == 200

    # 1. A member-kit document uploaded through host A...
    editor = _sign_in(web_a, "admin-hotes")
    content = b"%PDF-1.4 guide des deux hotes " + uuid.uuid4().hex.encode()
    response = editor.post(
        f"{web_a}/admin/documents/add/",
        data={
            "csrfmiddlewaretoken": _csrf(editor, f"{web_a}/admin/documents/add/"),
            "title": "Guide deux hôtes",
            "collection": str(collection.pk),
            "description": "",
            "version_label": "2026",
            "updated_on": "2026-12-01",
            "tags": "",
        },
        files={"file": ("guide-deux-hotes.pdf", content, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    document = KitDocument.objects.get(title="Guide deux hôtes")
    keys = s3_server.client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")["Contents"]
    assert f"{prefix}/{document.file.name}" in [item["Key"] for item in keys]

    # ... is downloaded through host B by a member, and refused to an anonymous visitor.
    url = f"/documents/{document.pk}/{document.filename}"
    assert requests.get(f"{web_b}{url}", timeout=20, allow_redirects=False).status_code == 403
    reader = _sign_in(web_b, "membre-hotes")
    download = reader.get(f"{web_b}{url}", timeout=20)
    assert download.status_code == 200
    assert download.content == content

    # 2. A patrimoine file uploaded through host B is imported by the worker.
    uploader = _sign_in(web_b, "admin-bailleur-hotes")
    rows = [row(1), row(2), row(3, code_insee="99999")]  # one error: a report is written
    form_url = f"{web_b}/bourse/espace-bailleur/imports/nouveau/"
    response = uploader.post(
        form_url,
        data={"csrfmiddlewaretoken": _csrf(uploader, form_url), "full_snapshot": "on"},
        files={"file": ("patrimoine.csv", csv_bytes(rows), "text/csv")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:2000]
    imp = PatrimoineImport.objects.get(landlord=landlord)
    deadline = time.monotonic() + 60
    while imp.status in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        imp.refresh_from_db()
    assert imp.status == "done", (imp.status, imp.message)
    assert imp.created_count == 2
    assert Dwelling.objects.filter(landlord=landlord).count() == 2
    assert imp.error_count == 1 and imp.report.name  # the worker's report, in the bucket
    # Host A shows the worker's report (read from the bucket).
    staff_a = _sign_in(web_a, "admin-bailleur-hotes")
    report = staff_a.get(f"{web_a}/bourse/espace-bailleur/imports/{imp.pk}/rapport/", timeout=20)
    assert report.status_code == 200 and "ligne;colonne;valeur;motif" in report.text

    # Nothing on any host's disk: every file is in the bucket.
    for name in ("web-a", "web-b", "worker"):
        assert _local_files(root / name) == [], name
