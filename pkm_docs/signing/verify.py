"""``pkm verify``: is this PDF (or DOCX) the agreement that was built from vetted clauses, and who signed it?

What it checks, each reported as ``ok``, ``FAIL``, ``note`` or ``not checked``:

- the manifest: present (in the XMP of a PDF, the custom properties of a DOCX), each clause's id, version and
  hash against the clause library (unknown, changed since, draft, deprecated; who approved it);
- for a PDF, the text of every clause on the pages against the text recorded for it at build time
  (``pkm:clauses``), so a page whose text or amount was edited afterwards is caught;
- each signature: signer, time, integrity, which revision it covers and what later revisions changed
  (pyHanko's difference analysis, the page content and the metadata of the signed revision compared with the
  latest), and the certificate chain against the trust roots given (none given: not checked);
- ``--preflight``: what a signing or e-meterai portal rejects (page size, PDF version, size, fonts, fields).

The exit code is 0 only when nothing checked failed.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, TextIO

from ..errors import UsageError
from ..reading import read_bounded
from .sign import MAX_PDF_BYTES

OK, FAIL, NOTE, UNCHECKED = "ok", "FAIL", "note", "not checked"


@dataclass
class Finding:
    area: str  # "file", "manifest", "clauses", "text", "signature", "preflight"
    status: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {"area": self.area, "status": self.status, "message": self.message, **self.details}


@dataclass
class Report:
    file: str
    kind: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, area: str, status: str, message: str, **details: Any) -> None:
        self.findings.append(Finding(area, status, message, details))

    @property
    def passed(self) -> bool:
        return not any(f.status == FAIL for f in self.findings)

    def to_data(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "passed": self.passed,
                "checked": sorted({f.area for f in self.findings if f.status in (OK, FAIL)}),
                "not_checked": [f.message for f in self.findings if f.status == UNCHECKED],
                "findings": [f.to_data() for f in self.findings]}

    def text(self) -> str:
        lines = [f"{self.file} ({self.kind})"]
        for f in self.findings:
            lines.append(f"  {f.status:<11} {f.area}: {f.message}")
            for change in f.details.get("changes", []):
                lines.append(f"{'':16}{change}")
        verdict = "PASSED: everything checked holds" if self.passed else "FAILED: see FAIL above"
        unchecked = [f.message for f in self.findings if f.status == UNCHECKED]
        lines.append(verdict + (f" (not checked: {len(unchecked)}, listed above)" if unchecked else ""))
        return "\n".join(lines)


# ---------------------------------------------------------------- manifest against the library

def check_manifest(report: Report, manifest: dict[str, Any] | None, library_dir: Path | None) -> None:
    if manifest is None:
        report.add("manifest", FAIL, "carries no manifest: not built by pkm-docs (or its metadata was removed); "
                                     "nothing about its clauses can be checked")
        return
    source = manifest.get("source") or {}
    report.add("manifest", OK, f"built by {manifest.get('generator', '?')} from {source.get('file', '?')} "
                               f"(sha256 {str(source.get('sha256', '?'))[:16]}…), library "
                               f"{(manifest.get('library') or {}).get('name', '?')} "
                               f"{(manifest.get('library') or {}).get('version', '?')}",
               source=source, library=manifest.get("library"))
    if any(sep in str(source.get("file", "")) for sep in "/\\"):
        report.add("manifest", NOTE, "the manifest names its source with a folder (built by an earlier version)")
    from ..library import load_library

    library = load_library(library_dir)
    for entry in manifest.get("clauses", []):
        clause_id, version, digest = entry.get("id"), entry.get("version"), entry.get("hash")
        ref = f"{clause_id}@{version}"
        versions = library.versions_of(str(clause_id)) if clause_id in library.clauses else []
        found = next((c for c in versions if c.version_text == version), None)
        if found is None:
            known = ", ".join(c.version_text for c in versions)
            report.add("clauses", FAIL, f"{ref} is not in the library {library.name} {library.version}"
                       + (f" (it has {known})" if known else " (no such clause)"), clause=ref)
            continue
        if found.content_hash != digest:
            report.add("clauses", FAIL, f"{ref} has changed in the library since the build (hash "
                                        f"{str(digest)[:12]}… then, {found.content_hash[:12]}… now)", clause=ref)
            continue
        if found.status == "draft":
            report.add("clauses", FAIL, f"{ref} is a draft: not vetted", clause=ref)
        elif found.status == "deprecated":
            replaced = f", replaced by {found.replaced_by}" if found.replaced_by else ""
            report.add("clauses", NOTE, f"{ref} is deprecated{replaced}", clause=ref)
        elif found.status == "approved":
            report.add("clauses", OK, f"{ref} unchanged, approved by {found.approved_by} on {found.approved_on}",
                       clause=ref)
        else:
            report.add("clauses", OK, f"{ref} unchanged (a model text, approved by no one)", clause=ref)
    from ..model import place_label

    for entry in manifest.get("adhoc", []) or []:
        where = place_label(str(entry.get("where")))
        report.add("clauses", NOTE, f"ad-hoc text in {where} ({entry.get('words')} words): "
                                    "not from the library, vetted by no one")


# ---------------------------------------------------------------- the text on the pages

def _norm(text: str) -> str:
    """Whitespace collapsed, and a line break after a hyphen ("perundang-\nundangan") joined, as a reader reads it."""
    return re.sub(r"-\s+", "-", " ".join(text.replace("\u00ad", "").split()))


def _squeeze(text: str) -> str:
    """Text without whitespace: where a PDF's lines break (after a slash, a hyphen) is no part of its words."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def page_columns(data: bytes) -> list[str]:
    """The body text of the pages (header and footer left out) as one stream per column, and as a whole."""
    import pypdf

    header, footer = 2.8 / 2.54 * 72, 3.2 / 2.54 * 72
    left: list[str] = []
    right: list[str] = []
    whole: list[str] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        middle = float(page.mediabox.width) / 2
        top, bottom = float(page.mediabox.height) - header, footer

        def visit(text, cm, tm, font, size, middle=middle, top=top, bottom=bottom):
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            scale = (abs(cm[0] * cm[3] - cm[1] * cm[2]) * abs(tm[0] * tm[3] - tm[1] * tm[2])) ** 0.5
            if abs(cm[1]) + abs(cm[2]) + abs(tm[1]) + abs(tm[2]) > 1e-6 or size * scale > 30:
                return  # a draft's watermark: turned, and larger than any text of the agreement
            if bottom - 2 <= y <= top + 2:
                (left if x < middle else right).append(text)
                whole.append(text)

        page.extract_text(visitor_text=visit)
        for stream in (left, right, whole):
            stream.append(" ")
    return [_norm("".join(s)) for s in (left, right, whole)]


