"""Locale formatting (numbers, money, dates in figures and words) for Indonesian/English agreements."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal

__all__ = [
    "LANGS",
    "MAX_AMOUNT",
    "terbilang",
    "rupiah",
    "money_figures",
    "percent",
    "number",
    "duration",
    "format_date",
    "weekday",
    "date_in_words",
    "join_list",
]

LANGS: tuple[str, ...] = ("id", "en")
MAX_AMOUNT: int = 10**15 - 1  # 999 triliun ... ; larger amounts raise ValueError

_NUMBER_LOCALE = {"id": "id_ID", "en": "en_US"}
_DATE_LOCALE = {"id": "id", "en": "en"}

_ID_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_ID_SCALES = ("", "ribu", "juta", "miliar", "triliun")

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ("", "thousand", "million", "billion", "trillion")
_EN_ORDINAL_IRREGULAR = {
    "one": "first", "two": "second", "three": "third", "five": "fifth",
    "eight": "eighth", "nine": "ninth", "twelve": "twelfth",
}

_CENT = Decimal("0.01")


def _check_lang(lang: str) -> str:
    """Return lang if supported, else raise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGS}")
    return lang


def _check_int(n: object) -> int:
    """Return n if it is a non-negative int within MAX_AMOUNT (bool rejected), else raise ValueError."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"expected a non-negative int, got {n!r}")
    if n < 0:
        raise ValueError(f"expected a non-negative int, got {n}")
    if n > MAX_AMOUNT:
        raise ValueError(f"{n} is above the supported maximum {MAX_AMOUNT}")
    return n


def _to_decimal(value: object) -> Decimal:
    """Convert a non-negative int or finite Decimal to Decimal (float, bool, str rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"expected an int or Decimal, got {value!r}")
    dec = Decimal(value)
    if not dec.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    if dec < 0:
        raise ValueError(f"expected a non-negative number, got {value!r}")
    return dec


def _groups(n: int) -> list[int]:
    """Split n into groups of three digits, least significant first."""
    groups = []
    while True:
        n, rem = divmod(n, 1000)
        groups.append(rem)
        if n == 0:
            return groups


def _id_below_thousand(n: int) -> str:
    """Spell 1..999 in Indonesian."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words.append(f"{_ID_DIGITS[hundreds]} ratus")
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words.append(f"{_ID_DIGITS[rest - 10]} belas")
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_ID_DIGITS[tens]} puluh")
        if ones:
            words.append(_ID_DIGITS[ones])
    elif rest > 0:
        words.append(_ID_DIGITS[rest])
    return " ".join(words)


def _en_below_thousand(n: int) -> str:
    """Spell 1..999 in English (no 'and', hyphenated tens)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_EN_ONES[hundreds]} hundred")
    if 0 < rest < 20:
        words.append(_EN_ONES[rest])
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_EN_TENS[tens]}-{_EN_ONES[ones]}" if ones else _EN_TENS[tens])
    return " ".join(words)


def terbilang(n: int, lang: str = "id") -> str:
    """Spell a non-negative int (up to MAX_AMOUNT) in lowercase words; ValueError otherwise."""
    _check_lang(lang)
    _check_int(n)
    if n == 0:
        return "nol" if lang == "id" else "zero"
    parts: list[str] = []
    for scale, group in reversed(list(enumerate(_groups(n)))):
        if group == 0:
            continue
        if lang == "id":
            if scale == 1 and group == 1:
                parts.append("seribu")
            else:
                parts.append(" ".join(filter(None, (_id_below_thousand(group), _ID_SCALES[scale]))))
        else:
            parts.append(" ".join(filter(None, (_en_below_thousand(group), _EN_SCALES[scale]))))
    return " ".join(parts)


def _digits_in_words(digits: str, lang: str) -> str:
    """Spell each digit of a string separately (used after 'koma' / 'point')."""
    names = _ID_DIGITS if lang == "id" else _EN_ONES
    return " ".join(names[int(ch)] for ch in digits)


