"""Structure checks: the scheme's mandatory sections, no duplicate clause or article, cross-references resolve."""

from __future__ import annotations

import re
from typing import Iterator

from ..conditions import Condition, evaluate
from ..library import Requirement
from ..errors import ERROR, WARNING
from ..model import Agreement, Text
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, library_clauses_for, locate, text_units, use_span


# ---- PKM101 mandatory sections -----------------------------------------------------------------------------


def scheme_facts(agreement: Agreement) -> dict[str, bool]:
    """The names a scheme's ``when`` condition may test."""
    roles = {p.role for p in agreement.parties}
    return {
        "bilingual": len(agreement.languages) > 1,
        "monolingual": len(agreement.languages) == 1,
        **{lang: lang in agreement.languages for lang in ("id", "en")},
        "government": "government" in roles,
        "organisation": "organisation" in roles,
    }


#: What the law asks of every agreement, whatever its scheme: rights and obligations, the term, dispute settlement
#: and sanctions (PP 28/2018 tentang Kerja Sama Daerah), and for a bilingual agreement the governing language
#: (UU 24/2009, Perpres 63/2019). Missing, they are errors under every scheme, a provisional one included.
STATUTORY = {
    "roles": Text({"id": "Hak dan Kewajiban", "en": "Rights and Obligations"}),
    "term": Text({"id": "Jangka Waktu", "en": "Term"}),
    "dispute": Text({"id": "Penyelesaian Perselisihan", "en": "Dispute Settlement"}),
    "sanctions": Text({"id": "Sanksi", "en": "Sanctions"}),
}
_LANGUAGE_SECTION = Text({"id": "Bahasa", "en": "Language"})
#: Sections whose clauses stand in the preamble, before Pasal 1 (the dasar hukum after the opening).
_PREAMBLE_SECTIONS = frozenset({"opening", "recitals", "legal_basis"})


def statutory_sections(agreement: Agreement) -> dict[str, Text]:
    """The sections the law requires of this agreement, with their titles."""
    out = dict(STATUTORY)
    if len(agreement.languages) > 1:
        out["language"] = _LANGUAGE_SECTION
    return out


def condition_holds(condition: Condition | None, facts: dict[str, bool]) -> bool:
    """Evaluate a requirement's ``when`` (its names were checked when the library loaded)."""
    return evaluate(condition, lambda name: facts.get(name, False))


def requirement_title(req: Requirement) -> Text:
    return req.title


@rule("PKM101", "missing-section", ERROR,
      title=("Bagian wajib tidak ada", "Mandatory section missing"),
      explanation=(
          "Skema perjanjian (di pustaka klausul) menyebut bagian-bagian yang wajib ada, misalnya hak dan "
          "kewajiban, jangka waktu, penyelesaian sengketa, dan sanksi. Setiap bagian wajib harus diisi oleh "
          "paling sedikit satu klausul yang `section`-nya sama. Bagian dengan syarat `when bilingual` hanya wajib "
          "bila perjanjian ditulis dalam lebih dari satu bahasa. Pada skema sementara (provisional) bagian yang "
          "tidak ada hanya peringatan, kecuali muatan minimal menurut peraturan (hak dan kewajiban, jangka waktu, "
          "penyelesaian perselisihan, sanksi, dan bahasa yang berlaku pada perjanjian dwibahasa), yang selalu "
          "kesalahan.",
          "The agreement's scheme (in the clause library) lists the sections it must contain, e.g. rights and "
          "obligations, the term, dispute settlement and sanctions. Each mandatory section must be filled by at "
          "least one clause whose `section` matches. A section marked `when bilingual` is required only when the "
          "agreement is in more than one language. Under a provisional scheme a missing section is a warning, "
          "except the statutory minimum (rights and obligations, term, dispute settlement, sanctions, and the "
          "governing language of a bilingual agreement), which is an error under every scheme."),
      source="PP 28/2018 tentang Kerja Sama Daerah (muatan minimal; pasal belum diverifikasi)")