def _table_missing(rows: Any, squeezed: list[str]) -> tuple[int, str] | None:
    """The first (row number, cell text) of a recorded table that its place on the pages does not hold; None when
    one of the page streams holds every row in order.

    A table's cells are read from the page line by line across the row, so the lines of two cells of a row come
    interleaved: each cell's words are looked for in order within its row's stretch of text, and the rows one after
    the other (a figure found in another row, or elsewhere in the agreement, does not count). The table is tried
    from each place its first word stands; where none holds it, the try that went furthest says where it differs."""
    rows = rows if isinstance(rows, list) else []
    cells = [str(cell) for row in rows if isinstance(row, list) for cell in row if cell]
    first = next((_squeeze(word) for cell in cells for word in _norm(cell).split()), None)
    if first is None:
        return None
    furthest = (1, cells[0])
    for stream in squeezed:
        start = stream.find(first)
        while start >= 0:
            miss = _rows_missing_from(rows, stream, start)
            if miss is None:
                return None
            furthest = max(furthest, miss, key=lambda m: m[0])
            start = stream.find(first, start + 1)
    return furthest


def _rows_missing_from(rows: list[Any], stream: str, cursor: int) -> tuple[int, str] | None:
    for number, row in enumerate(rows, start=1):
        cells = [str(cell) for cell in (row if isinstance(row, list) else []) if cell]
        limit = cursor + 3 * sum(len(_squeeze(cell)) for cell in cells) + 400
        end = cursor
        for cell in cells:
            at = cursor
            for word in _norm(cell).split():
                at = stream.find(_squeeze(word), at, limit)
                if at < 0:
                    return number, cell
                at += len(_squeeze(word))
            end = max(end, at)
        cursor = end
    return None


