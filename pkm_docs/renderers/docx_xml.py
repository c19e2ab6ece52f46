"""The raw WordprocessingML the DOCX renderer needs and python-docx has no API for, kept in one thin layer."""

from __future__ import annotations

import copy
import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.parser import oxml_parser
from docx.parts.numbering import NumberingPart
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from markupsafe import Markup, escape

#: Characters XML 1.0 cannot hold (C0 controls except tab, newline, carriage return; surrogates; U+FFFE/F).
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CUSTOM_PROPERTIES_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: A fixed timestamp for every zip member (the earliest a zip can hold), so builds are reproducible.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)



# -- direct element building (python-docx's get_or_add chains are slow) -----------------------------------

_W = "{" + _W_NS + "}"
_WMAP = {"w": _W_NS}
_make_element = oxml_parser.makeelement
_VAL = _W + "val"
_PPR, _PSTYLE, _NUMPR, _ILVL, _NUMID = _W + "pPr", _W + "pStyle", _W + "numPr", _W + "ilvl", _W + "numId"
_R, _RPR, _T, _TAB, _BR = _W + "r", _W + "rPr", _W + "t", _W + "tab", _W + "br"
_B, _I, _CAPS, _U, _LANG = _W + "b", _W + "i", _W + "caps", _W + "u", _W + "lang"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: w:pPr children in schema order (python-docx's CT_PPr sequence).
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)
_PPR_RANK = {qn(tag): index for index, tag in enumerate(_PPR_ORDER)}


def _w(clark: str):
    """A new ``w:`` element, as ``OxmlElement`` makes it (same namespace map, same element class)."""
    return _make_element(clark, nsmap=_WMAP)


def _get_or_add_ppr(p):
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = _w(_PPR)
        p.insert(0, ppr)
    return ppr


def _insert_in_order(parent, child, rank: Mapping[str, int]):
    """Insert ``child`` before the first child of ``parent`` that comes after it in schema order."""
    own = rank[child.tag]
    for existing in parent:
        other = rank.get(existing.tag)
        if other is not None and other > own:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


# -- text that must stay data ---------------------------------------------------------------------------


def invalid_xml_char(text: str) -> str | None:
    """The first character of ``text`` that XML cannot hold, or None."""
    match = INVALID_XML_CHARS.search(text)
    return match.group(0) if match else None


def _braces_as_references(xml: str) -> str:
    # docxtpl rewrites "{_{" to "{{" (and the like) in everything it renders; character references
    # keep user braces out of reach of those string passes and still parse back to "{" and "}".
    return xml.replace("{", "&#123;").replace("}", "&#125;")


def inert_text(value: str) -> Markup:
    """``value`` escaped for a docxtpl placeholder, so neither Jinja nor docxtpl reads anything in it."""
    return Markup(_braces_as_references(str(escape(value))))


def inert_xml(xml: str) -> Markup:
    """Well-formed WordprocessingML (a subdoc body) for a ``{{p ...}}`` placeholder, inert the same way."""
    return Markup(_braces_as_references(xml))


def has_paragraph_placeholder(document: Document, name: str) -> bool:
    """Does the document body hold a docxtpl ``{{p name }}`` paragraph (runs may be split)?"""
    pattern = re.compile(r"\{\{p\s+" + re.escape(name) + r"\s*\}\}")
    for p in document.element.body.iter(qn("w:p")):
        if pattern.search("".join(t.text or "" for t in p.iter(qn("w:t")))):
            return True
    return False


# -- runs, paragraphs, fields ---------------------------------------------------------------------------


#: w:rPr children in schema order (ECMA-376 CT_RPr), so added properties land where Word expects them.
_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)


def _set_run_property(run: Run, tag: str, value: str) -> None:
    rpr = run._r.get_or_add_rPr()
    element = rpr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        rpr.insert_element_before(element, *_RPR_ORDER[_RPR_ORDER.index(tag) + 1:])
    element.set(qn("w:val"), value)


def set_run_language(run: Run, tag: str) -> None:
    """Mark the run's language (``id-ID``, ``en-GB``) for spelling and hyphenation."""
    _set_run_property(run, "w:lang", tag)


def set_character_spacing(run: Run, twips: int) -> None:
    """Letter-spacing of the run in twentieths of a point."""
    _set_run_property(run, "w:spacing", str(twips))


