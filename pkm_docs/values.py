"""Parameter types: checking a written value against its declared type, and writing it out in each language."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from . import locale
from . import syntax as s
from .model import Text

#: The parameter types a clause or an agreement input may declare.
SIMPLE_TYPES = ("text", "money", "percent", "date", "duration", "integer", "party", "boolean")
ALL_TYPES = SIMPLE_TYPES + ("choice", "list")

_YES = {"yes", "ya", "true"}
_NO = {"no", "tidak", "false"}

#: How a value of each type is written, for "expected ..." messages.
EXAMPLES = {
    "text": '"text" or "Indonesian" / "English"',
    "money": "Rp500.000.000",
    "percent": "40%",
    "date": "2026-12-01",
    "duration": "12 months or 3 years",
    "integer": "a whole number such as 3",
    "party": "the name of a declared party",
    "boolean": "yes or no",
}


@dataclass(frozen=True)
class DurationValue:
    amount: int
    unit: str  # "months" or "years"

    @property
    def months(self) -> int:
        return self.amount * (12 if self.unit == "years" else 1)


@dataclass(frozen=True)
class ChoiceValue:
    """A chosen option, with how the clause writes it in each language."""

    name: str
    label: Text | None


class ValueProblem(Exception):
    """A value does not fit its type; ``hint`` says what would."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def unsafe_character(text: str) -> str | None:
    """Why ``text`` cannot go into a legal document, or None: control characters, lone surrogates and
    bidirectional overrides (which can make a reader see other words than the ones written)."""
    for char in text:
        code = ord(char)
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\t\n\r") or category == "Cs" or code in (0xFFFE, 0xFFFF) \
                or code in _BIDI_CONTROLS:
            name = unicodedata.name(char, "a control character" if category == "Cc" else "an invalid character")
            return f"holds U+{code:04X} ({name}), which can hide or disguise text in a legal document"
    return None


def safe_text(text: str) -> str:
    """``text`` itself, or a ValueProblem naming the character that cannot be in a document."""
    problem = unsafe_character(text)
    if problem:
        raise ValueProblem(problem, "remove it")
    return text


def check_magnitude(number: Any) -> Any:
    """``number`` itself, or a ValueProblem when it is too large to write in words."""
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueProblem(f"`{number}` is not a number")
    if abs(number) > locale.MAX_AMOUNT:
        raise ValueProblem(f"{number:,} is too large to write in words (the limit is {locale.MAX_AMOUNT:,})")
    return number


def describe(type_expr: s.TypeExpr) -> str:
    """The type as a user reads it, with an example: ``money, e.g. Rp500.000.000``."""
    if type_expr.kind in EXAMPLES:
        return f"{type_expr.kind}, e.g. {EXAMPLES[type_expr.kind]}"
    return type_expr.describe()


def _text_of(value: s.Str | s.Pair) -> Text:
    if isinstance(value, s.Pair):
        return Text({"id": safe_text(value.id.value), "en": safe_text(value.en.value)})
    return Text.same(safe_text(value.value))


