"""The checks (pkm_docs.checks): each rule breaks on one edit of a passing agreement and passes on it.

``tests/fixtures/checks/good.pkm`` passes every rule against ``tests/fixtures/checks/library``; each case below
is the edit that breaks one rule, with the line the finding must point at and its message in both languages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pkm_docs.checks import RULES, message_in, run_checks
from pkm_docs.checks.figures import TermMatcher, figures, parse_number
from pkm_docs.checks.registry import hint_in, is_selected
from pkm_docs.checks.rules_term import add_months
from pkm_docs.errors import ERROR, WARNING
from pkm_docs.library import load_library
from pkm_docs.pipeline import compile_agreement

from tests.support.checks import CHECKS, GOOD, check, edit, extra, line_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library():
    return load_library(CHECKS / "library")


REMOVE_REPORTING = ("article {\n  use reporting.periodic@^1 {\n    report_every: 6 months\n  }\n}\n", "")
REMOVE_LANGUAGE = ("article {\n  use language.governing@^1\n}\n", "")
BOARD = ("  use governance.steering_committee@^1 {\n    members_per_party: 2\n  }",
         "  use governance.board@^1 {\n    government_members: 3\n    organisation_members: 2\n  }")
TERM_DATES = "  use term.dates@^1 {{\n    starts_on: {start}\n    ends_on: {end}\n    duration: {length}\n  }}"
TERM_FIXED = "  use term.fixed@^1 {\n    starts_on: 2027-01-01\n    duration: 2 years\n  }"
TWO_ORGANISATIONS = """agreement {
  title: "Perjanjian Antarorganisasi" / "Agreement between Organisations"
  number: "002/UJI/2026"
  scheme: pkm-ringkas
  languages: id, en
  signed_on: 2026-12-01
  signed_at: "Kupang"
}

party satu {
  role: organisation
  alias: "PIHAK PERTAMA" / "FIRST PARTY"
  name: "Yayasan Satu"
  representative: "A"
  position: "Ketua" / "Chair"
  authority: "Akta Nomor 1" / "Deed Number 1"
  address: "Kupang"
}

party dua {
  role: organisation
  alias: "PIHAK KEDUA" / "SECOND PARTY"
  name: "Yayasan Dua"
  representative: "B"
  position: "Ketua" / "Chair"
  authority: "Akta Nomor 2" / "Deed Number 2"
  address: "Kupang"
}

article {
  use purpose.scope@^1 {
    purpose: "pelayanan" / "services"
    activities: "posyandu" / "health posts"
  }
}

