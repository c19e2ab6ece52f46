"""``pkm check``: exit codes, text / JSON / SARIF output, --lang, --select/--ignore, --explain."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import jsonschema
import pytest

from pkm_docs.check_cli import add_check_parser, main

CHECKS = Path(__file__).parents[1] / "fixtures" / "checks"
LIBRARY = CHECKS / "library"
BROKEN = CHECKS / "broken"
SARIF_SCHEMA = Path(__file__).parents[1] / "data" / "sarif-2.1.0.json"
JSON_KEYS = {"code", "severity", "message", "message_id", "message_en", "file", "line", "column", "end_line",
             "end_column", "hint"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(path: Path, *extra: str) -> tuple[int, list[dict]]:
    code, out, _ = run(str(path), "--library", str(LIBRARY), "--format", "json", *extra)
    return code, json.loads(out)


# each broken agreement, its exit code, and the (code, line) of every diagnostic, in order
BROKEN_CASES = [
    ("syntax_error.pkm", 1, [("PKM001", 8)]),
    ("unknown_clause.pkm", 1, [("PKM010", 44)]),
    ("shares_and_dates.pkm", 1, [("PKM140", 54), ("PKM150", 68)]),
    ("one_sided.pkm", 1, [("PKM120", 22), ("PKM130", 49)]),  # PKM130 at the value
    ("parity.pkm", 1, [("PKM110", 54), ("PKM162", 54)]),
    ("warnings_only.pkm", 0, [("PKM013", 75), ("PKM110", 76)]),
]


@pytest.mark.parametrize("name, exit_code, expected", BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_broken_agreements_give_exit_code_and_json(name, exit_code, expected):
    code, found = run_json(BROKEN / name)
    assert code == exit_code
    assert [(d["code"], d["line"]) for d in found] == expected
    for d in found:
        assert set(d) == JSON_KEYS
        assert d["file"] == str(BROKEN / name)
        assert d["severity"] in ("error", "warning", "info")
        assert d["message"] == d["message_en"] and d["column"] >= 1 and d["end_line"] >= d["line"]
        # checks carry Indonesian too; the parser and resolver speak English only
        assert (d["message_id"] is not None) == d["code"].startswith("PKM1")


def test_good_agreement_exits_0_with_an_empty_list():
    assert run_json(CHECKS / "good.pkm") == (0, [])


def test_json_in_indonesian_carries_both_languages():
    _, found = run_json(BROKEN / "shares_and_dates.pkm", "--lang", "id")
    first = found[0]
    assert first["message"] == first["message_id"] == (
        "bagian pada `funding.cost_sharing` berjumlah 60% + 30% = 90%, bukan 100% (10% kurang)")
    assert first["message_en"] == "the shares of `funding.cost_sharing` add up to 60% + 30% = 90%, not 100% (10% short)"
    assert first["hint"] == "sesuaikan `government_share`, `organisation_share` agar berjumlah 100%"


def test_text_output_is_compiler_style_with_caret_and_summary():
    path = BROKEN / "shares_and_dates.pkm"
    code, out, _ = run(str(path), "--library", str(LIBRARY))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"{path}:54:3: PKM140 the shares of `funding.cost_sharing` add up to "
                        "60% + 30% = 90%, not 100% (10% short)")
    assert lines[1] == "   54 |   use funding.cost_sharing@^1 {"
    assert lines[2] == "      |   " + "^" * len("use funding.cost_sharing@^1 {")
    assert lines[3] == "  hint: adjust `government_share`, `organisation_share` so they add up to 100%"
    assert lines[-1] == "2 errors"


def test_text_output_in_indonesian():
    code, out, _ = run(str(BROKEN / "parity.pkm"), "--library", str(LIBRARY), "--lang", "id")
    assert code == 1
    assert "PKM162 Pasal 4 ayat (9): jumlah uang Rp5.000.000,00 hanya dalam teks Indonesia" in out
    assert out.splitlines()[-1] == "1 kesalahan, 1 peringatan"


def test_warnings_alone_exit_0_and_can_be_ignored_by_prefix():
    code, out, _ = run(str(BROKEN / "warnings_only.pkm"), "--library", str(LIBRARY))
    assert code == 0 and out.splitlines()[-1] == "2 warnings"
    assert run_json(BROKEN / "warnings_only.pkm", "--ignore", "PKM110,PKM013") == (0, [])
    _, found = run_json(BROKEN / "warnings_only.pkm", "--select", "PKM0")
    assert [d["code"] for d in found] == ["PKM013"]


def test_selecting_away_an_error_changes_the_exit_code():
    code, found = run_json(BROKEN / "shares_and_dates.pkm", "--ignore", "PKM14", "--ignore", "PKM15")
    assert (code, found) == (0, [])


def test_errors_that_stop_resolution_cannot_be_ignored():
    code, found = run_json(BROKEN / "unknown_clause.pkm", "--ignore", "PKM0")
    assert code == 1 and [d["code"] for d in found] == ["PKM010"]


def test_sarif_output_validates_against_the_schema():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    for name in ("warnings_only.pkm", "one_sided.pkm", "syntax_error.pkm"):
        _, out, _ = run(str(BROKEN / name), "--library", str(LIBRARY), "--format", "sarif")
        log = json.loads(out)
        jsonschema.validate(log, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        driver = log["runs"][0]["tool"]["driver"]
        rules = driver["rules"]
        for result in log["runs"][0]["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            region = result["locations"][0]["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
    pkm120 = next(r for r in rules if r["id"] == "PKM120")
    assert pkm120["defaultConfiguration"] == {"level": "error"}
    assert pkm120["shortDescription"]["text"] == "Party without a right or an obligation"
    assert "PP 28/2018 tentang Kerja Sama Daerah (hak dan kewajiban para pihak; pasal belum diverifikasi)" in (
        pkm120["help"]["text"])
    result = json.loads(run(str(BROKEN / "one_sided.pkm"), "--library", str(LIBRARY), "--format", "sarif")[1])
    first = result["runs"][0]["results"][0]
    assert first["ruleId"] == "PKM120" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("broken/one_sided.pkm")


def test_sarif_with_an_absolute_path_uses_a_file_uri(tmp_path):
    path = tmp_path / "dir with space" / "a.pkm"
    path.parent.mkdir()
    path.write_text((BROKEN / "one_sided.pkm").read_text(encoding="utf-8"), encoding="utf-8")
    _, out, _ = run(str(path), "--library", str(LIBRARY), "--format", "sarif")
    uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and "dir%20with%20space/a.pkm" in uri


def test_explain_prints_what_a_rule_checks_and_its_legal_source():
    code, out, _ = run("--explain", "PKM121")
    assert code == 0
    assert out.startswith("PKM121 government-authority (error)\n")
    assert "must state (a) whom it acts for (`acts_for`" in out and "its authority (`authority`)" in out
    assert "Legal source: PP 28/2018 tentang Kerja Sama Daerah" in out
    assert "Pasal 13" not in out  # an article number not read in the official text is not printed
    code, out, _ = run("--explain", "pkm160", "--lang", "id")
    assert code == 0 and "Dasar hukum: UU 24/2009 tentang Bendera, Bahasa" in out and "Pasal 31" not in out


@pytest.mark.parametrize("argv, message", [
    (["--explain", "PKM1O1"], "unknown code `PKM1O1`"),
    (["--explain", "PKM077"], "unknown code `PKM077`"),
    ([], "give the agreement to check"),
    ([str(CHECKS / "missing.pkm")], "cannot read"),
    ([str(CHECKS / "good.pkm"), "--format", "xml"], "invalid choice: 'xml'"),
    ([str(CHECKS / "good.pkm"), "--select", "E501"], "`E501` in --select is not a code prefix"),
    ([str(CHECKS / "good.pkm"), "--library", str(CHECKS / "no-library")], "does not exist"),
    ([str(CHECKS / "good.pkm"), "--library", str(LIBRARY), "--data", str(CHECKS / "missing.yaml")], "cannot read"),
])
def test_usage_errors_exit_2(argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert message in err


@pytest.mark.parametrize("typed, nearest", [("PKM1O1", "PKM101"), ("pkm12", "PKM120"), ("PKM169", "PKM166")])
def test_unknown_rule_suggests_the_nearest_code(typed, nearest):
    _, _, err = run("--explain", typed)
    assert f"did you mean `{nearest}`?" in err


def test_add_check_parser_registers_the_subcommand():
    parser = argparse.ArgumentParser(prog="pkm")
    add_check_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["check", str(BROKEN / "one_sided.pkm"), "--library", str(LIBRARY), "--format", "json"])
    out = io.StringIO()
    assert args.handler(args, out, io.StringIO()) == 1
    assert [d["code"] for d in json.loads(out.getvalue())] == ["PKM120", "PKM130"]


def test_a_term_that_starts_before_signing_is_hinted_in_the_words_of_its_own_value(tmp_path):
    """A `period` input (`jangka_waktu: {from: ..., until: ...}`) that starts before the signing date: the hint
    said "write `starts_on: 2026-12-15` or later", the name of another clause's parameter, which this data file
    has not got. It says how to write the start of a period."""
    root = Path(__file__).parents[2] / "templates"
    data = tmp_path / "mitra.yaml"
    data.write_text((root / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8").replace(
        "jangka_waktu: {from: 2027-02-01,", "jangka_waktu: {from: 2026-12-01,"), encoding="utf-8")
    code, out, _ = run(str(root / "kehutanan_tiga_pihak.pkm"), "--data", str(data), "--select", "PKM150")
    assert code == 1
    assert "PKM150 `term.period` starts on 1 December 2026, before the agreement is signed (15 December 2026)" in out
    assert "hint: start the term on 2026-12-15 or later (`from: 2026-12-15`)" in out
    assert "starts_on" not in out
    code, out, _ = run(str(root / "kehutanan_tiga_pihak.pkm"), "--data", str(data), "--select", "PKM150",
                       "--lang", "id")
    assert "hint: tetapkan awal jangka waktu 2026-12-15 atau sesudahnya (`from: 2026-12-15`)" in out


@pytest.mark.parametrize("placeholder, message", [
    ("{ref.sanksii}", "no article has the key `sanksii` that `{ref.sanksii}` names"),
    ("{annex.lampiran}", "no annex has the key `lampiran` that `{annex.lampiran}` names"),
    ("{yayasn}", "the text uses `{yayasn}`, which is not an input or a party of the agreement"),
    ("{yayasan.nama}", "`yayasan` has no field `nama`"),
    ("{ref.khusus.9}", "`{ref.khusus.9}` names paragraph (9) of Pasal 25, which has 2 numbered paragraphs"),
])
def test_a_wrong_placeholder_in_adhoc_text_is_reported_where_it_is_written(tmp_path, placeholder, message):
    """In an ad-hoc text, an unknown `{annex.KEY}` was reported at the placeholder, but an unknown `{ref.KEY}`, an
    unknown name or field at the `text {` line that opens the block, however far above it stood."""
    example = Path(__file__).parents[2] / "examples" / "kemitraan_kesehatan.pkm"
    source = tmp_path / "adhoc.pkm"
    lines = example.read_text(encoding="utf-8").splitlines()
    added = ['article khusus "Ketentuan Khusus" / "Special Provisions" {', "  text {", '    id: """',
             "      (1) PARA PIHAK sepakat menanam kopi.", f"      (2) Lihat {placeholder} untuk rinciannya.",
             '      """', '    en: """', "      (1) The PARTIES agree to plant coffee.",
             f"      (2) See {placeholder} for the details.", '      """', "  }", "}"]
    source.write_text("\n".join(lines + added) + "\n", encoding="utf-8")
    code, out, _ = run(str(source), "--ignore", "PKM110")
    assert code == 1
    line = len(lines) + 5
    column = added[4].index(placeholder) + 1
    assert out.startswith(f"{source}:{line}:{column}: PKM028 {message}\n"), out
    assert f"{line} | {added[4]}\n" in out
    assert "^" * len(placeholder) in out
    assert out.count("PKM028") == 1