def convert(value: s.Value, type_expr: s.TypeExpr, names: Mapping[str, tuple[s.TypeExpr, Any]],
            parties: frozenset[str]) -> Any:
    """The Python value of a written ``value`` of type ``type_expr``.

    ``names`` maps agreement inputs to their (type, value), so an argument can be a blank of the template;
    ``parties`` are the declared party keys.
    """
    kind = type_expr.kind
    if isinstance(value, s.Name) and value.name in names:
        input_type, input_value = names[value.name]
        if input_type.describe() != type_expr.describe() and not (
                kind == "list" and type_expr.item and input_type.describe() == type_expr.item.describe()):
            raise ValueProblem(f"`{value.name}` is a {input_type.describe()}, but a {type_expr.describe()} is expected")
        if kind == "list" and input_type.kind != "list":
            return (input_value,)
        return input_value
    if kind == "list":
        assert type_expr.item is not None
        items = value.items if isinstance(value, s.ListValue) else (value,)
        return tuple(convert(item, type_expr.item, names, parties) for item in items)
    if isinstance(value, s.ListValue):
        raise ValueProblem(f"expected one {describe(type_expr)}, got a list of {len(value.items)}")
    if kind == "text" and isinstance(value, (s.Str, s.Pair)):
        return _text_of(value)
    if kind == "money" and isinstance(value, s.Money):
        return check_magnitude(value.amount)
    if kind == "percent" and isinstance(value, s.Percent):
        return check_magnitude(value.value)
    if kind == "date" and isinstance(value, s.Date):
        return value.value
    if kind == "duration" and isinstance(value, s.Duration):
        return DurationValue(check_magnitude(value.amount), value.unit)
    if kind == "integer" and isinstance(value, s.Number):
        if value.value != value.value.to_integral_value():
            raise ValueProblem(f"expected a whole number, got `{value.value}`")
        return int(check_magnitude(value.value))
    if kind == "party" and isinstance(value, s.Name):
        if value.name not in parties:
            raise _unknown("party", value.name, parties)
        return value.name
    if kind == "boolean" and isinstance(value, s.Name) and value.name.lower() in _YES | _NO:
        return value.name.lower() in _YES
    if kind == "choice" and isinstance(value, s.Name):
        if value.name not in type_expr.choices:
            raise _unknown("choice", value.name, type_expr.choices)
        label = type_expr.label(value.name)
        return ChoiceValue(value.name, _text_of(label) if label else None)
    if isinstance(value, s.Name):
        from .errors import suggest
        hint = suggest(value.name, names) or f"write {EXAMPLES.get(kind, type_expr.describe())}"
        raise ValueProblem(f"`{value.name}` is not a declared input, and a {type_expr.describe()} is expected", hint)
    raise ValueProblem(f"expected {type_expr.describe()}, got {_kind_of(value)}",
                       f"write {EXAMPLES.get(kind, type_expr.describe())}")


def _unknown(what: str, name: str, known) -> ValueProblem:
    from .errors import suggest
    listed = ", ".join(f"`{k}`" for k in sorted(known))
    return ValueProblem(f"unknown {what} `{name}`", suggest(name, known) or f"expected one of {listed}")


def _kind_of(value: s.Value) -> str:
    return {
        s.Str: "a text", s.Pair: "a text pair", s.Money: "an amount", s.Percent: "a percentage",
        s.Date: "a date", s.Duration: "a duration", s.Number: "a number", s.Name: "a name",
        s.ClauseRef: "a clause reference", s.ListValue: "a list",
    }[type(value)]