def missing_sections(ctx: Context) -> Iterator[Finding]:
    agreement = ctx.agreement
    scheme = ctx.library.schemes.get(agreement.scheme)
    if scheme is None:
        return
    present = {use.section for _, use in clause_uses(agreement) if use.section}
    facts = scheme_facts(agreement)
    required = [req for req in scheme.requirements if condition_holds(req.condition, facts)]
    listed_sections = {req.section for req in required}
    # the statutory minimum is required under every scheme, whether the scheme lists it or not
    required += [Requirement(section, title, None, agreement.span or scheme.span)
                 for section, title in statutory_sections(agreement).items() if section not in listed_sections]
    for req in required:
        if req.section in present:
            continue
        statutory = req.section in statutory_sections(agreement)
        title = requirement_title(req)
        candidates = library_clauses_for(ctx.library, req.section)
        listed = ", ".join(f"`{c}`" for c in candidates)
        where = (("pembukaan (`preamble { ... }`)", "the preamble (`preamble { ... }`)")
                 if req.section in _PREAMBLE_SECTIONS else ("pasal", "an article"))
        hint = ((f"tambahkan ke {where[0]} salah satu klausul berikut: {listed}",
                 f"add to {where[1]} one of these clauses: {listed}")
                if candidates else
                (f"pustaka klausul belum memiliki klausul untuk bagian `{req.section}`; tulis teks dan minta "
                 "pemeriksaan biro hukum",
                 f"the clause library has no clause for section `{req.section}`; write the text and have it vetted"))
        yield finding(
            f"bagian wajib \"{title['id']}\" (`{req.section}`) tidak ada dalam perjanjian skema `{scheme.name}`",
            f"mandatory section \"{title['en']}\" (`{req.section}`) is missing from this `{scheme.name}` agreement",
            agreement.span, hint, severity=WARNING if scheme.provisional and not statutory else None)


# ---- PKM102 / PKM103 duplicates --------------------------------------------------------------------------------


@rule("PKM102", "duplicate-clause", ERROR,
      title=("Klausul dipakai dua kali", "Clause used twice"),
      explanation=(
          "Satu klausul pustaka (atau teks lepas yang sama) dipakai lebih dari sekali. Hak, kewajiban, atau "
          "angka yang sama lalu muncul dua kali dan dapat ditafsirkan sebagai dua kewajiban.",
          "A library clause (or the same ad-hoc text) is used more than once. The same rights, obligations or "
          "figures then appear twice and can be read as two separate obligations."))
def duplicate_clauses(ctx: Context) -> Iterator[Finding]:
    seen: dict[object, int] = {}  # a clause id and its values, or "adhoc:" and a hash
    for article, use in clause_uses(ctx.agreement):
        # a clause used again with other values (`roles.party` once per party) is not a duplicate
        key = ((use.clause_id, tuple((name, v.type.plain(v.value) if v.value is not None else None)
                                     for name, v in use.values.items()))
               if use.vetted else f"adhoc:{use.content_hash}")
        span = use_span(ctx.agreement, article, use)
        if key in seen:
            what = f"`{use.clause_id}`" if use.vetted else "teks lepas yang sama"
            what_en = f"`{use.clause_id}`" if use.vetted else "the same ad-hoc text"
            yield finding(f"{what} sudah dipakai pada baris {seen[key]}",
                          f"{what_en} is already used on line {seen[key]}", span,
                          ("hapus salah satunya, atau gabungkan isinya", "remove one of them, or merge them"))
        elif span is not None:
            seen[key] = span.line


@rule("PKM103", "duplicate-article-title", WARNING,
      title=("Dua pasal berjudul sama", "Two articles with the same title"),
      explanation=(
          "Dua pasal dengan judul yang sama membingungkan rujukan (\"Pasal Pendanaan\") dan biasanya berarti "
          "satu pokok diatur di dua tempat.",
          "Two articles with the same title make references ambiguous and usually mean one subject is "
          "governed in two places."))
