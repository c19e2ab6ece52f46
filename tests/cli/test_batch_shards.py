"""`pkm batch --shard I/N` (several processes or machines share one run), `--merge-shards N`, `--resume`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pkm_docs.cli import main

HERE = Path(__file__).parents[1]
ROOT = HERE.parent
FIXTURES = HERE / "fixtures" / "batch"
LIBRARY = HERE / "fixtures" / "library"
TEMPLATE = FIXTURES / "mitra.pkm"


def _records_csv(folder: Path, count: int) -> Path:
    """``mitra.csv`` with its good rows repeated under other names until it holds ``count`` records, and its
    broken row kept (a failed record must fail in whichever shard it falls)."""
    with open(FIXTURES / "mitra.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    name = header.index("nama_yayasan")
    out = []
    for number in range(count):
        row = list(rows[number % len(rows)])
        row[name] = f"{row[name]} {number}"
        out.append(row)
    path = folder / "records.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *out])
    return path


def _argv(data: Path, out: Path, *extra: str) -> list[str]:
    return ["batch", str(TEMPLATE), str(data), "-o", str(out), "--library", str(LIBRARY), "--jobs", "1",
            "--format", "docx", *extra]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith("index")}


@pytest.mark.slow
def test_two_shards_in_two_processes_build_what_one_run_builds(tmp_path):
    data = _records_csv(tmp_path, 7)
    single = tmp_path / "single"
    code, _, _ = _run(*_argv(data, single))
    assert code == 1  # the broken row of mitra.csv fails, as it does in the shards below
    shared = tmp_path / "shared"
    processes = [subprocess.Popen([sys.executable, "-m", "pkm_docs.cli", *_argv(data, shared, "--shard", f"{i}/2")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                  env=dict(os.environ))
                 for i in (1, 2)]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in processes]  # type: ignore[union-attr]
    assert {code for code, _, _ in results} <= {0, 1}
    built = [int(out.rsplit("built ", 1)[1].split(",")[0]) for _, out, _ in results]
    assert sum(built) == len([n for n in _files(single) if n.endswith(".docx")]) and min(built) > 0
    assert _files(shared) == _files(single)  # the same names, the same bytes
    assert {p.name for p in shared.glob("index*")} == {"index.shard-1-of-2.csv", "index.shard-2-of-2.csv"}
    code, _, err = _run(*_argv(data, shared, "--merge-shards", "2"))
    assert code == 0, err
    assert (shared / "index.csv").read_bytes() == (single / "index.csv").read_bytes()


def test_merging_shards_needs_every_shard_index(tmp_path):
    data = _records_csv(tmp_path, 3)
    out = tmp_path / "out"
    _run(*_argv(data, out, "--shard", "1/2"))
    code, _, err = _run(*_argv(data, out, "--merge-shards", "2"))
    assert code == 2
    assert "index.shard-2-of-2.csv does not exist" in err and "--shard 2/2" in err
    assert not (out / "index.csv").exists()


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1/0", "a/b", "1"])
def test_a_shard_is_i_of_n(tmp_path, shard):
    code, _, err = _run(*_argv(FIXTURES / "mitra.csv", tmp_path / "out", "--shard", shard))
    assert code == 2 and "I/N" in err and "Traceback" not in err


def test_resume_keeps_the_intact_files_and_builds_the_missing_and_the_damaged(tmp_path):
    data = _records_csv(tmp_path, 5)
    out = tmp_path / "out"
    _run(*_argv(data, out))
    before, index = _files(out), (out / "index.csv").read_bytes()
    names = sorted(before)
    (out / names[0]).unlink()
    (out / names[1]).write_bytes(b"damaged")
    untouched = (out / names[2]).stat().st_mtime_ns

    code, stdout, _ = _run(*_argv(data, out, "--resume"))
    assert code == 1  # the broken row is still broken
    assert f"built 2, kept {len(names) - 2}" in stdout
    assert f"kept (built by an earlier run) {names[2]}" in stdout
    assert _files(out) == before
    assert (out / "index.csv").read_bytes() == index
    assert (out / names[2]).stat().st_mtime_ns == untouched  # not written again

    code, stdout, _ = _run(*_argv(data, out, "--resume"))
    assert f"built 0, kept {len(names)}" in stdout
    assert (out / "index.csv").read_bytes() == index


def test_resume_without_an_index_builds_everything(tmp_path):
    data = _records_csv(tmp_path, 3)
    out = tmp_path / "out"
    code, stdout, _ = _run(*_argv(data, out, "--resume"))
    assert code == 0 and "built 3, failed 0 of 3" in stdout and "kept" not in stdout


@pytest.mark.slow
def test_workers_replaced_after_their_share_of_records_build_the_same_files(tmp_path, monkeypatch):
    """A worker ends after RECORDS_PER_WORKER records (typst's memory is only given back with its process) and
    a fresh one goes on: the files are those of a run in one process."""
    from pkm_docs import batch
    data = _records_csv(tmp_path, 6)
    _run(*_argv(data, tmp_path / "one"))
    monkeypatch.setattr(batch, "RECORDS_PER_WORKER", 1)
    argv = _argv(data, tmp_path / "many")
    argv[argv.index("--jobs") + 1] = "2"
    code, stdout, _ = _run(*argv)
    assert code == 1 and "built 5, failed 1 of 6" in stdout
    assert _files(tmp_path / "many") == _files(tmp_path / "one")
    assert (tmp_path / "many" / "index.csv").read_bytes() == (tmp_path / "one" / "index.csv").read_bytes()


def test_a_streamed_csv_names_its_files_as_the_whole_records_do(tmp_path):
    """The records of a CSV are read one at a time (the output names come from a first pass over the rows):
    the names, rows and values are those of the records read whole, duplicate and blank names included."""
    from pkm_docs import syntax as s
    from pkm_docs.batch_records import open_records, output_names
    from pkm_docs.parser import parse_file
    inputs = [d.decl for d in parse_file(TEMPLATE).declarations if isinstance(d, s.InputDef)]
    data = _records_csv(tmp_path, 7)
    text = data.read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[2]  # a repeated name
    data.write_text("".join(text) + "\n\n", encoding="utf-8")  # and blank lines at the end
    streamed = open_records(data, inputs, "nama_yayasan")
    whole = list(streamed)
    assert len(streamed) == len(whole) == 7
    assert output_names(streamed.basis, "x") == output_names(whole, "x")
    assert [(r.row, r.name) for r in streamed.basis] == [(r.row, r.name) for r in whole]
    assert list(streamed) == whole  # read again, the same records


def test_json_lines_are_records_one_per_line_and_a_broken_line_fails_alone(tmp_path):
    import json
    from pkm_docs import syntax as s
    from pkm_docs.batch_records import open_records
    from pkm_docs.parser import parse_file
    inputs = [d.decl for d in parse_file(TEMPLATE).declarations if isinstance(d, s.InputDef)]
    records = json.loads((FIXTURES / "mitra.json").read_text(encoding="utf-8"))
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    data = tmp_path / "mitra.jsonl"
    data.write_text(lines[0] + "\n\n" + '{"nama_yayasan": "Rusak", "ketua": }\n' + lines[1] + "\n", encoding="utf-8")
    read = list(open_records(data, inputs))
    whole = list(open_records(FIXTURES / "mitra.json", inputs))
    assert [r.row for r in read] == [1, 3, 4]  # a record's row is its line
    assert [{k: v.value for k, v in r.values.items()} for r in (read[0], read[2])] == \
        [{k: v.value for k, v in r.values.items()} for r in whole]
    first_key = next(iter(read[2].values.values())).span
    assert (first_key.line, first_key.column) == (4, 2)  # `"nama_yayasan"` on line 4, after the `{`

    code, stdout, stderr = _run(*_argv(data, tmp_path / "out"))
    assert code == 1 and "built 2, failed 1 of 3" in stdout
    assert f"{data}:3:" in stderr and '{"nama_yayasan": "Rusak", "ketua": }' in stderr and "^" in stderr
