"""Annexes (lampiran): numbered after the signatures in both outputs, referred to by key, their tables typed and
checked: a budget that does not add up to the funding clause (PKM180), an annex named that is not there (PKM181).

Everything goes through the ``pkm`` program and the files it writes, read back as a reader would (the PDF's
text, pandoc's reading of the DOCX).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.support.read_back import docx_text
from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
TEMPLATES = ROOT / "templates"


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def findings(source: Path, *extra: object) -> list[dict]:
    code, out, err = run("check", source, *extra, "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


def written(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(*replacements: tuple[str, str], text: str | None = None) -> str:
    text = EXAMPLE.read_text(encoding="utf-8") if text is None else text
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_col(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("annexes")
    code, _, err = run("build", EXAMPLE, "-o", out)
    assert code == 0, err
    return out


def page_texts(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(pdf)).pages]


# ---- both outputs ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_annexes_follow_the_signatures_each_on_its_own_page_numbered_in_both_languages(built):
    pages = page_texts(built / "kemitraan_kesehatan.pdf")
    signing = max(i for i, text in enumerate(pages) if "Saksi-saksi" in text)
    assert [i for i, text in enumerate(pages) if "LAMPIRAN I " in text] == [signing + 1]
    assert [i for i, text in enumerate(pages) if "LAMPIRAN II " in text] == [signing + 2]
    work_plan, budget = pages[signing + 1], pages[signing + 2]
    assert "LAMPIRAN I Rencana Kerja" in work_plan and "ANNEX I Work Plan" in work_plan
    assert "LAMPIRAN II Rincian Anggaran" in budget and "ANNEX II Budget Breakdown" in budget
    # the same header and initials boxes as every page
    for text in (work_plan, budget):
        assert "Nomor / Number: 440/1127/DINKES/XII/2026" in text and text.count("Paraf / Initials") == 2
    # the tables: headings, typed cells (parties by their alias, amounts per language), the total
    assert "Kegiatan Jadwal Penanggung Jawab" in work_plan and "Activity Schedule Responsible Party" in work_plan
    assert "Uraian Sumber Dana Jumlah" in budget and "Item Funded by Amount" in budget
    assert "PIHAK PERTAMA Rp390.000.000,00" in budget and "FIRST PARTY IDR 390,000,000.00" in budget
    assert "Jumlah Rp950.000.000,00" in budget and "Total IDR 950,000,000.00" in budget
    # the article that lists them
    whole = " ".join(pages[:signing + 1])
    assert "Lampiran I: Rencana Kerja; dan" in whole and "Annex II: Budget Breakdown." in whole


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_the_docx_holds_the_annexes_after_the_signatures_with_real_tables(built):
    text = subprocess.run(["pandoc", str(built / "kemitraan_kesehatan.docx"), "-t", "plain", "--columns", "400"],
                          capture_output=True, text=True, check=True).stdout
    signatures = text.index("Saksi-saksi")
    first, second = text.index("LAMPIRAN I "), text.index("LAMPIRAN II ")  # the language columns side by side
    assert signatures < first < second and "ANNEX II" in text[second:]
    assert "Rincian Anggaran" in text[second:] and "Budget Breakdown" in text[second:]
    budget = text[second:]
    assert re.search(r"Uraian\s+Sumber Dana\s+Jumlah", budget)
    assert re.search(r"Transportasi pendamping persalinan\s+PIHAK KEDUA\s+Rp180\.000\.000,00", budget)
    assert re.search(r"Jumlah\s+Rp950\.000\.000,00", budget)
    with zipfile.ZipFile(built / "kemitraan_kesehatan.docx") as package:
        body = package.read("word/document.xml")
    assert body.count(b"<w:tblHeader/>") == 4  # each annex table's heading row repeats (id and en)


@pytest.mark.slow
def test_a_reference_by_key_prints_the_annex_number(tmp_path):
    source = written(tmp_path, "rujukan.pkm", edited((
        "article { use annex.list@^1 }",
        'article { use annex.list@^1 }\n\narticle "Rujukan" / "Reference" {\n  text {\n'
        '    id: "Rincian biaya tercantum dalam {annex.rincian_anggaran}."\n'
        '    en: "The costs are set out in {annex.rincian_anggaran}."\n  }\n}')))
    code, _, err = run("build", source, "-o", tmp_path / "out", "--format", "pdf")
    assert code == 0, err
    whole = " ".join(page_texts(tmp_path / "out" / "rujukan.pdf"))
    assert "Rincian biaya tercantum dalam Lampiran II." in whole
    assert "The costs are set out in Annex II." in whole


def test_an_unknown_annex_key_is_an_error_at_the_placeholder_with_a_suggestion(tmp_path):
    text = edited(("article { use annex.list@^1 }",
                   'article { use annex.list@^1 }\n\narticle "Rujukan" / "Reference" {\n  text {\n'
                   '    id: "Lihat {annex.rincian_anggran}."\n    en: "See {annex.rincian_anggaran}."\n  }\n}'))
    source = written(tmp_path, "salah.pkm", text)
    code, _, err = run("build", source, "-o", tmp_path / "out")
    assert code == 1 and not (tmp_path / "out").exists()
    line, column = line_col(text, "{annex.rincian_anggran}")
    assert f"salah.pkm:{line}:{column}: PKM028 no annex has the key `rincian_anggran`" in err
    assert "^" * len("{annex.rincian_anggran}") in err
    assert "did you mean `rincian_anggaran`?" in err


@pytest.mark.slow
def test_annexes_are_numbered_in_the_order_written_and_a_false_condition_skips_one(tmp_path):
    text = edited(("annex rencana_kerja {", "input pakai_rencana: boolean default no\n\nannex rencana_kerja {"),
                  ("  use annex.work_plan@^1 {", "  use annex.work_plan@^1 when pakai_rencana {"))
    source = written(tmp_path, "tanpa.pkm", text)
    code, _, err = run("build", source, "-o", tmp_path / "out", "--format", "pdf")
    assert code == 0, err
    whole = " ".join(page_texts(tmp_path / "out" / "tanpa.pdf"))
    assert "LAMPIRAN I Rincian Anggaran" in whole and "LAMPIRAN II" not in whole
    assert "Lampiran I: Rincian Anggaran." in whole and "Rencana Kerja" not in whole


# ---- the budget check (PKM180) -----------------------------------------------------------------------------


#: The annexes each template's clauses promise, by their titles.
PROMISED = {"kehutanan": ["Peta Areal Kemitraan", "Susunan Keanggotaan"],
            "kehutanan_tiga_pihak": ["Peta Areal Kemitraan", "Susunan Keanggotaan", "Rincian Anggaran"],
            "kesehatan": ["Rencana Kerja", "Rincian Anggaran"], "paud": ["Rencana Kerja", "Rincian Anggaran"]}


@pytest.mark.slow
def test_the_example_and_every_template_pass_with_the_annexes_their_clauses_promise(tmp_path):
    assert [d for d in findings(EXAMPLE) if d["severity"] == "error"] == []
    assert sorted(PROMISED) == sorted(t.stem for t in TEMPLATES.glob("*.pkm"))
    for name, titles in PROMISED.items():
        template, data = TEMPLATES / f"{name}.pkm", TEMPLATES / f"{name}.sample.yaml"
        assert [d["code"] for d in findings(template, "--data", data) if d["severity"] == "error"] == [], name
        code, _, err = run("build", template, "--data", data, "--format", "docx", "-o", tmp_path / name)
        assert code == 0, err
        text = docx_text((tmp_path / name / f"{name}.docx").read_bytes())
        numerals = ["I", "II", "III"][:len(titles)]
        assert [(n, t) for n, t in zip(numerals, titles) if f"LAMPIRAN {n}\n{t}" not in text.replace(
            f"LAMPIRAN {n}{t}", f"LAMPIRAN {n}\n{t}")] == [], name
        assert f"LAMPIRAN {['I', 'II', 'III', 'IV'][len(titles)]}" not in text


def test_a_budget_line_that_breaks_a_funders_share_is_an_error_at_its_amount(tmp_path):
    text = edited(("funder: yayasan, amount: Rp180.000.000", "funder: yayasan, amount: Rp190.000.000"))
    source = written(tmp_path, "anggaran.pkm", text)
    found = [d for d in findings(source) if d["code"] == "PKM180"]
    assert len(found) == 1
    line, column = line_col(text, "Rp105.000.000")  # the party's last line: where the sum is off
    assert (found[0]["line"], found[0]["column"]) == (line, column)
    assert found[0]["message_en"] == ("the budget lines of the SECOND PARTY in Annex II add up to IDR 295,000,000.00, "
                                      "but its part in Article 4 is IDR 285,000,000.00 (IDR 10,000,000.00 too much)")
    assert found[0]["message_id"] == ("rincian anggaran PIHAK KEDUA pada Lampiran II berjumlah Rp295.000.000,00, "
                                      "sedangkan bagiannya pada Pasal 4 Rp285.000.000,00 (lebih Rp10.000.000,00)")
    code, _, err = run("build", source, "-o", tmp_path / "out")
    assert code == 1 and "PKM180" in err and not (tmp_path / "out").exists()


def test_a_funding_share_changed_without_the_budget_is_an_error_for_each_funder(tmp_path):
    text = edited(("contributions: { dinkes: Rp665.000.000, yayasan: Rp285.000.000 }",
                   "contributions: { dinkes: Rp570.000.000, yayasan: Rp380.000.000 }"))  # 60 % and 40 %
    found = [d for d in findings(written(tmp_path, "bagian.pkm", text)) if d["code"] == "PKM180"]
    assert [re.search(r"\((IDR [0-9,.]+ (too much|short))\)", d["message_en"]).group(1) for d in found] == [
        "IDR 95,000,000.00 too much", "IDR 95,000,000.00 short"]


def test_a_single_funders_budget_is_held_to_the_total(tmp_path):
    template = TEMPLATES / "paud.pkm"
    data = (TEMPLATES / "paud.sample.yaml").read_text(encoding="utf-8").replace("amount: Rp120.000.000",
                                                                                 "amount: Rp100.000.000")
    path = written(tmp_path, "paud.yaml", data)
    found = [d for d in findings(template, "--data", path) if d["code"] == "PKM180"]
    assert [d["message_en"] for d in found] == [
        "the budget lines in Annex II add up to IDR 400,000,000.00, but the total cost in Article 5 is "
        "IDR 420,000,000.00 (IDR 20,000,000.00 short)"]
    # a table from a data file: the line of the data file that gives it
    assert found[0]["file"].endswith("paud.yaml") and found[0]["line"] == data.splitlines().index(
        "rincian_anggaran:") + 1


def test_three_parties_each_funder_is_held_to_its_contribution(tmp_path):
    template = TEMPLATES / "kehutanan_tiga_pihak.pkm"
    sample = (TEMPLATES / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8")
    assert not [d for d in findings(template, "--data", TEMPLATES / "kehutanan_tiga_pihak.sample.yaml")
                if d["code"] == "PKM180"]
    data = written(tmp_path, "tiga.yaml", sample.replace('funder: yayasan, amount: "Rp180.000.000"',
                                                          'funder: kth, amount: "Rp180.000.000"'))
    found = [d["message_en"] for d in findings(template, "--data", data) if d["code"] == "PKM180"]
    assert found == [
        "the budget lines of the SECOND PARTY in Annex III add up to IDR 180,000,000.00, but its part in Article 6 "
        "is IDR 0.00 (IDR 180,000,000.00 too much)",
        "the budget lines of the THIRD PARTY in Annex III add up to IDR 220,000,000.00, but its part in Article 6 "
        "is IDR 400,000,000.00 (IDR 180,000,000.00 short)"]


# ---- annexes named by hand (PKM181) --------------------------------------------------------------------------


def test_an_annex_named_by_hand_that_is_not_there_is_an_error_at_its_words(tmp_path):
    text = edited(("article { use annex.list@^1 }",
                   'article { use annex.list@^1 }\n\narticle "Peta" / "Map" {\n  text {\n'
                   '    id: "Peta lokasi kegiatan tercantum dalam Lampiran III."\n'
                   '    en: "The map of the sites is set out in Annex III."\n  }\n}'))
    found = [d for d in findings(written(tmp_path, "tiga.pkm", text)) if d["code"] == "PKM181"]
    assert len(found) == 1
    assert (found[0]["line"], found[0]["column"]) == line_col(text, "Lampiran III")
    number = sum(1 for row in text[:text.index('article "Peta"')].splitlines() if row.startswith("article ")) + 1
    assert found[0]["message_en"] == f"Article {number} names Lampiran III, but this agreement has 2 annexes"
    assert found[0]["message_id"] == \
        f"Pasal {number} menyebut Lampiran III, padahal perjanjian ini memiliki 2 lampiran"


def test_a_map_said_to_be_annexed_needs_the_map_annex(tmp_path):
    template = (TEMPLATES / "kehutanan.pkm").read_text(encoding="utf-8")
    without_map = re.sub(r"\nannex peta_areal \{[^\n]*\}\n", "\n", template)
    assert without_map != template
    source = written(tmp_path, "kehutanan.pkm", without_map)
    found = [d for d in findings(source, "--data", TEMPLATES / "kehutanan.sample.yaml") if d["code"] == "PKM181"]
    assert [d["message_en"] for d in found] == [
        "Article 3 paragraph (2) says a map is annexed, but no annex holds a map"]
    without_annexes = re.sub(r"\nannex [a-z_]+ \{[^\n]*\}\n", "\n", without_map).replace(
        "article { use annex.list@^1 }", "")
    found = [d for d in findings(written(tmp_path, "tanpa.pkm", without_annexes), "--data",
                                 TEMPLATES / "kehutanan.sample.yaml") if d["code"] in ("PKM181", "PKM028")]
    assert [d["code"] for d in found] == ["PKM181"]
    assert "this agreement has none" in found[0]["message_en"] or "no annex holds a map" in found[0]["message_en"]


# ---- table values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("funder: yayasan, amount: Rp180.000.000", "funder: yayasan, amont: Rp180.000.000", "amont",
     "this table has no column `amont`"),
    ("funder: yayasan, amount: Rp180.000.000", "funder: yayasan", "{item: \"Transportasi",
     "this row has no `amount`"),
    ("funder: yayasan, amount: Rp180.000.000", "funder: pemda, amount: Rp180.000.000", "pemda",
     "column `funder`: unknown party `pemda`"),
    ("funder: yayasan, amount: Rp180.000.000", "funder: yayasan, amount: 180000000", "180000000",
     "column `amount`: expected money"),
])
def test_a_mistake_in_a_table_is_an_error_at_its_cell(tmp_path, old, new, needle, message):
    text = edited((old, new))
    code, out, err = run("check", written(tmp_path, "sel.pkm", text))
    assert code == 1
    line, column = line_col(text, needle)
    assert f"sel.pkm:{line}:{column}: PKM015 `lines`: {message}" in out + err, out + err


def test_a_table_type_in_the_library_is_checked(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(ROOT / "clause_library", library)
    clauses = library / "clauses" / "annex.pkm"
    clauses.write_text(clauses.read_text(encoding="utf-8").replace(
        'funder "Sumber Dana" / "Funded by": party,', 'funder "Sumber Dana" / "Funded by": list of party,'),
        encoding="utf-8")
    code, out, err = run("check", EXAMPLE, "--library", library)
    assert code == 1 and "PKM027" in out + err and "a table's cell holds one value, not a list" in out + err


# ---- the diff -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pkm_diff_reports_a_changed_budget_line_in_its_annex(tmp_path, built):
    changed = edited(("funder: dinkes, amount: Rp390.000.000", "funder: dinkes, amount: Rp380.000.000"),
                     ("funder: dinkes, amount: Rp125.000.000", "funder: dinkes, amount: Rp135.000.000"))
    source = written(tmp_path, "baru.pkm", changed)
    code, out, err = run("diff", EXAMPLE, source)
    assert code == 1, err
    assert re.search(r"~ Annex II\s+Rincian Anggaran\n\s+~ annex\.budget 1\.0\.0", out), out
    assert "- ¶ id: Rp390.000.000,00" in out and "+ ¶ id: Rp380.000.000,00" in out
    assert "Article" not in out.split("~ Annex II")[0].split("\n", 2)[-1]  # no article changed
    code, _, err = run("build", source, "-o", tmp_path / "out", "--format", "docx")
    assert code == 0, err
    code, out, err = run("diff", built / "kemitraan_kesehatan.docx", tmp_path / "out" / "baru.docx")
    assert code == 1, err
    assert "~ Annex II  LAMPIRAN II" not in out and re.search(r"~ Annex II\s+Rincian Anggaran", out), out
    assert "+ ¶ id: Rp135.000.000,00" in out and "en: IDR 135,000,000.00" in out
    code, out, err = run("diff", EXAMPLE, built / "kemitraan_kesehatan.docx")
    assert code == 0 and "same in substance" in out, out


def test_the_docx_of_an_annex_reads_back_into_its_clauses(built):
    text = docx_text((built / "kemitraan_kesehatan.docx").read_bytes())
    assert text.index("LAMPIRAN I") > text.index("Saksi-saksi")
