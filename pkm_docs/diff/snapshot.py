"""What a diff compares: a draft reduced to its details, parties, articles, clauses and texts per language.

A draft comes from an agreement model (``from_agreement``, with the library that gives each parameter its
type) or from a DOCX that pkm-docs built, read back (``from_readback``); the comparison in ``model_diff``
sees only this form, so both kinds of input plug in the same way. What a DOCX cannot tell (the parties'
details, parameter values) is None and left out of the comparison.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..body import letters
from ..library import Library
from ..model import Agreement, Article, ClauseUse, Paragraph, Party, Text, from_roman
from ..values import Allocation, ChoiceValue, ListType, Period, TableType, ValueType
from .changes import OUTSIDE_CLAUSES, TrackedChange, TrackedChanges
from .text_diff import normalize

if TYPE_CHECKING:
    from ..renderers.docx_read import ReadBack, ReadParagraph
    from ..renderers.docx_revisions import Revision

#: The clause id of text written in the agreement itself rather than taken from the library.
ADHOC = "adhoc"

#: The key under which a detail that is the same in every language is stored.
ANY_LANGUAGE = ""

#: Shown for a parameter that has no value (not given, or not declared by that clause version).
NO_VALUE = "—"


@dataclass(frozen=True)
class DraftParagraph:
    """A paragraph with its items, one per line (``a. ...``), by language."""

    number: int | None
    text: Mapping[str, str]


@dataclass(frozen=True)
class DraftClause:
    """A library clause (or ad-hoc text) as a draft uses it; ``params`` are written as a user reads them
    (None when unknown: a DOCX does not record them)."""

    clause_id: str
    version: str | None
    content_hash: str | None
    status: str
    section: str | None
    vetted: bool
    params: Mapping[str, str] | None
    paragraphs: tuple[DraftParagraph, ...]
    #: The library's hash of this id and version, when the clause was read from a DOCX whose hash for it
    #: is not that one (the DOCX was altered); None otherwise.
    library_hash: str | None = None
    #: For ad-hoc text written in place of a library clause (``replaces:``): that clause, ``ID@VERSION``.
    replaces: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.clause_id} {self.version}" if self.version else self.clause_id


@dataclass(frozen=True)
class DraftPart:
    """An article, or the preamble or closing (``number`` None)."""

    kind: str
    number: int | None
    title: Mapping[str, str]
    clauses: tuple[DraftClause, ...]

    @property
    def clause_ids(self) -> tuple[str, ...]:
        """The library clauses of the part, in order: what identifies it from one draft to the next."""
        return tuple(c.clause_id for c in self.clauses if c.clause_id != ADHOC)

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(c.section for c in self.clauses if c.section)

    def text(self, lang: str) -> str:
        return "\n".join(p.text.get(lang, "") for c in self.clauses for p in c.paragraphs)


@dataclass(frozen=True)
class Draft:
    """One draft as the diff sees it. ``details`` and each party's fields map a name to its text by language
    (``ANY_LANGUAGE`` for a detail written once); ``parties`` is None when unknown (a DOCX); ``outside`` is
    text standing outside every clause (a DOCX edited by hand); ``agreement`` or ``document`` is what a
    redline renders."""

    name: str
    languages: tuple[str, ...]
    details: Mapping[str, Mapping[str, str]]
    parties: Mapping[str, Mapping[str, Mapping[str, str]]] | None
    parts: tuple[DraftPart, ...]
    signing_date: datetime.date | None = None
    agreement: Agreement | None = None
    document: bytes | None = None
    outside: tuple[str, ...] = ()
    #: Read from a DOCX: what a reader sees beyond what pkm-docs writes (``renderers.docx_read``).
    findings: tuple[str, ...] = ()
    #: The text around the clauses by region (title block, signature block, header, footer), and each list
    #: level's label text with how many paragraphs show it: from a DOCX, or from the DOCX a ``.pkm`` builds
    #: (``sources.with_reference``); None when unknown.
    frame: Mapping[str, tuple[str, ...]] | None = None
    labels: Mapping[str, tuple[str, int]] | None = None
    #: How a DOCX is laid out: ``parallel``, ``sequential``, or ``separate`` (one language of several).
    layout: str | None = None
    #: The tracked changes a DOCX holds (None for a ``.pkm``); the texts above read them accepted.
    tracked: TrackedChanges | None = None
    #: For each text of ``outside`` (read from a DOCX), where it stands among the clauses, when it can be told
    #: (``OutsidePlace``), else None.
    outside_at: tuple[OutsidePlace | None, ...] = ()


@dataclass(frozen=True)
class OutsidePlace:
    """Where a paragraph typed outside every clause of a DOCX stands: in one language's text, right after
    clause ``clause`` of ``parts[part]`` (-1: right after the part's heading), as an article heading (``text``
    its title), a numbered paragraph (``number``), a list item (``item``: "a.") or a paragraph."""

    lang: str
    part: int
    clause: int
    text: str
    heading: bool = False
    number: int | None = None
    item: str | None = None


def from_agreement(agreement: Agreement, library: Library | None, name: str = "") -> Draft:
    """The draft form of a resolved agreement; ``library`` types the parameters (money, percent...)."""
    langs = agreement.languages
    details = {
        "title": _text(agreement.title, langs),
        "number": {ANY_LANGUAGE: agreement.number},
        "scheme": {ANY_LANGUAGE: agreement.scheme},
        "languages": {ANY_LANGUAGE: ", ".join(langs)},
        "governing language": {ANY_LANGUAGE: agreement.governing_language},
        "signing date": {ANY_LANGUAGE: agreement.signing_date.isoformat()},
        "signing place": _text(agreement.signing_place, langs),
    }
    parties = {party.key: _party(party, langs) for party in agreement.parties}
    parts = tuple(_part(part, langs, library) for part in agreement.every_part())
    return Draft(name, langs, details, parties, parts, agreement.signing_date, agreement=agreement)


def _text(text: Text, langs: tuple[str, ...]) -> dict[str, str]:
    values = {lang: text.get(lang) for lang in langs}
    if len(set(values.values())) == 1:
        return {ANY_LANGUAGE: next(iter(values.values()))}
    return values


def _party(party: Party, langs: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {
        "role": {ANY_LANGUAGE: party.role},
        "alias": _text(party.alias, langs),
        "name": _text(party.name, langs),
        "representative": {ANY_LANGUAGE: party.representative},
        "position": _text(party.position, langs),
        "authority": _text(party.authority, langs),
        "acts_for": _text(party.acting_for, langs),
        "address": _text(party.address, langs),
        "number": {ANY_LANGUAGE: party.number or ""},
        "meterai": {ANY_LANGUAGE: "yes" if party.meterai else "no"},
    }


def _part(part: Article, langs: tuple[str, ...], library: Library | None) -> DraftPart:
    clauses = [DraftClause(use.clause_id, use.version, use.content_hash, use.status, use.section, use.vetted,
                           _params(use, library), tuple(d for p in use.paragraphs for d in _paragraphs(p, langs)),
                           replaces=use.replaces)
               for use in part.clauses]
    return DraftPart(part.kind, part.number, {lang: normalize(part.title.get(lang)) for lang in langs},
                     tuple(clauses))


def _paragraphs(paragraph: Paragraph, langs: tuple[str, ...]) -> list[DraftParagraph]:
    """A paragraph, or an annex's table as one paragraph per cell that has a text, row by row (as a DOCX holds
    it: a cell's text is a paragraph of its own)."""
    if paragraph.table is None:
        return [_paragraph(paragraph, langs)]
    table = paragraph.table
    cells = [cell for row in (table.columns, *table.rows, table.total) for cell in row
             if any(cell.get(lang) for lang in langs)]
    return [DraftParagraph(None, {lang: normalize(cell.get(lang)) for lang in langs}) for cell in cells]


