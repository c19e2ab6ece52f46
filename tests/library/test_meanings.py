"""Meaning is declared in the library, never read from a name; three parties work wherever two do.

Each planted mistake is an error with its own code at the line of the data file that holds the wrong value,
in a three-party agreement and in the same agreement cut down to two parties; the same agreement without the
mistake builds with no error. Renaming every clause parameter changes no finding.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.support.read_back import docx_text, pdf_texts
from pkm_docs import syntax
from pkm_docs.cli import main
from pkm_docs.pipeline import compile_agreement

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
SAMPLE = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def findings(source: Path, *extra: str) -> list[tuple[str, str, int, int]]:
    code, out, err = run("check", str(source), *extra, "--format", "json")
    assert code in (0, 1), err
    return [(d["code"], Path(d["file"]).name, d["line"], d["column"]) for d in json.loads(out)]


def _written(folder: Path, stem: str, template: str, data: str) -> tuple[Path, Path]:
    """A template and its data file written to ``folder`` as STEM.pkm and STEM.yaml."""
    paths = folder / f"{stem}.pkm", folder / f"{stem}.yaml"
    paths[0].write_text(template, encoding="utf-8")
    paths[1].write_text(data, encoding="utf-8")
    return paths


def two_party(tmp_path: Path) -> tuple[Path, Path]:
    """The three-party template and its data without the foundation: a two-party agreement."""
    text = TEMPLATE.read_text(encoding="utf-8")
    text = re.sub(r"\nparty yayasan \{.*?\n\}\n", "\n", text, flags=re.S)
    text = re.sub(r"\ninput [a-z_]*yayasan[a-z_]*: [^\n]*", "", text)
    text = re.sub(r"\n  use roles.party@\^1 \{ party: yayasan[^\n]*", "", text)
    data = SAMPLE.read_text(encoding="utf-8")
    data = re.sub(r"\n[a-z_]*yayasan[a-z_]*: [^\n]*", "", data)
    data = re.sub(r"\nhak_yayasan:\n  - [^\n]*|\nkewajiban_yayasan:\n  - [^\n]*", "", data)
    data = re.sub(r'\n  - \{id: "PIHAK KETIGA[^\n]*', "", data)  # the foundation's electronic mail address
    data = data.replace("kursi_komite: {kph: 2, kth: 2, yayasan: 2}", "kursi_komite: {kph: 2, kth: 2}")
    data = data.replace('kontribusi: {kph: "Rp600.000.000", yayasan: "Rp400.000.000"}',
                        'kontribusi: {kph: "Rp600.000.000", kth: "Rp400.000.000"}')
    data = data.replace("funder: yayasan", "funder: kth")  # the budget annex: the group funds what the foundation did
    return _written(tmp_path, "dua_pihak", text, data)


@pytest.fixture(params=["three parties", "two parties"])
def agreement(request, tmp_path) -> tuple[Path, Path]:
    if request.param == "three parties":
        template, sample = tmp_path / TEMPLATE.name, tmp_path / SAMPLE.name
        shutil.copy(TEMPLATE, template)
        shutil.copy(SAMPLE, sample)
        return template, sample
    return two_party(tmp_path)


#: (what, the data line as the sample has it, the same line with the mistake, its code)
MISTAKES = [
    ("shares not 100 %", r'pembagian_hasil: \{kth: 70, kph: 20, "Kas Desa Sesaot": 10\}',
     'pembagian_hasil: {kth: 70, kph: 20, "Kas Desa Sesaot": 5}', "PKM140"),
    ("contributions not equal to the total", r'kontribusi: \{kph: "Rp600.000.000", (\w+): "Rp400.000.000"\}',
     r'kontribusi: {kph: "Rp600.000.000", \1: "Rp300.000.000"}', "PKM142"),
    ("unequal seats without a reason", r"kursi_komite: \{kph: 2, kth: 2", "kursi_komite: {kph: 3, kth: 2", "PKM131"),
    ("a party with no seat", r"kursi_komite: \{kph: 2, kth: 2", "kursi_komite: {kph: 0, kth: 2", "PKM130"),
    ("a term that ends before it starts", r"jangka_waktu: \{from: 2027-02-01, until: 2030-01-31\}",
     "jangka_waktu: {from: 2027-02-01, until: 2026-01-31}", "PKM015"),
    ("a term that starts before signing", r"jangka_waktu: \{from: 2027-02-01,",
     "jangka_waktu: {from: 2026-01-01,", "PKM150"),
]


def test_the_agreement_without_a_mistake_has_no_error(agreement):
    template, sample = agreement
    found = findings(template, "--data", str(sample))
    assert [f for f in found if f[0] != "PKM108"] == []  # PKM108: the provisional scheme says so, a warning


@pytest.mark.parametrize("what, pattern, wrong, code", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_planted_mistake_is_its_own_error_at_the_line_of_the_value(agreement, what, pattern, wrong, code):
    template, sample = agreement
    text = sample.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, wrong, text)
    assert count == 1, what
    sample.write_text(changed, encoding="utf-8")
    key = wrong.split(":")[0] + ":"
    line = next(i for i, row in enumerate(changed.splitlines(), 1) if row.startswith(key))
    found = [f for f in findings(template, "--data", str(sample)) if f[0] == code]
    assert found, f"{what}: {code} not reported"
    assert (found[0][1], found[0][2]) == (sample.name, line), what
    code_, _, _ = run("build", str(template), "--data", str(sample), "-o", str(sample.parent / "out"))
    assert code_ == 1 and not (sample.parent / "out").exists()


def test_a_party_named_in_a_text_but_not_declared_is_an_error(tmp_path):
    template, sample = two_party(tmp_path)
    data = sample.read_text(encoding="utf-8")
    assert "THIRD PARTY" not in data
    data = data.replace(
        '  - {id: "menjaga kelestarian fungsi hutan lindung", en: "preserve the function of the protection forest"}',
        '  - {id: "menyerahkan hasil kepada PIHAK KETIGA", en: "hand the proceeds to the THIRD PARTY"}')
    assert "PKM125" not in {f[0] for f in findings(template, "--data", str(sample))}
    sample.write_text(data, encoding="utf-8")
    assert "PKM125" in {f[0] for f in findings(template, "--data", str(sample))}


def test_a_party_declared_without_a_signatory_is_an_error(tmp_path):
    template, sample = tmp_path / TEMPLATE.name, tmp_path / SAMPLE.name
    shutil.copy(TEMPLATE, template)
    sample.write_text(SAMPLE.read_text(encoding="utf-8").replace('ketua_yayasan: "Dr. Baiq Nurul Aini"',
                                                                  'ketua_yayasan: ""'), encoding="utf-8")
    assert "PKM122" in {f[0] for f in findings(template, "--data", str(sample))}


@pytest.mark.slow
def test_three_parties_read_right_in_docx_and_pdf(tmp_path):
    code, _, err = run("build", str(TEMPLATE), "--data", str(SAMPLE), "-o", str(tmp_path))
    assert code == 0, err
    docx = " ".join(docx_text((tmp_path / "kehutanan_tiga_pihak.docx").read_bytes()).split())
    _, left, right = pdf_texts((tmp_path / "kehutanan_tiga_pihak.pdf").read_bytes())
    indonesian = [
        "selanjutnya disebut PIHAK KETIGA",
        "PIHAK PERTAMA, PIHAK KEDUA, dan PIHAK KETIGA selanjutnya secara bersama-sama disebut PARA PIHAK",
        "rangkap 3 (tiga)", "125,5 ha (seratus dua puluh lima koma lima hektare)",
        "Kas Desa Sesaot: 10% (sepuluh persen)", "PIHAK KETIGA: Rp400.000.000,00 (empat ratus juta rupiah)",
        "jangka waktu 3 (tiga) tahun, terhitung sejak tanggal 1 Februari 2027 sampai dengan tanggal 31 Januari 2030",
        "kawasan hutan lindung", "PIHAK KETIGA berhak",
    ]
    english = ["as the THIRD PARTY", "3 (three) originals", "125.5 ha (one hundred twenty-five point five hectares)",
               "Kas Desa Sesaot: 10% (ten percent)", "the protection forest area", "The THIRD PARTY is obliged to"]
    def joined(column: str) -> str:  # a compound broken after its hyphen at a line end is one word again
        return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(column.split()))

    for text in (docx, joined(left)):
        for expected in indonesian:
            assert expected in text, expected
    for text in (docx, joined(right)):
        for expected in english:
            assert expected in text, expected


def six_parties(tmp_path: Path) -> tuple[Path, Path]:
    """The three-party template with three more organisations: six parties."""
    text, data = TEMPLATE.read_text(encoding="utf-8"), SAMPLE.read_text(encoding="utf-8")
    keys = ("desa", "bumdes", "koperasi")
    parties = "".join(f"""
