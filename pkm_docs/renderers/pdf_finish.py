"""Finishing typst's PDF: one incremental update that writes the build manifest into the XMP metadata (the
``pkm`` namespace, declared as a PDF/A extension schema) and adds an empty signature field per signer.

typst cannot write custom XMP nor form fields, so both come after it, in one update appended to typst's bytes
(which stay as they were: nothing typst wrote is rewritten). The update is reproducible: no clock, no random
file identifier. It is written with pypdf's public object model (reading typst's objects, writing ours); only
its cross-reference table and trailer are laid out here (:class:`Update`). A build imports no pyHanko: signing
(:mod:`pkm_docs.signing`) appends further updates after this one, with pyHanko.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, cast

from lxml import etree

from ..errors import BuildError
from ..model import Agreement

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject, PdfObject

#: The XMP namespace of pkm-docs' own properties (a name, never fetched: ``.invalid`` is reserved for that).
PKM_NS = "https://pkm-docs.invalid/ns/xmp/1.0/"
PKM_PREFIX = "pkm"

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_EXTENSION_NS = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA_NS = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY_NS = "http://www.aiim.org/pdfa/ns/property#"

#: The properties pkm-docs writes, with the description its PDF/A extension schema gives each.
PROPERTIES = {
    "manifest": "The pkm-docs build manifest as JSON: each clause's id, version and content hash, the ad-hoc texts, "
                "the library, and the source named by its file name and SHA-256 hash",
    "signing": "The signing areas as JSON: each signer's signature field and e-meterai area (page, box in points)",
    "build": "How the file was built, as JSON: whether it is a draft (marked RANCANGAN / DRAFT on every page)",
    "clauses": "Each clause as built, as JSON: its id, version, hash, article, parameter values and the text it "
               "shows in each language, which pkm verify compares with the text on the pages",
}

_SCHEMA_NAME = "pkm-docs build manifest"


@dataclass(frozen=True)
class Area:
    """A signing area of the PDF: ``kind`` "signature" or "meterai", whose (a party's or a witness's key), its page
    (1 for the first) and its box (left, bottom, right, top) in PDF points from the page's bottom left."""

    kind: str
    key: str
    page: int
    box: tuple[int, int, int, int]

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "page": self.page, "box": list(self.box)}


def areas_from_marks(marks: Iterable[Mapping[str, Any]], page_heights: Mapping[int, float]) -> list[Area]:
    """The areas that the template's corner marks enclose, in the order of their first mark.

    typst's y runs down from the top of the page; PDF's runs up from the bottom. A signature field's box is
    rounded inwards (a field's /Rect is in whole points), an e-meterai box outwards, so a field never covers it.
    """
    corners: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for mark in marks:
        corners.setdefault((str(mark["kind"]), str(mark["key"])), {})[str(mark["corner"])] = mark
    areas = []
    for (kind, key), found in corners.items():
        top_left, bottom_right = found.get("top-left"), found.get("bottom-right")
        if top_left is None or bottom_right is None or top_left["page"] != bottom_right["page"]:
            raise BuildError(f"PDF rendering failed: the {kind} area of `{key}` is split over two pages")
        page = int(top_left["page"])
        height = page_heights[page]
        left, right = float(top_left["x"]), float(bottom_right["x"])
        top, bottom = height - float(top_left["y"]), height - float(bottom_right["y"])
        if kind == "signature":
            box = (math.ceil(left), math.ceil(bottom), math.floor(right), math.floor(top))
        else:
            box = (math.floor(left), math.floor(bottom), math.ceil(right), math.ceil(top))
        areas.append(Area(kind, key, page, box))
    return areas


def clause_record(agreement: Agreement) -> list[dict[str, Any]]:
    """What ``pkm:clauses`` records: every clause use (ad-hoc texts included) in document order, with its values
    (in their JSON form) and, per language, its paragraphs, each as ``[text, item, item, ...]``."""
    record = []
    for article, use in agreement.uses():
        where = article.where
        text = {lang: [[para.text.get(lang), *(item.get(lang) for item in para.items)] for para in use.paragraphs]
                for lang in agreement.languages}
        entry = {"id": use.clause_id, "version": use.version, "hash": use.content_hash, "where": where,
                 "params": {name: value.type.to_data(value.value) for name, value in use.values.items()
                            if value.value is not None},
                 "text": text}
        tables = [para.table for para in use.paragraphs if para.table is not None]
        if tables:  # an annex's tables, per language: each a list of rows (headings, rows, total), each of cells
            entry["tables"] = {lang: [[[cell.get(lang) for cell in row]
                                       for row in (table.columns, *table.rows, table.total) if row]
                                      for table in tables] for lang in agreement.languages}
        record.append(entry)
    return record


