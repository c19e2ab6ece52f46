"""A user's DOCX template (``--template``) checked before python-docx opens it: the same limits as a returned
DOCX, every XML part well-formed, and a page python-docx can measure.

A letterhead is a file that arrives by e-mail; what python-docx would fail on with a traceback (no ``sectPr``,
a page width of ``abc``, a styles part that is not XML) is a :class:`BuildError` naming the file and the part.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BuildError
from .docx_read import W, UnreadableDocx, parse_xml, read_package

_TWIPS = re.compile(r"-?[0-9]{1,9}")

#: The attributes python-docx turns into int when it measures the page and the list indents.
_MEASURED = {
    "pgSz": ("w", "h"),
    "pgMar": ("top", "right", "bottom", "left", "header", "footer", "gutter"),
    "ind": ("left", "right", "start", "end", "hanging", "firstLine"),
}


def check_template(path: Path, data: bytes) -> None:
    """Raise :class:`BuildError` when the template at ``path`` (its bytes ``data``) cannot be used safely."""
    try:
        members = read_package(data)
        parts = {name: parse_xml(blob, name) for name, blob in members.items()
                 if name.endswith((".xml", ".rels")) and blob.strip()}
    except UnreadableDocx as exc:
        raise BuildError(f"DOCX template {path}: {exc}") from None
    document = parts.get("word/document.xml")
    if document is None:
        return  # python-docx says it is not a Word document, which is reported already
    body = document.find(f"{W}body")
    section = body[-1] if body is not None and len(body) else None
    if section is None or section.tag != f"{W}sectPr":
        raise BuildError(f"DOCX template {path} has no page settings (no <w:sectPr> at the end of its body)",)
    for name, root in parts.items():
        for element, attributes in _MEASURED.items():
            for found in root.iter(f"{W}{element}"):
                for attribute in attributes:
                    value = found.get(f"{W}{attribute}")
                    if value is not None and not _TWIPS.fullmatch(value):
                        raise BuildError(f"DOCX template {path}: {name} gives <w:{element}> a {attribute} of "
                                         f"`{value[:40]}`, which is not a whole number of twips")
    size = section.find(f"{W}pgSz")
    margins = section.find(f"{W}pgMar")
    if size is None or size.get(f"{W}w") is None or margins is None or None in (
            margins.get(f"{W}left"), margins.get(f"{W}right")):
        raise BuildError(f"DOCX template {path} does not give its page width and margins "
                         "(<w:pgSz w:w> and <w:pgMar w:left w:right> in its last <w:sectPr>)")
