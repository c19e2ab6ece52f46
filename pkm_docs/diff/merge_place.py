"""``pkm merge``: text the other side typed outside every clause of the returned DOCX, placed into the source.

A paragraph typed outside the clauses' bookmarks stands, in one language's text, right after a clause or an
article's heading (``snapshot.OutsidePlace``, read by ``docx_read``). Paragraphs typed after a clause become an
ad-hoc text after that clause's use in the source; a heading Word numbers as an article ("Pasal 12") typed at
the end of an article, with the paragraphs after it, becomes a new ad-hoc article after that article's
declaration. The languages are paired in order: the first new article of the Indonesian text with the first
of the English, paragraph by paragraph. What was typed in one language only is written as it was typed and no
translation is made up: that text lacks the other language, which ``pkm check`` reports (PKM025) until it is
written. What cannot be written into a source (a hidden character, three quotation marks) or placed (a heading
in the middle of an article, or after the closing) stays outside, listed as not merged.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from ..body import letters
from ..model import ClauseUse, Text
from ..renderers.docx_revisions import INSERTED, MOVED_TO, ROW_INSERTED
from ..values import unsafe_character
from .changes import OUTSIDE_CLAUSES
from .model_diff import match_parts
from .snapshot import ADHOC, Draft, DraftClause, DraftParagraph, DraftPart, OutsidePlace
from .text_diff import normalize

if TYPE_CHECKING:
    from .merge import _Edit, _Merger

#: What ends a text block in a source: a returned text that holds it cannot be written into one.
TRIPLE = '"' * 3


@dataclass
class _Block:
    """A paragraph typed outside the clauses, with the items typed after it."""

    number: int | None
    text: str
    items: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [self.text, *(f"{mark}. {item}" for mark, item in zip(letters(len(self.items)), self.items))]


@dataclass
class _Piece:
    """What one place holds in one language: paragraphs (``title`` None) or a new article."""

    title: str | None
    blocks: list[_Block] = field(default_factory=list)


@dataclass
class Placed:
    """The texts placed: the source's edits, the returned draft as NEXT should build it, and the report."""

    edits: list[_Edit] = field(default_factory=list)  # texts in every language: NEXT builds them
    pending: list[_Edit] = field(default_factory=list)  # texts in one language only: written, NEXT does not build
    parts: tuple[DraftPart, ...] = ()  # the returned draft's parts with the texts of ``edits`` in their places
    consumed: set[int] = field(default_factory=set)  # indices into the returned draft's ``outside``
    lines: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what lacks a language
    refused: list[str] = field(default_factory=list)
    renumbered: dict[int, int] = field(default_factory=dict)  # an article's number as built -> in NEXT


