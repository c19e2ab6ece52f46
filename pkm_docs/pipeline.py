"""The facade that chains the phases: read → parse → resolve → (check) → render → write."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Callable, Sequence

from .errors import Diagnostic, UsageError
from .library import Library, load_library
from .model import Agreement
from .output import write_all
from .parser import MAX_SOURCE_BYTES, parse, read_source
from .reading import decode_text, read_bounded
from .resolve import resolve

FORMATS = ("docx", "pdf")


def parse_formats(text: str) -> list[str]:
    """The formats of a ``--format`` option (``docx,pdf``), or a :class:`UsageError` naming an unknown one."""
    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format `{(unknown or [''])[0]}`", f"formats are {', '.join(FORMATS)}")
    return formats


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
    if data is not None:  # read once: the bytes hashed into the manifest are the bytes parsed
        from .data import parse_data  # PyYAML only for a build that has a data file
        data_bytes = read_bounded(data, MAX_SOURCE_BYTES, "data files")
        values = parse_data(decode_text(data_bytes, data), str(data))
    resolved = resolve(source, lib, values, str(data) if data is not None else None, data_bytes)
    return Compiled(names_only(resolved.agreement), resolved.warnings, {str(path): text})


def names_only(agreement: Agreement) -> Agreement:
    """The agreement with its manifest naming the source and data files by their names alone: the folder they
    were built in is no business of the party the documents go to, and the bytes do not depend on how the
    path was typed (a batch's ``data/mitra.csv row 3`` becomes ``mitra.csv row 3``)."""
    manifest = agreement.manifest
    data_file = PurePath(manifest.data_file).name if manifest.data_file is not None else None
    return dataclasses.replace(agreement, manifest=dataclasses.replace(
        manifest, source_file=PurePath(manifest.source_file).name, data_file=data_file))


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


def _pdf_job(agreement: Agreement, *, layout: str, draft: bool) -> Callable[[], bytes]:
    """:func:`render`'s PDF in two steps (``renderers.pdf.pdf_job``), the renderer imported only for a PDF."""
    from .renderers.pdf import pdf_job
    return pdf_job(agreement, layout=layout, draft=draft)


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


_pdf_threads: ThreadPoolExecutor | None = None
_pdf_threads_lock = threading.Lock()


def _pdf_thread() -> ThreadPoolExecutor:
    """One thread for PDF renders: typst releases the GIL, so a PDF is laid out while Python builds the DOCX."""
    global _pdf_threads
    with _pdf_threads_lock:
        if _pdf_threads is None:
            _pdf_threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pkm-pdf")
        return _pdf_threads


class Rendering:
    """The files of one build, being rendered: each PDF on the PDF thread from the start, each DOCX on the
    calling thread when :meth:`files` is asked for. Nothing is written until :meth:`write`."""

    def __init__(self, agreement: Agreement, name: str, formats: Sequence[str] = FORMATS, *,
                 layout: str = "parallel", draft: bool = False, template: Path | None = None):
        self._jobs = outputs(agreement, name, formats, layout)
        self._options: dict[str, Any] = {"draft": draft, "template": template}
        self._pdfs: dict[str, Future[bytes]] = {
            file_name: _pdf_thread().submit(_pdf_job(view, layout=renderer_layout, draft=draft))
            for file_name, view, fmt, renderer_layout in self._jobs if fmt == "pdf"}

    def files(self) -> dict[str, bytes]:
        """Every file's bytes by file name, in build order; the first render error is raised."""
        try:
            rendered = {file_name: render(view, fmt, layout=renderer_layout, **self._options)
                        for file_name, view, fmt, renderer_layout in self._jobs if fmt != "pdf"}
            if any(not future.done() for future in self._pdfs.values()):
                # the PDF's last step needs pypdf (a tenth of a second to import): imported here while typst,
                # which releases the GIL, is still laying out, not on the PDF thread after it
                from .renderers import pdf_finish
                pdf_finish.load_pypdf()
            rendered.update({file_name: future.result() for file_name, future in self._pdfs.items()})
        except BaseException:
            self.discard()
            raise
        return {file_name: rendered[file_name] for file_name, *_ in self._jobs}

    def discard(self) -> None:
        """Drop the renders: a PDF not yet started never starts, one being laid out is waited for."""
        for future in self._pdfs.values():
            future.cancel()
        wait(list(self._pdfs.values()))

    def write(self, out_dir: Path) -> list[Path]:
        """Write every file into ``out_dir`` once all are rendered; a failure leaves no file behind."""
        files = {out_dir / file_name: data for file_name, data in self.files().items()}
        write_all(files)
        return list(files)


def build(agreement: Agreement, out_dir: Path, name: str, formats: Sequence[str] = FORMATS, *,
          layout: str = "parallel", draft: bool = False, template: Path | None = None) -> list[Path]:
    """Render every file in memory, then write them all; a failure leaves no file behind."""
    return Rendering(agreement, name, formats, layout=layout, draft=draft, template=template).write(out_dir)
