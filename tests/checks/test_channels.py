"""How public money reaches an organisation: a government party's money goes by a declared channel (PKM145), the
channel agrees with the payments (PKM146), and the receiving account is a typed value; what a user sees is read
through `pkm check`, `pkm library list` and a built DOCX."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from pkm_docs.cli import main
from tests.support.read_back import docx_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "examples" / "kemitraan_kesehatan.pkm").read_text(encoding="utf-8")
THREE = (ROOT / "templates" / "kehutanan_tiga_pihak.pkm").read_text(encoding="utf-8")
THREE_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"

#: the example's article that names the channel of the Dinas's money
HIBAH = EXAMPLE[EXAMPLE.index("article {\n  use funding.hibah"):
                EXAMPLE.index("article {\n  use finance.accountability")]


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def check(tmp_path: Path, text: str, *extra) -> tuple[Path, list[dict], str]:
    path = tmp_path / "perjanjian.pkm"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("check", path, *extra, "--format", "json")
    assert code in (0, 1), err
    return path, [d for d in json.loads(out) if d["code"] != "PKM108"], err


def place(text: str, needle: str) -> tuple[int, int]:
    """The line and column (1-based) where ``needle`` first stands in ``text``."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


@pytest.mark.slow
def test_the_example_and_every_template_name_the_channel_of_their_public_money():
    assert "use funding.hibah@^1" in EXAMPLE and "use funding.cost_sharing@^3" in EXAMPLE
    channels = {"kesehatan": "funding.hibah", "paud": "funding.swakelola_type_iii",
                "kehutanan_tiga_pihak": "funding.non_budget", "kehutanan": "funding.non_budget"}
    for name, clause in channels.items():
        assert f"use {clause}@^1" in (ROOT / "templates" / f"{name}.pkm").read_text(encoding="utf-8"), name
        code, out, _ = run("check", ROOT / "templates" / f"{name}.pkm", "--data",
                             ROOT / "templates" / f"{name}.sample.yaml", "--format", "json")
        assert code == 0 and not [d for d in json.loads(out) if d["severity"] == "error"], (name, out)
    code, out, _ = run("check", ROOT / "examples" / "kemitraan_kesehatan.pkm", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_public_money_with_no_channel_is_an_error_at_the_value_that_holds_it(tmp_path):
    text = EXAMPLE.replace(HIBAH, "")
    path, found, _ = check(tmp_path, text)
    line, column = place(text, "{ dinkes: Rp665.000.000")
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("PKM145", line, column)]
    assert found[0]["severity"] == "error"
    assert found[0]["message"] == ("`funding.cost_sharing` holds money of the FIRST PARTY (`dinkes`, a government "
                                   "party), but no clause names its channel")
    assert found[0]["message_id"] == ("`funding.cost_sharing` memuat uang PIHAK PERTAMA (`dinkes`, pihak "
                                      "pemerintah), tetapi tidak ada klausul yang menyebut salurannya")
    assert "`funder: dinkes`" in found[0]["hint"]
    code, _, err = run("build", path, "-o", tmp_path / "out")
    assert code == 1 and not (tmp_path / "out").exists()
    assert f"{path}:{line}:{column}: PKM145" in err


def test_three_parties_two_funders_only_the_government_funder_needs_a_channel(tmp_path):
    without = THREE.replace("article { use funding.non_budget@^1 { funder: kph } }\n", "")
    assert without != THREE
    _, found, _ = check(tmp_path, without, "--data", THREE_DATA)
    assert [(d["code"], d["file"].endswith(".yaml")) for d in found] == [("PKM145", True)]
    assert "(`kph`, a government party)" in found[0]["message"]  # the foundation's own money needs none
    data = THREE_DATA.read_text(encoding="utf-8")
    assert found[0]["line"] == data[:data.index("kontribusi:")].count("\n") + 1

    # the foundation as a second government funder: its money needs a channel of its own
    both = THREE.replace("party yayasan {\n  role: organisation", "party yayasan {\n  role: government")
    assert both != THREE
    _, found, _ = check(tmp_path, both, "--data", THREE_DATA)
    found = [d for d in found if d["code"] != "PKM121"]  # as a government party it also lacks a dated surat kuasa
    assert [d["code"] for d in found] == ["PKM145"] and "(`yayasan`, a government party)" in found[0]["message"]
    fixed = both.replace("article { use funding.non_budget@^1 { funder: kph } }\n",
                         "article { use funding.non_budget@^1 { funder: kph } }\n"
                         "article { use funding.non_budget@^1 { funder: yayasan } }\n")
    _, found, _ = check(tmp_path, fixed, "--data", THREE_DATA)
    assert [d["code"] for d in found if d["severity"] == "error" and d["code"] != "PKM121"] == []


