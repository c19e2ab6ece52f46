"""Walking the agreement model for checks: paragraphs with their place and span, parameters with their types."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator

from ..body import letters
from ..library import Library
from ..model import Agreement, Article, ClauseUse, Paragraph, Text
from ..syntax import Span
from ..values import DurationValue


@dataclass(frozen=True)
class Place:
    """Where a text sits, said the way a lawyer says it: ``Pasal 3 ayat (2) huruf b`` / ``Article 3 ...``."""

    label: Text
    span: Span | None


@dataclass(frozen=True)
class TextUnit:
    """One paragraph text or one item of an agreement, with its place."""

    text: Text
    place: Place
    article: Article
    paragraph: Paragraph
    use: ClauseUse | None


def article_label(article: Article) -> Text:
    if article.kind == "preamble":
        return Text({"id": "pembukaan", "en": "the opening"})
    if article.kind == "closing":
        return Text({"id": "penutup", "en": "the closing"})
    return Text({"id": f"Pasal {article.number}", "en": f"Article {article.number}"})


def _paragraph_uses(article: Article) -> list[ClauseUse | None]:
    """The clause use each paragraph came from.

    Paragraphs carry their clause id; ad-hoc text carries none, so each run of id-less paragraphs is matched
    to the next ad-hoc use, in order (two ad-hoc texts in a row are attributed to the first).
    """
    adhoc = iter([u for u in article.clauses if not u.vetted])
    by_id = {u.clause_id: u for u in reversed(article.clauses) if u.vetted}
    out: list[ClauseUse | None] = []
    current_adhoc: ClauseUse | None = None
    previous: str | None = "\x00"
    for paragraph in article.paragraphs:
        if paragraph.clause_id is None:
            if previous is not None:
                current_adhoc = next(adhoc, current_adhoc)
            out.append(current_adhoc)
        else:
            out.append(by_id.get(paragraph.clause_id))
        previous = paragraph.clause_id
    return out


#: The units of the agreement last walked: every rule walks the same agreement, so it is walked once.
_walked: tuple[Agreement, tuple[TextUnit, ...]] | None = None


def text_units(agreement: Agreement) -> Iterator[TextUnit]:
    """Every paragraph and every item in document order, with its place and span."""
    global _walked
    if _walked is None or _walked[0] is not agreement:  # the model is frozen: same object, same units
        _walked = (agreement, tuple(_walk(agreement)))
    return iter(_walked[1])


def _walk(agreement: Agreement) -> Iterator[TextUnit]:
    for article in agreement.all_parts():
        where = article_label(article)
        for paragraph, use in zip(article.paragraphs, _paragraph_uses(article)):
            span = use.span if use is not None and use.span is not None else article.span
            if paragraph.number is not None:
                label = Text({"id": f"{where['id']} ayat ({paragraph.number})",
                              "en": f"{where['en']} paragraph ({paragraph.number})"})
            else:
                label = where
            yield TextUnit(paragraph.text, Place(label, span), article, paragraph, use)
            for letter, item in zip(letters(len(paragraph.items)), paragraph.items):
                item_label = Text({"id": f"{label['id']} huruf {letter}", "en": f"{label['en']} item ({letter})"})
                yield TextUnit(item, Place(item_label, span), article, paragraph, use)


def clause_uses(agreement: Agreement) -> Iterator[tuple[Article, ClauseUse]]:
    for article in agreement.all_parts():
        for use in article.clauses:
            yield article, use


def use_span(agreement: Agreement, article: Article, use: ClauseUse) -> Span | None:
    return use.span or article.span or agreement.span


def param_kinds(use: ClauseUse, library: Library) -> dict[str, str]:
    """The declared type of each parameter of ``use`` (``money``, ``percent`` ...), read from the library.

    When the library no longer has the version (it should), the type is guessed from the value.
    """
    clause = next((c for c in library.versions_of(use.clause_id) if c.version_text == use.version), None)
    if clause is not None:
        return {p.name: p.type.kind for p in clause.params}
    return {name: _guess_kind(name, value) for name, value in use.params.items()}


def _guess_kind(name: str, value: Any) -> str:
    if isinstance(value, DurationValue):
        return "duration"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "percent" if name.endswith(("_share", "_percent", "_tranche")) else "money"
    if isinstance(value, tuple):
        return "list"
    return "text"


def typed_params(use: ClauseUse, library: Library, kind: str) -> dict[str, Any]:
    """The parameters of ``use`` declared as ``kind``, with their (non-empty) values."""
    kinds = param_kinds(use, library)
    return {name: value for name, value in use.params.items() if kinds.get(name) == kind and value is not None}


def library_clauses_for(library: Library, section: str) -> list[str]:
    """Ids of library clauses with an approved version for ``section``: what could fill it."""
    return sorted(cid for cid, versions in library.clauses.items()
                  if any(v.section == section and v.status == "approved" for v in versions))