def duplicate_article_titles(ctx: Context) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for article in ctx.agreement.articles:
        lang = ctx.agreement.languages[0]
        title = " ".join(article.title.get(lang).split()).casefold()
        if not title:
            continue
        if title in seen:
            yield finding(
                f"Pasal {article.number} berjudul sama dengan Pasal {seen[title]} (\"{article.title.get(lang)}\")",
                f"Article {article.number} has the same title as Article {seen[title]} "
                f"(\"{article.title.get('en', article.title.get(lang))}\")",
                article.span, ("gabungkan kedua pasal, atau beri judul yang berbeda",
                               "merge the two articles, or give them different titles"))
        else:
            seen[title] = article.number or 0


# ---- PKM104 / PKM105 cross-references ---------------------------------------------------------------------------

_AYAT = re.compile(r"\bayat\s+\((\d+)\)")
_PARAGRAPHS = re.compile(r"\bparagraphs?\s+\((\d+)\)((?:\s*(?:,|and|to|or|until)\s*\((\d+)\))*)")
_MORE = re.compile(r"\((\d+)\)")
#: After "ayat (2)" / "paragraph (2)", words that make it a reference to another article or another instrument.
_ELSEWHERE = re.compile(r"\s*(?:huruf\s+\w+\s+)?(?:Pasal|of\s+Article|of\s+the|Undang|Peraturan|UU|PP)\b")
_BEFORE_ELSEWHERE = re.compile(r"(?:Pasal|Article)\s+\d+\s*$")
_PASAL = re.compile(r"\b(?:Pasal|Article)\s+(\d+)\b")
#: After "Pasal 19" (and "ayat (2) huruf a", "dan Pasal 22"), words that name another instrument: such a
#: reference is not to this agreement.
_TAIL = r"(?:\s+(?:ayat|paragraph)\s+\(\d+\))?(?:\s+(?:huruf|item|point|letter)\s+\(?\w\)?)?"
_INSTRUMENT = re.compile(
    _TAIL + r"(?:\s*(?:,|dan|and|serta|atau|or|to|sampai dengan)\s*(?:Pasal|Article)\s+\d+" + _TAIL + r")*"
    r"\s*,?\s*(?:of\s+(?:the\s+)?)?(?:Undang|Peraturan|Keputusan|Kitab|KUH|UU|PP|Perpres|Permen|Perda|Law|"
    r"Government|Regulation|Presidential|Minister|Ministerial|Indonesian|Civil|Criminal|Code|Act|Constitution|"
    r"Decree|Regional)", re.IGNORECASE)


def paragraph_references(text: str, lang: str) -> list[int]:
    """Numbers of paragraphs of the same article that ``text`` refers to (``ayat (2)`` / ``paragraphs (2) and (3)``)."""
    out: list[int] = []
    if "ayat" not in text and "paragraph" not in text:  # what both expressions start with
        return out
    if lang == "id":
        for m in _AYAT.finditer(text):
            if _ELSEWHERE.match(text, m.end()) or _BEFORE_ELSEWHERE.search(text[:m.start()]):
                continue
            out.append(int(m.group(1)))
    elif lang == "en":
        for m in _PARAGRAPHS.finditer(text):
            if _ELSEWHERE.match(text, m.end()) or _BEFORE_ELSEWHERE.search(text[:m.start()]):
                continue
            out.append(int(m.group(1)))
            out.extend(int(n) for n in _MORE.findall(m.group(2) or ""))
    return out


def article_references(text: str) -> list[int]:
    """Numbers in ``Pasal N`` / ``Article N`` that refer to this agreement (not to a law or regulation)."""
    if "Pasal" not in text and "Article" not in text:  # what the expression starts with
        return []
    return [int(m.group(1)) for m in _PASAL.finditer(text) if not _INSTRUMENT.match(text, m.end())]