article {
  use language.governing@^1
}
"""

# code, edits (or a whole text), the text on the line the finding points at (last=True: its last occurrence),
# a part of the English message, a part of the Indonesian message, severity
BREAKS = [
    ("PKM101", [REMOVE_REPORTING], "agreement {",
     'mandatory section "Reporting" (`reporting`) is missing from this `pkm-uji` agreement',
     'bagian wajib "Pelaporan" (`reporting`) tidak ada', ERROR),
    ("PKM102", [("  use language.governing@^1\n}\n", "  use language.governing@^1\n}\n\narticle {\n"
                 "  use language.governing@^1\n}\n")], ("use language.governing", True),
     "`language.governing` is already used on line", "`language.governing` sudah dipakai pada baris", ERROR),
    ("PKM103", [("article {\n  use roles", 'article "Maksud dan Tujuan" / "Purpose" {\n  use roles')],
     'article "Maksud dan Tujuan"', "Article 2 has the same title as Article 1",
     "Pasal 2 berjudul sama dengan Pasal 1", WARNING),
    ("PKM104", [extra("(1) Ketentuan sebagaimana dimaksud pada ayat (3) berlaku.",
                      "(1) The provision referred to in paragraph (3) applies.")], "text {",
     "Article 10 paragraph (1) refers to paragraph (3), which this article does not have",
     "Pasal 10 ayat (1) merujuk ayat (3), yang tidak ada dalam pasal ini", ERROR),
    ("PKM105", [extra("(1) Sebagaimana dimaksud dalam Pasal 12, PARA PIHAK bermusyawarah.",
                      "(1) As referred to in Article 12, the PARTIES shall deliberate.")], "text {",
     "Article 10 paragraph (1) refers to Article 12, but this agreement has only 10 articles",
     "Pasal 10 ayat (1) merujuk Pasal 12, padahal perjanjian ini hanya memiliki 10 pasal", ERROR),
    ("PKM106", [('alias: "PIHAK KEDUA" / "SECOND PARTY"', 'alias: "PIHAK PERTAMA" / "FIRST PARTY"')],
     "party yayasan", 'parties `yayasan` and `dinkes` are both called "PIHAK PERTAMA"',
     'pihak `yayasan` dan `dinkes` sama-sama disebut "PIHAK PERTAMA"', ERROR),
    ("PKM107", [("article {\n  use term.fixed@^1 {", "article {\n  use term.dates@^1 {\n    starts_on: 2027-01-01\n"
                 "    ends_on: 2028-12-31\n    duration: 2 years\n  }\n}\n\narticle {\n  use term.fixed@^1 {")],
     ("use term.fixed", True), "`term.fixed` provides for `term`, as `term.dates` on line",
     "`term.fixed` mengatur `term`, seperti `term.dates` pada baris", ERROR),
    ("PKM108", [("scheme: pkm-uji", "scheme: pkm-sementara")], "agreement {",
     "the scheme `pkm-sementara` is provisional", "skema `pkm-sementara` masih sementara", WARNING),
    ("PKM109", [extra("(1) Jangka waktu sebagaimana dimaksud dalam Pasal 5 tentang Jangka Waktu dapat diperpanjang.",
                      "(1) The term referred to in Article 5 on Term may be extended.")], 'id: """(1)',
     'Article 10 paragraph (1) refers to Article 5 "Jangka Waktu", which is now Article 6; Article 5 is now '
     '"Reporting"',
     'Pasal 10 ayat (1) merujuk Pasal 5 "Jangka Waktu", yang kini Pasal 6; Pasal 5 kini "Pelaporan"', ERROR),
    ("PKM110", [extra("(1) PARA PIHAK bekerja sama.", "(1) The PARTIES shall cooperate.")], "text {",
     "this ad-hoc text is not vetted", "teks lepas ini belum diperiksa", WARNING),
    ("PKM120", [("use roles.rights_obligations@^1", "use roles.one_sided@^1")], "party yayasan",
     "SECOND PARTY (`yayasan`) has no stated right", "PIHAK KEDUA (`yayasan`) tidak memiliki hak yang dinyatakan",
     ERROR),
    ("PKM121", [('authority: "Surat Kuasa Wali Kota Nomor 1 tanggal 20 November 2026" / "Power of Attorney of the '
                 'Mayor Number 1 dated 20 November 2026"  ', "")],
     "party dinkes", "government party `dinkes` states no authority to sign",
     "pihak pemerintah `dinkes` tidak menyebut dasar kewenangannya", ERROR),
    ("PKM122", [('representative: "B"', 'representative: ""')], "party yayasan",
     "party `yayasan` does not state the signatory's name", "pihak `yayasan` tidak menyebut nama penanda tangan",
     ERROR),
    ("PKM123", [('  authority: "Akta Pendirian Nomor 7" / "Deed of Establishment Number 7"\n', "")],
     "party yayasan", "organisation `yayasan` states no authority", "organisasi `yayasan` tidak menyebut", WARNING),
    ("PKM124", TWO_ORGANISATIONS, "agreement {", "the agreement has no government party (`role: government`)",
     "perjanjian tidak memiliki pihak pemerintah", ERROR),
    ("PKM125", [extra("(1) PIHAK KETIGA menyediakan lahan untuk kegiatan.",
                      "(1) The THIRD PARTY provides land for the activities.")],
     'id: """(1)', "names the PIHAK KETIGA, but no declared party has that alias",
     "menyebut PIHAK KETIGA, tetapi tidak ada pihak dengan sebutan itu", ERROR),
    ("PKM130", [("members_per_party: 2", "members_per_party: 0")], "members_per_party: 0",
     "`members_per_party` of `governance.steering_committee` is 0", "`members_per_party` pada", ERROR),
    ("PKM131", [BOARD], "use governance.board",
     "the steering committee seats of `governance.board` are unequal (`dinkes` 3, `yayasan` 2)",
     "kursi komite pengarah pada `governance.board` tidak sama", ERROR),
    ("PKM140", [("organisation_share: 40%", "organisation_share: 30%")], "use funding.cost_sharing",
     "the shares of `funding.cost_sharing` add up to 60% + 30% = 90%, not 100% (10% short)",
     "bagian pada `funding.cost_sharing` berjumlah 60% + 30% = 90%, bukan 100% (10% kurang)", ERROR),
    ("PKM141", [("total: Rp100.000.000", "total: Rp0")], "use funding.cost_sharing",
     "`total` of `funding.cost_sharing` is IDR 0.00", "`total` pada `funding.cost_sharing` bernilai Rp0,00", ERROR),
    ("PKM142", [("  use funding.cost_sharing@^1 {\n    total: Rp100.000.000\n    government_share: 60%\n"
                 "    organisation_share: 40%\n  }",
                 "  use funding.contributions@^1 {\n    total: Rp100.000.000\n"
                 "    government_contribution: Rp60.000.000\n    organisation_contribution: Rp30.000.000\n  }")],
     "use funding.contributions",
     "the contributions of `funding.contributions` add up to IDR 90,000,000.00, but the total cost `total` is "
     "IDR 100,000,000.00 (a difference of IDR 10,000,000.00)",
     "kontribusi pada `funding.contributions` berjumlah Rp90.000.000,00", ERROR),
    ("PKM143", [extra("(1) Hibah sebesar USD 5.000 dicatat terpisah.",
                      "(1) A grant of USD 5,000 is recorded separately.")],
     'id: """(1)', 'mentions the currency "USD"', 'menyebut mata uang "USD"', WARNING),
    ("PKM144", [extra("(1) Hibah sebesar Rp1.001.250.000,00 (satu miliar dua ratus lima puluh ribu rupiah) diserahkan.",
                      "(1) A grant of IDR 1,001,250,000.00 (one billion one million two hundred fifty thousand rupiah) "
                      "is handed over.")], 'id: """(1)',
     'Article 10 paragraph (1): the Indonesian text writes Rp1.001.250.000,00 in words as "satu miliar dua ratus '
     'lima puluh ribu rupiah", which is IDR 1,000,250,000.00',
     'Pasal 10 ayat (1): teks Indonesia menulis Rp1.001.250.000,00 dengan huruf "satu miliar dua ratus lima puluh '
     'ribu rupiah", yang bernilai Rp1.000.250.000,00', ERROR),
    ("PKM150", [("starts_on: 2027-01-01", "starts_on: 2026-11-01")], "use term.fixed",
     "`term.fixed` starts on 1 November 2026, before the agreement is signed (1 December 2026)",
     "`term.fixed` mulai berlaku 1 November 2026, sebelum perjanjian ditandatangani (1 Desember 2026)", ERROR),
    ("PKM151", [(TERM_FIXED, TERM_DATES.format(start="2027-01-01", end="2027-01-01", length="2 years"))],
     "use term.dates", "`term.dates` ends on 1 January 2027, not after it starts (1 January 2027)",
     "`term.dates` berakhir 1 Januari 2027, tidak sesudah mulai berlaku", ERROR),
    ("PKM152", [(TERM_FIXED, TERM_DATES.format(start="2027-01-01", end="2028-06-30", length="2 years"))],
     "use term.dates", "`term.dates`: 2 (two) years from 1 January 2027 ends on 31 December 2028, not 30 June 2028",
     "`term.dates`: 2 (dua) tahun sejak 1 Januari 2027 berakhir 31 Desember 2028, bukan 30 Juni 2028", ERROR),
    ("PKM153", [("report_every: 6 months", "report_every: 3 years")], "use reporting.periodic",
     "`report_every` of `reporting.periodic` (3 (three) years) is longer than the agreement's term (24 months",
     "`report_every` pada `reporting.periodic` (3 (tiga) tahun) lebih panjang dari jangka waktu", ERROR),
    ("PKM154", [extra("(1) Kegiatan berlangsung selama 24 (dua puluh empat) bulan, sejak tanggal 1 Februari 2027 "
                      "sampai dengan tanggal 31 Januari 2030.",
                      "(1) The activities run for 24 (twenty-four) months, from 1 February 2027 up to and including "
                      "31 January 2030.")], 'id: """(1)',
     "Article 10 paragraph (1): the Indonesian text states 24 (twenty-four) months from 1 February 2027, which ends "
     "on 31 January 2029, not 31 January 2030",
     "Pasal 10 ayat (1): teks Indonesia menyebut 24 (dua puluh empat) bulan sejak 1 Februari 2027, yang berakhir "
     "31 Januari 2029, bukan 31 Januari 2030", ERROR),
    ("PKM155", [extra("(1) Laporan pertama disampaikan pada tanggal 30 Februari 2027.",
                      "(1) The first report is submitted on 30 February 2027.")], 'id: """(1)',
     'Article 10 paragraph (1): the Indonesian text names the date "30 Februari 2027", which does not exist',
     'Pasal 10 ayat (1): teks Indonesia menyebut tanggal "30 Februari 2027", yang tidak ada', ERROR),
    ("PKM156", [extra("(1) Laporan akhir disampaikan paling lambat tanggal 31 Maret 2029.",
                      "(1) The final report is submitted no later than 31 March 2029.")], 'id: """(1)',
     "Article 10 paragraph (1): the Indonesian text sets 31 March 2029, after the agreement ends on 31 December 2028",
     "Pasal 10 ayat (1): teks Indonesia menetapkan 31 Maret 2029, sesudah perjanjian berakhir pada 31 Desember 2028",
     WARNING),
    ("PKM160", [("scheme: pkm-uji", "scheme: pkm-ringkas"), REMOVE_LANGUAGE], "agreement {",
     "this bilingual agreement has no governing-language clause",
     "perjanjian dwibahasa ini tidak memiliki klausul bahasa yang berlaku", ERROR),
    ("PKM161", [('"kelas ibu hamil" / "antenatal classes"', '"kelas ibu hamil" / ""')], "use purpose.scope",
     "Article 1 paragraph (2) item (a) is empty in English", "Pasal 1 ayat (2) huruf a kosong dalam bahasa Inggris",
     ERROR),
    ("PKM162", [extra("(1) Hibah sebesar Rp1.000.000,00 diserahkan pada 01-12-2026.",
                      "(1) A grant of IDR 2,000,000.00 is handed over on 01-12-2026.")], "text {",
     "Article 10 paragraph (1): amounts IDR 1,000,000.00 only in the Indonesian text; "
     "amounts IDR 2,000,000.00 only in the English text",
     "Pasal 10 ayat (1): jumlah uang Rp1.000.000,00 hanya dalam teks Indonesia", ERROR),
    ("PKM163", [extra("(1) PIHAK PERTAMA menyediakan ruang.", "(1) The SECOND PARTY shall provide space.")], "text {",
     "Article 10 paragraph (1): the Indonesian text names PIHAK PERTAMA but the English text does not name "
     "FIRST PARTY", "Pasal 10 ayat (1): teks Indonesia menyebut PIHAK PERTAMA, tetapi teks Inggris tidak menyebut "
     "FIRST PARTY", ERROR),
    ("PKM164", [extra("(1) Komite Pengarah bersidang setiap bulan.", "(1) The committee meets every month.")],
     "text {", 'Article 10 paragraph (1): the term "Komite Pengarah" is not translated as "Steering Committee"',
     'istilah "Komite Pengarah" tidak diterjemahkan sebagai "Steering Committee"', WARNING),
    ("PKM165", [("languages: id, en", "languages: en"), ("  governing: id\n", "")], "agreement {",
     "the agreement has no Indonesian text", "perjanjian tidak memiliki teks bahasa Indonesia", ERROR),
    ("PKM166", [extra("(1) PIHAK KEDUA tidak berkewajiban mengembalikan dana.",
                      "(1) The SECOND PARTY shall return the funds.")], 'id: """(1)',
     'Article 10 paragraph (1): the Indonesian text has the negation "tidak" but the English text has none (the '
     'English text says "shall")',
     'Pasal 10 ayat (1): teks Indonesia memuat negasi "tidak", teks Inggris tidak memuat negasi', WARNING),
    ("PKM170", [("government_share: 60%", "government_share: 160%")], "use funding.cost_sharing",
     "`government_share` of `funding.cost_sharing` is 160%, outside 0% to 100%",
     "`government_share` pada `funding.cost_sharing` bernilai 160%, di luar 0% sampai 100%", ERROR),
    ("PKM171", [("report_every: 6 months", "report_every: 0 months")], "use reporting.periodic",
     "`report_every` of `reporting.periodic` is zero", "`report_every` pada `reporting.periodic` bernilai nol", ERROR),
    ("PKM181", [extra("(1) Rincian kegiatan tercantum dalam Lampiran III.",
                      "(1) The activities are set out in Annex III.")], "Rincian kegiatan tercantum",
     "names Lampiran III, but this agreement has no annex", "menyebut Lampiran III, padahal perjanjian ini tidak "
     "memiliki lampiran", ERROR),
]


