"""Contact details written in free text: found, and masked (issue 17).

Tenants write to each other through the platform, which promises that neither
their phone number nor their e-mail address is given away unless they share it
on purpose (« Partager mon numéro », in a conversation). Every free text a tenant
writes to another tenant or publishes (messages, a contact request's message and
answer, the listing's description, a visit outcome's reason) goes through
``mask_contact_details`` before it is stored: the stored text keeps them masked.

What is a phone number here (French habits):

- ten digits ``0[1-9]XXXXXXXX``, written whole or in groups separated by spaces,
  dots or dashes (``06 12 34 56 78``, ``06.12.34.56.78``, ``0612-345-678``);
- with the country code: ``+33 6 12 34 56 78``, ``+33 (0)6…``, ``0033 6…``;
- the letter O for a zero (``O6 12 34 56 78``) and digits written with words,
  alone or mixed with digits, read by pairs as the French say them (``zéro six
  douze trente-quatre cinquante-six soixante-dix-huit``);
- a foreign number after ``+`` and a country code (10 to 13 digits).

A group of numbers is a phone number only when its digits, read in order at the
boundaries of the groups, make exactly such a number: prices (``1 200 €``),
surfaces (``65 m²``), floors (``3e étage``), dates (``12/06/2024``), years,
postcodes (``75011``), references (a NUR, a housing reference: one block of
more or fewer than ten digits, or letters and digits) do not.

What is an e-mail address: ``name@domain.tld``, and its disguises: ``(at)``,
``[at]``, `` at ``, ``arobase``, with ``point``/``dot``/``(point)`` for the dots;
a disguised address needs a known top-level domain or a known mail provider
after its ``at``, so that ordinary French sentences are left alone.

No library reads numbers written with French words or disguised addresses,
so this module does: ``phonenumbers`` would validate the digits we find, but
the French rule (a zero, then 1–9, then eight digits) is all we need.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

PHONE = "phone"
EMAIL = "email"
# The text that replaces a detail in the stored text (stored data: French, not translated).
MASKS = {PHONE: "[numéro masqué]", EMAIL: "[adresse masquée]"}


@dataclass(frozen=True)
class ContactDetail:
    kind: str  # PHONE or EMAIL
    start: int
    end: int
    text: str


# --- E-mail addresses -------------------------------------------------------------------

_TLDS = (
    "fr|com|net|org|eu|info|biz|be|ch|lu|ca|de|es|it|pt|uk|io|me|co|re|gp|mq|gf|yt|pf|nc|ma|dz|tn"
)
_PROVIDERS = (
    "gmail|googlemail|hotmail|yahoo|outlook|live|msn|orange|wanadoo|free|sfr|neuf|laposte|"
    "icloud|aol|gmx|bbox|numericable|proton|protonmail|club-internet|cegetel|voila|tutanota"
)
_AT = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|arobase|a)\s*[)\]}]\s*|\s+at\s+|\s*\barr?obase\b\s*)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{]\s*(?:dot|point)\s*[)\]}]\s*|\s+(?:dot|point)\s+)"
_LOCAL = r"[\w+\-]+(?:(?:\.|\s*[(\[]\s*(?:dot|point)\s*[)\]]\s*|\s+(?:dot|point)\s+)[\w+\-]+)*"
_PLAIN_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,24}\b", re.IGNORECASE)
_DISGUISED_EMAIL = re.compile(
    rf"(?<![\w.]){_LOCAL}{_AT}(?:"
    # a known provider, with or without its top-level domain
    rf"(?:{_PROVIDERS})(?:{_DOT}[a-z]{{2,6}})?(?![\w])"
    # any domain ending in a known top-level domain
    rf"|[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}(?:{_TLDS})(?![\w])"
    r")",
    re.IGNORECASE,
)


def _find_emails(text: str) -> list[ContactDetail]:
    found = []
    for pattern in (_PLAIN_EMAIL, _DISGUISED_EMAIL):
        for match in pattern.finditer(text):
            found.append(ContactDetail(EMAIL, match.start(), match.end(), match.group()))
    return found


# --- Phone numbers ------------------------------------------------------------------------

_UNITS = {
    "zéro": 0,
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
}
_TENS = {
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
_WORDS = sorted([*_UNITS, *_TENS], key=len, reverse=True)
# One piece of a number: a country prefix, the "(0)" of "+33 (0)6", a group of digits
# (an O may stand for a zero), or a number word.
_PIECE = re.compile(
    r"(?P<prefix>\+\s?(?:33|\d{1,3}(?!\d)))"
    r"|(?P<zero>\(0\))"
    r"|(?<![^\W\d_])(?P<digits>[0-9oO]*[0-9][0-9oO]*)(?!\w)"
    rf"|(?<!\w)(?P<word>{'|'.join(_WORDS)})(?!\w)",
    re.IGNORECASE,
)
# What may stand between two pieces of one number: spaces, dots, dashes, and the
# "et" of "vingt et un".
_GAP = re.compile(r"(?:[\s.\-]|\bet\b){0,4}", re.IGNORECASE)
_FRENCH = re.compile(r"0[1-9]\d{8}")
# A date with a four-digit year (12.06.2024, 01/02/2025): never part of a number.
_DATE = re.compile(r"(?<!\d)\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:19|20)\d{2}(?!\d)")


@dataclass
class _Piece:
    digits: str
    start: int
    end: int
    is_zero: bool = False  # "(0)" after "+33"
    is_prefix: bool = False


def _word_pieces(words: list[re.Match]) -> list[_Piece]:
    """Number words read by pairs, as the French say a phone number: « zéro six »
    → 0, 6; « soixante-dix-huit » → 78; « quatre-vingt-douze » → 92."""
    pieces = []
    i = 0
    n = len(words)
    while i < n:
        word = words[i].group().lower()
        start, used = words[i].start(), 1
        nxt = words[i + 1].group().lower() if i + 1 < n else ""
        if word == "quatre" and nxt in ("vingt", "vingts"):
            value, used = 80, 2
        elif word in _TENS:
            value = _TENS[word]
        else:
            value = _UNITS[word]
            if value == 10 and nxt in ("sept", "huit", "neuf"):
                value, used = 10 + _UNITS[nxt], 2
        if value >= 20 and i + used < n:
            follow = words[i + used].group().lower()
            after = words[i + used + 1].group().lower() if i + used + 1 < n else ""
            if value in (60, 80) and follow in _UNITS and _UNITS[follow] >= 10:
                if follow == "dix" and after in ("sept", "huit", "neuf"):
                    value, used = value + 10 + _UNITS[after], used + 2
                else:
                    value, used = value + _UNITS[follow], used + 1
            elif follow in _UNITS and 1 <= _UNITS[follow] <= 9:
                value, used = value + _UNITS[follow], used + 1
        end = words[i + used - 1].end()
        pieces.append(_Piece(str(value) if value < 10 else f"{value:02d}", start, end))
        i += used
    return pieces


def _runs(text: str) -> list[list[re.Match]]:
    """Pieces of numbers that follow each other with only a small gap between them."""
    runs, current = [], []
    for match in _PIECE.finditer(text):
        if current and not _GAP.fullmatch(text, current[-1].end(), match.start()):
            runs.append(current)
            current = []
        current.append(match)
    if current:
        runs.append(current)
    return runs


def _pieces(run: list[re.Match]) -> list[_Piece]:
    pieces: list[_Piece] = []
    words: list[re.Match] = []
    for match in [*run, None]:
        if match is not None and match.lastgroup == "word":
            words.append(match)
            continue
        if words:
            pieces.extend(_word_pieces(words))
            words = []
        if match is None:
            break
        if match.lastgroup == "prefix":
            code = re.sub(r"\D", "", match.group())
            pieces.append(_Piece("+" + code, match.start(), match.end(), is_prefix=True))
        elif match.lastgroup == "zero":
            pieces.append(_Piece("", match.start(), match.end(), is_zero=True))
        else:
            digits = match.group().replace("o", "0").replace("O", "0")
            pieces.append(_Piece(digits, match.start(), match.end()))
    return pieces


def _phone_end(pieces: list[_Piece], first: int) -> int | None:
    """The index of the last piece of a phone number starting at ``first``, or None."""
    head = pieces[first]
    if head.is_prefix:
        code = head.digits[1:]
        national = ""
        for last in range(first + 1, len(pieces)):
            national += pieces[last].digits
            if code == "33":
                candidate = "0" + (national[1:] if national.startswith("0") else national)
                if _FRENCH.fullmatch(candidate):
                    return last
                if len(candidate) > 10:
                    return None
            else:
                total = len(code) + len(national)
                nxt = pieces[last + 1].digits if last + 1 < len(pieces) else ""
                if 10 <= total <= 13 and (not nxt or total + len(nxt) > 13):
                    return last
                if total > 13:
                    return None
        return None
    if not head.digits.startswith("0"):
        return None
    number = ""
    for last in range(first, len(pieces)):
        if pieces[last].is_prefix or pieces[last].is_zero:
            return None
        number += pieces[last].digits
        if number.startswith("0033"):
            candidate = "0" + number[4:].removeprefix("0")
            if _FRENCH.fullmatch(candidate):
                return last
            if len(candidate) > 10:
                return None
            continue
        if len(number) >= 10:
            return last if _FRENCH.fullmatch(number) else None
    return None


def _find_phones(text: str) -> list[ContactDetail]:
    dates = [(m.start(), m.end()) for m in _DATE.finditer(text)]
    found = []
    for run in _runs(text):
        pieces = _pieces(run)
        first = 0
        while first < len(pieces):
            last = _phone_end(pieces, first)
            if last is None:
                first += 1
                continue
            start, end = pieces[first].start, pieces[last].end
            if any(s < end and start < e for s, e in dates):
                first += 1
                continue
            found.append(ContactDetail(PHONE, start, end, text[start:end]))
            first = last + 1
    return found


# --- The one entry point ---------------------------------------------------------------


def find_contact_details(text: str) -> list[ContactDetail]:
    """Phone numbers and e-mail addresses in ``text``, in order, never overlapping
    (an address wins over digits inside it)."""
    if not text:
        return []
    emails = _find_emails(text)
    phones = [
        phone
        for phone in _find_phones(text)
        if not any(e.start < phone.end and phone.start < e.end for e in emails)
    ]
    kept: list[ContactDetail] = []
    for detail in sorted(emails + phones, key=lambda d: (d.start, -(d.end - d.start))):
        if kept and detail.start < kept[-1].end:
            if detail.end > kept[-1].end and detail.kind == kept[-1].kind:
                last = kept[-1]
                kept[-1] = ContactDetail(
                    last.kind, last.start, detail.end, text[last.start : detail.end]
                )
            continue
        kept.append(detail)
    return kept


def mask_contact_details(text: str) -> tuple[str, list[ContactDetail]]:
    """``text`` with every phone number and e-mail address replaced by « [numéro
    masqué] » / « [adresse masquée] », and what was found (empty: nothing changed)."""
    found = find_contact_details(text or "")
    if not found:
        return text, []
    parts, position = [], 0
    for detail in found:
        parts.append(text[position : detail.start])
        parts.append(MASKS[detail.kind])
        position = detail.end
    parts.append(text[position:])
    return "".join(parts), found


def has_contact_details(text: str) -> bool:
    return bool(find_contact_details(text))


# --- What the tenant is told ---------------------------------------------------------------

# Shown with every form whose text reaches another tenant (before sending).
MASKING_NOTICE = _lazy(
    "Les numéros de téléphone et les adresses électroniques écrits ici seront masqués "
    "(remplacés par « [numéro masqué] » ou « [adresse masquée] ») : la bourse ne "
    "transmet vos coordonnées que si vous le décidez, avec « Partager mon numéro » "
    "dans une conversation."
)
# The listing's description is published: nothing in it is ever shared.
PUBLISHED_NOTICE = _lazy(
    "Les numéros de téléphone et les adresses électroniques écrits ici seront masqués "
    "(remplacés par « [numéro masqué] » ou « [adresse masquée] ») : votre annonce est "
    "lue par de nombreux locataires, vos coordonnées n’y sont jamais publiées."
)


def masked_notice(found) -> str:
    """The sentence shown after saving a text in which details were masked ("" if none)."""
    phones = sum(1 for detail in found if detail.kind == PHONE)
    emails = sum(1 for detail in found if detail.kind == EMAIL)
    if not phones and not emails:
        return ""
    parts = []
    if phones:
        parts.append(
            ngettext("%(n)s numéro de téléphone", "%(n)s numéros de téléphone", phones)
            % {"n": phones}
        )
    if emails:
        parts.append(
            ngettext("%(n)s adresse électronique", "%(n)s adresses électroniques", emails)
            % {"n": emails}
        )
    return _("Pour protéger vos coordonnées, nous avons masqué %(what)s dans votre texte.") % {
        "what": _(" et ").join(parts)
    }
