"""Writing a comparison out: ``text`` (a summary, then each change; colour on a terminal), ``json`` (the shape
documented in ``changes``) and ``html`` (one self-contained page, see ``html_page``)."""

from __future__ import annotations

import json
from typing import Sequence

from .changes import (ADDED, CHANGED, MOVED, REMOVED, AgreementDiff, ArticleChange, ClauseChange, FieldChange,
                      ParagraphChange, TextChange, TrackedChanges)
from .library_diff import ClauseVersionDiff
from .model_diff import part_label
from .snapshot import ADHOC
from .text_diff import DELETE, INSERT, Segment, tokens

INSERTED, DELETED = "inserted", "deleted"  # the kinds of tracked change shown in colour

FORMATS = ("text", "json", "html")

#: Words of unchanged text kept on each side of a change in the text format.
CONTEXT_WORDS = 6

#: The summary line's groups: label, summary key prefix, kinds of change.
_SUMMARY_GROUPS = (
    ("articles", "articles", ("added", "removed", "moved", "changed")),
    ("clauses", "clauses", ("added", "removed", "moved", "changed")),
    ("library versions", "versions", ("changed",)),
    ("parameters", "parameters", ("changed",)),
    ("paragraphs", "paragraphs", ("added", "removed", "changed")),
    ("parties", "parties", ("changed",)),
    ("details", "details", ("changed",)),
    ("text outside the clauses", "outside", ("changed",)),
    ("in the document", "document", ("changed",)),
)


