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


# ---- text typed outside the clauses, as Word adds it -------------------------------------------------------


def _lang(p: etree._Element) -> str | None:
    """The language of a paragraph's runs (``id``, ``en``), as the renderer marks them."""
    found = p.find(f".//{W}rPr/{W}lang")
    return found.get(f"{W}val").split("-")[0] if found is not None else None


def _style(p: etree._Element) -> str | None:
    found = p.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else None


def _typed(template: etree._Element, text: str, heading: bool = False,
           tracked: tuple[str, str] | None = None) -> etree._Element:
    """A paragraph typed where ``template`` stands, in its style and list (Word's Enter, then typing): its
    paragraph properties and the first text run's character properties, none of its bookmarks or fields; with
    ``tracked`` (author, date), typed with Track Changes on (the text in a ``w:ins``)."""
    p = etree.Element(f"{W}p")
    ppr = template.find(f"{W}pPr")
    if ppr is not None:
        p.append(copy.deepcopy(ppr))
    rpr = next((r.find(f"{W}rPr") for r in template.iter(f"{W}r") if r.find(f"{W}t") is not None), None)
    if heading:  # our headings break the line after the number Word draws ("Pasal 12", then the title)
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}br")
    if text and tracked:
        inserted = mark("ins", *tracked, 900 + len(text))
        inserted.append(_run(rpr, text))
        p.append(inserted)
    elif text:
        p.append(_run(rpr, text))
    return p


def _blank(template: etree._Element) -> etree._Element:
    """An empty paragraph of running text (a cell left empty: the style of the title paragraphs, no number)."""
    p = etree.Element(f"{W}p")
    etree.SubElement(etree.SubElement(p, f"{W}pPr"), f"{W}pStyle").set(f"{W}val", "PKMText")
    return p


def _heading(root: etree._Element, article: int, lang: str) -> etree._Element:
    mark = next(m for m in root.iter(f"{W}bookmarkStart") if m.get(f"{W}name") == f"_PkmA{article}_{lang}")
    return mark.getparent()


def typed_article(docx: bytes, before: int, title: dict[str, str], paragraphs: dict[str, list[str]],
                  numbered_blanks: bool = False, tracked: tuple[str, str] | None = None) -> bytes:
    """``docx`` with a new article typed in Word before article ``before`` (its number as built): a heading in
    the article-heading style and list (Word numbers it "Pasal N" and every article after it one more), then
    its paragraphs in the paragraph style and list ("(1)", "(2)"). In the parallel layout as a row for the heading
    and a row for the paragraphs, each language in its own column (a language not given leaves its cell empty:
    with ``numbered_blanks``, as Word's Insert Row leaves it, an empty paragraph in the row's style and list, which
    shows its number only); in the sequential layout before that article in each language's text. ``tracked``:
    typed with Track Changes on, by that author on that date."""
    def edit(data: bytes) -> bytes:
        root = etree.fromstring(data)
        langs = ("id", "en")
        headings = {lang: _heading(root, before, lang) for lang in langs}
        first = headings["id"]
        if first.getparent().tag == f"{W}tc":  # parallel: rows of two cells
            heading_row = first.getparent().getparent()
            clause_row = heading_row.getnext()
            new_heading, new_clause = copy.deepcopy(heading_row), copy.deepcopy(clause_row)
            for row, template_row, is_heading in ((new_heading, heading_row, True), (new_clause, clause_row, False)):
                for cell, template_cell in zip(row.iter(f"{W}tc"), template_row.iter(f"{W}tc")):
                    template = template_cell.find(f"{W}p")
                    lang = _lang(template)
                    for p in cell.findall(f"{W}p"):
                        cell.remove(p)
                    texts = [title.get(lang, "")] if is_heading else paragraphs.get(lang, [])
                    texts = [t for t in texts if t]
                    for text in texts:
                        cell.append(_typed(template, text, heading=is_heading, tracked=tracked))
                    if not texts:
                        cell.append(_typed(template, "", heading=is_heading) if numbered_blanks else _blank(template))
            heading_row.addprevious(new_heading)
            heading_row.addprevious(new_clause)
        else:  # sequential: before the article's heading, in each language
            for lang, heading in headings.items():
                template = next(p for p in heading.itersiblings() if _style(p) == "PKMParagraph")
                if title.get(lang):
                    heading.addprevious(_typed(heading, title[lang], heading=True, tracked=tracked))
                for text in paragraphs.get(lang, []):
                    heading.addprevious(_typed(template, text, tracked=tracked))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_member(docx, "word/document.xml", edit)


def typed_paragraph(docx: bytes, article: int, texts: dict[str, str]) -> bytes:
    """``docx`` with a paragraph typed at the end of article ``article`` in each language given: Enter at the end
    of its last paragraph (outside the clause's bookmark, which ends before), then the text, in the same style
    and list (Word numbers it one more)."""
    def edit(data: bytes) -> bytes:
        root = etree.fromstring(data)
        for lang, text in texts.items():
            heading = _heading(root, article, lang)
            last, seen = None, False
            for p in root.iter(f"{W}p"):
                if p is heading:
                    seen = True
                    continue
                if not seen or _lang(p) != lang:
                    continue
                if _style(p) == _style(heading):
                    break  # the next article's heading
                last = p
            assert last is not None
            last.addnext(_typed(last, text))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return with_member(docx, "word/document.xml", edit)