#: Rules that need more than an edit of the agreement to break, each tested in its own file.
BROKEN_ELSEWHERE = {"PKM111": "tests/library/test_approvals.py (an organisation's library that approved nothing)",
                    "PKM145": "tests/checks/test_channels.py (the example without its hibah; three parties, two "
                              "funders)",
                    "PKM146": "tests/checks/test_channels.py (a payment beside support without transfer, an account "
                              "in another name)",
                    "PKM180": "tests/model/test_annexes.py (a budget annex: the shipped library's annex clauses)"}


def test_every_rule_has_a_breaking_case():
    assert sorted(RULES) == sorted([case[0] for case in BREAKS] + list(BROKEN_ELSEWHERE))


def test_good_agreement_passes_every_rule(tmp_path, library):
    assert check(tmp_path, GOOD, library) == []


@pytest.mark.parametrize("code, edits, where, message_en, message_id, severity", BREAKS,
                         ids=[f"{c[0]}-{RULES[c[0]].name}" if c[0] in RULES else c[0] for c in BREAKS])
def test_rule_reports_the_broken_agreement(tmp_path, library, code, edits, where, message_en, message_id, severity):
    text = edits if isinstance(edits, str) else edit(*edits)
    found = [d for d in check(tmp_path, text, library) if d.code == code]
    assert found, f"{code} not reported"
    diag = found[0]
    needle, last = where if isinstance(where, tuple) else (where, False)
    assert diag.span is not None and diag.span.line == line_of(text, needle, last)
    assert diag.span.file.endswith("agreement.pkm")
    assert message_en in diag.message
    assert message_id in message_in(diag, "id")
    assert diag.severity == severity


