"""Funding checks: shares add up to 100 %, contributions to the total, amounts above zero, rupiah only.

What a value is comes from its declared meaning (``means`` in the library, see ``meanings.py``), never from its
name: an allocation that ``means shares`` must total 100 %, the percent values of one clause that each
``means share`` together must; an allocation that ``means contributions`` (or the money values that each
``means contribution``) must total the clause's value that ``means total_cost``. Amounts in the agreement are
rupiah by construction (the ``money`` type is written ``Rp...``); PKM143 looks for other currencies in the texts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR, WARNING
from ..locale import money_figures, percent_figures
from .registry import Context, Finding, finding, rule
from ..model import ClauseUse, Value
from ..values import Allocation, AllocationType
from .walk import clause_uses, locate, text_units, typed_params, use_span


def _parts(use: ClauseUse, whole: str, part: str) -> list[tuple[Value | None, dict[str, Decimal]]]:
    """The sets of values of ``use`` that must add up: each allocation meaning ``whole`` (its recipients'
    amounts), and the scalar values meaning ``part`` together (None for their value: they share no line)."""
    out: list[tuple[Value | None, dict[str, Decimal]]] = []
    for value in use.with_meaning(whole):
        if isinstance(value.value, Allocation):
            out.append((value, {r.key: a for r, a in value.value.shares}))
    scalars = use.with_meaning(part)
    if len(scalars) >= 2 or (scalars and part == "contribution"):
        out.append((None, {v.name: v.value for v in scalars}))
    return out


def _pct(value: Decimal, lang: str) -> str:
    return percent_figures(value, lang)


def _money(value: Decimal, lang: str) -> str:
    try:
        return money_figures(value, lang)
    except ValueError:
        return f"{value}"


@rule("PKM140", "shares-not-100", ERROR,
      title=("Jumlah bagian tidak 100%", "Shares do not add up to 100%"),
      explanation=(
          "Bagian setiap penerima dalam satu klausul (pembagian yang dinyatakan `means shares`, atau parameter "
          "persen yang masing-masing `means share`) harus berjumlah tepat 100%; kalau tidak, sebagian biaya atau "
          "hasil tidak ditanggung atau diterima siapa pun, atau dihitung dua kali.",
          "The recipients' shares in one clause (an allocation declared `means shares`, or percent parameters "
          "each declared `means share`) must add up to exactly 100%; otherwise part of the cost or of the "
          "proceeds is borne or received by no one, or counted twice."))
def shares_not_100(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        for value, shares in _parts(use, "shares", "share"):
            total = sum(shares.values(), Decimal(0))
            if total == 100 or not shares:
                continue
            listed, listed_en = (" + ".join(_pct(v, lang) for v in shares.values()) for lang in ("id", "en"))
            names = ", ".join(f"`{k}`" for k in shares)
            off = f"{_pct(abs(total - 100), 'id')} {'terlalu banyak' if total > 100 else 'kurang'}"
            off_en = f"{_pct(abs(total - 100), 'en')} {'too much' if total > 100 else 'short'}"
            span = value.span if value is not None and value.span else use_span(ctx.agreement, article, use)
            yield finding(f"bagian pada `{use.clause_id}` berjumlah {listed} = {_pct(total, 'id')}, bukan 100% "
                          f"({off})",
                          f"the shares of `{use.clause_id}` add up to {listed_en} = {_pct(total, 'en')}, not 100% "
                          f"({off_en})",
                          span, (f"sesuaikan {names} agar berjumlah 100%", f"adjust {names} so they add up to 100%"))


@rule("PKM141", "amount-not-positive", ERROR,
      title=("Jumlah uang nol", "Zero amount"),
      explanation=(
          "Setiap jumlah uang yang diminta klausul (biaya, kontribusi) harus lebih dari nol.",
          "Every amount a clause asks for (a cost, a contribution) must be more than zero."))
def amount_not_positive(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        amounts = list(typed_params(use, "money").items())
        amounts += [(f"{v.name}.{r.key}", a) for v in use.values.values() if isinstance(v.type, AllocationType)
                    and v.type.of.kind == "money" and v.value is not None for r, a in v.value.shares]
        for name, value in amounts:
            if value <= 0:
                yield finding(f"`{name}` pada `{use.clause_id}` bernilai {_money(value, 'id')}",
                              f"`{name}` of `{use.clause_id}` is {_money(value, 'en')}",
                              use_span(ctx.agreement, article, use),
                              ("tulis jumlah yang lebih dari nol, atau pakai klausul tanpa jumlah ini",
                               "write an amount above zero, or use a clause without this amount"))


@rule("PKM142", "contributions-not-total", ERROR,
      title=("Kontribusi tidak sama dengan jumlah biaya", "Contributions do not add up to the total"),
      explanation=(
          "Bila klausul menyebut jumlah biaya (`means total_cost`) dan kontribusi setiap pihak (pembagian "
          "`means contributions`, atau parameter uang yang masing-masing `means contribution`), jumlah kontribusi "
          "harus sama dengan jumlah biaya.",
          "When a clause states a total cost (`means total_cost`) and each party's contribution (an allocation "
          "`means contributions`, or money parameters each `means contribution`), the contributions must add up "
          "to the total cost."))
def contributions_not_total(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        totals = use.with_meaning("total_cost")
        if not totals:
            continue
        total = totals[0].value
        for value, parts in _parts(use, "contributions", "contribution"):
            added = sum(parts.values(), Decimal(0))
            if added == total or not parts:
                continue
            span = value.span if value is not None and value.span else use_span(ctx.agreement, article, use)
            yield finding(
                f"kontribusi pada `{use.clause_id}` berjumlah {_money(added, 'id')}, sedangkan jumlah biaya "
                f"`{totals[0].name}` {_money(total, 'id')} (selisih {_money(abs(added - total), 'id')})",
                f"the contributions of `{use.clause_id}` add up to {_money(added, 'en')}, but the total cost "
                f"`{totals[0].name}` is {_money(total, 'en')} (a difference of {_money(abs(added - total), 'en')})",
                span, ("sesuaikan kontribusi atau jumlah biaya", "adjust the contributions or the total cost"))


_CURRENCY_CODES = ("USD", "EUR", "SGD", "AUD", "JPY", "GBP", "MYR", "CNY")
_CURRENCY_SIGNS = "€£¥"  # and the dollar sign, matched only as "US$" or before a figure
_CURRENCY_WORDS = ("dolar", "dollars?", "euro", "ringgit")  # as regular expressions
_FOREIGN = re.compile(
    rf"\b(?:{'|'.join(_CURRENCY_CODES)})\b|US\$|[{_CURRENCY_SIGNS}]|\$\s?\d|\b(?:{'|'.join(_CURRENCY_WORDS)})\b",
    re.IGNORECASE)
#: Lower-case text every match of ``_FOREIGN`` contains one of, made from the same lists: a cheap test first.
_FOREIGN_HINTS = re.compile("|".join(re.escape(hint) for hint in (
    *(code.lower() for code in _CURRENCY_CODES), *_CURRENCY_SIGNS, "$",
    *(word.removesuffix("s?") for word in _CURRENCY_WORDS))))


def _foreign_currency(text: str) -> re.Match[str] | None:
    if _FOREIGN_HINTS.search(text.lower()) is None:  # one scan at C speed, not a substring test per hint
        return None
    return _FOREIGN.search(text)


@rule("PKM143", "foreign-currency", WARNING,
      title=("Mata uang selain rupiah", "Currency other than rupiah"),
      explanation=(
          "Kewajiban pembayaran di wilayah Indonesia dinyatakan dalam rupiah. Jumlah uang dalam parameter selalu "
          "rupiah; pemeriksaan ini mencari mata uang lain (USD, EUR, dolar ...) dalam teks.",
          "Payment obligations in Indonesia are stated in rupiah. Amounts given as parameters are always rupiah; "
          "this check looks for other currencies (USD, EUR, dollars ...) in the texts."),
      source="UU 7/2011 tentang Mata Uang (kewajiban penggunaan rupiah; pasal belum diverifikasi)")
def foreign_currency(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        for lang in ctx.agreement.languages:
            match = _foreign_currency(unit.text.get(lang))
            if match:
                yield finding(f"{unit.place.label['id']} menyebut mata uang \"{match.group(0).strip()}\"; "
                              "perjanjian ini memakai rupiah",
                              f"{unit.place.label['en']} mentions the currency \"{match.group(0).strip()}\"; "
                              "this agreement is in rupiah", locate(unit, lang, match.group(0)),
                              ("nyatakan jumlahnya dalam rupiah", "state the amount in rupiah"))
                break