def _what_changed(expected: str, streams: list[str]) -> list[str]:
    """The words that differ between ``expected`` and the stretch of page text that starts and ends as it does."""
    words = expected.split()
    head, tail = " ".join(words[:5]), " ".join(words[-5:])
    for stream in streams:
        start = stream.find(head)
        end = stream.find(tail, start + 1) if start >= 0 else -1
        if start < 0 or end < 0 or end - start > 4 * len(expected) + 200:
            continue
        actual = stream[start:end + len(tail)].split()
        changes = []
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, words, actual, autojunk=False).get_opcodes():
            if op != "equal":
                was, now = " ".join(words[a1:a2]) or "(nothing)", " ".join(actual[b1:b2]) or "(nothing)"
                changes.append(f"{was!r} -> {now!r}")
        return changes or ["(the same words, differently spaced)"]
    return [f"not found on the pages: {expected[:100]!r}{'…' if len(expected) > 100 else ''}"]


def check_text(report: Report, data: bytes, clauses: list[dict[str, Any]] | None,
               manifest: dict[str, Any] | None) -> None:
    if clauses is None:
        report.add("text", UNCHECKED, "the text on the pages: the PDF records no clause texts (built by an "
                                      "earlier pkm-docs, or not by pkm-docs)")
        return
    if manifest is not None:
        recorded = [(c.get("id"), c.get("version"), c.get("hash")) for c in clauses if c.get("version")]
        listed = [(c.get("id"), c.get("version"), c.get("hash")) for c in manifest.get("clauses", [])]
        if set(map(str, recorded)) != set(map(str, listed)):
            report.add("text", FAIL, "the clause texts recorded in the metadata do not match its manifest")
    streams = page_columns(data)
    squeezed = [_squeeze(stream) for stream in streams]
    bad = 0
    for clause in clauses:
        name = f"{clause.get('id')}@{clause.get('version')}" if clause.get("version") else "ad-hoc text"
        where = clause.get("where")
        where_text = f"Pasal {where}" if str(where).isdigit() else \
            f"Lampiran {str(where).removeprefix('annex_')}" if str(where).startswith("annex_") else str(where)
        for lang, paragraphs in sorted((clause.get("text") or {}).items()):
            for index, piece in enumerate(_pieces(paragraphs), start=1):
                expected = _norm(str(piece))
                if _squeeze(expected) and any(_squeeze(expected) in stream for stream in squeezed):
                    continue
                bad += 1
                report.add("text", FAIL, f"{name} ({where_text}, {lang}, part {index}) reads differently on the "
                                         "pages than it was built", clause=name, language=lang,
                           changes=_what_changed(expected, streams))
        for lang, tables in sorted((clause.get("tables") or {}).items()):
            for number, rows in enumerate(tables if isinstance(tables, list) else [], start=1):
                missing = _table_missing(rows, squeezed)
                if missing is None:
                    continue
                bad += 1
                row, cell = missing
                report.add("text", FAIL, f"{name} ({where_text}, {lang}, table {number}, row {row}) reads "
                                         "differently on the pages than it was built", clause=name, language=lang,
                           changes=[f"not found on the pages in its row: {cell[:100]!r}"])
    if not bad:
        tables = sum(max((len(t) for t in (c.get("tables") or {}).values() if isinstance(t, list)), default=0)
                     for c in clauses)  # a table is recorded once per language
        cells = f", and every cell of their {tables} annex tables," if tables else ""
        report.add("text", OK, f"the text of all {len(clauses)} clauses{cells} on the pages is the text they were "
                               "built with (recorded at build, not re-rendered from the library)")


# ---------------------------------------------------------------- recorded texts against the library

#: What may end an item that the library wrote without an ending (``resolve.punctuate_items``).
_ITEM_END = r"(?:;|\.|;\s*(?:dan|and|atau|or))?"


def _pieces(paragraphs: Any) -> list[str]:
    """The texts of a recorded clause in one language: each paragraph's text, then its items."""
    out: list[str] = []
    for paragraph in paragraphs if isinstance(paragraphs, list) else []:
        out.extend(str(p) for p in (paragraph if isinstance(paragraph, list) else [paragraph]) if p)
    return out


