"""The raw WordprocessingML the DOCX renderer needs and python-docx has no API for, kept in one thin layer."""

from __future__ import annotations

import copy
import datetime
import functools
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.part import Part, XmlPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree
from markupsafe import Markup, escape

from .docx_markup import attr

#: Characters XML 1.0 cannot hold (C0 controls except tab, newline, carriage return; surrogates; U+FFFE/F).
INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CUSTOM_PROPERTIES_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: A fixed timestamp for every zip member (the earliest a zip can hold), so builds are reproducible.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


# -- text that must stay data ---------------------------------------------------------------------------


_WHOLE = re.compile(r"-?[0-9]{1,9}")


def _whole(text: str | None) -> int | None:
    """An id or count of a template's XML as an int; None for anything else (``abc``, ``²``, 5,000 digits)."""
    return int(text) if text is not None and _WHOLE.fullmatch(text) else None


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
    """Well-formed WordprocessingML (body blocks) for a ``{{p ...}}`` placeholder, inert the same way."""
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
        added = OxmlElement(tag)
        rpr.insert_element_before(added, *_RPR_ORDER[_RPR_ORDER.index(tag) + 1:])  # type: ignore[arg-type]
        element = added
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
                                                         "w:ind", "w:jc", "w:rPr")
                          if ppr.find(qn(tag)) is not None), None)
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


def move_to_start(paragraph: Paragraph) -> None:
    """Move a paragraph to the top of its story (above a letterhead table, say)."""
    element = paragraph._p
    parent = element.getparent()
    assert parent is not None, "a paragraph of a story has a parent"
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
    assert path is not None, "_WATERMARK has a textpath"
    path.set("string", text)  # an attribute value: lxml escapes it
    paragraph._p.append(run)


# -- styles and package parts ---------------------------------------------------------------------------


