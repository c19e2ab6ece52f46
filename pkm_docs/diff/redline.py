"""``pkm diff --redline OUT.docx``: NEW's document, as a build lays it out, with what changed since OLD as
native Word tracked changes.

Both drafts are rendered (or read, for DOCX input) and compared block by block: body paragraphs and table
rows are paired in order (equal ones first, then alike ones), paired paragraphs are compared word by word.
Text only in NEW is wrapped in ``w:ins``; OLD's text is copied in as ``w:del`` where it stood; whole
paragraphs and rows carry the mark on their paragraph mark or row. Accepting every change gives NEW's
text, rejecting every change gives OLD's. Headers and footers are compared the same way.

The redline is made on NEW's own XML. Changes already tracked in NEW (a returned DOCX: the other party's)
stay as they are, with their authors and dates: OLD is compared with what NEW shows when they are all
rejected, so ours mark only what differs beyond them, and a paragraph that does not differ is not touched.
Changes tracked in OLD count as made (they are accepted first).
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Callable, Sequence

import docx
from lxml import etree

from ..renderers.docx_xml import deterministic_zip
from . import redline_xml as x
from .changes import DEFAULT_AUTHOR
from .snapshot import Draft
from .text_diff import DELETE, EQUAL, INSERT, align, similarity, word_diff


#: How alike two paragraphs (or rows) must be to be shown as one edited rather than one deleted, one inserted.
THRESHOLD = 0.5

_KEPT = "kept"
_STORY_PART = re.compile(r"^/word/(header|footer)\d*\.xml$")


def redline_drafts(old: Draft, new: Draft, *, author: str = DEFAULT_AUTHOR,
                   date: datetime.date | None = None) -> bytes:
    """The redline of two drafts; the changes are dated ``date`` or else NEW's signing date."""
    when = date or new.signing_date or datetime.date(1980, 1, 1)
    return redline(_document(old), _document(new), author=author, date=when)


def _document(draft: Draft) -> bytes:
    if draft.document is not None:
        return draft.document
    assert draft.agreement is not None, "a draft holds an agreement or a document"
    from ..renderers.docx import render_docx
    return render_docx(draft.agreement)


def redline(old: bytes, new: bytes, *, author: str = DEFAULT_AUTHOR, date: datetime.date) -> bytes:
    """NEW's DOCX with every difference from OLD's DOCX as a tracked change by ``author`` on ``date``."""
    old_doc, new_doc = docx.Document(io.BytesIO(old)), docx.Document(io.BytesIO(new))
    stories = [(old_doc.element.body, new_doc.element.body)]
    old_parts = {str(part.partname): part for part in old_doc.part.package.iter_parts()}
    for part in new_doc.part.package.iter_parts():
        name = str(part.partname)
        if _STORY_PART.match(name) and name in old_parts and hasattr(part, "element"):
            stories.append((old_parts[name].element, part.element))
    for old_root, _ in stories:  # what OLD tracked counts as made; NEW's tracked changes stay
        x.accept_revisions(old_root)
    when = date if isinstance(date, datetime.datetime) else datetime.datetime.combine(date, datetime.time())
    revisions = x.Revisions(author, when, x.largest_id([new for _, new in stories]) + 1)
    redliner = _Redliner(revisions)
    for old_root, new_root in stories:
        redliner.blocks(x.blocks(old_root), x.blocks(new_root))
    x.track_revisions(new_doc.settings.element)
    buffer = io.BytesIO()
    new_doc.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _key(element: etree._Element) -> tuple:
    """What OLD shows of a paragraph or row (its tracked changes were accepted); a row's cells with the text of
    the tables nested in them (an annex's table in a language column)."""
    if element.tag == x.P:
        return ("p", x.paragraph_text(element))
    return ("tr", tuple(_cell_text(tc, x.paragraph_text) for tc in x.cells(element)))


def _cell_text(tc: etree._Element, text: Callable[[etree._Element], str]) -> str:
    """A cell's paragraphs, and the rows of a table nested in it, a line each."""
    return "\n".join(text(p) if p.tag == x.P else "\n".join(_cell_text(inner, text) for inner in x.cells(p))
                     for p in x.blocks(tc))


def _units(elements: Sequence[etree._Element]) -> list[list[etree._Element]]:
    """NEW's paragraphs and rows as Reject All shows them: a paragraph whose mark another author inserted
    joins the next one, a row another author inserted goes (it is left as it is)."""
    units: list[list[etree._Element]] = []
    pending: list[etree._Element] = []
    for element in elements:
        if element.tag == x.TR and x.row_mark(element) == "ins":
            continue
        if element.tag == x.P and x.paragraph_mark(element) == "ins":
            pending.append(element)
            continue
        if element.tag == x.P:
            units.append(pending + [element])
        else:
            units.extend([[p] for p in pending] + [[element]])
        pending = []
    if pending:
        units.append(pending)
    return units


