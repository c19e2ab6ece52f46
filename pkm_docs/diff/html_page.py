"""The HTML report: one self-contained page (no scripts, no links), old and new side by side, words marked
``<del>`` and ``<ins>``. Every text from a draft passes through ``html.escape``: markup typed into an
agreement shows as text."""

from __future__ import annotations

from html import escape
from typing import Sequence

from .changes import (ADDED, MOVED, REMOVED, AgreementDiff, ArticleChange, ClauseChange, FieldChange, TextChange,
                      TrackedChanges)
from .formats import summary_line, tracked_line
from .library_diff import ClauseVersionDiff, as_clause_change
from .model_diff import part_label
from .snapshot import ADHOC
from .text_diff import DELETE, EQUAL, INSERT

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 80rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; } h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.summary { background: #f4f4f6; padding: .6rem .9rem; border-radius: 4px; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: .3rem 0 .8rem; }
th, td { border: 1px solid #d8d8dc; padding: .35rem .55rem; vertical-align: top; text-align: left; }
td { white-space: pre-wrap; overflow-wrap: anywhere; }
th { background: #f4f4f6; font-weight: 600; }
col.where { width: 9rem; }
del { background: #ffd7d5; color: #8a1c13; text-decoration: line-through; }
ins { background: #d3f5d9; color: #0b5a1e; text-decoration: none; }
.tag { font-size: .8rem; font-weight: 600; padding: .05rem .4rem; border-radius: 3px; margin-left: .4rem;
       background: #e8e8ec; vertical-align: middle; }
.added > h2 .tag { background: #d3f5d9; } .removed > h2 .tag { background: #ffd7d5; }
.moved > h2 .tag { background: #d9ecff; }
.warnings li { color: #7a4d00; }
.note { color: #7a4d00; }
"""


def e(text: object) -> str:
    """Text from a draft, escaped for HTML (quotes too)."""
    return escape(str(text), quote=True)


def render_html(diff: AgreementDiff, langs: Sequence[str]) -> str:
    """The whole page."""
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>pkm diff: {e(diff.old_name)} → {e(diff.new_name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>pkm diff: <code>{e(diff.old_name)}</code> → <code>{e(diff.new_name)}</code></h1>",
        f'<p class="summary">{e("same in substance" if diff.same else summary_line(diff.summary(langs)))}</p>',
    ]
    if diff.tracked is not None and diff.tracked.changes:
        out.append(f'<p class="summary tracked">{e(tracked_line(diff.tracked))}</p>')
    if diff.warnings:
        out.append('<section class="warnings"><h2>Warnings</h2><ul>')
        out.extend(f"<li>{e(w.message)}</li>" for w in diff.warnings)
        out.append("</ul></section>")
    if diff.details:
        out.append('<section class="details"><h2>Agreement</h2>')
        out.append(_fields(diff.details, langs, diff.old_name, diff.new_name))
        out.append("</section>")
    for party in diff.parties:
        out.append(f'<section class="party {e(party.change)}"><h2>Party {e(party.key)} '
                   f'<small>{e(party.name)}</small><span class="tag">{e(party.change)}</span></h2>')
        if party.fields:
            out.append(_fields(party.fields, langs, diff.old_name, diff.new_name))
        out.append("</section>")
    for article in diff.articles:
        out.append(_article(article, langs, diff.old_name, diff.new_name))
    if diff.outside:
        out.append('<section class="outside"><h2>Text outside the clauses</h2>')
        out.append(_head(diff.old_name, diff.new_name, ""))
        out.extend(_text_row("", text) for text in diff.outside)
        out.append("</table></section>")
    if diff.document:
        out.append('<section class="document"><h2>In the document</h2><ul>')
        out.extend(f"<li>{e(message)}</li>" for message in diff.document)
        out.append("</ul></section>")
    if diff.tracked is not None and diff.tracked.changes:
        out.append(_tracked(diff.tracked, langs, diff.new_name))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _tracked(tracked: TrackedChanges, langs: Sequence[str], name: str) -> str:
    out = [f'<section class="tracked"><h2>Tracked changes in {e(name)} <small>compared with every one accepted'
           "</small></h2>"]
    for where, found in tracked.groups():
        changes = [c for c in found if not c.lang or c.lang in langs]
        if not changes:
            continue
        out.append(f"<h3>{e(where)}</h3>")
        out.append("<table><tr><th>change</th><th>author, date</th><th>text</th></tr>")
        for c in changes:
            kind = f"{c.kind} ({c.lang})" if c.lang else c.kind
            text = f"<ins>{e(c.text)}</ins>" if c.kind == "inserted" else \
                f"<del>{e(c.text)}</del>" if c.kind == "deleted" else e(c.text)
            out.append(f"<tr><td>{e(kind)}</td><td>{e(c.author)}{', ' + e(c.day) if c.day else ''}</td>"
                       f"<td>{text}</td></tr>")
        out.append("</table>")
    out.append("</section>")
    return "\n".join(out)


def render_library_html(diff: ClauseVersionDiff, langs: Sequence[str]) -> str:
    """The page for ``pkm library diff``."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>pkm library diff: {e(diff.old_ref)} → {e(diff.new_ref)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>pkm library diff: <code>{e(diff.old_ref)}</code> → <code>{e(diff.new_ref)}</code></h1>",
    ]
    if diff.warnings:
        out.append('<section class="warnings"><ul>')
        out.extend(f"<li>{e(w.message)}</li>" for w in diff.warnings)
        out.append("</ul></section>")
    if diff.details:
        out.append(_fields(diff.details, langs, diff.old_ref, diff.new_ref))
    out.append(_clause(as_clause_change(diff), langs, diff.old_ref, diff.new_ref))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _head(old_name: str, new_name: str, first: str) -> str:
    return (f'<table><colgroup><col class="where"><col><col></colgroup>'
            f"<tr><th>{e(first)}</th><th>{e(old_name)}</th><th>{e(new_name)}</th></tr>")


def _fields(fields: Sequence[FieldChange], langs: Sequence[str], old_name: str, new_name: str) -> str:
    rows = [_head(old_name, new_name, "field")]
    for f in fields:
        if f.lang is None or f.lang in langs:
            rows.append(f"<tr><td>{e(f.label)}</td><td><del>{e(f.old)}</del></td><td><ins>{e(f.new)}</ins></td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _article(article: ArticleChange, langs: Sequence[str], old_name: str, new_name: str) -> str:
    old, new = part_label(article.kind, article.old_number), part_label(article.kind, article.new_number)
    if article.change == ADDED:
        heading = new
    elif article.change == REMOVED:
        heading = old
    else:
        heading = f"{old} → {new}" if article.moved else new
    tag = article.change
    if article.moved:
        how = "moved" if article.reordered else "renumbered"
        tag = how if article.change == MOVED else f"{article.change}, {how}"
    title = " / ".join(article.title.get(lang, "") for lang in langs if article.title.get(lang))
    out = [f'<section class="article {e(article.change)}"><h2>{e(heading)} <small>{e(title)}</small>'
           f'<span class="tag">{e(tag)}</span></h2>']
    titles = [t for t in article.title_changes if t.lang in langs]
    if titles:
        out.append(_head(old_name, new_name, "title"))
        out.extend(_text_row(t.lang, t) for t in titles)
        out.append("</table>")
    for clause in article.clauses:
        out.append(_clause(clause, langs, old_name, new_name))
    out.append("</section>")
    return "\n".join(out)


def _clause(clause: ClauseChange, langs: Sequence[str], old_name: str, new_name: str) -> str:
    name = "Text written in the agreement (not from the library)" if clause.clause_id == ADHOC else clause.clause_id
    version = clause.new_version or clause.old_version or ""
    if clause.version_changed:
        version = f"{clause.old_version} → {clause.new_version}"
    where = ""
    if clause.moved_from:
        where = f" (moved here from {clause.moved_from})"
    elif clause.moved_to:
        where = f" (moved to {clause.moved_to})"
    out = [f'<h3>{e(name)} <small>{e(version)}</small><span class="tag">{e(clause.change)}</span>{e(where)}</h3>']
    if clause.note:
        out.append(f'<p class="note">{e(clause.note)}</p>')
    if clause.old_status != clause.new_status and clause.change not in (ADDED, REMOVED) and not clause.moved_to:
        out.append(f"<p>status: <del>{e(clause.old_status)}</del> → <ins>{e(clause.new_status)}</ins></p>")
    if clause.params:
        out.append(_head(old_name, new_name, "parameter"))
        for param in clause.params:
            out.append(f"<tr><td>{e(param.name)}</td><td><del>{e(param.old)}</del></td>"
                       f"<td><ins>{e(param.new)}</ins></td></tr>")
        out.append("</table>")
    rows = []
    for paragraph in clause.paragraphs:
        for text in paragraph.in_languages(langs):
            rows.append(_text_row(f"{paragraph.label} {text.lang}", text))
    if rows:
        out.append(_head(old_name, new_name, "paragraph"))
        out.extend(rows)
        out.append("</table>")
    return "\n".join(out)


def _text_row(where: str, text: TextChange) -> str:
    old = "".join(e(s.text) if s.op == EQUAL else f"<del>{e(s.text)}</del>" for s in text.segments if s.op != INSERT)
    new = "".join(e(s.text) if s.op == EQUAL else f"<ins>{e(s.text)}</ins>" for s in text.segments if s.op != DELETE)
    return f"<tr><td>{e(where)}</td><td>{old}</td><td>{new}</td></tr>"
