"""Date and term checks: start on or after signing, end after start, duration matching the dates, reporting
periods inside the term.

Values are recognised by their declared meaning (``meanings.py``), never by name: a period that ``means term``
gives the start and the end (its length is derived); a date that ``means term_start`` starts the term, one that
``means term_end`` ends it, a duration that ``means term_length`` is its length, and a duration that ``means
period`` is a reporting or evaluation period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterator

from ..errors import ERROR
from ..locale import duration as spell_duration
from ..locale import format_date
from ..model import Agreement, Article, ClauseUse
from ..syntax import Span
from ..values import DurationValue, Period, add_months
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, use_span


@dataclass(frozen=True)
class Term:
    """What the agreement says about its term, with the clause that says it."""

    starts_on: datetime.date | None
    ends_on: datetime.date | None
    duration: DurationValue | None
    span: Span | None
    clause_id: str
    #: the name of the date that starts the term (``starts_on``); None for a period, whose start is ``from:``
    start_name: str | None = None

    @property
    def months(self) -> int | None:
        if self.duration is not None:
            return self.duration.months
        if self.starts_on and self.ends_on and self.ends_on > self.starts_on:
            return Period(self.starts_on, self.ends_on).months  # a part month counting as one
        return None


def terms(ctx: Context) -> Iterator[tuple[Article, ClauseUse, Term]]:
    """Every clause that states a start, an end or a length of the term."""
    for article, use in clause_uses(ctx.agreement):
        periods = [v for v in use.with_meaning("term") if isinstance(v.value, Period)]
        if periods:
            period = periods[0]
            yield article, use, Term(period.value.starts_on, period.value.ends_on, None,
                                     period.span or use_span(ctx.agreement, article, use), use.clause_id)
            continue
        start_value = next(iter(use.with_meaning("term_start")), None)
        start = start_value.value if start_value is not None else None
        end = next((v.value for v in use.with_meaning("term_end")), None)
        length = next((v.value for v in use.with_meaning("term_length")), None)
        if start or end or length:
            yield article, use, Term(start, end, length, use_span(ctx.agreement, article, use), use.clause_id,
                                     start_value.name if start_value is not None else None)


def _date(value: datetime.date, lang: str) -> str:
    return format_date(value, lang)


def _signing(agreement: Agreement, lang: str) -> str:
    return _date(agreement.signing_date, lang)


@rule("PKM150", "starts-before-signing", ERROR,
      title=("Mulai berlaku sebelum ditandatangani", "Starts before it is signed"),
      explanation=(
          "Perjanjian tidak dapat mulai berlaku sebelum ditandatangani: tanggal mulai (`starts_on`) harus sama "
          "dengan atau sesudah tanggal penandatanganan (`signed_on`).",
          "An agreement cannot take effect before it is signed: the start date (`starts_on`) must be on or after "
          "the signing date (`signed_on`)."),
      source="PP 28/2018 tentang Kerja Sama Daerah (jangka waktu; pasal belum diverifikasi)")
def starts_before_signing(ctx: Context) -> Iterator[Finding]:
    signed = ctx.agreement.signing_date
    for _, use, term in terms(ctx):
        if term.starts_on and term.starts_on < signed:
            yield finding(f"`{use.clause_id}` mulai berlaku {_date(term.starts_on, 'id')}, sebelum perjanjian "
                          f"ditandatangani ({_signing(ctx.agreement, 'id')})",
                          f"`{use.clause_id}` starts on {_date(term.starts_on, 'en')}, before the agreement is "
                          f"signed ({_signing(ctx.agreement, 'en')})", term.span, _start_hint(term, signed))


def _start_hint(term: Term, signed: datetime.date) -> tuple[str, str]:
    """How to move the start to the signing date, in the words of the value that gives it."""
    day = signed.isoformat()
    if term.start_name is None:
        return (f"tetapkan awal jangka waktu {day} atau sesudahnya (`from: {day}`)",
                f"start the term on {day} or later (`from: {day}`)")
    return f"tulis `{term.start_name}: {day}` atau sesudahnya", f"write `{term.start_name}: {day}` or later"


@rule("PKM151", "ends-before-start", ERROR,
      title=("Berakhir sebelum mulai", "Ends before it starts"),
      explanation=(
          "Tanggal berakhir (`ends_on`) harus sesudah tanggal mulai (`starts_on`) dan sesudah tanggal "
          "penandatanganan.",
          "The end date (`ends_on`) must come after the start date (`starts_on`) and after the signing date."),
      source="PP 28/2018 tentang Kerja Sama Daerah (jangka waktu; pasal belum diverifikasi)")
def ends_before_start(ctx: Context) -> Iterator[Finding]:
    for _, use, term in terms(ctx):
        if term.ends_on is None:
            continue
        start = term.starts_on or ctx.agreement.signing_date
        if term.ends_on <= start:
            what_id = "mulai berlaku" if term.starts_on else "ditandatangani"
            what_en = "it starts" if term.starts_on else "it is signed"
            yield finding(f"`{use.clause_id}` berakhir {_date(term.ends_on, 'id')}, tidak sesudah {what_id} "
                          f"({_date(start, 'id')})",
                          f"`{use.clause_id}` ends on {_date(term.ends_on, 'en')}, not after {what_en} "
                          f"({_date(start, 'en')})", term.span)


@rule("PKM152", "duration-mismatch", ERROR,
      title=("Jangka waktu tidak sesuai tanggal", "Duration does not match the dates"),
      explanation=(
          "Bila perjanjian menyebut tanggal mulai, tanggal berakhir, dan jangka waktu, ketiganya harus cocok: "
          "tanggal berakhir sama dengan tanggal mulai ditambah jangka waktu (atau sehari sebelumnya).",
          "When the agreement states a start date, an end date and a duration, they must agree: the end date is "
          "the start date plus the duration (or the day before)."),
      source="PP 28/2018 tentang Kerja Sama Daerah (jangka waktu; pasal belum diverifikasi)")
def duration_mismatch(ctx: Context) -> Iterator[Finding]:
    for _, use, term in terms(ctx):
        if not (term.starts_on and term.ends_on and term.duration):
            continue
        expected = add_months(term.starts_on, term.duration.months)
        if term.ends_on not in (expected, expected - datetime.timedelta(days=1)):
            length = {lang: spell_duration(term.duration.amount, term.duration.unit, lang) for lang in ("id", "en")}
            yield finding(
                f"`{use.clause_id}`: {length['id']} sejak {_date(term.starts_on, 'id')} berakhir "
                f"{_date(expected - datetime.timedelta(days=1), 'id')}, bukan {_date(term.ends_on, 'id')}",
                f"`{use.clause_id}`: {length['en']} from {_date(term.starts_on, 'en')} ends on "
                f"{_date(expected - datetime.timedelta(days=1), 'en')}, not {_date(term.ends_on, 'en')}",
                term.span, ("samakan `ends_on` dengan jangka waktu, atau hapus salah satunya",
                            "make `ends_on` match the duration, or drop one of them"))


@rule("PKM153", "period-longer-than-term", ERROR,
      title=("Periode pelaporan melebihi jangka waktu", "Reporting period longer than the term"),
      explanation=(
          "Periode pelaporan atau evaluasi (nilai yang `means period`) harus muat dalam jangka waktu perjanjian; "
          "kalau lebih panjang, laporan pertama jatuh sesudah perjanjian berakhir dan kewajiban akuntabilitas kosong.",
          "A reporting or evaluation period (a value that `means period`) must fit inside the agreement's term; if "
          "it is longer, the first report falls due after the agreement has ended and accountability is void."))
def period_longer_than_term(ctx: Context) -> Iterator[Finding]:
    found = [(use, term) for _, use, term in terms(ctx) if term.months is not None]
    if not found:
        return
    term_use, term = found[0]
    length = term.months or 0
    for article, use in clause_uses(ctx.agreement):
        for value in use.with_meaning("period"):
            name, period = value.name, value.value
            if not isinstance(period, DurationValue):
                continue
            if period.months > length:
                spelled = {lang: spell_duration(period.amount, period.unit, lang) for lang in ("id", "en")}
                yield finding(
                    f"`{name}` pada `{use.clause_id}` ({spelled['id']}) lebih panjang dari jangka waktu perjanjian "
                    f"({length} bulan, `{term_use.clause_id}`)",
                    f"`{name}` of `{use.clause_id}` ({spelled['en']}) is longer than the agreement's term "
                    f"({length} months, `{term_use.clause_id}`)", use_span(ctx.agreement, article, use),
                    ("perpendek periode pelaporan", "shorten the reporting period"))