def _split_money(amount: object) -> tuple[Decimal, int, int]:
    """Return (amount quantized to sen, whole rupiah, sen); ValueError on fractions of a sen."""
    dec = _to_decimal(amount)
    try:
        quantized = dec.quantize(_CENT)
    except InvalidOperation:
        raise ValueError(f"amount {amount!r} is too large") from None
    if quantized != dec:
        raise ValueError(f"amount {amount!r} has fractions of a sen")
    rupiah_part = int(quantized)
    _check_int(rupiah_part)
    sen = int((quantized - rupiah_part) * 100)
    return quantized, rupiah_part, sen


def money_figures(amount: int | Decimal, lang: str = "id") -> str:
    """Return the figures only: 'Rp2.950.000,00' (id) or 'IDR 2,950,000.00' (en)."""
    _check_lang(lang)
    quantized, _, _ = _split_money(amount)
    digits = _babel_format_decimal(quantized, format="#,##0.00", locale=_NUMBER_LOCALE[lang])
    return f"Rp{digits}" if lang == "id" else f"IDR {digits}"


def _money_words(rupiah_part: int, sen: int, lang: str) -> str:
    """Spell an amount of rupiah and sen."""
    words = f"{terbilang(rupiah_part, lang)} rupiah"
    if sen:
        joiner = " " if lang == "id" else " and "
        words += f"{joiner}{terbilang(sen, lang)} sen"
    return words


def rupiah(amount: int | Decimal, lang: str = "id") -> str:
    """Return figures and words: 'Rp2.950.000,00 (dua juta sembilan ratus lima puluh ribu rupiah)'."""
    _check_lang(lang)
    _, rupiah_part, sen = _split_money(amount)
    return f"{money_figures(amount, lang)} ({_money_words(rupiah_part, sen, lang)})"


def percent(value: int | Decimal, lang: str = "id") -> str:
    """Return '12,5% (dua belas koma lima persen)' / '12.5% (twelve point five percent)'."""
    figures = percent_figures(value, lang)
    whole, _, fraction = format(_to_decimal(value).normalize(), "f").partition(".")
    words = terbilang(int(whole), lang)
    if fraction:
        point = "koma" if lang == "id" else "point"
        words += f" {point} {_digits_in_words(fraction, lang)}"
    suffix = "persen" if lang == "id" else "percent"
    return f"{figures} ({words} {suffix})"


def percent_figures(value: int | Decimal, lang: str = "id") -> str:
    """Return '12,5%' / '12.5%': a percentage in figures, with the language's decimal sign."""
    _check_lang(lang)
    figures = _babel_format_decimal(
        _to_decimal(value), format="#,##0", locale=_NUMBER_LOCALE[lang], decimal_quantization=False
    )
    return f"{figures}%"


def _int_figures(n: int, lang: str) -> str:
    """Format an int with the language's grouping separator."""
    return _babel_format_decimal(n, format="#,##0", locale=_NUMBER_LOCALE[lang])


def number(n: int, lang: str = "id") -> str:
    """Return a count in figures and words: '3 (tiga)' / '3 (three)'."""
    _check_lang(lang)
    _check_int(n)
    return f"{_int_figures(n, lang)} ({terbilang(n, lang)})"


_UNITS = {
    "months": {"id": "bulan", "en": ("month", "months")},
    "years": {"id": "tahun", "en": ("year", "years")},
}


def duration(amount: int, unit: str, lang: str = "id") -> str:
    """Return '12 (dua belas) bulan' / '1 (one) year'; unit is 'months' or 'years'."""
    _check_lang(lang)
    key = unit if unit in _UNITS else f"{unit}s"
    if key not in _UNITS:
        raise ValueError(f"unsupported unit {unit!r}; expected 'months' or 'years'")
    if lang == "id":
        word = _UNITS[key]["id"]
    else:
        singular, plural = _UNITS[key]["en"]
        word = singular if amount == 1 else plural
    return f"{number(amount, lang)} {word}"


def _check_date(d: object) -> datetime.date:
    """Return d if it is a date (or datetime), else raise ValueError."""
    if not isinstance(d, datetime.date):
        raise ValueError(f"expected a datetime.date, got {d!r}")
    return d


def format_date(d: datetime.date, lang: str = "id") -> str:
    """Return '1 Desember 2026' / '1 December 2026' via Babel."""
    _check_lang(lang)
    return _babel_format_date(_check_date(d), "d MMMM y", locale=_DATE_LOCALE[lang])


