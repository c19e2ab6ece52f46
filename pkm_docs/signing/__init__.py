"""Signing a built PDF (``pkm sign``) and verifying a signed one (``pkm verify``), with pyHanko.

A PDF that ``pkm build`` writes holds one empty signature field per party and witness, named by its key
(:mod:`pkm_docs.renderers.pdf_finish`); ``pkm sign`` puts a PAdES signature into one of them in an incremental
update, so each party signs after the other and the earlier signatures stay valid.
"""

from __future__ import annotations

import logging

from lxml import etree

#: The XMP namespaces of typst's metadata and ours: pyHanko writes the whole XMP again with each signature, and
#: lxml names a namespace it was not told of ``ns0``. Registered before any signature or read.
XMP_PREFIXES = {
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "stEvt": "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "xmpTPg": "http://ns.adobe.com/xap/1.0/t/pg/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}


def prepare_pyhanko() -> None:
    """Register the XMP prefixes and keep pyHanko's log quiet: it logs every modification it rejects with a
    traceback, while ``pkm verify`` reports them in words."""
    from ..renderers.pdf_finish import PKM_NS, PKM_PREFIX

    for prefix, uri in {**XMP_PREFIXES, PKM_PREFIX: PKM_NS}.items():
        etree.register_namespace(prefix, uri)
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL + 1)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL + 1)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)  # its warnings about a damaged file: reported in words