party {key} {{
  role: organisation
  name: "Mitra {key.title()} Sesaot"
  representative: "Ketua {key.title()}"
  position: "Ketua" / "Chair"
  authority: "Akta Nomor 1" / "Deed Number 1"
  address: "Desa Sesaot"
}}
""" for key in keys)
    text = text.replace("\npreamble {", parties + "\npreamble {")
    roles = "  use roles.party@^1 { party: yayasan  rights: hak_yayasan  obligations: kewajiban_yayasan }"
    text = text.replace(roles, roles + "".join(
        f"\n  use roles.party@^1 {{ party: {key}  rights: hak_yayasan  obligations: kewajiban_yayasan }}"
        for key in keys))
    data = data.replace("kursi_komite: {kph: 2, kth: 2, yayasan: 2}",
                        "kursi_komite: {kph: 1, kth: 1, yayasan: 1, desa: 1, bumdes: 1, koperasi: 1}")
    return _written(tmp_path, "enam_pihak", text, data)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["parallel", "sequential", "separate"])
def test_six_parties_sign_initial_and_count_in_every_layout(tmp_path, layout):
    template, sample = six_parties(tmp_path)
    code, _, err = run("build", str(template), "--data", str(sample), "-o", str(tmp_path / "out"), "--layout", layout)
    assert code == 0, err
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == (4 if layout == "separate" else 2)
    for path in files:
        text = (docx_text(path.read_bytes()) if path.suffix == ".docx" else pdf_texts(path.read_bytes())[0])
        flat = " ".join(text.split())
        english_only = ".en." in path.name
        assert ("6 (six) originals" if english_only else "rangkap 6 (enam)") in flat, path.name
        for key in ("Desa", "Bumdes", "Koperasi"):
            assert f"Ketua {key}" in flat, (path.name, key)  # each signatory signs
        assert ("SIXTH PARTY" if english_only else "PIHAK KEENAM") in flat
        if path.suffix == ".pdf":
            last = pdf_texts(path.read_bytes())[0]
            assert last.count("PIHAK KEENAM" if not english_only else "SIXTH PARTY") >= 3  # paraf boxes, each page


@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_an_untouched_three_party_docx_diffs_as_same_in_substance(tmp_path, layout):
    assert run("build", str(TEMPLATE), "--data", str(SAMPLE), "-o", str(tmp_path), "--layout", layout)[0] == 0
    code, out, err = run("diff", str(TEMPLATE), str(tmp_path / "kehutanan_tiga_pihak.docx"), "--data", str(SAMPLE))
    assert (code, out.splitlines()[-1]) == (0, "same in substance"), out + err


# -- renaming a parameter changes no finding -----------------------------------------------------------


def _rename_clause_params(text: str) -> tuple[str, dict[str, dict[str, str]]]:
    """Every clause's parameters renamed to their reverse (same length, so no column moves)."""
    renamed: dict[str, dict[str, str]] = {}
    out = []
    for block in re.split(r"(?m)^(?=clause )", text):
        header = re.match(r"clause ([a-z0-9_.]+) ", block)
        names = re.findall(r"(?m)^\s*param (\w+):", block)
        if header is None or not names:
            out.append(block)
            continue
        mapping = {name: name[::-1] if name[::-1] != name else name.upper() for name in names}
        renamed.setdefault(header.group(1), {}).update(mapping)
        for old, new in mapping.items():
            block = re.sub(rf"(?m)^(\s*param ){old}:", rf"\g<1>{new}:", block)
            block = re.sub(r"\{" + old + r"([.}])", "{" + new + r"\1", block)
        out.append(block)
    return "".join(out), renamed