def add_field(paragraph: Paragraph, instruction: str, shown: str = "1") -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) as begin / instruction / separate / result / end runs."""

    def fld_char(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run(shown)
    fld_char("end")


def set_style_border(style: ParagraphStyle, *, val: str = "single", size: int = 4, space: int = 1,
                     vertical_space: int | None = None, color: str = "auto",
                     sides: Iterable[str] = ("top", "left", "bottom", "right")) -> None:
    """Border the paragraphs of a style (``size`` in eighths of a point; ``space`` between border and text in
    points, ``vertical_space`` above and below when it differs)."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes after keep/page-break/frame/numbering elements and before shading, tabs, spacing, ind, jc
        successor = next((ppr.find(qn(tag)) for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing",
                                                         "w:ind", "w:jc", "w:rPr") if ppr.find(qn(tag)) is not None), None)
        if successor is not None:
            successor.addprevious(borders)
        else:
            ppr.append(borders)
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), val)
        edge.set(qn("w:sz"), str(size))
        vertical = side in ("top", "bottom") and vertical_space is not None
        edge.set(qn("w:space"), str(vertical_space if vertical else space))
        edge.set(qn("w:color"), color)
        borders.append(edge)


def set_paragraph_style_id(paragraph: Paragraph, style_id: str) -> None:
    """Apply a paragraph style by id: python-docx's by-name lookup scans every style each time."""
    ppr = _get_or_add_ppr(paragraph._p)
    pstyle = ppr.find(_PSTYLE)
    if pstyle is None:
        pstyle = _w(_PSTYLE)
        ppr.insert(0, pstyle)  # w:pStyle is the first child of w:pPr
    pstyle.set(_VAL, style_id)


def add_run(paragraph: Paragraph, text: str | None = None, *, props: bool = False, bold: bool | None = None,
            italic: bool | None = None, underline: bool | None = None, caps: bool = False,
            lang: str | None = None) -> Run:
    """Append a run as python-docx's ``add_run(text)`` plus its font setters would build it, made directly.

    ``props`` adds a ``w:rPr`` even when empty (python-docx's setters create one when given None). The text
    is assigned as lxml element text, so it stays data.
    """
    p = paragraph._p
    r = _w(_R)
    p.append(r)
    if text:
        _append_text(r, text)
    if props or bold is not None or italic is not None or underline is not None or caps or lang is not None:
        rpr = _w(_RPR)
        r.insert(0, rpr)
        if bold is not None:
            element = _w(_B)
            if not bold:
                element.set(_VAL, "0")
            rpr.append(element)
        if italic is not None:
            element = _w(_I)
            if not italic:
                element.set(_VAL, "0")
            rpr.append(element)
        if caps:
            rpr.append(_w(_CAPS))
        if underline is not None:
            element = _w(_U)
            element.set(_VAL, "single" if underline else "none")
            rpr.append(element)
        if lang is not None:
            element = _w(_LANG)
            element.set(_VAL, lang)
            rpr.append(element)
    return Run(r, paragraph)


def add_break_run(paragraph: Paragraph) -> None:
    """Append a run holding a line break (``add_run().add_break()``)."""
    r = _w(_R)
    paragraph._p.append(r)
    r.append(_w(_BR))


_TEXT_SPLIT = re.compile("([\t\r\n])")


def _append_text(r, text: str) -> None:
    # python-docx's run text appender: a tab becomes w:tab, CR or LF w:br, the rest w:t (space kept when
    # the text starts or ends with whitespace)
    for piece in _TEXT_SPLIT.split(text):
        if not piece:
            continue
        if piece == "\t":
            r.append(_w(_TAB))
        elif piece == "\r" or piece == "\n":
            r.append(_w(_BR))
        else:
            t = _w(_T)
            t.text = piece
            r.append(t)
            if len(piece.strip()) < len(piece):
                t.set(_XML_SPACE, "preserve")


def move_to_start(paragraph: Paragraph) -> None:
    """Move a paragraph to the top of its story (above a letterhead table, say)."""
    element = paragraph._p
    parent = element.getparent()
    parent.remove(element)
    parent.insert(0, element)


_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8", "mid @6 @7",
        "sum @6 0 @5"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;'
    'z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
    'fillcolor="#d0d0d0" stroked="f"><v:fill opacity=".5"/>'
    '<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt" string=""/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
)


