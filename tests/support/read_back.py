"""Reading built files back as a reader sees them: a DOCX's text, a PDF's text and its language columns."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

import docx
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

#: The template's page margins: the header sits in the top 2.8 cm and the footer in the bottom 3.2 cm.
_CM = 72 / 2.54
HEADER_CM, FOOTER_CM = 2.8, 3.2


def pdf_texts(data: bytes) -> tuple[str, str, str]:
    """The whole text, then the left and the right half of each page's body (the two language columns).

    The columns leave out the page header and footer, so that a text running over a page break reads as one.
    """
    whole, left, right = [], [], []
    for page in PdfReader(io.BytesIO(data)).pages:
        middle = float(page.mediabox.width) / 2
        top, bottom = float(page.mediabox.height) - HEADER_CM * _CM, FOOTER_CM * _CM

        def visit(text, cm, tm, font, size, middle=middle, top=top, bottom=bottom):
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if bottom - 2 <= y <= top + 2:
                (left if x < middle else right).append(text)

        whole.append(page.extract_text(visitor_text=visit))
    return "".join(whole), "".join(left), "".join(right)


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, headers and footers, one per line (tables and content controls included)."""
    document = docx.Document(io.BytesIO(data))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for part in parts for p in part.iter(qn("w:p")))


@dataclass
class Mark:
    """A clause, ad-hoc block or heading as the renderer marks it: a hidden bookmark over its paragraphs, and
    what the ``pkm-controls`` property says it holds."""

    name: str
    tag: str
    alias: str
    paragraphs: list = field(default_factory=list)


def controls_property(data: bytes) -> dict[str, list[str]]:
    """The ``pkm-controls`` custom property: bookmark name → [tag, alias]."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        custom = etree.fromstring(package.read("docProps/custom.xml"))
    for prop in custom:
        if prop.get("name") == "pkm-controls":
            return json.loads("".join(prop.itertext()))
    return {}


def marks(data: bytes, root=None) -> list[Mark]:
    """Each marked clause and heading of ``root`` (by default the body of ``data``), in document order, with
    the paragraph elements within its bookmark."""
    named = controls_property(data)
    if root is None:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            root = etree.fromstring(package.read("word/document.xml"))
    found: list[Mark] = []
    open_marks: dict[str, Mark] = {}
    for p in root.iter(qn("w:p")):
        for mark in p.iter(qn("w:bookmarkStart")):
            name = mark.get(qn("w:name"))
            if name in named:
                open_marks[mark.get(qn("w:id"))] = Mark(name, *named[name])
                found.append(open_marks[mark.get(qn("w:id"))])
        for mark in open_marks.values():
            mark.paragraphs.append(p)
        for end in p.iter(qn("w:bookmarkEnd")):
            open_marks.pop(end.get(qn("w:id")), None)
    return found
