"""Automatic sync: files dropped in a landlord's inbox folder are imported.

Layout under ``PATRIMOINE_INBOX_ROOT``: one folder per landlord, named after
its SIRET, with ``entrant/`` (drop files here) and ``traites/`` (files are
moved here once imported). A file whose content was already imported for that
landlord is not imported again (SHA-256 of the content).
"""

import hashlib
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.utils import timezone

from ..models import Landlord, PatrimoineImport

logger = logging.getLogger(__name__)
ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".txt"}


def inbox_root() -> Path:
    return Path(settings.PATRIMOINE_INBOX_ROOT)


def landlord_inbox(landlord: Landlord) -> tuple[Path, Path]:
    base = inbox_root() / landlord.siret
    return base / "entrant", base / "traites"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def collect_inbox_files() -> list[int]:
    """Create an import for every new file of every inbox; return their ids."""
    created: list[int] = []
    for landlord in Landlord.objects.active():
        incoming, processed = landlord_inbox(landlord)
        if not incoming.is_dir():
            continue
        processed.mkdir(parents=True, exist_ok=True)
        for path in sorted(p for p in incoming.iterdir() if p.is_file()):
            if path.name.startswith(".") or path.suffix.lower() not in ACCEPTED_SUFFIXES:
                continue
            sha = file_sha256(path)
            already = PatrimoineImport.objects.filter(
                landlord=landlord, sha256=sha, dry_run=False
            ).exclude(status__in=[PatrimoineImport.Status.FAILED])
            if not already.exists():
                imp = PatrimoineImport(
                    landlord=landlord,
                    source=PatrimoineImport.Source.INBOX,
                    original_name=path.name[:255],
                    sha256=sha,
                    full_snapshot=True,
                )
                with open(path, "rb") as f:
                    imp.file.save(path.name, File(f), save=False)
                imp.save()
                created.append(imp.pk)
            else:
                logger.info("Inbox file %s already imported, skipped", path)
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            shutil.move(str(path), str(processed / f"{stamp}-{path.name}"))
    return created
