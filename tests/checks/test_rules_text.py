"""The text checks (checks/rules_text.py): figures and words (PKM144), a duration against its dates (PKM154), dates
that do not exist (PKM155) or fall outside the term (PKM156) and negation or modality that differs between the
languages (PKM166), in library clauses and ad-hoc text, in two- and three-party agreements."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from pkm_docs.check_cli import main as check_main
from pkm_docs.checks import message_in, run_checks
from pkm_docs.checks.rules_text import modality_difference, stated_period, words_pairs, written_dates
from pkm_docs.cli import main as cli_main
from pkm_docs.library import load_library
from pkm_docs.pipeline import compile_agreement

from tests.support.checks import CHECKS, check, edit, extra, line_of

ROOT = Path(__file__).resolve().parents[2]
TEXT_RULES = ("PKM144", "PKM154", "PKM155", "PKM156", "PKM166")


# ---- what the rules read ----------------------------------------------------------------------------


def test_only_number_words_in_brackets_are_read():
    pairs = list(words_pairs("Pasal 1 (Ketentuan Umum), Nomor 28 (PP 28), rangkap 2 (dua), 40% (empat puluh "
                             "persen), 5% (lima), Rp10.000,00 (sepuluh ribu rupiah), 3 (and)", "id"))
    assert [(p.kind, p.value, p.said) for p in pairs] == [
        ("count", 2, 2), ("percent", 40, 40), ("percent", 5, 5), ("amount", 10000, 10000)]


def test_dates_are_read_in_every_form_and_the_impossible_ones_kept():
    found = written_dates("2027-02-30, 30-02-2027, 30 Februari 2027, February 30, 2027, 31 April, 29 Februari")
    assert [(d.written, d.date is None) for d in found] == [
        ("2027-02-30", True), ("30-02-2027", True), ("30 Februari 2027", True), ("February 30, 2027", True),
        ("31 April", True), ("29 Februari", False)]


def test_decimal_counts_are_read_with_their_fraction():
    pairs = list(words_pairs("125,5 (seratus dua puluh lima koma lima) ha dan 2,5 (dua koma tiga) ha", "id"))
    assert [(p.value, p.said) for p in pairs] == [(Decimal("125.5"), Decimal("125.5")),
                                                  (Decimal("2.5"), Decimal("2.3"))]


def test_the_issue_s_period_is_read():
    text = ("Perjanjian ini berlaku selama 24 (dua puluh empat) bulan terhitung sejak tanggal 1 Februari 2027 dan "
            "berakhir pada tanggal 31 Januari 2030.")
    period = stated_period(text, "id")
    assert period is not None and (period.months, period.start.year, period.end.year) == (24, 2027, 2030)
    english = ("This Agreement is in force for 24 (twenty-four) months commencing on 1 February 2027 and shall "
               "expire on 31 January 2030.")
    assert stated_period(english, "en") == period


def test_a_period_needs_one_duration_one_start_and_one_end():
    period = stated_period("selama 2 (dua) tahun, sejak 2027-02-01 hingga 2029-01-31", "id")
    assert period is not None and period.months == 24
    assert stated_period("ditandatangani pada 1 Desember 2026, berlaku 2 (dua) tahun sejak 1 Januari 2027",
                         "id") is None
    assert stated_period("for 6 (six) months or 1 (one) year, from 1 March 2027 until 31 August 2027", "en") is None


# ---- negation and modality -------------------------------------------------------------------------------


def test_a_reversed_obligation_is_caught():
    assert modality_difference("PIHAK KEDUA tidak berkewajiban mengembalikan dana.", "id",
                               "The SECOND PARTY shall return the funds.", "en") == ("negation", "tidak", "shall", "a")
    assert modality_difference("PIHAK KEDUA wajib mengembalikan dana.", "id",
                               "The SECOND PARTY may return the funds.", "en") == ("modality", "wajib", "may", "a")


@pytest.mark.parametrize("id_text, en_text", [
    ("PIHAK KEDUA tidak berkewajiban mengembalikan dana.", "The SECOND PARTY shall not be obliged to return funds."),
    ("Laporan disampaikan paling lambat 7 (tujuh) hari.", "The report shall be submitted no later than 7 days."),
    ("Lampiran merupakan bagian yang tidak terpisahkan dari Perjanjian ini.", "The annex is an integral part."),
    ("PIHAK yang tidak dapat melaksanakan kewajibannya dibebaskan.", "A PARTY unable to perform shall be released."),
    ("Ketentuan yang tidak sah diganti.", "A provision that is invalid shall be replaced."),
    ("PIHAK KEDUA dapat mengajukan usul.", "The SECOND PARTY may make a proposal."),
])
def test_faithful_translations_pass(id_text, en_text):
    assert modality_difference(id_text, "id", en_text, "en") is None


def test_the_shipped_library_gives_no_modality_warning():
    """Every paragraph and item of every clause of the shipped library (reviewed translations) passes PKM166."""
    library = load_library(ROOT / "clause_library")
    found = []
    for versions in library.clauses.values():
        for clause in versions:
            for block_id, block_en in zip(clause.blocks["id"], clause.blocks["en"]):
                for a, b in [(block_id.text, block_en.text), *zip(block_id.items, block_en.items)]:
                    if modality_difference(a, "id", b, "en"):
                        found.append((clause.ref, a))
    assert found == []


# ---- the rules through run_checks and `pkm check` ------------------------------------------------------


def uses(clause: str) -> tuple[str, str]:
    """An edit that appends an article using a clause of the checks library."""
    last = "  use language.governing@^1\n}\n"
    return (last, f"{last}\narticle {{\n  use {clause}@^1\n}}\n")


@pytest.fixture(scope="module")
def library():
    return load_library(CHECKS / "library")


# code, the library clause that breaks it, the English and the Indonesian message
LIBRARY_BREAKS = [
    ("PKM144", "uji.amount_words",
     'Article 10 paragraph (1): the Indonesian text writes 3 in words as "dua", which is 2',
     'Pasal 10 ayat (1): teks Indonesia menulis 3 dengan huruf "dua", yang bernilai 2'),
    ("PKM154", "uji.period",
     "Article 10 paragraph (1): the Indonesian text states 24 (twenty-four) months from 1 February 2027, which "
     "ends on 31 January 2029, not 31 January 2030",
     "Pasal 10 ayat (1): teks Indonesia menyebut 24 (dua puluh empat) bulan sejak 1 Februari 2027, yang berakhir "
     "31 Januari 2029, bukan 31 Januari 2030"),
    ("PKM155", "uji.report_date",
     'Article 10 paragraph (1): the Indonesian text names the date "30 Februari 2027", which does not exist',
     'Pasal 10 ayat (1): teks Indonesia menyebut tanggal "30 Februari 2027", yang tidak ada'),
    ("PKM156", "uji.late_report",
     "Article 10 paragraph (1): the Indonesian text sets 31 March 2031, after the agreement ends on 31 December 2028",
     "Pasal 10 ayat (1): teks Indonesia menetapkan 31 Maret 2031, sesudah perjanjian berakhir pada 31 Desember 2028"),
    ("PKM166", "uji.refund",
     'Article 10 paragraph (1): the Indonesian text has the negation "tidak" but the English text has none (the '
     'English text says "shall")',
     'Pasal 10 ayat (1): teks Indonesia memuat negasi "tidak", teks Inggris tidak memuat negasi (teks Inggris '
     'berkata "shall")'),
]


@pytest.mark.parametrize("code, clause, message_en, message_id", LIBRARY_BREAKS, ids=[c[0] for c in LIBRARY_BREAKS])
def test_a_library_clause_breaks_the_rule_at_its_use(tmp_path, library, code, clause, message_en, message_id):
    text = edit(uses(clause))
    found = [d for d in check(tmp_path, text, library) if d.code in TEXT_RULES]
    # uji.period's stated end, 31 January 2030, is also after the agreement's own end (31 December 2028)
    also = {"PKM156"} if code == "PKM154" else set()
    assert found and {d.code for d in found} == {code} | also
    diag = found[0]
    assert diag.span is not None and diag.span.line == line_of(text, f"use {clause}")
    assert diag.message == message_en and message_in(diag, "id") == message_id


def test_number_words_that_form_no_number_are_reported_with_the_right_words(tmp_path, library):
    text = edit(extra("(1) Hibah sebesar Rp1.001.250.000,00 (satu miliar seribu dua ratus lima puluh ribu rupiah).",
                      "(1) A grant of IDR 1,001,250,000.00 (one billion one million two hundred fifty thousand "
                      "rupiah)."))
    found = [d for d in check(tmp_path, text, library) if d.code == "PKM144"]
    assert [d.message.split(": ", 1)[1] for d in found] == [
        'the Indonesian text writes Rp1.001.250.000,00 in words as "satu miliar seribu dua ratus lima puluh ribu '
        'rupiah", which is not a well-formed number']
    assert found[0].hint == 'write "Rp1.001.250.000,00 (satu miliar satu juta dua ratus lima puluh ribu rupiah)"'


def test_the_english_text_is_read_too(tmp_path, library):
    found = [d for d in check(tmp_path, edit(uses("uji.amount_words")), library) if d.code == "PKM144"]
    assert [d.message.split(": ", 1)[1] for d in found] == [
        'the Indonesian text writes 3 in words as "dua", which is 2',
        'the English text writes 3 in words as "two", which is 2']


def run_check(*argv: str) -> tuple[int, list[dict]]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_main(["check", *argv, "--format", "json"], stdout=out, stderr=err)
    return code, json.loads(out.getvalue())


def test_pkm_check_reports_a_library_clause_of_a_two_party_agreement(tmp_path):
    path = tmp_path / "agreement.pkm"
    text = edit(uses("uji.refund"))
    path.write_text(text, encoding="utf-8")
    code, found = run_check(str(path), "--library", str(CHECKS / "library"))
    assert code == 0  # PKM166 is a warning
    assert [(d["code"], d["line"]) for d in found] == [("PKM166", line_of(text, "use uji.refund"))]
    assert found[0]["message_id"].startswith('Pasal 10 ayat (1): teks Indonesia memuat negasi "tidak"')


THREE_PARTIES = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_PARTIES_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"

# code, Indonesian and English ad-hoc paragraph, the English message of the finding
AD_HOC_THREE_PARTIES = [
    ("PKM144", "(1) PIHAK KETIGA menyumbang Rp2.950.000,00 (dua juta sembilan ratus ribu rupiah).",
     "(1) The THIRD PARTY contributes IDR 2,950,000.00 (two million nine hundred fifty thousand rupiah).",
     'the Indonesian text writes Rp2.950.000,00 in words as "dua juta sembilan ratus ribu rupiah", which is '
     "IDR 2,900,000.00"),
    ("PKM154", "(1) Pendampingan oleh PIHAK KETIGA berlangsung selama 2 (dua) tahun, sejak tanggal 1 Februari 2027 "
     "sampai dengan tanggal 31 Januari 2030.",
     "(1) Assistance by the THIRD PARTY runs for 2 (two) years, from 1 February 2027 up to and including "
     "31 January 2030.",
     "the Indonesian text states 2 (two) years from 1 February 2027, which ends on 31 January 2029, not "
     "31 January 2030"),
    ("PKM155", "(1) PIHAK KETIGA menyampaikan laporan pada tanggal 31 April 2027.",
     "(1) The THIRD PARTY submits a report on 31 April 2027.",
     'the Indonesian text names the date "31 April 2027", which does not exist'),
    ("PKM156", "(1) PIHAK KETIGA menyerahkan laporan akhir paling lambat tanggal 30 Juni 2030.",
     "(1) The THIRD PARTY delivers the final report no later than 30 June 2030.",
     "the Indonesian text sets 30 June 2030, after the agreement ends on 31 January 2030"),
    ("PKM166", "(1) PIHAK KETIGA tidak berkewajiban mengembalikan dana.", "(1) The THIRD PARTY shall return the funds.",
     'the Indonesian text has the negation "tidak" but the English text has none (the English text says "shall")'),
]


def three_party_agreement(tmp_path: Path, id_text: str, en_text: str) -> tuple[Path, str]:
    source = THREE_PARTIES.read_text(encoding="utf-8")
    article = (f'article "Ketentuan Lain" / "Other Provisions" {{\n  text {{\n    id: """{id_text}"""\n'
               f'    en: """{en_text}"""\n  }}\n}}\n\n')
    assert source.count("closing {") == 1
    text = source.replace("closing {", article + "closing {")
    path = tmp_path / "tiga_pihak.pkm"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("code, id_text, en_text, message", AD_HOC_THREE_PARTIES,
                         ids=[c[0] for c in AD_HOC_THREE_PARTIES])
def test_pkm_check_reports_ad_hoc_text_of_a_three_party_agreement(tmp_path, code, id_text, en_text, message):
    path, text = three_party_agreement(tmp_path, id_text, en_text)
    exit_code, found = run_check(str(path), "--data", str(THREE_PARTIES_DATA))
    ours = [d for d in found if d["code"] in TEXT_RULES]
    assert [d["code"] for d in ours][:1] == [code] and {d["code"] for d in ours} == {code}
    # the line and column of the words it reports, inside the text block (a duration against its dates: the end)
    needle = {"PKM144": "Rp", "PKM154": "31 Januari 2030", "PKM155": "31 April 2027", "PKM156": "30 Juni 2030",
              "PKM166": "tidak"}[code]
    line = line_of(text, '    id: """', last=True)
    row = text.splitlines()[line - 1]
    assert (ours[0]["line"], ours[0]["column"]) == (line, row.index(needle) + 1)
    # the added article stands before the closing: its number is one more than the articles before it
    before = text[:text.index('article "Ketentuan Lain"')]
    number = sum(1 for row in before.splitlines() if row.startswith("article ")) + 1
    assert ours[0]["message"] == f"Article {number} paragraph (1): {message}"
    assert exit_code == (0 if code in ("PKM156", "PKM166") else 1)