def _paragraph(paragraph: Paragraph, langs: tuple[str, ...]) -> DraftParagraph:
    marks = letters(len(paragraph.items))
    text = {}
    for lang in langs:
        lines = [paragraph.text.get(lang)] + [f"{mark}. {item.get(lang)}" for mark, item in zip(marks, paragraph.items)]
        text[lang] = normalize("\n".join(lines))
    return DraftParagraph(paragraph.number, text)


def _params(use: ClauseUse, library: Library | None) -> dict[str, str]:
    return {name: param_text(value.value, value.type) for name, value in use.values.items()}


def param_text(value: Any, type_: ValueType | None) -> str:
    """A parameter value as a user reads it: ``Rp450.000.000,00``, ``40%``, ``3 years``, ``"id" / "en"``."""
    if value is None or value == ():
        return NO_VALUE
    if isinstance(type_, TableType):
        return type_.plain(value)
    if isinstance(value, tuple):
        item = type_.item if isinstance(type_, ListType) else None
        return "; ".join(param_text(v, item) for v in value)
    if isinstance(value, Text):
        texts = list(dict.fromkeys(v for v in value.by_lang.values() if v))
        return " / ".join(texts) if texts else NO_VALUE
    if isinstance(value, ChoiceValue):
        return value.name
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if type_ is not None and (not isinstance(type_, ListType) or isinstance(value, (Allocation, Period))):
        return type_.plain(value)
    return str(value)


# ---- a DOCX read back ---------------------------------------------------------------------------------