@pytest.mark.parametrize("old, new, said", [
    ("jangka_waktu: {from: 2027-02-01, until: 2030-01-31}", "jangka_waktu: 2027-02-01",
     "`jangka_waktu`: expected period, e.g. { from: 2027-02-01, until: 2030-01-31 }, got the date 2027-02-01"),
    ('skala_peta: "1:25.000"', "skala_peta: yes", "`skala_peta`: expected text, e.g. \"text\" or \"Indonesian\" / "
     "\"English\", got yes (a yes/no to YAML)"),
    ('skala_peta: "1:25.000"', "skala_peta:", "got nothing (an empty value)"),
])
def test_a_data_file_value_of_the_wrong_kind_is_shown_as_written_not_as_python(tmp_path, old, new, said):
    """A YAML date, yes/no or empty value given where another type is expected was shown as Python writes it:
    "got datetime.date(2027, 2, 1)", "got True", "got None"."""
    root = Path(__file__).parents[2] / "templates"
    data = tmp_path / "mitra.yaml"
    text = (root / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8")
    assert old in text
    data.write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = run(str(root / "kehutanan_tiga_pihak.pkm"), "--data", str(data))
    assert code == 1
    assert said in out, out
    assert "datetime" not in out and "True" not in out and "None" not in out


@pytest.mark.parametrize("old, new, opener, closer", [
    ('kontribusi: {kph: "Rp600.000.000", yayasan: "Rp400.000.000"}',
     'kontribusi: {kph: "Rp600.000.000", yayasan: "Rp400.000.000"', "{", "}"),
    ("kursi_komite: {kph: 2, kth: 2, yayasan: 2}", "kursi_komite: [{kph: 2, kth: 2, yayasan: 2}", "[", "]"),
])
def test_an_unclosed_brace_in_a_data_file_is_hinted_at_the_line_that_opens_it(tmp_path, old, new, opener, closer):
    """A `{` or `[` left open in a YAML data file is noticed at the next line, where YAML stops: the error was
    "expected ',' or '}', but got '<scalar>'" there, with the hint that data files are YAML or JSON."""
    root = Path(__file__).parents[2] / "templates"
    text = (root / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8")
    assert old in text
    data = tmp_path / "mitra.yaml"
    data.write_text(text.replace(old, new), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row == old)
    code, out, _ = run(str(root / "kehutanan_tiga_pihak.pkm"), "--data", str(data))
    assert code == 1
    column = new.index(opener) + 1
    assert f"hint: the `{opener}` on line {line}, column {column} may be missing its closing `{closer}`" in out, out


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_batch_data_given_as_the_data_file_is_told_to_go_to_pkm_batch(tmp_path, suffix):
    """`pkm check T.pkm --data mitra.csv` read the CSV as YAML: "mapping values are not allowed here" at some
    column of row 2, with the hint that data files are YAML or JSON."""
    root = Path(__file__).parents[2] / "templates"
    data = tmp_path / f"mitra{suffix}"
    data.write_text("nomor,tanggal_tanda_tangan\n\"522/1\",2026-12-15\n" if suffix == ".csv"
                    else '{"nomor": "522/1", "tanggal_tanda_tangan": "2026-12-15"}\n', encoding="utf-8")
    code, out, _ = run(str(root / "kehutanan_tiga_pihak.pkm"), "--data", str(data))
    assert code == 1
    assert f"{data}:1:1: PKM030 a {suffix[1:].upper()} file holds batch data" in out, out
    assert f"hint: build one agreement per record with `pkm batch TEMPLATE.pkm {data.name} -o DIR`" in out


EXAMPLE = Path(__file__).parents[2] / "examples" / "kemitraan_kesehatan.pkm"
THREE_PARTY = Path(__file__).parents[2] / "templates" / "kehutanan_tiga_pihak"


@pytest.mark.parametrize("where, pattern, empty, message", [
    ("source", r"activities: .*?\n  \}", "activities: []\n  }", "`activities`: a list has at least one item"),
    ("source", r"rows: \[.*?\n    \]", "rows: []", "`rows`: a table has at least one row"),
    ("data", r"^kegiatan_kemitraan:\n(  - .*\n)+", "kegiatan_kemitraan: []\n",
     "`kegiatan_kemitraan`: a list has at least one item"),
    ("data", r"^anggota_kelompok:\n(  - .*\n)+", "anggota_kelompok: []\n",
     "`anggota_kelompok`: a table has at least one row"),
])
def test_an_empty_list_or_table_is_an_error_not_a_sentence_that_ends_in_a_colon(tmp_path, where, pattern, empty,
                                                                                 message):
    """`activities: []` built "(3) Ruang lingkup Perjanjian ini meliputi kegiatan:" followed by nothing, and
    `rows: []` an annex that says the work plan "is as follows:" above an empty table."""
    import re

    original = EXAMPLE if where == "source" else THREE_PARTY.with_suffix(".sample.yaml")
    text, count = re.subn(pattern, empty, original.read_text(encoding="utf-8"), count=1,
                          flags=re.S if where == "source" else re.M)
    assert count == 1
    broken = tmp_path / ("kosong.pkm" if where == "source" else "kosong.yaml")
    broken.write_text(text, encoding="utf-8")
    if where == "source":
        code, out, _ = run(str(broken))
    else:
        code, out, _ = run(str(THREE_PARTY.with_suffix(".pkm")), "--data", str(broken))
    assert code == 1
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "[]" in row)
    assert f"{broken}:{line}:" in out and message in out, out


@pytest.mark.parametrize("placeholder, hint", [
    ("{ref.rencana_kerja}", "hint: `rencana_kerja` is the key of an annex: write `{annex.rencana_kerja}`"),
    ("{annex.khusus}", "hint: `khusus` is the key of an article: write `{ref.khusus}`"),
])
def test_a_reference_to_an_annex_as_an_article_or_back_says_which_to_write(tmp_path, placeholder, hint):
    """`{ref.rencana_kerja}`, with rencana_kerja an annex, was hinted "give the article a key"; `{annex.khusus}`,
    with khusus an article, "add the annex"."""
    source = tmp_path / "ref.pkm"
    source.write_text(EXAMPLE.read_text(encoding="utf-8") + f'''
article khusus "Ketentuan Khusus" / "Special Provisions" {{
  text {{ id: """(1) Lihat {placeholder}.""" en: """(1) See {placeholder}.""" }}
}}
''', encoding="utf-8")
    code, out, _ = run(str(source), "--ignore", "PKM110")
    assert code == 1
    assert "PKM028" in out and hint in out, out
