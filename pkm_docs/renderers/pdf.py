"""PDF renderer: the agreement model goes to a typst template as JSON data and comes back as PDF/A-2b bytes.

The PDF is tagged for accessibility (typst's structure tree, each cell marked with its language, the
document language = the governing language in /Lang and dc:language), its fonts are embedded
subsets of the fonts built into typst (system fonts are ignored, so every machine gives the same
bytes), and its titles and article headings are headings, so the outline (bookmarks) lists the
articles.

Fonts: typst 0.15 embeds Libertinus Serif (the body font), New Computer Modern (+ Math) and
DejaVu Sans Mono; typst falls back to them in turn, which covers Latin, Greek, Cyrillic, Vietnamese
and the usual symbols (✓ ✔ ✗ ☐ ☑ → € § © ™ ½ ★ ♥ ⚠ …) but not emoji nor CJK. PDF/A forbids a
missing glyph, so such a character fails the render; :func:`render_pdf` then raises a
:class:`BuildError` naming the character (U+XXXX) and the text of the model it appears in.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Callable, Final, Iterator

import typst

from ..errors import BuildError, UsageError
from ..model import Agreement, Article, Text
from ..resources import resource_dir
from ..syntax import Span

#: Layouts the template knows: "parallel" sets Indonesian and English side by side, article by article;
#: "sequential" sets the whole Indonesian text, then the whole English text from a new page, then the
#: signature block once. A single-language agreement renders its one language whatever the layout.
LAYOUTS = ("parallel", "sequential")

#: The PDF standard every render is checked against by typst.
PDF_STANDARD: Final = "a-2b"  # Final: typst's compile() takes a Literal

TEMPLATE_NAME = "agreement.typ"


def template_path() -> Path:
    """The typst template shipped with pkm-docs."""
    return resource_dir("templates") / TEMPLATE_NAME


def signing_timestamp(date: datetime.date) -> int:
    """The signing date at 00:00 UTC as Unix seconds: the PDF's creation date, so renders are reproducible."""
    return calendar.timegm(date.timetuple())