def signing_layout(areas: Iterable[Area]) -> dict[str, Any]:
    """What ``pkm:signing`` records: the signature fields and the e-meterai areas."""
    areas = list(areas)
    return {"fields": [a.to_data() for a in areas if a.kind == "signature"],
            "meterai": [a.to_data() for a in areas if a.kind == "meterai"]}


# ---------------------------------------------------------------- XMP

def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def xmp_with_properties(xmp: bytes, values: Mapping[str, str]) -> bytes:
    """``xmp`` (an XMP packet) with pkm-docs' properties set to ``values`` and declared in its PDF/A extension
    schemas; the packet's header and trailer are kept as they are."""
    text = xmp.decode("utf-8")
    start, end_tag = text.find("<x:xmpmeta"), "</x:xmpmeta>"
    end = text.find(end_tag)
    if start < 0 or end < 0:
        raise BuildError("PDF rendering failed: typst wrote no XMP packet")
    end += len(end_tag)
    meta = etree.fromstring(text[start:end].encode("utf-8"))
    rdf = meta.find(_q(RDF_NS, "RDF"))
    if rdf is None:
        raise BuildError("PDF rendering failed: typst's XMP has no rdf:RDF")
    for old in rdf.findall(_q(RDF_NS, "Description")):  # a rebuild of a finished file: one set of properties
        for child in list(old):
            if child.tag.startswith(f"{{{PKM_NS}}}"):
                old.remove(child)
    description = etree.SubElement(rdf, _q(RDF_NS, "Description"), nsmap={PKM_PREFIX: PKM_NS, "rdf": RDF_NS})
    description.set(_q(RDF_NS, "about"), "")
    for name, value in values.items():
        etree.SubElement(description, _q(PKM_NS, name)).text = value
    _declare_schema(rdf)
    body = etree.tostring(meta, encoding="unicode")
    return (text[:start] + body + text[end:]).encode("utf-8")


def _declare_schema(rdf: etree._Element) -> None:
    """Add the ``pkm`` schema to the packet's ``pdfaExtension:schemas`` (PDF/A allows no undeclared property)."""
    bag = rdf.find(f"{_q(RDF_NS, 'Description')}/{_q(PDFA_EXTENSION_NS, 'schemas')}/{_q(RDF_NS, 'Bag')}")
    if bag is None:
        holder = etree.SubElement(rdf, _q(RDF_NS, "Description"), nsmap={
            "pdfaExtension": PDFA_EXTENSION_NS, "pdfaSchema": PDFA_SCHEMA_NS, "pdfaProperty": PDFA_PROPERTY_NS})
        holder.set(_q(RDF_NS, "about"), "")
        bag = etree.SubElement(etree.SubElement(holder, _q(PDFA_EXTENSION_NS, "schemas")), _q(RDF_NS, "Bag"))
    for li in bag.findall(_q(RDF_NS, "li")):
        if li.findtext(_q(PDFA_SCHEMA_NS, "namespaceURI")) == PKM_NS:
            bag.remove(li)
    li = etree.SubElement(bag, _q(RDF_NS, "li"))
    li.set(_q(RDF_NS, "parseType"), "Resource")
    etree.SubElement(li, _q(PDFA_SCHEMA_NS, "schema")).text = _SCHEMA_NAME
    etree.SubElement(li, _q(PDFA_SCHEMA_NS, "namespaceURI")).text = PKM_NS
    etree.SubElement(li, _q(PDFA_SCHEMA_NS, "prefix")).text = PKM_PREFIX
    seq = etree.SubElement(etree.SubElement(li, _q(PDFA_SCHEMA_NS, "property")), _q(RDF_NS, "Seq"))
    for name, about in PROPERTIES.items():
        prop = etree.SubElement(seq, _q(RDF_NS, "li"))
        prop.set(_q(RDF_NS, "parseType"), "Resource")
        etree.SubElement(prop, _q(PDFA_PROPERTY_NS, "name")).text = name
        etree.SubElement(prop, _q(PDFA_PROPERTY_NS, "valueType")).text = "Text"
        etree.SubElement(prop, _q(PDFA_PROPERTY_NS, "category")).text = "external"
        etree.SubElement(prop, _q(PDFA_PROPERTY_NS, "description")).text = about


