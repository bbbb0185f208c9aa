"""Accent- and case-insensitive site search (issue 19): French users often type
without accents; PostgreSQL folds them with ``unaccent`` in the ``french_unaccent``
text search configuration, SQLite's FTS5 tokenizer removes diacritics."""

import pytest
from django.db import connection  # noqa: F401 (skipif)

pytestmark = pytest.mark.django_db


def titles(client, query):
    return client.get("/recherche/", {"q": query}).content.decode()


@pytest.mark.parametrize("query", ["déménagement", "demenagement", "DEMENAGEMENT"])
def test_a_word_is_found_with_or_without_its_accents(client, make_page, query):
    make_page("Préparer son déménagement", "Le déménagement se prépare tôt.")
    make_page("Autre sujet", "Rien à voir.")
    html = titles(client, query)
    assert "Préparer son déménagement" in html
    assert "Autre sujet" not in html


def test_a_word_typed_with_accents_finds_a_text_written_without(client, make_page):
    make_page("Ile de loisirs", "Une journee a l'ile de loisirs de Cergy.")
    assert "Ile de loisirs" in titles(client, "île journée")


def test_cedilla_and_ligature(client, make_page):
    make_page("Reçu et cœur", "Le reçu du cœur de ville.")
    assert "Reçu et cœur" in titles(client, "recu")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_stems_french_words_after_folding_accents(client, make_page):
    make_page("Préparer son déménagement", "Le déménagement se prépare tôt.")
    assert "Préparer son déménagement" in titles(client, "Demenagements")
