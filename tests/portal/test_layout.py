"""The folder layout's size rule (issue 16): views are split by task, so that no
views module outgrows a reading — at most 400 lines each."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "home", "news", "kit_adherents", "bourse", "search")
MAX_LINES = 400


def views_modules():
    for app in APPS:
        yield from (ROOT / app).rglob("views.py")
        for folder in (ROOT / app).rglob("views"):
            yield from folder.glob("*.py")


def test_no_views_module_over_400_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in views_modules()
    }
    assert len(sizes) > 10, sizes  # the walk found the views
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
