"""Parameter types: one object per type reads a value (from source, a data file or a CSV cell), bounds and
compares it, and writes it out in each language. Adding a type touches this module only.

The library compiles every ``param``/``input`` type expression into one of these objects
(:func:`compile_type`); nothing after the library sees a syntax type.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Collection, Mapping

from . import locale
from . import syntax as s
from .errors import suggest
from .model import Text

_YES = {"yes", "ya", "true"}
_NO = {"no", "tidak", "false"}


# ---- values that are not plain Python values ---------------------------------------------------------


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


@dataclass(frozen=True)
class Recipient:
    """Who receives a share of an allocation: a declared party (``party`` its key) or a named non-party
    recipient (``name`` in each language), e.g. a village fund."""

    party: str | None
    name: Text | None

    @property
    def key(self) -> str:
        return self.party if self.party is not None else (self.name.get("id") if self.name else "")


class _Remainder:
    """What is left of the total for one recipient (``yayasan: rest`` / ``sisa``), derived when the clause's
    total is known (100 % for shares, the total cost for contributions)."""

    def __repr__(self) -> str:
        return "REMAINDER"

    def __reduce__(self) -> str:
        return "REMAINDER"  # unpickled (from the library cache) as the one REMAINDER, which is compared by identity


REMAINDER = _Remainder()
_REMAINDER_WORDS = ("rest", "sisa")


@dataclass(frozen=True)
class Allocation:
    """Amounts, percentages or counts given to parties and named recipients, in the order written."""

    shares: tuple[tuple[Recipient, Any], ...]

    def total(self) -> Any:
        return sum((amount for _, amount in self.shares if amount is not REMAINDER), Decimal(0))

    @property
    def has_remainder(self) -> bool:
        return any(amount is REMAINDER for _, amount in self.shares)

    def with_remainder(self, total: Any, show: Callable[[Any], str] = str) -> Allocation:
        """The allocation with its remainder worked out from ``total`` (a ValueProblem when nothing is left);
        ``show`` writes an amount in the message."""
        rest = total - self.total()
        if rest < 0:
            raise ValueProblem(f"the others already take {show(self.total())} of {show(total)}, so nothing is left "
                               "for the remainder", "lower the other amounts, or give the remainder's amount")
        return Allocation(tuple((r, rest if a is REMAINDER else a) for r, a in self.shares))

    def for_party(self, key: str) -> Any:
        return next((amount for recipient, amount in self.shares if recipient.party == key), None)


@dataclass(frozen=True)
class Period:
    """A term from its first to its last day; the length is derived from the dates, never written twice."""

    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def months(self) -> int:
        """Whole calendar months from the start to the day after the end, a part month counting as one."""
        after = self.ends_on + datetime.timedelta(days=1)
        months = (after.year - self.starts_on.year) * 12 + after.month - self.starts_on.month
        if after.day < self.starts_on.day:
            months -= 1
        return months + (add_months(self.starts_on, months) < after)

    @property
    def whole_months(self) -> bool:
        """Does the period last a whole number of calendar months (ending the day before the same date)?"""
        return add_months(self.starts_on, self.months) == self.ends_on + datetime.timedelta(days=1)

    @property
    def duration(self) -> DurationValue:
        months = self.months
        return DurationValue(months // 12, "years") if months % 12 == 0 else DurationValue(months, "months")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The day a term of ``months`` calendar months that starts on ``day`` has run: the same date ``months`` on,
    or, when that month lacks it, the first day of the month after (a term is over the day before: one month
    from 31 January runs to the last day of February, three years from 29 February 2028 to 28 February 2031)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, day.day)


class ValueProblem(Exception):
    """A value does not fit its type; ``hint`` says what would."""

    def __init__(self, message: str, hint: str | None = None, span: s.Span | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span  # where within the value written, when narrower than the value (a table's cell)


def shown(raw: Any) -> str:
    """A value read from a data file as its reader wrote it, for a message: a YAML date, yes/no or empty value
    as such (not ``datetime.date(2027, 2, 1)``, ``True``, ``None``), anything else as Python quotes it."""
    if isinstance(raw, bool):
        return f"{'yes' if raw else 'no'} (a yes/no to YAML)"
    if raw is None:
        return "nothing (an empty value)"
    if isinstance(raw, datetime.date):
        return f"the date {raw.isoformat()}"
    return repr(raw)


class CellFormProblem(ValueProblem):
    """A CSV cell holds a value in the form of another file (a JSON or YAML mapping, a lone date), not in the form
    of a cell: told as it is, since no reading of it as a data file's value would say how a cell writes it."""


def _cell_mapping(text: str) -> dict[str, Any] | None:
    """A cell that holds a JSON or YAML flow mapping of a few plain values (``{"kph": 2}``, ``{kph: 2}``), read to
    show it in a cell's form; None for anything else (a nested or aliased value is not written out)."""
    import yaml

    try:
        mapping = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return None
    plain = (str, int, float, datetime.date)
    if not isinstance(mapping, dict) or len(mapping) > 50 \
            or not all(isinstance(k, plain) and isinstance(v, plain) for k, v in mapping.items()):
        return None
    return mapping


class RefusedInput(ValueProblem):
    """A value names an input whose own value was refused, and reported, where it was given (a data file's line):
    the value that names it is left unset, not reported again as naming no input."""


_BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def unsafe_character(text: str) -> str | None:
    """Why ``text`` cannot go into a legal document, or None: control characters, lone surrogates and
    bidirectional overrides (which can make a reader see other words than the ones written)."""
    if text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable():
        return None  # no character of a category Other (Cc, Cf, Cs, Co, Cn): the usual text, told at C speed
    for char in text:
        code = ord(char)
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\t\n\r") or category == "Cs" or code in (0xFFFE, 0xFFFF) \
                or code in _BIDI_CONTROLS or category in ("Cf", "Co"):  # invisible, and private-use (no glyph)
            name = unicodedata.name(char, "a control character" if category == "Cc" else "an invalid character")
            return f"holds U+{code:04X} ({name}), which can hide or disguise text in a legal document"
    return None


