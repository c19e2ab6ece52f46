"""Limits on a resolved agreement that the renderers and checks rely on, reported before they run.

``pkm check``, ``pkm build``, ``pkm batch`` and ``pkm diff`` all refuse the same agreements: a title a PDF
bookmark cannot hold, and a run of digits longer than any number pkm-docs reads (Python turns at most 4,300
digits into an int; the checks read the numbers in paragraphs and references).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterator, Mapping

from .errors import Diagnostic, ERROR
from .model import Agreement, Article, Text
from .syntax import Span

#: Characters of a title in one language (the agreement's and each article's): each is a PDF bookmark, a
#: PDF string of at most 32,767 bytes, so about 8,000 characters at worst, uppercased.
MAX_TITLE_CHARS = 1_000

#: Digits in a row anywhere in an agreement's text (the parser reads figures of up to 1,000 digits).
MAX_DIGIT_RUN = 1_000

_DIGITS = re.compile(rf"\d{{{MAX_DIGIT_RUN + 1},}}")
CODE = "PKM039"


def limit_problems(agreement: Agreement) -> list[Diagnostic]:
    """A diagnostic per title that is too long and per text with a run of too many digits."""
    found: list[Diagnostic] = []
    titles = [("the title", agreement.title, agreement.span)]
    titles += [(_where(article), article.title, article.span or agreement.span)
               for article in agreement.every_part()]
    for what, text, span in titles:
        for lang, value in sorted(text.by_lang.items()):
            if len(value) > MAX_TITLE_CHARS:
                found.append(Diagnostic(CODE, ERROR, f"{what} is {len(value):,} characters long in `{lang}`; "
                                        f"titles are limited to {MAX_TITLE_CHARS:,} characters", span,
                                        "shorten it; a long description belongs in an article"))
    seen: set[str] = set()
    for value, span in _texts(agreement, agreement.span):
        run = _DIGITS.search(value)
        if run and run.group() not in seen:  # a number used in several texts is reported once, where it is first
            seen.add(run.group())
            found.append(Diagnostic(CODE, ERROR, f"a number of {len(run.group()):,} digits (`{run.group()[:12]}…`); "
                                    f"pkm-docs reads numbers of up to {MAX_DIGIT_RUN:,} digits", span,
                                    "write the number in full only if it is one; otherwise remove the digits"))
    return found


def _where(article: Article) -> str:
    if article.kind == "annex":
        return f"the title of annex {article.numeral}"
    if article.number is not None:
        return f"the title of article {article.number}"
    return f"the title of the {article.kind}"


def _texts(value: Any, span: Span | None) -> Iterator[tuple[str, Span | None]]:
    """Every string in the model with the span of the nearest object around it that has one."""
    if isinstance(value, str):
        yield value, span
    elif isinstance(value, Text):
        for text in value.by_lang.values():
            yield text, span
    elif (names := _field_names(type(value))) is not None:
        own = getattr(value, "span", None)
        span = own if isinstance(own, Span) else span
        for name in names:
            yield from _texts(getattr(value, name), span)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item, span)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item, span)


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass but its span, in order (None for any other class): found once per class, where
    ``dataclasses.fields`` per object took a fifth of a check of 5,000 articles."""
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls) if field.name != "span") \
            if dataclasses.is_dataclass(cls) else None
    return _FIELD_NAMES[cls]