# edits under which a rule must stay silent (besides good.pkm itself)
PASSES = [
    ("PKM109", [extra("(1) Jangka waktu sebagaimana dimaksud dalam Pasal 6 tentang Jangka Waktu dan Pasal 1 tentang "
                      "Hal Lain dapat diperpanjang.",
                      "(1) The term referred to in Article 6 (Term) and Article 1 on Other Matters may be extended.")]),
    ("PKM156", [extra("(1) Laporan akhir disampaikan paling lambat tanggal 31 Desember 2028 menurut Akta Nomor 5 "
                      "tanggal 3 Maret 2030.",
                      "(1) The final report is submitted no later than 31 December 2028 under Deed Number 5 dated "
                      "3 March 2030.")]),
    ("PKM101", [("languages: id, en", "languages: id"), REMOVE_LANGUAGE]),  # `when bilingual` does not apply
    ("PKM104", [extra("(1) Ketentuan sebagaimana dimaksud pada ayat (1) dan Pasal 19 ayat (5) Peraturan Pemerintah "
                      "Nomor 28 Tahun 2018 berlaku.", "(1) The provision referred to in paragraph (1) and Article 19 "
                      "paragraph (5) of Government Regulation Number 28 of 2018 applies.")]),
    ("PKM105", [extra("(1) Sesuai dengan Pasal 9 dan Pasal 22 Peraturan Pemerintah Nomor 28 Tahun 2018 serta Pasal 4.",
                      "(1) In accordance with Article 9 and Article 22 of Government Regulation Number 28 of 2018 "
                      "and Article 4.")]),
    ("PKM131", [(BOARD[0], BOARD[1].replace("organisation_members: 2", 'organisation_members: 2\n    seats_reason: '
                                            '"PIHAK PERTAMA membiayai" / "the FIRST PARTY funds it"'))]),
    ("PKM152", [(TERM_FIXED, TERM_DATES.format(start="2027-01-01", end="2028-12-31", length="2 years"))]),
    ("PKM144", [extra("(1) Hibah sebesar Rp1.001.250.000,50 (satu miliar satu juta dua ratus lima puluh ribu rupiah "
                      "lima puluh sen) atau 12,5% (dua belas koma lima persen) dalam 24 (dua puluh empat) bulan "
                      "menurut Nomor 28 (PP 28) dan Pasal 1 (Ketentuan Umum).",
                      "(1) A grant of IDR 1,001,250,000.50 (one billion one million two hundred fifty thousand "
                      "rupiah and fifty sen) or 12.5% (twelve point five percent) over 24 (twenty-four) months "
                      "under Number 28 (PP 28) and Article 1 (General Provisions).")]),
    ("PKM153", [("report_every: 6 months", "report_every: 2 years")]),
    ("PKM154", [extra("(1) Kegiatan berlangsung selama 2 (dua) tahun, sejak tanggal 1 Februari 2027 sampai dengan "
                      "tanggal 31 Januari 2029, dan laporan akhir pada 1 Februari 2029.",
                      "(1) The activities run for 2 (two) years, from 2027-02-01 until 2029-02-01, and the final "
                      "report is due on 1 February 2029.")]),
    # the clause's dates and duration are parameters: PKM152 reports them, not PKM154
    ("PKM154", [(TERM_FIXED, TERM_DATES.format(start="2027-01-01", end="2028-06-30", length="2 years"))]),
    ("PKM155", [extra("(1) Laporan disampaikan pada 29 Februari 2028, 2028-02-29, dan setiap 29 Februari.",
                      "(1) Reports are submitted on 29 February 2028, 2028-02-29 and every 29 February.")]),
    ("PKM160", [REMOVE_LANGUAGE]),  # the scheme requires section `language`: PKM101 reports it, not PKM160
    ("PKM162", [extra("(1) Hibah sebesar Rp1.000.000,00 (satu juta rupiah) atau 12,5% (dua belas koma lima persen) "
                      "diserahkan pada 1 Desember 2026 dalam 2 (dua) tahap.",
                      "(1) A grant of IDR 1,000,000.00 (one million rupiah) or 12.5% (twelve point five percent) is "
                      "handed over on December 1, 2026 in 2 (two) tranches.")]),
    ("PKM166", [extra("(1) PIHAK KEDUA tidak berkewajiban mengembalikan dana paling lambat 7 (tujuh) hari dan dapat "
                      "mengajukan keberatan.",
                      "(1) The SECOND PARTY shall not be obliged to return the funds no later than 7 (seven) days "
                      "and may raise an objection.")]),
    ("PKM164", [extra("(1) Komite Pengarah bersidang sesuai rencana kerja.",
                      "(1) The Steering Committee meets according to the work plans.")]),
]


