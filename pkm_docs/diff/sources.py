"""Reading what ``pkm diff`` compares: a ``.pkm`` draft (parsed and resolved) or a DOCX that pkm-docs built."""

from __future__ import annotations

import dataclasses
import datetime
import io
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import PkmError, UsageError
from ..library import Library
from ..model import Agreement
from ..pipeline import compile_agreement
from ..reading import read_bounded
from .snapshot import ANY_LANGUAGE, Draft, from_agreement, from_readback

DOCX_SUFFIXES = (".docx",)


def load_draft(path: Path, *, library: Library, data: Path | None = None, other: Draft | None = None) -> Draft:
    """The draft at ``path``: a ``.docx`` is read back, anything else is compiled as a ``.pkm`` agreement.
    ``other``, the draft it is compared with, finds the clauses of a DOCX that lost its clause marks.

    Raises ``UsageError`` when the file cannot be read and ``SourceError`` when the agreement has errors.
    """
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file", "give two drafts: OLD.pkm NEW.pkm (or a built .docx)")
    if path.suffix.lower() in DOCX_SUFFIXES:
        return read_docx_draft(path, library, other.agreement if other is not None else None)
    compiled = compile_agreement(path, library=library, data=data)
    return from_agreement(compiled.agreement, library, str(path))


def read_docx_draft(path: Path, library: Library | None, reference: Agreement | None = None) -> Draft:
    """A DOCX that pkm-docs built (possibly edited in Word since), through ``renderers.docx_read``; one that
    lost its clause marks (rewritten by another program) is matched by text to ``reference``'s clauses."""
    try:
        from ..renderers.docx_read import read_docx
    except ImportError:
        raise UsageError(f"cannot compare {path}: DOCX input needs pkm_docs.renderers.docx_read (read_docx), "
                         "which this installation lacks", "compare the .pkm drafts instead") from None
    from ..renderers.docx_read import MAX_DOCX_BYTES, UnreadableDocx

    data = read_bounded(path, MAX_DOCX_BYTES, "DOCX files")
    try:
        back = read_docx(data)  # checks every part's size first, so python-docx below reads a bounded package
        details, signed = _document_details(data)
    except UnreadableDocx as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise UsageError(f"cannot read {path}: not a Word document ({exc})") from None
    if not back.clauses and reference is not None:  # its clause marks are lost (or were never ours)
        from .text_match import marked_by_text

        back = marked_by_text(back, reference)
        # what stays outside cannot be placed among clauses found by their text
        back = dataclasses.replace(back, outside=tuple(dataclasses.replace(p, after=-1) for p in back.outside))
    if back.manifest is None and not back.clauses:
        raise UsageError(f"cannot compare {path}: it was not built by pkm-docs (no manifest, no clause controls)",
                         "compare a DOCX that `pkm build` wrote, or the .pkm drafts")
    return from_readback(back, library, str(path), data, details, signed)


def in_languages_of(draft: Draft, like: Draft, library: Library | None) -> Draft:
    """``draft`` (from a ``.pkm``) in the one language of ``like`` when that is one file of a ``separate``
    build (a single-language DOCX of a two-language agreement): what that file should hold."""
    agreement = draft.agreement
    if agreement is None or like.frame is None or len(like.languages) != 1 or len(agreement.languages) < 2 \
            or like.languages[0] not in agreement.languages:
        return draft
    return from_agreement(agreement.in_language(like.languages[0]), library, draft.name)


def with_reference(draft: Draft, like: Draft, template: Path | None = None) -> Draft:
    """``draft`` (from a ``.pkm``) with the text around its clauses and its list labels as the DOCX it builds
    shows them, built in the layout of ``like`` (a DOCX read back), so the two can be compared. Unchanged
    when ``draft`` has no agreement, or ``like`` is not from a DOCX. ``template`` is the DOCX template the
    returned file was built with (default: the house template)."""
    if draft.agreement is None or like.frame is None or draft.frame is not None:
        return draft
    from ..renderers.docx import render_docx
    from ..renderers.docx_read import UnreadableDocx, read_docx

    agreement = draft.agreement
    layout = like.layout or "parallel"
    if len(agreement.languages) == 1:
        layout = "parallel"  # one column whatever the layout (one file of `separate`, see in_languages_of)
    best = None
    try:
        for draft_mark in (False, True):  # a --draft build has the draft mark in its header
            back = read_docx(render_docx(agreement, template=template, layout=layout, draft=draft_mark))
            if best is None or back.frame.get("header") == like.frame.get("header"):
                best = back
            if back.frame.get("header") == like.frame.get("header"):
                break
    except (PkmError, UnreadableDocx) as exc:
        if template is not None:
            raise UsageError(f"cannot build {draft.name} with the template {template}: {exc}") from None
        return draft
    assert best is not None
    return dataclasses.replace(draft, frame=dict(best.frame), labels=dict(best.labels))


def _document_details(data: bytes) -> tuple[dict[str, dict[str, str]], datetime.date | None]:
    """Title, number and signing date from the document properties the DOCX renderer sets."""
    import docx

    core = docx.Document(io.BytesIO(data)).core_properties
    details: dict[str, dict[str, str]] = {}
    # the title is in the file's first language (its core language), the subject in the other
    first = (core.language or "id").split("-")[0].lower()
    second = "en" if first == "id" else "id"
    titles = {lang: value for lang, value in ((first, core.title), (second, core.subject)) if value}
    if titles:
        same = len(titles) == 2 and titles[first] == titles[second]
        details["title"] = {ANY_LANGUAGE: titles[first]} if same else titles
    if core.identifier:
        details["number"] = {ANY_LANGUAGE: core.identifier}
    signed = core.created.date() if core.created else None
    if signed is not None:
        details["signing date"] = {ANY_LANGUAGE: signed.isoformat()}
    return details, signed
