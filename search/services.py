"""Site search: what a visitor may find, and how a raw query is made safe.

``visible_pages_for`` and ``visible_documents_for`` keep live pages of the
current site and drop every page (or document) under a view restriction the
request has not passed (the one rule: ``kit_adherents.access.visible_pages`` and
``denied_collection_ids``), so the member area can rely on Wagtail's page and
collection privacy:
once a visitor enters the shared password or signs in, the restricted content
appears in their results, and never in anybody else's.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db import DatabaseError, transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Page, Site

from kit_adherents import access
from news.models import NewsPage
from portal import pagecache

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
EXTRACT_WORDS = 30
# Only words reach the backends: quotes, operators and punctuation mean
# something to their query syntaxes (SQLite FTS5 MATCH, PostgreSQL tsquery).
_WORD = re.compile(r"\w+")


def clean_query(raw: str | None) -> str:
    """The query as typed, made harmless: no control characters (NUL
    included), whitespace collapsed, at most ``MAX_QUERY_LENGTH`` characters."""
    if not raw:
        return ""
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") else char
        for char in raw[: MAX_QUERY_LENGTH * 4]
    )
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


def search_terms(query: str) -> str:
    """The words of a cleaned query, without the backends' operators."""
    return " ".join(_WORD.findall(query))


def current_site(request) -> Site | None:
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()


def visible_pages_for(request, site: Site | None = None):
    """Live pages of the request's site that the request may view."""
    site = site or current_site(request)
    if site is None:
        return Page.objects.none()
    return access.visible_pages(
        request, Page.objects.live().descendant_of(site.root_page, inclusive=True)
    )


def visible_documents_for(request):
    """Documents outside any collection restricted for this request."""
    documents = get_document_model().objects.all()
    denied = access.denied_collection_ids(request)
    if denied:
        documents = documents.exclude(collection_id__in=denied)
    return documents


@dataclass(frozen=True)
class SearchHit:
    """One line of the results list, whatever its source."""

    title: str
    url: str
    kind: str
    extract: str = ""
    date: date | None = None


class CombinedResults:
    """Page results followed by document results, sliceable for a Paginator
    without loading more than the requested slice from each backend query."""

    def __init__(self, *result_sets):
        self.result_sets = result_sets
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [_safe_count(results) for results in self.result_sets]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            items = self[key : key + 1]
            if not items:
                raise IndexError(key)
            return items[0]
        start, stop, _step = key.indices(self.count())
        items: list = []
        offset = 0
        for results, size in zip(self.result_sets, self.counts(), strict=True):
            lo, hi = max(start - offset, 0), min(stop - offset, size)
            if lo < hi:
                items.extend(_safe_slice(results, lo, hi))
            offset += size
        return items


# Inside a transaction, each backend query runs in its own savepoint: a query
# the backend cannot parse rolls back alone and leaves the transaction usable.
# In autocommit (a request's usual case) a failed query harms nothing else: no
# BEGIN/COMMIT pair is spent per query.


def _guarded():
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def _safe_count(results) -> int:
    try:
        with _guarded():
            return results.count()
    except (DatabaseError, ValueError) as error:
        logger.info("search count failed: %s", error)
        return 0


def _safe_slice(results, start: int, stop: int) -> list:
    try:
        with _guarded():
            return list(islice(results[start:stop], stop - start))
    except (DatabaseError, ValueError) as error:
        logger.info("search failed: %s", error)
        return []


def search(request, query: str) -> CombinedResults:
    """Pages then documents matching ``query`` that the request may view."""
    terms = search_terms(query)
    if not terms:
        return CombinedResults()
    # Base pages: ``to_hits`` reads their specific fields once per publication.
    pages = visible_pages_for(request).search(terms, operator="and")
    documents = visible_documents_for(request).search(terms, operator="and")
    return CombinedResults(pages, documents)


def to_hits(objects, request) -> list[SearchHit]:
    """The results list's lines, in order. A page's line needs its specific page
    (one query per page type): lines are kept per site and page until the next
    publication (``pagecache.content_cached_many``), so a repeated or paged
    search reads no page again."""
    pages = [obj for obj in objects if isinstance(obj, Page)]
    site = current_site(request) if pages else None
    keys = {f"search:hit:{site.pk if site else 0}:{page.pk}": page.pk for page in pages}

    def compute(missing: list[str]) -> dict[str, SearchHit]:
        specifics = Page.objects.filter(pk__in=[keys[key] for key in missing]).specific()
        by_id = {page.pk: _page_hit(page, request) for page in specifics}
        return {key: by_id[keys[key]] for key in missing if keys[key] in by_id}

    page_hits = pagecache.content_cached_many(list(keys), compute) if keys else {}
    by_page = {page_id: page_hits.get(key) for key, page_id in keys.items()}
    hits = [by_page.get(obj.pk) if isinstance(obj, Page) else _document_hit(obj) for obj in objects]
    return [hit for hit in hits if hit is not None]


def _page_hit(page: Page, request) -> SearchHit:
    specific = page.specific
    kind = str(type(specific)._meta.verbose_name)
    extract = specific.search_description or getattr(specific, "intro", "") or ""
    news_date = specific.date if isinstance(specific, NewsPage) else None
    return SearchHit(
        title=specific.title,
        url=specific.get_url(request) or "",
        kind=kind[:1].upper() + kind[1:],
        extract=Truncator(strip_tags(str(extract))).words(EXTRACT_WORDS, truncate="…"),
        date=news_date,
    )


def _document_hit(document) -> SearchHit:
    # The site's document model may name its format ("PDF", "Word"…).
    file_format = getattr(document, "file_type", "") or (document.file_extension or "").upper()
    kind = _("Document %(format)s") % {"format": file_format} if file_format else _("Document")
    extract = getattr(document, "description", "") or ""
    return SearchHit(
        title=document.title,
        url=document.url,
        kind=kind,
        extract=Truncator(extract).words(EXTRACT_WORDS, truncate="…"),
    )
