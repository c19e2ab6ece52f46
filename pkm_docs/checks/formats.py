"""Writing diagnostics out: compiler-style text, JSON for tools, SARIF 2.1.0 for code scanning.

JSON is a list with one object per diagnostic, in source order::

    {"code": "PKM140", "severity": "error",            # "error", "warning" or "info"
     "message": "...",                                  # in the language asked for (--lang)
     "message_id": "..." | null, "message_en": "...",   # both languages; parser and resolver
                                                        #   diagnostics (PKM0xx) have English only
     "file": "x.pkm" | null, "line": 12 | null, "column": 3 | null,
     "end_line": 16 | null, "end_column": 4 | null,     # 1-based; the end column is exclusive
     "hint": "..." | null}                              # a suggested fix, in the language asked for
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import quote

from .. import __version__
from ..errors import ERROR, INFO, WARNING, Diagnostic, format_diagnostic
from .registry import RULES, CheckDiagnostic, Rule, hint_in, message_in

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "note"}


def localized(diag: Diagnostic, lang: str) -> Diagnostic:
    """The diagnostic with its message and hint in ``lang`` (English when it has no other); itself when they are
    its own (no copy per diagnostic of a long report in English)."""
    message, hint = message_in(diag, lang), hint_in(diag, lang)
    if message is diag.message and hint is diag.hint:
        return diag
    return dataclasses.replace(diag, message=message, hint=hint)


def summary(diagnostics: Sequence[Diagnostic], lang: str) -> str:
    """``2 errors, 1 warning`` / ``2 kesalahan, 1 peringatan``."""
    counts = {sev: sum(d.severity == sev for d in diagnostics) for sev in (ERROR, WARNING, INFO)}
    if not any(counts.values()):
        return "tidak ada temuan" if lang == "id" else "no problems found"
    if lang == "id":
        names = {ERROR: "kesalahan", WARNING: "peringatan", INFO: "catatan"}
        return ", ".join(f"{n} {names[sev]}" for sev, n in counts.items() if n)
    names = {ERROR: "error", WARNING: "warning", INFO: "note"}
    return ", ".join(f"{n} {names[sev]}{'s' if n != 1 else ''}" for sev, n in counts.items() if n)


def to_text(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], lang: str) -> str:
    """Each diagnostic as ``file:line:col: CODE message``, its source line and a caret, then a summary."""
    # one copy for every diagnostic: format_diagnostic keeps each file it reads in it, so a source that is not
    # in ``sources`` (a syntax or resolution error's) is read once, not once per diagnostic
    shared = dict(sources)
    blocks = [format_diagnostic(localized(d, lang), shared) for d in diagnostics]
    return "\n".join(blocks + [summary(diagnostics, lang)]) + "\n"


def to_json_data(diagnostics: Sequence[Diagnostic], lang: str) -> list[dict[str, Any]]:
    out = []
    for d in diagnostics:
        span = d.span
        out.append({
            "code": d.code,
            "severity": d.severity,
            "message": message_in(d, lang),
            "message_id": d.message_id if isinstance(d, CheckDiagnostic) and d.message_id else None,
            "message_en": d.message,
            "file": span.file if span else None,
            "line": span.line if span else None,
            "column": span.column if span else None,
            "end_line": span.end_line if span else None,
            "end_column": span.end_column if span else None,
            "hint": hint_in(d, lang),
        })
    return out


def to_json(diagnostics: Sequence[Diagnostic], lang: str) -> str:
    return json.dumps(to_json_data(diagnostics, lang), ensure_ascii=False, indent=2) + "\n"


def artifact_uri(path: str) -> str:
    """A file path as a SARIF ``uri``: relative paths stay relative (``examples/x.pkm``), absolute ones ``file://``."""
    p = Path(path)
    return p.as_uri() if p.is_absolute() else quote(p.as_posix())


def _descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    other = "en" if lang == "id" else "id"
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.title[lang]},
        "fullDescription": {"text": rule.explanation[lang]},
        "help": {"text": rule.explanation[lang] + (f"\n{_SOURCE_LABEL[lang]}: {rule.source}" if rule.source else "")},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": ["pkm", rule.code[:5] + "x"],
                       f"title_{other}": rule.title[other]},
    }
    if rule.source:
        descriptor["properties"]["legalSource"] = rule.source
    return descriptor


_SOURCE_LABEL = {"id": "Dasar hukum", "en": "Legal source"}


def to_sarif_data(diagnostics: Sequence[Diagnostic], lang: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule's metadata, and one result per diagnostic."""
    rules = [_descriptor(RULES[code], lang) for code in sorted(RULES)]
    index = {r["id"]: i for i, r in enumerate(rules)}
    for d in diagnostics:  # parser and resolver codes (PKM0xx) get a minimal descriptor
        if d.code not in index:
            index[d.code] = len(rules)
            rules.append({"id": d.code, "name": "source-error",
                          "shortDescription": {"text": "Error reading or resolving the source"
                                               if lang == "en" else "Kesalahan membaca atau menyelesaikan sumber"},
                          "defaultConfiguration": {"level": _SARIF_LEVEL.get(d.severity, "warning")}})
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL.get(d.severity, "warning"),
            "message": {"text": message_in(d, lang)},
        }
        if d.span is not None:
            span = d.span
            region = {"startLine": max(span.line, 1), "startColumn": max(span.column, 1)}
            if span.end_line >= span.line:
                region["endLine"] = max(span.end_line, 1)
                region["endColumn"] = max(span.end_column, 1)
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(span.file)}, "region": region}}]
        hint = hint_in(d, lang)
        if hint:
            result["properties"] = {"hint": hint}
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pkm-docs", "version": __version__, "semanticVersion": __version__,
                                "language": lang, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def to_sarif(diagnostics: Sequence[Diagnostic], lang: str) -> str:
    return json.dumps(to_sarif_data(diagnostics, lang), ensure_ascii=False, indent=2) + "\n"


def render(diagnostics: Sequence[Diagnostic], fmt: str, lang: str, sources: Mapping[str, str]) -> str:
    """The diagnostics in ``fmt`` (``text``, ``json`` or ``sarif``)."""
    if fmt == "json":
        return to_json(diagnostics, lang)
    if fmt == "sarif":
        return to_sarif(diagnostics, lang)
    return to_text(diagnostics, sources, lang)


def explain(rule: Rule, lang: str) -> str:
    """What a rule checks and why, with its legal source: the text of ``pkm check --explain CODE``."""
    other = "en" if lang == "id" else "id"
    severity = {"id": {ERROR: "kesalahan", WARNING: "peringatan", INFO: "catatan"},
                "en": {ERROR: "error", WARNING: "warning", INFO: "note"}}[lang][rule.severity]
    lines = [f"{rule.code} {rule.name} ({severity})", f"{rule.title[lang]} / {rule.title[other]}", "",
             textwrap.fill(rule.explanation[lang], width=100), ""]
    if rule.source:
        lines.append(f"{_SOURCE_LABEL[lang]}: {rule.source}")
    elif rule.code.startswith("PKM1"):  # a check rests on a law or on a partnership principle
        lines.append("Dasar hukum: tidak ada pasal tertentu; asas kemitraan PKM" if lang == "id"
                     else "Legal source: none in particular; a PKM partnership principle or drafting practice")
    else:
        lines.pop()  # a reading or writing error rests on no law
    return "\n".join(lines) + "\n"
