"""`batch_records.py`: the records of a JSON or YAML list read one at a time (as the file read whole gives
them), their mistakes at their place in the file, and the memory a run holds staying flat over 10,000 records."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import yaml

from pkm_docs import syntax as s
from pkm_docs.batch_records import open_records
from pkm_docs.cli import main
from pkm_docs.parser import parse_file

HERE = Path(__file__).parents[1]
ROOT = HERE.parent
FIXTURES = HERE / "fixtures" / "batch"
LIBRARY = HERE / "fixtures" / "library"
TEMPLATE = FIXTURES / "mitra.pkm"
INPUTS = [d.decl for d in parse_file(TEMPLATE).declarations if isinstance(d, s.InputDef)]


def _run(data: Path, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["batch", str(TEMPLATE), str(data), "-o", str(out), "--library", str(LIBRARY), "--jobs", "1",
                 "--format", "docx"], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def _many(count: int) -> list[dict]:
    """``count`` records of mitra.yaml's first, under other names, sharing one list (which ``yaml.safe_dump``
    writes once with an anchor, and as an alias in every record after)."""
    first = yaml.safe_load((FIXTURES / "mitra.yaml").read_text(encoding="utf-8"))[0]
    return [{**first, "nama_yayasan": f"Yayasan {number}"} for number in range(1, count + 1)]


@pytest.mark.parametrize("name", ["mitra.yaml", "mitra.json", "shared.yaml", "own.yaml", "flow.yaml"])
def test_records_read_one_at_a_time_are_those_of_the_file_read_whole(tmp_path, name):
    if name == "shared.yaml":
        data = tmp_path / name
        data.write_text(yaml.safe_dump(_many(4), allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert "&id001" in data.read_text(encoding="utf-8") and "*id001" in data.read_text(encoding="utf-8")
    elif name == "own.yaml":  # each record's two fields share a list of their own: an anchor in every record
        records = _many(4)
        for record in records:
            record["tujuan"] = record["kegiatan"] = [record["nama_yayasan"]]
        data = tmp_path / name
        data.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert "&id004" in data.read_text(encoding="utf-8") and "*id004" in data.read_text(encoding="utf-8")
    elif name == "flow.yaml":  # a flow list over lines, its items indented as they come
        data = tmp_path / name
        data.write_text("[ {nama_yayasan: A, rapat: 2},\n    {nama_yayasan: B,\n  tanggal: 2026-12-01} ]\n",
                        encoding="utf-8")
    else:
        data = FIXTURES / name
    text = data.read_text(encoding="utf-8")
    records = open_records(data, INPUTS, "nama_yayasan")
    read = list(records)
    whole = yaml.safe_load(text)
    assert len(records) == len(read) == len(whole)
    assert [{k: v.value for k, v in r.values.items()} for r in read] == whole
    assert [(r.row, r.name) for r in records.basis] == [(r.row, r.name) for r in read] == \
        [(number, record["nama_yayasan"]) for number, record in enumerate(whole, 1)]
    last = read[-1].values["nama_yayasan"].span  # its key, at its line and column in the whole file
    key = text.rindex("nama_yayasan")
    key -= text[key - 1] == '"'  # a JSON key's span starts at its quote
    assert (last.line, last.column) == (text.count("\n", 0, key) + 1, key - text.rfind("\n", 0, key))
    assert read[-1].raw.decode("utf-8").lstrip("{ \n\"").startswith("nama_yayasan")
    assert list(records) == read  # read again, the same records


@pytest.mark.slow
def test_a_mistake_in_a_late_json_record_fails_it_alone_at_its_line_and_column(tmp_path):
    records = _many(30)
    records[24]["rapat"] = "dua"
    data = tmp_path / "mitra.json"
    data.write_text("[\n" + ",\n".join(yaml.safe_dump(r, default_flow_style=True, width=10_000).strip()
                                       .replace("'", '"') for r in records) + "\n]\n", encoding="utf-8")
    text = data.read_text(encoding="utf-8")
    line = _line_of(text, "rapat: dua")
    column = text.splitlines()[line - 1].index("rapat") + 1
    code, stdout, stderr = _run(data, tmp_path / "out")
    assert code == 1 and "built 29, failed 1 of 30" in stdout
    assert f"{data}:{line}:{column}: PKM015 `rapat`: expected integer" in stderr
    assert text.splitlines()[line - 1].strip() in stderr and "^" in stderr


@pytest.mark.parametrize("tail, message", [
    ("- nama_yayasan: Yayasan Rusak: lagi\n", "mapping values are not allowed here"),
    ("---\n- nama_yayasan: Yayasan Dua\n", "but found another document"),
    ("- {nama_yayasan: *nowhere}\n", "found undefined alias 'nowhere'"),
])
def test_a_file_broken_after_its_records_is_refused_before_any_is_built(tmp_path, tail, message):
    data = tmp_path / "mitra.yaml"
    data.write_text(yaml.safe_dump(_many(5), allow_unicode=True, sort_keys=False) + tail, encoding="utf-8")
    text = data.read_text(encoding="utf-8")
    code, stdout, stderr = _run(data, tmp_path / "out")
    assert code == 1 and "built" not in stdout
    line = _line_of(text, tail.splitlines()[0])
    assert message in stderr and f"{data}:{line}:" in stderr and text.splitlines()[line - 1] in stderr
    assert "^" in stderr
    assert not list((tmp_path / "out").glob("*.docx"))


def test_aliases_expanding_the_records_beyond_the_limit_are_refused(tmp_path, monkeypatch):
    """One record that expands to too much, and records that each alias a large value: their sum."""
    from pkm_docs import batch_records
    monkeypatch.setattr(batch_records, "MAX_BATCH_BYTES", 100_000)
    bomb = ['- {ketua: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]}']
    bomb += [f"- {{ketua: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]}" for i in range(1, 7)]
    shared = [f"- {{ketua: &big {'x' * 20_000}}}"] + ["- {ketua: *big}"] * 6
    for name, lines in (("bomb.yaml", bomb), ("shared.yaml", shared)):
        data = tmp_path / name
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, _, stderr = _run(data, tmp_path / "out")
        assert code == 1, name
        assert "the aliases (`*name`) in this file expand it to more than 100,000 characters" in stderr, name
        assert not list((tmp_path / "out").glob("*.docx"))


def test_values_nested_too_deeply_are_refused_at_their_place(tmp_path):
    data = tmp_path / "deep.yaml"
    data.write_text("- nama_yayasan: A\n- tujuan: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    code, _, stderr = _run(data, tmp_path / "out")
    assert code == 1 and f"{data}:2:" in stderr and "values nested more than 100 deep" in stderr
    assert "nest the values less deeply" in stderr and "Traceback" not in stderr


def test_a_record_libyaml_refuses_is_read_as_pure_pyyaml_reads_it(tmp_path):
    data = tmp_path / "mitra.yaml"
    data.write_text('- {nama_yayasan: "A\\ud800", ketua: B}\n- {nama_yayasan: C}\n', encoding="utf-8")
    read = list(open_records(data, INPUTS))
    assert [{k: v.value for k, v in r.values.items()} for r in read] == \
        yaml.load(data.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)


# ---------------------------------------------------------------- memory


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_reading_10000_records_holds_little_more_than_reading_1000(tmp_path, suffix):
    """A fresh process reads 1,000 and 10,000 of the benchmark's records (kesehatan's, each of about 2 KB) one
    at a time: what it grows by beyond the file's text at 10,000 is at most 1.5 times that at 1,000 plus 5 MiB.
    Composed whole (as they were), 1,000 YAML records took 57 MiB and 10,000 took 560 MiB."""
    from pkm_docs.bench import batch_records
    from pkm_docs.bench_cold import records_memory, write_records
    kesehatan = ROOT / "templates" / "kesehatan.pkm"
    records = batch_records(10_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    one, many = (records_memory(kesehatan, write_records(records[:size], tmp_path / f"r{size}.{suffix}"),
                                "nama_yayasan", env) for size in (1_000, 10_000))
    if many["text"]:
        pytest.skip("this system cannot reset a process's peak memory (/proc/self/clear_refs)")
    assert (one["records"], many["records"]) == (1_000, 10_000)
    assert many["text_mib"] > 9 * one["text_mib"] > 9  # the files are what they say
    assert many["growth_mib"] <= 1.5 * one["growth_mib"] + 5, (one, many)
