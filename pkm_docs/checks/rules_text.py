"""Text checks: what every paragraph and item says, vetted clause or ad-hoc text, in every language.

Figures and their words agree (PKM144), a duration agrees with the start and end dates beside it (PKM154), every
date exists (PKM155) and those an article sets fall inside the term (PKM156), and the languages of one paragraph
agree in negation and in obligation against permission (PKM166). Each rule reads the text as written, so it
holds for ad-hoc text as for library clauses.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR, WARNING
from ..locale import (decimal_from_words, duration, format_date, money_figures, money_from_words, percent, rupiah,
                      terbilang)
from ..values import add_months
from .figures import MONTHS, parse_number
from .registry import Context, Finding, finding, rule
from .walk import TextUnit, locate, text_units

_LANG_NAMES = {"id": ("Indonesia", "Indonesian"), "en": ("Inggris", "English")}


def _lang_name(lang: str) -> tuple[str, str]:
    return _LANG_NAMES.get(lang, (lang, lang))


def _texts(ctx: Context, unit: TextUnit) -> Iterator[tuple[str, str]]:
    """(language, text) for each language of the agreement the unit is written in."""
    for lang in ctx.agreement.languages:
        text = unit.text.get(lang)
        if text.strip():
            yield lang, text


# ---- PKM144: figures and words ----------------------------------------------------------------------------

#: "Rp1.000,00 (satu juta rupiah)", "IDR 1,000.00 (...)", "12,5% (dua belas koma lima persen)", "24 (dua puluh
#: empat)": figures, then words in brackets that start with a letter.
_PAIR = re.compile(r"(?:(?P<currency>\bRp|\bIDR)\s?|(?<![\w.,]))(?P<figures>\d(?:[\d.,]*\d)?)(?P<percent>\s?%)?"
                   r"\s*\((?P<words>[A-Za-z][^()]*)\)")
#: the words a number in words is made of, in either language (with money, percent and fraction words)
def _wordset(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


_NUMBER_VOCABULARY = _wordset(
    "nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus seratus seribu "
    "ribu juta sejuta miliar milyar semiliar triliun setriliun koma persen rupiah sen dan "
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion point percent per cent and")
_UNIT_WORDS = _wordset("koma persen rupiah sen dan point percent per cent and")


@dataclass(frozen=True)
class WordsPair:
    """A number written in figures and in words, with what each says (``said`` None: the words are not
    a well-formed number although every word is a number word)."""

    kind: str  # "amount", "percent" or "count"
    figures: str
    words: str
    value: Decimal
    said: Decimal | None


def _tokens(words: str) -> list[str]:
    return re.sub(r"[,;.]", " ", words.lower().replace("-", " ")).split()


def _is_number_words(words: str) -> bool:
    """Every word is a number word and one of them is not only a unit ("rupiah", "persen")."""
    tokens = _tokens(words)
    return bool(tokens) and all(t in _NUMBER_VOCABULARY for t in tokens) \
        and any(t not in _UNIT_WORDS for t in tokens)


def _percent_words(words: str, lang: str) -> Decimal | None:
    """``dua belas koma lima persen`` → 12.5 (the word for percent may be left out)."""
    text = " ".join(_tokens(words))
    for suffix in ("persen", "percent", "per cent"):
        if text.endswith(" " + suffix):
            text = text[: -len(suffix) - 1]
            break
    return decimal_from_words(text, lang)


def words_pairs(text: str, lang: str) -> Iterator[WordsPair]:
    """Every "figures (words)" pair of ``text`` whose words are number words (other brackets are not read)."""
    if "(" not in text:
        return
    for m in _PAIR.finditer(text):
        words = m.group("words").strip()
        if not _is_number_words(words):
            continue
        if m.group("currency"):
            kind, value = "amount", parse_number(m.group("figures"))  # "Rp10.000" may stand in an English text
            said = money_from_words(" ".join(_tokens(words)), lang)
        elif m.group("percent"):
            kind, value = "percent", parse_number(m.group("figures"), lang)
            said = _percent_words(words, lang)
        else:
            kind, value = "count", parse_number(m.group("figures"), lang)  # "125,5 (seratus ... koma lima)"
            said = decimal_from_words(" ".join(_tokens(words)), lang)
        if value is None:
            continue
        yield WordsPair(kind, text[m.start():m.start("words") - 1].strip(), words, value, said)


def _correct_words(pair: WordsPair, lang: str) -> str | None:
    """The words the figures call for, as locale spells them; None when it cannot spell them."""
    try:
        if pair.kind == "amount":
            return rupiah(pair.value, lang).partition(" (")[2][:-1]
        if pair.kind == "percent":
            return percent(pair.value, lang).partition(" (")[2][:-1]
        if pair.value == pair.value.to_integral_value():
            return terbilang(int(pair.value), lang)
    except ValueError:
        return None
    return None


def _show(kind: str, value: Decimal, lang: str) -> str:
    if kind == "amount":
        try:
            return money_figures(value, lang)
        except ValueError:
            pass
    shown = f"{value.normalize():f}"
    shown = shown.replace(".", ",") if lang == "id" else shown
    return shown + "%" if kind == "percent" else shown


@rule("PKM144", "amount-words", ERROR,
      title=("Angka dan hurufnya tidak sama", "Figures and words differ"),
      explanation=(
          "Jumlah uang, persentase, dan bilangan yang ditulis dengan angka dan huruf (\"Rp2.950.000,00 (dua juta "
          "sembilan ratus lima puluh ribu rupiah)\", \"12,5% (dua belas koma lima persen)\", \"24 (dua puluh "
          "empat)\") harus menyebut bilangan yang sama dalam angka dan dalam huruf, di setiap bahasa, dalam klausul "
          "pustaka maupun teks lepas. Kata dalam kurung yang bukan bilangan (\"(Ketentuan Umum)\", \"(PP 28)\") "
          "tidak dibaca dan tidak dilaporkan; kata bilangan yang tidak tersusun sebagai bilangan (\"satu miliar "
          "seribu dua ratus lima puluh ribu\") dilaporkan.",
          "Amounts, percentages and counts written in figures and words (\"IDR 2,950,000.00 (two million nine "
          "hundred fifty thousand rupiah)\", \"12.5% (twelve point five percent)\", \"24 (twenty-four)\") must say "
          "the same number in figures and in words, in every language, in library clauses and ad-hoc text alike. "
          "Words in brackets that are not a number (\"(General Provisions)\", \"(PP 28)\") are not read and not "
          "reported; number words that do not form a number (\"one billion one thousand two hundred fifty "
          "thousand\") are reported."))
def amount_words(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        for lang, text in _texts(ctx, unit):
            for pair in words_pairs(text, lang):
                if pair.said is not None and pair.said == pair.value:
                    continue
                yield _words_finding(unit, lang, pair)


def _words_finding(unit: TextUnit, lang: str, pair: WordsPair) -> Finding:
    where = unit.place.label
    name = _lang_name(lang)
    if pair.said is None:
        said_id = "bukan susunan bilangan yang benar"
        said_en = "is not a well-formed number"
    else:
        said_id = f"bernilai {_show(pair.kind, pair.said, 'id')}"
        said_en = f"is {_show(pair.kind, pair.said, 'en')}"
    correct = _correct_words(pair, lang)
    hint = ((f"tulis \"{pair.figures} ({correct})\"", f"write \"{pair.figures} ({correct})\"") if correct else
            ("samakan angka dan hurufnya", "make the figures and the words say the same number"))
    return finding(
        f"{where['id']}: teks {name[0]} menulis {pair.figures} dengan huruf \"{pair.words}\", yang {said_id}",
        f"{where['en']}: the {name[1]} text writes {pair.figures} in words as \"{pair.words}\", which {said_en}",
        locate(unit, lang, pair.figures), hint)


# ---- dates: PKM154 and PKM155 ------------------------------------------------------------------------------

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d-])")),
    ("dmy", re.compile(r"(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])")),
    ("words", re.compile(rf"(?<![\w.,])(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})\b(?:\s+(?P<y>\d{{4}})\b)?")),
    ("words", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})\b(?:,?\s+(?P<y>\d{{4}})\b)?")),
)


@dataclass(frozen=True)
class WrittenDate:
    """A date as written in a text: ``date`` None when it does not exist (``30 Februari 2027``)."""

    written: str
    start: int
    end: int
    date: datetime.date | None
    year_given: bool


@functools.lru_cache(maxsize=8192)  # as figures() does: a batch checks the same clause texts again and again
def written_dates(text: str) -> tuple[WrittenDate, ...]:
    """The dates of ``text`` in the order written (``2027-02-01``, ``01-02-2027``, ``1 Februari 2027``,
    ``February 1, 2027``; a day and month without a year is read as a date of a leap year)."""
    if not re.search(r"\d", text):
        return ()
    found: list[WrittenDate] = []
    rest = text
    for form, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(rest):
            month = MONTHS[m.group("m")] if form == "words" else int(m.group("m"))
            day, year = int(m.group("d")), m.group("y")
            try:
                date: datetime.date | None = datetime.date(int(year) if year else 2000, month, day)
            except ValueError:
                date = None
            found.append(WrittenDate(m.group(0), m.start(), m.end(), date, year is not None))
        rest = pattern.sub(lambda m: " " * len(m.group(0)), rest)
    return tuple(sorted(found, key=lambda d: d.start))


@rule("PKM155", "impossible-date", ERROR,
      title=("Tanggal yang tidak ada", "A date that does not exist"),
      explanation=(
          "Setiap tanggal yang tertulis dalam teks (\"1 Februari 2027\", \"2027-02-01\", \"01-02-2027\") harus "
          "ada di kalender: \"30 Februari 2027\" atau \"31 April\" tidak ada. Tanggal tanpa tahun diterima bila ada "
          "pada tahun kabisat (\"29 Februari\").",
          "Every date written in a text (\"1 February 2027\", \"2027-02-01\", \"01-02-2027\") must exist in the "
          "calendar: \"30 February 2027\" or \"31 April\" does not. A date without a year is accepted when it "
          "exists in a leap year (\"29 February\")."))
def impossible_date(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        for lang, text in _texts(ctx, unit):
            for written in written_dates(text):
                if written.date is None:
                    name = _lang_name(lang)
                    yield finding(
                        f"{unit.place.label['id']}: teks {name[0]} menyebut tanggal \"{written.written}\", yang "
                        "tidak ada",
                        f"{unit.place.label['en']}: the {name[1]} text names the date \"{written.written}\", "
                        "which does not exist", locate(unit, lang, written.written),
                        ("periksa hari dan bulannya", "check the day and the month"))


_DURATION = re.compile(r"(?<![\w.,])(?P<n>\d+)(?:\s*\([^()]*\))?\s+(?P<unit>bulan|tahun|months?|years?)\b")
_START = {"id": re.compile(r"\b(?:sejak|mulai|dari|terhitung)\b"),
          "en": re.compile(r"\b(?:from|commenc\w*|starting|beginning|effective)\b", re.IGNORECASE)}
_END = {"id": re.compile(r"\b(?:sampai dengan|sampai|hingga|s\.d\.|s/d|berakhir)\b"),
        "en": re.compile(r"\b(?:up to and including|until|till|to|through|ending|ends|expires?|expiring|"
                         r"terminates)\b",
                         re.IGNORECASE)}
#: how far before a date its "sejak" / "until" may stand ("sejak tanggal ", "berakhir pada tanggal ")
_MARKER_REACH = 40


@dataclass(frozen=True)
class Period:
    """A duration stated with a start and an end date in one text."""

    months: int
    amount: int
    unit: str  # "months" or "years"
    start: datetime.date
    end: datetime.date


def governed_dates(text: str, lang: str, *, deadlines: bool = False
                   ) -> Iterator[tuple[WrittenDate, datetime.date, str]]:
    """Each real date of ``text`` (its year written) that a start word, an end word or (with ``deadlines``) a
    deadline word stands shortly before, with the kind of the nearest: ``start``, ``end`` or ``deadline``."""
    previous_end = 0
    for written in written_dates(text):
        before = text[max(previous_end, written.start - _MARKER_REACH): written.start]
        previous_end = written.end
        if written.date is None or not written.year_given:
            continue
        marks = [(m.start(), "start") for m in _START[lang].finditer(before)]
        marks += [(m.start(), "end") for m in _END[lang].finditer(before)]
        if deadlines:
            marks += [(m.start(), "deadline") for m in _DEADLINE[lang].finditer(before)]
        if marks:
            yield written, written.date, max(marks)[1]


@functools.lru_cache(maxsize=8192)
def stated_period(text: str, lang: str) -> Period | None:
    """The duration, start and end date of ``text`` when it states exactly one of each; else None."""
    if lang not in _START:
        return None
    durations = {(int(m.group("n")), "years" if m.group("unit") in ("tahun", "year", "years") else "months")
                 for m in _DURATION.finditer(text)}
    if len(durations) != 1:
        return None
    starts: list[datetime.date] = []
    ends: list[datetime.date] = []
    for _, date, kind in governed_dates(text, lang):
        (starts if kind == "start" else ends).append(date)
    if len(starts) != 1 or len(ends) != 1:
        return None
    ((amount, unit),) = durations
    return Period(amount * (12 if unit == "years" else 1), amount, unit, starts[0], ends[0])


def _covered_by_term_check(unit: TextUnit) -> bool:
    """The clause's start, end and duration are parameters: PKM152 compares them, not this rule."""
    use = unit.use
    return use is not None and all(use.with_meaning(m) for m in ("term_start", "term_end", "term_length"))


