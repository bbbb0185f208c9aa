"""Outside auditors' tools for the accessibility crawl, installed on first use.

The Nu HTML Checker (``vnu-jar``: a Java jar shipped in an npm package) and a
current axe-core are installed with npm into ``.cache/`` at the project's root
(ignored by git), so that ``make test`` and ``.ci/run`` get them from scratch.
The checker needs Java (17 or later): without it the HTML check is skipped with
a clear message; without npm the test fails and says what to install.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
VNU_VERSION = "26.9.27"
AXE_VERSION = "4.14.1"


def _npm_install(folder: Path, package: str, target: Path) -> Path:
    if target.exists():
        return target
    npm = shutil.which("npm")
    if not npm:
        pytest.fail(f"npm introuvable : installez nodejs et npm pour obtenir {package}")
    subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), package],
        check=True,
        timeout=600,
    )
    return target


def axe_script() -> str:
    folder = CACHE / "axe"
    path = folder / "node_modules" / "axe-core" / "axe.min.js"
    return _npm_install(folder, f"axe-core@{AXE_VERSION}", path).read_text(encoding="utf-8")


def vnu_command() -> list[str] | None:
    """The checker's command line, or None when Java is missing."""
    java = shutil.which("java")
    if not java:
        return None
    folder = CACHE / "vnu"
    jar = folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    _npm_install(folder, f"vnu-jar@{VNU_VERSION}", jar)
    return [java, "-Xss4m", "-jar", str(jar)]


def vnu_errors(command: list[str], files: list[Path]) -> dict[str, list[str]]:
    """Check every file in one run of the checker (it is slow to start);
    the errors (not warnings) per file name."""
    if not files:
        return {}
    result = subprocess.run(  # noqa: S603 - the jar found above, our own files
        [*command, "--errors-only", "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stderr or "{}")
    errors: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        name = Path(message.get("url", "?").removeprefix("file:")).name
        where = f"l.{message.get('lastLine', '?')}"
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:120]
        errors.setdefault(name, []).append(f"{where} {message['message']} — {extract}")
    return errors
