"""Funding checks: shares add up to 100 %, contributions to the total, amounts above zero, rupiah only.

Naming conventions read from clause parameters: percent parameters named ``*_share`` in one clause are the
parties' shares; money parameters named ``*_contribution`` in a clause that also has a money ``total`` are
contributions to that total. Amounts in the agreement are rupiah by construction (the ``money`` type is
written ``Rp...``); PKM143 looks for other currencies in the texts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR, WARNING
from ..locale import money_figures
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, text_units, typed_params, use_span


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _money(value: Decimal, lang: str) -> str:
    try:
        return money_figures(value, lang)
    except ValueError:
        return f"{value}"


@rule("PKM140", "shares-not-100", ERROR,
      title=("Jumlah bagian tidak 100%", "Shares do not add up to 100%"),
      explanation=(
          "Bagian pendanaan setiap pihak dalam satu klausul (parameter persen yang namanya berakhiran `_share`) "
          "harus berjumlah tepat 100%; kalau tidak, sebagian biaya tidak ditanggung siapa pun atau ditanggung dua "
          "kali.",
          "The parties' funding shares in one clause (percent parameters named `*_share`) must add up to exactly "
          "100%; otherwise part of the cost is borne by no one, or twice."))
def shares_not_100(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        shares = {k: v for k, v in typed_params(use, ctx.library, "percent").items() if k.endswith("_share")}
        if len(shares) < 2:
            continue
        total = sum(shares.values(), Decimal(0))
        if total != 100:
            listed = " + ".join(_pct(v) for v in shares.values())
            names = ", ".join(f"`{k}`" for k in shares)
            yield finding(f"bagian pendanaan pada `{use.clause_id}` berjumlah {listed} = {_pct(total)}, bukan 100%",
                          f"the funding shares of `{use.clause_id}` add up to {listed} = {_pct(total)}, not 100%",
                          use_span(ctx.agreement, article, use),
                          (f"sesuaikan {names} agar berjumlah 100%", f"adjust {names} so they add up to 100%"))


@rule("PKM141", "amount-not-positive", ERROR,
      title=("Jumlah uang nol", "Zero amount"),
      explanation=(
          "Setiap jumlah uang yang diminta klausul (biaya, kontribusi) harus lebih dari nol.",
          "Every amount a clause asks for (a cost, a contribution) must be more than zero."))
def amount_not_positive(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        for name, value in typed_params(use, ctx.library, "money").items():
            if value <= 0:
                yield finding(f"`{name}` pada `{use.clause_id}` bernilai {_money(value, 'id')}",
                              f"`{name}` of `{use.clause_id}` is {_money(value, 'en')}",
                              use_span(ctx.agreement, article, use),
                              ("tulis jumlah yang lebih dari nol, atau pakai klausul tanpa jumlah ini",
                               "write an amount above zero, or use a clause without this amount"))


@rule("PKM142", "contributions-not-total", ERROR,
      title=("Kontribusi tidak sama dengan jumlah biaya", "Contributions do not add up to the total"),
      explanation=(
          "Bila klausul menyebut jumlah biaya (`total`) dan kontribusi setiap pihak (parameter uang yang namanya "
          "berakhiran `_contribution`), jumlah kontribusi harus sama dengan `total`.",
          "When a clause states a total cost (`total`) and each party's contribution (money parameters named "
          "`*_contribution`), the contributions must add up to `total`."))
def contributions_not_total(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        money = typed_params(use, ctx.library, "money")
        parts = {k: v for k, v in money.items() if k.endswith("_contribution")}
        if "total" not in money or not parts:
            continue
        added = sum(parts.values(), Decimal(0))
        if added != money["total"]:
            yield finding(
                f"kontribusi pada `{use.clause_id}` berjumlah {_money(added, 'id')}, sedangkan `total` "
                f"{_money(money['total'], 'id')}",
                f"the contributions of `{use.clause_id}` add up to {_money(added, 'en')}, but `total` is "
                f"{_money(money['total'], 'en')}", use_span(ctx.agreement, article, use),
                ("sesuaikan kontribusi atau `total`", "adjust the contributions or `total`"))


_CURRENCY_CODES = ("USD", "EUR", "SGD", "AUD", "JPY", "GBP", "MYR", "CNY")
_CURRENCY_SIGNS = "€£¥"  # and the dollar sign, matched only as "US$" or before a figure
_CURRENCY_WORDS = ("dolar", "dollars?", "euro", "ringgit")  # as regular expressions
_FOREIGN = re.compile(
    rf"\b(?:{'|'.join(_CURRENCY_CODES)})\b|US\$|[{_CURRENCY_SIGNS}]|\$\s?\d|\b(?:{'|'.join(_CURRENCY_WORDS)})\b",
    re.IGNORECASE)
#: Lower-case text every match of ``_FOREIGN`` contains one of, made from the same lists: a cheap test first.
_FOREIGN_HINTS = (*(code.lower() for code in _CURRENCY_CODES), *_CURRENCY_SIGNS, "$",
                  *(word.removesuffix("s?") for word in _CURRENCY_WORDS))


def _foreign_currency(text: str) -> re.Match[str] | None:
    lowered = text.lower()
    if not any(hint in lowered for hint in _FOREIGN_HINTS):
        return None
    return _FOREIGN.search(text)


@rule("PKM143", "foreign-currency", WARNING,
      title=("Mata uang selain rupiah", "Currency other than rupiah"),
      explanation=(
          "Kewajiban pembayaran di wilayah Indonesia dinyatakan dalam rupiah. Jumlah uang dalam parameter selalu "
          "rupiah; pemeriksaan ini mencari mata uang lain (USD, EUR, dolar ...) dalam teks.",
          "Payment obligations in Indonesia are stated in rupiah. Amounts given as parameters are always rupiah; "
          "this check looks for other currencies (USD, EUR, dollars ...) in the texts."),
      source="UU 7/2011 tentang Mata Uang, Pasal 21 ayat (1)")
def foreign_currency(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        for lang in ctx.agreement.languages:
            match = _foreign_currency(unit.text.get(lang))
            if match:
                yield finding(f"{unit.place.label['id']} menyebut mata uang \"{match.group(0).strip()}\"; "
                              "perjanjian ini memakai rupiah",
                              f"{unit.place.label['en']} mentions the currency \"{match.group(0).strip()}\"; "
                              "this agreement is in rupiah", unit.place.span,
                              ("nyatakan jumlahnya dalam rupiah", "state the amount in rupiah"))
                break
