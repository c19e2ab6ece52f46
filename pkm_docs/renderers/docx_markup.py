"""The agreement body as WordprocessingML text: paragraphs, runs, bookmarks and tables kept as small
Python objects and written out as one string.

The body is put into the rendered template as markup (``docx._put_body`` parses it once, in its place), so
building it first as python-docx elements, one oxml element at a time (a parser look-up, a
namespace map and a schema-order search for each of some three thousand elements), only to serialise them,
was most of the time of a DOCX render. These objects write the same markup directly: the same elements in
the same (schema) order with the same attributes in the same order as the python-docx calls they replace
produced, so the document's bytes did not change.

Every text and attribute value is escaped here (``text``, ``attr``); nothing the model holds is markup.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, TypeVar, Union, cast


def text(value: str) -> str:
    """``value`` as the content of an element (a text without tabs or line breaks: runs turn those into
    elements of their own)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=4096)  # style ids, languages and clause tags repeat in every agreement
def attr(value: str) -> str:
    """``value`` as an attribute value, quotes included (escaped as lxml escapes one): tabs and line breaks
    as character references, so they survive the parser's attribute-value normalisation."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if "\t" in escaped or "\n" in escaped or "\r" in escaped:
        escaped = escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return f'"{escaped}"'


# -- runs -----------------------------------------------------------------------------------------------


_TAB_OR_BREAK = re.compile("([\t\r\n])")


def _text_content(value: str) -> str:
    # python-docx's run text: a tab becomes w:tab, CR or LF w:br, the rest w:t (space kept when a piece
    # starts or ends with whitespace)
    if "\t" not in value and "\n" not in value and "\r" not in value:
        return _t(value)
    pieces = []
    for piece in _TAB_OR_BREAK.split(value):
        if piece == "\t":
            pieces.append("<w:tab/>")
        elif piece == "\r" or piece == "\n":
            pieces.append("<w:br/>")
        elif piece:
            pieces.append(_t(piece))
    return "".join(pieces)


def _t(piece: str) -> str:
    if len(piece.strip()) < len(piece):
        return f'<w:t xml:space="preserve">{text(piece)}</w:t>'
    return f"<w:t>{text(piece)}</w:t>"


def run(value: str | None, *, props: bool = False, bold: bool | None = None, italic: bool | None = None,
        caps: bool = False, size: int | None = None, underline: bool | None = None, lang: str | None = None) -> str:
    """A ``w:r`` holding ``value``; the run properties in schema order (``size`` in half points).

    ``props`` writes a ``w:rPr`` even when it holds nothing (as python-docx's font setters leave one).
    """
    properties = _run_properties(props, bold, italic, caps, size, underline, lang)
    if not value:
        return f"<w:r>{properties}</w:r>" if properties else "<w:r/>"
    return f"<w:r>{properties}{_text_content(value)}</w:r>"


@functools.lru_cache(maxsize=256)  # a document uses a handful of run formats
def _run_properties(props: bool, bold: bool | None, italic: bool | None, caps: bool, size: int | None,
                    underline: bool | None, lang: str | None) -> str:
    parts = [_toggle("b", bold), _toggle("i", italic), "<w:caps/>" if caps else ""]
    if size is not None:
        parts.append(f'<w:sz w:val="{size}"/>')
    if underline is not None:
        parts.append(f'<w:u w:val="{"single" if underline else "none"}"/>')
    if lang is not None:
        parts.append(f"<w:lang w:val={attr(lang)}/>")
    properties = "".join(parts)
    if properties:
        return f"<w:rPr>{properties}</w:rPr>"
    return "<w:rPr/>" if props else ""


def _toggle(tag: str, on: bool | None) -> str:
    if on is None:
        return ""
    return f"<w:{tag}/>" if on else f'<w:{tag} w:val="0"/>'


BREAK_RUN = "<w:r><w:br/></w:r>"


def field_runs(instruction: str, shown: str, *, lang: str | None = None) -> str:
    """A complex field (``REF _PkmA7_id \\n \\h``) whose result, as last worked out, is ``shown``: the runs
    from its begin to its end. Word updates the result; LibreOffice and pandoc show it."""
    properties = _run_properties(True, None, None, False, None, None, lang)
    return (f'<w:r>{properties}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{properties}<w:instrText xml:space="preserve"> {text(instruction)} </w:instrText></w:r>'
            f'<w:r>{properties}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r>{properties}{_text_content(shown)}</w:r>"
            f'<w:r>{properties}<w:fldChar w:fldCharType="end"/></w:r>')


# -- paragraphs -----------------------------------------------------------------------------------------


class Paragraph:
    """A ``w:p``: a style, the paragraph properties the renderer sets, runs (as markup) and bookmark ends.

    Spacing values are in twips; ``numbering`` is ``(num_id, level)``; ``indent`` is ``(left, right)``.
    """

    __slots__ = ("style_id", "keep_next", "page_break_before", "numbering", "space_before", "space_after",
                 "line", "indent", "align", "outline", "bookmarks", "runs", "bar")

    def __init__(self, style_id: str | None = None):
        self.style_id = style_id
        self.keep_next = False
        self.page_break_before = False
        self.numbering: tuple[int, int] | None = None
        self.space_before: int | None = None
        self.space_after: int | None = None
        self.line: int | None = None  # an exact line height
        self.indent: tuple[int, int] | None = None
        self.align: str | None = None
        self.outline: int | None = None  # an outline level: a heading in Word's navigation pane (0 is the top)
        self.bookmarks: list[str] = []  # starts of bookmarks, after the properties
        self.runs: list[str] = []  # runs, and the ends of bookmarks, in order
        self.bar: str | None = None  # a left border of this colour (RRGGBB): a draft's mark on ad-hoc text

    def add(self, markup: str) -> None:
        self.runs.append(markup)

    def shade_runs(self, fill: str) -> None:
        """Give every run of the paragraph a background of ``fill`` (RRGGBB): a mark that survives where a
        reader drops paragraph borders (LibreOffice 7.4). The shading goes before the
        run's language, where the schema puts it."""
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill={attr(fill)}/>'
        self.runs = [run.replace("<w:lang ", shading + "<w:lang ") if "<w:r>" in run or "<w:r " in run else run
                     for run in self.runs]  # a field's markup holds several runs

    def start_bookmark(self, bookmark_id: int, name: str) -> None:
        """A bookmark starts here, before the text (and before the starts already here)."""
        self.bookmarks.insert(0, f'<w:bookmarkStart w:id="{bookmark_id}" w:name={attr(name)}/>')

    def end_bookmark(self, bookmark_id: int) -> None:
        """A bookmark ends here, after what the paragraph holds so far."""
        self.runs.append(f'<w:bookmarkEnd w:id="{bookmark_id}"/>')

    def properties(self) -> str:
        """The ``w:pPr`` (empty when nothing is set), its children in schema order."""
        parts = [_paragraph_style(self.style_id)] if self.style_id is not None else []
        if self.keep_next:
            parts.append("<w:keepNext/>")
        if self.page_break_before:
            parts.append("<w:pageBreakBefore/>")
        if self.numbering is not None:
            num_id, level = self.numbering
            parts.append(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        if self.bar is not None:
            parts.append(f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="4" w:color={attr(self.bar)}/></w:pBdr>')
        if self.space_before is not None or self.space_after is not None or self.line is not None:
            parts.append(self._spacing())
        if self.indent is not None:
            parts.append(f'<w:ind w:left="{self.indent[0]}" w:right="{self.indent[1]}"/>')
        if self.align is not None:
            parts.append(f"<w:jc w:val={attr(self.align)}/>")
        if self.outline is not None:
            parts.append(f'<w:outlineLvl w:val="{self.outline}"/>')
        return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""

    def _spacing(self) -> str:
        spacing = "".join(f' w:{name}="{value}"' for name, value in (
            ("before", self.space_before), ("after", self.space_after), ("line", self.line)) if value is not None)
        if self.line is not None:
            spacing += ' w:lineRule="exact"'
        return f"<w:spacing{spacing}/>"

    def xml(self) -> str:
        inner = self.properties()
        if self.bookmarks:
            inner += "".join(self.bookmarks)
        inner += "".join(self.runs)
        return f"<w:p>{inner}</w:p>" if inner else "<w:p/>"


@functools.lru_cache(maxsize=256)
def _paragraph_style(style_id: str) -> str:
    return f"<w:pStyle w:val={attr(style_id)}/>"


Block = Union[Paragraph, "Table"]
_B = TypeVar("_B", Paragraph, "Table")


class Story:
    """Blocks one after another: the body of the document, or the content of a table cell."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, block: _B) -> _B:
        self.blocks.append(block)
        return block

    def new_paragraph(self, style_id: str) -> Paragraph:
        """A new paragraph in the style ``style_id`` at the end."""
        return self.add(Paragraph(style_id))

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs directly in the story (not those in a table)."""
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def xml(self) -> str:
        return "".join(block.xml() for block in self.blocks)


# -- tables ---------------------------------------------------------------------------------------------

_NO_BORDERS = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_NO_PADDING = "".join(f'<w:{side} w:w="0" w:type="dxa"/>' for side in ("top", "left", "bottom", "right"))
_TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
               'w:noVBand="1" w:val="04A0"/>')
_SIDES = ("top", "left", "bottom", "right")


class Cell(Story):
    """A ``w:tc``: its width, padding and borders, and its content (a new cell holds one empty paragraph,
    which the first paragraph added to it reuses, as in Word and python-docx)."""

    def __init__(self, width: int, margins: dict[str, int] | None = None):
        super().__init__()
        self.width = width
        self.margins = dict(margins or {})  # twips by side
        self.borders: str | None = None  # the w:tcBorders markup
        self.v_align: str | None = None
        self.blocks.append(Paragraph())
        self._unused = True

    def new_paragraph(self, style_id: str) -> Paragraph:
        if self._unused:
            self._unused = False
            paragraph = cast(Paragraph, self.blocks[0])  # the cell's first block, made in __init__
            paragraph.style_id = style_id
            return paragraph
        return self.add(Paragraph(style_id))

    def set_borders(self, *, val: str = "single", size: int = 4, color: str = "auto") -> None:
        """A box around the cell (``size`` in eighths of a point)."""
        self.borders = "".join(f'<w:{side} w:val={attr(val)} w:sz="{size}" w:space="0" w:color={attr(color)}/>'
                               for side in _SIDES)

    def xml(self) -> str:
        props = f'<w:tcW w:type="dxa" w:w="{self.width}"/>'
        if self.borders is not None:
            props += f"<w:tcBorders>{self.borders}</w:tcBorders>"
        if self.margins:
            props += "<w:tcMar>" + "".join(f'<w:{side} w:w="{self.margins[side]}" w:type="dxa"/>'
                                           for side in _SIDES if side in self.margins) + "</w:tcMar>"
        if self.v_align is not None:
            props += f"<w:vAlign w:val={attr(self.v_align)}/>"
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{super().xml()}</w:tc>"


class Row:
    """A ``w:tr``: its cells, whether it may break across pages, its height (twips) and height rule."""

    __slots__ = ("cells", "cant_split", "height", "height_rule", "header")

    def __init__(self, cells: list[Cell]):
        self.cells = cells
        self.cant_split = False
        self.height: int | None = None
        self.height_rule: str | None = None
        self.header = False  # repeated at the top of each page the table runs onto

    def xml(self) -> str:
        props = "<w:cantSplit/>" if self.cant_split else ""
        props += "<w:tblHeader/>" if self.header else ""
        if self.height is not None or self.height_rule is not None:
            height = f' w:val="{self.height}"' if self.height is not None else ""
            rule = f" w:hRule={attr(self.height_rule)}" if self.height_rule is not None else ""
            props += f"<w:trHeight{height}{rule}/>"
        props = f"<w:trPr>{props}</w:trPr>" if props else ""
        return f"<w:tr>{props}{''.join(cell.xml() for cell in self.cells)}</w:tr>"


class Table:
    """A ``w:tbl`` laid out by code: fixed width and layout, no borders, no cell padding, no indent.

    ``width`` and the ``columns`` widths are in twips; ``align`` is a ``w:jc`` value (None: the default).
    """

    def __init__(self, width: int, columns: Iterable[int], align: str | None = None):
        self.width = width
        self.columns = list(columns)
        self.align = align
        self.rows: list[Row] = []

    def add_row(self, cells: list[Cell]) -> Row:
        row = Row(cells)
        self.rows.append(row)
        return row

    def xml(self) -> str:
        align = f"<w:jc w:val={attr(self.align)}/>" if self.align is not None else ""
        grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in self.columns)
        return (f'<w:tbl><w:tblPr><w:tblW w:w="{self.width}" w:type="dxa"/>{align}<w:tblInd w:w="0" w:type="dxa"/>'
                f"<w:tblBorders>{_NO_BORDERS}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                f"<w:tblCellMar>{_NO_PADDING}</w:tblCellMar>{_TABLE_LOOK}</w:tblPr>"
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(row.xml() for row in self.rows)}</w:tbl>")