@rule("PKM104", "broken-paragraph-reference", ERROR,
      title=("Rujukan ke ayat yang tidak ada", "Reference to a paragraph that does not exist"),
      explanation=(
          "Teks merujuk \"sebagaimana dimaksud pada ayat (N)\" padahal pasal itu tidak memiliki ayat (N). Ini "
          "terjadi bila klausul digabung dalam satu pasal dan nomornya bergeser; tulis rujukan di pustaka sebagai "
          "`{(N)}` agar ikut dinomori ulang. Rujukan yang diikuti \"Pasal ...\" atau nama peraturan tidak diperiksa.",
          "A text refers to \"paragraph (N)\" of its article, but the article has no paragraph (N). This happens "
          "when clauses are joined in one article and renumbered; write the reference in the library as `{(N)}` so "
          "it is renumbered too. References followed by \"Article ...\" or the name of a regulation are not checked."))
def broken_paragraph_references(ctx: Context) -> Iterator[Finding]:
    for unit in text_units(ctx.agreement):
        numbers = {p.number for p in unit.article.paragraphs if p.number is not None}
        for lang in ctx.agreement.languages:
            missing = sorted({n for n in paragraph_references(unit.text.get(lang), lang) if n not in numbers})
            if missing:
                refs = ", ".join(f"({n})" for n in missing)
                yield finding(f"{unit.place.label['id']} merujuk ayat {refs}, yang tidak ada dalam pasal ini",
                              f"{unit.place.label['en']} refers to paragraph {refs}, which this article does not have",
                              unit.place.span,
                              ("periksa nomor ayat; di pustaka tulis rujukan sebagai `{(N)}`",
                               "check the paragraph number; in the library write the reference as `{(N)}`"))
                break


@rule("PKM105", "broken-article-reference", ERROR,
      title=("Rujukan ke pasal yang tidak ada", "Reference to an article that does not exist"),
      explanation=(
          "Teks merujuk \"Pasal N\" padahal perjanjian tidak memiliki Pasal N. Rujukan ke pasal suatu peraturan "
          "(\"Pasal 19 Peraturan Pemerintah ...\") tidak diperiksa.",
          "A text refers to \"Article N\" but the agreement has no Article N. References to an article of a law "
          "or regulation (\"Article 19 of Government Regulation ...\") are not checked."))
def broken_article_references(ctx: Context) -> Iterator[Finding]:
    count = len(ctx.agreement.articles)
    for unit in text_units(ctx.agreement):
        for lang in ctx.agreement.languages:
            missing = sorted({n for n in article_references(unit.text.get(lang)) if not 1 <= n <= count})
            if missing:
                listed = ", ".join(str(n) for n in missing)
                yield finding(f"{unit.place.label['id']} merujuk Pasal {listed}, padahal perjanjian ini hanya "
                              f"memiliki {count} pasal",
                              f"{unit.place.label['en']} refers to Article {listed}, but this agreement has only "
                              f"{count} article{'s' if count != 1 else ''}", unit.place.span)
                break


# ---- PKM109 a hand-written reference whose article has moved -------------------------------------------------

#: "Pasal 7 tentang Jangka Waktu", "Pasal 7 (Jangka Waktu)", "Article 7 on Term", "Article 7 (Term)": a number
#: written with the title of the article it was written against.
_TITLED = {
    "id": re.compile(r"\bPasal\s+(\d+)\s+(?:tentang\s+([^,.;:()]+)|\(([^()]+)\))"),
    "en": re.compile(r"\bArticle\s+(\d+)\s+(?:on\s+(?:the\s+)?([^,.;:()]+)|\(([^()]+)\))"),
}