def weekday(d: datetime.date, lang: str = "id") -> str:
    """Return the day name: 'Selasa' / 'Tuesday' via Babel."""
    _check_lang(lang)
    return _babel_format_date(_check_date(d), "EEEE", locale=_DATE_LOCALE[lang])


def _en_ordinal(n: int) -> str:
    """Spell an ordinal in English: 1 -> 'first', 21 -> 'twenty-first', 30 -> 'thirtieth'."""
    words = terbilang(n, "en")
    cut = max(words.rfind(" "), words.rfind("-")) + 1
    head, last = words[:cut], words[cut:]
    if last in _EN_ORDINAL_IRREGULAR:
        last = _EN_ORDINAL_IRREGULAR[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + last


def date_in_words(d: datetime.date, lang: str = "id") -> str:
    """Return the opening form: 'tanggal satu, bulan Desember, tahun dua ribu dua puluh enam (01-12-2026)'."""
    _check_lang(lang)
    _check_date(d)
    month = _babel_format_date(d, "MMMM", locale=_DATE_LOCALE[lang])
    numeric = f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    if lang == "id":
        return (
            f"tanggal {terbilang(d.day, 'id')}, bulan {month}, "
            f"tahun {terbilang(d.year, 'id')} ({numeric})"
        )
    return f"the {_en_ordinal(d.day)} day of {month}, {terbilang(d.year, 'en')} ({numeric})"


def join_list(items: list[str], lang: str = "id") -> str:
    """Join items as 'a, b, dan c' / 'a, b, and c'; 'a dan b'; one item as is; empty gives ''."""
    _check_lang(lang)
    items = list(items)
    conj = "dan" if lang == "id" else "and"
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conj} {items[1]}"
    return f"{', '.join(items[:-1])}, {conj} {items[-1]}"


# ---- reading numbers written in words (the inverse of terbilang) -----------------------------------------

_ID_WORD_DIGITS = {name: i for i, name in enumerate(_ID_DIGITS) if i}
_EN_WORD_ONES = {name: i for i, name in enumerate(_EN_ONES) if i}
_EN_WORD_TENS = {name: i for i, name in enumerate(_EN_TENS) if i >= 2}
#: scale words, with the spellings a drafter may use ("milyar" is not the standard spelling but is read)
_WORD_SCALES = {
    "id": {"ribu": 1, "juta": 2, "miliar": 3, "milyar": 3, "triliun": 4},
    "en": {"thousand": 1, "million": 2, "billion": 3, "trillion": 4},
}
_SE_SCALES = {"seribu": 1, "sejuta": 2, "semiliar": 3, "setriliun": 4}