@rule("PKM154", "duration-against-dates", ERROR,
      title=("Jangka waktu tidak sesuai tanggal dalam teks", "Duration does not match the dates in the text"),
      explanation=(
          "Bila satu ayat atau huruf menyebut jangka waktu (\"24 (dua puluh empat) bulan\") beserta tanggal mulai "
          "dan tanggal berakhir (\"sejak tanggal 1 Februari 2027 sampai dengan tanggal 31 Januari 2030\"), "
          "tanggal berakhir harus sama dengan tanggal mulai ditambah jangka waktu, atau sehari sebelumnya. Hanya "
          "teks dengan tepat satu jangka waktu, satu tanggal mulai (sejak, mulai, dari) dan satu tanggal berakhir "
          "(sampai dengan, hingga, berakhir) yang dibaca. Klausul yang tanggal dan jangka waktunya parameter "
          "diperiksa oleh PKM152.",
          "When one paragraph or item states a duration (\"24 (twenty-four) months\") with a start and an end date "
          "(\"from 1 February 2027 up to and including 31 January 2030\"), the end date must be the start date "
          "plus the duration, or the day before. Only a text with exactly one duration, one start date (from, "
          "commencing) and one end date (until, up to and including, ending) is read. A clause whose dates and "
          "duration are parameters is checked by PKM152."),
      source="PP 28/2018 tentang Kerja Sama Daerah (jangka waktu; pasal belum diverifikasi)")