def add_text_watermark(paragraph: Paragraph, text: str) -> None:
    """A diagonal grey text watermark behind the page, in Word's own VML form, anchored in a header paragraph."""
    run = parse_xml(_WATERMARK)
    path = run.find(".//{urn:schemas-microsoft-com:vml}shape/{urn:schemas-microsoft-com:vml}textpath")
    path.set("string", text)  # an attribute value: lxml escapes it
    paragraph._p.append(run)


# -- tables ---------------------------------------------------------------------------------------------


def _tbl_pr(table: Table):
    return table._tbl.tblPr


def _replace_child(parent, tag: str, successors: tuple[str, ...]):
    """A fresh child ``tag`` of ``parent``, placed before the first present successor (schema order)."""
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    new = OxmlElement(tag)
    for succ in successors:
        found = parent.find(qn(succ))
        if found is not None:
            found.addprevious(new)
            return new
    parent.append(new)
    return new


_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def set_table_layout(table: Table, width_twips: int) -> None:
    """Fixed width, fixed layout, no borders, no cell padding left/right, no indent: columns are set by code."""
    tbl_pr = _tbl_pr(table)
    width = _replace_child(tbl_pr, "w:tblW", ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders") + _TBLPR_AFTER_BORDERS)
    width.set(qn("w:w"), str(width_twips))
    width.set(qn("w:type"), "dxa")
    indent = _replace_child(tbl_pr, "w:tblInd", ("w:tblBorders",) + _TBLPR_AFTER_BORDERS)
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    borders = _replace_child(tbl_pr, "w:tblBorders", _TBLPR_AFTER_BORDERS)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    layout = _replace_child(tbl_pr, "w:tblLayout", ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"))
    layout.set(qn("w:type"), "fixed")
    margins = _replace_child(tbl_pr, "w:tblCellMar", ("w:tblLook", "w:tblCaption", "w:tblDescription"))
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)


def set_cell_margins(cell: _Cell, **twips: int) -> None:
    """Padding of one cell: ``left=170, right=170`` (twips)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    margins = _replace_child(tc_pr, "w:tcMar", ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"))
    for side in ("top", "left", "bottom", "right"):
        if side in twips:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), str(twips[side]))
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)


def set_cell_borders(cell: _Cell, *, val: str = "single", size: int = 4, color: str = "auto") -> None:
    """A box around one cell (``size`` in eighths of a point)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = _replace_child(tc_pr, "w:tcBorders", ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                                     "w:vAlign", "w:hideMark"))
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), val)
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), color)
        borders.append(edge)


def set_row_cant_split(row: _Row) -> None:
    """Keep a table row on one page."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


# -- styles and package parts ---------------------------------------------------------------------------


def set_doc_defaults(document: Document, font: str, size_half_points: int, lang: str) -> None:
    """Document-wide default font (all scripts), size and language; no spacing after paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), font)
    rpr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(size_half_points))
        rpr.append(el)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), lang)
    language.set(qn("w:eastAsia"), lang)
    language.set(qn("w:bidi"), "ar-SA")
    rpr.append(language)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)


_CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_DCTERMS_NS = "http://purl.org/dc/terms/"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: Core property names (python-docx's) and their elements in ``docProps/core.xml``.
CORE_FIELDS = {
    "title": f"{{{_DC_NS}}}title",
    "subject": f"{{{_DC_NS}}}subject",
    "author": f"{{{_DC_NS}}}creator",
    "comments": f"{{{_DC_NS}}}description",
    "identifier": f"{{{_DC_NS}}}identifier",
    "language": f"{{{_DC_NS}}}language",
    "keywords": f"{{{_CORE_NS}}}keywords",
    "category": f"{{{_CORE_NS}}}category",
    "last_modified_by": f"{{{_CORE_NS}}}lastModifiedBy",
    "revision": f"{{{_CORE_NS}}}revision",
    "created": f"{{{_DCTERMS_NS}}}created",
    "modified": f"{{{_DCTERMS_NS}}}modified",
}


def set_core_properties(document: Document, values: Mapping[str, str | int | datetime.datetime]) -> None:
    """Set core properties with explicit namespaces.

    python-docx resolves the ``cp:`` prefix through a process-wide map that docxcompose (imported by
    docxtpl's subdoc support) rebinds to the custom-properties namespace, so after that its setters
    write ``cp:keywords`` into the wrong namespace and Word reports unreadable content
    (python-docx-template#471, docxcompose#101).
    """
    document.core_properties  # noqa: B018 -- makes python-docx add a core part when the template has none
    root = document.part.package.part_related_by(RT.CORE_PROPERTIES).element
    for name, value in values.items():
        clark = CORE_FIELDS[name]
        found = root.findall(clark)
        for extra in found[1:]:
            root.remove(extra)
        element = found[0] if found else etree.SubElement(root, clark)
        if isinstance(value, datetime.datetime):
            element.set(f"{{{_XSI_NS}}}type", "dcterms:W3CDTF")
            value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        element.text = str(value) if value != "" else None


def copy_missing_styles(source: Document, target: Document, prefix: str) -> list[str]:
    """Copy every style whose name starts with ``prefix`` from ``source`` into ``target`` if it lacks it."""
    have = {style.name for style in target.styles}
    copied = []
    for style in source.styles:
        if style.name and style.name.startswith(prefix) and style.name not in have:
            target.styles.element.append(copy.deepcopy(style.element))
            copied.append(style.name)
    return copied


def remove_style(document: Document, name: str) -> None:
    """Delete a style definition (the house template drops python-docx's hundred table styles)."""
    element = document.styles[name].element
    element.getparent().remove(element)


def drop_related_parts(source: Any, reltype: str) -> None:
    """Unlink parts of ``reltype`` from a package or part (the thumbnail and stylesWithEffects of python-docx's default)."""
    for r_id, rel in list(source.rels.items()):
        if rel.reltype == reltype:
            del source.rels[r_id]


def set_custom_properties(document: Document, properties: Mapping[str, str]) -> None:
    """Write text properties into ``docProps/custom.xml``, creating the part and its relationship if needed."""
    package = document.part.package
    try:
        part = package.part_related_by(RT.CUSTOM_PROPERTIES)
        root = parse_xml(part.blob)
    except KeyError:
        part = None
        root = parse_xml(f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}"/>')
    for prop in list(root):
        if prop.get("name") in properties:
            root.remove(prop)
    pid = max((int(p.get("pid", "1")) for p in root), default=1)
    for name, value in properties.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property")
        prop.set("fmtid", _CUSTOM_FMTID)
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    blob = serialize_part_xml(root)
    if part is None:
        part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES_CT, blob, package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)
    else:
        part._blob = blob


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The text custom properties of a DOCX, by name (for tests and tools reading a build back)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            root = etree.fromstring(archive.read("docProps/custom.xml"))
        except KeyError:
            return {}
    return {p.get("name"): "".join(p.itertext()) for p in root}


# -- the package as bytes -------------------------------------------------------------------------------


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps and attributes and a fixed member order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in members]
    order = first + sorted(name for name in members if name not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, members[name], compresslevel=9)
    return out.getvalue()


# -- live numbering -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListLevel:
    """One level of a Word multilevel list.

    ``fmt`` is a ``w:numFmt`` value (``decimal``, ``lowerLetter``, ``none``), ``text`` the ``w:lvlText``
    pattern (``"Pasal %1"``, ``"(%2)"``), ``suffix`` what follows the number (``tab``, ``space``,
    ``nothing``), ``left`` and ``hanging`` the indents in twips. ``restart_after`` is the 0-based level
    after which this one starts again (None: after any higher level, Word's default).
    """

    fmt: str
    text: str
    suffix: str = "tab"
    left: int = 0
    hanging: int = 0
    restart_after: int | None = None


def _numbering_root(document: Document):
    """``word/numbering.xml`` of the document, created when the template has none."""
    part = document.part
    try:
        return part.part_related_by(RT.NUMBERING).element
    except KeyError:
        numbering = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING,
                                  parse_xml(f'<w:numbering xmlns:w="{_W_NS}"/>'), part.package)
        part.relate_to(numbering, RT.NUMBERING)
        return numbering.element


