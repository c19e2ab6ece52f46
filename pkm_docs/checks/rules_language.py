"""Language checks: Indonesian present and a governing-language clause when bilingual; each paragraph and item
carries the same text, figures, party aliases and glossary terms in every language."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR, WARNING
from ..locale import money_figures
from ..model import Agreement
from .figures import Figures, TermMatcher, english_core, figures, term_matcher
from .registry import Context, Finding, finding, rule
from .rules_structure import condition_holds, scheme_facts
from .walk import TextUnit, clause_uses, library_clauses_for, text_units

_LANG_NAMES = {"id": ("Indonesia", "Indonesian"), "en": ("Inggris", "English")}
_LANGUAGE_SOURCE = ("UU 24/2009 tentang Bendera, Bahasa, dan Lambang Negara, serta Lagu Kebangsaan; Perpres 63/2019 tentang "
                    "Penggunaan Bahasa Indonesia (pasal belum diverifikasi); Putusan MA 601 K/Pdt/2015")


def _pairs(agreement: Agreement) -> list[tuple[str, str]]:
    """(first language, other language) for each other language of the agreement."""
    first = agreement.languages[0]
    return [(first, other) for other in agreement.languages[1:]]


@rule("PKM160", "governing-language", ERROR,
      title=("Klausul bahasa yang berlaku tidak ada", "Governing-language clause missing"),
      explanation=(
          "Perjanjian yang melibatkan badan pemerintah Indonesia wajib berbahasa Indonesia; versi bahasa lain "
          "adalah padanan atau terjemahan. Bila versi-versi itu berbeda, yang berlaku adalah bahasa yang disepakati "
          "dalam perjanjian; tanpa klausul itu hakim yang memilih. Perjanjian dalam lebih dari satu bahasa "
          "memerlukan klausul bagian `language`. (Bila skema sudah mewajibkan bagian `language`, PKM101 yang "
          "melaporkannya.)",
          "An agreement involving an Indonesian government body must be in Indonesian; another language version is "
          "an equivalent or a translation. Where the versions differ, the language the agreement names prevails; "
          "without such a clause a judge chooses. An agreement in more than one language needs a clause of "
          "section `language`. (When the scheme already requires section `language`, PKM101 reports it.)"),
      source=_LANGUAGE_SOURCE)
def governing_language(ctx: Context) -> Iterator[Finding]:
    agreement = ctx.agreement
    if len(agreement.languages) < 2:
        return
    if any(use.section == "language" for _, use in clause_uses(agreement)):
        return
    scheme = ctx.library.schemes.get(agreement.scheme)
    facts = scheme_facts(agreement)
    if scheme and any(r.section == "language" and condition_holds(r.condition, facts) for r in scheme.requirements):
        return  # PKM101 reports it, naming the scheme's title for the section
    candidates = ", ".join(f"`{c}`" for c in library_clauses_for(ctx.library, "language")) or "`language.governing`"
    yield finding("perjanjian dwibahasa ini tidak memiliki klausul bahasa yang berlaku",
                  "this bilingual agreement has no governing-language clause", agreement.span,
                  (f"tambahkan pasal dengan {candidates}", f"add an article using {candidates}"))


@rule("PKM165", "indonesian-missing", ERROR,
      title=("Tidak ada teks bahasa Indonesia", "No Indonesian text"),
      explanation=(
          "Perjanjian yang melibatkan lembaga negara, instansi pemerintah, atau warga negara Indonesia wajib "
          "menggunakan Bahasa Indonesia; `languages` harus memuat `id`. MA membatalkan perjanjian yang hanya "
          "berbahasa Inggris (601 K/Pdt/2015).",
          "An agreement involving an Indonesian state body, government agency or citizen must be in Indonesian; "
          "`languages` must include `id`. The Supreme Court voided an English-only contract (601 K/Pdt/2015)."),
      source=_LANGUAGE_SOURCE)
def indonesian_missing(ctx: Context) -> Iterator[Finding]:
    if "id" not in ctx.agreement.languages:
        yield finding("perjanjian tidak memiliki teks bahasa Indonesia",
                      "the agreement has no Indonesian text", ctx.agreement.span,
                      ("tulis `languages: id, en`", "write `languages: id, en`"))


@rule("PKM161", "empty-translation", ERROR,
      title=("Teks kosong dalam satu bahasa", "Empty text in one language"),
      explanation=(
          "Setiap ayat dan huruf ditulis dalam setiap bahasa perjanjian; teks yang kosong dalam satu bahasa "
          "berarti versi itu tidak setara.",
          "Every paragraph and item is written in every language of the agreement; a text that is empty in one "
          "language makes that version unequal."),
      source=_LANGUAGE_SOURCE)
def empty_translation(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        texts = {lang: substance(unit.text.get(lang)) for lang in ctx.agreement.languages}
        if not any(texts.values()):
            continue
        for lang, text in texts.items():
            if not text:
                name = _LANG_NAMES.get(lang, (lang, lang))
                yield finding(f"{unit.place.label['id']} kosong dalam bahasa {name[0]}",
                              f"{unit.place.label['en']} is empty in {name[1]}", unit.place.span,
                              (f"tulis teks `{lang}`", f"write the `{lang}` text"))


_LIST_ENDING = re.compile(r"(?:[;.,:]\s*(?:dan|and|atau|or)?\s*)+$")


def substance(text: str) -> str:
    """``text`` without the ending an enumeration adds (``; dan``, ``; and``, ``.``): empty when nothing else."""
    text = _LIST_ENDING.sub("", text.strip())
    return text if re.search(r"\w", text) else ""


def _show(kind: str, value: object, lang: str) -> str:
    if kind == "amounts" and isinstance(value, Decimal):
        try:
            return money_figures(value, lang)
        except ValueError:
            return f"{value:f}"
    if kind == "percents" and isinstance(value, Decimal):
        return f"{value:f}%".replace(".", "," if lang == "id" else ".")
    if kind == "dates" and isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if kind == "numbers":
        return f"({value})"
    return str(value)


_KINDS = {"amounts": ("jumlah uang", "amounts"), "percents": ("persentase", "percentages"),
          "dates": ("tanggal", "dates"), "numbers": ("angka", "numbers")}


def figure_differences(a: Figures, b: Figures, lang_a: str, lang_b: str) -> tuple[str, str] | None:
    """A description (Indonesian, English) of the figures only one of two texts has, or None."""
    parts_id, parts_en = [], []
    for kind, (kind_id, kind_en) in _KINDS.items():
        only_a = sorted(getattr(a, kind) - getattr(b, kind))
        only_b = sorted(getattr(b, kind) - getattr(a, kind))
        for values, lang in ((only_a, lang_a), (only_b, lang_b)):
            if values:
                shown_id = ", ".join(_show(kind, v, "id") for v in values)
                shown_en = ", ".join(_show(kind, v, "en") for v in values)
                name = _LANG_NAMES.get(lang, (lang, lang))
                parts_id.append(f"{kind_id} {shown_id} hanya dalam teks {name[0]}")
                parts_en.append(f"{kind_en} {shown_en} only in the {name[1]} text")
    if not parts_id:
        return None
    return "; ".join(parts_id), "; ".join(parts_en)


@rule("PKM162", "figures-differ", ERROR,
      title=("Angka berbeda antarbahasa", "Figures differ between languages"),
      explanation=(
          "Dalam setiap ayat dan huruf, teks Indonesia dan terjemahannya memuat jumlah uang, persentase, tanggal, "
          "dan angka yang sama (Rp1.000,00 sama dengan IDR 1,000.00; \"(2)\" dan \"2 (dua)\" dihitung sebagai angka). "
          "Perbedaan angka antarversi adalah sumber sengketa yang paling sering.",
          "In each paragraph and item, the Indonesian text and its translation carry the same amounts, "
          "percentages, dates and numbers (Rp1.000,00 equals IDR 1,000.00; \"(2)\" and \"2 (two)\" count as "
          "numbers). Figures that differ between versions are the most common source of disputes."),
      source=_LANGUAGE_SOURCE)
def figures_differ(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        for first, other in _pairs(ctx.agreement):
            diff = figure_differences(figures(unit.text.get(first), first), figures(unit.text.get(other), other),
                                      first, other)
            if diff:
                yield finding(f"{unit.place.label['id']}: {diff[0]}", f"{unit.place.label['en']}: {diff[1]}",
                              unit.place.span, ("samakan angka dalam kedua bahasa",
                                                "make the figures the same in both languages"))


def _alias_matchers(agreement: Agreement, lang: str) -> tuple[TermMatcher, dict[str, str]]:
    by_alias = {p.alias.get(lang): p.key for p in agreement.parties if p.alias.get(lang).strip()}
    return term_matcher(tuple(by_alias), plural=False), by_alias


@rule("PKM163", "aliases-differ", ERROR,
      title=("Sebutan pihak berbeda antarbahasa", "Party aliases differ between languages"),
      explanation=(
          "Dalam setiap ayat dan huruf, pihak yang disebut dalam teks Indonesia (PIHAK PERTAMA) juga disebut "
          "dalam terjemahannya (FIRST PARTY), dan sebaliknya.",
          "In each paragraph and item, a party named in the Indonesian text (PIHAK PERTAMA) is also named in the "
          "translation (FIRST PARTY), and the other way round."),
      source=_LANGUAGE_SOURCE)
def aliases_differ(ctx: Context) -> Iterator[Finding]:
    matchers = {lang: _alias_matchers(ctx.agreement, lang) for lang in ctx.agreement.languages}
    for unit in text_units(ctx.agreement):
        for first, other in _pairs(ctx.agreement):
            keys = {}
            for lang in (first, other):
                matcher, by_alias = matchers[lang]
                keys[lang] = {by_alias[a] for a in matcher.find(unit.text.get(lang))}
            missing = [(key, first, other) for key in sorted(keys[first] - keys[other])]
            missing += [(key, other, first) for key in sorted(keys[other] - keys[first])]
            for key, has, lacks in missing:
                party = ctx.agreement.party(key)
                has_name, lacks_name = _LANG_NAMES.get(has, (has, has)), _LANG_NAMES.get(lacks, (lacks, lacks))
                yield finding(
                    f"{unit.place.label['id']}: teks {has_name[0]} menyebut {party.alias.get(has)}, tetapi teks "
                    f"{lacks_name[0]} tidak menyebut {party.alias.get(lacks)}",
                    f"{unit.place.label['en']}: the {has_name[1]} text names {party.alias.get(has)} but the "
                    f"{lacks_name[1]} text does not name {party.alias.get(lacks)}", unit.place.span,
                    ("periksa terjemahan: mungkin pihaknya tertukar",
                     "check the translation: the parties may be swapped"))


def glossary_pairs(ctx: Context) -> list[tuple[str, str]]:
    """Glossary (Indonesian, English) pairs, without party aliases (PKM163 compares those)."""
    aliases = {p.alias.get("id") for p in ctx.agreement.parties}
    return [(t.get("id"), t.get("en")) for t in ctx.library.glossary
            if t.get("id").strip() and t.get("en").strip() and t.get("id") not in aliases]


@rule("PKM164", "glossary-term", WARNING,
      title=("Istilah glosarium tidak diterjemahkan secara konsisten", "Glossary term not translated consistently"),
      explanation=(
          "Glosarium pustaka menetapkan padanan setiap istilah (PARA PIHAK = the PARTIES, Komite Pengarah = "
          "Steering Committee). Bila istilah Indonesia muncul dalam satu ayat atau huruf, padanan Inggrisnya "
          "diharapkan muncul di terjemahan ayat atau huruf yang sama (bentuk jamak diterima).",
          "The library's glossary fixes the translation of each term (PARA PIHAK = the PARTIES, Komite Pengarah = "
          "Steering Committee). When the Indonesian term occurs in a paragraph or item, its English term is "
          "expected in the translation of the same paragraph or item (plural forms accepted)."),
      source=_LANGUAGE_SOURCE)
def glossary_term(ctx: Context) -> Iterator[Finding]:
    if not {"id", "en"} <= set(ctx.agreement.languages):
        return
    pairs = glossary_pairs(ctx)
    if not pairs:
        return
    id_matcher = term_matcher(tuple([p[0] for p in pairs] + [p.alias.get("id") for p in ctx.agreement.parties]))
    en_matcher = term_matcher(tuple([english_core(p[1]) for p in pairs] + [p.alias.get("en") for p in ctx.agreement.parties]),
                              plural=True)
    to_en: dict[str, list[str]] = {}
    for id_term, en_term in pairs:
        to_en.setdefault(id_term, []).append(en_term)
    for unit in _units_with_text(ctx):
        found_id = id_matcher.find(unit.text.get("id"))
        found_en = en_matcher.find(unit.text.get("en"))
        for id_term in sorted(found_id & set(to_en)):
            if not any(english_core(en) in found_en for en in to_en[id_term]):
                en_term = to_en[id_term][0]
                yield finding(f"{unit.place.label['id']}: istilah \"{id_term}\" tidak diterjemahkan sebagai "
                              f"\"{en_term}\"",
                              f"{unit.place.label['en']}: the term \"{id_term}\" is not translated as \"{en_term}\"",
                              unit.place.span,
                              (f"pakai \"{en_term}\" dalam teks Inggris, sesuai glosarium",
                               f"use \"{en_term}\" in the English text, as the glossary says"))


def _units_with_text(ctx: Context) -> Iterator[TextUnit]:
    for unit in text_units(ctx.agreement):
        if unit.text.get("id").strip() and unit.text.get("en").strip():
            yield unit