def _unit_key(unit: Sequence[etree._Element]) -> tuple:
    """What NEW shows of a unit when every tracked change in it is rejected."""
    if unit[0].tag == x.P:
        return ("p", "".join(x.reject_text(p) for p in unit))
    return ("tr", tuple(_cell_text(tc, x.reject_text) for tc in x.cells(unit[0])))


def _text_of(key: tuple) -> str:
    return key[1] if key[0] == "p" else "\n".join(key[1])


def _alike(a: tuple, b: tuple) -> float:
    if a[0] != b[0] or (a[0] == "tr" and len(a[1]) != len(b[1])):
        return 0.0
    return similarity(_text_of(a), _text_of(b))


class _Redliner:
    def __init__(self, revisions: x.Revisions):
        self.revisions = revisions

    def blocks(self, old: Sequence[etree._Element], new_blocks: Sequence[etree._Element]) -> None:
        """Pair the paragraphs and rows of one story or cell and mark what differs."""
        new = _units(new_blocks)
        old_items = [(_key(e), e) for e in old]
        new_items = [(_unit_key(u), u) for u in new]
        pairs = align(old_items, new_items, key=lambda item: item[0],
                      similar=lambda a, b: _alike(a[0], b[0]), threshold=THRESHOLD)
        pairs = _pair_last(pairs, old, [u[-1] for u in new])
        following: list[etree._Element | None] = [None] * len(pairs)
        upcoming = None
        for index in range(len(pairs) - 1, -1, -1):
            following[index] = upcoming
            new_index = pairs[index][1]
            if new_index is not None:
                upcoming = new[new_index][0]
        done: list[tuple[etree._Element, str]] = []
        previous: etree._Element | None = None
        for index, (i, j) in enumerate(pairs):
            if i is not None and j is not None:
                (old_key, old_el), (new_key, unit) = old_items[i], new_items[j]
                if old_key != new_key:
                    self.changed(old_el, unit)
                done.append((unit[-1], _KEPT))
                previous = unit[-1]
            elif j is not None:
                for element in new[j]:
                    self.whole(element, "ins")
                done.append((new[j][-1], "ins"))
                previous = new[j][-1]
            else:
                assert i is not None
                copy = x.without_annotations(old[i])
                self.whole(copy, "del")
                self.place(copy, previous, following[index])
                done.append((copy, "del"))
                previous = copy
        self.move_final_mark(done)

    def changed(self, old: etree._Element, new: Sequence[etree._Element]) -> None:
        if old.tag == x.P:
            self.paragraph(old, new)
        else:
            for old_tc, new_tc in zip(x.cells(old), x.cells(new[0])):
                self.blocks(x.blocks(old_tc), x.blocks(new_tc))

    def whole(self, element: etree._Element, kind: str) -> None:
        """Mark a paragraph or a row inserted (NEW's: what it shows on Reject All, around the changes other
        authors tracked in it) or deleted (a copy of OLD's), all of it."""
        def runs(p: etree._Element) -> list[etree._Element]:
            return x.reject_pieces(p) if kind == "ins" else x.paragraph_runs(p)

        if element.tag == x.P:
            self.revisions.wrap(runs(element), kind)
            self.revisions.mark_paragraph(element, kind)
            return
        self.revisions.mark_row(element, kind)
        for tc in x.cells(element):
            paragraphs = [p for p in x.blocks(tc) if p.tag == x.P]
            for index, p in enumerate(paragraphs):
                self.revisions.wrap(runs(p), kind)
                if index < len(paragraphs) - 1:  # a cell's last paragraph mark stays
                    self.revisions.mark_paragraph(p, kind)

    def place(self, copy: etree._Element, previous: etree._Element | None, following: etree._Element | None) -> None:
        """Put OLD's deleted paragraph or row where it stood: after what precedes it in NEW, else before what
        follows; a paragraph next to a table goes outside the table."""
        if previous is not None and previous.tag == copy.tag:
            previous.addnext(copy)
        elif following is not None and following.tag == copy.tag:
            following.addprevious(copy)
        elif copy.tag == x.P and previous is not None:
            _table_of(previous).addnext(copy)
        elif copy.tag == x.P and following is not None:
            _table_of(following).addprevious(copy)
        else:  # a row with no row of NEW beside it: keep its text as deleted paragraphs
            anchor = previous if previous is not None else following
            paragraphs = [p for tc in x.cells(copy) for p in x.blocks(tc) if p.tag == x.P]
            for p in paragraphs:
                self.revisions.mark_paragraph(p, "del")
            if anchor is None:
                return
            for p in reversed(paragraphs) if previous is not None else paragraphs:
                if previous is not None:
                    previous.addnext(p)
                else:
                    following.addprevious(p)  # type: ignore[union-attr]

    def move_final_mark(self, done: list[tuple[etree._Element, str]]) -> None:
        """A story's or cell's last paragraph mark cannot go: when paragraphs are inserted or deleted at the
        end, mark the paragraph mark before them instead (as Word does)."""
        if not done or done[-1][1] == _KEPT or done[-1][0].tag != x.P:
            return
        kind = done[-1][1]
        start = len(done) - 1
        while start > 0 and done[start - 1][1] == kind and done[start - 1][0].tag == x.P:
            start -= 1
        if start == 0 or done[start - 1][1] != _KEPT or done[start - 1][0].tag != x.P:
            return
        self.revisions.mark_paragraph(done[start - 1][0], kind)
        self.revisions.mark_paragraph(done[-1][0], None)

    def paragraph(self, old: etree._Element, new: Sequence[etree._Element]) -> None:
        """Word-level changes inside one paragraph (NEW's as Reject All shows it: one paragraph, or several
        whose marks another author inserted), keeping each run's formatting and the changes tracked in it."""
        old_runs = x.paragraph_runs(old)
        new_runs = [piece for p in new for piece in x.reject_pieces(p)]
        old_texts, new_texts = [x.run_text(r) for r in old_runs], [x.piece_text(r) for r in new_runs]
        old_text, new_text = "".join(old_texts), "".join(new_texts)
        inserts: list[tuple[int, int]] = []
        deletes: list[tuple[int, int, int]] = []
        at_old = at_new = 0
        for seg in word_diff(old_text, new_text):
            size = len(seg.text)
            if seg.op == EQUAL:
                at_old, at_new = at_old + size, at_new + size
            elif seg.op == DELETE:
                deletes.append((at_new, at_old, at_old + size))
                at_old += size
            else:
                assert seg.op == INSERT
                inserts.append((at_new, at_new + size))
                at_new += size
        cuts = {c for span in inserts for c in span} | {d[0] for d in deletes}
        if any(not x.is_text_run(run) and offset < c < offset + len(text)
               for run, text, offset in _offsets(new_runs, new_texts) for c in cuts):
            # a cut inside another author's tracked change (or a field): the whole text is ours to replace,
            # their changes stay inside it
            inserts, deletes, cuts = [(0, len(new_text))], [(0, 0, len(old_text))], {0, len(new_text)}
        pieces: list[tuple[etree._Element, int, int]] = []
        for run, text, offset in _offsets(new_runs, new_texts):
            end = offset + len(text)
            if text and x.is_text_run(run):
                position = offset
                for piece in x.split_run(run, [c - offset for c in cuts if offset < c < end]):
                    size = len(x.run_text(piece))
                    pieces.append((piece, position, position + size))
                    position += size
            else:
                pieces.append((run, offset, end))
        for position, start, stop in deletes:
            if start == stop:
                continue
            wrapper = self.revisions.mark("del")
            wrapper.extend(_slice_runs(old_runs, old_texts, start, stop))
            anchor = next((piece for piece, s, e in pieces if s >= position and e > s), None)
            if anchor is not None:
                anchor.addprevious(wrapper)
            elif pieces:
                last = next((piece for piece, s, e in reversed(pieces) if e > s), pieces[-1][0])
                last.addnext(wrapper)
            else:
                new[-1].append(wrapper)
        inserted = [piece for piece, s, e in pieces if e > s and any(a <= s and e <= b for a, b in inserts)]
        self.revisions.wrap(inserted, "ins")


