"""The tracked changes a returned DOCX already holds (the other party's, made in Word with Track Changes on).

:func:`paragraph_revisions` and :func:`table_revisions` list the revision marks of one paragraph or one table
row: inserted and deleted text (``w:ins``, ``w:del``), moves (``w:moveFrom``, ``w:moveTo``), inserted or
deleted paragraph marks, formatting and property changes (``w:rPrChange``, ``w:pPrChange``, ``w:trPrChange``,
``w:tcPrChange``, ``w:tblPrChange``) and inserted or deleted table rows, each with its author, date and text.
``docx_read`` calls them as it walks the body, so each revision is placed in the clause it stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

INSERTED, DELETED, MOVED_FROM, MOVED_TO = "inserted", "deleted", "moved from", "moved to"
MARK_INSERTED, MARK_DELETED = "paragraph mark inserted", "paragraph mark deleted"
FORMATTING, PARAGRAPH_PROPERTIES = "formatting changed", "paragraph properties changed"
ROW_INSERTED, ROW_DELETED, TABLE_PROPERTIES = "row inserted", "row deleted", "table properties changed"

#: Run-level wrappers whose runs are the text of the revision.
_WRAPPERS = {f"{W}ins": INSERTED, f"{W}del": DELETED, f"{W}moveFrom": MOVED_FROM, f"{W}moveTo": MOVED_TO}

#: Longest text kept of one revision (a whole paragraph deleted is shortened).
MAX_TEXT = 500


@dataclass(frozen=True)
class Revision:
    """One tracked change: what kind, by whom, when (``w:date`` as written, "" when none) and its text.

    ``tag`` is the pkm-docs tag (``ControlTag`` text) of the clause it stands in, "" outside the clauses;
    ``region`` is ``body``, ``title block``, ``signature block``, ``header`` or ``footer``."""

    kind: str
    author: str
    date: str
    text: str
    tag: str = ""
    region: str = "body"

    @property
    def day(self) -> str:
        """The date without the time: ``2026-12-03``."""
        return self.date[:10]


def _text(element: etree._Element, skip: etree._Element | None = None) -> str:
    out = []
    for node in element.iter(f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}cr"):
        if skip is not None and _below(node, skip):
            continue
        if node.tag in (f"{W}t", f"{W}delText"):
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == f"{W}tab" else "\n")
    return _short("".join(out))


def _below(node: etree._Element, ancestor: etree._Element) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _revision(kind: str, mark: etree._Element, text: str) -> Revision:
    return Revision(kind, mark.get(f"{W}author", ""), mark.get(f"{W}date", ""), text)


def paragraph_revisions(p: etree._Element) -> list[Revision]:
    """The tracked changes of one paragraph in document order (not those of a text box inside it)."""
    out: list[Revision] = []
    ppr = p.find(f"{W}pPr")
    for element in p.iter(*_WRAPPERS, f"{W}rPrChange", f"{W}pPrChange"):
        if _in_text_box(element, p):
            continue
        parent = element.getparent()
        if element.tag in _WRAPPERS:
            if parent is not None and parent.tag == f"{W}rPr":
                if ppr is not None and parent.getparent() is ppr:  # the paragraph mark
                    kind = MARK_INSERTED if element.tag == f"{W}ins" else MARK_DELETED
                    out.append(_revision(kind, element, "¶"))
                continue  # a run's own w:ins/w:del in rPr is not written by Word for body text
            nested = [child for child in element if child.tag in _WRAPPERS]
            text = _text(element, nested[0]) if len(nested) == 1 else _text(element)
            if text or not nested:
                out.append(_revision(_WRAPPERS[element.tag], element, text))
        elif element.tag == f"{W}rPrChange":
            run = parent.getparent() if parent is not None else None
            out.append(_revision(FORMATTING, element, "¶" if run is ppr else _text(run) if run is not None else ""))
        else:
            out.append(_revision(PARAGRAPH_PROPERTIES, element, _text(p)))
    return out


def _in_text_box(element: etree._Element, p: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not p:
        if parent.tag in (f"{W}p", f"{W}txbxContent"):
            return True
        parent = parent.getparent()
    return False


def table_revisions(element: etree._Element) -> list[Revision]:
    """The tracked changes of a table (``w:tblPrChange``) or a row: inserted or deleted, its properties or
    its cells' properties changed."""
    out: list[Revision] = []
    if element.tag == f"{W}tbl":
        for change in element.findall(f"{W}tblPr/{W}tblPrChange") + element.findall(f"{W}tblGrid/{W}tblGridChange"):
            out.append(_revision(TABLE_PROPERTIES, change, ""))
        return out
    trpr = element.find(f"{W}trPr")
    row_text = _short(" | ".join(_text(tc) for tc in element.findall(f"{W}tc")))
    if trpr is not None:
        for mark in trpr:
            if mark.tag in (f"{W}ins", f"{W}del"):
                out.append(_revision(ROW_INSERTED if mark.tag == f"{W}ins" else ROW_DELETED, mark, row_text))
            elif mark.tag == f"{W}trPrChange":
                out.append(_revision(TABLE_PROPERTIES, mark, row_text))
    for change in element.findall(f"{W}tc/{W}tcPr/{W}tcPrChange"):
        out.append(_revision(TABLE_PROPERTIES, change, row_text))
    return out