def test_the_three_party_agreement_with_faithful_ad_hoc_text_gives_no_text_finding(tmp_path):
    path, _ = three_party_agreement(
        tmp_path, "(1) PIHAK KETIGA menyumbang Rp2.950.000,00 (dua juta sembilan ratus lima puluh ribu rupiah) "
        "selama 24 (dua puluh empat) bulan, sejak tanggal 1 Februari 2027 sampai dengan tanggal 31 Januari 2029, "
        "dan tidak berkewajiban mengembalikan dana.",
        "(1) The THIRD PARTY contributes IDR 2,950,000.00 (two million nine hundred fifty thousand rupiah) for "
        "24 (twenty-four) months, from 1 February 2027 up to and including 31 January 2029, and shall not be "
        "obliged to return the funds.")
    _, found = run_check(str(path), "--data", str(THREE_PARTIES_DATA))
    assert [d for d in found if d["code"] in TEXT_RULES] == []


def test_pkm_check_explains_the_new_rules():
    for code in TEXT_RULES:
        out = io.StringIO()
        assert check_main(["--explain", code], stdout=out, stderr=io.StringIO()) == 0
        assert code in out.getvalue()


@pytest.mark.parametrize("name", ["kemitraan_kesehatan", "kehutanan", "kehutanan_tiga_pihak", "kesehatan", "paud"])
def test_shipped_agreements_give_no_text_finding(name):
    source = ROOT / ("examples" if name == "kemitraan_kesehatan" else "templates") / f"{name}.pkm"
    data = source.with_suffix(".sample.yaml")
    library = load_library(ROOT / "clause_library")
    compiled = compile_agreement(source, library=library, data=data if data.is_file() else None)
    assert [f"{d.code} {d.message}" for d in run_checks(compiled.agreement, library, select=list(TEXT_RULES))] == []