def comparable(value: Any) -> Any:
    """A resolved value as a condition compares it: a choice by its name, a duration in months, a text in
    Indonesian, anything else as it is (resolution and ``pkm serve`` evaluate conditions alike)."""
    if isinstance(value, ChoiceValue):
        return value.name
    if isinstance(value, DurationValue):
        return value.months
    if isinstance(value, Text):
        return value.get("id")
    return value


def safe_text(text: str) -> str:
    """``text`` itself, or a ValueProblem naming the character that cannot be in a document."""
    problem = unsafe_character(text)
    if problem:
        raise ValueProblem(problem, "remove it")
    return text


def parse_amount(raw: str) -> Decimal:
    """``Rp500.000.000,00`` → Decimal('500000000.00'); dots group thousands, a comma marks sen."""
    digits = raw.replace("Rp", "").replace(" ", "")
    whole, _, sen = digits.partition(",")
    if whole.count(".") and not re.fullmatch(r"\d{1,3}(\.\d{3})+", whole, re.ASCII):
        raise ValueError("dots must group thousands, e.g. `Rp1.500.000`")
    return Decimal(whole.replace(".", "") + ("." + sen if sen else ""))


def check_magnitude(number: Any) -> Any:
    """``number`` itself, or a ValueProblem when it cannot be written in words: not a number, negative (only a data
    file can give a sign: the source's amounts, percentages and counts have none), or too large."""
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueProblem(f"`{number}` is not a number")
    if number < 0:
        raise ValueProblem(f"`{number}` is negative: an amount, a percentage or a count has no sign",
                           "write the number without the minus sign")
    if abs(number) > locale.MAX_AMOUNT:
        raise ValueProblem(f"{number:,} is too large to write in words (the limit is {locale.MAX_AMOUNT:,})")
    return number


