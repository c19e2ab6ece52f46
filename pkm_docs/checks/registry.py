"""The rule registry: every check has a stable code, a default severity, bilingual texts and its legal source.

A rule is a small function over the resolved agreement that yields :class:`Finding` values; ``@rule(...)``
registers it in :data:`RULES`. :func:`run_checks` (in ``__init__``) turns findings into diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..errors import ERROR, INFO, WARNING, Diagnostic
from ..library import Library
from ..model import Agreement, Text
from ..syntax import Span

SEVERITIES = (ERROR, WARNING, INFO)

#: Codes are a prefix and three digits; PKM0xx belong to the parser and the resolver, PKM1xx to the checks.
CODE = re.compile(r"PKM\d{3}")


@dataclass(frozen=True)
class CheckDiagnostic(Diagnostic):
    """A diagnostic from a check: ``message`` is English, ``message_id`` and ``hint_id`` the Indonesian texts."""

    message_id: str = ""
    hint_id: str | None = None


def message_in(diag: Diagnostic, lang: str) -> str:
    """The diagnostic's message in ``lang`` (parser and resolver messages exist in English only)."""
    if lang == "id" and isinstance(diag, CheckDiagnostic) and diag.message_id:
        return diag.message_id
    return diag.message


def hint_in(diag: Diagnostic, lang: str) -> str | None:
    if lang == "id" and isinstance(diag, CheckDiagnostic) and diag.hint_id:
        return diag.hint_id
    return diag.hint


@dataclass(frozen=True)
class Finding:
    """What a rule reports: the message (and optional hint) in both languages and where it applies."""

    message: Text
    span: Span | None = None
    hint: Text | None = None
    severity: str | None = None  # None: the rule's default severity


def finding(id_text: str, en_text: str, span: Span | None, hint: tuple[str, str] | None = None,
            severity: str | None = None) -> Finding:
    """A finding written as Indonesian text, English text, span, and an optional (id, en) hint."""
    return Finding(Text({"id": id_text, "en": en_text}), span,
                   Text({"id": hint[0], "en": hint[1]}) if hint else None, severity)


@dataclass(frozen=True)
class Context:
    """What a rule reads: the agreement and the library it was resolved against."""

    agreement: Agreement
    library: Library

    def fallback_span(self) -> Span | None:
        """The agreement header's span, for findings about the whole agreement."""
        return self.agreement.span


RuleFunc = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered check."""

    code: str
    name: str
    severity: str
    title: Text
    explanation: Text
    source: str | None
    func: RuleFunc = field(repr=False, compare=False)

    def run(self, ctx: Context) -> Iterator[CheckDiagnostic]:
        for f in self.func(ctx):
            span = f.span if f.span is not None else ctx.fallback_span()
            yield CheckDiagnostic(
                code=self.code, severity=f.severity or self.severity, message=f.message["en"], span=span,
                hint=f.hint["en"] if f.hint else None, message_id=f.message["id"],
                hint_id=f.hint["id"] if f.hint else None,
            )


#: Every check, by code, in the order they were registered.
RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, *, title: tuple[str, str], explanation: tuple[str, str],
         source: str | None = None) -> Callable[[RuleFunc], RuleFunc]:
    """Register a check: ``title`` and ``explanation`` are (Indonesian, English)."""
    if not CODE.fullmatch(code) or not code.startswith("PKM1"):
        raise ValueError(f"check codes are PKM1xx, got {code!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if code in RULES:
            raise ValueError(f"{code} is registered twice")
        RULES[code] = Rule(code, name, severity, Text({"id": title[0], "en": title[1]}),
                           Text({"id": explanation[0], "en": explanation[1]}), source, func)
        return func

    return register


# ---- selecting rules by code prefix (flake8 style) -------------------------------------------------


def valid_prefix(prefix: str) -> bool:
    """A code prefix such as ``PKM``, ``PKM1``, ``PKM16`` or ``PKM162``."""
    return re.fullmatch(r"PKM\d{0,3}", prefix) is not None


def is_selected(code: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> bool:
    """Whether ``code`` is reported: the longest matching prefix decides; on a tie, ``ignore`` wins.

    With no ``select`` every code is selected, as with flake8 and ruff.
    """
    chosen = max((len(p) for p in select if code.startswith(p)), default=-1) if select else 0
    dropped = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return chosen >= 0 and chosen > dropped


def split_prefixes(values: Iterable[str] | None) -> list[str]:
    """``["PKM1,PKM2", "PKM3"]`` → ``["PKM1", "PKM2", "PKM3"]`` (upper-cased, blanks dropped)."""
    out: list[str] = []
    for value in values or ():
        out.extend(p.strip().upper() for p in value.split(",") if p.strip())
    return out


def filter_diagnostics(diagnostics: Iterable[Diagnostic], select: Sequence[str] = (),
                       ignore: Sequence[str] = ()) -> list[Diagnostic]:
    return [d for d in diagnostics if is_selected(d.code, select, ignore)]
