"""Standard templates filled from data files, `pkm new`, and browsing the library."""

from __future__ import annotations

import io
import re
from pathlib import Path
import pytest

from pkm_docs.cli import main
from pkm_docs.pipeline import compile_agreement
from pkm_docs.resources import resource_dir

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ["kesehatan", "paud", "kehutanan", "kehutanan_tiga_pihak"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_filled_with_its_sample_data_resolves_without_errors(name):
    templates = resource_dir("templates")
    compiled = compile_agreement(templates / f"{name}.pkm", data=templates / f"{name}.sample.yaml")
    agreement = compiled.agreement
    assert not [d for d in compiled.diagnostics if d.is_error]
    assert len(agreement.articles) >= 15
    # every blank came from the data file: nothing is left empty in the parties
    for party in agreement.parties:
        assert party.name["id"] and party.representative and party.address["id"]
        assert all(lang in party.position.by_lang for lang in ("id", "en"))


def test_sample_data_reaches_the_text_in_both_languages():
    templates = resource_dir("templates")
    agreement = compile_agreement(templates / "kesehatan.pkm", data=templates / "kesehatan.sample.yaml").agreement
    texts = [p.text for a in agreement.articles for p in a.paragraphs]
    assert any("Rp950.000.000,00 (sembilan ratus lima puluh juta rupiah)" in t["id"] for t in texts)
    assert any("IDR 950,000,000.00 (nine hundred fifty million rupiah)" in t["en"] for t in texts)
    assert agreement.party("yayasan").name["en"] == "Yayasan Kasih Ibu Flobamora"


def test_condition_on_an_input_drops_the_clause(tmp_path):
    templates = resource_dir("templates")
    data = tmp_path / "mitra.yaml"
    data.write_text((templates / "kesehatan.sample.yaml").read_text(encoding="utf-8")
                    .replace("mengelola_data_pribadi: yes", "mengelola_data_pribadi: no"), encoding="utf-8")
    agreement = compile_agreement(templates / "kesehatan.pkm", data=data).agreement
    assert "data_protection.beneficiaries" not in [c.clause_id for c in agreement.manifest.clauses]


def test_missing_and_ill_typed_values_name_the_field_and_type(tmp_path):
    templates = resource_dir("templates")
    sample = (templates / "kesehatan.sample.yaml").read_text(encoding="utf-8")
    data = tmp_path / "mitra.yaml"
    data.write_text(sample.replace("total_anggaran: Rp950.000.000\n", "")
                    .replace("kontribusi_dinas: Rp665.000.000", "kontribusi_dinas: enam ratus juta"),
                    encoding="utf-8")
    code, _, err = run("build", str(templates / "kesehatan.pkm"), "--data", str(data), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "PKM032 no value for `total_anggaran` (money, e.g. Rp500.000.000)" in err
    assert f"{data}:" in err and "`kontribusi_dinas`: expected money, e.g. Rp500.000.000, got 'enam ratus juta'" in err
    assert not (tmp_path / "out").exists()


def test_two_language_text_with_an_unquoted_comma_gets_a_hint(tmp_path):
    templates = resource_dir("templates")
    sample = (templates / "kehutanan.sample.yaml").read_text(encoding="utf-8")
    data = tmp_path / "kth.yaml"
    data.write_text(sample.replace('lokasi: {id: "Desa Noepesu, Kecamatan Miomaffo Barat", '
                                   'en: "Noepesu Village, Miomaffo Barat District"}',
                                   "lokasi: {id: Desa Noepesu, Kecamatan Miomaffo Barat, en: Noepesu Village}"),
                    encoding="utf-8")
    code, _, err = run("build", str(templates / "kehutanan.pkm"), "--data", str(data), "-o", str(tmp_path / "out"))
    assert code == 1
    assert "`lokasi`: a text in two languages is written as `{id: ..., en: ...}`" in err
    assert "in quotes" in err
    assert err.count("PKM015") == 1  # no follow-on error where the template uses the input


def test_new_lists_templates_with_descriptions():
    code, out, _ = run("new", "--list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(TEMPLATES)
    assert "Maternal and child health" in out


def test_new_copies_template_and_sample_data_and_the_copy_builds(tmp_path):
    target = tmp_path / "perjanjian.pkm"
    code, _, _ = run("new", "kesehatan", str(target))
    assert code == 0
    template = resource_dir("templates") / "kesehatan.pkm"
    assert target.read_text(encoding="utf-8") == template.read_text(encoding="utf-8")
    assert (tmp_path / "perjanjian.yaml").is_file()
    compile_agreement(target, data=tmp_path / "perjanjian.yaml")


def test_new_refuses_to_overwrite_and_suggests_template_names(tmp_path):
    target = tmp_path / "a.pkm"
    target.write_text("mine", encoding="utf-8")
    code, _, err = run("new", "kesehatan", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_text(encoding="utf-8") == "mine"
    code, _, err = run("new", "keshatan", str(tmp_path / "b.pkm"))
    assert code == 2 and "did you mean `kesehatan`?" in err


def test_new_into_a_folder_is_refused_and_writes_nothing_beside_it(tmp_path):
    """`pkm new kesehatan drafts`, with `drafts` a folder, wrote `drafts.pkm` and `drafts.yaml` beside the folder,
    not in it, and said nothing of it."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    code, _, err = run("new", "kesehatan", str(folder))
    assert code == 2
    assert f"pkm: error: {folder} is a folder; give the file to write in it, e.g. {folder / 'kesehatan.pkm'}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts"] and not any(folder.iterdir())


def test_library_list_shows_every_clause_with_versions_and_status():
    code, out, _ = run("library", "list")
    assert code == 0
    assert "funding.cost_sharing" in out
    assert "1.0.0 deprecated, approved by no one; 2.0.0 model text, approved by no one" in out
    assert " approved;" not in out and " approved]" not in out  # no shipped clause claims an approval
    assert "grievance.mechanism" in out and "0.1.0 draft" in out
    clauses = [line for line in out.splitlines()[1:] if line.strip()]
    assert len(clauses) >= 30


def test_library_show_prints_provenance_parameters_and_both_texts():
    code, out, _ = run("library", "show", "funding.cost_sharing@2.0.0")
    assert code == 0
    assert "funding.cost_sharing@2.0.0  (model text, approved by no one)" in out
    assert "approved: by no one" in out and "Biro Hukum" not in out
    assert "param total: money min Rp1,00" in out
    assert "--- id ---" in out and "--- en ---" in out
    code, out, _ = run("library", "show", "funding.cost_sharing@1.0.0")
    assert "replaced by: funding.cost_sharing@2.0.0" in out


def test_library_show_unknown_clause_suggests_nearest_id():
    code, _, err = run("library", "show", "funding.cost_shring")
    assert code == 2
    assert "did you mean `funding.cost_sharing`?" in err


@pytest.mark.parametrize("date, id_words, en_words", [
    ("2026-12-01", "Pada hari ini Selasa, tanggal satu, bulan Desember, tahun dua ribu dua puluh enam (01-12-2026)",
     "On this day, Tuesday, the first day of December, two thousand twenty-six (01-12-2026)"),
    ("2027-01-31",
     "Pada hari ini Minggu, tanggal tiga puluh satu, bulan Januari, tahun dua ribu dua puluh tujuh (31-01-2027)",
     "On this day, Sunday, the thirty-first day of January, two thousand twenty-seven (31-01-2027)"),
    ("2026-02-22",
     "Pada hari ini Minggu, tanggal dua puluh dua, bulan Februari, tahun dua ribu dua puluh enam (22-02-2026)",
     "On this day, Sunday, the twenty-second day of February, two thousand twenty-six (22-02-2026)"),
    ("2030-11-11", "Pada hari ini Senin, tanggal sebelas, bulan November, tahun dua ribu tiga puluh (11-11-2030)",
     "On this day, Monday, the eleventh day of November, two thousand thirty (11-11-2030)"),
])
def test_opening_states_the_signing_date_in_words(tmp_path, date, id_words, en_words):
    templates = resource_dir("templates")
    data = tmp_path / "mitra.yaml"
    data.write_text((templates / "kesehatan.sample.yaml").read_text(encoding="utf-8")
                    .replace("tanggal_tanda_tangan: 2026-12-01", f"tanggal_tanda_tangan: {date}")
                    .replace("mulai_berlaku: 2027-01-01", "mulai_berlaku: 2031-01-01"), encoding="utf-8")
    agreement = compile_agreement(templates / "kesehatan.pkm", data=data).agreement
    opening = agreement.preamble[0].paragraphs[0].text
    assert opening["id"].startswith(id_words)
    assert opening["en"].startswith(en_words)


def test_a_json_data_file_fills_a_template_like_yaml(tmp_path):
    import datetime
    import json

    import yaml
    templates = resource_dir("templates")
    sample = yaml.safe_load((templates / "kesehatan.sample.yaml").read_text(encoding="utf-8"))
    as_json = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in sample.items()}
    data = tmp_path / "mitra.json"
    data.write_text(json.dumps(as_json, ensure_ascii=False, indent=2), encoding="utf-8")
    from_json = compile_agreement(templates / "kesehatan.pkm", data=data).agreement
    from_yaml = compile_agreement(templates / "kesehatan.pkm", data=templates / "kesehatan.sample.yaml").agreement
    assert [p.text for a in from_json.articles for p in a.paragraphs] == \
        [p.text for a in from_yaml.articles for p in a.paragraphs]


def _without_section(text: str, section: str) -> str:
    """The template with every use of a clause of ``section`` removed (one-line and multi-line uses alike)."""
    from pkm_docs.library import load_library

    library = load_library()
    lines, out, skip = text.split("\n"), [], 0
    for line in lines:
        if skip:
            skip += line.count("{") - line.count("}")
            continue
        match = re.search(r"\buse ([a-z0-9_]+(?:\.[a-z0-9_]+)+)", line)
        versions = library.versions_of(match.group(1)) if match else []
        if versions and versions[-1].section == section:
            if line.lstrip().startswith("article") and line.count("{") == line.count("}"):
                continue  # `article { use x { ... } }` on one line
            depth = line.count("{") - line.count("}")
            if line.lstrip().startswith("use"):
                skip = depth  # a multi-line use: drop its argument block too
                continue
        out.append(line)
    return "\n".join(out)


@pytest.mark.slow
@pytest.mark.parametrize("section", ["roles", "term", "dispute", "sanctions", "language"])
@pytest.mark.parametrize("name", TEMPLATES)
def test_removing_a_statutory_section_from_a_template_is_an_error_and_writes_nothing(tmp_path, name, section):
    template = ROOT / "templates" / f"{name}.pkm"
    text = template.read_text(encoding="utf-8")
    cut = _without_section(text, section)
    assert cut != text, f"{name} has no `{section}` clause"
    source = tmp_path / f"{name}.pkm"
    source.write_text(cut, encoding="utf-8")
    code, _, err = run("build", str(source), "--data", str(template.with_name(f"{name}.sample.yaml")),
                       "-o", str(tmp_path / "out"))
    assert code == 1
    assert "PKM101" in err and f"(`{section}`)" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, provisional", [("kehutanan", True), ("kehutanan_tiga_pihak", True),
                                               ("kesehatan", False), ("paud", False)])
@pytest.mark.slow
def test_a_provisional_scheme_marks_the_pdf_and_docx_metadata(tmp_path, name, provisional):
    import zipfile

    from pypdf import PdfReader

    template = ROOT / "templates" / f"{name}.pkm"
    code, _, err = run("build", str(template), "--data", str(template.with_name(f"{name}.sample.yaml")),
                       "-o", str(tmp_path))
    assert code == 0
    assert ("PKM108" in err) is provisional  # and says so on every build
    keywords = PdfReader(tmp_path / f"{name}.pdf").metadata.get("/Keywords", "")
    with zipfile.ZipFile(tmp_path / f"{name}.docx") as docx:
        core = docx.read("docProps/core.xml").decode("utf-8")
    assert ("provisional scheme" in keywords) is provisional
    assert ("provisional scheme" in core) is provisional