def set_doc_defaults(document: Document, font: str, size_half_points: int, lang: str) -> None:
    """Document-wide default font (all scripts), size and language; no spacing after paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), font)
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


def replace_style(source: Document, target: Document, name: str) -> None:
    """Give ``target`` the definition of the style ``name`` that ``source`` has (its own, if any, goes)."""
    mine = next(style for style in source.styles if style.name == name)
    theirs = next((style for style in target.styles if style.name == name), None)
    if theirs is not None:
        theirs.element.addprevious(copy.deepcopy(mine.element))
        detach(theirs.element)
    else:
        target.styles.element.append(copy.deepcopy(mine.element))


def remove_style(document: Document, name: str) -> None:
    """Delete a style definition (the house template drops python-docx's hundred table styles)."""
    detach(document.styles[name].element)


def detach(element: etree._Element) -> None:
    """Take ``element`` out of the tree it is in (nothing to do for a root)."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def drop_related_parts(source: Any, reltype: str) -> None:
    """Unlink parts of ``reltype`` from a package or part.

    Used for the thumbnail and stylesWithEffects of python-docx's default template.
    """
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
    pid = max((_whole(p.get("pid")) or 1 for p in root), default=1)
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
    # every property has a name (the schema requires it); lxml-stubs types itertext() as str | bytes, but a
    # parsed document yields str
    return {p.get("name", ""): "".join(p.itertext()) for p in root}  # type: ignore[arg-type]


# -- the package as bytes -------------------------------------------------------------------------------


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps and attributes and a fixed member order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    return zip_members(members)


def package_members(package: Any) -> dict[str, bytes]:
    """The zip members python-docx's ``package.save()`` writes, by name, without zipping them.

    ``deterministic_zip`` of a saved package unzips it only to zip the same members again;
    ``zip_members(package_members(package))`` gives the same bytes, compressing each member once.
    """
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    members = {
        CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
        PACKAGE_URI.rels_uri.membername: package.rels.xml,
    }
    for part in parts:
        members[part.partname.membername] = part.blob
        if len(part.rels):
            members[part.partname.rels_uri.membername] = part.rels.xml
    return members


#: The zip records written by ``zip_members``, laid out as Python's zipfile lays them out.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_ZIP_VERSION = 20  # 2.0: deflate
_UTF8_NAME = 0x800  # general purpose flag: the name is UTF-8, not ASCII
_OWNER_READ_WRITE = 0o600 << 16  # the external attributes zipfile writes for a ZipInfo whose are 0
_DOS_DATE = (_ZIP_EPOCH[0] - 1980) << 9 | _ZIP_EPOCH[1] << 5 | _ZIP_EPOCH[2]
_DOS_TIME = _ZIP_EPOCH[3] << 11 | _ZIP_EPOCH[4] << 5 | _ZIP_EPOCH[5] // 2


def zip_members(members: Mapping[str, bytes]) -> bytes:
    """A zip of ``members`` with fixed timestamps and attributes and a fixed member order, each deflated at
    level 9.

    The bytes are those Python's zipfile writes for a ``ZipInfo`` with that date, ``create_system`` and
    ``external_attr`` 0 and ``compresslevel=9`` (as house.docx and the DOCX files before were written);
    laid out here so that a member already deflated in an earlier render is not deflated again.
    """
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in members]
    order = first + sorted(name for name in members if name not in first)
    out = bytearray()
    directory = bytearray()
    for name in order:
        data = members[name]
        crc, deflated = _deflate(data)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        sizes = (crc, len(deflated), len(data), len(encoded))
        directory += _CENTRAL_HEADER.pack(b"PK\x01\x02", _ZIP_VERSION, 0, _ZIP_VERSION, 0, flags,
                                          zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, *sizes, 0, 0, 0, 0,
                                          _OWNER_READ_WRITE, len(out))
        directory += encoded
        out += _LOCAL_HEADER.pack(b"PK\x03\x04", _ZIP_VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME,
                                  _DOS_DATE, *sizes, 0)
        out += encoded
        out += deflated
    start = len(out)
    out += directory
    out += _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(order), len(order), len(directory), start, 0)
    return bytes(out)


#: Members up to this size are kept deflated by content: the ones that recur from one render to the next are
#: the template's own (styles, theme, fonts, settings), all small; the larger ones (the document) are new each time.
_DEFLATED_MAX_SIZE = 64 * 1024


def _deflate(data: bytes) -> tuple[int, bytes]:
    """``data``'s CRC-32 and its raw deflate stream at level 9, as zipfile makes them."""
    return _deflate_recurring(data) if len(data) <= _DEFLATED_MAX_SIZE else _deflate_once(data)


@functools.lru_cache(maxsize=64)
def _deflate_recurring(data: bytes) -> tuple[int, bytes]:
    return _deflate_once(data)


def _deflate_once(data: bytes) -> tuple[int, bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


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
        related = part.part_related_by(RT.NUMBERING)
        assert isinstance(related, XmlPart), "python-docx loads word/numbering.xml as a NumberingPart"
        return related.element
    except KeyError:
        numbering = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING,
                                  parse_xml(f'<w:numbering xmlns:w="{_W_NS}"/>'), part.package)
        part.relate_to(numbering, RT.NUMBERING)
        return numbering.element


#: Clark names of the numbering elements and attributes read here.
_ABSTRACT_NUM, _ABSTRACT_NUM_ID = qn("w:abstractNum"), qn("w:abstractNumId")
_NUM, _NUM_ID, _LVL, _ILVL = qn("w:num"), qn("w:numId"), qn("w:lvl"), qn("w:ilvl")
_NUM_SUCCESSOR = qn("w:numIdMacAtCleanup")
_NSDECL = f'xmlns:w="{_W_NS}"'


def add_list(document: Document, name: str, levels: Sequence[ListLevel]) -> int:
    """Define a multilevel list (a ``w:abstractNum``) named ``name``; return the id of its definition."""
    root = _numbering_root(document)
    abstracts = root.findall(_ABSTRACT_NUM)
    ids = [_whole(a.get(_ABSTRACT_NUM_ID)) for a in abstracts]
    abstract_id = max((i for i in ids if i is not None), default=-1) + 1
    # nsid identifies the list when Word merges pasted lists; derived from the name, so builds are reproducible
    nsid = f"{zlib.crc32(name.encode('utf-8')):08X}"
    abstract = parse_xml(
        f'<w:abstractNum {_NSDECL} w:abstractNumId="{abstract_id}"><w:nsid w:val="{nsid}"/>'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val={attr(name)}/>'
        + "".join(_level_markup(ilvl, level) for ilvl, level in enumerate(levels)) + "</w:abstractNum>")
    # every w:abstractNum precedes every w:num (schema order)
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        root.insert(0, abstract)
    return abstract_id


def _level_markup(ilvl: int, level: ListLevel) -> str:
    restart = f'<w:lvlRestart w:val="{level.restart_after + 1}"/>' if level.restart_after is not None else ""
    tabs = (f'<w:tabs><w:tab w:val="num" w:pos="{level.left}"/></w:tabs>'
            if level.suffix == "tab" and level.hanging else "")
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val={attr(level.fmt)}/>{restart}'
            f'<w:suff w:val={attr(level.suffix)}/><w:lvlText w:val={attr(level.text)}/><w:lvlJc w:val="left"/>'
            f'<w:pPr>{tabs}<w:ind w:left="{level.left}" w:hanging="{level.hanging}"/></w:pPr></w:lvl>')


def add_list_instance(document: Document, abstract_id: int, *, restart: bool = False) -> int:
    """A new list (``w:num``) on the definition ``abstract_id``; ``restart`` makes it count from 1 again
    (Word continues the count of earlier instances of the same definition otherwise).

    The new list takes the first unused ``numId`` from 1, as python-docx's ``add_num`` numbers them.
    """
    root = _numbering_root(document)
    used = {_whole(num.get(_NUM_ID)) for num in root.iterchildren(_NUM)} - {None}
    num_id = next(n for n in range(1, len(used) + 2) if n not in used)
    overrides = ""
    if restart:
        definition = root.find(f"{_ABSTRACT_NUM}[@{_ABSTRACT_NUM_ID}='{abstract_id}']")
        overrides = "".join(f'<w:lvlOverride w:ilvl={attr(lvl.get(_ILVL))}><w:startOverride w:val="1"/>'
                            "</w:lvlOverride>" for lvl in definition.findall(_LVL))
    num = parse_xml(f'<w:num {_NSDECL} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                    f"{overrides}</w:num>")
    successor = root.find(_NUM_SUCCESSOR)
    if successor is not None:
        successor.addprevious(num)
    else:
        root.append(num)
    return num_id


# -- bookmarks ------------------------------------------------------------------------------------------


def max_bookmark_id(document: Document) -> int:
    """The largest ``w:id`` of a bookmark in the document body (-1 when it has none)."""
    ids = [_whole(b.get(qn("w:id"))) for b in document.element.body.iter(qn("w:bookmarkStart"))]
    return max((i for i in ids if i is not None), default=-1)
