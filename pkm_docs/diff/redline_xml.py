"""The raw WordprocessingML of tracked changes (``w:ins``, ``w:del``, revision marks on paragraph marks and
table rows), kept in one thin layer under ``redline``; and a small reader that accepts or rejects them."""

from __future__ import annotations

import copy
import datetime
import itertools
from typing import Iterable, Iterator, cast

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from ..renderers.docx_xml import detach

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

P, R, T, TAB, BR, CR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
TBL, TR, TC = qn("w:tbl"), qn("w:tr"), qn("w:tc")
PPR, RPR, TRPR, TBLPREX = qn("w:pPr"), qn("w:rPr"), qn("w:trPr"), qn("w:tblPrEx")
INS, DEL, DEL_TEXT = qn("w:ins"), qn("w:del"), qn("w:delText")
MOVE_FROM, MOVE_TO = qn("w:moveFrom"), qn("w:moveTo")
INSTR_TEXT, DEL_INSTR_TEXT = qn("w:instrText"), qn("w:delInstrText")
SDT, SDT_CONTENT, TXBX = qn("w:sdt"), qn("w:sdtContent"), qn("w:txbxContent")
W_ID = qn("w:id")

#: Run children that hold text; a run with anything else (a field, a drawing) is kept whole, never split.
_TEXT_CHILDREN = frozenset({RPR, T, TAB, BR, CR})