def duration_against_dates(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        if _covered_by_term_check(unit):
            continue
        for lang, text in _texts(ctx, unit):
            period = stated_period(text, lang)
            if period is None:
                continue
            expected = add_months(period.start, period.months)
            last_day = expected - datetime.timedelta(days=1)
            if period.end in (expected, last_day):
                continue
            name = _lang_name(lang)
            length = {k: duration(period.amount, period.unit, k) for k in ("id", "en")}
            yield finding(
                f"{unit.place.label['id']}: teks {name[0]} menyebut {length['id']} sejak "
                f"{format_date(period.start, 'id')}, yang berakhir {format_date(last_day, 'id')}, bukan "
                f"{format_date(period.end, 'id')}",
                f"{unit.place.label['en']}: the {name[1]} text states {length['en']} from "
                f"{format_date(period.start, 'en')}, which ends on {format_date(last_day, 'en')}, not "
                f"{format_date(period.end, 'en')}",
                locate(unit, lang, next(w.written for w in written_dates(text) if w.date == period.end)),
                ("samakan jangka waktu dengan tanggalnya", "make the duration and the dates agree"))


# ---- PKM156: a date the text sets outside the term ---------------------------------------------------------

#: Words that make a date a deadline ("paling lambat tanggal", "no later than"); with the start and end words
#: above, a date they govern is one the agreement sets, not the date of a document it cites.
_DEADLINE = {"id": re.compile(r"\b(?:paling lambat|selambat-lambatnya|batas waktu|pada tanggal)\b"),
             "en": re.compile(r"\b(?:no later than|not later than|on or before|by|deadline|on)\b", re.IGNORECASE)}


def _term_bounds(ctx: Context) -> tuple[datetime.date | None, datetime.date | None]:
    """When the term starts and ends, from the clause parameters that mean so or, failing those, from a text
    of the term section that states a duration between two dates."""
    from .rules_term import terms

    for _, _, term in terms(ctx):
        end = term.ends_on
        if end is None and term.starts_on is not None and term.duration is not None:
            end = add_months(term.starts_on, term.duration.months) - datetime.timedelta(days=1)
        if term.starts_on is not None or end is not None:
            return term.starts_on, end
    for unit in text_units(ctx.agreement):
        if unit.use is not None and unit.use.section == "term":
            for lang, text in _texts(ctx, unit):
                period = stated_period(text, lang)
                if period is not None:
                    return period.start, period.end
    return None, None


@rule("PKM156", "date-outside-term", WARNING,
      title=("Tanggal di luar jangka waktu", "A date outside the term"),
      explanation=(
          "Tanggal yang ditetapkan dalam pasal (didahului sejak, mulai, sampai dengan, hingga, paling lambat, "
          "pada tanggal) jatuh sesudah perjanjian berakhir, atau sebelum perjanjian mulai berlaku bila tanggal itu "
          "menandai awal suatu kewajiban. Mungkin tanggalnya salah ketik atau jangka waktunya telah diubah; bila "
          "kewajiban itu memang berlaku setelah perjanjian berakhir, nyatakan hal itu. Tanggal dokumen yang dirujuk "
          "(\"Akta ... tanggal 3 Maret 2015\") dan teks pembukaan tidak dibaca.",
          "A date an article sets (after from, commencing, until, up to and including, no later than, by, on) "
          "falls after the agreement ends, or before it takes effect where the date starts an obligation. The date "
          "may be mistyped or the term changed; if the obligation does outlive the agreement, say so. The dates of "
          "documents cited (\"Deed ... dated 3 March 2015\") and the opening are not read."))
def date_outside_term(ctx: Context) -> Iterator[Finding]:
    starts, ends = _term_bounds(ctx)
    if starts is None and ends is None:
        return
    for unit in text_units(ctx.agreement):
        if unit.article.kind != "article":
            continue
        for lang, text in _texts(ctx, unit):
            if lang not in _START:
                continue
            for written, date, kind in governed_dates(text, lang, deadlines=True):
                late = ends is not None and date > ends
                early = kind == "start" and starts is not None and date < starts
                if not (late or early):
                    continue
                name = _lang_name(lang)
                bound = ends if late else starts
                assert bound is not None
                where = ("sesudah perjanjian berakhir pada", "after the agreement ends on") if late else \
                    ("sebelum perjanjian mulai berlaku pada", "before the agreement takes effect on")
                yield finding(
                    f"{unit.place.label['id']}: teks {name[0]} menetapkan {format_date(date, 'id')}, "
                    f"{where[0]} {format_date(bound, 'id')}",
                    f"{unit.place.label['en']}: the {name[1]} text sets {format_date(date, 'en')}, "
                    f"{where[1]} {format_date(bound, 'en')}", locate(unit, lang, written.written),
                    ("periksa tanggalnya; bila kewajiban itu berlaku setelah perjanjian berakhir, nyatakan demikian",
                     "check the date; if the obligation outlives the agreement, say so"))
                break


# ---- PKM166: negation and modality between the languages -------------------------------------------------

_NEGATION = {
    "id": re.compile(r"\b(?:tidak|tak|bukan|tanpa|dilarang|belum|tiada|jangan)\b", re.IGNORECASE),
    "en": re.compile(r"\b(?:not|no|never|without|prohibited|forbidden|neither|nor|cannot|none|nothing)\b|n't\b",
                     re.IGNORECASE),
}
#: limits of quantity and time that carry a negation word in one language only ("paling lambat" = "no later
#: than"); they bound a figure, they do not negate the sentence
_NOT_NEGATIONS = {
    "id": re.compile(r"\b(?:tidak|paling)\s+(?:lebih|kurang)\s+(?:dari|daripada)\b|\btidak\s+melebihi\b",
                     re.IGNORECASE),
    "en": re.compile(r"\b(?:no|not)\s+(?:later|earlier|less|more|fewer|longer|shorter|greater)\s+than\b"
                     r"|\bnot\s+exceeding\b|\bNo\.(?=\s*\d)", re.IGNORECASE),
}
#: words that say a negation without a negation word ("tidak sah" = "invalid", "tidak terpisahkan" = "integral",
#: "bukan pajak" = "non-tax", "belum diterima" = "until ... received", "kecuali" = "unless"): they do not raise a
#: finding, but a language that has one is not said to "have no negation"
_IMPLIED_NEGATION = {
    "id": re.compile(r"\b(?:kecuali|selain|gagal|lalai|paling\s+(?:lama|lambat|banyak|sedikit))\b", re.IGNORECASE),
    "en": re.compile(
        r"\b(?!(?:under|unit|union|unif|univers|unanim|uniq|until)\w*)(?:un|non-?)[a-z]{3,}"
        r"|\b(?:invalid|ineffective|incapable|ineligible|insufficient|inadmissible|inapplicable|incomplete|"
        r"inaccurate|impossible|improper|illegal|irregular|integral|fail(?:s|ed|ing|ure)?|other\s+than|"
        r"outstanding|until|unless|except|absence|refrain)\b", re.IGNORECASE),
}
_OBLIGATION = {"id": re.compile(r"\b(?:wajib|berkewajiban|diwajibkan|harus)\b", re.IGNORECASE),
               "en": re.compile(r"\b(?:shall|must|obliged|obligated|required)\b", re.IGNORECASE)}
#: "dapat" is both "may" and "can": the English words of ability count as permission too. A negated permission
#: ("tidak dapat", "may not", "cannot") permits nothing and is not counted.
_PERMISSION = {"id": re.compile(r"(?<!tidak )(?<!tak )\b(?:dapat|boleh|berhak|diperbolehkan)\b", re.IGNORECASE),
               "en": re.compile(r"\b(?:may|entitled|permitted|allowed|can|could|able)\b(?!\s+not\b)",
                                re.IGNORECASE)}


def _words(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text)]


