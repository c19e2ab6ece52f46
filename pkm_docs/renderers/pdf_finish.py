"""Finishing typst's PDF: one incremental update that writes the build manifest into the XMP metadata (the
``pkm`` namespace, declared as a PDF/A extension schema) and adds an empty signature field per signer.

typst cannot write custom XMP nor form fields, so both come after it, in one update appended to typst's bytes
(which stay as they were: nothing typst wrote is rewritten). The update is reproducible: no clock, no random
file identifier. Signing (:mod:`pkm_docs.signing`) appends further updates after this one.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from lxml import etree

from ..errors import BuildError
from ..model import Agreement

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
    rounded inwards (pyHanko writes whole points), an e-meterai box outwards, so a field never covers it.
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
        where = str(article.number) if article.number is not None else article.kind
        text = {lang: [[para.text.get(lang), *(item.get(lang) for item in para.items)] for para in use.paragraphs]
                for lang in agreement.languages}
        record.append({"id": use.clause_id, "version": use.version, "hash": use.content_hash, "where": where,
                       "params": {name: value.type.to_data(value.value) for name, value in use.values.items()
                                  if value.value is not None},
                       "text": text})
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

def _writer_class():
    """pyHanko's incremental writer, made reproducible: the file identifier's second part is derived from the
    bytes it extends (pyHanko draws it at random), and the Info dictionary and XMP are left as written here
    (pyHanko would stamp the clock and its name into both).

    The two methods overridden are pyHanko's own (``_handle_id``, ``_update_meta``): it has no public switch for
    either, and a build must give the same bytes every time. ``test_two_renders_give_identical_bytes`` and the
    golden corpus fail if a pyHanko release changes them; the dependency is pinned to one minor version."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class ReproducibleWriter(IncrementalPdfFileWriter):
        @classmethod
        def _handle_id(cls, prev):
            first = prev.trailer["/ID"][0] if "/ID" in prev.trailer else None
            prev.stream.seek(0)
            digest = hashlib.sha256(prev.stream.read()).digest()
            if first is None:
                first = digest[16:]
            elif isinstance(first, generic.TextStringObject):
                first = first.original_bytes
            return generic.ArrayObject([generic.ByteStringObject(bytes(first)), generic.ByteStringObject(digest[:16])])

        def _update_meta(self):
            pass

    return ReproducibleWriter


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


def add_signature_fields(writer, agreement: Agreement, areas: Iterable[Area]) -> None:
    """One empty signature field per signing area, named by the key of its party or witness: ``pkm sign --party
    KEY`` signs into it, and nothing else can (the signer asks for existing fields only)."""
    from pyhanko.sign import fields

    for area in areas:
        if area.kind != "signature":
            continue
        fields.append_signature_field(writer, fields.SigFieldSpec(
            sig_field_name=area.key, on_page=area.page - 1, box=area.box,
            readable_field_name=field_tooltip(agreement, area.key)))


def finish(pdf: bytes, agreement: Agreement, marks: Iterable[Mapping[str, Any]], *, draft: bool = False) -> bytes:
    """typst's ``pdf`` with the manifest in its XMP metadata and a signature field in each signing area."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    from .pdf import manifest_json

    if not pdf.endswith(b"\n"):  # typst ends on `%%EOF` alone: the update must start on a line of its own
        pdf += b"\n"
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    marks = list(marks)
    heights = {}
    for page in sorted({int(mark["page"]) for mark in marks}):
        media_box = reader.find_page_for_modification(page - 1)[0].get_object()["/MediaBox"]
        heights[page] = float(media_box[3])
    areas = areas_from_marks(marks, heights)
    writer = _writer_class()(io.BytesIO(pdf), prev=reader)
    root = writer.root
    old_xmp = root["/Metadata"].get_object().data
    values = {"manifest": manifest_json(agreement),
              "signing": json.dumps(signing_layout(areas), sort_keys=True, separators=(",", ":")),
              "build": json.dumps({"draft": draft}, separators=(",", ":")),
              "clauses": json.dumps(clause_record(agreement), ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":"), default=str)}
    stream = generic.StreamObject({generic.NameObject("/Type"): generic.NameObject("/Metadata"),
                                   generic.NameObject("/Subtype"): generic.NameObject("/XML")},
                                  stream_data=xmp_with_properties(old_xmp, values))
    root[generic.NameObject("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    add_signature_fields(writer, agreement, areas)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
