"""The facade that chains the phases: read → parse → resolve → (check) → render → write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .data import load_data
from .errors import Diagnostic
from .library import Library, load_library
from .model import Agreement
from .output import write_all
from .parser import parse, read_source
from .resolve import resolve

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class Compiled:
    agreement: Agreement
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]


def compile_agreement(path: str | Path, *, library: Library | str | Path | None = None,
                      data: str | Path | None = None) -> Compiled:
    """Parse and resolve an agreement file (and its data file) against the library."""
    text = read_source(path)
    source = parse(text, str(path))
    lib = library if isinstance(library, Library) else load_library(library)
    values, data_bytes = None, None
    if data is not None:
        values = load_data(data)
        data_bytes = Path(data).read_bytes()
    resolved = resolve(source, lib, values, str(data) if data is not None else None, data_bytes)
    return Compiled(resolved.agreement, resolved.warnings, {str(path): text})


LAYOUTS = ("parallel", "sequential", "separate")


def render(agreement: Agreement, fmt: str, *, layout: str = "parallel", draft: bool = False,
           template: Path | None = None) -> bytes:
    """The bytes of one output format in one renderer layout (``parallel`` or ``sequential``)."""
    if fmt == "docx":
        from .renderers.docx import render_docx
        return render_docx(agreement, template=template, layout=layout, draft=draft)
    if fmt == "pdf":
        from .renderers.pdf import render_pdf
        return render_pdf(agreement, layout=layout, draft=draft)
    raise ValueError(f"unknown format {fmt!r}")


def outputs(agreement: Agreement, name: str, formats: Sequence[str] = FORMATS,
            layout: str = "parallel") -> list[tuple[str, Agreement, str, str]]:
    """What a build writes: ``(file name, agreement view, format, renderer layout)`` for each file.

    ``separate`` gives one file per language (``NAME.id.docx``, ``NAME.en.docx``); a single-language
    agreement is one file whatever the layout.
    """
    if layout == "separate" and len(agreement.languages) > 1:
        return [(f"{name}.{lang}.{fmt}", agreement.in_language(lang), fmt, "parallel")
                for fmt in formats for lang in agreement.languages]
    return [(f"{name}.{fmt}", agreement, fmt, "parallel" if layout == "separate" else layout) for fmt in formats]


def build(agreement: Agreement, out_dir: Path, name: str, formats: Sequence[str] = FORMATS, *,
          layout: str = "parallel", draft: bool = False, template: Path | None = None) -> list[Path]:
    """Render every file in memory, then write them all; a failure leaves no file behind."""
    rendered = {out_dir / file_name: render(view, fmt, layout=renderer_layout, draft=draft, template=template)
                for file_name, view, fmt, renderer_layout in outputs(agreement, name, formats, layout)}
    write_all(rendered)
    return list(rendered)