def _rename_arguments(text: str, renamed: dict[str, dict[str, str]]) -> str:
    """In an agreement, each `use CLAUSE { name: ... }` argument renamed as its clause's parameter was."""
    out, pos = [], 0
    for match in re.finditer(r"use ([a-z0-9_]+(?:\.[a-z0-9_]+)+)(@\S+)?[^{}\n]*\{", text):
        if match.start() < pos:
            continue
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        body = text[match.end():end]
        for old, new in renamed.get(match.group(1), {}).items():
            body = re.sub(rf"(^|[\s{{]){old}:", rf"\g<1>{new}:", body)
        out.append(text[pos:match.end()] + body)
        pos = end
    return "".join(out) + text[pos:]


def _renamed_copy(library: Path, agreements: list[Path], target: Path) -> tuple[Path, list[Path]]:
    lib = target / "library"
    shutil.copytree(library, lib)
    renamed: dict[str, dict[str, str]] = {}
    for path in sorted(lib.rglob("*.pkm")):
        text, found = _rename_clause_params(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        for clause, mapping in found.items():
            renamed.setdefault(clause, {}).update(mapping)
    copies = []
    for path in agreements:
        copy = target / path.name
        copy.write_text(_rename_arguments(path.read_text(encoding="utf-8"), renamed), encoding="utf-8")
        copies.append(copy)
    return lib, copies


CHECKS = ROOT / "tests" / "fixtures" / "checks"


@pytest.mark.parametrize("suite", ["shipped library and templates", "checks fixtures"])
def test_renaming_every_parameter_changes_no_finding(tmp_path, suite):
    if suite == "checks fixtures":
        library, agreements, data = CHECKS / "library", [CHECKS / "good.pkm", *sorted((CHECKS / "broken").glob(
            "*.pkm"))], {}
    else:
        library = ROOT / "clause_library"
        agreements = [ROOT / "examples" / "kemitraan_kesehatan.pkm", *sorted((ROOT / "templates").glob("*.pkm"))]
        data = {p: p.with_name(p.stem + ".sample.yaml") for p in agreements if p.parent.name == "templates"}
    lib, copies = _renamed_copy(library, agreements, tmp_path)
    assert any("param " in p.read_text(encoding="utf-8") for p in lib.rglob("*.pkm"))
    compared = 0
    for original, copy in zip(agreements, copies):
        extra = ["--data", str(data[original])] if original in data else []
        before = findings(original, "--library", str(library), *extra)
        after = findings(copy, "--library", str(lib), *extra)
        assert after == before, original.name
        compared += len(before)
    assert compared > 0 if suite == "checks fixtures" else True


# -- no syntax past resolution, no Lark outside the parser -----------------------------------------------


def test_no_module_outside_the_parser_imports_lark():
    for path in sorted((ROOT / "pkm_docs").rglob("*.py")):
        if path.name == "parser.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "lark" not in imported, path.name


def _reachable(value, seen: set[int]):
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _reachable(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _reachable(item, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _reachable(key, seen)
            yield from _reachable(item, seen)


@pytest.mark.parametrize("source, data", [(TEMPLATE, SAMPLE), (ROOT / "examples" / "kemitraan_kesehatan.pkm", None)])
def test_the_model_holds_no_syntax_node(source, data):
    agreement = compile_agreement(source, data=data).agreement
    nodes = {type(v).__name__ for v in _reachable(agreement, set())
             if type(v).__module__ == syntax.__name__ and not isinstance(v, syntax.Span)}
    assert nodes == set()


# -- the remainder of an allocation is derived -----------------------------------------------------------


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "data.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_remainder_of_contributions_and_shares_is_derived_and_written(tmp_path):
    data = _with(tmp_path, 'yayasan: "Rp400.000.000"}', "yayasan: rest}")
    data.write_text(data.read_text(encoding="utf-8").replace('"Kas Desa Sesaot": 10}', '"Kas Desa Sesaot": sisa}'),
                    encoding="utf-8")
    code, _, err = run("build", str(TEMPLATE), "--data", str(data), "-o", str(tmp_path / "out"))
    assert code == 0, err
    text = " ".join(docx_text((tmp_path / "out" / "kehutanan_tiga_pihak.docx").read_bytes()).split())
    assert "PIHAK KETIGA: Rp400.000.000,00 (empat ratus juta rupiah)" in text
    assert "Kas Desa Sesaot: 10% (sepuluh persen)" in text


@pytest.mark.parametrize("old, new, message", [
    ('kph: "Rp600.000.000", yayasan: "Rp400.000.000"}', 'kph: "Rp1.600.000.000", yayasan: rest}',
     "the others already take Rp1.600.000.000,00 of Rp1.000.000.000,00, so nothing is left for the remainder"),
    ('kph: 20, "Kas Desa Sesaot": 10}', 'kph: rest, "Kas Desa Sesaot": rest}',
     "an allocation has at most one remainder (`rest`)"),
])
def test_a_remainder_that_cannot_be_derived_is_an_error_at_its_line(tmp_path, old, new, message):
    data = _with(tmp_path, old, new)
    line = next(i for i, row in enumerate(data.read_text(encoding="utf-8").splitlines(), 1) if new in row)
    code, out, err = run("check", str(TEMPLATE), "--data", str(data))
    assert code == 1, err
    assert f"{data}:{line}:1: PKM015" in out
    assert message in out


def _csv_of_sample(tmp_path: Path, **cells: str) -> Path:
    """The three-party template's sample data as a one-row CSV, each value in its cell form (``cells`` replace
    some)."""
    import csv
    import json

    import yaml

    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    row: dict[str, str] = {}
    for key, value in sample.items():
        if key in ("kursi_komite", "kontribusi", "pembagian_hasil"):
            row[key] = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif key == "jangka_waktu":
            row[key] = f"{value['from']}..{value['until']}"
        elif isinstance(value, list) and isinstance(value[0], dict) and "id" not in value[0]:
            row[key] = json.dumps(value, ensure_ascii=False)  # a table: a JSON list of rows in its cell
        elif isinstance(value, list):
            row[f"{key}.id"] = "; ".join(item["id"] for item in value)
            row[f"{key}.en"] = "; ".join(item["en"] for item in value)
        elif isinstance(value, dict):
            row[f"{key}.id"], row[f"{key}.en"] = value["id"], value["en"]
        else:
            row[key] = str(value)
    row.update(cells)
    data = tmp_path / "mitra.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return data


def test_a_csv_batch_reads_allocations_and_periods_from_cells(tmp_path):
    """The three-party template from a spreadsheet: each type reads its own cell (``kph: 2; kth: 2``,
    ``2027-02-01..2030-01-31``), and the record builds as its YAML twin does."""
    data = _csv_of_sample(tmp_path)
    code, _, err = run("batch", str(TEMPLATE), str(data), "-o", str(tmp_path / "out"), "--format", "docx",
                       "--jobs", "1")
    assert code == 0, err
    built = next((tmp_path / "out").glob("*.docx"))
    text = " ".join(docx_text(built.read_bytes()).split())
    assert "PIHAK KETIGA: 2 (dua)" in text and "Kas Desa Sesaot: 10% (sepuluh persen)" in text
    assert "sampai dengan tanggal 31 Januari 2030" in text
    assert "Pelatihan pengolahan hasil hutan bukan kayu" in text and "Rp220.000.000,00" in text  # the budget annex


def test_the_loaded_library_holds_no_syntax_node():
    from pkm_docs.library import load_library

    nodes = {type(v).__name__ for v in _reachable(load_library(), set())
             if type(v).__module__ == syntax.__name__ and not isinstance(v, syntax.Span)}
    assert nodes == set()


@pytest.mark.parametrize("column, cell, message", [
    ("kontribusi", '{"kph": "Rp600.000.000", "yayasan": "Rp400.000.000"}',
     "`kontribusi`: an allocation in a CSV cell is `recipient: amount` items separated by `;`, not JSON or YAML"),
    ("jangka_waktu", '{"from": "2027-02-01", "until": "2030-01-31"}',
     "`jangka_waktu`: a period in a CSV cell is `FIRST..LAST` or `FIRST+MONTHS`"),
    ("jangka_waktu", "2027-02-01", "`jangka_waktu`: a period in a CSV cell is `FIRST..LAST` or `FIRST+MONTHS`"),
])
def test_a_csv_cell_in_the_form_of_another_file_is_told_the_form_of_a_cell(tmp_path, column, cell, message):
    """An allocation or a period typed in a CSV cell as a data file writes it (JSON or YAML braces, or a lone
    date) was met by "unknown party `{"kph": "Rp600.000.000", "yayasan`" or by the .pkm's `{ from: ...,
    until: ... }` as the example: the message says how a cell writes it, with an example."""
    data = _csv_of_sample(tmp_path, **{column: cell})
    code, out, err = run("batch", str(TEMPLATE), str(data), "-o", str(tmp_path / "out"), "--format", "docx",
                         "--jobs", "1")
    assert code == 1
    said = out + err
    assert message in said, said
    assert ("hint: write `kph: Rp600.000.000; yayasan: Rp400.000.000`" if column == "kontribusi"
            else "hint: write `2027-02-01..2030-01-31`") in said
    assert "unknown party" not in said and "{ from:" not in said


@pytest.mark.parametrize("term, says", [
    ("{from: 2028-02-29, years: 3}", "jangka waktu 3 (tiga) tahun, terhitung sejak tanggal 29 Februari 2028 sampai "
     "dengan tanggal 28 Februari 2031"),
    ("{from: 2028-02-29, until: 2031-02-28}", "jangka waktu 3 (tiga) tahun, terhitung sejak tanggal 29 Februari "
     "2028 sampai dengan tanggal 28 Februari 2031"),
    ("{from: 2027-03-31, months: 30}", "jangka waktu 30 (tiga puluh) bulan, terhitung sejak tanggal 31 Maret 2027 "
     "sampai dengan tanggal 30 September 2029"),
    ("{from: 2027-08-31, until: 2028-02-29}", "jangka waktu 6 (enam) bulan, terhitung sejak tanggal 31 Agustus 2027 "
     "sampai dengan tanggal 29 Februari 2028"),
    ("{from: 2027-02-01, until: 2030-01-31}", "jangka waktu 3 (tiga) tahun, terhitung sejak tanggal 1 Februari 2027 "
     "sampai dengan tanggal 31 Januari 2030"),
])
def test_a_term_of_months_from_a_day_its_last_month_lacks_ends_on_that_month_s_last_day(tmp_path, term, says):
    """Three years from 29 February 2028 ran to 27 February 2031 (a day short), and 29 February 2028 to
    28 February 2031 or 31 August 2027 to 29 February 2028 were counted in days: a term of months that starts on
    a day the month it ends in lacks (the 29th, 30th or 31st) ends on the last day of that month, and those dates
    are that many months."""
    data = _with(tmp_path, "jangka_waktu: {from: 2027-02-01, until: 2030-01-31}", f"jangka_waktu: {term}")
    code, _, err = run("build", str(TEMPLATE), "--data", str(data), "-o", str(tmp_path / "out"), "--format", "docx")
    assert code == 0, err
    text = " ".join(docx_text((tmp_path / "out" / "kehutanan_tiga_pihak.docx").read_bytes()).split())
    assert says in text