def _child(parent, tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def add_list(document: Document, name: str, levels: Sequence[ListLevel]) -> int:
    """Define a multilevel list (a ``w:abstractNum``) named ``name``; return the id of its definition."""
    root = _numbering_root(document)
    abstracts = root.findall(qn("w:abstractNum"))
    abstract_id = max((int(a.get(qn("w:abstractNumId"))) for a in abstracts), default=-1) + 1
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    # nsid identifies the list when Word merges pasted lists; derived from the name, so builds are reproducible
    _child(abstract, "w:nsid", val=f"{zlib.crc32(name.encode('utf-8')):08X}")
    _child(abstract, "w:multiLevelType", val="multilevel")
    _child(abstract, "w:name", val=name)
    for ilvl, level in enumerate(levels):
        lvl = _child(abstract, "w:lvl", ilvl=str(ilvl))
        _child(lvl, "w:start", val="1")
        _child(lvl, "w:numFmt", val=level.fmt)
        if level.restart_after is not None:
            _child(lvl, "w:lvlRestart", val=str(level.restart_after + 1))
        _child(lvl, "w:suff", val=level.suffix)
        _child(lvl, "w:lvlText", val=level.text)
        _child(lvl, "w:lvlJc", val="left")
        ppr = _child(lvl, "w:pPr")
        if level.suffix == "tab" and level.hanging:
            _child(_child(ppr, "w:tabs"), "w:tab", val="num", pos=str(level.left))
        _child(ppr, "w:ind", left=str(level.left), hanging=str(level.hanging))
    # every w:abstractNum precedes every w:num (schema order)
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        root.insert(0, abstract)
    return abstract_id


def add_list_instance(document: Document, abstract_id: int, *, restart: bool = False) -> int:
    """A new list (``w:num``) on the definition ``abstract_id``; ``restart`` makes it count from 1 again
    (Word continues the count of earlier instances of the same definition otherwise)."""
    root = _numbering_root(document)
    num = root.add_num(abstract_id)
    if restart:
        definition = root.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
        for lvl in definition.findall(qn("w:lvl")):
            override = _child(num, "w:lvlOverride", ilvl=lvl.get(qn("w:ilvl")))
            _child(override, "w:startOverride", val="1")
    return int(num.numId)


def set_paragraph_numbering(paragraph: Paragraph, num_id: int, ilvl: int) -> None:
    """Make the paragraph an item of list ``num_id`` at level ``ilvl``."""
    ppr = _get_or_add_ppr(paragraph._p)
    numpr = ppr.find(_NUMPR)
    if numpr is None:
        numpr = _insert_in_order(ppr, _w(_NUMPR), _PPR_RANK)
    ilvl_el = numpr.find(_ILVL)
    if ilvl_el is None:
        ilvl_el = _w(_ILVL)
        numpr.insert(0, ilvl_el)
    ilvl_el.set(_VAL, str(ilvl))
    num_el = numpr.find(_NUMID)
    if num_el is None:
        num_el = _w(_NUMID)
        ilvl_el.addnext(num_el)
    num_el.set(_VAL, str(num_id))


# -- content controls and bookmarks ---------------------------------------------------------------------


def wrap_in_content_control(paragraphs: Sequence[Paragraph], tag: str, alias: str):
    """Wrap consecutive paragraphs of one body or cell in a rich-text content control (a block-level ``w:sdt``).

    The tag and alias are attribute values, escaped by lxml.
    """
    if not paragraphs:
        raise ValueError("a content control needs at least one paragraph")
    sdt = OxmlElement("w:sdt")
    sdt_pr = _child(sdt, "w:sdtPr")
    _child(sdt_pr, "w:alias", val=alias)
    _child(sdt_pr, "w:tag", val=tag)
    _child(sdt, "w:sdtEndPr")
    content = _child(sdt, "w:sdtContent")
    paragraphs[0]._p.addprevious(sdt)
    for paragraph in paragraphs:
        content.append(paragraph._p)  # lxml moves the element
    return sdt


def max_bookmark_id(document: Document) -> int:
    """The largest ``w:id`` of a bookmark in the document body (-1 when it has none)."""
    ids = [int(b.get(qn("w:id"))) for b in document.element.body.iter(qn("w:bookmarkStart"))
           if (b.get(qn("w:id")) or "").isdigit()]
    return max(ids, default=-1)


def add_bookmark(first: Paragraph, last: Paragraph, name: str, bookmark_id: int) -> None:
    """A bookmark from the start of paragraph ``first`` to the end of paragraph ``last``."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    ppr = first._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        first._p.insert(0, start)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    last._p.append(end)
