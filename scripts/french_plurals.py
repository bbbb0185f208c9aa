#!/usr/bin/env python
"""Keep the French catalogue to what it is for: the plural rule of French.

The source strings are French already, so no message needs translating. But a
message missing from every catalogue is pluralised by gettext's English rule
(singular only for 1): « 0 annonces », « 0 résultats ». French takes the
singular for 0 and 1. This script rewrites the catalogue that ``makemessages``
wrote (``make messages``):

- the header states French and its rule, ``nplurals=2; plural=(n > 1);``, and
  is not fuzzy (``msgfmt`` would leave a fuzzy header, and its rule, out);
- each plural message is kept, its two forms copied from the source's
  (``msgstr[0]`` the singular, ``msgstr[1]`` the plural), unflagged;
- every other message is dropped: untranslated, it reads as its source.

    python scripts/french_plurals.py locale/fr/LC_MESSAGES/django.po
"""

from __future__ import annotations

import sys
from pathlib import Path

PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
HEADER_FIELDS = {
    "Project-Id-Version": "Echanger Habiter",
    "Language": "fr",
    "Language-Team": "French",
    "Last-Translator": "Echanger Habiter",
    "PO-Revision-Date": "2026-12-04 00:00+0100",
    "Plural-Forms": PLURAL_FORMS,
}


TITLE = "French plural forms of the portal's messages (scripts/french_plurals.py)."
# Dates and names that would change the file at every run.
DROPPED_FIELDS = {"POT-Creation-Date", "Report-Msgid-Bugs-To"}


def _blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip().split("\n\n") if block.strip()]


def _field(lines: list[str], keyword: str) -> list[str]:
    """The lines of one keyword's string (the keyword's line and its continuations)."""
    out: list[str] = []
    for line in lines:
        if out and line.startswith('"'):
            out.append(line)
        elif out:
            break
        elif line.startswith(keyword + " "):
            out.append(line)
    return out


def _renamed(lines: list[str], old: str, new: str) -> list[str]:
    return [new + lines[0][len(old) :], *lines[1:]]


def _header(lines: list[str]) -> list[str]:
    out = [f"# {TITLE}", 'msgid ""', 'msgstr ""']
    seen = set()
    for line in lines:
        if not line.startswith('"') or ":" not in line:
            continue
        name = line[1:].split(":", 1)[0]
        if name in HEADER_FIELDS:
            line = f'"{name}: {HEADER_FIELDS[name]}\\n"'
        if name not in DROPPED_FIELDS:
            out.append(line)
            seen.add(name)
    out.extend(f'"{name}: {value}\\n"' for name, value in HEADER_FIELDS.items() if name not in seen)
    return out


def rewrite(text: str) -> str:
    blocks = _blocks(text)
    header = next(b for b in blocks if _field(b, "msgid") == ['msgid ""'])
    entries = []
    for block in blocks:
        plural = _field(block, "msgid_plural")
        if block is header or not plural:
            continue
        flags = [line for line in block if line.startswith("#,")]
        kept_flags = []
        for line in flags:
            rest = [f.strip() for f in line[2:].split(",") if f.strip() not in ("fuzzy", "")]
            if rest:
                kept_flags.append("#, " + ", ".join(rest))
        context = _field(block, "msgctxt")
        singular = _field(block, "msgid")
        entries.append(
            "\n".join(
                [
                    *kept_flags,
                    *context,
                    *singular,
                    *plural,
                    *_renamed(singular, "msgid", "msgstr[0]"),
                    *_renamed(plural, "msgid_plural", "msgstr[1]"),
                ]
            )
        )
    return "\n\n".join(["\n".join(_header(header)), *sorted(set(entries))]) + "\n"


def main(path: str) -> None:
    file = Path(path)
    file.write_text(rewrite(file.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
