"""Reading built files back as a reader sees them: a DOCX's text, a PDF's text and its language columns."""

from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
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
