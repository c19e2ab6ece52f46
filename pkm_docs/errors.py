"""Diagnostics and the one error hierarchy: a user's mistake is a value with a code, a span and a hint."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # only in annotations: `pkm --version` need not build the syntax tree's classes
    from .syntax import Span

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    """A finding about a source file: ``code`` is stable (``PKM003``), ``hint`` suggests a fix."""

    code: str
    severity: str
    message: str
    span: Span | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word`` as a "did you mean" hint, or None when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None


class PkmError(Exception):
    """Base of every error pkm-docs reports to a user (never shown as a traceback)."""

    exit_code = 1

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics))


class SourceError(PkmError):
    """A source file (agreement, clause library, data file) has errors."""


class UsageError(PkmError):
    """The command line is wrong or a file cannot be read (exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__([Diagnostic("PKM000", ERROR, message, None, hint)])


class BuildError(PkmError):
    """A renderer failed on a valid agreement (a bug or a broken template), reported without a traceback."""

    def __init__(self, message: str):
        super().__init__([Diagnostic("PKM900", ERROR, message)])


class DiagnosticSink:
    """Collects diagnostics while a phase runs, so one run reports every mistake, not only the first."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, ERROR, message, span, hint))

    def warning(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, WARNING, message, span, hint))

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise SourceError(self.diagnostics)


def format_diagnostic(diag: Diagnostic, sources: dict[str, str] | None = None) -> str:
    """``file:line:col: CODE message``, then the source line with a caret under the span, then the hint.

    The line comes from ``sources`` (file name to text), or else from the file, which is then kept in
    ``sources``: a run that reports many rows of one data file reads it once, and splits it into lines once.
    """
    sources = {} if sources is None else sources
    severity = "" if diag.is_error else f"{diag.severity}: "
    if diag.span is None:
        lines = [f"pkm: {severity or 'error: '}{diag.message}" if diag.code == "PKM000"
                 else f"{diag.code} {severity}{diag.message}"]
    else:
        span = diag.span
        lines = [f"{span.file}:{span.line}:{span.column}: {diag.code} {severity}{diag.message}"]
        text = sources.get(span.file)
        if text is None:
            try:
                with open(span.file, encoding="utf-8-sig") as handle:  # -sig: a spreadsheet's CSV starts with a BOM
                    text = sources[span.file] = handle.read()
            except (OSError, UnicodeDecodeError):
                text = None
        if text is not None:
            source_lines = _lines(text)
            if 0 < span.line <= len(source_lines):
                line = source_lines[span.line - 1].expandtabs(1)
                width = span.end_column - span.column if span.end_line == span.line else len(line) - span.column + 1
                width = max(1, min(width, len(line) - span.column + 1))
                gutter = f"{span.line:>5} | "
                lines.append(gutter + line)
                before, under = line[:span.column - 1], line[span.column - 1:span.column - 1 + width]
                lines.append(" " * (len(gutter) - 2) + "| " + " " * _columns(before) + "^" * max(1, _columns(under)))
    if diag.hint:
        lines.append(f"  hint: {diag.hint}")
    return "\n".join(lines)


def _columns(text: str) -> int:
    """How many columns a terminal gives ``text``: a combining mark none, a wide (CJK) character two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


#: The lines of the last sources quoted, by the identity of their text (the text is kept, so its id is not reused).
_LINES_BY_ID: dict[int, tuple[str, tuple[str, ...]]] = {}


def _lines(text: str) -> tuple[str, ...]:
    """The lines of a source, split once however many diagnostics quote it (a run has few sources).

    Looked up by identity first: an equal text read again (the same file in a later run of a long-lived
    process) would otherwise be compared with the cached one, character by character, for every diagnostic.
    """
    entry = _LINES_BY_ID.get(id(text))
    if entry is not None and entry[0] is text:
        return entry[1]
    lines = tuple(text.splitlines())
    if len(_LINES_BY_ID) >= 8:
        _LINES_BY_ID.clear()
    _LINES_BY_ID[id(text)] = (text, lines)
    return lines


def report_error(error: PkmError, sources: dict[str, str], stream, outcome: str = "nothing was written") -> int:
    """Print every diagnostic of ``error`` and a count; returns the exit code the command should give."""
    for diag in error.diagnostics:
        print(format_diagnostic(diag, sources), file=stream)
    errors = sum(d.is_error for d in error.diagnostics)
    if error.exit_code == 1 and errors:
        print(f"{errors} error{'s' if errors != 1 else ''}; {outcome}", file=stream)
    return error.exit_code