def _id_group(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Read an Indonesian number 1..999 from ``tokens[i:]``: (value, next index), or None."""
    value = 0
    if i < len(tokens) and tokens[i] == "seratus":
        value, i = 100, i + 1
    elif i + 1 < len(tokens) and tokens[i] in _ID_WORD_DIGITS and tokens[i + 1] == "ratus":
        value, i = 100 * _ID_WORD_DIGITS[tokens[i]], i + 2
    if i < len(tokens) and tokens[i] in ("sepuluh", "sebelas"):
        return value + (10 if tokens[i] == "sepuluh" else 11), i + 1
    if i < len(tokens) and tokens[i] in _ID_WORD_DIGITS:
        digit = _ID_WORD_DIGITS[tokens[i]]
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if following == "belas":
            return value + 10 + digit, i + 2
        if following == "puluh" and digit >= 2:
            value, i = value + 10 * digit, i + 2
            if i < len(tokens) and tokens[i] in _ID_WORD_DIGITS:
                return value + _ID_WORD_DIGITS[tokens[i]], i + 1
            return value, i
        return value + digit, i + 1
    return (value, i) if value else None


def _en_group(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Read an English number 1..999 from ``tokens[i:]`` (``twenty-four`` split in two): (value, next), or None."""
    value = 0
    if i + 1 < len(tokens) and tokens[i] in _EN_WORD_ONES and _EN_WORD_ONES[tokens[i]] < 10 \
            and tokens[i + 1] == "hundred":
        value, i = 100 * _EN_WORD_ONES[tokens[i]], i + 2
        if i + 1 < len(tokens) and tokens[i] == "and" and (tokens[i + 1] in _EN_WORD_ONES
                                                          or tokens[i + 1] in _EN_WORD_TENS):
            i += 1  # "one hundred and five"
    if i < len(tokens) and tokens[i] in _EN_WORD_TENS:
        value, i = value + 10 * _EN_WORD_TENS[tokens[i]], i + 1
        if i < len(tokens) and tokens[i] in _EN_WORD_ONES and _EN_WORD_ONES[tokens[i]] < 10:
            return value + _EN_WORD_ONES[tokens[i]], i + 1
        return value, i
    if i < len(tokens) and tokens[i] in _EN_WORD_ONES:
        return value + _EN_WORD_ONES[tokens[i]], i + 1
    return (value, i) if value else None


def words_to_number(words: str, lang: str = "id") -> int | None:
    """The whole number that ``words`` spell in ``lang``, the inverse of :func:`terbilang`; None when the words
    are not a number (or not only a number): ``words_to_number("dua juta seribu", "id") == 2_001_000``.

    Case, hyphens and spacing do not matter; English may say "one hundred and five", "one thousand and five".
    """
    _check_lang(lang)
    tokens = words.lower().replace("-", " ").split()
    if not tokens:
        return None
    if tokens == [_ID_DIGITS[0] if lang == "id" else _EN_ONES[0]]:
        return 0
    scales = _WORD_SCALES[lang]
    read_group = _id_group if lang == "id" else _en_group
    total, i, last_scale = 0, 0, len(_ID_SCALES)
    while i < len(tokens):
        if lang == "en" and tokens[i] == "and" and total and i + 1 < len(tokens):
            i += 1  # "one thousand and five"
        if lang == "id" and tokens[i] in _SE_SCALES:
            group, scale, i = 1, _SE_SCALES[tokens[i]], i + 1
        else:
            read = read_group(tokens, i)
            if read is None:
                return None
            group, i = read
            scale = 0
            if i < len(tokens) and tokens[i] in scales:
                scale, i = scales[tokens[i]], i + 1
        if scale >= last_scale:  # scales fall: "dua juta seribu", never "seribu juta"
            return None
        total += group * 1000 ** scale
        last_scale = scale
    return total


def decimal_from_words(words: str, lang: str = "id") -> Decimal | None:
    """A number in words with an optional fraction read digit by digit: ``dua belas koma lima`` → 12.5."""
    _check_lang(lang)
    point = "koma" if lang == "id" else "point"
    tokens = words.lower().split()
    if point not in tokens:
        whole = words_to_number(words, lang)
        return None if whole is None else Decimal(whole)
    cut = tokens.index(point)
    whole = words_to_number(" ".join(tokens[:cut]), lang)
    names = {name: i for i, name in enumerate(_ID_DIGITS if lang == "id" else _EN_ONES[:10])}
    digits = [names.get(t) for t in tokens[cut + 1:]]
    if whole is None or not digits or any(d is None for d in digits):
        return None
    return Decimal(f"{whole}.{''.join(str(d) for d in digits)}")


def money_from_words(words: str, lang: str = "id") -> Decimal | None:
    """An amount as :func:`rupiah` spells it (``... rupiah lima puluh sen``, ``... rupiah and fifty sen``), or a
    bare number; None when the words are not an amount."""
    _check_lang(lang)
    tokens = words.lower().split()
    if "rupiah" not in tokens:
        whole = words_to_number(words, lang)
        return None if whole is None else Decimal(whole)
    cut = tokens.index("rupiah")
    whole = words_to_number(" ".join(tokens[:cut]), lang)
    if whole is None:
        return None
    rest = tokens[cut + 1:]
    if not rest:
        return Decimal(whole)
    if rest[0] in ("dan", "and"):
        rest = rest[1:]
    if len(rest) < 2 or rest[-1] != "sen":
        return None
    sen = words_to_number(" ".join(rest[:-1]), lang)
    if sen is None or sen >= 100:
        return None
    return Decimal(whole) + Decimal(sen) / 100