@pytest.mark.parametrize("code, edits", PASSES, ids=[c[0] for c in PASSES])
def test_rule_passes_the_variant(tmp_path, library, code, edits):
    assert code not in [d.code for d in check(tmp_path, edit(*edits), library)]


def test_missing_language_section_is_reported_once_by_pkm101(tmp_path, library):
    codes = [d.code for d in check(tmp_path, edit(REMOVE_LANGUAGE), library)]
    assert codes == ["PKM101"]


def test_missing_section_names_the_clauses_that_could_fill_it(tmp_path, library):
    diag = next(d for d in check(tmp_path, edit(REMOVE_REPORTING), library) if d.code == "PKM101")
    assert "`reporting.periodic`" in diag.hint and "`reporting.periodic`" in hint_in(diag, "id")


def test_missing_section_of_a_provisional_scheme_is_a_warning(tmp_path, library):
    found = check(tmp_path, edit(("scheme: pkm-uji", "scheme: pkm-sementara")), library)
    diag = next(d for d in found if d.code == "PKM101")
    assert diag.severity == WARNING and '"Assets" (`assets`)' in diag.message
    assert "has no clause for section `assets`" in diag.hint


STATUTORY_USES = {"roles": "  use roles.rights_obligations@^1\n", "term": TERM_FIXED + "\n",
                  "dispute": "  use dispute.musyawarah@^1\n", "sanctions": "  use sanctions.basic@^1\n",
                  "language": "  use language.governing@^1\n"}