_PARAGRAPH_NUMBER = re.compile(r"\((\d+)\)|(\d+)\.")
_ITEM_NUMBER = re.compile(r"[a-z]{1,3}\.")
_ITEM_STYLES = ("PKMItem",)


def from_readback(back: ReadBack, library: Library | None, name: str, document: bytes,
                  details: Mapping[str, Mapping[str, str]], signing_date: datetime.date | None) -> Draft:
    """The draft form of a DOCX that pkm-docs built (``renderers.docx_read.read_docx``), edited or not.

    Articles, clauses and texts come from the clauses' content controls; ``details`` from the document's
    properties; parameters and parties stay unknown.
    """
    langs = tuple(dict.fromkeys(c.lang for c in back.controls if c.lang))
    manifest = back.manifest if isinstance(back.manifest, Mapping) else {}
    statuses = {(c.get("id"), c.get("version")): c.get("status", "") for c in manifest.get("clauses", [])
                if isinstance(c, Mapping)}
    adhoc = manifest.get("adhoc")
    # what the manifest records of each ad-hoc text, by its hash: the section it fills, the clause it replaces
    adhoc_entries = {a.get("hash"): a for a in (adhoc if isinstance(adhoc, list) else []) if isinstance(a, Mapping)}
    parts: dict[str, dict[str, Any]] = {}
    positions: list[tuple[str, int]] = []  # each control's part and entry (-1: the heading)
    for control in back.controls:
        where = control.tag.where
        part = parts.setdefault(where, {"title": {}, "entries": [], "next": {}})
        positions.append((where, -1))
        if control.kind == "heading":
            text = control.text
            if where.startswith("annex_"):  # "LAMPIRAN II" is typed on the heading's first line, the title after it
                text = text.partition("\n")[2]
            part["title"][control.lang] = normalize(text)
            continue
        key = (control.kind, control.clause_id, control.version, control.content_hash, control.tag.use)
        entries, start = part["entries"], part["next"].get(control.lang, 0)
        if start and entries[start - 1]["key"] == key:  # the clause goes on (another row of the same clause)
            index = start - 1
        else:
            index = next((i for i in range(start, len(entries)) if entries[i]["key"] == key), len(entries))
            if index == len(entries):
                entries.append({"key": key, "texts": {}})
        entries[index]["texts"].setdefault(control.lang, []).extend(control.paragraphs)
        part["next"][control.lang] = index + 1
        positions[-1] = (where, index)
    drafts = []
    for where, part in parts.items():
        clauses = []
        for entry in part["entries"]:
            kind, clause_id, version, content_hash, _ = entry["key"]
            clause_id = ADHOC if kind == "adhoc" or not clause_id else clause_id
            section = library_hash = None
            if library is not None and clause_id != ADHOC:
                found = next((c for c in library.versions_of(clause_id) if c.version_text == version), None)
                section = found.section if found is not None else None
                if found is not None and content_hash and content_hash != found.content_hash:
                    library_hash = found.content_hash
            replaces = None
            if clause_id == ADHOC:  # the model's status of every ad-hoc text; the manifest records its section
                status = "ad-hoc"
                recorded = adhoc_entries.get(content_hash or "", {})
                section = recorded.get("section")
                replaces = recorded.get("replaces") if isinstance(recorded.get("replaces"), str) else None
            else:
                status = statuses.get((clause_id, version), "")
            clauses.append(DraftClause(clause_id, version, content_hash, status,
                                       section, kind == "clause", None, _read_paragraphs(entry["texts"], langs),
                                       library_hash, replaces))
        kind = "article" if where.isdigit() else where or "article"
        number = int(where) if where.isdigit() else None
        if where.startswith("annex_") and from_roman(where.removeprefix("annex_")):
            kind, number = "annex", from_roman(where.removeprefix("annex_"))
        title = {lang: part["title"].get(lang, "") for lang in langs}
        drafts.append(DraftPart(kind, number, title, tuple(clauses)))
    kept = [p for p in back.outside if normalize(p.shown)]
    outside = tuple(normalize(p.shown) for p in kept)
    order = {where: index for index, where in enumerate(parts)}
    headings = frozenset(p.style for c in back.controls if c.kind == "heading" and c.tag.where.isdigit()
                         for p in c.paragraphs)  # the styles of the article headings
    outside_at = tuple(_outside_place(p, back, langs, positions, order, headings) for p in kept)
    return Draft(name, langs, details, None, tuple(drafts), signing_date, document=document, outside=outside,
                 findings=tuple(back.findings), frame=dict(back.frame), labels=dict(back.labels),
                 layout=back.layout, tracked=tracked_changes(back.revisions), outside_at=outside_at)


