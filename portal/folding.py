"""Accent- and case-insensitive matching of names and words (issue 19).

French users often type without accents or capitals: « evry » must find
« Évry-Courcouronnes », « ile-saint-denis » « L'Île-Saint-Denis ».

- ``fold(text)``: the Python reading (lower case, no diacritics, « œ » as « oe »,
  hyphens and apostrophes as spaces, spaces collapsed);
- ``Folded(expression)``: the same in SQL — PostgreSQL's ``unaccent`` extension
  (created by ``portal/migrations/0002_unaccent``), SQLite's ``eh_fold`` function
  registered on each connection with ``fold`` itself (``connect()``).

The site search folds its words in the database's full-text index instead:
PostgreSQL's ``french_unaccent`` text search configuration (same migration, set
as Wagtail's ``SEARCH_CONFIG``), SQLite's FTS5 tokenizer (diacritics removed).
"""

from __future__ import annotations

import re
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`_.,/]+")
SQLITE_FUNCTION = "eh_fold"


def fold(text: str | None) -> str:
    """« L'Île-Saint-Denis » -> « l ile saint denis »."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", text).strip()


class Folded(Func):
    """``fold()`` of a text column, in SQL (for ``__contains`` / ``__startswith``)."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # unaccent() folds the diacritics and ligatures (œ -> oe), lower() the case,
        # regexp_replace() the separators, as fold() does.
        template = (
            "btrim(regexp_replace(lower(unaccent(%(expressions)s)),"
            " '[[:space:]''’`_.,/‐‑–—-]+', ' ', 'g'))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def connect() -> None:
    connection_created.connect(
        _register_sqlite_function, dispatch_uid="portal.folding.sqlite", weak=False
    )