@dataclass(frozen=True)
class Modality:
    """The negation, obligation and permission words of one text."""

    negations: list[str]
    implied: list[str]  # words that imply a negation (see _IMPLIED_NEGATION)
    obligations: list[str]
    permissions: list[str]


def modality(text: str, lang: str) -> Modality | None:
    """The negation, obligation and permission words of ``text`` (None for a language with no word lists)."""
    if lang not in _NEGATION:
        return None
    plain = _NOT_NEGATIONS[lang].sub(" ", text)
    return Modality(_words(_NEGATION[lang], plain), _words(_IMPLIED_NEGATION[lang], plain),
                    _words(_OBLIGATION[lang], plain), _words(_PERMISSION[lang], plain))


@functools.lru_cache(maxsize=8192)  # a pure function of the two texts, met again in every agreement of a batch
def modality_difference(a: str, lang_a: str, b: str, lang_b: str) -> tuple[str, str, str, str] | None:
    """How two language versions differ: (kind, word of ``a``, word of ``b``, ...) as
    ``("negation", "tidak", "shall", "")``; None when they agree as far as these words tell.

    ``kind`` is ``negation`` (one text has a negation word, the other none) or ``modality`` (one text only
    obliges, the other only permits). A missing word is ``""``.
    """
    ma, mb = modality(a, lang_a), modality(b, lang_b)
    if ma is None or mb is None:
        return None
    if (ma.negations and not (mb.negations or mb.implied)) or (mb.negations and not (ma.negations or ma.implied)):
        word_a = ma.negations[0] if ma.negations else _first(ma.obligations + ma.permissions)
        word_b = mb.negations[0] if mb.negations else _first(mb.obligations + mb.permissions)
        return ("negation", word_a, word_b, "a" if ma.negations else "b")
    only = {side: ("obligation" if m.obligations and not m.permissions else
                   "permission" if m.permissions and not m.obligations else "") for side, m in (("a", ma), ("b", mb))}
    if {only["a"], only["b"]} == {"obligation", "permission"}:
        return ("modality", _first(ma.obligations + ma.permissions), _first(mb.obligations + mb.permissions),
                "a" if only["a"] == "obligation" else "b")
    return None


