"""Party checks: both kinds of partner present, each with rights and obligations, signing under stated authority.

Rights and obligations are found with a heuristic over the texts of the ``roles`` section (or of the whole
agreement when no clause fills that section), in Indonesian when the agreement has it, else in English:

* the text is cut into sentences at ``.``, ``;`` and ``:``;
* in each sentence, a right is a keyword ``berhak`` (``entitled``, ``has the right``), an obligation a
  keyword ``berkewajiban``, ``wajib``, ``bertanggung jawab`` (``obliged``, ``obligated``, ``responsible``);
* the party it belongs to is the last party alias written before the keyword in that sentence
  ("PIHAK KEDUA berhak: ...", "... PIHAK PERTAMA berkewajiban ..."). A joint subject ("PARA PIHAK",
  "PIHAK", "the PARTIES") credits no party: kesetaraan asks for each party's own rights and obligations.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..errors import ERROR, WARNING
from ..model import Agreement, Party, Text
from .registry import Context, Finding, finding, rule
from .walk import TextUnit, locate, text_units

_KEYWORDS = {
    "id": {"right": r"\bberhak\b", "obligation": r"\b(?:berkewajiban|wajib|bertanggung\s+jawab)\b"},
    "en": {"right": r"\b(?:entitled|has\s+the\s+right|have\s+the\s+right)\b",
           "obligation": r"\b(?:obliged|obligated|responsible)\b"},
}
_JOINT = {"id": ("PARA PIHAK", "PIHAK"), "en": ("the PARTIES", "PARTIES", "PARTY")}
_SENTENCE = re.compile(r"[.;:](?:\s|$)")


def _role_units(agreement: Agreement) -> list[TextUnit]:
    units = list(text_units(agreement))
    roles = [u for u in units if u.use is not None and u.use.section == "roles"]
    return roles or units


def stated_roles(agreement: Agreement) -> dict[str, set[str]]:
    """For each party key, which of ``right`` and ``obligation`` the texts give it (see the module docstring)."""
    lang = "id" if "id" in agreement.languages else agreement.languages[0]
    keywords = _KEYWORDS.get(lang, _KEYWORDS["en"])
    subjects = {p.alias.get(lang): p.key for p in agreement.parties if p.alias.get(lang).strip()}
    names = sorted(set(subjects) | set(_JOINT.get(lang, ())), key=len, reverse=True)
    subject_re = re.compile("|".join(re.escape(n) for n in names)) if names else None
    found: dict[str, set[str]] = {p.key: set() for p in agreement.parties}
    if subject_re is None:
        return found
    for unit in _role_units(agreement):
        for sentence in _SENTENCE.split(unit.text.get(lang)):
            mentions = [(m.start(), subjects.get(m.group(0))) for m in subject_re.finditer(sentence)]
            for kind, pattern in keywords.items():
                for m in re.finditer(pattern, sentence):
                    before = [key for start, key in mentions if start < m.start()]
                    if before and before[-1] is not None:
                        found[before[-1]].add(kind)
    return found


@rule("PKM120", "missing-right-or-obligation", ERROR,
      title=("Pihak tanpa hak atau kewajiban", "Party without a right or an obligation"),
      explanation=(
          "Asas kesetaraan: setiap pihak mempunyai hak dan kewajiban. Pemeriksaan mencari, di bagian hak dan "
          "kewajiban (`roles`), kalimat dengan sebutan pihak diikuti \"berhak\" dan \"berkewajiban\" (\"wajib\", "
          "\"bertanggung jawab\"). Kalimat dengan subjek \"PARA PIHAK\" tidak dihitung untuk satu pihak.",
          "Equality (kesetaraan): each party has rights and obligations. The check looks, in the rights and "
          "obligations section (`roles`), for sentences where a party's alias is followed by \"berhak\" (entitled) "
          "and \"berkewajiban\" (obliged; also \"wajib\", \"bertanggung jawab\"). A sentence whose subject is "
          "\"PARA PIHAK\" (the PARTIES) counts for no single party."),
      source="PP 28/2018 tentang Kerja Sama Daerah (hak dan kewajiban para pihak; pasal belum diverifikasi)")
def missing_rights_or_obligations(ctx: Context) -> Iterator[Finding]:
    stated = stated_roles(ctx.agreement)
    for party in ctx.agreement.parties:
        kinds = stated.get(party.key, set())
        missing = [k for k in ("right", "obligation") if k not in kinds]
        if not missing:
            continue
        what_id = " dan ".join({"right": "hak", "obligation": "kewajiban"}[k] for k in missing)
        what_en = " or ".join({"right": "right", "obligation": "obligation"}[k] for k in missing)
        alias = _alias(party)
        yield finding(f"{alias['id']} (`{party.key}`) tidak memiliki {what_id} yang dinyatakan",
                      f"{alias['en']} (`{party.key}`) has no stated {what_en}", party.span,
                      (f"tambahkan ayat \"{alias['id']} berhak: ...\" dan \"{alias['id']} berkewajiban: ...\", "
                       "misalnya dengan klausul `roles.rights_obligations`",
                       f"add paragraphs \"{alias['id']} berhak: ...\" (is entitled to) and \"{alias['id']} "
                       "berkewajiban: ...\" (is obliged to), e.g. with the clause `roles.rights_obligations`"))


def _alias(party: Party) -> Text:
    return Text({"id": party.alias.get("id") or party.key, "en": party.alias.get("en") or party.alias.get("id")
                 or party.key})


def _empty(text: Text, languages: tuple[str, ...]) -> list[str]:
    return [lang for lang in languages if not text.get(lang).strip()]


_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember")
_SURAT_KUASA = re.compile(r"\bsurat\s+kuasa\b", re.IGNORECASE)
_NUMBER = re.compile(r"\bNomor\s+\S*\d", re.IGNORECASE)
_DATE = re.compile(r"\btanggal\s+(?:\d{1,2}\s+(?:" + "|".join(_MONTHS_ID) + r")\s+\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})",
                   re.IGNORECASE)
_DECREE = re.compile(r"\bkeputusan\b|\bpengangkatan\b|\bpelantikan\b", re.IGNORECASE)
#: a representative who is the kepala daerah signs without a power of attorney
_HEAD_OF_REGION = re.compile(r"^\s*(?:Gubernur|Bupati|Wali\s*kota)\b", re.IGNORECASE)


@rule("PKM121", "government-authority", ERROR,
      title=("Dasar kewenangan pihak pemerintah tidak ada atau tidak cukup",
             "Government party without stated or sufficient authority"),
      explanation=(
          "Dinas atau unit pelaksana teknis adalah perangkat daerah, bukan badan hukum: pejabatnya menandatangani "
          "dalam jabatannya untuk dan atas nama pemerintah daerah, yang diwakili oleh gubernur, bupati, atau wali "
          "kota, yang dapat memberi kuasa kepada pejabat untuk menandatangani. Karena itu pihak pemerintah harus "
          "menyebut (a) untuk siapa ia bertindak (`acts_for`, misalnya \"Pemerintah Kota Kupang\") dan (b) dasar "
          "kewenangannya (`authority`): surat kuasa kepala daerah dengan nomor dan tanggalnya, kecuali yang "
          "menandatangani adalah kepala daerah sendiri (jabatannya Gubernur, Bupati, atau Wali Kota). Keputusan "
          "pengangkatan dalam jabatan bukan kuasa untuk mengikat daerah. Teks bahasa Indonesia yang dibaca.",
          "A dinas or technical implementation unit is a perangkat daerah (regional apparatus), not a legal person: "
          "its official signs in office for and on behalf of the regional government, which is represented by the "
          "governor, regent or mayor, who may give an official a power of attorney to sign. So a government party "
          "must state (a) whom it acts for (`acts_for`, e.g. \"Pemerintah Kota Kupang\" / \"the Kupang City "
          "Government\") and (b) its authority (`authority`): the head of region's power of attorney (surat kuasa) "
          "with its number and date, unless the signatory is the head of region (a position of Gubernur, Bupati or "
          "Wali Kota). A decree appointing the official to office is not a power to bind the region. The "
          "Indonesian text is read."),
      source="PP 28/2018 tentang Kerja Sama Daerah (wakil daerah dan kuasa penandatanganan; pasal belum diverifikasi)")
def government_authority(ctx: Context) -> Iterator[Finding]:
    languages = ctx.agreement.languages
    for party in ctx.agreement.parties:
        if party.role != "government":
            continue
        yield from _acts_for(party, languages)
        empty = _empty(party.authority, languages)
        if empty:
            langs = ", ".join(empty)
            yield finding(f"pihak pemerintah `{party.key}` tidak menyebut dasar kewenangannya (`authority`, {langs})",
                          f"government party `{party.key}` states no authority to sign (`authority`, {langs})",
                          party.field_spans.get("authority", party.span),
                          ('tambahkan `authority: "Surat Kuasa Wali Kota ... Nomor ... tanggal ..." / "Power of '
                           'Attorney ..."`', 'add `authority: "Surat Kuasa Wali Kota ... Nomor ... tanggal ..." / '
                           '"Power of Attorney of the Mayor of ... Number ... dated ..."`'))
            continue
        lang = "id" if "id" in languages else languages[0]
        if lang == "id" and not _HEAD_OF_REGION.match(party.position.get("id")):
            yield from _power_of_attorney(party)


def _acts_for(party: Party, languages: tuple[str, ...]) -> Iterator[Finding]:
    span = party.field_spans.get("acts_for", party.span)
    if party.acts_for is None:
        yield finding(f"pihak pemerintah `{party.key}` tidak menyebut untuk dan atas nama siapa ia bertindak "
                      f"(`acts_for`); {party.name.get('id') or party.key} adalah perangkat daerah, bukan badan hukum",
                      f"government party `{party.key}` does not say for and on behalf of whom it acts (`acts_for`); "
                      f"{party.name.get('en') or party.key} is a regional apparatus, not a legal person", span,
                      ('tambahkan `acts_for: "Pemerintah Kota Kupang" / "the Kupang City Government"` (pemerintah '
                       'daerah yang diwakili), dan gunakan `opening.standard@^2` atau `opening.parties@^2`, yang '
                       'mencetaknya', 'add `acts_for: "Pemerintah Kota Kupang" / "the Kupang City Government"` (the '
                       'regional government represented), and use `opening.standard@^2` or `opening.parties@^2`, '
                       'which print it'))
        return
    empty = _empty(party.acts_for, languages)
    if empty:
        langs = ", ".join(empty)
        yield finding(f"`acts_for` pihak pemerintah `{party.key}` kosong ({langs})",
                      f"`acts_for` of government party `{party.key}` is empty ({langs})", span,
                      ('tulis pemerintah daerah yang diwakili, misalnya "Pemerintah Kota Kupang"',
                       'write the regional government represented, e.g. "Pemerintah Kota Kupang" / "the Kupang '
                       'City Government"'))


def _power_of_attorney(party: Party) -> Iterator[Finding]:
    text = " ".join(party.authority.get("id").split())
    span = party.field_spans.get("authority", party.span)
    hint = ('tulis surat kuasa kepala daerah dengan nomor dan tanggalnya, misalnya "Surat Kuasa Wali Kota Kupang '
            'Nomor 180/45/HK/2026 tanggal 20 November 2026"',
            'write the head of region\'s power of attorney with its number and date, e.g. "Surat Kuasa Wali Kota '
            'Kupang Nomor 180/45/HK/2026 tanggal 20 November 2026" / "Power of Attorney of the Mayor of Kupang '
            'Number 180/45/HK/2026 dated 20 November 2026"')
    if not _SURAT_KUASA.search(text):
        if _DECREE.search(text):
            yield finding(f"dasar kewenangan pihak pemerintah `{party.key}` adalah keputusan (\"{text}\"), bukan surat "
                          "kuasa: keputusan pengangkatan dalam jabatan tidak memberi kuasa untuk mengikat daerah",
                          f"the authority of government party `{party.key}` is a decree (\"{text}\"), not a power of "
                          "attorney: a decree appointing an official to office gives no power to bind the region",
                          span, hint)
        else:
            yield finding(f"dasar kewenangan pihak pemerintah `{party.key}` bukan surat kuasa kepala daerah "
                          f"(\"{text}\")",
                          f"the authority of government party `{party.key}` is not a power of attorney (surat "
                          f"kuasa) of the head of region (\"{text}\")", span, hint)
        return
    missing_id = [what for what, found in (("nomor", _NUMBER.search(text)), ("tanggal", _DATE.search(text)))
                  if not found]
    if missing_id:
        missing_en = [{"nomor": "number", "tanggal": "date"}[m] for m in missing_id]
        yield finding(f"surat kuasa pihak pemerintah `{party.key}` tidak menyebut {' dan '.join(missing_id)}nya "
                      f"(\"{text}\")",
                      f"the power of attorney of government party `{party.key}` gives no "
                      f"{' and no '.join(missing_en)} (\"{text}\")", span, hint)


@rule("PKM122", "signatory", ERROR,
      title=("Penanda tangan atau jabatan kosong", "Signatory or position empty"),
      explanation=(
          "Komparisi menyebut nama orang yang menandatangani (`representative`) dan jabatannya (`position`) "
          "dalam setiap bahasa; tanpa itu tidak jelas siapa yang mengikat pihak tersebut.",
          "The appearance of the parties (komparisi) names the person who signs (`representative`) and their "
          "position (`position`) in every language; without them it is unclear who binds the party."),
      source="PP 28/2018 tentang Kerja Sama Daerah (wakil daerah dan kuasa penandatanganan; pasal belum diverifikasi)")
def signatory(ctx: Context) -> Iterator[Finding]:
    for party in ctx.agreement.parties:
        problems_id, problems_en = [], []
        if not party.representative.strip():
            problems_id.append("nama penanda tangan (`representative`)")
            problems_en.append("the signatory's name (`representative`)")
        empty = _empty(party.position, ctx.agreement.languages)
        if empty:
            problems_id.append(f"jabatan (`position`, {', '.join(empty)})")
            problems_en.append(f"the position (`position`, {', '.join(empty)})")
        if problems_id:
            yield finding(f"pihak `{party.key}` tidak menyebut {' dan '.join(problems_id)}",
                          f"party `{party.key}` does not state {' and '.join(problems_en)}", party.span)


@rule("PKM123", "organisation-authority", WARNING,
      title=("Dasar kewenangan organisasi tidak ada", "Organisation without stated authority"),
      explanation=(
          "Pembukaan menyebut dasar bertindak setiap pihak (\"berdasarkan ...\"). Untuk organisasi biasanya akta "
          "pendirian dan pengesahannya; tanpa `authority` kalimat itu kosong.",
          "The opening states what each party acts under (\"pursuant to ...\"). For an organisation this is "
          "usually its deed of establishment and its registration; without `authority` that phrase is empty."))
def organisation_authority(ctx: Context) -> Iterator[Finding]:
    for party in ctx.agreement.parties:
        if party.role == "organisation" and _empty(party.authority, ctx.agreement.languages):
            yield finding(f"organisasi `{party.key}` tidak menyebut dasar bertindaknya (`authority`)",
                          f"organisation `{party.key}` states no authority (`authority`)", party.span,
                          ('tambahkan `authority: "Akta Pendirian Nomor ..." / "Deed of Establishment Number ..."`',
                           'add `authority: "Akta Pendirian Nomor ..." / "Deed of Establishment Number ..."`'))


@rule("PKM124", "partners", ERROR,
      title=("Mitra pemerintah atau organisasi tidak ada", "Government or organisation partner missing"),
      explanation=(
          "PKM adalah kemitraan antara badan pemerintah dan organisasi masyarakat: perjanjian memerlukan paling "
          "sedikit satu pihak `role: government` dan satu pihak `role: organisation`.",
          "A PKM is a partnership between a government body and a community organisation: the agreement needs at "
          "least one party with `role: government` and one with `role: organisation`."),
      source="PP 28/2018 tentang Kerja Sama Daerah (pihak ketiga; pasal belum diverifikasi)")
def partners(ctx: Context) -> Iterator[Finding]:
    roles = {p.role for p in ctx.agreement.parties}
    for role, id_name, en_name in (("government", "pemerintah", "government"),
                                   ("organisation", "organisasi masyarakat", "community organisation")):
        if ctx.agreement.parties and role not in roles:
            yield finding(f"perjanjian tidak memiliki pihak {id_name} (`role: {role}`)",
                          f"the agreement has no {en_name} party (`role: {role}`)", ctx.agreement.span)


#: An ordinal party alias as the texts write it: PIHAK KETIGA / THIRD PARTY (and PIHAK KE-11 / PARTY 11).
_ALIASES = {
    "id": re.compile(r"\bPIHAK (?:PERTAMA|KEDUA|KETIGA|KEEMPAT|KELIMA|KEENAM|KETUJUH|KEDELAPAN|KESEMBILAN"
                     r"|KESEPULUH|KE-\d{1,3})\b"),
    "en": re.compile(r"\b(?:(?:FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH|SEVENTH|EIGHTH|NINTH|TENTH) PARTY"
                     r"|PARTY \d{1,3})\b"),
}


@rule("PKM125", "undeclared-party", ERROR,
      title=("Pihak yang disebut tetapi tidak dinyatakan", "A party named but not declared"),
      explanation=(
          "Setiap sebutan pihak dalam teks (PIHAK KETIGA, THIRD PARTY ...) harus merujuk pada pihak yang "
          "dinyatakan dalam perjanjian (`party KEY { ... }`), dengan sebutan (alias) yang sama. Sebutan tanpa "
          "pihak membebankan hak atau kewajiban kepada pihak yang tidak menandatangani perjanjian.",
          "Every party alias written in a text (PIHAK KETIGA, THIRD PARTY ...) must refer to a party the agreement "
          "declares (`party KEY { ... }`) under that alias. An alias without a party gives rights or obligations "
          "to someone who does not sign the agreement."))
def undeclared_party(ctx: Context) -> Iterator[Finding]:
    declared = {lang: {p.alias.get(lang).strip() for p in ctx.agreement.parties} for lang in ctx.agreement.languages}
    reported: set[str] = set()
    for unit in text_units(ctx.agreement):
        for lang in ctx.agreement.languages:
            pattern = _ALIASES.get(lang)
            text = unit.text.get(lang)
            if pattern is None or ("PIHAK" not in text and "PARTY" not in text):
                continue
            for match in pattern.finditer(text):
                alias = match.group(0)
                if alias in declared[lang] or alias in reported:
                    continue
                reported.add(alias)
                listed = ", ".join(sorted(a for a in declared[lang] if a))
                yield finding(f"{unit.place.label['id']} menyebut {alias}, tetapi tidak ada pihak dengan sebutan itu "
                              f"(pihak yang dinyatakan: {listed})",
                              f"{unit.place.label['en']} names the {alias}, but no declared party has that alias "
                              f"(declared: {listed})", locate(unit, lang, alias),
                              ("nyatakan pihak itu dengan `party KEY { ... }`, atau perbaiki sebutannya",
                               "declare that party with `party KEY { ... }`, or correct the alias"))