def place_outside(merger: _Merger, base: Draft, pairs: Sequence[tuple[int, int, DraftClause]]) -> Placed:
    """The edits that write the text typed outside the clauses of ``merger.returned`` into the source."""
    from .merge import _Edit

    returned = merger.returned
    placed = Placed(parts=returned.parts)
    places = returned.outside_at
    if not any(places):
        return placed
    langs = merger.langs
    part_of = {j: i for i, j in match_parts(base.parts, returned.parts)}
    clause_of = {id(new): (i, k) for i, k, new in pairs}
    slots: dict[tuple[int, int], dict[str, list[tuple[int, OutsidePlace]]]] = {}
    for index, place in enumerate(places):
        if place is not None:
            slots.setdefault((place.part, place.clause), {}).setdefault(place.lang, []).append((index, place))
    parts = {j: list(part.clauses) for j, part in enumerate(returned.parts)}
    new_parts: dict[int, list[DraftPart]] = {}  # after returned part j
    every = merger.agreement.every_part()
    for (j, e), by_lang in slots.items():
        i = part_of.get(j)
        if i is None:
            continue
        if e >= 0:
            found = clause_of.get(id(returned.parts[j].clauses[e]))
            if found is None or found[0] != i:
                continue
            k = found[1]
        else:
            k = -1
        article = every[i]
        pieces = {lang: _pieces([p for _, p in by_lang.get(lang, ())]) for lang in langs}
        typed = [index for lang in langs for index, p in by_lang.get(lang, ()) if p.text]
        if not typed:
            continue  # only emptied numbers: as they are
        where = _where(article, merger)
        at_end = article.kind in ("article", "preamble") and (
            k == len(article.clauses) - 1 if e >= 0 else not article.clauses)
        articles = max(len(pieces[lang]) - 1 for lang in langs)
        if articles and not at_end:
            placed.refused.append(f"{where}: a heading typed after {_after(article, k)}, where no new article can "
                                  "stand (an article goes after an article's last clause); not placed")
            continue
        problem = _unsafe(pieces, langs)
        if problem:
            placed.refused.append(f"{where}: the text typed after {_after(article, k)} {problem}; it is not written "
                                  "into the source")
            continue
        leading = {lang: pieces[lang][0].blocks for lang in langs}
        anchor = _anchor(merger, article, k) if any(leading.values()) else None
        offset = _article_end(merger, article, every) if articles else None
        if (any(leading.values()) and anchor is None) or (articles and offset is None):
            placed.refused.append(f"{where}: the text typed after {_after(article, k)} has no place in "
                                  f"{merger.draft_path.name} to go (the clause is written in another file, or "
                                  "shares its line with the article); not placed")
            continue
        placed.consumed.update(index for lang in langs for index, _ in by_lang.get(lang, ()))
        # the paragraphs typed in the article (or the preamble, the closing) after the clause
        if anchor is not None:
            start, end, indent, tail = anchor
            both, one = _split(leading, langs)
            for blocks, complete in ((both, True), (one, False)):
                if not blocks:
                    continue
                text = _text_block(merger, blocks, langs, indent, f"typed after {_after(article, k)} in")
                edit = _Edit(start, end, "\n" + text + tail)
                if complete:
                    placed.edits.append(edit)
                    parts[j].insert(_position(parts[j], e, returned.parts[j].clauses), _clause(blocks, langs))
                    placed.lines.append(f"{where}: text typed after {_after(article, k)}, now ad-hoc text of {where}")
                else:
                    placed.pending.append(edit)
                    missing = [lang for lang in langs if not blocks.get(lang)]
                    placed.missing.append(f"{where}: text typed after {_after(article, k)} in {_names(blocks, langs)} "
                                          f"only: its {', '.join(missing)} text is missing")
        # new articles, after this one
        for n in range(1, articles + 1):
            assert offset is not None
            got = {lang: pieces[lang][n] for lang in langs if len(pieces[lang]) > n}
            title = {lang: (got[lang].title or "") if lang in got else "" for lang in langs}
            blocks = {lang: got[lang].blocks if lang in got else [] for lang in langs}
            complete = all(title.values()) and _complete(blocks, langs)
            written = _article(merger, title, _split(blocks, langs), langs)
            edit = _Edit(offset, offset, written + "\n\n" if article.kind == "preamble" else "\n\n" + written)
            label = title[langs[0]] or next((t for t in title.values() if t), "")
            if complete:
                placed.edits.append(edit)
                new_parts.setdefault(j, []).append(DraftPart(
                    "article", None, {lang: normalize(title[lang]) for lang in langs},
                    (_clause(blocks, langs),) if any(blocks.values()) else ()))
                placed.lines.append(f"a new article \"{label}\" after {where}, as ad-hoc text")
            else:
                placed.pending.append(edit)
                lacking = [f"its {lang} title" for lang in langs if not title[lang]]
                lacking += [f"its {lang} text" for lang in langs if not blocks[lang] and any(blocks.values())]
                lacking += [f"the {lang} of its paragraph{'s' if len(blocks[lang]) - count > 1 else ''} "
                            f"{', '.join(str(n) for n in range(count + 1, len(blocks[lang]) + 1))}"
                            for count in [min(len(b) for b in blocks.values())] for lang in langs
                            if blocks[lang] and len(blocks[lang]) > count and count]
                placed.missing.append(f"a new article \"{label}\" after {where}: "
                                      f"{', '.join(lacking) or 'its paragraphs differ between the languages'} "
                                      f"{'is' if len(lacking) == 1 else 'are'} missing")
    out: list[DraftPart] = []
    for j, part in enumerate(returned.parts):
        out.append(dataclasses.replace(part, clauses=tuple(parts[j])))
        out.extend(new_parts.get(j, ()))
    placed.parts = tuple(out)
    added = 0
    for j, part in enumerate(returned.parts):  # the articles after a new one: one number more, each
        if part.kind == "article" and part.number is not None and added:
            placed.renumbered[part.number] = part.number + added
        added += len(new_parts.get(j, ()))
    return placed


def renumbered_references(parts: Sequence[DraftPart], uses: Mapping[int, ClauseUse], labels: Mapping[str, str],
                          renumbered: Mapping[int, int]) -> tuple[DraftPart, ...]:
    """``parts`` (the returned draft's) with each cross-reference to an article, in a clause the other side left
    as it was (``uses``: the clause's id -> its use in the draft), as NEXT prints it: Word renumbers a reference
    field (``{ref.KEY}``, "Pasal 7") only when the fields are updated, and the file may still show the number
    the article had before an article was typed in above it."""
    if not renumbered:
        return tuple(parts)
    out = []
    for part in parts:
        clauses = []
        for clause in part.clauses:
            use = uses.get(id(clause))
            targets = {ref.article for p in use.paragraphs for ref in p.refs} if use is not None else set()
            if targets & set(renumbered):
                def moved(match: re.Match[str], targets: set[int] = targets) -> str:
                    number = int(match.group(2))
                    return f"{match.group(1)} {renumbered.get(number, number)}" if number in targets else \
                        match.group(0)
                clause = dataclasses.replace(clause, paragraphs=tuple(
                    dataclasses.replace(p, text={lang: re.sub(rf"({re.escape(labels[lang])}) ([0-9]+)\b", moved, text)
                                                 if lang in labels else text for lang, text in p.text.items()})
                    for p in clause.paragraphs))
            clauses.append(clause)
        out.append(dataclasses.replace(part, clauses=tuple(clauses)))
    return tuple(out)