def template_pattern(template: str, *, item: bool = False) -> re.Pattern[str] | None:
    """A pattern that the text a library paragraph (or item) gives matches, whatever its placeholders hold;
    None for an item that is a lone list placeholder (any text)."""
    from ..body import PLACEHOLDER, lone_list_name
    from ..resolve import EACH_PARTY

    if item and lone_list_name(template.strip()):
        return None
    template = template.replace(EACH_PARTY, "")  # an item written once per party: the marker itself shows nothing
    parts, last = [], 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(re.escape(_squeeze(template[last:match.start()])))
        whole = match.group(0)
        parts.append(re.escape(whole[0]) if whole in ("{{", "}}") else ".*?")
        last = match.end()
    parts.append(re.escape(_squeeze(template[last:])))
    return re.compile("".join(parts) + (_ITEM_END if item else ""), re.S)


def check_against_library(report: Report, clauses: list[dict[str, Any]], library_dir: Path | None) -> None:
    """Each recorded clause text is what its library version gives with some values in its placeholders: the
    vetted words around the values are the library's. (The values themselves are the ones recorded.)"""
    from ..library import load_library

    library = load_library(library_dir)
    odd = 0
    for clause in clauses:
        clause_id, version = clause.get("id"), clause.get("version")
        if not version:
            continue  # ad-hoc text: no library text to compare with (listed with the manifest)
        found = next((c for c in library.versions_of(str(clause_id)) if c.version_text == version), None) \
            if clause_id in library.clauses else None
        if found is None:
            continue  # reported with the manifest
        for lang, paragraphs in sorted((clause.get("text") or {}).items()):
            blocks = found.blocks.get(lang, ())
            for index, paragraph in enumerate(paragraphs if isinstance(paragraphs, list) else [], start=1):
                paragraph = paragraph if isinstance(paragraph, list) and paragraph else [str(paragraph)]
                text, items = _squeeze(str(paragraph[0] or "")), [_squeeze(str(i)) for i in paragraph[1:]]
                # an item may be set as a paragraph of its own ({each party}); a lone list placeholder's items
                # are whatever the list holds, under the paragraph that has it
                wording = [template_pattern(block.text) for block in blocks] + [
                    template_pattern(i, item=True) for block in blocks for i in block.items]
                known = [p for p in wording if p is not None]
                fits = [block for block in blocks if (template_pattern(block.text) or re.compile(".*")).fullmatch(text)]
                patterns = known + [template_pattern(i, item=True) for block in fits for i in block.items]
                if any(p.fullmatch(text) for p in known) and \
                        all(any(p is None or p.fullmatch(item) for p in patterns) for item in items):
                    continue
                piece = paragraph[0] if not any(p.fullmatch(text) for p in known) else next(
                    i for i, sq in zip(paragraph[1:], items) if not any(p is None or p.fullmatch(sq) for p in patterns))
                odd += 1
                report.add("text", FAIL, f"{clause_id}@{version} ({lang}, paragraph {index}): the text recorded at "
                                         "build is not what this library version says around its values",
                           clause=f"{clause_id}@{version}", language=lang,
                           changes=[f"recorded: {str(piece)[:160]!r}"])
    if not odd:
        report.add("text", OK, "the recorded text of every library clause is its library version's wording, "
                               "with its values in the placeholders")


# ---------------------------------------------------------------- signatures

def _load_trust(paths: Iterable[Path]) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    for path in paths:
        read_bounded(path, 1024 * 1024, "certificate files")
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except (ValueError, OSError) as exc:
            raise UsageError(f"cannot read the trust root {path}: {exc}") from None
    return roots


def _deref(resolver, value):
    """``value`` resolved through ``resolver`` (one revision of the file), when it is a reference."""
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.IndirectObject):
        return resolver.get_object(value.reference)
    if isinstance(value, generic.Reference):
        return resolver.get_object(value)
    return value


def _get(resolver, dictionary, key: str):
    """``dictionary[key]`` as the revision of ``resolver`` holds it (None when absent)."""
    try:
        return _deref(resolver, dictionary.raw_get(key))
    except KeyError:
        return None


def _revision_root(reader, revision: int):
    resolver = reader.get_historical_resolver(revision)
    return resolver, _deref(resolver, resolver.trailer_view.raw_get("/Root"))