def _offsets(runs: Sequence[etree._Element], texts: Sequence[str]) -> list[tuple[etree._Element, str, int]]:
    """Each run with its text and where that text starts."""
    out, offset = [], 0
    for run, text in zip(runs, texts):
        out.append((run, text, offset))
        offset += len(text)
    return out


def _slice_runs(runs: Sequence[etree._Element], texts: Sequence[str], start: int, stop: int) -> list[etree._Element]:
    """Deleted-text runs holding OLD's text from ``start`` to ``stop``, with OLD's formatting."""
    out = []
    offset = 0
    for run, text in zip(runs, texts):
        end = offset + len(text)
        a, b = max(start, offset), min(stop, end)
        if a < b:
            out.append(x.make_run(run.find(x.RPR), text[a - offset:b - offset], deleted=True))
        offset = end
    return out


def _table_of(element: etree._Element) -> etree._Element:
    """The table a row belongs to (the element itself for a paragraph)."""
    if element.tag != x.TR:
        return element
    parent = element.getparent()
    while parent is not None and parent.tag != x.TBL:
        parent = parent.getparent()
    return parent if parent is not None else element


def _pair_last(pairs: list[tuple[int | None, int | None]], old: Sequence[etree._Element],
               new: Sequence[etree._Element]) -> list[tuple[int | None, int | None]]:
    """Pair the last paragraphs of OLD and NEW when neither found a partner: a story or cell keeps its final
    paragraph mark, so its text is edited rather than deleted and inserted."""
    if not old or not new:
        return pairs
    last_old, last_new = len(old) - 1, len(new) - 1
    if old[last_old].tag != x.P or new[last_new].tag != x.P:
        return pairs
    if (last_old, None) not in pairs or (None, last_new) not in pairs:
        return pairs
    pairs = [pair for pair in pairs if pair != (last_old, None)]
    pairs[pairs.index((None, last_new))] = (last_old, last_new)
    return pairs
