"""The syntax tree: frozen dataclasses built from Lark's parse tree, each node carrying its source span."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Union


@dataclass(frozen=True)
class Span:
    """Where a node sits in its source file (1-based lines and columns; end is exclusive)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def covered(self, source: str) -> str:
        """The text of ``source`` (the file this span is in) that the span covers."""
        starts = line_starts(source)
        if not (0 < self.line <= len(starts) and 0 < self.end_line <= len(starts)):
            return ""
        return source[starts[self.line - 1] + self.column - 1:starts[self.end_line - 1] + self.end_column - 1]

    def at_offset(self, text: str, offset: int, length: int = 1) -> Span:
        """The span of ``text[offset:offset+length]`` when this span starts at ``text[0]``."""
        before = text[:offset]
        line = self.line + before.count("\n")
        column = (offset - before.rfind("\n")) if "\n" in before else self.column + offset
        return Span(self.file, line, column, line, column + max(length, 1))


@functools.lru_cache(maxsize=32)  # a source is read for many spans; a str caches its own hash
def line_starts(source: str) -> tuple[int, ...]:
    """The offset at which each line of ``source`` starts."""
    starts = [0]
    position = source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return tuple(starts)


# ---- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Str:
    """A quoted string; ``long`` for a triple-quoted block."""

    value: str
    span: Span
    long: bool = False


@dataclass(frozen=True)
class Pair:
    """``"Indonesian" / "English"``: one text per language."""

    id: Str
    en: Str
    span: Span


@dataclass(frozen=True)
class Money:
    """``Rp500.000.000`` or ``Rp500.000.000,00``."""

    amount: Decimal
    span: Span


@dataclass(frozen=True)
class Percent:
    value: Decimal
    span: Span


@dataclass(frozen=True)
class Date:
    value: datetime.date
    span: Span


@dataclass(frozen=True)
class Duration:
    """``12 months``, ``2 years`` (or ``bulan``, ``tahun``); ``unit`` is ``months`` or ``years``."""

    amount: int
    unit: str
    span: Span


@dataclass(frozen=True)
class Number:
    value: Decimal
    span: Span
    raw: str = ""  # as written (``125,5``), so a type can refuse an ambiguous ``1.250``


@dataclass(frozen=True)
class Name:
    """A bare word: a party, an input, a choice or yes/no, depending on where it is used."""

    name: str
    span: Span


@dataclass(frozen=True)
class ClauseRef:
    """``funding.cost_sharing@^2``: a clause id with an optional version constraint."""

    clause_id: str
    constraint: str | None
    span: Span


@dataclass(frozen=True)
class ListValue:
    items: tuple[Value, ...]
    span: Span


@dataclass(frozen=True)
class Mapping:
    """``{ kth: 70%, "Kas Desa" / "Village fund": 10% }``: keys (a name or a text) with values, in order."""

    entries: tuple[tuple[Union[Name, Str, Pair], Value], ...]
    span: Span


Value = Union[Str, Pair, Money, Percent, Date, Duration, Number, Name, ClauseRef, ListValue, Mapping]


# ---- declarations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """``name: value`` (several comma-separated values make a list)."""

    name: str
    value: Value
    span: Span
    name_span: Span


@dataclass(frozen=True)
class TypeExpr:
    """A parameter type: ``money``, ``choice(court, arbitration)``, ``list of text``."""

    kind: str
    span: Span
    choices: tuple[str, ...] = ()
    item: TypeExpr | None = None
    labels: tuple[Pair | None, ...] = ()  # for choices: how each is written in the text
    unit: str | None = None  # for a quantity: ``quantity(ha)``
    over_parties: bool = False  # ``allocation of integer over parties``
    #: for a table: each column's name, heading (``"Kegiatan" / "Activity"``) and type
    columns: tuple[tuple[str, Pair | None, TypeExpr], ...] = ()

    def label(self, choice: str) -> Pair | None:
        return dict(zip(self.choices, self.labels)).get(choice)

    def describe(self) -> str:
        if self.kind == "list" and self.item is not None:
            return f"list of {self.item.describe()}"
        if self.kind == "allocation" and self.item is not None:
            return f"allocation of {self.item.describe()}" + (" over parties" if self.over_parties else "")
        if self.kind == "quantity":
            return f"quantity({self.unit})"
        if self.kind == "table":
            return "table(" + ", ".join(f"{name}: {item.describe()}" for name, _, item in self.columns) + ")"
        if self.kind == "choice":
            return f"choice({', '.join(self.choices)})"
        return self.kind