@pytest.mark.parametrize("scheme", ["pkm-uji", "pkm-ringkas", "pkm-sementara"])
@pytest.mark.parametrize("section", sorted(STATUTORY_USES))
def test_the_statutory_minimum_is_an_error_under_every_scheme(tmp_path, library, scheme, section):
    text = edit(("scheme: pkm-uji", f"scheme: {scheme}"), (STATUTORY_USES[section], ""))
    found = [d for d in check(tmp_path, text, library) if d.code == "PKM101" and f"(`{section}`)" in d.message]
    assert [d.severity for d in found] == [ERROR], (scheme, section)


def test_unequal_seats_with_a_stated_reason_pass_but_a_party_without_seats_does_not(tmp_path, library):
    text = edit((BOARD[0], BOARD[1].replace("organisation_members: 2", "organisation_members: 0\n"
                                            '    seats_reason: "uji" / "test"')))
    found = [d for d in check(tmp_path, text, library) if d.code.startswith("PKM13")]
    assert [d.code for d in found] == ["PKM130"]
    assert "has no members from SECOND PARTY (`yayasan`)" in found[0].message


def test_deprecated_clause_is_left_to_the_resolver(tmp_path, library):
    text = edit(("use language.governing@^1", "use language.governing@0.9.0"))
    path = tmp_path / "agreement.pkm"
    path.write_text(text, encoding="utf-8")
    compiled = compile_agreement(path, library=library)
    assert [d.code for d in compiled.diagnostics] == ["PKM013"]
    assert run_checks(compiled.agreement, library) == []


