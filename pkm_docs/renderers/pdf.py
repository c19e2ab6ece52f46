"""PDF renderer: the agreement model goes to a typst template as JSON data and comes back as PDF/A-2b bytes."""

from __future__ import annotations

import calendar
import datetime
import json
from pathlib import Path

import typst

from ..errors import BuildError, UsageError
from ..model import Agreement
from ..resources import resource_dir

#: Layouts the template knows: "parallel" sets Indonesian and English side by side, article by article.
LAYOUTS = ("parallel",)

#: The PDF standard every render is checked against by typst.
PDF_STANDARD = "a-2b"

TEMPLATE_NAME = "agreement.typ"


def template_path() -> Path:
    """The typst template shipped with pkm-docs."""
    return resource_dir("templates") / TEMPLATE_NAME


def signing_timestamp(date: datetime.date) -> int:
    """The signing date at 00:00 UTC as Unix seconds: the PDF's creation date, so renders are reproducible."""
    return calendar.timegm(date.timetuple())


def manifest_json(agreement: Agreement) -> str:
    """The build manifest as compact, key-sorted JSON: what the PDF carries in its /Subject (dc:description)."""
    return json.dumps(agreement.manifest.to_data(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def render_inputs(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> dict[str, str]:
    """The ``sys.inputs`` of the template: the model as JSON data plus the render options, all plain strings."""
    return {
        "model": json.dumps(agreement.to_data(), ensure_ascii=False, sort_keys=True),
        "manifest": manifest_json(agreement),
        "layout": layout,
        "draft": "true" if draft else "false",
    }


def render_pdf(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> bytes:
    """Render the agreement as a PDF/A-2b document; the same model always gives the same bytes."""
    if layout not in LAYOUTS:
        raise UsageError(f"unknown PDF layout {layout!r}", hint="use one of: " + ", ".join(LAYOUTS))
    try:
        template = template_path()
        pdf = typst.compile(
            template,
            root=template.parent,
            sys_inputs=render_inputs(agreement, layout=layout, draft=draft),
            format="pdf",
            pdf_standards=[PDF_STANDARD],
            timestamp=signing_timestamp(agreement.signing_date),
            ignore_system_fonts=True,
        )
    except typst.TypstError as exc:
        raise BuildError(f"PDF rendering failed: {_describe(exc)}") from None
    except (RuntimeError, OSError) as exc:  # e.g. a template missing from the installation
        raise BuildError(f"PDF rendering failed: {exc}") from None
    if not isinstance(pdf, bytes):
        raise BuildError("PDF rendering failed: typst returned no document")
    return pdf


def _describe(exc: typst.TypstError) -> str:
    """A typst error's message with its hints, on one line."""
    message = getattr(exc, "message", None) or str(exc)
    hints = [hint for hint in getattr(exc, "hints", None) or [] if hint]
    return message + "".join(f" (hint: {hint})" for hint in hints)