# ---- what a value is read against ----------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    """What a written value may refer to: the agreement's inputs (type and value) and its parties' aliases;
    ``refused`` the inputs whose values were refused where they were given."""

    inputs: Mapping[str, tuple[ValueType, Any]]
    parties: Mapping[str, Text]
    refused: Collection[str] = ()

    @staticmethod
    def empty() -> Env:
        return Env({}, {})


def _text_of(value: s.Str | s.Pair) -> Text:
    if isinstance(value, s.Pair):
        return Text({"id": safe_text(value.id.value), "en": safe_text(value.en.value)})
    return Text.same(safe_text(value.value))


def _unknown(what: str, name: str, known) -> ValueProblem:
    listed = ", ".join(f"`{k}`" for k in sorted(known))
    return ValueProblem(f"unknown {what} `{name}`", suggest(name, known) or f"expected one of {listed}")


def _kind_of(value: s.Value) -> str:
    return {
        s.Str: "a text", s.Pair: "a text pair", s.Money: "an amount", s.Percent: "a percentage",
        s.Date: "a date", s.Duration: "a duration", s.Number: "a number", s.Name: "a name",
        s.ClauseRef: "a clause reference", s.ListValue: "a list", s.Mapping: "a mapping",
    }[type(value)]


# ---- the types -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueType:
    """A parameter type. Subclasses read values of their kind and write them out."""

    #: the name written in the library (``money``); ``describe()`` gives the full form (``list of text``)
    kind = ""
    example = ""
    bounded = False  # `min` and `max` apply

    def describe(self) -> str:
        return self.kind

    def for_message(self) -> str:
        """The type as a user reads it, with an example: ``money, e.g. Rp500.000.000``."""
        return f"{self.describe()}, e.g. {self.example}" if self.example else self.describe()

    def fields(self) -> tuple[str, ...]:
        """The ``{param.field}`` a text may write of a value of this type."""
        return ()

    # reading ----------------------------------------------------------------------------------------------
    def from_source(self, value: s.Value, env: Env) -> Any:
        """The Python value of a written ``value``; a Name naming an input of the same type is that input."""
        if isinstance(value, s.Name) and value.name in env.refused:
            raise RefusedInput(f"`{value.name}` has no value: the one given for it was refused")
        if isinstance(value, s.Name) and value.name in env.inputs:
            input_type, input_value = env.inputs[value.name]
            if input_type.describe() == self.describe():
                return self.adopt(input_value)
            if isinstance(self, ListType) and input_type.describe() == self.item.describe():
                return (self.item.adopt(input_value),)
            raise ValueProblem(f"`{value.name}` is a {input_type.describe()}, but a {self.describe()} is expected")
        if isinstance(value, s.ListValue) and not isinstance(self, (ListType, TableType)):
            raise ValueProblem(f"expected one {self.for_message()}, got a list of {len(value.items)}")
        result = self.read(value, env)
        if result is _NOT_READ:
            if isinstance(value, s.Name):
                hint = suggest(value.name, env.inputs) or f"write {self.example or self.describe()}"
                raise ValueProblem(f"`{value.name}` is not a declared input, and a {self.describe()} is expected",
                                   hint)
            raise ValueProblem(f"expected {self.describe()}, got {_kind_of(value)}",
                               f"write {self.example or self.describe()}")
        return result

    def read(self, value: s.Value, env: Env) -> Any:
        return _NOT_READ

    def adopt(self, value: Any) -> Any:
        """An input's value of the same type, as this parameter holds it (a choice takes this one's labels)."""
        return value

    def from_data(self, raw: Any, env: Env) -> Any:
        """The Python value of ``raw`` read from a YAML or JSON data file."""
        if isinstance(raw, (list, dict)) and not self.takes_mapping:
            raise ValueProblem(f"expected {self.for_message()}, got a {'list' if isinstance(raw, list) else 'mapping'}")
        try:
            result = self.read_data(raw, env)
        except (ValueError, InvalidOperation) as exc:
            if isinstance(exc, ValueProblem):
                raise
            raise ValueProblem(f"expected {self.for_message()}, got {shown(raw)}") from None
        if result is _NOT_READ:
            raise ValueProblem(f"expected {self.for_message()}, got {shown(raw)}")
        return result

    takes_mapping = False

    def read_data(self, raw: Any, env: Env) -> Any:
        return _NOT_READ

    def from_cell(self, text: str) -> Any:
        """A CSV cell as a YAML data file would hold it (then read with :meth:`from_data`)."""
        return text.strip()

    # comparing and writing ---------------------------------------------------------------------------------
    def order(self, value: Any) -> Any:
        """A value that compares as this value does (for bounds and conditions)."""
        return value

    def plain(self, value: Any) -> str:
        """A short form for messages and the diff: ``Rp1.000,00``, ``40%``, ``2026-12-01``."""
        return str(value)

    def format(self, value: Any, lang: str, env: Env) -> str:
        """The value as the agreement writes it in ``lang``."""
        return str(value)

    def field(self, value: Any, name: str, lang: str, env: Env) -> str:
        """``{param.name}`` of a value of this type."""
        raise AssertionError(name)

    def to_data(self, value: Any) -> Any:
        """A JSON-able form that two equal values share (hashes, manifests)."""
        return self.plain(value)


_NOT_READ = object()


@dataclass(frozen=True)
class TextType(ValueType):
    kind = "text"
    example = '"text" or "Indonesian" / "English"'
    takes_mapping = True

    def read(self, value, env):
        return _text_of(value) if isinstance(value, (s.Str, s.Pair)) else _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, list):
            raise ValueProblem(f"expected {self.for_message()}, got a list")
        if isinstance(raw, dict):
            if set(raw) != {"id", "en"} or not all(isinstance(v, str) for v in raw.values()):
                extra = ", ".join(f"`{k}`" for k in raw if k not in ("id", "en"))
                raise ValueProblem("a text in two languages is written as `{id: ..., en: ...}`"
                                   + (f"; this one also has {extra}" if extra else ""),
                                   "put a text that holds a comma or a colon in quotes: "
                                   '{id: "Desa A, Kecamatan B", en: "..."}' if extra else None)
            return Text({"id": safe_text(raw["id"]), "en": safe_text(raw["en"])})
        if isinstance(raw, bool) or raw is None:
            raise ValueProblem(f"expected {self.for_message()}, got {shown(raw)}",
                               'a text that YAML would read otherwise is written in quotes: "yes", "no"'
                               if isinstance(raw, bool) else None)
        return Text.same(safe_text(str(raw)))

    def from_cell(self, text):
        return text

    def plain(self, value):
        return value.get("id")

    def format(self, value, lang, env):
        return value[lang]

    def order(self, value):
        return value.get("id")

    def to_data(self, value):
        return value.to_data()


_ACCOUNT_NUMBER = re.compile(r"[0-9]+(?:[ .\-][0-9]+)*", re.ASCII)


@dataclass(frozen=True)
class AccountNumberType(TextType):
    """A bank account number: digits, grouped by single spaces, dots or hyphens, as the bank writes it; held as
    a text (the same in every language) so its leading zeros are kept."""

    kind = "account_number"
    example = '"0012-01-000123-30-5"'
    takes_mapping = False

    def read(self, value, env):
        if isinstance(value, s.Pair):
            raise ValueProblem("an account number is the same in every language", "write it once, in quotes")
        return self._number(value.value) if isinstance(value, s.Str) else _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, int) and not isinstance(raw, bool):
            raise ValueProblem(f"the account number {raw} was read as a number, which drops leading zeros",
                               'put it in quotes: "0012013456"')
        return self._number(raw) if isinstance(raw, str) else _NOT_READ

    @staticmethod
    def _number(text: str) -> Text:
        number = " ".join(safe_text(text).split())
        digits = sum(c.isdigit() for c in number)
        if not _ACCOUNT_NUMBER.fullmatch(number) or not 5 <= digits <= 34:
            raise ValueProblem(f"`{text}` is not an account number",
                               "write its 5 to 34 digits, grouped by spaces, dots or hyphens as the bank does")
        return Text.same(number)


@dataclass(frozen=True)
class MoneyType(ValueType):
    kind = "money"
    example = "Rp500.000.000"
    bounded = True

    def read(self, value, env):
        return check_magnitude(value.amount) if isinstance(value, s.Money) else _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, bool):
            raise ValueProblem("expected an amount")
        if isinstance(raw, float):  # YAML reads `dana: 1.000` as the number 1.0, not as one thousand
            raise ValueProblem(f"`{raw!r}` is a number with a decimal point to YAML, not an amount in rupiah",
                               'write the amount in quotes, as in the text: "Rp1.000" (or 1000 without dots)')
        if isinstance(raw, int):
            return check_magnitude(Decimal(raw))
        if isinstance(raw, str) and re.fullmatch(r"Rp ?\d[\d.]*(,\d\d)?", raw.strip(), re.ASCII):
            return check_magnitude(parse_amount(raw.strip()))
        return _NOT_READ

    def from_cell(self, text):
        return _whole_number_cell(text)

    def plain(self, value):
        return locale.money_figures(value)

    def format(self, value, lang, env):
        return locale.rupiah(value, lang)


@dataclass(frozen=True)
class PercentType(ValueType):
    kind = "percent"
    example = "40%"
    bounded = True

    def read(self, value, env):
        return check_magnitude(value.value) if isinstance(value, s.Percent) else _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, bool):
            return _NOT_READ
        if isinstance(raw, (int, float)):
            return check_magnitude(Decimal(str(raw)))
        if isinstance(raw, str) and re.fullmatch(r"\d+([.,]\d+)? ?%?", raw.strip(), re.ASCII):
            return check_magnitude(Decimal(raw.strip().rstrip("%").strip().replace(",", ".")))
        return _NOT_READ

    def plain(self, value):
        return f"{value.normalize():f}%"

    def format(self, value, lang, env):
        return locale.percent(value, lang)


@dataclass(frozen=True)
class DateType(ValueType):
    kind = "date"
    example = "2026-12-01"
    bounded = True

    def read(self, value, env):
        return value.value if isinstance(value, s.Date) else _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
            return raw
        if isinstance(raw, str):
            return datetime.date.fromisoformat(raw.strip())
        return _NOT_READ

    def plain(self, value):
        return value.isoformat()

    def format(self, value, lang, env):
        return locale.format_date(value, lang)


@dataclass(frozen=True)
class DurationType(ValueType):
    kind = "duration"
    example = "12 months or 3 years"
    bounded = True

    def read(self, value, env):
        if isinstance(value, s.Duration):
            return DurationValue(check_magnitude(value.amount), value.unit)
        return _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, str):
            match = re.fullmatch(r"(\d+) +(months?|years?|bulan|tahun)", raw.strip(), re.ASCII)
            if match:
                unit = "years" if match.group(2).startswith(("year", "tahun")) else "months"
                return DurationValue(check_magnitude(int(match.group(1))), unit)
        return _NOT_READ

    def order(self, value):
        return value.months

    def plain(self, value):
        return f"{value.amount} {value.unit}"

    def format(self, value, lang, env):
        return locale.duration(value.amount, value.unit, lang)


@dataclass(frozen=True)
class IntegerType(ValueType):
    kind = "integer"
    example = "a whole number such as 3"
    bounded = True

    def read(self, value, env):
        if not isinstance(value, s.Number):
            return _NOT_READ
        if value.value != value.value.to_integral_value():
            raise ValueProblem(f"expected a whole number, got `{value.value}`")
        return int(check_magnitude(value.value))

    def read_data(self, raw, env):
        if isinstance(raw, int) and not isinstance(raw, bool):
            return check_magnitude(raw)
        return _NOT_READ

    def from_cell(self, text):
        return _whole_number_cell(text)

    def format(self, value, lang, env):
        return locale.number(value, lang)


#: Units a quantity may have: how each is written after the figures, and in words, per language.
UNITS: dict[str, dict[str, tuple[str, str, str]]] = {
    # unit: {lang: (symbol, singular word, plural word)}
    "ha": {"id": ("ha", "hektare", "hektare"), "en": ("ha", "hectare", "hectares")},
    "km": {"id": ("km", "kilometer", "kilometer"), "en": ("km", "kilometre", "kilometres")},
    "m2": {"id": ("m²", "meter persegi", "meter persegi"), "en": ("m²", "square metre", "square metres")},
    "orang": {"id": ("orang", "orang", "orang"), "en": ("persons", "person", "persons")},
}


@dataclass(frozen=True)
class QuantityType(ValueType):
    """A measured amount with a unit, decimals allowed: ``quantity(ha)`` takes ``125,5`` (or ``125.5``)."""

    unit: str = "ha"
    kind = "quantity"
    bounded = True

    @property
    def example(self) -> str:  # type: ignore[override]
        return "125,5"

    def describe(self) -> str:
        return f"quantity({self.unit})"

    def read(self, value, env):
        if not isinstance(value, s.Number):
            return _NOT_READ
        return self._checked(value.raw or str(value.value), value.value)

    def _checked(self, raw: str, number: Decimal) -> Decimal:
        if re.fullmatch(r"\d{1,3}\.\d{3}", raw.strip(), re.ASCII):
            raise ValueProblem(f"`{raw}` could be read as {raw.replace('.', '')} or as {raw.replace('.', ',')}",
                               "write a quantity without thousands dots, with a decimal comma: "
                               f"`{raw.replace('.', '')}` or `{raw.replace('.', ',')}`")
        if number < 0:
            raise ValueProblem(f"a quantity cannot be negative: `{raw}`")
        return check_magnitude(number)

    def read_data(self, raw, env):
        if isinstance(raw, bool):
            return _NOT_READ
        if isinstance(raw, int):
            return self._checked(str(raw), Decimal(raw))
        if isinstance(raw, float):
            return self._checked(repr(raw), Decimal(repr(raw)))
        if isinstance(raw, str):
            text = raw.strip()
            unit = UNITS[self.unit]["id"][0]
            if text.endswith(unit):
                text = text[: -len(unit)].strip()
            if re.fullmatch(r"\d+([.,]\d+)?", text, re.ASCII):
                return self._checked(text, Decimal(text.replace(",", ".")))
        return _NOT_READ

    def plain(self, value):
        return f"{_decimal_figures(value, 'id')} {self.unit}"

    def format(self, value, lang, env):
        symbol, one, many = UNITS[self.unit][lang]
        words = _decimal_words(value, lang)
        return f"{_decimal_figures(value, lang)} {symbol} ({words} {one if value == 1 else many})"


#: Digits a whole number in a CSV cell may have; a longer one stays text, which the type then refuses by name.
MAX_CELL_DIGITS = 1_000


def _whole_number_cell(text: str) -> Any:
    if re.fullmatch(rf"\s*-?[0-9]{{1,{MAX_CELL_DIGITS}}}\s*", text):
        return int(text)
    return text.strip()


def _decimal_figures(value: Decimal, lang: str) -> str:
    plain = format(value.normalize(), "f")
    whole, _, fraction = plain.partition(".")
    grouped = f"{int(whole):,}".replace(",", "." if lang == "id" else ",")
    return grouped + ((("," if lang == "id" else ".") + fraction) if fraction else "")


def _decimal_words(value: Decimal, lang: str) -> str:
    plain = format(value.normalize(), "f")
    whole, _, fraction = plain.partition(".")
    words = locale.terbilang(int(whole), lang)
    if fraction:
        point = "koma" if lang == "id" else "point"
        digits = " ".join(locale.terbilang(int(d), lang) for d in fraction)
        words += f" {point} {digits}"
    return words


@dataclass(frozen=True)
class PartyType(ValueType):
    kind = "party"
    example = "the name of a declared party"

    def fields(self):
        return PARTY_FIELDS

    def read(self, value, env):
        if not isinstance(value, s.Name):
            return _NOT_READ
        if value.name not in env.parties:
            raise _unknown("party", value.name, env.parties)
        return value.name

    def read_data(self, raw, env):
        if isinstance(raw, str):
            if safe_text(raw) not in env.parties:
                raise _unknown("party", raw, env.parties)
            return raw
        return _NOT_READ

    def format(self, value, lang, env):
        return env.parties[value][lang]


#: The fields of a party that a text may write: ``{party.name}``, ``{kth.address}`` ...
PARTY_FIELDS = ("alias", "name", "representative", "position", "authority", "acts_for", "address", "number")


@dataclass(frozen=True)
class BooleanType(ValueType):
    kind = "boolean"
    example = "yes or no"

    def read(self, value, env):
        if isinstance(value, s.Name) and value.name.lower() in _YES | _NO:
            return value.name.lower() in _YES
        return _NOT_READ

    def read_data(self, raw, env):
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in _YES | _NO:
            return raw.lower() in _YES
        return _NOT_READ

    def plain(self, value):
        return "yes" if value else "no"

    def format(self, value, lang, env):
        return {"id": ("tidak", "ya"), "en": ("no", "yes")}[lang][bool(value)]


@dataclass(frozen=True)
class ChoiceType(ValueType):
    """``choice(court, arbitration "arbitrase" / "arbitration")``: one of the names, each with its label."""

    choices: tuple[str, ...] = ()
    labels: tuple[Text | None, ...] = ()
    kind = "choice"

    def describe(self) -> str:
        return f"choice({', '.join(self.choices)})"

    def _value(self, name: str) -> ChoiceValue:
        if name not in self.choices:
            raise _unknown("choice", name, self.choices)
        return ChoiceValue(name, dict(zip(self.choices, self.labels)).get(name))

    def read(self, value, env):
        return self._value(value.name) if isinstance(value, s.Name) else _NOT_READ

    def adopt(self, value):
        return self._value(value.name) if isinstance(value, ChoiceValue) else value

    def read_data(self, raw, env):
        return self._value(raw) if isinstance(raw, str) else _NOT_READ

    def order(self, value):
        return value.name

    def plain(self, value):
        return value.name

    def format(self, value, lang, env):
        return value.label[lang] if value.label else value.name


def _empty_list() -> ValueProblem:
    """An empty list would print the sentence that introduces it ("meliputi kegiatan:") with nothing after it."""
    return ValueProblem("a list has at least one item",
                        "write one or more, separated by commas (an optional parameter is left out instead)")


@dataclass(frozen=True)
class ListType(ValueType):
    item: ValueType = TextType()
    kind = "list"
    takes_mapping = True

    def describe(self) -> str:
        return f"list of {self.item.describe()}"

    def for_message(self) -> str:
        return self.describe()

    def adopt(self, value):
        return tuple(self.item.adopt(v) for v in value)

    def read(self, value, env):
        items = value.items if isinstance(value, s.ListValue) else (value,)
        if not items:
            raise _empty_list()
        return tuple(self.item.from_source(item, env) for item in items)

    def from_data(self, raw, env):
        items = raw if isinstance(raw, list) else [raw]
        if not items:
            raise _empty_list()
        return tuple(self.item.from_data(item, env) for item in items)

    def from_cell(self, text):
        return [self.item.from_cell(part) for part in split_cell(text)]

    def order(self, value):
        return tuple(self.item.order(v) for v in value)

    def plain(self, value):
        return "[" + ", ".join(self.item.plain(v) for v in value) + "]"

    def format(self, value, lang, env):
        return locale.join_list([self.item.format(v, lang, env) for v in value], lang)

    def to_data(self, value):
        return [self.item.to_data(v) for v in value]


def split_cell(text: str) -> list[str]:
    """A CSV cell holding a list: items separated by ``;`` (a comma may be part of an item)."""
    return [part.strip() for part in text.split(";") if part.strip()]


@dataclass(frozen=True)
class AllocationType(ValueType):
    """``allocation of percent``: percentages, amounts or counts given to parties and named recipients,
    written ``{ kth: 70%, kphl: 20%, "Kas Desa Sesaot" / "Sesaot village fund": 10% }``. ``parties_only``
    (``allocation of integer over parties``) refuses named recipients."""

    of: ValueType = PercentType()
    parties_only: bool = False
    kind = "allocation"
    takes_mapping = True

    def describe(self) -> str:
        return f"allocation of {self.of.describe()}" + (" over parties" if self.parties_only else "")

    @property
    def example(self) -> str:  # type: ignore[override]
        first, second = {"percent": ("70%", "30%"), "money": ("Rp500.000.000", "Rp250.000.000"),
                         "integer": ("2", "1")}.get(self.of.kind, ("...", "..."))
        return "{ pemda: " + first + ", yayasan: " + second + " }"  # percentages that add up to 100 %

    def fields(self):
        return ("list", "total", "count")

    def read(self, value, env):
        if not isinstance(value, s.Mapping):
            return _NOT_READ
        shares: list[tuple[Recipient, Any]] = []
        for key, item in value.entries:
            recipient = self._recipient(key, env)
            if any(r == recipient for r, _ in shares):
                raise ValueProblem(f"`{recipient.key}` is given twice in this allocation")
            if isinstance(item, s.Name) and item.name in _REMAINDER_WORDS:
                shares.append((recipient, REMAINDER))
                continue
            shares.append((recipient, self.of.from_source(item, env)))
        return self._checked(shares)

    def _recipient(self, key: s.Name | s.Str | s.Pair, env: Env) -> Recipient:
        if isinstance(key, s.Name):
            if key.name not in env.parties:
                raise _unknown("party", key.name, env.parties)
            return Recipient(key.name, None)
        if self.parties_only:
            raise ValueProblem("only declared parties take part in this allocation",
                               "write a party's key, e.g. `pemda: 2`")
        return Recipient(None, _text_of(key))

    def _checked(self, shares: list[tuple[Recipient, Any]]) -> Allocation:
        if not shares:
            raise ValueProblem("an allocation names at least one recipient")
        if sum(amount is REMAINDER for _, amount in shares) > 1:
            raise ValueProblem("an allocation has at most one remainder (`rest`)")
        return Allocation(tuple(shares))

    def read_data(self, raw, env):
        if not isinstance(raw, dict):
            return _NOT_READ
        shares: list[tuple[Recipient, Any]] = []
        for key, item in raw.items():
            key = safe_text(str(key))
            if key in env.parties:
                recipient = Recipient(key, None)
            elif self.parties_only:
                raise _unknown("party", key, env.parties)
            elif re.fullmatch(r"[a-z_][a-z0-9_]*", key, re.ASCII) and (near := suggest(key, env.parties)):
                # a key like a party's, one letter off (`dinas` for `dinkes`): a typo, not a recipient named so
                raise ValueProblem(f"`{key}` is not a party of the agreement",
                                   f'{near} A recipient who is not a party is written by its name, e.g. '
                                   '"Kas Desa Sesaot": 10%')
            else:
                recipient = Recipient(None, Text.same(key))
            if isinstance(item, str) and item.strip() in _REMAINDER_WORDS:
                shares.append((recipient, REMAINDER))
                continue
            shares.append((recipient, self.of.from_data(item, env)))
        return self._checked(shares)

    def from_cell(self, text):
        """``kph: 2; kth: 2; "Kas Desa": 1`` (items separated by ``;``, each ``recipient: amount``)."""
        if text.strip().startswith(("{", "[")):
            mapping = _cell_mapping(text.strip())
            example = "; ".join(f"{key}: {amount}" for key, amount in mapping.items()) if mapping else "kph: 2; kth: 2"
            raise CellFormProblem("an allocation in a CSV cell is `recipient: amount` items separated by `;`, not "
                                  "JSON or YAML", f"write `{example}`")
        out: dict[str, Any] = {}
        for part in split_cell(text):
            key, colon, amount = part.rpartition(":")
            if not colon or not key.strip():
                raise ValueProblem(f"`{part}` is not `recipient: amount`", "write e.g. `kph: 2; kth: 2`")
            out[key.strip().strip('"')] = amount.strip() if amount.strip() in _REMAINDER_WORDS \
                else self.of.from_cell(amount)
        return out

    def order(self, value):
        return value.total()

    def plain(self, value):
        return "{" + ", ".join(f"{r.key}: {self.of.plain(a)}" for r, a in value.shares) + "}"

    def recipient_name(self, recipient: Recipient, lang: str, env: Env) -> str:
        if recipient.party is not None:
            return env.parties[recipient.party][lang]
        return recipient.name[lang] if recipient.name else ""

    def format(self, value, lang, env):
        """``PIHAK PERTAMA 70% (tujuh puluh persen), PIHAK KEDUA 20% (...), dan Kas Desa 10% (...)``."""
        word = {"id": "sebesar", "en": ""}[lang]
        parts = [f"{self.recipient_name(r, lang, env)} {word + ' ' if word else ''}{self.of.format(a, lang, env)}"
                 for r, a in value.shares]
        return locale.join_list(parts, lang)

    def items(self, value: Allocation, lang: str, env: Env) -> list[str]:
        """One line per recipient, for a lone ``{param}`` line of a clause body: ``PIHAK PERTAMA: 20% (...)``."""
        return [f"{self.recipient_name(r, lang, env)}: {self.of.format(a, lang, env)}" for r, a in value.shares]

    def field(self, value, name, lang, env):
        if name == "total":
            return self.of.format(value.total(), lang, env)
        if name == "count":
            return locale.number(len(value.shares), lang)
        return self.format(value, lang, env)

    def to_data(self, value):
        return [[r.party or (r.name.to_data() if r.name else None), self.of.to_data(a)] for r, a in value.shares]


@dataclass(frozen=True)
class PeriodType(ValueType):
    """A term by its dates: ``{ from: 2027-02-01, until: 2030-01-31 }`` or by its start and length
    ``{ from: 2027-02-01, months: 36 }`` (the end is then the day before the same date 36 months on).
    A text writes ``{term.starts}``, ``{term.ends}`` and ``{term.duration}`` (derived from the dates)."""

    kind = "period"
    example = "{ from: 2027-02-01, until: 2030-01-31 }"
    takes_mapping = True
    bounded = False

    def fields(self):
        return ("starts", "ends", "duration")

    def read(self, value, env):
        if not isinstance(value, s.Mapping):
            return _NOT_READ
        given: dict[str, Any] = {}
        for key, item in value.entries:
            name = key.name if isinstance(key, s.Name) else None
            if name not in ("from", "until", "months", "years"):
                raise ValueProblem(f"a period is written with `from:` and `until:` (or `months:`/`years:`), "
                                   f"not `{name or 'a text'}`", f"write {self.example}")
            if name in given:
                raise ValueProblem(f"`{name}` is given twice in this period")
            given[name] = (DateType() if name in ("from", "until") else IntegerType()).from_source(item, env)
        return self._period(given)

    def read_data(self, raw, env):
        if not isinstance(raw, dict):
            return _NOT_READ
        given: dict[str, Any] = {}
        for key, item in raw.items():
            if key not in ("from", "until", "months", "years"):
                raise ValueProblem(f"a period is written with `from:` and `until:` (or `months:`), not `{key}`")
            given[key] = (DateType() if key in ("from", "until") else IntegerType()).from_data(item, env)
        return self._period(given)

    def _period(self, given: dict[str, Any]) -> Period:
        if "from" not in given:
            raise ValueProblem("a period needs its first day: `from: 2027-02-01`", f"write {self.example}")
        lengths = [k for k in ("until", "months", "years") if k in given]
        if len(lengths) != 1:
            raise ValueProblem("a period has one end: `until:` a date, or its length in `months:` or `years:`",
                               "the other is derived and written out")
        start = given["from"]
        if "until" in given:
            end = given["until"]
            if end <= start:
                raise ValueProblem(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
            return Period(start, end)
        months = given["months"] if "months" in given else given["years"] * 12
        if months < 1:
            raise ValueProblem("a period lasts at least one month")
        return Period(start, add_months(start, check_magnitude(months)) - datetime.timedelta(days=1))

    def from_cell(self, text):
        """``2027-02-01..2030-01-31`` (first and last day) or ``2027-02-01+36`` (first day and months)."""
        first, dots, last = text.strip().partition("..")
        if dots:
            return {"from": first.strip(), "until": last.strip()}
        first, plus, months = text.strip().partition("+")
        if plus:
            return {"from": first.strip(), "months": _whole_number_cell(months)}
        given = _cell_mapping(text.strip()) or {}
        if "from" in given and ("until" in given or "months" in given):
            example = f"{given['from']}..{given['until']}" if "until" in given else f"{given['from']}+{given['months']}"
        else:
            example = "2027-02-01..2030-01-31"
        raise CellFormProblem("a period in a CSV cell is `FIRST..LAST` or `FIRST+MONTHS` (its first and last day, or "
                              "its first day and its length in months)", f"write `{example}`")

    def order(self, value):
        return value.months

    def plain(self, value):
        return f"{value.starts_on.isoformat()} .. {value.ends_on.isoformat()}"

    def format(self, value, lang, env):
        return self.field(value, "duration", lang, env)

    def field(self, value, name, lang, env):
        if name == "starts":
            return locale.format_date(value.starts_on, lang)
        if name == "ends":
            return locale.format_date(value.ends_on, lang)
        if not value.whole_months:
            days = (value.ends_on - value.starts_on).days + 1
            return f"{locale.number(days, lang)} {'hari' if lang == 'id' else 'days'}"
        length = value.duration
        return locale.duration(length.amount, length.unit, lang)

    def to_data(self, value):
        return [value.starts_on.isoformat(), value.ends_on.isoformat()]


@dataclass(frozen=True)
class Column:
    """A column of a table type: its name, the type of its cells and its heading in each language."""

    name: str
    type: ValueType
    label: Text | None = None

    def heading(self, lang: str) -> str:
        return self.label[lang] if self.label else self.name


class Rows(tuple):
    """A table value: a tuple of rows, each a tuple of cells, that remembers where each row is written
    (``spans``, None for a row from a data file), so a check can point at the line of a row."""

    spans: tuple[s.Span | None, ...] = ()
    cell_spans: tuple[tuple[s.Span | None, ...], ...] = ()  # per row, each cell's (in the columns' order)

    @classmethod
    def of(cls, rows: list[tuple[Any, ...]], spans: list[s.Span | None],
           cell_spans: list[tuple[s.Span | None, ...]] | None = None) -> Rows:
        out = cls(rows)
        out.spans = tuple(spans)
        out.cell_spans = tuple(cell_spans or ())
        return out

    def span_of(self, row: int, column: int | None = None) -> s.Span | None:
        """Where row ``row`` (or its cell in ``column``) is written, when it was written in a source."""
        if column is not None and row < len(self.cell_spans) and column < len(self.cell_spans[row]):
            return self.cell_spans[row][column] or self.span_of(row)
        return self.spans[row] if row < len(self.spans) else None


@dataclass(frozen=True)
class TableType(ValueType):
    """``table(activity "Kegiatan" / "Activity": text, by "Pelaksana" / "Responsible party": party)``: rows of typed
    cells, written as a list of mappings, one per row: ``[{activity: "..." / "...", by: dinkes}, ...]`` (a data
    file gives a list of mappings). A row is a tuple of its cells in the columns' order."""

    columns: tuple[Column, ...] = ()
    kind = "table"
    example = "[{column: value, ...}, ...]"
    takes_mapping = True

    def describe(self) -> str:
        return "table(" + ", ".join(f"{c.name}: {c.type.describe()}" for c in self.columns) + ")"

    def fields(self):
        return ("count", "total")

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def adopt(self, value):
        return value

    def read(self, value, env):
        if isinstance(value, s.Mapping):
            items: tuple[s.Value, ...] = (value,)
        elif isinstance(value, s.ListValue):
            items = value.items
        else:
            return _NOT_READ
        if not items:
            raise self._no_rows()
        return Rows.of([self._row(item, env) for item in items], [item.span for item in items],
                       [self._cell_spans(item) for item in items])

    def _cell_spans(self, item: s.Value) -> tuple[s.Span | None, ...]:
        written = {key.name: cell.span for key, cell in item.entries if isinstance(key, s.Name)} \
            if isinstance(item, s.Mapping) else {}
        return tuple(written.get(c.name) for c in self.columns)

    def _row(self, item: s.Value, env: Env) -> tuple[Any, ...]:
        if not isinstance(item, s.Mapping):
            raise ValueProblem(f"a row of this table is written `{{{self._sample()}}}`, not {_kind_of(item)}",
                               f"write {self.example}", item.span)
        given: dict[str, Any] = {}
        for key, cell in item.entries:
            name = key.name if isinstance(key, s.Name) else None
            column = self.column(name) if name else None
            if column is None or name is None:
                names = [c.name for c in self.columns]
                raise ValueProblem(f"this table has no column `{name or 'a text'}`",
                                   suggest(name or "", names) or f"its columns are {', '.join(names)}", key.span)
            if name in given:
                raise ValueProblem(f"`{name}` is given twice in this row", None, key.span)
            try:
                given[name] = column.type.from_source(cell, env)
            except ValueProblem as problem:
                raise ValueProblem(f"column `{name}`: {problem.message}", problem.hint,
                                   problem.span or cell.span) from None
        missing = [c.name for c in self.columns if c.name not in given]
        if missing:
            raise ValueProblem(f"this row has no `{missing[0]}`", f"write {{{self._sample()}}}", item.span)
        return tuple(given[c.name] for c in self.columns)

    def _sample(self) -> str:
        return ", ".join(f"{c.name}: ..." for c in self.columns)

    def _no_rows(self) -> ValueProblem:
        """An empty table would print an annex's table with no line in it."""
        return ValueProblem("a table has at least one row", f"write [{{{self._sample()}}}]")

    def from_data(self, raw, env):
        rows = raw if isinstance(raw, list) else [raw]
        if not rows:
            raise self._no_rows()
        out = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise ValueProblem(f"row {index + 1} of this table is not a mapping", f"write {{{self._sample()}}}")
            unknown = [k for k in row if self.column(str(k)) is None]
            if unknown:
                raise ValueProblem(f"row {index + 1}: this table has no column `{unknown[0]}`",
                                   suggest(str(unknown[0]), [c.name for c in self.columns]))
            missing = [c.name for c in self.columns if c.name not in row]
            if missing:
                raise ValueProblem(f"row {index + 1} has no `{missing[0]}`")
            cells = []
            for column in self.columns:
                try:
                    cells.append(column.type.from_data(row[column.name], env))
                except ValueProblem as problem:
                    raise ValueProblem(f"row {index + 1}, column `{column.name}`: {problem.message}",
                                       problem.hint) from None
            out.append(tuple(cells))
        return Rows.of(out, [None] * len(out))

    def from_cell(self, text):
        """A JSON list of rows, each an object: ``[{"item": "Bibit", "funder": "kph", "amount": 350000000}]``."""
        import json

        if not text.strip().startswith("["):
            raise ValueProblem("a table in a CSV cell is a JSON list of rows",
                               'write e.g. [{"' + '": ..., "'.join(c.name for c in self.columns) + '": ...}]')
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ValueProblem(f"this table is not valid JSON ({exc})") from None

    def order(self, value):
        return len(value)

    def money_column(self) -> int | None:
        """The index of the first money column (what the total adds up), or None."""
        return next((i for i, c in enumerate(self.columns) if isinstance(c.type, MoneyType)), None)

    def total(self, value) -> Decimal:
        index = self.money_column()
        return sum((row[index] for row in value), Decimal(0)) if index is not None else Decimal(0)

    def cells(self, value, lang: str, env: Env) -> list[list[str]]:
        """Every row's cells as the agreement writes them in ``lang``."""
        return [[locale.money_figures(cell, lang) if isinstance(c.type, MoneyType) else c.type.format(cell, lang, env)
                 for c, cell in zip(self.columns, row)] for row in value]

    def plain(self, value):
        return "; ".join(", ".join(c.type.plain(cell) for c, cell in zip(self.columns, row)) for row in value)

    def format(self, value, lang, env):
        return "; ".join(", ".join(cells) for cells in self.cells(value, lang, env))

    def field(self, value, name, lang, env):
        if name == "count":
            return locale.number(len(value), lang)
        return locale.rupiah(self.total(value), lang)

    def to_data(self, value):
        return [[c.type.to_data(cell) for c, cell in zip(self.columns, row)] for row in value]


