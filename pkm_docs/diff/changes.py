"""What a comparison found: changes to details, parties, articles, clauses, parameters and texts, as values.

``AgreementDiff.to_data()`` is the JSON that ``pkm diff --format json`` prints. Its shape is stable
(``"format": "pkm-diff", "version": 1``); keys are only ever added::

    {
      "format": "pkm-diff", "version": 1,
      "old": "draft3.pkm", "new": "draft4.pkm",
      "same": false,                       # true exactly when `pkm diff` exits 0
      "languages": ["id", "en"],           # the languages whose texts are listed (--lang)
      "summary": {"articles_added": 1, "articles_removed": 0, "articles_moved": 8, "articles_changed": 1,
                  "clauses_added": 1, "clauses_removed": 0, "clauses_moved": 0, "clauses_changed": 1,
                  "versions_changed": 1, "parameters_changed": 1, "paragraphs_added": 0,
                  "paragraphs_removed": 0, "paragraphs_changed": 2, "parties_changed": 1,
                  "details_changed": 1, "outside_changed": 0, "document_changed": 0,
                  "warnings": 1},
      "details": [FIELD, ...],             # the agreement's title, number, dates, place, scheme, languages
      "parties": [{"party": "yayasan", "change": "added|removed|changed", "fields": [FIELD, ...]}],
      "articles": [ARTICLE, ...],          # in the new draft's order, removed ones where they stood
      "outside": [TEXT, ...],              # text outside every clause (a DOCX edited by hand); "lang": ""
      "document": ["hidden text at ...", "unrecognised content at ...", ...],
                                           # what a reader of a DOCX sees beyond the clauses, one message each
      "tracked": null | TRACKED,           # the tracked changes NEW (a DOCX) already holds; null for a .pkm
      "warnings": [{"kind": "translation-left-behind", "where": "Article 4 (2)", "changed": "id",
                    "unchanged": "en", "message": "..."}]
    }
    FIELD = {"field": "representative", "lang": null | "id" | "en", "old": "...", "new": "..."}
    ARTICLE = {
      "change": "added" | "removed" | "moved" | "changed",   # "moved": renumbered or reordered, nothing else
      "kind": "preamble" | "article" | "closing",
      "old_number": 5 | null, "new_number": 6 | null,        # null for an added/removed side and unnumbered parts
      "moved": true,                                         # the number changed
      "reordered": false,                                    # it also changed place among the other articles
      "title": {"id": "...", "en": "..."},                   # the new title (the old one when removed)
      "title_changes": [TEXT, ...],
      "clauses": [CLAUSE, ...]                               # only clauses that changed (all, when added/removed)
    }
    CLAUSE = {
      "id": "funding.cost_sharing",                          # "adhoc" for text written in the agreement
      "change": "added" | "removed" | "moved" | "changed",
      "old_version": "2.0.0" | null, "new_version": "2.1.0" | null,
      "old_status": "approved" | null, "new_status": "approved" | null,
      "moved_from": "Article 7" | null, "moved_to": "Article 6" | null,
      "note": null | "...",
      "parameters": [{"name": "total", "old": "Rp500.000.000,00", "new": "Rp450.000.000,00"}],
                                                             # "—": no value; [] when a side is a DOCX
      "paragraphs": [PARAGRAPH, ...]
    }
    PARAGRAPH = {"change": "added" | "removed" | "changed", "old_number": 2 | null, "new_number": 2 | null,
                 "texts": [TEXT, ...]}                       # changed languages only (all, when added/removed)
    TEXT = {"lang": "id", "old": "...", "new": "...",
            "diff": [["=", "Biaya sebesar "], ["-", "Rp950.000.000,00"], ["+", "Rp850.000.000,00"], ...]}

    TRACKED = {
      "compared": "accepted",              # the comparison read NEW with every tracked change accepted
      "count": 4,
      "authors": [{"author": "Budi", "count": 3, "dates": ["2026-12-03"]}],   # "dates": days, first to last
      "groups": [{"where": "Article 5, funding.cost_sharing",          # or "outside the clauses", "the header"
                  "clause": "funding.cost_sharing" | "adhoc" | null, "article": 5 | null,
                  "changes": [{"kind": "inserted" | "deleted" | "moved from" | "moved to" |
                                       "paragraph mark inserted" | "paragraph mark deleted" |
                                       "formatting changed" | "paragraph properties changed" |
                                       "row inserted" | "row deleted" | "table properties changed",
                               "author": "Budi", "date": "2026-12-03T09:00:00Z" | "", "lang": "id" | "",
                               "text": "..."}]}]
    }

Joining a TEXT's ``=`` and ``-`` pieces gives ``old``; joining ``=`` and ``+`` gives ``new``. Paragraph
texts hold their items as further lines (``"\\na. ..."``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .text_diff import Segment

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"

LANGUAGE_NAMES = {"id": "Indonesian", "en": "English"}

#: Who a Word redline's tracked changes are by, unless ``pkm diff --author`` says.
DEFAULT_AUTHOR = "pkm-docs"

TRANSLATION_LEFT_BEHIND = "translation-left-behind"


@dataclass(frozen=True)
class TextChange:
    """One language of one text, old and new, with the word diff between them."""

    lang: str
    old: str
    new: str
    segments: tuple[Segment, ...]

    def to_data(self) -> dict[str, Any]:
        return {"lang": self.lang, "old": self.old, "new": self.new,
                "diff": [[seg.op, seg.text] for seg in self.segments]}


@dataclass(frozen=True)
class FieldChange:
    """A detail of the agreement or a party: ``lang`` None when it is written once for every language."""

    field: str
    lang: str | None
    old: str
    new: str

    @property
    def label(self) -> str:
        return f"{self.field} ({self.lang})" if self.lang else self.field

    def to_data(self) -> dict[str, Any]:
        return {"field": self.field, "lang": self.lang, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class PartyChange:
    key: str
    change: str
    name: str
    fields: tuple[FieldChange, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {"party": self.key, "change": self.change, "name": self.name,
                "fields": [f.to_data() for f in self.fields]}


@dataclass(frozen=True)
class ParamChange:
    name: str
    old: str
    new: str

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ParagraphChange:
    change: str
    old_number: int | None
    new_number: int | None
    texts: tuple[TextChange, ...]

    @property
    def label(self) -> str:
        number = self.new_number if self.new_number is not None else self.old_number
        if self.change == CHANGED and self.old_number is not None and self.old_number != self.new_number:
            return f"({self.old_number})→({self.new_number})"
        return f"({number})" if number is not None else "¶"

    def in_languages(self, langs: Sequence[str]) -> tuple[TextChange, ...]:
        return tuple(t for t in self.texts if t.lang in langs)

    def to_data(self, langs: Sequence[str]) -> dict[str, Any]:
        return {"change": self.change, "old_number": self.old_number, "new_number": self.new_number,
                "texts": [t.to_data() for t in self.in_languages(langs)]}


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    change: str
    old_version: str | None
    new_version: str | None
    old_status: str | None = None
    new_status: str | None = None
    params: tuple[ParamChange, ...] = ()
    paragraphs: tuple[ParagraphChange, ...] = ()
    moved_from: str | None = None
    moved_to: str | None = None
    note: str | None = None

    @property
    def version_changed(self) -> bool:
        return self.old_version is not None and self.new_version is not None and self.old_version != self.new_version

    @property
    def has_details(self) -> bool:
        return bool(self.params or self.paragraphs or self.version_changed or self.note
                    or self.old_status != self.new_status)

    def to_data(self, langs: Sequence[str]) -> dict[str, Any]:
        return {
            "id": self.clause_id, "change": self.change,
            "old_version": self.old_version, "new_version": self.new_version,
            "old_status": self.old_status, "new_status": self.new_status,
            "moved_from": self.moved_from, "moved_to": self.moved_to, "note": self.note,
            "parameters": [p.to_data() for p in self.params],
            "paragraphs": [p.to_data(langs) for p in self.paragraphs if p.in_languages(langs)],
        }


@dataclass(frozen=True)
class ArticleChange:
    change: str
    kind: str
    old_number: int | None
    new_number: int | None
    title: dict[str, str]
    title_changes: tuple[TextChange, ...] = ()
    clauses: tuple[ClauseChange, ...] = ()
    moved: bool = False
    reordered: bool = False

    def to_data(self, langs: Sequence[str]) -> dict[str, Any]:
        return {
            "change": self.change, "kind": self.kind,
            "old_number": self.old_number, "new_number": self.new_number,
            "moved": self.moved, "reordered": self.reordered,
            "title": {lang: self.title.get(lang, "") for lang in langs},
            "title_changes": [t.to_data() for t in self.title_changes if t.lang in langs],
            "clauses": [c.to_data(langs) for c in self.clauses],
        }


@dataclass(frozen=True)
class DiffWarning:
    kind: str
    where: str
    message: str
    changed: str | None = None
    unchanged: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "where": self.where, "changed": self.changed, "unchanged": self.unchanged,
                "message": self.message}


@dataclass(frozen=True)
class TrackedChange:
    """A tracked change a returned DOCX already holds, placed by the clause it stands in (``where``)."""

    kind: str
    author: str
    date: str
    text: str
    where: str
    clause_id: str | None = None
    article: int | None = None
    lang: str = ""

    @property
    def day(self) -> str:
        return self.date[:10]

    def to_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "author": self.author, "date": self.date, "lang": self.lang, "text": self.text}


#: Where a tracked change outside every clause is listed.
OUTSIDE_CLAUSES = "outside the clauses"


@dataclass(frozen=True)
class TrackedChanges:
    """The tracked changes of a returned DOCX, in document order; the comparison read them accepted."""

    changes: tuple[TrackedChange, ...]

    def groups(self) -> list[tuple[str, list[TrackedChange]]]:
        """The changes by where they stand, in the order each place first appears."""
        out: dict[str, list[TrackedChange]] = {}
        for change in self.changes:
            out.setdefault(change.where, []).append(change)
        return list(out.items())

    def authors(self) -> list[tuple[str, int, list[str]]]:
        """Each author with how many changes and the days they are dated (sorted), most changes first."""
        counts: dict[str, list[TrackedChange]] = {}
        for change in self.changes:
            counts.setdefault(change.author, []).append(change)
        found = [(author, len(found), sorted({c.day for c in found if c.day})) for author, found in counts.items()]
        return sorted(found, key=lambda item: -item[1])

    def summary(self) -> str:
        """``3 by Budi (2026-12-03), 1 by Sari``."""
        parts = []
        for author, count, days in self.authors():
            when = f" ({days[0]})" if len(days) == 1 else f" ({days[0]} to {days[-1]})" if days else ""
            parts.append(f"{count} by {author or 'an unnamed author'}{when}")
        return ", ".join(parts)

    def to_data(self) -> dict[str, Any]:
        return {
            "compared": "accepted", "count": len(self.changes),
            "authors": [{"author": a, "count": n, "dates": days} for a, n, days in self.authors()],
            "groups": [{"where": where, "clause": found[0].clause_id, "article": found[0].article,
                        "changes": [c.to_data() for c in found]} for where, found in self.groups()],
        }


@dataclass(frozen=True)
class AgreementDiff:
    """Everything that differs between two drafts; ``same`` when nothing of substance does."""

    old_name: str
    new_name: str
    languages: tuple[str, ...]
    details: tuple[FieldChange, ...] = ()
    parties: tuple[PartyChange, ...] = ()
    articles: tuple[ArticleChange, ...] = ()
    warnings: tuple[DiffWarning, ...] = field(default=())
    outside: tuple[TextChange, ...] = ()
    #: What a reader of a DOCX sees that the clauses do not hold: hidden text, text boxes, fields, lines
    #: added around the clauses, changed list labels, content that cannot be interpreted; one message each.
    document: tuple[str, ...] = ()
    #: The tracked changes NEW (a returned DOCX) already holds; None when NEW is not a DOCX.
    tracked: TrackedChanges | None = None

    @property
    def same(self) -> bool:
        return not (self.details or self.parties or self.articles or self.outside or self.document)

    def summary(self, langs: Sequence[str] | None = None) -> dict[str, int]:
        """Counts by kind of change; texts count only in ``langs`` (default: every language)."""
        langs = self.languages if langs is None else langs
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for article in self.articles:
            counts[f"articles_{article.change}"] += 1
            if article.change == CHANGED and article.moved:
                counts["articles_moved"] += 1
            for clause in article.clauses:
                if clause.change == MOVED:
                    counts["clauses_moved"] += clause.moved_from is not None
                else:
                    counts[f"clauses_{clause.change}"] += 1
                if clause.change in (ADDED, REMOVED):
                    continue  # its parameters and texts come and go with it
                counts["versions_changed"] += clause.version_changed
                counts["parameters_changed"] += len(clause.params)
                for paragraph in clause.paragraphs:
                    if paragraph.in_languages(langs):
                        counts[f"paragraphs_{paragraph.change}"] += 1
        counts["parties_changed"] = len(self.parties)
        counts["details_changed"] = len(self.details)
        counts["outside_changed"] = len(self.outside)
        counts["document_changed"] = len(self.document)
        counts["warnings"] = len(self.warnings)
        return counts

    def to_data(self, langs: Sequence[str] | None = None) -> dict[str, Any]:
        """The JSON form documented at the top of this module."""
        langs = tuple(self.languages if langs is None else langs)
        return {
            "format": "pkm-diff",
            "version": 1,
            "old": self.old_name,
            "new": self.new_name,
            "same": self.same,
            "languages": list(langs),
            "summary": self.summary(langs),
            "details": [d.to_data() for d in self.details if d.lang is None or d.lang in langs],
            "parties": [p.to_data() for p in self.parties],
            "articles": [a.to_data(langs) for a in self.articles],
            "outside": [t.to_data() for t in self.outside],
            "document": list(self.document),
            "warnings": [w.to_data() for w in self.warnings],
            "tracked": self.tracked.to_data() if self.tracked is not None else None,
        }


SUMMARY_KEYS = (
    "articles_added", "articles_removed", "articles_moved", "articles_changed",
    "clauses_added", "clauses_removed", "clauses_moved", "clauses_changed", "versions_changed",
    "parameters_changed", "paragraphs_added", "paragraphs_removed", "paragraphs_changed",
    "parties_changed", "details_changed", "outside_changed", "document_changed", "warnings",
)
