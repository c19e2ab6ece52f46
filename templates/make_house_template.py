"""Regenerate ``templates/house.docx``, the docxtpl house template of the DOCX renderer: ``python templates/make_house_template.py``."""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pkm_docs.renderers import docx_xml  # noqa: E402

OUTPUT = Path(__file__).resolve().parent / "house.docx"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

FONT = "Times New Roman"
BODY_SIZE = 11  # points
GREY = RGBColor(0x59, 0x59, 0x59)

#: Hanging indents: the number of a paragraph "(10)" and the letter of an item "a." hang this far.
NUMBER_HANG = Cm(0.8)
LETTER_HANG = Cm(0.6)

#: Table styles worth keeping from python-docx's default template (it carries a hundred more).
KEEP_TABLE_STYLES = ("Normal Table", "Table Grid")


def _paragraph_style(doc, name: str, *, align=None, bold: bool | None = None, italic: bool | None = None,
                     size: float | None = None, before: float = 0, after: float = 0, left=None, first_line=None,
                     tab=None, keep_next: bool = False, keep_together: bool = False) -> ParagraphStyle:
    """A quick-style paragraph style based on Normal (so a user's letterhead keeps its own font). A built-in
    style (``Heading 2``) is defined anew: its theme font, colour and spacing are dropped."""
    if name in {s.name for s in doc.styles}:
        style = doc.styles[name]
        for child in list(style.element):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                style.element.remove(child)
    else:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.next_paragraph_style = style
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.widow_control = True
    if left is not None:
        fmt.left_indent = left
    if first_line is not None:
        fmt.first_line_indent = first_line
    if tab is not None:
        fmt.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.LEFT)
    fmt.keep_with_next = keep_next or None
    fmt.keep_together = keep_together or None
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if size is not None:
        style.font.size = Pt(size)
    return style


def build() -> bytes:
    """The house template as DOCX bytes (deterministic)."""
    doc = Document()
    docx_xml.drop_related_parts(doc.part.package, RT.THUMBNAIL)
    docx_xml.drop_related_parts(doc.part, STYLES_WITH_EFFECTS)  # Word 2010's copy of the default styles
    docx_xml.set_doc_defaults(doc, FONT, BODY_SIZE * 2, "id-ID")
    for style in list(doc.styles):
        if style.type == WD_STYLE_TYPE.TABLE and style.name not in KEEP_TABLE_STYLES:
            docx_xml.remove_style(doc, style.name)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1

    just = WD_ALIGN_PARAGRAPH.JUSTIFY
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(doc, "PKM Title", align=centre, bold=True, size=12, keep_next=True)
    # article headings are Word's own "Heading 2", so that Word's navigation pane, pandoc and mammoth take them
    # for headings (they go by the style's name); restyled as a PKM heading: centred, bold, the body's font
    heading = _paragraph_style(doc, "Heading 2", align=centre, bold=True, before=10, after=6, keep_next=True,
                               keep_together=True)
    heading.next_paragraph_style = doc.styles["Normal"]
    outline = heading.element.get_or_add_pPr()
    level = outline.makeelement(qn("w:outlineLvl"), {qn("w:val"): "1"})
    outline.append(level)
    _paragraph_style(doc, "PKM Text", align=just, after=6)
    _paragraph_style(doc, "PKM Paragraph", align=just, after=6,
                     left=NUMBER_HANG, first_line=-NUMBER_HANG, tab=NUMBER_HANG)
    # items of a numbered paragraph: the letter under the paragraph's text (the renderer outdents the
    # items of an unnumbered paragraph by NUMBER_HANG)
    _paragraph_style(doc, "PKM Item", align=just, after=3, left=NUMBER_HANG + LETTER_HANG,
                     first_line=-LETTER_HANG, tab=NUMBER_HANG + LETTER_HANG)
    _paragraph_style(doc, "PKM Signature", align=centre, keep_next=True, keep_together=True)
    meterai = _paragraph_style(doc, "PKM Meterai", align=centre, size=7, keep_next=True, keep_together=True)
    meterai.font.color.rgb = GREY
    meterai.paragraph_format.line_spacing = 1.0
    docx_xml.set_style_border(meterai, val="dashed", size=6, space=6, vertical_space=15, color="808080")
    header = _paragraph_style(doc, "PKM Header", size=8.5, after=0)
    header.font.color.rgb = GREY
    docx_xml.set_style_border(header, val="single", size=4, space=4, color="808080", sides=("bottom",))
    footer = _paragraph_style(doc, "PKM Footer", align=centre, size=8.5, before=3)
    footer.font.color.rgb = GREY
    initials = _paragraph_style(doc, "PKM Initials", align=centre, size=6.5)
    initials.font.color.rgb = GREY
    initials.paragraph_format.line_spacing = 1.0

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4, as Word writes it
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.header_distance = Cm(1.25)
    section.footer_distance = Cm(1.0)

    head = section.header.paragraphs[0]
    head.style = doc.styles["PKM Header"]
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run("{{ number_label }} ")
    head.add_run("{{ number }}")

    section.footer.paragraphs[0].text = "{{p initials }}"  # the parties' initials boxes, from the renderer
    foot = section.footer.add_paragraph(style="PKM Footer")
    foot.add_run("{{ page_label }} ")
    docx_xml.add_field(foot, "PAGE")
    foot.add_run(" {{ of_label }} ")
    docx_xml.add_field(foot, "NUMPAGES")
    foot.add_run("{% if page_label_2 %}")
    foot.add_run(" / {{ page_label_2 }} ")
    docx_xml.add_field(foot, "PAGE")
    foot.add_run(" {{ of_label_2 }} ")
    docx_xml.add_field(foot, "NUMPAGES")
    foot.add_run("{% endif %}")

    doc.add_paragraph("{{p body }}")

    docx_xml.set_core_properties(doc, {
        "author": "pkm-docs", "last_modified_by": "pkm-docs", "language": "id-ID", "revision": 1,
        "comments": "pkm-docs house template (templates/make_house_template.py)",
        "created": datetime.datetime(2026, 1, 1), "modified": datetime.datetime(2026, 1, 1),
    })

    buffer = io.BytesIO()
    doc.save(buffer)
    return docx_xml.deterministic_zip(buffer.getvalue())


def main() -> int:
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
