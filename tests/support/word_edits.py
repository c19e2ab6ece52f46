"""Edits of a built DOCX as the other side makes them in Word: words replaced, or tracked as Word tracks them."""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"


def mark(kind: str, author: str, date: str | None, ident: int) -> etree._Element:
    """A tracked-change element (``w:ins``, ``w:del``, ``w:rPrChange`` ...) by ``author`` on ``date``."""
    element = etree.Element(f"{W}{kind}")
    element.set(f"{W}id", str(ident))
    element.set(f"{W}author", author)
    if date:
        element.set(f"{W}date", date)
    return element


def _run(rpr: etree._Element | None, text: str, tag: str = "t") -> etree._Element:
    r = etree.Element(f"{W}r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, f"{W}{tag}")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def track(document: bytes, old: str, new: str, author: str, date: str | None, after: str | None,
          ident: int) -> bytes:
    """``document.xml`` with one edit tracked as Word tracks it: the run is cut, the old words go into a
    ``w:del`` (as ``w:delText``), the new ones into a ``w:ins``, both by ``author`` on ``date``."""
    root = etree.fromstring(document)
    needle = old or after
    assert needle
    t = next(t for t in root.iter(f"{W}t") if needle in (t.text or ""))
    r = t.getparent()
    rpr = r.find(f"{W}rPr")
    text = t.text or ""
    start = text.index(needle) + (len(needle) if not old else 0)
    before, rest = text[:start], text[start + len(old):]
    pieces: list[etree._Element] = [_run(rpr, before)]
    if old:
        deleted = mark("del", author, date, ident)
        deleted.append(_run(rpr, old, "delText"))
        pieces.append(deleted)
    if new:
        inserted = mark("ins", author, date, ident + 1)
        inserted.append(_run(rpr, new))
        pieces.append(inserted)
    pieces.append(_run(rpr, rest))
    for piece in pieces:
        r.addprevious(piece)
    r.getparent().remove(r)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def with_member(docx: bytes, name: str, edit) -> bytes:
    """``docx`` with its part ``name`` passed through ``edit`` (bytes to bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info, edit(data) if info.filename == name else data)
    return out.getvalue()


def member(docx: bytes, name: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read(name)


def replaced(docx: bytes, *pairs: tuple[str, str]) -> bytes:
    """``docx`` with each old text replaced by the new one wherever a run holds it, as Find and Replace does
    (each old text must be there)."""
    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        for old, new in pairs:
            assert old in text, old
            text = text.replace(old, new)
        return text.encode("utf-8")
    return with_member(docx, "word/document.xml", edit)
