"""Walking the agreement model for checks: paragraphs with their place and span, parameters with their types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..body import letters
from ..library import Library
from ..model import Agreement, Article, ClauseUse, Paragraph, Text
from ..syntax import Span


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
    if article.kind == "annex":
        return Text({"id": f"Lampiran {article.numeral}", "en": f"Annex {article.numeral}"})
    return Text({"id": f"Pasal {article.number}", "en": f"Article {article.number}"})


#: The units of the agreement last walked: every rule walks the same agreement, so it is walked once. Read and
#: written once per call (one name bound to one tuple), so two threads never get each other's units.
_walked: tuple[Agreement, tuple[TextUnit, ...]] | None = None


def text_units(agreement: Agreement) -> Iterator[TextUnit]:
    """Every paragraph and every item in document order, with its place and span."""
    global _walked
    walked = _walked
    if walked is None or walked[0] is not agreement:  # the model is frozen: same object, same units
        walked = (agreement, tuple(_walk(agreement)))
        _walked = walked
    return iter(walked[1])


def _walk(agreement: Agreement) -> Iterator[TextUnit]:
    for article in agreement.every_part():
        where = article_label(article)
        for use in article.clauses:
            span = use.span if use.span is not None else article.span
            for paragraph in use.paragraphs:
                if paragraph.number is not None:
                    label = Text({"id": f"{where['id']} ayat ({paragraph.number})",
                                  "en": f"{where['en']} paragraph ({paragraph.number})"})
                else:
                    label = where
                yield TextUnit(paragraph.text, Place(label, span), article, paragraph, use)
                for letter, item in zip(letters(len(paragraph.items)), paragraph.items):
                    item_label = Text({"id": f"{label['id']} huruf {letter}",
                                       "en": f"{label['en']} item ({letter})"})
                    yield TextUnit(item, Place(item_label, span), article, paragraph, use)


def locate(unit: TextUnit, lang: str, needle: str) -> Span | None:
    """Where ``needle`` (words of the unit's text in ``lang``) is written in the source: its line and column in
    an ad-hoc text block; the unit's span otherwise (a library clause's words are written in the library)."""
    use = unit.use
    if use is None or lang not in use.sources or not needle.strip():
        return unit.place.span
    span, raw = use.sources[lang]
    pattern = r"\s+".join(re.escape(word) for word in needle.split())
    match = re.search(pattern, raw)
    if match is None:
        return unit.place.span
    return span.at_offset(raw, match.start(), match.end() - match.start())


def clause_uses(agreement: Agreement) -> Iterator[tuple[Article, ClauseUse]]:
    """Every clause use, ad-hoc texts included, with its article, in document order."""
    return iter(agreement.uses())


def use_span(agreement: Agreement, article: Article, use: ClauseUse) -> Span | None:
    return use.span or article.span or agreement.span


def typed_params(use: ClauseUse, kind: str) -> dict[str, Any]:
    """The parameters of ``use`` whose declared type is ``kind`` (``money``, ``percent`` ...), with their
    (non-empty) values: the type comes with the value in the model, never from its name."""
    return {name: v.value for name, v in use.values.items() if v.type.kind == kind and v.value is not None}


def library_clauses_for(library: Library, section: str) -> list[str]:
    """Ids of library clauses with a usable version (approved, or a model text) for ``section``: what could fill
    it. Since no shipped clause is approved, a model text counts: else every hint said the library had none."""
    return sorted(cid for cid, versions in library.clauses.items()
                  if any(v.section == section and v.status in ("approved", "model") for v in versions))