# ---- reading the places ----------------------------------------------------------------------------------


def _pieces(places: Sequence[OutsidePlace]) -> list[_Piece]:
    """One language's paragraphs at one place: those before the first heading, then each new article."""
    pieces = [_Piece(None)]
    for place in places:
        if place.heading:
            pieces.append(_Piece(place.text))
        elif not place.text:
            continue  # an emptied paragraph, only its number left: what the other language did not type
        elif place.item is not None and pieces[-1].blocks:
            pieces[-1].blocks[-1].items.append(place.text)
        else:
            pieces[-1].blocks.append(_Block(place.number, place.text))
    return pieces


def _split(blocks: Mapping[str, list[_Block]], langs: Sequence[str]) -> tuple[dict, dict]:
    """The paragraphs typed in every language (paired in order), and those typed in some only."""
    count = min(len(blocks.get(lang, ())) for lang in langs)
    both = {lang: blocks[lang][:count] for lang in langs} if count else {}
    one = {lang: blocks[lang][count:] for lang in langs if len(blocks.get(lang, ())) > count}
    if both and not _complete(both, langs):
        return {}, {lang: blocks[lang] for lang in langs if blocks.get(lang)}
    return both, one


def _complete(blocks: Mapping[str, list[_Block]], langs: Sequence[str]) -> bool:
    """Every language has the same paragraphs (numbered alike, as many items)."""
    return all(_same_shape(blocks, lang, langs) for lang in langs)


def _same_shape(blocks: Mapping[str, list[_Block]], lang: str, langs: Sequence[str]) -> bool:
    shape = lambda of: [(b.number is None, len(b.items)) for b in blocks.get(of, ())]  # noqa: E731
    return all(shape(lang) == shape(other) for other in langs)


def _unsafe(pieces: Mapping[str, list[_Piece]], langs: Sequence[str]) -> str | None:
    for lang in langs:
        for piece in pieces[lang]:
            for text in [piece.title or "", *(line for b in piece.blocks for line in b.lines())]:
                problem = unsafe_character(text)
                if problem:
                    return f"in {lang} {problem}"
                if TRIPLE in text:
                    return f"in {lang} holds three quotation marks, which end a text block"
    return None


# ---- writing the source ----------------------------------------------------------------------------------


def comment_text(text: str) -> str:
    """``text`` as it may stand in a ``# pkm merge:`` comment of the source: one line, printable characters only. An
    author's name or a file name is the other side's to write: a line break in it would end the comment and
    put what follows into the source as DSL."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _typed_by(merger: _Merger) -> str:
    """Who typed the text outside the clauses: the authors of the tracked changes there, else the file's."""
    tracked = merger.returned.tracked.changes if merger.returned.tracked is not None else ()
    found = [c for c in tracked if c.where == OUTSIDE_CLAUSES and c.kind in (INSERTED, MOVED_TO, ROW_INSERTED)]
    if found:
        return comment_text(", ".join(dict.fromkeys(f"{c.author} ({c.day})" if c.day else c.author
                                                    for c in found))) + " (tracked changes)"
    return merger.authors


def _names(blocks: Mapping[str, list[_Block]], langs: Sequence[str]) -> str:
    return ", ".join(lang for lang in langs if blocks.get(lang))