def manifest_json(agreement: Agreement) -> str:
    """The build manifest as compact, key-sorted JSON: what the PDF carries in its XMP metadata (``pkm:manifest``)."""
    return json.dumps(agreement.manifest.to_data(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_language(agreement: Agreement) -> str:
    """The PDF's language (/Lang, dc:language): the governing language when the agreement is written in it."""
    if agreement.governing_language in agreement.languages:
        return agreement.governing_language
    return agreement.languages[0]


def render_inputs(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> dict[str, str]:
    """The template's data as plain strings: the model as JSON and the render options.

    These are the values of the ``--input`` options that the typst CLI needs to build the
    template; :func:`render_pdf` writes the same values into the template's data block.
    """
    return {
        "model": json.dumps(agreement.to_data(), ensure_ascii=False, sort_keys=True),
        "layout": layout,
        "draft": "true" if draft else "false",
    }


#: The template's data block, which :func:`main_source` replaces with the agreement's data.
_DATA_BLOCK = re.compile(r"^// pkm-data: begin\n.*?^// pkm-data: end\n", re.S | re.M)
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def typst_string(text: str) -> str:
    """``text`` as a typst string literal, in printable ASCII: ``\\`` and ``"`` escaped, any other
    character as ``\\u{hex}``, so that no character of the text can end the literal or the line."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NOT_PRINTABLE_ASCII.sub(lambda match: f"\\u{{{ord(match.group()):x}}}", escaped) + '"'


def main_source(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> bytes:
    """The typst source of one agreement: the template, with its data block holding the data as literals.

    The data go into the source rather than into typst's ``sys.inputs``: the inputs are part of
    typst's standard library, so new inputs would make typst lay out everything again, while a new
    source lets it reuse the layout of every paragraph whose text and styles it has seen before.
    """
    template = template_path()
    text = template.read_text(encoding="utf-8")
    inputs = render_inputs(agreement, layout=layout, draft=draft)
    block = "\n".join((
        "// pkm-data: written by pkm_docs.renderers.pdf",
        f"#let data = json(bytes({typst_string(inputs['model'])}))",
        f"#let layout-name = {typst_string(layout)}",
        f"#let draft = {inputs['draft']}",
    )) + "\n"
    source, found = _DATA_BLOCK.subn(lambda _: block, text, count=1)
    if not found:
        raise BuildError(f"PDF rendering failed: the template {template} has no data block "
                         "(the lines from `// pkm-data: begin` to `// pkm-data: end`)")
    return source.encode("utf-8")


_local = threading.local()

#: The label of the template's zero-size marks at the corners of every signing area.
SIGN_AREA_LABEL = "<pkm-sign-area>"


class _Typesetter:
    """This thread's typst compiler, kept so that typst can reuse what it laid out before, with its main file in a
    private folder: typst queries a document only from a file (the signing areas are read with a query)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pkm-typst-"))
        self.main = self.folder / TEMPLATE_NAME
        self.main.write_bytes(b"")
        self.compiler = typst.Compiler(input=str(self.main), root=str(self.folder), ignore_system_fonts=True)
        weakref.finalize(self, shutil.rmtree, self.folder, True)

    def typeset(self, source: bytes, timestamp: int) -> tuple[bytes, list[dict]]:
        """The PDF of ``source`` and the marks of its signing areas (see ``corner-mark`` in the template)."""
        self.main.write_bytes(source)
        pdf = self.compiler.compile(format="pdf", pdf_standards=[PDF_STANDARD], pdf_tags=True, timestamp=timestamp)
        marks = json.loads(self.compiler.query(SIGN_AREA_LABEL, field="value"))
        if not isinstance(pdf, bytes):
            raise BuildError("PDF rendering failed: typst returned no document")
        return pdf, marks


def _typesetter() -> _Typesetter:
    """This thread's :class:`_Typesetter` (a new one if its folder was removed, as a temp cleaner may do)."""
    typesetter = getattr(_local, "typesetter", None)
    if typesetter is None or not typesetter.folder.is_dir():
        typesetter = _local.typesetter = _Typesetter()
    return typesetter


def typeset_pdf(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> tuple[bytes, list[dict]]:
    """What typst makes of the agreement: the PDF/A-2b bytes as typst writes them, and the marks of the signing
    areas (``kind``, ``key``, ``corner``, ``page``, ``x``, ``y`` in points from the page's top left)."""
    return _typeset_job(agreement, layout, draft)()


def _typeset_job(agreement: Agreement, layout: str, draft: bool) -> Callable[[], tuple[bytes, list[dict]]]:
    """:func:`typeset_pdf` in two steps: the typst source is made now, typst lays it out when the result is called."""
    if layout not in LAYOUTS:
        raise UsageError(f"unknown PDF layout {layout!r}", hint="use one of: " + ", ".join(LAYOUTS))
    try:
        source = main_source(agreement, layout=layout, draft=draft)
    except (RuntimeError, OSError, ValueError) as exc:  # e.g. a template missing from the installation
        raise BuildError(f"PDF rendering failed: {exc}") from None
    timestamp = signing_timestamp(agreement.signing_date)

    def typeset() -> tuple[bytes, list[dict]]:
        try:
            pdf, marks = _typesetter().typeset(source, timestamp)
        except typst.TypstError as exc:
            missing = missing_glyph_texts(exc)
            if missing:
                raise MissingGlyphError(describe_missing_glyph(agreement, missing), missing) from None
            raise BuildError(f"PDF rendering failed: {_describe(exc)}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise BuildError(f"PDF rendering failed: {exc}") from None
        if not isinstance(pdf, bytes):
            raise BuildError("PDF rendering failed: typst returned no document")
        return pdf, marks
    return typeset


def render_pdf(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> bytes:
    """Render the agreement as a tagged PDF/A-2b document, ready to sign; the same model always gives the same bytes.

    ``layout`` is one of :data:`LAYOUTS` (anything else is a :class:`UsageError`); ``draft`` puts a
    RANCANGAN / DRAFT watermark on every page. A character that no embedded font can show is a
    :class:`BuildError` naming it and the text it appears in. typst's PDF then gets one incremental update
    (:mod:`.pdf_finish`): the build manifest in the XMP metadata and an empty signature field per signer.
    """
    return pdf_job(agreement, layout=layout, draft=draft)()


def pdf_job(agreement: Agreement, *, layout: str = "parallel", draft: bool = False) -> Callable[[], bytes]:
    """:func:`render_pdf` in two steps: the Python work before typst is done now, on the calling thread; typst's
    layout (which releases the GIL) and the finish are done when the result is called, on the PDF thread of a
    build. Started there with its source made, typst is not slowed by the Python work of the thread that
    goes on (the checks and the DOCX), which would otherwise take turns with it for the GIL."""
    from .pdf_finish import finish

    typeset = _typeset_job(agreement, layout, draft)

    def job() -> bytes:
        pdf, marks = typeset()
        return finish(pdf, agreement, marks, draft=draft)
    return job


def _describe(exc: typst.TypstError) -> str:
    """A typst error's message with its hints, on one line."""
    message = getattr(exc, "message", None) or str(exc)
    hints = [hint for hint in getattr(exc, "hints", None) or [] if hint]
    return message + "".join(f" (hint: {hint})" for hint in hints)


# ---------------------------------------------------------------- characters no font can show

#: typst's PDF/A error for a glyph no font has: "the text `"😀"` could not be displayed with font ...".
_MISSING_GLYPH = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed with font')
_ESCAPE = re.compile(r'\\(u\{([0-9a-fA-F]+)\}|.)')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _unescape(repr_text: str) -> str:
    """The string behind typst's ``repr`` of it (``\\"``, ``\\\\``, ``\\n``, ``\\u{1f600}``)."""
    def one(match: re.Match[str]) -> str:
        if match.group(2):
            return chr(int(match.group(2), 16))
        return _SIMPLE_ESCAPES.get(match.group(1), match.group(1))
    return _ESCAPE.sub(one, repr_text)


class MissingGlyphError(BuildError):
    """A character that none of the embedded fonts can show (PDF/A allows no missing glyph); ``characters``: the
    text clusters typst reported, for a caller that points at where they were typed."""

    def __init__(self, message: str, characters: list[str]):
        super().__init__(message)
        self.characters = tuple(characters)


def missing_glyph_texts(exc: typst.TypstError) -> list[str]:
    """The text clusters typst could not show with any font, in the order it reported them."""
    parts = [getattr(exc, "message", None), getattr(exc, "diagnostic", None), *exc.args]
    report = "\n".join(part for part in parts if isinstance(part, str))
    clusters: list[str] = []
    for match in _MISSING_GLYPH.finditer(report):
        cluster = _unescape(match.group(1))
        if cluster and cluster not in clusters:
            clusters.append(cluster)
    return clusters


def code_points(text: str) -> str:
    """``U+1F44D U+1F3FD``: the code points of ``text``."""
    return " ".join(f"U+{ord(ch):04X}" for ch in text)


def describe_missing_glyph(agreement: Agreement, clusters: list[str]) -> str:
    """The error message for characters no embedded font has: which character, and in which text of the model.

    The text named is the first, in document order, that holds one of the characters typst reported.
    """
    for where, text, span in shown_texts(agreement):
        for cluster in clusters:
            position = text.find(cluster)
            if position < 0 and len(cluster) > 1:  # a cluster typst shaped differently: try its first character
                position, cluster = text.find(cluster[0]), cluster[0]
            if position >= 0:
                at = f" ({span.file}:{span.line})" if span is not None else ""
                return (f"PDF rendering failed: the character {code_points(cluster)} ({cluster!r}) is in none of "
                        f"the fonts the PDF embeds, and PDF/A allows no missing glyph; it appears in {where}{at}: "
                        f"{_excerpt(text, position, len(cluster))!r} (remove or replace it)")
    listed = ", ".join(f"{code_points(c)} ({c!r})" for c in clusters)
    return (f"PDF rendering failed: the character(s) {listed} are in none of the fonts the PDF embeds, "
            "and PDF/A allows no missing glyph (remove or replace them)")


def _excerpt(text: str, position: int, length: int, context: int = 40) -> str:
    """``text`` around ``position``, cut to about ``context`` characters each side, with "…" where cut."""
    start, end = max(0, position - context), min(len(text), position + length + context)
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def shown_texts(agreement: Agreement) -> Iterator[tuple[str, str, Span | None]]:
    """Every string of the model the PDF shows, in document order: ``(where, text, source span)``."""
    langs = agreement.languages

    def each(where: str, text: Text, span: Span | None) -> Iterator[tuple[str, str, Span | None]]:
        for lang in langs:
            if text.get(lang):
                yield f"{where} ({lang})", text[lang], span

    yield from each("the title", agreement.title, agreement.span)
    yield "the agreement number", agreement.number, agreement.span
    for party in agreement.parties:
        who = f"party `{party.key}`"
        yield from each(f"the name of {who}", party.name, party.span)
        if party.number:
            yield f"the number of {who}", party.number, party.span
    for part in agreement.every_part():
        yield from _part_texts(part, each)
    for party in agreement.parties:
        who = f"party `{party.key}`"
        yield from each(f"the alias of {who}", party.alias, party.span)
        yield f"the representative of {who}", party.representative, party.span
        yield from each(f"the position of {who}", party.position, party.span)
    for key, label in agreement.labels.items():
        yield from each(f"the label `{key}`", label, agreement.span)


def _part_texts(part: Article, each) -> Iterator[tuple[str, str, Span | None]]:
    """The title, paragraphs and items of one part, each named as a reader would find it."""
    name = (f"Lampiran {part.numeral}" if part.kind == "annex" else f"Pasal {part.number}" if part.number is not None
            else f"the {part.kind}")
    yield from each(f"the title of {name}", part.title, part.span)
    for index, para in enumerate(part.paragraphs, start=1):
        paragraph = f"paragraph ({para.number})" if para.number is not None else f"paragraph {index}"
        yield from each(f"{name}, {paragraph}", para.text, part.span)
        for i, item in enumerate(para.items):
            letter = chr(ord("a") + i) if i < 26 else str(i + 1)
            yield from each(f"{name}, {paragraph}, item {letter}.", item, part.span)
        if para.table is not None:
            for row_number, row in enumerate((para.table.columns, *para.table.rows, para.table.total)):
                for cell in row:
                    yield from each(f"{name}, {paragraph}, table row {row_number}", cell, part.span)