def _page_contents(reader, revision: int) -> list[bytes]:
    """Each page's content bytes as the revision ``revision`` holds them."""
    resolver, root = _revision_root(reader, revision)
    out: list[bytes] = []

    def walk(node, depth: int = 0) -> None:
        if depth > 64 or len(out) > 100_000:
            return
        if _get(resolver, node, "/Type") == "/Pages":
            for kid in _get(resolver, node, "/Kids") or []:
                walk(_deref(resolver, kid), depth + 1)
            return
        contents = _get(resolver, node, "/Contents")
        items = contents if isinstance(contents, list) else [contents] if contents is not None else []
        out.append(b"".join(_deref(resolver, item).data for item in items))

    walk(_get(resolver, root, "/Pages"))
    return out


def _signed_metadata(reader, revision: int) -> tuple[dict | None, list | None]:
    """The manifest and clause record as the revision ``revision`` holds them."""
    from ..renderers.pdf_read import _json_object, xmp_properties

    resolver, root = _revision_root(reader, revision)
    stream = _get(resolver, root, "/Metadata")
    props = xmp_properties(stream.data if stream is not None else None)
    try:
        clauses = json.loads(props["clauses"]) if "clauses" in props else None
    except ValueError:
        clauses = None
    return _json_object(props.get("manifest")), clauses


def check_signatures(report: Report, data: bytes, trust: list[Any], layout: dict[str, Any] | None) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from . import prepare_pyhanko
    from .sign import signature_fields

    prepare_pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # a file pyHanko cannot parse: that is the finding
        report.add("signature", FAIL, f"the signatures cannot be read: {exc}")
        return
    fields = signature_fields(data)
    if not signatures:
        report.add("signature", NOTE, "not signed"
                   + (f": empty signature fields {', '.join(f.name for f in fields)}" if fields else ""))
        return
    total = reader.xrefs.total_revisions
    latest_manifest, latest_clauses = _signed_metadata(reader, total - 1)
    latest_pages = _page_contents(reader, total - 1)
    for sig in signatures:
        context = ValidationContext(trust_roots=trust, allow_fetching=False) if trust else \
            ValidationContext(trust_roots=[], allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context)
        except Exception as exc:
            report.add("signature", FAIL, f"`{sig.field_name}`: cannot be validated: {exc}", field=sig.field_name)
            continue
        cert = status.signing_cert
        who = str(cert.subject.native.get("common_name") or cert.subject.human_friendly) if cert else "?"
        when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else "no time given"
        stamp = status.timestamp_validity
        timed = f", timestamped {stamp.timestamp.isoformat()}" if stamp is not None else " (the signer's own claim)"
        head = f"`{sig.field_name}` signed by {who} at {when}{timed}"
        details = {"field": sig.field_name, "signer": who, "time": when, "revision": sig.signed_revision,
                   "coverage": status.coverage.name if status.coverage else None,
                   "modification_level": status.modification_level.name if status.modification_level else None}
        if not status.intact or not status.valid:
            report.add("signature", FAIL, f"{head}: the signed bytes have been altered since (integrity broken)"
                       if not status.intact else f"{head}: the signature does not verify", **details)
            continue
        report.add("signature", OK, f"{head}: intact, covers revision {sig.signed_revision + 1} of {total}",
                   **details)
        later = total - 1 - sig.signed_revision
        if later:
            changes = _later_changes(reader, sig.signed_revision, latest_pages, latest_manifest, latest_clauses,
                                     signatures)
            allowed = status.docmdp_ok and status.modification_level is not None and \
                status.modification_level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING")
            if allowed and not changes["content"] and not changes["metadata"]:
                report.add("signature", OK, f"`{sig.field_name}`: {later} later revision(s) only "
                                            + ("; ".join(changes["form"]) or "filled form fields"),
                           field=sig.field_name)
            else:
                level = status.modification_level.name if status.modification_level else "?"
                what = changes["content"] + changes["metadata"] or [f"pyHanko's difference analysis: {level}"]
                report.add("signature", FAIL, f"`{sig.field_name}`: a later revision changed the document after "
                                              "this signature", field=sig.field_name, changes=what)
        if trust:
            if status.trusted:
                report.add("signature", OK, f"`{sig.field_name}`: the certificate chain leads to a trust root given",
                           field=sig.field_name)
            else:
                report.add("signature", FAIL, f"`{sig.field_name}`: the certificate of {who} does not chain to a "
                                              "trust root given (or is not valid for signing)",
                           field=sig.field_name)
        else:
            report.add("signature", UNCHECKED, f"`{sig.field_name}`: the certificate chain of {who} (give --trust "
                                               "CA.pem)", field=sig.field_name)
    unsigned = [f.name for f in fields if not f.signed]
    if unsigned:
        report.add("signature", NOTE, f"not yet signed: {', '.join(unsigned)}", unsigned=unsigned)