def _titled_references(text: str, lang: str) -> Iterator[tuple[int, str, str]]:
    """(number, written title, the words "Pasal 7") of each hand-written reference that names its title."""
    pattern = _TITLED.get(lang)
    if pattern is None or not any(word in text for word in ("Pasal", "Article")):
        return
    for m in pattern.finditer(text):
        yield int(m.group(1)), " ".join((m.group(2) or m.group(3) or "").split()), text[m.start():m.end(1)]


@rule("PKM109", "moved-article-reference", ERROR,
      title=("Rujukan ke pasal yang telah berpindah", "Reference to an article that has moved"),
      explanation=(
          "Teks menulis nomor dan judul pasal yang dirujuknya (\"Pasal 7 tentang Jangka Waktu\", \"Pasal 7 "
          "(Jangka Waktu)\"), tetapi Pasal 7 kini berjudul lain dan pasal berjudul itu bernomor lain: sebuah pasal "
          "disisipkan atau dihapus setelah rujukan ditulis. Tulis rujukan dengan kunci pasal (`{ref.KEY}`) agar "
          "nomornya selalu benar.",
          "A text writes the number and title of the article it refers to (\"Article 7 on Term\", \"Article 7 "
          "(Term)\"), but Article 7 now has another title and the article with that title another number: an "
          "article was inserted or removed after the reference was written. Write the reference by the article's "
          "key (`{ref.KEY}`) so that its number is always right."))
def moved_article_references(ctx: Context) -> Iterator[Finding]:
    articles = [a for a in ctx.agreement.articles if a.number is not None]
    by_title = {lang: {" ".join(a.title.get(lang).split()).casefold(): a for a in articles if a.title.get(lang)}
                for lang in ctx.agreement.languages}  # once: a text may name any article
    for unit in text_units(ctx.agreement):
        for lang in ctx.agreement.languages:
            titles = by_title[lang]
            for number, written, words in _titled_references(unit.text.get(lang), lang):
                # the longest title of an article that the written words start with ("Jangka Waktu dan ...")
                known = [t for t in titles if written.casefold() == t or written.casefold().startswith(t + " ")]
                if not known:
                    continue  # a title no article has is not read as one
                title = written[:len(max(known, key=len))]
                target = titles[title.casefold()]
                if target.number == number:
                    continue
                now = next((a for a in articles if a.number == number), None)
                now_id = f"; Pasal {number} kini \"{now.title.get('id')}\"" if now is not None else ""
                now_en = f"; Article {number} is now \"{now.title.get('en', now.title.get(lang))}\"" \
                    if now is not None else ""
                yield finding(
                    f"{unit.place.label['id']} merujuk Pasal {number} \"{title}\", yang kini Pasal {target.number}"
                    f"{now_id}",
                    f"{unit.place.label['en']} refers to Article {number} \"{title}\", which is now Article "
                    f"{target.number}{now_en}", locate(unit, lang, words),
                    (f"tulis Pasal {target.number}, atau beri pasal itu kunci dan rujuk dengan `{{ref.KEY}}`",
                     f"write Article {target.number}, or give that article a key and refer to it as `{{ref.KEY}}`"))
                break


# ---- PKM106 defined terms -----------------------------------------------------------------------------------------


@rule("PKM106", "duplicate-alias", ERROR,
      title=("Dua pihak dengan sebutan sama", "Two parties with the same alias"),
      explanation=(
          "Sebutan pihak (\"selanjutnya disebut PIHAK PERTAMA\") adalah istilah yang didefinisikan; setiap "
          "sebutan hanya boleh menunjuk satu pihak, dalam setiap bahasa.",
          "A party's alias (\"hereinafter referred to as the FIRST PARTY\") is a defined term; each alias must "
          "name one party only, in every language."))
