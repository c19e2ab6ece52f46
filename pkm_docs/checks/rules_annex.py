"""Annex checks: the budget annex adds up to the funding clause, and no text names an annex that is not there.

The budget is the table an annex clause declares ``means budget_lines`` (one party column, the funder, and one
money column); what each party funds comes from the funding clause's declared meanings: ``contributions`` (an
allocation of money), ``contribution(role)``, or ``share(role)`` of the ``total_cost``. Never from a name.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR
from ..locale import money_figures
from ..model import Agreement, Article, ClauseUse, Value, from_roman
from ..syntax import Span
from ..values import Allocation, MoneyType, PartyType, Rows, TableType
from .registry import Context, Finding, finding, rule
from .walk import article_label, clause_uses, locate, text_units, use_span

_SEN = Decimal("0.01")


def _money(value: Decimal, lang: str) -> str:
    try:
        return money_figures(value, lang)
    except ValueError:
        return f"{value}"


def _funding(agreement: Agreement) -> tuple[Article, ClauseUse, Value, dict[str, Decimal]] | None:
    """The first clause outside the annexes that states a total cost: its article, use, total, and what each
    party funds as far as its meanings say (contributions, or shares of the total by role)."""
    for article, use in clause_uses(agreement):
        if article.kind == "annex":
            continue
        totals = use.with_meaning("total_cost")
        if not totals:
            continue
        total = totals[0].value
        parties: dict[str, Decimal] = {}
        for value in use.with_meaning("contributions"):
            if isinstance(value.value, Allocation):
                parties.update({r.party: a for r, a in value.value.shares if r.party is not None})
        for meaning, as_share in (("contribution", False), ("share", True)):
            for value in use.with_meaning(meaning):
                role = value.meaning.arg if value.meaning is not None else None
                holders = [p.key for p in agreement.parties if p.role == role]
                if len(holders) == 1:
                    amount = (total * value.value / 100).quantize(_SEN) if as_share else value.value
                    parties[holders[0]] = parties.get(holders[0], Decimal(0)) + amount
        return article, use, totals[0], parties
    return None


def _budget_lines(agreement: Agreement) -> Iterator[tuple[Article, ClauseUse, Value, int, int]]:
    """Each budget table: its annex, use, value, and the indexes of its funder and amount columns."""
    for article, use in clause_uses(agreement):
        for value in use.with_meaning("budget_lines"):
            type_ = value.type
            if not isinstance(type_, TableType):
                continue
            funder = next((i for i, c in enumerate(type_.columns) if isinstance(c.type, PartyType)), None)
            amount = next((i for i, c in enumerate(type_.columns) if isinstance(c.type, MoneyType)), None)
            if funder is not None and amount is not None:
                yield article, use, value, funder, amount


def _row_span(value: Value, index: int | None, column: int) -> Span | None:
    """Where the cell in ``column`` of row ``index`` of a table value is written (the table's span when unknown:
    a table from a data file)."""
    rows = value.value
    span = rows.span_of(index, column) if isinstance(rows, Rows) and index is not None else None
    return span or value.span


@rule("PKM180", "annex-budget-mismatch", ERROR,
      title=("Rincian anggaran tidak sama dengan pendanaan", "Budget annex does not match the funding"),
      explanation=(
          "Rincian anggaran dalam lampiran (tabel yang dinyatakan `means budget_lines`) dijumlahkan per PIHAK "
          "penyandang dana dan harus sama dengan bagian PIHAK itu pada klausul pendanaan (kontribusi, atau bagian "
          "persen dari jumlah biaya); bila klausul pendanaan tidak menyebut bagian per PIHAK, jumlah seluruh "
          "rincian harus sama dengan jumlah biaya (`means total_cost`).",
          "The budget lines of an annex (a table declared `means budget_lines`) are added up per funding PARTY "
          "and must equal that PARTY's part in the funding clause (its contribution, or its percentage share of "
          "the total cost); where the funding clause names no part per PARTY, all the lines together must equal "
          "the total cost (`means total_cost`)."))
def annex_budget_mismatch(ctx: Context) -> Iterator[Finding]:
    agreement = ctx.agreement
    funding = _funding(agreement)
    if funding is None:
        return
    article, _, total, expected = funding
    where = article_label(article)
    for annex, use, value, funder, amount in _budget_lines(agreement):
        rows = value.value or ()
        added: dict[str, Decimal] = {}
        last_row: dict[str, int] = {}
        for index, row in enumerate(rows):
            added[row[funder]] = added.get(row[funder], Decimal(0)) + row[amount]
            last_row[row[funder]] = index
        reported = False
        for party in agreement.parties:
            if party.key not in expected and party.key not in added:
                continue
            want = expected.get(party.key, Decimal(0))
            got = added.get(party.key, Decimal(0))
            if party.key not in expected and expected:
                want = Decimal(0)  # the funding clause gives this party no part of the cost
            elif party.key not in expected:
                continue  # no part per party is stated: the total is compared below
            if got == want:
                continue
            reported = True
            off = abs(got - want)
            more = got > want
            alias = party.alias
            yield finding(
                f"rincian anggaran {alias.get('id')} pada {article_label(annex)['id']} berjumlah {_money(got, 'id')}, "
                f"sedangkan bagiannya pada {where['id']} {_money(want, 'id')} ({'lebih' if more else 'kurang'} "
                f"{_money(off, 'id')})",
                f"the budget lines of the {alias.get('en')} in {article_label(annex)['en']} add up to "
                f"{_money(got, 'en')}, but its part in {where['en']} is {_money(want, 'en')} "
                f"({_money(off, 'en')} {'too much' if more else 'short'})",
                _row_span(value, last_row.get(party.key), amount) or use_span(agreement, annex, use),
                ("sesuaikan rincian anggaran atau bagian pendanaan PIHAK itu",
                 "adjust the budget lines or that PARTY's part of the funding"))
        whole = sum(added.values(), Decimal(0))
        if not reported and whole != total.value:
            off = abs(whole - total.value)
            more = whole > total.value
            yield finding(
                f"rincian anggaran pada {article_label(annex)['id']} berjumlah {_money(whole, 'id')}, sedangkan "
                f"jumlah biaya pada {where['id']} {_money(total.value, 'id')} ({'lebih' if more else 'kurang'} "
                f"{_money(off, 'id')})",
                f"the budget lines in {article_label(annex)['en']} add up to {_money(whole, 'en')}, but the total "
                f"cost in {where['en']} is {_money(total.value, 'en')} ({_money(off, 'en')} "
                f"{'too much' if more else 'short'})",
                _row_span(value, len(rows) - 1 if rows else None, amount) or use_span(agreement, annex, use),
                ("sesuaikan rincian anggaran atau jumlah biaya", "adjust the budget lines or the total cost"))


#: "Lampiran II" / "Annex II" written in a text.
_NAMED = {"id": re.compile(r"\b(?:Lampiran|LAMPIRAN)\s+([IVXLCDM]+)\b"),
          "en": re.compile(r"\b(?:Annex|ANNEX)\s+([IVXLCDM]+)\b")}
#: A text saying that something is annexed to the agreement.
_ANNEXED = {"id": re.compile(r"\b(?:(?:merupakan|menjadi|sebagai)\s+lampiran|terlampir|dilampirkan)\b", re.I),
            "en": re.compile(r"\b(?:annexed|(?:is|as)\s+an\s+annex|attached\s+as\s+an\s+annex)\b", re.I)}
#: What an annexed thing is, by the words of its sentence, and the meaning an annex then declares for it.
_KINDS = {"id": ((re.compile(r"\bpeta\b", re.I), "map"), (re.compile(r"\brencana\s+kerja\b", re.I), "work_plan"),
                 (re.compile(r"\brincian\s+anggaran\b", re.I), "budget_lines")),
          "en": ((re.compile(r"\bmap\b", re.I), "map"), (re.compile(r"\bwork\s+plan\b", re.I), "work_plan"),
                 (re.compile(r"\bbudget\s+breakdown\b", re.I), "budget_lines"))}
#: Lower-case text every match of ``_NAMED`` and ``_ANNEXED`` holds: a text without it is not scanned (the two
#: scans, case-blind and word-bounded, took a fifth of the checks of 5,000 articles).
_CUE = {"id": "lampir", "en": "annex"}
_WHAT = {"map": ("peta", "a map"), "work_plan": ("rencana kerja", "a work plan"),
         "budget_lines": ("rincian anggaran", "a budget breakdown")}


def _sentence(text: str, start: int, end: int) -> str:
    first = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    last = min((i for i in (text.find(". ", end), text.find("; ", end)) if i != -1), default=len(text))
    return text[first + 1:last]


@rule("PKM181", "annex-missing", ERROR,
      title=("Lampiran yang disebut tidak ada", "An annex named is missing"),
      explanation=(
          "Teks menyebut lampiran yang tidak ada dalam perjanjian: \"Lampiran III\" ditulis sendiri padahal "
          "perjanjian hanya memiliki dua lampiran, atau suatu peta, rencana kerja, atau rincian anggaran disebut "
          "\"merupakan lampiran\" Perjanjian ini padahal tidak ada lampiran yang memuatnya. Tambahkan lampirannya "
          "(`annex KEY \"Judul\" / \"Title\" { use annex.map@^1 { ... } }`) dan rujuk dengan `{annex.KEY}`.",
          "A text names an annex the agreement does not have: \"Annex III\" written by hand while the agreement "
          "has two annexes, or a map, work plan or budget breakdown said to be \"annexed\" to this Agreement while "
          "no annex holds it. Add the annex (`annex KEY \"Judul\" / \"Title\" { use annex.map@^1 { ... } }`) and "
          "refer to it with `{annex.KEY}`."))
def annex_missing(ctx: Context) -> Iterator[Finding]:
    agreement = ctx.agreement
    count = len(agreement.annexes)
    held = {v.meaning.name for annex in agreement.annexes for use in annex.clauses for v in use.values.values()
            if v.meaning is not None and v.value}
    for unit in text_units(agreement):
        for lang in agreement.languages:
            if lang not in _NAMED:
                continue
            text = unit.text.get(lang)
            if _CUE[lang] not in text.lower():
                continue
            problem = None
            for match in _NAMED[lang].finditer(text):
                number = from_roman(match.group(1))
                if number is not None and number > count:
                    have = (f"perjanjian ini memiliki {count} lampiran" if count else "perjanjian ini tidak memiliki "
                            "lampiran", f"this agreement has {count} annex{'es' if count != 1 else ''}" if count
                            else "this agreement has no annex")
                    problem = (match, f"menyebut {match.group(0)}, padahal {have[0]}",
                               f"names {match.group(0)}, but {have[1]}")
                    break
            if problem is None and unit.article.kind != "annex":
                for match in _ANNEXED[lang].finditer(text):
                    sentence = _sentence(text, match.start(), match.end())
                    kinds = [meaning for pattern, meaning in _KINDS[lang] if pattern.search(sentence)]
                    missing = [k for k in kinds if k not in held]
                    if count and not missing:
                        continue
                    if missing:
                        what = _WHAT[missing[0]]
                        problem = (match, f"menyebut {what[0]} sebagai lampiran, padahal tidak ada lampiran yang "
                                   f"memuat {what[0]}", f"says {what[1]} is annexed, but no annex holds {what[1]}")
                    else:
                        problem = (match, "menyebut lampiran, padahal perjanjian ini tidak memiliki lampiran",
                                   "mentions an annex, but this agreement has none")
                    break
            if problem is None:
                continue
            match, id_text, en_text = problem
            yield finding(f"{unit.place.label['id']} {id_text}", f"{unit.place.label['en']} {en_text}",
                          locate(unit, lang, match.group(0)),
                          ("tambahkan lampirannya (`annex KEY \"Judul\" / \"Title\" { ... }`) dan rujuk dengan "
                           "`{annex.KEY}`", "add the annex (`annex KEY \"Judul\" / \"Title\" { ... }`) and refer "
                           "to it with `{annex.KEY}`"))
            break