def _later_changes(reader, revision: int, latest_pages, latest_manifest, latest_clauses, signatures) -> dict:
    """What the revisions after ``revision`` changed: page content, the manifest and clause record, form fields."""
    then_pages = _page_contents(reader, revision)
    content = []
    if len(then_pages) != len(latest_pages):
        content.append(f"the page count went from {len(then_pages)} to {len(latest_pages)}")
    for number, (then, now) in enumerate(zip(then_pages, latest_pages), start=1):
        if then != now:
            content.append(f"page {number}: its content was rewritten")
    manifest, clauses = _signed_metadata(reader, revision)
    metadata = []
    if manifest != latest_manifest:
        metadata.append("the manifest in the metadata differs from the one signed")
    if clauses != latest_clauses:
        metadata.append("the clause texts in the metadata differ from the ones signed")
    form = [f"signed `{s.field_name}`" for s in signatures if s.signed_revision > revision]
    return {"content": content, "metadata": metadata, "form": form}


# ---------------------------------------------------------------- preflight

#: A4 in points, and how far off a page may be (typst writes 595.28 x 841.89).
A4 = (595.28, 841.89)
#: Peruri's e-meterai portal takes PDF files up to this size.
MAX_PORTAL_BYTES = 20 * 1024 * 1024


def preflight(report: Report, data: bytes, layout: dict[str, Any] | None) -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    bad_pages = [n for n, page in enumerate(reader.pages, start=1)
                 if abs(float(page.mediabox.width) - A4[0]) > 1 or abs(float(page.mediabox.height) - A4[1]) > 1]
    report.add("preflight", FAIL if bad_pages else OK,
               f"pages not A4: {', '.join(map(str, bad_pages))}" if bad_pages else f"all {len(reader.pages)} pages A4")
    header = reader.pdf_header
    root = reader.trailer["/Root"].get_object()
    declared = root.get("/Version", "") if isinstance(root, dict) else ""
    version = str(declared).lstrip("/") or header.replace("%PDF-", "")
    report.add("preflight", OK if version in ("1.4", "1.5", "1.6", "1.7") else FAIL, f"PDF version {version}")
    size = len(data)
    report.add("preflight", OK if size <= MAX_PORTAL_BYTES else FAIL,
               f"{size / 1024:,.0f} KB (portal limit {MAX_PORTAL_BYTES // (1024 * 1024)} MB)")
    missing = sorted(_unembedded_fonts(reader))
    report.add("preflight", FAIL if missing else OK,
               f"fonts not embedded: {', '.join(missing)}" if missing else "every font embedded")
    fields = []
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                fields.append((str(annot["/T"]), number, [float(v) for v in annot["/Rect"]]))
    if not fields:
        report.add("preflight", FAIL, "no signature fields")
        return
    report.add("preflight", OK, f"signature fields: {', '.join(name for name, _, _ in fields)}")
    meterai = (layout or {}).get("meterai")
    if meterai is None:
        report.add("preflight", UNCHECKED, "the e-meterai areas (the PDF does not record them)")
        return
    clashes = [f"`{name}` covers the e-meterai area of `{m['key']}`" for name, page, box in fields for m in meterai
               if m.get("page") == page and box[0] < m["box"][2] and m["box"][0] < box[2]
               and box[1] < m["box"][3] and m["box"][1] < box[3]]
    report.add("preflight", FAIL if clashes else OK, "; ".join(clashes) if clashes else
               f"no signature field covers the {len(meterai)} e-meterai area(s)")


def _unembedded_fonts(reader) -> set[str]:
    missing: set[str] = set()
    seen: set[int] = set()

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        if not resources or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            embedded = any(d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2",
                                                                              "/FontFile3"))
                           for d in descriptors)
            if not embedded and font.get("/Subtype") != "/Type3":
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
        for annot in page.get("/Annots") or []:
            appearance = (annot.get_object().get("/AP") or {}).get("/N")
            if appearance is not None and hasattr(appearance.get_object(), "get"):
                visit(appearance.get_object().get("/Resources"))
    return missing