def test_support_without_transfer_may_not_come_with_a_payment_to_an_organisation(tmp_path):
    text = THREE.replace("article { use assets.ownership@^1 }\n", "article { use assets.ownership@^1 }\n"
                         "article { use funding.disbursement@^2 { funder: kph  recipient: kth  tranches: 2"
                         "  first_tranche: 50% } }\n")
    _, found, _ = check(tmp_path, text, "--data", THREE_DATA)
    line, column = place(text, "kph  recipient: kth")
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("PKM146", line, column)]
    assert found[0]["message"] == ("`funding.disbursement` pays money of the FIRST PARTY to the SECOND PARTY, but "
                                   "`funding.non_budget` says its support involves no transfer of funds")
    assert found[0]["message_id"] == ("`funding.disbursement` membayarkan uang PIHAK PERTAMA kepada PIHAK KEDUA, "
                                      "padahal `funding.non_budget` menyatakan dukungannya tanpa penyaluran dana")


def test_a_grant_to_one_organisation_is_no_ground_for_paying_another(tmp_path):
    text = THREE.replace(
        "article { use funding.non_budget@^1 { funder: kph } }\n",
        'article { use funding.hibah@^1 { funder: kph  recipient: kth  bank: "Bank NTB Syariah"  '
        'account_number: "0010 2000 3456"  account_holder: "Kelompok Tani Hutan Wana Lestari Sesaot" } }\n'
        "article { use funding.disbursement@^2 { funder: kph  recipient: yayasan  tranches: 2"
        "  first_tranche: 50% } }\n")
    _, found, _ = check(tmp_path, text, "--data", THREE_DATA)
    line, column = place(text, "kph  recipient: yayasan")
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("PKM146", line, column)]
    assert found[0]["message"] == ("`funding.disbursement` pays money of the FIRST PARTY to the THIRD PARTY "
                                   "(`yayasan`), but its channel covers `kth` only")


def test_a_receiving_account_in_another_name_and_a_channel_from_an_organisation_are_errors(tmp_path):
    text = EXAMPLE.replace('account_holder: "Yayasan Kasih Ibu Flobamora"', 'account_holder: "Yohana Ndun"')
    _, found, _ = check(tmp_path, text)
    line, column = place(text, '"Yohana Ndun"')
    assert [(d["code"], d["line"], d["column"]) for d in found] == [("PKM146", line, column)]
    assert found[0]["message"] == ('the account in `funding.hibah` is held by "Yohana Ndun", not by the recipient '
                                   '"Yayasan Kasih Ibu Flobamora"')
    text = EXAMPLE.replace(HIBAH, HIBAH.replace("funder: dinkes", "funder: yayasan"))
    _, found, _ = check(tmp_path, text)
    codes = [d["code"] for d in found]
    assert "PKM145" in codes and "PKM146" in codes  # the Dinas's money still has no channel
    assert any(d["message"] == "`funding.hibah` names the SECOND PARTY (`yayasan`) as funder, but that party is "
               "not a government party" for d in found)


@pytest.mark.parametrize("written, message", [
    ('"001-AB-12"', "`account_number`: `001-AB-12` is not an account number"),
    ('"1234"', "`account_number`: `1234` is not an account number"),
    ('"001" / "002"', "`account_number`: an account number is the same in every language"),
])
def test_an_account_number_that_is_not_one_is_reported_at_its_value(tmp_path, written, message):
    text = EXAMPLE.replace('"001.01.02.012345-6"', written)
    path = tmp_path / "perjanjian.pkm"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("check", path)
    line, column = place(text, written)
    assert code == 1 and f"{path}:{line}:{column}: PKM015 {message}" in out + err