def convert_data(raw: Any, type_expr: s.TypeExpr, parties: frozenset[str]) -> Any:
    """The Python value of ``raw`` read from a YAML or JSON data file, for an input of ``type_expr``."""
    kind = type_expr.kind
    if kind == "list":
        assert type_expr.item is not None
        items = raw if isinstance(raw, list) else [raw]
        return tuple(convert_data(item, type_expr.item, parties) for item in items)
    if isinstance(raw, (list, dict)) and not (kind == "text" and isinstance(raw, dict)):
        raise ValueProblem(f"expected {describe(type_expr)}, got a {'list' if isinstance(raw, list) else 'mapping'}")
    try:
        if kind == "text":
            if isinstance(raw, dict):
                if set(raw) != {"id", "en"} or not all(isinstance(v, str) for v in raw.values()):
                    extra = ", ".join(f"`{k}`" for k in raw if k not in ("id", "en"))
                    raise ValueProblem("a text in two languages is written as `{id: ..., en: ...}`"
                                       + (f"; this one also has {extra}" if extra else ""),
                                       "put a text that holds a comma or a colon in quotes: "
                                       '{id: "Desa A, Kecamatan B", en: "..."}' if extra else None)
                return Text({"id": safe_text(raw["id"]), "en": safe_text(raw["en"])})
            if isinstance(raw, bool) or raw is None:
                raise ValueProblem(f"expected {describe(type_expr)}, got {raw!r}")
            return Text.same(safe_text(str(raw)))
        if kind == "money":
            if isinstance(raw, bool):
                raise ValueProblem("expected an amount")
            if isinstance(raw, int):
                return check_magnitude(Decimal(raw))
            if isinstance(raw, str) and re.fullmatch(r"Rp ?\d[\d.]*(,\d\d)?", raw.strip()):
                from .parser import parse_amount
                return check_magnitude(parse_amount(raw.strip()))
        if kind == "percent" and not isinstance(raw, bool):
            if isinstance(raw, (int, float)):
                return check_magnitude(Decimal(str(raw)))
            if isinstance(raw, str) and re.fullmatch(r"\d+([.,]\d+)? ?%?", raw.strip()):
                return check_magnitude(Decimal(raw.strip().rstrip("%").strip().replace(",", ".")))
        if kind == "date":
            if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
                return raw
            if isinstance(raw, str):
                return datetime.date.fromisoformat(raw.strip())
        if kind == "duration" and isinstance(raw, str):
            match = re.fullmatch(r"(\d+) +(months?|years?|bulan|tahun)", raw.strip())
            if match:
                unit = "years" if match.group(2).startswith(("year", "tahun")) else "months"
                return DurationValue(check_magnitude(int(match.group(1))), unit)
        if kind == "integer" and isinstance(raw, int) and not isinstance(raw, bool):
            return check_magnitude(raw)
        if kind == "boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in _YES | _NO:
                return raw.lower() in _YES
        if kind == "party" and isinstance(raw, str):
            if safe_text(raw) not in parties:
                raise _unknown("party", raw, parties)
            return raw
        if kind == "choice" and isinstance(raw, str):
            if raw not in type_expr.choices:
                raise _unknown("choice", raw, type_expr.choices)
            label = type_expr.label(raw)
            return ChoiceValue(raw, _text_of(label) if label else None)
    except (ValueError, InvalidOperation) as exc:
        if isinstance(exc, ValueProblem):
            raise
        raise ValueProblem(f"expected {describe(type_expr)}, got {raw!r}") from None
    raise ValueProblem(f"expected {describe(type_expr)}, got {raw!r}")


def check_bounds(value: Any, decl: s.ParamDecl, bound_values: Mapping[str, Any]) -> str | None:
    """A message when ``value`` breaks the ``min`` / ``max`` of its declaration (already converted)."""
    for kind, bound in bound_values.items():
        if bound is None:
            continue
        left = value.months if isinstance(value, DurationValue) else value
        right = bound.months if isinstance(bound, DurationValue) else bound
        if kind == "min" and left < right:
            return f"`{decl.name}` must be at least {format_plain(bound, decl.type)}"
        if kind == "max" and left > right:
            return f"`{decl.name}` must be at most {format_plain(bound, decl.type)}"
    return None


def format_plain(value: Any, type_expr: s.TypeExpr) -> str:
    """A short form for messages: ``Rp1.000,00``, ``40%``, ``2026-12-01``."""
    if type_expr.kind == "money":
        return locale.money_figures(value)
    if type_expr.kind == "percent":
        return f"{value.normalize():f}%"
    if isinstance(value, DurationValue):
        return f"{value.amount} {value.unit}"
    if isinstance(value, Text):
        return value.get("id")
    return str(value)


def format_value(value: Any, type_expr: s.TypeExpr, lang: str, party_alias: Mapping[str, Text]) -> str:
    """A value as the agreement writes it in ``lang``: amounts and numbers in figures and words."""
    kind = type_expr.kind
    if kind == "list":
        assert type_expr.item is not None
        return locale.join_list([format_value(v, type_expr.item, lang, party_alias) for v in value], lang)
    if kind == "text":
        return value[lang]
    if kind == "money":
        return locale.rupiah(value, lang)
    if kind == "percent":
        return locale.percent(value, lang)
    if kind == "date":
        return locale.format_date(value, lang)
    if kind == "duration":
        return locale.duration(value.amount, value.unit, lang)
    if kind == "integer":
        return locale.number(value, lang)
    if kind == "party":
        return party_alias[value][lang]
    if kind == "boolean":
        return {"id": ("tidak", "ya"), "en": ("no", "yes")}[lang][bool(value)]
    if kind == "choice":
        return value.label[lang] if value.label else value.name
    raise AssertionError(kind)
