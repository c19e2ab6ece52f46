"""DOCX renderer: the agreement model becomes a python-docx subdoc inside a docxtpl template, returned as reproducible bytes."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path
from typing import Any, Iterator

from docx import Document as open_document
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree
from markupsafe import Markup

from ..body import letters
from ..errors import BuildError
from ..model import Agreement, Article, Paragraph, Party
from ..resources import resource_dir
from . import docx_xml

#: Layouts the renderer knows: "parallel" sets Indonesian and English side by side, paragraph by paragraph.
LAYOUTS = ("parallel",)

TEMPLATE_NAME = "house.docx"

#: The docxtpl placeholder a template must hold, alone in its paragraph, where the agreement goes.
BODY_PLACEHOLDER = "body"

#: The placeholder the draft mark goes through (added to every header when ``draft=True``).
DRAFT_PLACEHOLDER = "draft_label"

#: An optional ``{{p initials }}`` placeholder (the house footer has one) receives the parties' initials boxes.
INITIALS_PLACEHOLDER = "initials"

#: Paragraph styles the renderer uses; a user template lacking them gets them from the house template.
STYLE_PREFIX = "PKM "
TITLE = "PKM Title"
HEADING = "PKM Article Heading"
TEXT = "PKM Text"
PARAGRAPH = "PKM Paragraph"
ITEM = "PKM Item"
SIGNATURE = "PKM Signature"
METERAI = "PKM Meterai"
INITIALS = "PKM Initials"

#: Language tags for Word's spelling and hyphenation, by model language.
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}

#: Used only when a model carries no label of that name.
_FALLBACK_LABELS = {
    "article": {"id": "Pasal", "en": "Article"},
    "number": {"id": "Nomor", "en": "Number"},
    "page": {"id": "Halaman", "en": "Page"},
    "of": {"id": "dari", "en": "of"},
    "meterai": {"id": "Meterai Rp10.000", "en": "Rp10,000 duty stamp"},
    "between": {"id": "antara", "en": "between"},
    "and": {"id": "dan", "en": "and"},
    "draft": {"id": "RANCANGAN", "en": "DRAFT"},
    "initials": {"id": "Paraf", "en": "Initials"},
}

_GUTTER = Cm(0.35)  # padding on each side of the line between the language columns
_SIGNING_SPACE = Cm(2.7)
_METERAI_BOX = Cm(3.2)
_INITIALS_BOX = (Cm(2.8), Cm(1.1))  # width, height
_DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
_CORE_TEXT_LIMIT = 255  # Word's limit for a document property


def template_path() -> Path:
    """The house template shipped with pkm-docs."""
    return resource_dir("templates") / TEMPLATE_NAME


def render_docx(agreement: Agreement, *, template: Path | None = None, layout: str = "parallel",
                draft: bool = False) -> bytes:
    """The agreement as DOCX bytes: byte-identical for the same model and template."""
    if layout not in LAYOUTS:
        raise BuildError(f"unknown DOCX layout `{layout}`; known layouts: {', '.join(LAYOUTS)}")
    check_text(agreement)
    path = Path(template) if template is not None else template_path()
    tpl = _open_template(path, house=template is None)
    document = tpl.get_docx()
    try:
        subdoc = tpl.new_subdoc()
    except ImportError as exc:  # docxtpl's subdoc support is the optional extra docxtpl[subdoc]
        raise BuildError(f"DOCX output needs docxcompose (pip install 'docxtpl[subdoc]'): {exc}") from exc
    section = document.sections[-1]
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    _BodyBuilder(agreement, subdoc, width).build()
    initials = tpl.new_subdoc()
    if agreement.parties:
        _BodyBuilder(agreement, initials, width).initials()
    if draft:
        _add_draft_mark(document)
    context = template_context(agreement, str(subdoc), draft=draft)
    context[INITIALS_PLACEHOLDER] = docx_xml.inert_xml(str(initials) if agreement.parties else "")
    try:
        tpl.render(context, autoescape=True)
    except TemplateError as exc:
        raise BuildError(f"DOCX template {path}: {exc}") from exc
    except etree.XMLSyntaxError as exc:  # the template's own Jinja tags cut its XML apart
        raise BuildError(f"DOCX template {path} renders to broken XML (check its Jinja tags): {exc}") from exc
    _set_properties(document, agreement)
    buffer = io.BytesIO()
    try:
        tpl.save(buffer)
    except ValueError as exc:  # lxml refuses text XML cannot hold; check_text should have caught it
        raise BuildError(f"cannot write DOCX: {exc}") from exc
    return docx_xml.deterministic_zip(buffer.getvalue())


def check_text(agreement: Agreement) -> None:
    """Raise BuildError naming the first text of the model that holds a character XML cannot."""
    for where, text in _strings(agreement.to_data(), ""):
        bad = docx_xml.invalid_xml_char(text)
        if bad is not None:
            raise BuildError(
                f"cannot write DOCX: the text at `{where}` holds U+{ord(bad):04X}, a control character "
                f"a Word document cannot store: {text!r}"
            )


def template_context(agreement: Agreement, body_xml: str, *, draft: bool = False) -> dict[str, Markup]:
    """What a template's placeholders see: ``body`` and plain strings, all escaped and inert for docxtpl."""
    first = agreement.languages[0]
    second = agreement.languages[1] if len(agreement.languages) > 1 else None
    values = {
        "number": agreement.number,
        "number_label": _joined(agreement, "number") + ":",
        "title": agreement.title.get(first),
        "signing_place": agreement.signing_place.get(first),
        "signing_date": agreement.signing_date.isoformat(),
        "page_label": _label(agreement, "page", first),
        "of_label": _label(agreement, "of", first),
        "page_label_2": _label(agreement, "page", second) if second else "",
        "of_label_2": _label(agreement, "of", second) if second else "",
        DRAFT_PLACEHOLDER: _joined(agreement, "draft") if draft else "",
    }
    for lang in agreement.languages:
        values[f"title_{lang}"] = agreement.title.get(lang)
    context = {key: docx_xml.inert_text(value) for key, value in values.items()}
    context[BODY_PLACEHOLDER] = docx_xml.inert_xml(body_xml)
    return context