# ---------------------------------------------------------------- the update

def field_tooltip(agreement: Agreement, key: str) -> str:
    """What a viewer shows over a signature field: whose signature it takes, in the agreement's languages."""
    lang = agreement.languages[0]
    party = next((p for p in agreement.parties if p.key == key), None)
    if party is not None:
        who = f"{party.alias.get(lang)}: {party.representative}, {party.name.get(lang)}"
    else:
        witness = next((w for w in agreement.witnesses if w.key == key), None)
        who = f"{witness.name}" if witness is not None else key
    label = " / ".join({"id": "Tanda tangan", "en": "Signature"}.get(lang_, "Signature")
                       for lang_ in agreement.languages)
    return f"{label}: {who}"


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


class Update:
    """One incremental update (ISO 32000-1, 7.5.6) to the PDF ``base``: the objects it replaces or adds, then a
    cross-reference section for them and a trailer that repeats the previous one's entries, with ``/Prev``.

    The objects are pypdf's, read from and referring into ``reader``, and written by pypdf itself; only the
    cross-reference table and the trailer are laid out here. The file identifier keeps its first part and
    takes as second the start of the SHA-256 of ``base`` (a later version of the same file, the same bytes
    for the same input: no clock, nothing random)."""

    def __init__(self, base: bytes, reader: PdfReader) -> None:
        self.base, self.reader = base, reader
        self.objects: dict[int, tuple[int, PdfObject]] = {}
        self.next_number = int(cast(int, reader.trailer["/Size"]))

    def add(self, obj: PdfObject) -> IndirectObject:
        """A new indirect object; its reference."""
        from pypdf.generic import IndirectObject

        number, self.next_number = self.next_number, self.next_number + 1
        self.objects[number] = (0, obj)
        return IndirectObject(number, 0, self.reader)

    def replace(self, ref: IndirectObject, obj: PdfObject) -> None:
        """``obj`` in place of the object that ``ref`` refers to."""
        self.objects[ref.idnum] = (ref.generation, obj)

    def _trailer(self, previous: int) -> DictionaryObject:
        from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject

        old = self.reader.trailer
        trailer = DictionaryObject({NameObject("/Size"): NumberObject(max(self.next_number,
                                                                              int(cast(int, old["/Size"]))))})
        for key in old:
            if key not in ("/Size", "/Prev", "/ID", "/XRefStm"):
                trailer[NameObject(key)] = old.raw_get(key)
        ids = old.get("/ID")
        digest = hashlib.sha256(self.base).digest()
        first = digest[16:] if not ids else getattr(ids[0], "original_bytes", ids[0])  # a text string: its bytes
        trailer[NameObject("/ID")] = ArrayObject([ByteStringObject(bytes(first)), ByteStringObject(digest[:16])])
        trailer[NameObject("/Prev")] = NumberObject(previous)
        return trailer

    def write(self) -> bytes:
        """``base`` with this update after it."""
        found = _STARTXREF.search(self.base[-1024:])
        if found is None:
            raise BuildError("PDF rendering failed: typst's PDF has no startxref")
        out = io.BytesIO()
        out.write(self.base)
        offsets = {}
        for number in sorted(self.objects):
            generation, obj = self.objects[number]
            offsets[number] = (out.tell(), generation)
            out.write(f"{number} {generation} obj\n".encode("ascii"))
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n")
        numbers = sorted(offsets)
        runs: list[list[int]] = []
        for number in numbers:
            if runs and runs[-1][-1] == number - 1:
                runs[-1].append(number)
            else:
                runs.append([number])
        for run in runs:
            out.write(f"{run[0]} {len(run)}\n".encode("ascii"))
            for number in run:
                offset, generation = offsets[number]
                out.write(f"{offset:010d} {generation:05d} n \n".encode("ascii"))
        out.write(b"trailer\n")
        self._trailer(int(found.group(1))).write_to_stream(out)
        out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode("ascii"))
        return out.getvalue()


def _raw_copy(dictionary: DictionaryObject) -> DictionaryObject:
    """A new dictionary with ``dictionary``'s entries as they are (references stay references)."""
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject(key): dictionary.raw_get(key) for key in dictionary})


def _page_ref(reader: PdfReader, number: int) -> IndirectObject:
    """The reference of page ``number`` (1 for the first)."""
    ref = reader.pages[number - 1].indirect_reference
    if ref is None:
        raise BuildError(f"PDF rendering failed: page {number} of typst's PDF is no object of its own")
    return ref


