"""Conditions (``when bilingual``, ``when total > Rp100.000.000 and not in_kind``): compiled once, with every
name checked against what may be tested, and run by one evaluator for schemes and agreements alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping

from . import syntax as s
from .errors import DiagnosticSink, suggest

_YES = ("yes", "ya", "true")
_NO = ("no", "tidak", "false")

#: The facts a scheme's ``when`` may test, with what each means.
SCHEME_FACTS = {
    "bilingual": "the agreement is written in more than one language",
    "monolingual": "the agreement is written in one language",
    "id": "the agreement has an Indonesian text",
    "en": "the agreement has an English text",
    "government": "a party has role government",
    "organisation": "a party has role organisation",
}


@dataclass(frozen=True)
class Ref:
    """A name the condition reads: an agreement input, or a scheme fact."""

    name: str
    span: s.Span


@dataclass(frozen=True)
class Literal:
    value: Any
    span: s.Span


Operand = Ref | Literal


@dataclass(frozen=True)
class Compare:
    op: str | None  # None: the operand is tested for truth
    left: Operand
    right: Operand | None
    span: s.Span


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and", "or"
    operands: tuple[Condition, ...]
    span: s.Span


@dataclass(frozen=True)
class Not:
    operand: Condition
    span: s.Span


Condition = Compare | BoolOp | Not


class ConditionError(Exception):
    """Two values of a condition cannot be compared."""

    def __init__(self, span: s.Span):
        super().__init__("these two values cannot be compared")
        self.span = span


def compile_condition(cond: s.Condition, known: Mapping[str, Any], sink: DiagnosticSink, *,
                      what: str = "an input of this agreement") -> Condition:
    """The condition with every name resolved: a known name is read when the condition runs; a name compared
    with a known name is a literal (a choice's option); any other name is reported (PKM019)."""
    if isinstance(cond, s.BoolOp):
        return BoolOp(cond.op, tuple(compile_condition(c, known, sink, what=what) for c in cond.operands), cond.span)
    if isinstance(cond, s.Not):
        return Not(compile_condition(cond.operand, known, sink, what=what), cond.span)
    left = _operand(cond.left, known, sink, what, literal_ok=False)
    right = None
    if cond.op is not None and cond.right is not None:
        right = _operand(cond.right, known, sink, what, literal_ok=isinstance(left, Ref))
        if isinstance(left, Literal) and isinstance(cond.left, s.Name) and isinstance(right, Ref):
            left = Literal(cond.left.name, cond.left.span)
    return Compare(cond.op, left, right, cond.span)


def _operand(value: s.Value, known: Mapping[str, Any], sink: DiagnosticSink, what: str, *,
             literal_ok: bool) -> Operand:
    if isinstance(value, s.Name):
        if value.name in known:
            return Ref(value.name, value.span)
        if value.name.lower() in _YES + _NO:
            return Literal(value.name.lower() in _YES, value.span)
        if literal_ok:
            return Literal(value.name, value.span)
        sink.error("PKM019", f"`{value.name}` is not {what}", value.span,
                   suggest(value.name, known) or f"a condition tests {what}")
        return Literal(None, value.span)
    if isinstance(value, s.Money):
        return Literal(value.amount, value.span)
    if isinstance(value, (s.Percent, s.Number, s.Date)):
        return Literal(value.value, value.span)
    if isinstance(value, s.Duration):
        return Literal(value.amount * (12 if value.unit == "years" else 1), value.span)
    if isinstance(value, s.Str):
        return Literal(value.value, value.span)
    sink.error("PKM018", "this value cannot be used in a condition", value.span)
    return Literal(None, value.span)


def evaluate(cond: Condition | None, read: Callable[[str], Any]) -> bool:
    """Does ``cond`` hold, reading each name with ``read``? None (no condition) holds. Raises ConditionError
    for values that cannot be compared."""
    if cond is None:
        return True
    if isinstance(cond, BoolOp):
        results = [evaluate(c, read) for c in cond.operands]
        return all(results) if cond.op == "and" else any(results)
    if isinstance(cond, Not):
        return not evaluate(cond.operand, read)
    left = _value(cond.left, read)
    if cond.op is None or cond.right is None:
        return bool(left)
    right = _value(cond.right, read)
    try:
        return {
            "==": lambda: left == right, "=": lambda: left == right, "!=": lambda: left != right,
            "<": lambda: left < right, "<=": lambda: left <= right, ">": lambda: left > right,
            ">=": lambda: left >= right,
        }[cond.op]()
    except TypeError:
        raise ConditionError(cond.span) from None


def _value(operand: Operand, read: Callable[[str], Any]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    value = read(operand.name)
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