def _body(blocks: Sequence[_Block]) -> str:
    """Paragraphs as ad-hoc body markup: ``(1)`` before each numbered one (the build continues the article's
    numbers), ``a.`` items, braces doubled."""
    out, number = [], 0
    for block in blocks:
        lines = [line.replace("{", "{{").replace("}", "}}") for line in block.lines()]
        if block.number is not None:
            number += 1
            lines[0] = f"({number}) {lines[0]}"
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _text_block(merger: _Merger, blocks: Mapping[str, list[_Block]], langs: Sequence[str], indent: str,
                what: str | None) -> str:
    typed = [lang for lang in langs if blocks.get(lang)]
    missing = [lang for lang in langs if lang not in typed]
    lines = []
    if what is not None:
        lines.append(f"{indent}# pkm merge: {what} {merger.returned_name} by {_typed_by(merger)}; it is not "
                     "vetted text")
    if missing:
        lines.append(f"{indent}# pkm merge: typed in {', '.join(typed)} only; write the {', '.join(missing)} text "
                     "(until then `pkm check` reports PKM025)")
    lines.append(f"{indent}text {{")
    for lang in typed:
        lines.append(f'{indent}  {lang}: """')
        lines.extend(f"{indent}    {line}" if line else "" for line in _body(blocks[lang]).split("\n"))
        lines.append(f'{indent}    """')
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def _article(merger: _Merger, title: Mapping[str, str], texts: tuple[dict, dict], langs: Sequence[str]) -> str:
    """A new article's declaration, its title in each language typed (an empty string where none was), and its
    text: what was typed in every language, then what was typed in some only."""
    from .merge import _quoted, _text_literal

    heading = _text_literal(Text({lang: title[lang] for lang in langs}), langs) if all(title.values()) else \
        " / ".join(_quoted(title[lang]) for lang in langs)
    lines = [f"# pkm merge: an article typed in {merger.returned_name} by {_typed_by(merger)}; it is not "
             "vetted text"]
    no_title = [lang for lang in langs if not title[lang]]
    if no_title:
        lines.append(f"# pkm merge: its {', '.join(no_title)} title was not typed; write it")
    lines.append(f"article {heading} {{")
    for blocks in texts:
        if any(blocks.values()):
            lines.append(_text_block(merger, {lang: b for lang, b in blocks.items() if b}, langs, "  ", None))
    lines.append("}")
    return "\n".join(lines)


def _anchor(merger: _Merger, article, k: int) -> tuple[int, int, str, str] | None:
    """Where in the source a text after clause ``k`` of ``article`` goes (-1: before its first clause): the range
    the text (after a line break) replaces, its indent and what follows it."""
    index, text = merger.index, merger.text
    use = article.clauses[k] if k >= 0 else article.clauses[0] if article.clauses else None
    if use is None or use.span is None or use.span.file != merger.index_file:
        return None
    start, end = index.range(use.span)
    line = index.starts[use.span.line - 1]
    prefix = text[line:start]
    shared = bool(prefix.strip())  # `article { use annex.list@^1 }`
    indent = " " * (len(prefix) - len(prefix.lstrip()) + 2) if shared else prefix
    if k < 0:
        if shared:
            return None
        return line - 1, line - 1, indent, ""
    after = end
    while after < len(text) and text[after] == " ":
        after += 1
    if shared and text.startswith("}", after):  # the article's brace on the clause's line: below the text
        return end, after, indent, "\n" + " " * (len(prefix) - len(prefix.lstrip()))
    return end, end, indent, ""


def _article_end(merger: _Merger, article, every) -> int | None:
    """Where in the source a new article after ``article`` goes: after its declaration (after the preamble: before
    the first article's, at the start of its line)."""
    target = article
    if article.kind == "preamble":
        target = next((a for a in every if a.kind == "article"), None)
    if target is None or target.span is None or target.span.file != merger.index_file:
        return None
    if article.kind == "preamble":
        return merger.index.starts[target.span.line - 1]
    return merger.index.range(target.span)[1]


def _position(clauses: list[DraftClause], e: int, original: Sequence[DraftClause]) -> int:
    """Where in ``clauses`` (the part's, texts placed already) a text after the part's clause ``e`` goes."""
    if e < 0:
        return 0
    target = original[e]
    at = next(i for i, c in enumerate(clauses) if c is target)
    while at + 1 < len(clauses) and not any(c is clauses[at + 1] for c in original):
        at += 1  # after what was placed there already
    return at + 1


def _clause(blocks: Mapping[str, list[_Block]], langs: Sequence[str]) -> DraftClause:
    """The placed text as the returned draft holds it: ad-hoc text, paragraph by paragraph."""
    count = max(len(blocks.get(lang, ())) for lang in langs)
    paragraphs = []
    for index in range(count):
        got = {lang: blocks[lang][index] for lang in langs if index < len(blocks.get(lang, ()))}
        number = next((b.number for b in got.values() if b.number is not None), None)
        paragraphs.append(DraftParagraph(number, {lang: normalize("\n".join(got[lang].lines())) if lang in got else ""
                                                  for lang in langs}))
    return DraftClause(ADHOC, None, None, "ad-hoc", None, False, None, tuple(paragraphs))


def _where(article, merger: _Merger) -> str:
    from .merge import _where as where

    return where(article.kind, article.number, merger.langs[0])


def _after(article, k: int) -> str:
    if k < 0:
        return "its heading"
    use = article.clauses[k]
    return use.clause_id if use.vetted else "its ad-hoc text"