def test_select_and_ignore_by_code_prefix(tmp_path, library):
    text = edit(("organisation_share: 40%", "organisation_share: 30%"),
                ("starts_on: 2027-01-01", "starts_on: 2026-11-01"))
    assert [d.code for d in check(tmp_path, text, library)] == ["PKM140", "PKM150"]
    assert [d.code for d in check(tmp_path, text, library, select=["PKM14"])] == ["PKM140"]
    assert [d.code for d in check(tmp_path, text, library, ignore=["PKM1"])] == []
    assert [d.code for d in check(tmp_path, text, library, select=["PKM150"], ignore=["PKM15"])] == ["PKM150"]


@pytest.mark.parametrize("code, select, ignore, expected", [
    ("PKM101", [], [], True), ("PKM101", ["PKM1"], [], True), ("PKM013", ["PKM1"], [], False),
    ("PKM162", ["PKM1"], ["PKM16"], False), ("PKM162", ["PKM162"], ["PKM16"], True),
    ("PKM162", ["PKM16"], ["PKM16"], False), ("PKM110", [], ["PKM"], False),
])
def test_longest_prefix_decides(code, select, ignore, expected):
    assert is_selected(code, select, ignore) is expected


def test_diagnostics_come_in_source_order(tmp_path, library):
    text = edit(("members_per_party: 2", "members_per_party: 0"), ("use roles.rights_obligations@^1",
                                                                    "use roles.one_sided@^1"))
    lines = [d.span.line for d in check(tmp_path, text, library)]
    assert lines == sorted(lines)