def duplicate_aliases(ctx: Context) -> Iterator[Finding]:
    for lang in ctx.agreement.languages:
        seen: dict[str, str] = {}
        for party in ctx.agreement.parties:
            alias = party.alias.get(lang).strip()
            if not alias:
                continue
            if alias.casefold() in seen:
                yield finding(f"pihak `{party.key}` dan `{seen[alias.casefold()]}` sama-sama disebut \"{alias}\"",
                              f"parties `{party.key}` and `{seen[alias.casefold()]}` are both called \"{alias}\"",
                              party.span, ("beri setiap pihak sebutan sendiri, misalnya PIHAK KEDUA",
                                           "give each party its own alias, e.g. SECOND PARTY"))
            else:
                seen[alias.casefold()] = party.key


# ---- PKM107 two clauses of one kind, PKM108 provisional scheme ----------------------------------------------

#: Sections an agreement holds once: a second clause of the kind gives two procedures, two terms, two forums.
SINGLE_SECTIONS = ("opening", "term", "dispute", "language", "closing", "governing_law")


@rule("PKM107", "same-kind-twice", ERROR,
      title=("Dua klausul untuk satu hal", "Two clauses of one kind"),
      explanation=(
          "Jangka waktu, penyelesaian perselisihan, bahasa yang berlaku, hukum yang berlaku, pembukaan, dan "
          "penutup diatur sekali: dua klausul memberi dua jangka waktu, dua jalur penyelesaian, atau dua forum. "
          "Demikian pula dua klausul pendanaan yang masing-masing menyebut seluruh biaya.",
          "The term, dispute settlement, governing language, governing law, the opening and the closing are "
          "provided for once: two clauses give two terms, two escalation paths or two forums. So do two funding "
          "clauses that each state the whole cost."))
def same_kind_twice(ctx: Context) -> Iterator[Finding]:
    seen: dict[str, tuple[str, object]] = {}
    for article, use in clause_uses(ctx.agreement):
        if not use.vetted or not use.section:
            continue
        kind = use.section if use.section in SINGLE_SECTIONS else (
            "funding" if use.section == "funding" and use.with_meaning("total_cost") else None)
        if kind is None:
            continue
        first = seen.get(kind)
        if first is None:
            seen[kind] = (use.clause_id, use.span)
            continue
        if first[0] == use.clause_id:
            continue  # the same clause twice is PKM102's
        line = getattr(first[1], "line", "?")
        what = "menyebut seluruh biaya" if kind == "funding" else f"mengatur `{kind}`"
        what_en = "states the whole cost" if kind == "funding" else f"provides for `{kind}`"
        yield finding(f"`{use.clause_id}` {what}, seperti `{first[0]}` pada baris {line}",
                      f"`{use.clause_id}` {what_en}, as `{first[0]}` on line {line} does",
                      use_span(ctx.agreement, article, use),
                      (f"pakai salah satu dari `{first[0]}` dan `{use.clause_id}`",
                       f"keep one of `{first[0]}` and `{use.clause_id}`"))


@rule("PKM108", "provisional-scheme", WARNING,
      title=("Skema sementara", "Provisional scheme"),
      explanation=(
          "Skema yang ditandai sementara (provisional) belum didasarkan pada daftar muatan yang dibaca dari "
          "peraturannya; perjanjian yang memakainya diperiksa hanya terhadap muatan minimal dan bagian yang sudah "
          "diketahui. Setiap pembuatan dokumen mengingatkannya.",
          "A scheme marked provisional is not yet based on a list of contents read in its regulation; an agreement "
          "under it is checked only against the statutory minimum and the sections known so far. Every build says "
          "so."))
def provisional_scheme(ctx: Context) -> Iterator[Finding]:
    scheme = ctx.library.schemes.get(ctx.agreement.scheme)
    if scheme is not None and scheme.provisional:
        yield finding(f"skema `{scheme.name}` masih sementara: muatan wajibnya belum diperiksa terhadap peraturannya",
                      f"the scheme `{scheme.name}` is provisional: its required contents are not yet checked against "
                      "its regulation", ctx.agreement.span,
                      ("mintakan biro hukum memeriksa muatan perjanjian ini",
                       "have the legal office review the contents"))