# -- template, text checks, labels ----------------------------------------------------------------------


def _open_template(path: Path, *, house: bool) -> DocxTemplate:
    if not path.is_file():
        raise BuildError(f"DOCX template {path} does not exist")
    tpl = DocxTemplate(io.BytesIO(path.read_bytes()))
    try:
        document = tpl.get_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BuildError(f"DOCX template {path} is not a Word document (.docx): {exc}") from exc
    if not docx_xml.has_paragraph_placeholder(document, BODY_PLACEHOLDER):
        raise BuildError(
            f"DOCX template {path} has no `{{{{p {BODY_PLACEHOLDER} }}}}` paragraph: add a paragraph holding "
            f"exactly `{{{{p {BODY_PLACEHOLDER} }}}}` where the agreement text should go"
        )
    if not house:
        docx_xml.copy_missing_styles(open_document(str(template_path())), document, STYLE_PREFIX)
    return tpl


def _strings(data: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            yield from _strings(value, f"{where}[{index}]")


def _label(agreement: Agreement, key: str, lang: str) -> str:
    text = agreement.labels.get(key)
    if text is not None and text.get(lang):
        return text.get(lang)
    return _FALLBACK_LABELS.get(key, {}).get(lang, key)


def _joined(agreement: Agreement, key: str) -> str:
    """A label in every language of the agreement: ``Nomor / Number``."""
    return " / ".join(_label(agreement, key, lang) for lang in agreement.languages)


# -- the body -------------------------------------------------------------------------------------------


class _Column:
    """Paragraphs added one after another to the document body or to a table cell."""

    def __init__(self, container: Any, style_ids: dict[str, str]):
        self.container = container
        self.style_ids = style_ids
        self._unused = container.paragraphs[0] if isinstance(container, _Cell) else None

    def add(self, style: str) -> DocxParagraph:
        if self._unused is not None:  # a new cell holds one empty paragraph: use it first
            paragraph, self._unused = self._unused, None
        else:
            paragraph = self.container.add_paragraph()
        docx_xml.set_paragraph_style_id(paragraph, self.style_ids[style])
        return paragraph


class _BodyBuilder:
    """Writes the model into a python-docx (sub)document: title block, articles, signatures; or initials boxes."""

    def __init__(self, agreement: Agreement, doc: Any, width: Emu):
        self.agreement = agreement
        self.doc = doc
        self.langs = agreement.languages
        self.width = width
        styles = doc.styles
        names = (TITLE, HEADING, TEXT, PARAGRAPH, ITEM, SIGNATURE, METERAI, INITIALS)
        self.style_ids = {name: styles[name].style_id for name in names}
        # the items of an unnumbered paragraph move left by the width a paragraph number takes
        self.number_hang = styles[PARAGRAPH].paragraph_format.left_indent or 0
        self.item_indent = styles[ITEM].paragraph_format.left_indent or 0

    def column(self, container: Any = None) -> _Column:
        return _Column(self.doc if container is None else container, self.style_ids)

    def add(self, style: str) -> DocxParagraph:
        """A new paragraph at the end of the (sub)document."""
        return self.column().add(style)

    def build(self) -> None:
        self.title_block()
        self.spacer(Pt(14))
        if len(self.langs) == 1:
            self.single_column(self.langs[0])
        else:
            self.parallel()
        self.spacer(Pt(12), keep_with_next=True)
        self.signatures()
        self.spacer(Pt(1))  # a document (or subdoc) should not end with a table

    # runs and small pieces

    def run(self, paragraph: DocxParagraph, text: str, lang: str, *, bold: bool | None = None,
            italic: bool | None = None, underline: bool | None = None, caps: bool | None = None) -> Run:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if caps:
            run.font.all_caps = True
        docx_xml.set_run_language(run, LANGUAGE_TAGS.get(lang, lang))
        return run

    def translated(self, paragraph: DocxParagraph, texts: list[tuple[str, str]], *, separator: str = " / ",
                   **fmt: bool) -> None:
        """Several languages' versions in one paragraph; any after the first in italics, repeats dropped."""
        shown: list[str] = []
        for lang, text in texts:
            if not text or text in shown:
                continue
            if shown:
                if separator == "\n":
                    paragraph.add_run().add_break()
                else:
                    paragraph.add_run(separator).bold = fmt.get("bold")
            self.run(paragraph, text, lang, **{**fmt, "italic": bool(shown) or fmt.get("italic")})
            shown.append(text)

    def spacer(self, size: Pt, keep_with_next: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = max(size, Pt(1))
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True

    def table(self, columns: int) -> tuple[Table, list[Emu]]:
        table = self.doc.add_table(rows=0, cols=columns)
        widths = [Emu(self.width // columns)] * columns
        docx_xml.set_table_layout(table, sum(widths) // 635)
        for column, width in zip(table.columns, widths):
            column.width = width
        return table, widths

    def row_cells(self, table: Table) -> list[_Cell]:
        cells = table.add_row().cells
        last = len(cells) - 1
        for index, cell in enumerate(cells):
            docx_xml.set_cell_margins(cell, left=0 if index == 0 else _GUTTER // 635,
                                      right=0 if index == last else _GUTTER // 635)
        return cells

    # title block

    def title_block(self) -> None:
        a = self.agreement
        for index, lang in enumerate(self.langs):
            p = self.add(TITLE)
            if index == 0:
                self.run(p, a.title.get(lang), lang, caps=True)
            else:
                self.run(p, a.title.get(lang), lang, italic=True).font.size = Pt(11.5)
                p.paragraph_format.space_before = Pt(4)
        self.title_line("between", before=10)
        for index, party in enumerate(a.parties):
            if index:
                self.title_line("and", before=6)
            self.party_heading(party)

    def title_line(self, key: str, before: float) -> None:
        p = self.add(TITLE)
        p.paragraph_format.space_before = Pt(before)
        p.paragraph_format.space_after = Pt(6)
        self.translated(p, [(lang, _label(self.agreement, key, lang)) for lang in self.langs], bold=False)

    def party_heading(self, party: Party) -> None:
        p = self.add(TITLE)
        self.translated(p, [(lang, party.name.get(lang)) for lang in self.langs], separator="\n")
        if party.number:
            p = self.add(TITLE)
            p.paragraph_format.space_before = Pt(2)
            self.translated(p, [(lang, _label(self.agreement, "number", lang)) for lang in self.langs], bold=False)
            self.run(p, ": ", self.langs[0], bold=False)
            self.run(p, party.number, self.langs[0], bold=False)

    # articles

    def single_column(self, lang: str) -> None:
        column = self.column()
        for part in self.agreement.all_parts():
            if self.has_heading(part):
                self.heading(column, part, lang)
            for paragraph in part.paragraphs:
                self.paragraph(column, part, paragraph, lang)

    def parallel(self) -> None:
        table, _ = self.table(len(self.langs))
        for part in self.agreement.all_parts():
            if self.has_heading(part):
                cells = self.row_cells(table)
                docx_xml.set_row_cant_split(table.rows[-1])
                for lang, cell in zip(self.langs, cells):
                    self.heading(self.column(cell), part, lang)
            for paragraph in part.paragraphs:
                for lang, cell in zip(self.langs, self.row_cells(table)):
                    self.paragraph(self.column(cell), part, paragraph, lang)
                if part.kind == "closing":  # the closing words stay on the page of the signatures
                    docx_xml.set_row_cant_split(table.rows[-1])
                    for cell in table.rows[-1].cells:
                        for p in cell.paragraphs:
                            p.paragraph_format.keep_with_next = True

    def has_heading(self, part: Article) -> bool:
        return part.number is not None or any(part.title.get(lang) for lang in self.langs)

    def heading(self, column: _Column, part: Article, lang: str) -> None:
        p = column.add(HEADING)
        lines = []
        if part.number is not None:
            lines.append(f"{_label(self.agreement, 'article', lang)} {part.number}")
        if part.title.get(lang):
            lines.append(part.title.get(lang))
        for index, line in enumerate(lines):
            if index:
                p.add_run().add_break()
            self.run(p, line, lang)

    def paragraph(self, column: _Column, part: Article, paragraph: Paragraph, lang: str) -> None:
        if paragraph.number is None:
            p = column.add(TEXT)
        else:
            p = column.add(PARAGRAPH)
            marker = f"({paragraph.number})" if part.kind == "article" else f"{paragraph.number}."
            self.run(p, marker + "\t", lang)
        self.run(p, paragraph.text.get(lang), lang)
        for letter, item in zip(letters(len(paragraph.items)), paragraph.items):
            p = column.add(ITEM)
            if paragraph.number is None and self.number_hang:
                p.paragraph_format.left_indent = Emu(self.item_indent - self.number_hang)
            self.run(p, f"{letter}.\t", lang)
            self.run(p, item.get(lang), lang)

    # initials (paraf) boxes for the footer

    def initials(self) -> None:
        """One box per party, right-aligned, for initialling every page."""
        parties = self.agreement.parties
        width, height = _INITIALS_BOX
        width = Emu(min(width, self.width // (len(parties) + 1)))
        table = self.doc.add_table(rows=1, cols=len(parties))
        docx_xml.set_table_layout(table, width * len(parties) // 635)
        table.alignment = WD_TABLE_ALIGNMENT.RIGHT
        for column in table.columns:
            column.width = width
        row = table.rows[0]
        row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
        label = _joined(self.agreement, "initials")
        for party, cell in zip(parties, row.cells):
            docx_xml.set_cell_borders(cell, size=4, color="808080")
            docx_xml.set_cell_margins(cell, left=57, right=57, top=28)
            p = self.column(cell).add(INITIALS)
            self.run(p, label, self.langs[0])
            p.add_run().add_break()
            self.run(p, party.alias.get(self.langs[0]), self.langs[0])

    # signatures

    def signatures(self) -> None:
        parties = self.agreement.parties
        if not parties:
            return
        table, widths = self.table(len(parties))
        rows = [self.row_cells(table) for _ in range(5)]
        for row in table.rows:
            docx_xml.set_row_cant_split(row)
        table.rows[2].height = _SIGNING_SPACE
        table.rows[2].height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        for index, party in enumerate(parties):
            alias, name, space, representative, position = (row[index] for row in rows)
            self.translated(self.column(alias).add(SIGNATURE),
                            [(lang, party.alias.get(lang)) for lang in self.langs], bold=True)
            self.translated(self.column(name).add(SIGNATURE),
                            [(lang, party.name.get(lang)) for lang in self.langs], separator="\n")
            space.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            box = self.column(space).add(METERAI if party.meterai else SIGNATURE)
            if party.meterai:
                indent = Emu(max(0, (widths[index] - _METERAI_BOX) // 2))
                box.paragraph_format.left_indent = box.paragraph_format.right_indent = indent
                self.translated(box, [(lang, _label(self.agreement, "meterai", lang)) for lang in self.langs],
                                separator="\n")
            p = self.column(representative).add(SIGNATURE)
            self.run(p, party.representative, self.langs[0], bold=True, underline=True)
            self.translated(self.column(position).add(SIGNATURE),
                            [(lang, party.position.get(lang)) for lang in self.langs], separator="\n")


# -- header mark and document properties ----------------------------------------------------------------


def _add_draft_mark(document: Document) -> None:
    """Put a ``{{ draft_label }}`` line (and a watermark) at the top of every header in use, before rendering."""
    # Done on the template, not after docxtpl: docxtpl swaps header parts python-docx has already resolved.
    seen: set[int] = set()
    odd_even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if odd_even:
            headers.append(section.even_page_header)
        for header in headers:
            if id(header.part) in seen:
                continue
            seen.add(id(header.part))
            if any(DRAFT_PLACEHOLDER in p.text for p in header.paragraphs):
                continue  # the template places the mark itself
            p = header.add_paragraph()
            docx_xml.move_to_start(p)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(4)
            run = p.add_run("{{ %s }}" % DRAFT_PLACEHOLDER)
            run.bold = True
            run.font.size = Pt(10)
            run.font.color.rgb = _DRAFT_RED
            docx_xml.set_character_spacing(run, 40)
            docx_xml.add_text_watermark(p, "{{ %s }}" % DRAFT_PLACEHOLDER)


def _set_properties(document: Document, agreement: Agreement) -> None:
    """Core properties fixed by the model (dates are the signing date) and the build manifest."""
    signed = datetime.datetime.combine(agreement.signing_date, datetime.time())
    text = {
        "title": agreement.title.get("id") or agreement.title.get(agreement.languages[0]),
        "subject": agreement.title.get("en") if "en" in agreement.languages else "",
        "language": "id-ID",
        "identifier": agreement.number,
        "category": agreement.scheme,
        "keywords": ", ".join(k for k in ("PKM", "perjanjian kemitraan", agreement.scheme, agreement.number) if k),
        "comments": agreement.manifest.generator,
    }
    docx_xml.set_core_properties(document, {
        **{name: value if len(value) <= _CORE_TEXT_LIMIT else value[: _CORE_TEXT_LIMIT - 1] + "\u2026"
           for name, value in text.items()},
        "created": signed, "modified": signed, "revision": 1,
    })
    manifest = agreement.manifest
    docx_xml.set_custom_properties(document, {
        "pkm-manifest": json.dumps(manifest.to_data(), ensure_ascii=False, separators=(",", ":")),
        "pkm-library-version": manifest.library_version,
        "pkm-source-sha256": manifest.source_hash,
    })
