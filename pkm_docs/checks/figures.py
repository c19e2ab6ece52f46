"""What a text says in figures and defined terms, so two language versions can be compared.

``figures(text)`` reads amounts (``Rp1.000,00`` and ``IDR 1,000.00`` are the same Decimal), percentages,
dates (``01-12-2026``, ``2026-12-01``, ``1 Desember 2026``, ``1 December 2026``) and numbers written
``(2)`` or ``2 (dua)``. ``TermMatcher`` finds defined terms (party aliases, glossary terms), longest first,
so "PIHAK" is not found inside "PARA PIHAK".
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable

_NUM = r"\d(?:[\d.,]*\d)?"
_AMOUNT = re.compile(rf"(?:\bRp|\bIDR)\s?({_NUM})")
_PERCENT = re.compile(rf"(?<![\d.,])({_NUM})\s?(?:%|persen\b|percent\b|per\s+cent\b)")
_DMY = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\d-])")
_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_MONTHS = {
    **{name: i for i, name in enumerate(("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                         "September", "Oktober", "November", "Desember"), 1)},
    **{name: i for i, name in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                         "September", "October", "November", "December"), 1)},
}
#: month names of both languages, each to its number
MONTHS = _MONTHS
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_IN_PARENS = re.compile(r"\((\d+)\)")
#: "24 (dua puluh empat)", but not an article's number before its title: "Pasal 7 (Jangka Waktu)"
_BEFORE_WORDS = re.compile(r"(?<![\d.,/-])(?<!Pasal )(?<!Article )(\d+)\s+\((?=[^\d)\s])")

#: How each language writes numbers: (grouping separator, decimal separator).
_SEPARATORS = {"id": (".", ","), "en": (",", ".")}


def parse_number(token: str, lang: str | None = None) -> Decimal | None:
    """``1.000,50`` (id) or ``1,000.50`` (en) → ``Decimal('1000.50')``; None when it is not a number.

    The language's convention is used when the token fits it; otherwise the last separator is taken as the
    decimal point when it is followed by one or two digits (or both separators occur), else as grouping.
    """
    if lang in _SEPARATORS:
        group, point = _SEPARATORS[lang]
        pattern = rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+(?:{re.escape(point)}\d+)?|\d+(?:{re.escape(point)}\d+)?"
        if re.fullmatch(pattern, token):
            return _decimal(token.replace(group, "").replace(point, "."))
    seps = [i for i, ch in enumerate(token) if ch in ".,"]
    if not seps:
        return _decimal(token)
    last = seps[-1]
    mixed = len({token[i] for i in seps}) > 1
    if mixed or (len(token) - last - 1 in (1, 2) and token.count(token[last]) == 1):
        return _decimal(re.sub(r"[.,]", "", token[:last]) + "." + token[last + 1:])
    return _decimal(re.sub(r"[.,]", "", token))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date(year: str | int, month: str | int, day: str | int) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass(frozen=True)
class Figures:
    """The figures in one text, as sets (a figure repeated counts once)."""

    amounts: frozenset[Decimal]
    percents: frozenset[Decimal]
    dates: frozenset[datetime.date]
    numbers: frozenset[int]


_DIGIT = re.compile(r"\d")
_NO_FIGURES = Figures(frozenset(), frozenset(), frozenset(), frozenset())


@functools.lru_cache(maxsize=8192)  # a batch checks the same clause texts agreement after agreement
def figures(text: str, lang: str | None = None) -> Figures:
    """Amounts, percentages, dates and numbers in ``text`` (see the module docstring)."""
    if not _DIGIT.search(text):  # every figure has a digit; most clause texts have none
        return _NO_FIGURES
    rest = text

    def take(pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """The matches of ``pattern`` in what is left, each then blanked out so no later pattern sees it."""
        nonlocal rest
        found: list[re.Match[str]] = []

        def blank(m: re.Match[str]) -> str:
            found.append(m)
            return " " * (m.end() - m.start())

        rest = pattern.sub(blank, rest)
        return found

    lowered = text.lower()
    dashed = "-" in text
    money = "Rp" in text or "IDR" in text
    percent = "%" in text or "per" in lowered

    dates: set[datetime.date | None] = set()  # None: a date that does not exist, dropped below
    for m in take(_DMY) if dashed else ():
        dates.add(_date(m.group(3), m.group(2), m.group(1)))
    for m in take(_ISO) if dashed else ():
        dates.add(_date(m.group(1), m.group(2), m.group(3)))
    for m in take(_DAY_MONTH_YEAR):
        dates.add(_date(m.group(3), _MONTHS[m.group(2)], m.group(1)))
    for m in take(_MONTH_DAY_YEAR):
        dates.add(_date(m.group(3), _MONTHS[m.group(1)], m.group(2)))
    # amounts ignore the text's convention: an English text may keep "Rp10.000" in the Indonesian way
    amounts = {parse_number(m.group(1)) for m in (take(_AMOUNT) if money else ())}
    percents = {parse_number(m.group(1), lang) for m in (take(_PERCENT) if percent else ())}
    numbers = {int(n) for n in _IN_PARENS.findall(rest)} | {int(n) for n in _BEFORE_WORDS.findall(rest)}
    return Figures(
        frozenset(a.normalize() for a in amounts if a is not None),
        frozenset(p.normalize() for p in percents if p is not None),
        frozenset(d for d in dates if d is not None),
        frozenset(numbers),
    )


class TermMatcher:
    """Finds defined terms in a text, longest first, each masking what it covers.

    A term with two or more capital letters ("PARA PIHAK", "Komite Pengarah") is matched with its case; others
    ("ayat", "rencana kerja") in any case. ``plural=True`` (for English) also accepts a plural or singular
    form of the last word ("calendar day" for "calendar days", "paragraphs" for "paragraph").
    """

    def __init__(self, terms: Iterable[str], *, plural: bool = False):
        self.terms = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
        self._plural = plural
        self._keys = [(t, self._key(t, plural)) for t in self.terms]
        self._compiled: dict[str, re.Pattern[str]] = {}  # a term's expression, made when its key is first met
        self._find_cached = functools.lru_cache(maxsize=8192)(self._find)  # for texts met again

    @staticmethod
    def _key(term: str, plural: bool) -> str:
        """Lower-case text every match of ``term`` contains: its first word, less a plural's ending when the
        term is one word (a cheap test that spares the regular expression on most texts)."""
        words = term.split()
        first = words[0].lower()
        if plural and len(words) == 1:
            first = first[:-3] if len(first) > 3 else first[:1]
        return first

    @staticmethod
    def _compile(term: str, plural: bool) -> re.Pattern[str]:
        body = re.escape(term).replace(r"\ ", r"\s+")
        if plural and term[-1:].isalpha():
            if term.endswith("ies"):
                body = re.escape(term[:-3]) + "(?:y|ies)"
            elif term.endswith("s") and not term.endswith("ss"):
                body = re.escape(term[:-1]) + "(?:s|es)?"
            elif term.endswith("y"):
                body = re.escape(term[:-1]) + "(?:y|ies)"
            else:
                body += "(?:s|es)?"
            body = body.replace(r"\ ", r"\s+")
        flags = 0 if sum(ch.isupper() for ch in term) >= 2 else re.IGNORECASE
        return re.compile(rf"(?<!\w){body}(?!\w)", flags)

    def find(self, text: str) -> set[str]:
        """The terms that occur in ``text``."""
        return set(self._find_cached(text))

    def _find(self, text: str) -> frozenset[str]:
        rest = text
        lowered = text.lower()
        found: set[str] = set()
        for term, key in self._keys:
            if key not in lowered:
                continue
            pattern = self._compiled.get(term)
            if pattern is None:
                pattern = self._compiled[term] = self._compile(term, self._plural)
            if pattern.search(rest):
                found.add(term)
                rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
        return frozenset(found)


@functools.lru_cache(maxsize=64)
def term_matcher(terms: tuple[str, ...], plural: bool = False) -> TermMatcher:
    """A :class:`TermMatcher` shared by every check of the same terms (a batch checks many agreements)."""
    return TermMatcher(terms, plural=plural)


def english_core(term: str) -> str:
    """``the PARTIES`` → ``PARTIES``: an English term without its leading article."""
    return re.sub(r"^(?:the|a|an)\s+", "", term.strip())
