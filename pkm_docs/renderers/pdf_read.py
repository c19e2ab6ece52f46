"""Reading what pkm-docs wrote into a PDF's metadata: the build manifest and the signing areas.

A PDF built now carries them in its XMP metadata (``pkm:manifest``, ``pkm:signing``, see :mod:`.pdf_finish`);
one built by an earlier version carried the manifest as JSON in its /Subject, which is still read.
"""

from __future__ import annotations

import io
import json
from typing import Any, Mapping

from lxml import etree

from .pdf_finish import PKM_NS

#: More manifest than this is no manifest pkm-docs wrote.
MAX_MANIFEST_CHARS = 2_000_000


def xmp_properties(xmp: bytes | None) -> dict[str, str]:
    """pkm-docs' properties in an XMP packet (``manifest``, ``signing``), as the strings they hold."""
    if not xmp:
        return {}
    try:
        root = etree.fromstring(xmp, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return {}
    found: dict[str, str] = {}
    for element in root.iter(f"{{{PKM_NS}}}*"):
        name = etree.QName(element).localname
        found.setdefault(name, element.text or "")
    for element in root.iter():  # a property written as an attribute of its rdf:Description
        for key, value in element.attrib.items():
            if str(key).startswith(f"{{{PKM_NS}}}"):
                found.setdefault(etree.QName(key).localname, str(value))
    return found


def _json_object(text: str | None) -> dict[str, Any] | None:
    if not text or len(text) > MAX_MANIFEST_CHARS:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def manifest_from(xmp: bytes | None, info: Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    """The manifest from an XMP packet and an Info dictionary, and where it was found ("XMP", "Subject" for a
    PDF built by an earlier pkm-docs, or "" when there is none)."""
    manifest = _json_object(xmp_properties(xmp).get("manifest"))
    if manifest is not None:
        return manifest, "XMP"
    subject = (info or {}).get("/Subject")
    manifest = _json_object(str(subject)) if subject is not None else None
    if manifest is not None and "generator" in manifest and "clauses" in manifest:
        return manifest, "Subject"
    return None, ""


def _latest(data: bytes) -> tuple[bytes | None, dict[str, Any]]:
    """The XMP packet and the Info dictionary of a PDF's latest revision."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    xmp = None
    if isinstance(root, pypdf.generic.DictionaryObject) and "/Metadata" in root:
        stream = root["/Metadata"].get_object()
        xmp = stream.get_data() if isinstance(stream, pypdf.generic.StreamObject) else None
    info = reader.trailer.get("/Info")
    info_object = info.get_object() if info is not None else None
    info_dict = {str(k): v for k, v in info_object.items()} if isinstance(info_object, dict) else {}
    return xmp, info_dict


def read_pdf_metadata(data: bytes) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    """``(manifest, signing layout, where the manifest was)`` of a PDF's latest revision."""
    xmp, info = _latest(data)
    manifest, where = manifest_from(xmp, info)
    return manifest, _json_object(xmp_properties(xmp).get("signing")), where


def read_pdf_build(data: bytes) -> dict[str, Any] | None:
    """How a PDF was built (``pkm:build``: whether it is a draft), or None when it does not say."""
    return _json_object(xmp_properties(_latest(data)[0]).get("build"))


def read_pdf_clauses(data: bytes) -> list[dict[str, Any]] | None:
    """The clause texts recorded at build (``pkm:clauses``) in a PDF's latest revision, or None."""
    raw = xmp_properties(_latest(data)[0]).get("clauses")
    if not raw or len(raw) > MAX_MANIFEST_CHARS:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list) else None


def read_pdf_manifest(data: bytes) -> dict[str, Any] | None:
    """The build manifest a PDF carries, or None for a PDF that pkm-docs did not build."""
    return read_pdf_metadata(data)[0]