def _outside_place(paragraph: ReadParagraph, back: ReadBack, langs: tuple[str, ...],
                   positions: Sequence[tuple[str, int]], order: Mapping[str, int],
                   headings: frozenset[str | None]) -> OutsidePlace | None:
    """Where ``paragraph`` (outside every control) stands, when it can be told: in the parallel layout, a cell of
    the clauses' table, whose column gives its language; in the sequential layout, in the body, in the language
    of the text before it. Its place is right after the last control of that language before it. An emptied
    paragraph (its number only: a cell the other side left empty) is placed with no text. ``headings``: the styles
    of the article headings, by which a typed heading is told."""
    controls = back.controls
    if paragraph.after < 0 or paragraph.after >= len(controls):
        return None
    if back.layout == "parallel":
        if paragraph.cells != 1 or paragraph.column is None or paragraph.column >= len(langs):
            return None
        lang = langs[paragraph.column]
    else:
        if paragraph.cells:
            return None
        lang = controls[paragraph.after].lang
    anchor = next((i for i in range(paragraph.after, -1, -1) if controls[i].lang == lang), None)
    if anchor is None:
        return None
    where, clause = positions[anchor]
    text = normalize(paragraph.text)
    if paragraph.style in headings:  # an article heading, numbered by Word as ours are ("Pasal 12")
        if not paragraph.number:
            return None  # a heading Word does not number as an article's
        return OutsidePlace(lang, order[where], clause, text, heading=True)
    if paragraph.style in _ITEM_STYLES or _ITEM_NUMBER.fullmatch(paragraph.number):
        return OutsidePlace(lang, order[where], clause, text, item=paragraph.number or None)
    match = _PARAGRAPH_NUMBER.fullmatch(paragraph.number)
    if paragraph.number and match is None:
        return None  # a list label that is neither a paragraph's nor an item's
    number = int(match.group(1) or match.group(2)) if match else None
    return OutsidePlace(lang, order[where], clause, text, number=number)


def tracked_changes(revisions: Sequence[Revision]) -> TrackedChanges:
    """The revisions of a DOCX read back, each named by the clause it stands in."""
    from ..renderers.docx_read import ControlTag

    out = []
    for revision in revisions:
        tag = ControlTag.parse(revision.tag) if revision.tag else None
        if tag is None:
            where = OUTSIDE_CLAUSES if revision.region == "body" else f"{OUTSIDE_CLAUSES}: the {revision.region}"
            out.append(TrackedChange(revision.kind, revision.author, revision.date, revision.text, where))
            continue
        part = f"Article {tag.where}" if tag.where.isdigit() else f"Annex {tag.where.removeprefix('annex_')}" \
            if tag.where.startswith("annex_") else f"the {tag.where or 'body'}"
        clause = ADHOC if tag.kind == "adhoc" or not tag.clause_id else tag.clause_id
        what = "the heading" if tag.kind == "heading" else \
            "text written in the agreement" if clause == ADHOC else clause
        use = f" (use {tag.use})" if tag.use else ""
        out.append(TrackedChange(revision.kind, revision.author, revision.date, revision.text,
                                 f"{part}, {what}{use}", None if tag.kind == "heading" else clause, tag.article,
                                 tag.lang))
    return TrackedChanges(tuple(out))


def _read_paragraphs(texts: Mapping[str, Sequence[ReadParagraph]],
                     langs: tuple[str, ...]) -> tuple[DraftParagraph, ...]:
    """Paragraphs with their items as lines, per language, paired across languages by position."""
    by_lang: dict[str, list[tuple[int | None, list[str]]]] = {}
    for lang in langs:
        out: list[tuple[int | None, list[str]]] = []
        for read in texts.get(lang, ()):
            text = normalize(read.text)
            if not text:
                continue  # emptied, only its list number left
            is_item = read.style in _ITEM_STYLES or bool(_ITEM_NUMBER.fullmatch(read.number))
            if is_item and out:
                out[-1][1].append(f"{read.number} {text}".strip() if read.number else text)
            else:
                match = _PARAGRAPH_NUMBER.fullmatch(read.number)
                number = int(match.group(1) or match.group(2)) if match else None
                out.append((number, [text]))
        by_lang[lang] = out
    count = max((len(v) for v in by_lang.values()), default=0)
    paragraphs = []
    for index in range(count):
        numbers = [by_lang[lang][index][0] for lang in langs if index < len(by_lang[lang])]
        joined = {lang: normalize("\n".join(by_lang[lang][index][1])) if index < len(by_lang[lang]) else ""
                  for lang in langs}
        paragraphs.append(DraftParagraph(next((n for n in numbers if n is not None), None), joined))
    return tuple(paragraphs)