#: Every type name a library may write, and the object for the simple ones.
SIMPLE: dict[str, ValueType] = {t.kind: t for t in (TextType(), MoneyType(), PercentType(), DateType(),
                                                    DurationType(), IntegerType(), PartyType(), BooleanType(),
                                                    PeriodType(), AccountNumberType())}
SIMPLE_TYPES = tuple(SIMPLE)
ALL_TYPES = SIMPLE_TYPES + ("quantity", "choice", "list", "allocation", "table")


def compile_type(expr: s.TypeExpr) -> ValueType:
    """The type object of a written type expression (the library reports unknown names first)."""
    if expr.kind == "list" and expr.item is not None:
        return ListType(compile_type(expr.item))
    if expr.kind == "allocation" and expr.item is not None:
        return AllocationType(compile_type(expr.item), parties_only=expr.over_parties)
    if expr.kind == "choice":
        return ChoiceType(expr.choices, tuple(_text_of(label) if label else None for label in expr.labels))
    if expr.kind == "quantity":
        return QuantityType(expr.unit or "ha")
    if expr.kind == "table":
        return TableType(tuple(Column(name, compile_type(item), _text_of(label) if label else None)
                               for name, label, item in expr.columns))
    return SIMPLE.get(expr.kind, TextType())


def check_bounds(value: Any, name: str, type_: ValueType, bounds: Mapping[str, Any]) -> str | None:
    """A message when ``value`` breaks the ``min`` / ``max`` of its declaration (already converted)."""
    for kind, bound in bounds.items():
        if bound is None:
            continue
        left, right = type_.order(value), type_.order(bound)
        if kind == "min" and left < right:
            return f"`{name}` must be at least {type_.plain(bound)}"
        if kind == "max" and left > right:
            return f"`{name}` must be at most {type_.plain(bound)}"
    return None
