"""Counts read as French: the singular for 0 and 1 (« 0 annonce »), the plural from 2.

A message missing from the French catalogue would be pluralised by gettext's
English rule (« 0 annonces »): every plural message of the templates and of the
code must be in ``locale/fr`` (``make messages`` writes it).
"""

import ast
import functools
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", ".cache", "node_modules", "staticfiles", "tests", "bench", "media"}
LITERAL = r"""u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_PLURAL = re.compile(rf"ngettext\({LITERAL}\s*,\s*{LITERAL}", re.S)
PLURAL_FUNCTIONS = {"ngettext", "ngettext_lazy"}


def _project_files(suffix: str):
    for folder, folders, files in os.walk(ROOT):
        folders[:] = sorted(f for f in folders if f not in SKIPPED and not f.startswith("."))
        yield from (Path(folder, name) for name in sorted(files) if name.endswith(suffix))


@functools.cache
def plural_messages() -> tuple[tuple[str, str, str], ...]:
    """(where, singular, plural) of every plural message of the project."""
    found = []
    for path in _project_files(".html"):
        for match in TEMPLATE_PLURAL.finditer(templatize(path.read_text(encoding="utf-8"))):
            singular, plural = (ast.literal_eval(literal) for literal in match.groups())
            found.append((str(path.relative_to(ROOT)), singular, plural))
    for path in _project_files(".py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "id", None)
            if name in PLURAL_FUNCTIONS and all(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                for arg in node.args[:2]
            ):
                found.append((str(path.relative_to(ROOT)), node.args[0].value, node.args[1].value))
    return tuple(found)


def test_the_project_has_plural_messages():
    places = {where for where, _singular, _plural in plural_messages()}
    assert "bourse/tenants/templates/tenants/search.html" in places
    assert "bourse/contact_details.py" in places


@pytest.mark.parametrize("count, expected", [(0, "0 annonce"), (1, "1 annonce"), (2, "2 annonces")])
def test_a_count_reads_as_french(count, expected):
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} annonce"
        "{% plural %}{{ counter }} annonces{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"n": count})) == expected


def test_every_plural_message_has_its_french_forms():
    missing = []
    with translation.override("fr"):
        for where, singular, plural in plural_messages():
            zero, many = (
                translation.ngettext(singular, plural, 0),
                translation.ngettext(singular, plural, 2),
            )
            if (zero, many) != (singular, plural):
                missing.append(f"{where}: {singular!r}")
    assert not missing, "absent du catalogue français (make messages) :\n" + "\n".join(missing)