#: Elements whose ``w:id`` must be unique in a document; dropped from OLD's text copied in as deleted.
_ANNOTATIONS = tuple(qn(f"w:{name}") for name in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd"))

#: CT_Settings children that come before ``w:trackRevisions`` (ECMA-376 schema order).
_BEFORE_TRACK_REVISIONS = tuple(qn(f"w:{name}") for name in (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors",
    "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate", "linkStyles",
    "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge", "revisionView"))


# -- reading runs and paragraphs ------------------------------------------------------------------------


_NOT_OWN_TEXT = frozenset({P, DEL, TXBX})  # a run below one of these is not live text of the paragraph


def _owner(element: etree._Element, tags: frozenset[str], stop: etree._Element) -> etree._Element | None:
    """The nearest ancestor of ``element`` with one of ``tags``, below ``stop``."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return parent
        parent = parent.getparent()
    return None


def paragraph_runs(p: etree._Element) -> list[etree._Element]:
    """The runs of a paragraph in order (inside hyperlinks and content controls too), not those of a text box
    and not text already deleted."""
    return [r for r in p.iter(R) if _owner(r, _NOT_OWN_TEXT, p) is None]


_SHOWN_ON_REJECT = frozenset({DEL, MOVE_FROM})
_GONE_ON_REJECT = frozenset({INS, MOVE_TO})


def reject_pieces(p: etree._Element) -> list[etree._Element]:
    """What Reject All shows of a paragraph, in order: its plain runs and, each whole, the ``w:del`` and
    ``w:moveFrom`` already tracked in it (another author's); text inserted or moved here is left out."""
    out: list[etree._Element] = []
    for r in p.iter(R):
        if _owner(r, frozenset({P, TXBX}), p) is not None:
            continue
        wrapper = _owner(r, _SHOWN_ON_REJECT | _GONE_ON_REJECT, p)
        if wrapper is None:
            out.append(r)
        elif wrapper.tag in _SHOWN_ON_REJECT and _owner(wrapper, _GONE_ON_REJECT, p) is None \
                and (not out or out[-1] is not wrapper):
            out.append(wrapper)
    return out


def piece_text(piece: etree._Element) -> str:
    """A run's text, or the deleted text of a ``w:del`` / ``w:moveFrom``."""
    return run_text(piece) if piece.tag == R else "".join(run_text(r) for r in piece.iter(R))


def reject_text(p: etree._Element) -> str:
    """A paragraph's text as Reject All shows it."""
    return "".join(piece_text(piece) for piece in reject_pieces(p))


def is_text_run(r: etree._Element) -> bool:
    return all(child.tag in _TEXT_CHILDREN for child in r)


def run_text(r: etree._Element) -> str:
    """A run's text: tabs as ``\\t``, line breaks as ``\\n``."""
    out = []
    for child in r:
        if child.tag in (T, DEL_TEXT):
            out.append(child.text or "")
        elif child.tag == TAB:
            out.append("\t")
        elif child.tag in (BR, CR):
            out.append("\n")
    return "".join(out)


def paragraph_text(p: etree._Element) -> str:
    return "".join(run_text(r) for r in paragraph_runs(p))


def blocks(root: etree._Element) -> list[etree._Element]:
    """The paragraphs and table rows of a story (body, header, cell) in order, not those nested in a cell
    or a text box below it."""
    out = []
    for element in root.iter(P, TR):
        if _owner(element, frozenset({TC, TXBX}), root) is None:
            out.append(element)
    return out


def cells(tr: etree._Element) -> list[etree._Element]:
    return [tc for tc in tr.iter(TC) if _owner(tc, frozenset({TC}), tr) is None]


# -- writing runs ---------------------------------------------------------------------------------------


def make_run(rpr: etree._Element | None, text: str, *, deleted: bool = False) -> etree._Element:
    """A run with a copy of ``rpr`` holding ``text`` (tabs and line breaks as their elements)."""
    run = OxmlElement("w:r")
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            t = OxmlElement("w:delText" if deleted else "w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = "".join(chunk)
            run.append(t)
            chunk.clear()

    for char in text:
        if char in "\t\n":
            flush()
            run.append(OxmlElement("w:tab" if char == "\t" else "w:br"))
        else:
            chunk.append(char)
    flush()
    return run


def split_run(r: etree._Element, cuts: Iterable[int]) -> list[etree._Element]:
    """Replace a text run by runs cut at the given offsets of its text (same formatting); returns them."""
    text = run_text(r)
    points = [0] + sorted(c for c in set(cuts) if 0 < c < len(text)) + [len(text)]
    if len(points) == 2:
        return [r]
    rpr = r.find(RPR)
    pieces = [make_run(rpr, text[a:b]) for a, b in itertools.pairwise(points)]
    for piece in pieces:
        r.addprevious(piece)
    detach(r)
    return pieces


def to_deleted(r: etree._Element) -> None:
    """Turn a run's text into deleted text (``w:delText``) in place."""
    for child in r:
        if child.tag == T:
            child.tag = DEL_TEXT
        elif child.tag == INSTR_TEXT:
            child.tag = DEL_INSTR_TEXT


def without_annotations(element: etree._Element) -> etree._Element:
    """A copy of OLD's content fit to be put into NEW: content controls unwrapped, bookmarks and comment
    ranges dropped (their ids would clash)."""
    element = copy.deepcopy(element)
    for mark in [e for e in element.iter(*_ANNOTATIONS)]:
        detach(mark)
    for sdt in list(element.iter(SDT)):
        content = sdt.find(SDT_CONTENT)
        for child in list(content) if content is not None else []:
            sdt.addprevious(child)
        detach(sdt)
    return element


# -- revision marks -------------------------------------------------------------------------------------


class Revisions:
    """Makes ``w:ins`` / ``w:del`` marks with one author and date and ids unique in the document."""

    def __init__(self, author: str, date: datetime.datetime, first_id: int = 1):
        self.author = author
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.first_id = self.next_id = first_id

    def mark(self, kind: str) -> etree._Element:
        """A new ``w:ins`` (kind ``ins``) or ``w:del`` element."""
        element = OxmlElement(f"w:{kind}")
        element.set(W_ID, str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def wrap(self, runs: list[etree._Element], kind: str) -> None:
        """Put each stretch of sibling runs into one ``w:ins`` / ``w:del``."""
        groups: list[list[etree._Element]] = []
        for r in runs:
            if groups and groups[-1][-1].getnext() is r:
                groups[-1].append(r)
            else:
                groups.append([r])
        for group in groups:
            wrapper = self.mark(kind)
            group[0].addprevious(wrapper)
            for r in group:
                if kind == "del":
                    to_deleted(r)
                wrapper.append(r)

    def ours(self, mark: etree._Element) -> bool:
        """Whether a revision mark was made by this object (ids from ``first_id`` on), not by another author."""
        ident = mark.get(W_ID, "")
        return ident.isdigit() and self.first_id <= int(ident) < self.next_id

    def mark_paragraph(self, p: etree._Element, kind: str | None) -> None:
        """Mark the paragraph mark inserted or deleted (``kind`` None removes our mark); another author's
        mark of the same kind stays as it is, one of the other kind stays beside ours."""
        ppr = p.find(PPR)
        if ppr is None:
            if kind is None:
                return
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        rpr = ppr.find(RPR)
        if rpr is not None:
            for old in rpr.findall(INS) + rpr.findall(DEL):
                if self.ours(old):
                    rpr.remove(old)
                elif old.tag == qn(f"w:{kind}"):
                    return  # already marked so by the other author
        if kind is None:
            return
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            successor = next((ppr.find(qn(t)) for t in ("w:sectPr", "w:pPrChange") if ppr.find(qn(t)) is not None),
                             None)
            if successor is not None:
                successor.addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0 if kind == "ins" else len(rpr.findall(INS)), self.mark(kind))

    def mark_row(self, tr: etree._Element, kind: str) -> None:
        """Mark a whole table row inserted or deleted."""
        trpr = tr.find(TRPR)
        if trpr is None:
            trpr = OxmlElement("w:trPr")
            before = tr.find(TBLPREX)
            if before is not None:
                before.addnext(trpr)
            else:
                tr.insert(0, trpr)
        change = trpr.find(qn("w:trPrChange"))
        if change is not None:
            change.addprevious(self.mark(kind))
        else:
            trpr.append(self.mark(kind))


def paragraph_mark(p: etree._Element) -> str | None:
    """``ins`` or ``del`` when the paragraph mark is tracked, else None."""
    rpr = p.find(f"{PPR}/{RPR}")
    if rpr is None:
        return None
    if rpr.find(INS) is not None:
        return "ins"
    if rpr.find(DEL) is not None:
        return "del"
    return None


def row_mark(tr: etree._Element) -> str | None:
    trpr = tr.find(TRPR)
    if trpr is None:
        return None
    return "ins" if trpr.find(INS) is not None else "del" if trpr.find(DEL) is not None else None


def largest_id(roots: Iterable[etree._Element]) -> int:
    """The largest numeric ``w:id`` in the given parts (revision ids must not reuse one)."""
    found = [0]
    for root in roots:
        ids = cast("list[str]", etree.XPath("//@w:id", namespaces={"w": W_NS})(root))  # attribute values
        found.extend(int(v) for v in ids if str(v).lstrip("-").isdigit())
    return max(found)


def track_revisions(settings: etree._Element) -> None:
    """Turn on Track Changes for whoever edits the document next."""
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    element = OxmlElement("w:trackRevisions")
    before = [child for child in settings if child.tag in _BEFORE_TRACK_REVISIONS]
    if before:
        before[-1].addnext(element)
    else:
        settings.insert(0, element)


_REMOVED_ON_ACCEPT = tuple(qn(f"w:{name}") for name in (
    "del", "moveFrom", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblGridChange", "trPrChange", "tcPrChange",
    "numberingChange"))
_UNWRAPPED_ON_ACCEPT = (INS, qn("w:moveTo"))


def accept_revisions(root: etree._Element) -> None:
    """Accept every tracked change already in a story (a DOCX edited with Track Changes on), in place."""
    for tr in [tr for tr in root.iter(TR) if row_mark(tr) == "del"]:
        detach(tr)
    for p in [p for p in root.iter(P) if paragraph_mark(p) == "del"]:
        following = p.getnext()
        if following is not None and following.tag == P:  # the paragraph joins the next one
            anchor = following.find(PPR)
            for child in [c for c in p if c.tag != PPR]:
                if anchor is not None:
                    anchor.addnext(child)
                    anchor = child
                else:
                    following.insert(0, child)
                    anchor = child
            detach(p)
    for element in [e for e in root.iter(*_REMOVED_ON_ACCEPT)]:
        detach(element)
    for element in [e for e in root.iter(*_UNWRAPPED_ON_ACCEPT)]:
        parent = element.getparent()
        if parent is None or parent.tag in (RPR, TRPR):  # a mark on a paragraph mark or a row: just drop it
            if parent is not None:
                parent.remove(element)
            continue
        for child in list(element):
            element.addprevious(child)
        parent.remove(element)


# -- reading tracked changes back -----------------------------------------------------------------------


def tracked_paragraphs(root: etree._Element, mode: str) -> list[str]:
    """The paragraph texts of a story after accepting (``mode="accept"``) or rejecting (``"reject"``) every
    tracked change: a paragraph whose mark goes away joins the next one, a row that goes away is skipped."""
    if mode not in ("accept", "reject"):
        raise ValueError(mode)
    gone = "del" if mode == "accept" else "ins"
    out: list[str] = []
    carry: list[str] = []
    for p in _paragraphs(root, gone):
        text = []
        for r in paragraph_runs_all(p):
            if _owner(r, frozenset({DEL if gone == "del" else INS}), p) is not None:
                continue  # within a mark that goes (text inserted, then deleted by another, goes either way)
            text.append(run_text(r))
        if paragraph_mark(p) == gone:
            carry.extend(text)
        else:
            out.append("".join(carry + text))
            carry = []
    if carry:
        out.append("".join(carry))
    return out


def paragraph_runs_all(p: etree._Element) -> list[etree._Element]:
    """Every run of a paragraph, deleted text included."""
    return [r for r in p.iter(R) if _owner(r, frozenset({P, TXBX}), p) is None]


def _paragraphs(element: etree._Element, gone: str) -> Iterator[etree._Element]:
    for child in element:
        if child.tag == TR and row_mark(child) == gone:
            continue
        if child.tag == P:
            yield child
        elif child.tag != TXBX:
            yield from _paragraphs(child, gone)