def add_signature_fields(update: Update, catalog: DictionaryObject, agreement: Agreement,
                         areas: Iterable[Area]) -> None:
    """One empty signature field per signing area, named by the key of its party or witness: ``pkm sign --party
    KEY`` signs into it, and nothing else can (the signer asks for existing fields only). Each field is its own
    widget (printed, locked) with an empty appearance, listed in the page's /Annots and the catalog's
    /AcroForm; ``catalog`` is the catalog being written."""
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                               NumberObject, TextStringObject)

    reader = update.reader
    fields = []
    widgets: dict[int, list[IndirectObject]] = {}
    for area in areas:
        if area.kind != "signature":
            continue
        left, bottom, right, top = area.box
        appearance = DecodedStreamObject()
        appearance.update({
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(right - left),
                                              NumberObject(top - bottom)]),
            NameObject("/Resources"): DictionaryObject(),
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form")})
        appearance.set_data(b"")
        page_ref = _page_ref(reader, area.page)
        widget = DictionaryObject({
            NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject(area.key),
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/F"): NumberObject(132),  # print, locked
            NameObject("/Rect"): ArrayObject([NumberObject(v) for v in area.box]),
            NameObject("/P"): page_ref,
            NameObject("/TU"): TextStringObject(field_tooltip(agreement, area.key))})
        ref = update.add(widget)
        widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): update.add(appearance)})
        fields.append(ref)
        widgets.setdefault(area.page, []).append(ref)
    if not fields:
        return
    if "/AcroForm" in catalog:
        raise BuildError("PDF rendering failed: typst's PDF already has a form")
    for number, refs in sorted(widgets.items()):
        page = reader.pages[number - 1]
        annots = page.raw_get("/Annots") if "/Annots" in page else ArrayObject()
        if isinstance(annots, IndirectObject):  # an array of its own: replaced where it is
            update.replace(annots, ArrayObject([*cast(ArrayObject, annots.get_object()), *refs]))
            continue
        copy = _raw_copy(page)
        copy[NameObject("/Annots")] = ArrayObject([*annots, *refs])
        update.replace(_page_ref(reader, number), copy)
    catalog[NameObject("/AcroForm")] = update.add(DictionaryObject({
        NameObject("/Fields"): ArrayObject(fields), NameObject("/SigFlags"): NumberObject(1)}))


def load_pypdf() -> None:
    """Import pypdf ahead of :func:`finish` (a build does it while typst lays out the PDF)."""
    import pypdf  # noqa: F401


def finish(pdf: bytes, agreement: Agreement, marks: Iterable[Mapping[str, Any]], *, draft: bool = False) -> bytes:
    """typst's ``pdf`` with the manifest in its XMP metadata and a signature field in each signing area."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import DecodedStreamObject, NameObject

    from .pdf import manifest_json

    if not pdf.endswith(b"\n"):  # typst ends on `%%EOF` alone: the update must start on a line of its own
        pdf += b"\n"
    marks = list(marks)
    pages = {int(mark["page"]) for mark in marks}
    try:
        reader = PdfReader(io.BytesIO(pdf))
        heights = {page: float(reader.pages[page - 1].mediabox.top) for page in pages}
        catalog_ref = reader.trailer.raw_get("/Root")
        catalog = _raw_copy(catalog_ref.get_object())
        metadata_ref = catalog.raw_get("/Metadata")
        old_xmp = metadata_ref.get_object().get_data()
    except (PyPdfError, KeyError, IndexError, AttributeError) as exc:
        raise BuildError(f"PDF rendering failed: typst's PDF could not be read back ({exc})") from None
    areas = areas_from_marks(marks, heights)
    values = {"manifest": manifest_json(agreement),
              "signing": json.dumps(signing_layout(areas), sort_keys=True, separators=(",", ":")),
              "build": json.dumps({"draft": draft}, separators=(",", ":")),
              "clauses": json.dumps(clause_record(agreement), ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":"), default=str)}
    update = Update(pdf, reader)
    metadata = DecodedStreamObject()
    metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    metadata.set_data(xmp_with_properties(old_xmp, values))
    update.replace(metadata_ref, metadata)  # where typst's was: the catalog keeps its reference
    add_signature_fields(update, catalog, agreement, areas)
    update.replace(catalog_ref, catalog)
    return update.write()