def _first(words: list[str]) -> str:
    return words[0] if words else ""


@rule("PKM166", "negation-differs", WARNING,
      title=("Negasi atau modalitas berbeda antarbahasa", "Negation or modality differs between the languages"),
      explanation=(
          "Tanda murah namun jujur, bukan pemeriksa terjemahan: bila satu bahasa dari satu ayat atau huruf memuat "
          "kata negasi (tidak, bukan, tanpa, dilarang, belum) dan bahasa lainnya tidak memuat satu pun (not, no, "
          "never, without, prohibited, neither/nor), atau satu bahasa hanya mewajibkan (wajib, berkewajiban, "
          "harus; shall, must, obliged) sedangkan yang lain hanya membolehkan (dapat, boleh, berhak; may, "
          "entitled), terjemahannya mungkin membalik makna. Batas waktu dan jumlah (\"paling lambat\" / \"no later "
          "than\", \"tidak kurang dari\") tidak dihitung sebagai negasi.",
          "A cheap, honest signal, not a translation check: when one language of a paragraph or item has a "
          "negation word (tidak, bukan, tanpa, dilarang, belum; not, no, never, without, prohibited, neither/nor) "
          "and the other has none, or one language only obliges (wajib, berkewajiban, harus; shall, must, obliged) "
          "while the other only permits (dapat, boleh, berhak; may, entitled), the translation may reverse the "
          "meaning. Limits of time and quantity (\"paling lambat\" / \"no later than\", \"not less than\") do not "
          "count as negations."),
      source=("UU 24/2009 tentang Bendera, Bahasa, dan Lambang Negara, serta Lagu Kebangsaan; Perpres 63/2019 tentang "
              "Penggunaan Bahasa Indonesia (pasal belum diverifikasi)"))