def test_an_account_number_read_as_a_number_from_a_data_file_asks_for_quotes(tmp_path):
    sample = (ROOT / "templates" / "kesehatan.sample.yaml").read_text(encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text(sample.replace('nomor_rekening: "001.01.02.012345-6"', "nomor_rekening: 0010102012"),
                    encoding="utf-8")
    code, out, err = run("check", ROOT / "templates" / "kesehatan.pkm", "--data", data)
    err = out + err
    assert code == 1 and "was read as a number, which drops leading zeros" in err and "put it in quotes" in err
    assert f"{data}:" in err


CHANNEL_CLAUSE = '''clause uji.hibah 1.0.0 {
  status: model
  section: funding_channel
  channel: hibah
  title: "Uji" / "Test"
  param funder: party means funder
  text {
    id: """(1) Hibah dari {funder}."""
    en: """(1) A grant from the {funder}."""
  }
}
'''


@pytest.mark.parametrize("text, message, words", [
    (CHANNEL_CLAUSE.replace("channel: hibah", "channel: hiba"), "unknown channel `hiba`", " hiba\n"),
    (CHANNEL_CLAUSE.replace("  param funder: party means funder\n", "").replace("{funder}", "PIHAK"),
     "clause `uji.hibah` declares a channel but not whose money it carries", "channel:"),
])
def test_a_channel_the_checks_cannot_read_is_a_library_error(tmp_path, text, message, words):
    path = tmp_path / "clauses.pkm"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("library", "--library", tmp_path, "list")
    line, column = place(text, words)
    column += words.startswith(" ")  # the value after the blank
    assert code == 1 and f"{path}:{line}:{column}: PKM023 {message}" in out + err


def test_the_built_example_prints_the_channel_and_the_integrity_clauses(tmp_path):
    code, _, err = run("build", ROOT / "examples" / "kemitraan_kesehatan.pkm", "-o", tmp_path, "--format", "docx")
    assert code == 0, err
    text = " ".join(docx_text((tmp_path / "kemitraan_kesehatan.docx").read_bytes()).split())
    for words in ("Naskah Perjanjian Hibah Daerah (NPHD)", "nomor rekening: 001.01.02.012345-6",
                  "account number: 001.01.02.012345-6", "nama pemegang rekening: Yayasan Kasih Ibu Flobamora",
                  "Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah",
                  "Government Regulation Number 12 of 2019 on Regional Financial Management",
                  "ketentuan peraturan perundang-undangan di bidang perpajakan",
                  "the laws and regulations on taxation",
                  "bergantung pada ketersediaan anggaran dalam Anggaran Pendapatan dan Belanja Daerah setiap tahun",
                  "PIHAK PERTAMA: Rp665.000.000,00 (enam ratus enam puluh lima juta rupiah)",
                  "Pernyataan dan Jaminan", "Representations and Warranties",
                  "tidak dibiayai pula dari sumber lain", "are not also funded from another source",
                  "Antikorupsi dan Integritas", "Anti-Corruption and Integrity", "gratifikasi", "pakta integritas",
                  "integrity pact", "benturan kepentingan", "conflicts of interest",
                  "Pertanggungjawaban Keuangan", "Keterbukaan Informasi", "Pemberitahuan", "Notices",
                  "dinkes@example.go.id"):
        assert words in text, words
    assert not re.search(r"\{[a-z_.]+\}", text)


def test_pkm_library_show_says_which_channel_a_clause_uses():
    code, out, _ = run("library", "show", "funding.swakelola_type_iii@1.0.0")
    assert code == 0
    assert ("  channel:  swakelola_tipe_iii (Type III self-managed procurement carried out by a community "
            "organisation)") in out.splitlines()
    assert "  param account_number: account_number means account_number" in out.splitlines()
    code, out, _ = run("library", "show", "funding.cost_sharing@3.0.0")
    assert code == 0 and "channel:" not in out