def test_rupiah_figures_match_across_languages():
    assert parse_number("1.000,00", "id") == parse_number("1,000.00", "en") == Decimal("1000")
    assert parse_number("12,5", "id") == parse_number("12.5", "en") == Decimal("12.5")
    a = figures("Rp2.950.000,00 (dua juta) pada 01-12-2026 sebesar 40% ayat (2)", "id")
    b = figures("IDR 2,950,000.00 (two million) on 1 December 2026 of 40% paragraph (2)", "en")
    assert a == b
    assert a.amounts == {Decimal("2950000")} and a.dates == {datetime.date(2026, 12, 1)} and a.numbers == {2}


def test_terms_are_found_longest_first():
    matcher = TermMatcher(["PIHAK", "PARA PIHAK", "PIHAK PERTAMA"])
    assert matcher.find("PARA PIHAK dan PIHAK PERTAMA") == {"PARA PIHAK", "PIHAK PERTAMA"}
    assert TermMatcher(["calendar days"], plural=True).find("within 1 calendar day") == {"calendar days"}


def test_months_are_added_by_the_calendar():
    assert add_months(datetime.date(2027, 1, 1), 24) == datetime.date(2029, 1, 1)
    # a month that lacks the day: the term has run on the first of the month after (it ends on the last day)
    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 3, 1)
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 3, 1)
    assert add_months(datetime.date(2027, 12, 31), 2) == datetime.date(2028, 3, 1)
    assert add_months(datetime.date(2027, 11, 30), 1) == datetime.date(2027, 12, 30)


def test_every_rule_explains_itself_in_both_languages():
    for rule in RULES.values():
        assert rule.title["id"] and rule.title["en"] and rule.explanation["id"] and rule.explanation["en"]
        assert rule.severity in (ERROR, WARNING)


def test_example_agreement_passes_with_no_error():
    library = load_library(ROOT / "clause_library")
    compiled = compile_agreement(ROOT / "examples" / "kemitraan_kesehatan.pkm", library=library)
    found = list(compiled.diagnostics) + run_checks(compiled.agreement, library)
    assert [f"{d.code} {d.message}" for d in found if d.is_error] == []


@pytest.mark.parametrize("name", ["kehutanan", "kesehatan", "paud"])
def test_templates_pass_with_no_error(name):
    template, data = ROOT / "templates" / f"{name}.pkm", ROOT / "templates" / f"{name}.sample.yaml"
    if not template.is_file():
        pytest.skip(f"templates/{name}.pkm is not there")
    library = load_library(ROOT / "clause_library")
    compiled = compile_agreement(template, library=library, data=data if data.is_file() else None)
    found = list(compiled.diagnostics) + run_checks(compiled.agreement, library)
    assert [f"{d.code} {d.message}" for d in found if d.is_error] == []