def negation_differs(ctx: Context) -> Iterator[Finding]:
    languages = ctx.agreement.languages
    if len(languages) < 2:
        return
    first = languages[0]
    for unit in text_units(ctx.agreement):
        for other in languages[1:]:
            a, b = unit.text.get(first), unit.text.get(other)
            if not (a.strip() and b.strip()):
                continue
            found = modality_difference(a, first, b, other)
            if found is not None:
                yield _modality_finding(unit, first, other, found)


def _modality_finding(unit: TextUnit, first: str, other: str, found: tuple[str, str, str, str]) -> Finding:
    kind, word_a, word_b, side = found
    has, lacks = (first, other) if side == "a" else (other, first)
    has_word, lacks_word = (word_a, word_b) if side == "a" else (word_b, word_a)
    has_name, lacks_name = _lang_name(has), _lang_name(lacks)
    where = unit.place.label
    if kind == "negation":
        said_id = f" (teks {lacks_name[0]} berkata \"{lacks_word}\")" if lacks_word else ""
        said_en = f" (the {lacks_name[1]} text says \"{lacks_word}\")" if lacks_word else ""
        return finding(
            f"{where['id']}: teks {has_name[0]} memuat negasi \"{has_word}\", teks {lacks_name[0]} tidak memuat "
            f"negasi{said_id}",
            f"{where['en']}: the {has_name[1]} text has the negation \"{has_word}\" but the {lacks_name[1]} text "
            f"has none{said_en}", locate(unit, has, has_word),
            ("periksa terjemahan: maknanya mungkin terbalik", "check the translation: it may say the opposite"))
    return finding(
        f"{where['id']}: teks {has_name[0]} mewajibkan (\"{has_word}\"), teks {lacks_name[0]} hanya membolehkan "
        f"(\"{lacks_word}\")",
        f"{where['en']}: the {has_name[1]} text obliges (\"{has_word}\") but the {lacks_name[1]} text only "
        f"permits (\"{lacks_word}\")", locate(unit, has, has_word),
        ("periksa terjemahan: kewajiban dan hak mungkin tertukar",
         "check the translation: an obligation and a permission may be swapped"))