@dataclass(frozen=True)
class Constraint:
    """``min X``, ``max X``, ``default X``, ``optional`` or ``means M`` / ``means M(arg)`` after a parameter's
    type (for ``means``, ``value`` is the meaning's Name and ``arg`` its argument)."""

    kind: str
    value: Value | None
    span: Span
    arg: Name | None = None


@dataclass(frozen=True)
class ParamDecl:
    """``param total: money min Rp1`` in a clause, or ``input total: money`` in an agreement."""

    name: str
    type: TypeExpr
    constraints: tuple[Constraint, ...]
    span: Span

    def constraint(self, kind: str) -> Constraint | None:
        return next((c for c in self.constraints if c.kind == kind), None)


@dataclass(frozen=True)
class LangText:
    """``id: \"\"\"...\"\"\"`` inside a ``text { }`` block."""

    lang: str
    text: Str
    span: Span


@dataclass(frozen=True)
class TextBlock:
    """``text { id: ... en: ... }``: a body in each language."""

    texts: tuple[LangText, ...]
    span: Span

    def get(self, lang: str) -> LangText | None:
        return next((t for t in self.texts if t.lang == lang), None)


@dataclass(frozen=True)
class ClauseDef:
    """One version of a library clause."""

    clause_id: str
    version: str
    fields: tuple[Field, ...]
    params: tuple[ParamDecl, ...]
    body: TextBlock | None
    span: Span
    id_span: Span


@dataclass(frozen=True)
class Requirement:
    """``require governance "Tata Kelola" / "Governance" when bilingual`` in a scheme."""

    section: str
    title: Value | None
    condition: Condition | None
    span: Span


@dataclass(frozen=True)
class SchemeDef:
    name: str
    fields: tuple[Field, ...]
    requirements: tuple[Requirement, ...]
    span: Span


@dataclass(frozen=True)
class Term:
    """A glossary entry: ``term "Keadaan Kahar" / "Force Majeure"``."""

    pair: Pair
    span: Span


@dataclass(frozen=True)
class GlossaryDef:
    terms: tuple[Term, ...]
    span: Span


@dataclass(frozen=True)
class AgreementDef:
    """``agreement { title: ... number: ... }``: the agreement's header."""

    fields: tuple[Field, ...]
    span: Span


@dataclass(frozen=True)
class PartyDef:
    key: str
    fields: tuple[Field, ...]
    span: Span
    key_span: Span


@dataclass(frozen=True)
class WitnessDef:
    """``witness NAME { name: ... position: ... }``: a person who witnesses the signing."""

    key: str
    fields: tuple[Field, ...]
    span: Span
    key_span: Span


@dataclass(frozen=True)
class InputDef:
    """A blank of the agreement, filled from a data file or a default."""

    decl: ParamDecl


@dataclass(frozen=True)
class Use:
    """``use funding.cost_sharing@^2 when cond { total: Rp500.000.000 }``."""

    ref: ClauseRef
    condition: Condition | None
    args: tuple[Field, ...]
    span: Span


@dataclass(frozen=True)
class AdHoc:
    """Text written in the agreement itself, not taken from the library."""

    body: TextBlock
    condition: Condition | None
    span: Span
    section: Name | None = None  # ``text section: dispute { ... }``: the scheme section the text fills
    #: ``replaces: dispute.court@1.1.0``: the library clause this text took the place of (``pkm merge`` writes
    #: it for a vetted clause the other side edited)
    replaces: ClauseRef | None = None


BodyItem = Union[Use, AdHoc]


@dataclass(frozen=True)
class ArticleDef:
    """``article "Judul" / "Title" { ... }``; ``kind`` is ``article``, ``preamble``, ``closing`` or ``annex``
    (``annex KEY "Judul" / "Title" { ... }``: a lampiran, printed after the signatures)."""

    kind: str
    title: Value | None
    items: tuple[BodyItem, ...]
    span: Span
    key: Name | None = None  # ``article aset "Aset" / "Assets" { ... }``: what ``{ref.aset}`` / ``{annex.KEY}`` names


# ---- conditions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compare:
    """``left op right``; a lone operand (``op`` None) tests that a yes/no value is yes."""

    op: str | None
    left: Value
    right: Value | None
    span: Span


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and", "or"
    operands: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class Not:
    operand: Condition
    span: Span


Condition = Union[Compare, BoolOp, Not]

Declaration = Union[ClauseDef, SchemeDef, GlossaryDef, AgreementDef, PartyDef, WitnessDef, InputDef, ArticleDef]


@dataclass(frozen=True)
class SourceFile:
    """A parsed ``.pkm`` file: its declarations in order, and its text for error reports."""

    path: str
    text: str
    declarations: tuple[Declaration, ...]