def render(diff: AgreementDiff, fmt: str, langs: Sequence[str] | None = None, *, color: bool = False) -> str:
    """The comparison in ``fmt`` (text, json or html), listing texts in ``langs`` only."""
    langs = tuple(diff.languages if langs is None else langs)
    if fmt == "json":
        return json.dumps(diff.to_data(langs), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .html_page import render_html
        return render_html(diff, langs)
    if fmt == "text":
        return TextReport(langs, color).agreement(diff)
    raise ValueError(f"unknown format {fmt!r}")


def render_library(diff: ClauseVersionDiff, fmt: str, langs: Sequence[str] | None = None, *,
                   color: bool = False) -> str:
    """A comparison of two clause versions (``pkm library diff``) in ``fmt``."""
    langs = tuple(diff.languages if langs is None else langs)
    if fmt == "json":
        return json.dumps(diff.to_data(langs), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .html_page import render_library_html
        return render_library_html(diff, langs)
    if fmt == "text":
        return TextReport(langs, color).clause_version(diff)
    raise ValueError(f"unknown format {fmt!r}")


def tracked_line(tracked: TrackedChanges) -> str:
    """``tracked changes in the returned DOCX: 3 by Budi (2026-12-03), 1 by Sari; ...``."""
    return (f"tracked changes in the returned DOCX: {tracked.summary()}; compared with them accepted "
            "(insertions in, deletions out)")


def summary_line(counts: dict[str, int]) -> str:
    """``articles: 1 added, 10 moved; parameters: 2 changed; 1 warning`` (kinds with a count only)."""
    groups = []
    for label, key, kinds in _SUMMARY_GROUPS:
        parts = [f"{counts[f'{key}_{kind}']} {kind}" for kind in kinds if counts.get(f"{key}_{kind}")]
        if parts:
            groups.append(f"{label}: {', '.join(parts)}")
    if counts.get("warnings"):
        groups.append(f"{counts['warnings']} warning{'s' if counts['warnings'] != 1 else ''}")
    return "; ".join(groups)


class Paint:
    """ANSI colour when writing to a terminal; ``[-deleted-]`` and ``{+inserted+}`` marks otherwise."""

    def __init__(self, color: bool):
        self.color = color

    def _sgr(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def deleted(self, text: str) -> str:
        return self._sgr("31", text) if self.color else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        return self._sgr("32", text) if self.color else f"{{+{text}+}}"

    def heading(self, text: str) -> str:
        return self._sgr("1", text)

    def red(self, text: str) -> str:
        return self._sgr("31", text)

    def green(self, text: str) -> str:
        return self._sgr("32", text)

    def warning(self, text: str) -> str:
        return self._sgr("33", text)

    def moved(self, text: str) -> str:
        return self._sgr("36", text)


def inline(segments: Sequence[Segment], paint: Paint, context: int = CONTEXT_WORDS) -> str:
    """A word diff on one line: changes marked, long unchanged stretches cut down to ``context`` words."""
    out = []
    keep = 2 * context  # tokens: words and the spaces between them
    for index, seg in enumerate(segments):
        if seg.op == DELETE:
            out.append(paint.deleted(seg.text))
        elif seg.op == INSERT:
            out.append(paint.inserted(seg.text))
        else:
            parts = tokens(seg.text)
            first, last = index == 0, index == len(segments) - 1
            if first and not last and len(parts) > keep:
                out.append("…" + "".join(parts[-keep:]).lstrip())
            elif last and not first and len(parts) > keep:
                out.append("".join(parts[:keep]).rstrip() + "…")
            elif not first and not last and len(parts) > 2 * keep + 1:
                out.append("".join(parts[:keep]).rstrip() + " … " + "".join(parts[-keep:]).lstrip())
            else:
                out.append(seg.text)
    return "".join(out)


def shown(value: str) -> str:
    return value if value else "—"


class TextReport:
    """The plain-text report: summary first, then details, parties, articles and warnings."""

    def __init__(self, langs: Sequence[str], color: bool):
        self.langs = tuple(langs)
        self.paint = Paint(color)
        self.lines: list[str] = []

    def add(self, indent: int, text: str) -> None:
        pad = "    " * indent
        self.lines.append(pad + text.replace("\n", "\n" + pad + "  "))

    def agreement(self, diff: AgreementDiff) -> str:
        p = self.paint
        self.add(0, p.heading(f"pkm diff: {diff.old_name} → {diff.new_name}"))
        self.add(0, "same in substance" if diff.same else summary_line(diff.summary(self.langs)))
        if diff.tracked is not None and diff.tracked.changes:
            self.add(0, tracked_line(diff.tracked))
        if diff.details:
            self.add(0, "")
            self.add(0, p.heading("agreement"))
            self.fields(diff.details)
        for party in diff.parties:
            self.add(0, "")
            mark = {ADDED: "+ ", REMOVED: "- "}.get(party.change, "")
            suffix = f"  ({party.change})" if party.change != CHANGED else ""
            self.add(0, p.heading(f"{mark}party {party.key}") + f"  {party.name}{suffix}")
            self.fields(party.fields)
        previous = 0
        for article in diff.articles:
            start = len(self.lines)
            self.article(article)
            size = len(self.lines) - start
            if size > 1 or previous != 1:  # one-line entries (moves) stay together
                self.lines.insert(start, "")
            previous = size
        if diff.outside:
            self.add(0, "")
            self.add(0, p.heading("text outside the clauses"))
            for text in diff.outside:
                change = ADDED if not text.old else REMOVED if not text.new else CHANGED
                mark = {ADDED: "+ ", REMOVED: "- "}.get(change, "~ ")
                self.add(1, mark + self.text(change, text, p))
        if diff.document:
            self.add(0, "")
            self.add(0, p.heading("in the document (what a reader sees beyond the clauses)"))
            for message in diff.document:
                self.add(1, p.warning("! " + message))
        if diff.tracked is not None and diff.tracked.changes:
            self.tracked(diff.tracked, diff.new_name)
        if diff.warnings:
            self.add(0, "")
        for warning in diff.warnings:
            self.add(0, p.warning(f"warning: {warning.message}"))
        return "\n".join(self.lines) + "\n"

    def tracked(self, tracked: TrackedChanges, name: str) -> None:
        p = self.paint
        self.add(0, "")
        self.add(0, p.heading(f"tracked changes in {name} (compared with every one accepted)"))
        for where, found in tracked.groups():
            changes = [c for c in found if not c.lang or c.lang in self.langs]
            if changes:
                self.add(1, p.heading(where))
            for change in changes:
                mark = {INSERTED: "+ ", DELETED: "- "}.get(change.kind, "~ ")
                lang = f" ({change.lang})" if change.lang else ""
                when = f", {change.day}" if change.day else ""
                text = p.green(change.text) if change.kind == INSERTED else \
                    p.red(change.text) if change.kind == DELETED else change.text
                self.add(2, f"{mark}{change.kind}{lang} by {change.author or 'an unnamed author'}{when}"
                            + (f": «{text}»" if change.text else ""))

    def clause_version(self, diff: ClauseVersionDiff) -> str:
        p = self.paint
        self.add(0, p.heading(f"pkm library diff: {diff.old_ref} → {diff.new_ref}"))
        counts = {"parameters_changed": len(diff.params)}
        for paragraph in diff.paragraphs:
            if paragraph.in_languages(self.langs):
                counts[f"paragraphs_{paragraph.change}"] = counts.get(f"paragraphs_{paragraph.change}", 0) + 1
        counts["warnings"] = len(diff.warnings)
        self.add(0, "same text and parameters" if diff.same else summary_line(counts))
        if diff.details:
            self.add(0, "")
            self.fields(diff.details)
        if diff.params or diff.paragraphs:
            self.add(0, "")
        for param in diff.params:
            self.add(1, f"param {param.name}: {param.old} → {param.new}")
        for paragraph in diff.paragraphs:
            self.paragraph(paragraph, indent=1)
        if diff.warnings:
            self.add(0, "")
        for warning in diff.warnings:
            self.add(0, p.warning(f"warning: {warning.message}"))
        return "\n".join(self.lines) + "\n"

    def fields(self, fields: Sequence[FieldChange]) -> None:
        for f in fields:
            if f.lang is None or f.lang in self.langs:
                self.add(1, f"{f.label}: {shown(f.old)} → {shown(f.new)}")

    def article(self, article: ArticleChange) -> None:
        p = self.paint
        old, new = part_label(article.kind, article.old_number), part_label(article.kind, article.new_number)
        title = next((article.title.get(lang) for lang in self.langs if article.title.get(lang)), "")
        title = f"  {title}" if title else ""
        if article.change == ADDED:
            self.add(0, p.green(f"+ {new}") + f"{title}  (added)")
        elif article.change == REMOVED:
            self.add(0, p.red(f"- {old}") + f"{title}  (removed)")
        elif article.change == MOVED:
            how = "moved" if article.reordered else "renumbered"
            self.add(0, p.moved(f"> {old} → {new}") + f"{title}  ({how})")
        else:
            was = f" (was {old}{', moved' if article.reordered else ''})" if article.moved else ""
            self.add(0, p.heading(f"~ {new}{was}") + title)
        for change in article.title_changes:
            if change.lang in self.langs:
                self.add(1, f"title ({change.lang}): {inline(change.segments, p)}")
        for clause in article.clauses:
            self.clause(clause)

    def clause(self, clause: ClauseChange) -> None:
        p = self.paint
        name = "text written in the agreement (not from the library)" if clause.clause_id == ADHOC \
            else clause.clause_id
        if clause.change == ADDED:
            self.add(1, p.green(f"+ {name} {clause.new_version or ''}".rstrip()))
        elif clause.change == REMOVED:
            self.add(1, p.red(f"- {name} {clause.old_version or ''}".rstrip()))
        elif clause.change == MOVED and clause.moved_to:
            self.add(1, p.moved(f"> {name} {clause.old_version or ''}".rstrip()) + f"  moved to {clause.moved_to}")
            return
        else:
            version = clause.new_version or ""
            if clause.version_changed:
                version = f"{clause.old_version} → {clause.new_version}"
            where = f"  moved here from {clause.moved_from}" if clause.moved_from else ""
            mark = "> " if clause.change == MOVED else "~ "
            self.add(1, (p.moved if clause.change == MOVED else p.heading)(f"{mark}{name} {version}".rstrip()) + where)
        if clause.old_status != clause.new_status and clause.change in (CHANGED, MOVED):
            self.add(2, f"status: {shown(clause.old_status or '')} → {shown(clause.new_status or '')}")
        if clause.note:
            self.add(2, p.warning(clause.note))
        whole = clause.change in (ADDED, REMOVED)
        for param in clause.params:
            self.add(2, f"{param.name}: {param.new if clause.change == ADDED else param.old}" if whole
                     else f"{param.name}: {param.old} → {param.new}")
        if whole and clause.clause_id != ADHOC:
            return  # a vetted clause is named; its text is the library's
        for paragraph in clause.paragraphs:
            self.paragraph(paragraph)

    def paragraph(self, paragraph: ParagraphChange, indent: int = 2) -> None:
        texts = paragraph.in_languages(self.langs)
        p = self.paint
        mark = {ADDED: "+ ", REMOVED: "- "}.get(paragraph.change, "")
        for index, text in enumerate(texts):
            label = f"{mark}{paragraph.label} " if index == 0 else " " * len(f"{mark}{paragraph.label} ")
            self.add(indent, f"{label}{text.lang}: {self.text(paragraph.change, text, p)}")

    @staticmethod
    def text(change: str, text: TextChange, p: Paint) -> str:
        if change == ADDED:
            return p.green(text.new)
        if change == REMOVED:
            return p.red(text.old)
        return inline(text.segments, p)

