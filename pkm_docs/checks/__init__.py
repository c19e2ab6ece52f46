"""Checks over the resolved agreement: each rule has a stable code (PKM1xx), a severity and bilingual messages.

    from pkm_docs.checks import run_checks, RULES
    diagnostics = run_checks(agreement, library, select=["PKM1"], ignore=["PKM164"])

Rules live in ``rules_*.py`` by subject and register themselves with ``@rule`` (``registry.py``):

========  ==========================================================
PKM10x    structure: mandatory sections, duplicates, cross-references
PKM11x    clause status (ad-hoc text)
PKM12x    parties
PKM13x    governance (steering committee)
PKM14x    funding
PKM15x    dates and term
PKM16x    languages and bilingual parity
PKM17x    parameter values the resolver does not bound
========  ==========================================================
"""

from __future__ import annotations

from typing import Sequence

from ..errors import Diagnostic
from ..library import Library
from ..model import Agreement
from . import rules_annex, rules_channel, rules_clauses, rules_funding, rules_governance  # noqa: F401
from . import rules_language, rules_parties, rules_structure, rules_term, rules_text  # noqa: F401
from .registry import (RULES, CheckDiagnostic, Context, Rule, filter_diagnostics, hint_in, is_selected,
                       message_in, split_prefixes, valid_prefix)

__all__ = [
    "RULES", "CheckDiagnostic", "Rule", "run_checks", "sort_diagnostics", "filter_diagnostics", "is_selected",
    "message_in", "hint_in", "split_prefixes", "valid_prefix",
]


def run_checks(agreement: Agreement, library: Library, *, select: Sequence[str] = (),
               ignore: Sequence[str] = ()) -> list[Diagnostic]:
    """Every finding of the selected rules about ``agreement``, in source order.

    ``select`` and ``ignore`` are code prefixes (``PKM1``, ``PKM16``, ``PKM162``); the longest matching prefix
    decides, and with no ``select`` every rule runs.
    """
    ctx = Context(agreement, library)
    found: list[Diagnostic] = []
    for code in sorted(RULES):
        if is_selected(code, select, ignore):
            found.extend(RULES[code].run(ctx))
    return sort_diagnostics(found)


def sort_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """By file, line, column, then code; diagnostics without a span first."""
    def key(d: Diagnostic) -> tuple:
        span = d.span
        return (0, "", 0, 0, d.code) if span is None else (1, span.file, span.line, span.column, d.code)
    return sorted(diagnostics, key=key)