# ---------------------------------------------------------------- the command

def verify_pdf(data: bytes, name: str, *, library: Path | None = None, trust: list[Any] | None = None,
               preflight_only: bool = False) -> Report:
    from ..renderers.pdf_read import read_pdf_metadata

    report = Report(name, "PDF")
    if not data.startswith(b"%PDF-"):
        raise UsageError(f"cannot verify {name}: not a PDF file")
    try:
        manifest, layout, where = read_pdf_metadata(data)
    except Exception as exc:  # pypdf's errors have no one base
        raise UsageError(f"cannot read {name}: {exc}") from None
    if preflight_only:
        preflight(report, data, layout)
        return report
    if where == "Subject":
        report.add("manifest", NOTE, "the manifest is in the Subject (a PDF built by an earlier pkm-docs)")
    check_manifest(report, manifest, library)
    if manifest is not None:
        from ..renderers.pdf_read import read_pdf_build, read_pdf_clauses

        if (read_pdf_build(data) or {}).get("draft"):
            report.add("manifest", FAIL, "a draft (built with --draft, every page marked RANCANGAN / DRAFT): "
                                         "not an agreement to sign")

        clauses = read_pdf_clauses(data)
        check_text(report, data, clauses, manifest)
        if clauses is not None:
            check_against_library(report, clauses, library)
    check_signatures(report, data, trust or [], layout)
    return report


def verify_docx(data: bytes, name: str, *, library: Path | None = None) -> Report:
    from ..renderers.docx_read import UnreadableDocx, read_docx

    report = Report(name, "DOCX")
    try:
        back = read_docx(data)
    except (UnreadableDocx, ValueError, KeyError) as exc:
        raise UsageError(f"cannot read {name}: {exc}") from None
    except Exception as exc:  # a ZIP that is no Word document
        raise UsageError(f"cannot read {name}: not a Word document ({exc})") from None
    manifest = back.manifest if isinstance(back.manifest, dict) else None
    check_manifest(report, manifest, library)
    if manifest is not None:
        listed = {(c.get("id"), c.get("version")) for c in manifest.get("clauses", [])}
        controls = {(c.clause_id, c.version) for c in back.clauses if getattr(c, "version", None)}
        missing = sorted(f"{i}@{v}" for i, v in listed - controls)
        report.add("text", FAIL if missing else OK,
                   f"clauses of the manifest missing from the document: {', '.join(missing)}" if missing
                   else "every clause of the manifest is in the document")
    report.add("text", UNCHECKED, "the words of each clause in a DOCX (compare it with its .pkm: pkm diff)")
    report.add("signature", UNCHECKED, "signatures: a DOCX carries none that pkm-docs reads (sign the PDF)")
    return report


def add_verify_parser(commands: Any) -> None:
    cmd = commands.add_parser("verify", help="verify a built or signed PDF or DOCX: clauses, text, signatures")
    cmd.add_argument("file", type=Path, help="a PDF or DOCX that `pkm build` wrote (signed or not)")
    cmd.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    cmd.add_argument("--trust", type=Path, action="append", default=[], metavar="CA.pem",
                     help="a trusted root certificate (PEM or DER); repeat for more. None: chains not checked")
    cmd.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    cmd.add_argument("--preflight", action="store_true",
                     help="only what a signing or e-meterai portal checks: A4, PDF version, size, fonts, fields")


def verify_command(args: argparse.Namespace, stdout: TextIO) -> int:
    from . import prepare_pyhanko

    prepare_pyhanko()
    data = read_bounded(args.file, MAX_PDF_BYTES, "files to verify")
    name = args.file.name
    if data.startswith(b"PK"):
        if args.preflight:
            raise UsageError("--preflight reads a PDF", "give the PDF")
        report = verify_docx(data, name, library=args.library)
    else:
        trust = _load_trust(args.trust)
        report = verify_pdf(data, name, library=args.library, trust=trust, preflight_only=args.preflight)
    if args.format == "json":
        print(json.dumps(report.to_data(), ensure_ascii=False, indent=2), file=stdout)
    else:
        print(report.text(), file=stdout)
    return 0 if report.passed else 1

