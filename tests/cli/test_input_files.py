"""Input files a user gives the CLI: read only when regular and small, YAML mistakes as diagnostics, a BOM allowed.

Each test makes its hostile file, runs ``pkm`` and asserts the exit code, the message and that nothing was written.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
TEMPLATE = ROOT / "templates" / "kesehatan.pkm"
SAMPLE = ROOT / "templates" / "kesehatan.sample.yaml"
BATCH = Path(__file__).parents[1] / "fixtures" / "batch"
LIBRARY = Path(__file__).parents[1] / "fixtures" / "library"


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def sample_with(tmp_path: Path, line: str, replaces: str = "tanggal_tanda_tangan: 2026-12-01") -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert replaces in text
    path = tmp_path / "data.yaml"
    path.write_text(text.replace(replaces, line), encoding="utf-8")
    return path


# -- YAML that PyYAML cannot build ----------------------------------------------------------------------


@pytest.mark.parametrize("date, reason", [("2027-02-30", "day is out of range"), ("2027-13-01", "month must be")])
def test_a_date_that_does_not_exist_is_a_diagnostic_at_its_line_and_column(date, reason, tmp_path):
    data = sample_with(tmp_path, f"tanggal_tanda_tangan: {date}")
    line = data.read_text(encoding="utf-8").splitlines().index(f"tanggal_tanda_tangan: {date}") + 1
    code, _, err = run("build", TEMPLATE, "--data", data, "-o", tmp_path / "out")
    assert code == 1, err
    assert f"{data}:{line}:23: PKM030 `{date}` is not a date ({reason}" in err
    assert "YYYY-MM-DD" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_date_typo_in_one_batch_record_fails_that_record_and_builds_the_others(tmp_path):
    records = (BATCH / "mitra.yaml").read_text(encoding="utf-8").replace("tanggal: 2026-12-01", "tanggal: 2027-02-30")
    data = tmp_path / "mitra.yaml"
    data.write_text(records, encoding="utf-8")
    code, out, err = run("batch", BATCH / "mitra.pkm", data, "-o", tmp_path / "out", "--library", LIBRARY,
                         "--jobs", "1", "--format", "docx")
    assert code == 1
    assert "record 1" in err and "`2027-02-30` is not a date" in err
    assert "built 1, failed 1 of 2" in out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["index.csv", "mitra-2.docx"]


def test_a_raw_control_character_in_yaml_is_a_diagnostic_at_its_position(tmp_path):
    data = sample_with(tmp_path, "tempat_tanda_tangan: Kup\x07ang", "tempat_tanda_tangan: Kupang")
    line = data.read_text(encoding="utf-8").splitlines().index("tempat_tanda_tangan: Kup\x07ang") + 1
    code, _, err = run("build", TEMPLATE, "--data", data, "-o", tmp_path / "out")
    assert code == 1, err
    assert f"{data}:{line}:25: PKM030 the character U+0007 is not allowed in a YAML file" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"? *a{levels - 1}\n: 1")  # the bomb as a mapping key, whose error message once held all of it
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once_in_little_memory(tmp_path):
    data = tmp_path / "bomb.yaml"
    data.write_text(_alias_bomb(), encoding="utf-8")
    assert data.stat().st_size < 4_000
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20)); "
              "from pkm_docs.cli import main; sys.exit(main(sys.argv[1:]))")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, "build", str(TEMPLATE), "--data", str(data), "-o", "out"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert time.monotonic() - started < 20
    assert done.returncode == 1, done.stderr
    assert "the aliases (`*name`) in this file expand it to more than 2,000,000 characters" in done.stderr
    assert len(done.stderr) < 2_000 and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_value_shared_by_aliases_within_the_limit_is_read(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("tempat_tanda_tangan: Kupang", "tempat_tanda_tangan: &t Kupang")
    text = text.replace("nama_yayasan: Yayasan Kasih Ibu Flobamora", "nama_yayasan: *t")
    text = text.replace("pemegang_rekening: Yayasan Kasih Ibu Flobamora", "pemegang_rekening: *t")  # its account
    data = tmp_path / "data.yaml"
    data.write_text(text, encoding="utf-8")
    code, _, err = run("build", TEMPLATE, "--data", data, "-o", tmp_path / "out", "--format", "docx")
    assert code == 0, err


# -- only regular files, read with a bound ----------------------------------------------------------------


def test_data_from_dev_zero_is_refused_at_once(tmp_path):
    started = time.monotonic()
    code, _, err = run("build", TEMPLATE, "--data", "/dev/zero", "-o", tmp_path / "out")
    assert time.monotonic() - started < 5
    assert code == 2
    assert "cannot read /dev/zero: not a regular file" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["build", "batch"])
def test_a_fifo_as_data_is_refused_without_waiting_for_a_writer(command, tmp_path):
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    argv = ["build", TEMPLATE, "--data", fifo] if command == "build" else ["batch", TEMPLATE, fifo]
    started = time.monotonic()
    code, _, err = run(*argv, "-o", tmp_path / "out")
    assert time.monotonic() - started < 5
    assert code == 2
    assert f"cannot read {fifo}: not a regular file" in err
    assert not (tmp_path / "out").exists()


def test_a_fifo_as_the_agreement_is_refused(tmp_path):
    fifo = tmp_path / "agreement.pkm"
    os.mkfifo(fifo)
    code, _, err = run("check", fifo)
    assert code == 2 and f"cannot read {fifo}: not a regular file" in err


def test_a_data_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    # a size taken from stat() can lie (a file being appended to, /proc); the read itself is bounded
    import pkm_docs.reading as reading

    data = tmp_path / "data.yaml"
    data.write_bytes(b"# " + b"x" * 300 + b"\n")
    real_fstat = os.fstat
    monkeypatch.setattr(reading.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    monkeypatch.setattr("pkm_docs.pipeline.MAX_SOURCE_BYTES", 100)
    code, _, err = run("build", TEMPLATE, "--data", data, "-o", tmp_path / "out")
    assert code == 2 and f"{data} is larger than 100 bytes" in err
    assert not (tmp_path / "out").exists()


# -- a byte order mark --------------------------------------------------------------------------------------


def test_an_agreement_saved_with_a_bom_builds_as_without(tmp_path):
    bom = tmp_path / "bom.pkm"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    code, out, err = run("check", bom)
    assert code == 0, out + err
    code, _, err = run("build", bom, "-o", tmp_path / "out", "--format", "docx")
    assert code == 0, err
    assert (tmp_path / "out" / "bom.docx").is_file()


def test_a_data_file_saved_with_a_bom_is_read(tmp_path):
    data = tmp_path / "data.yaml"
    data.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    code, _, err = run("check", TEMPLATE, "--data", data)
    assert code == 0, err


def test_a_mistake_in_an_agreement_with_a_bom_points_at_the_right_column(tmp_path):
    bom = tmp_path / "bom.pkm"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes().replace(b"scheme: pkm-standar", b"scheme: pkm-standr"))
    code, out, err = run("check", bom)
    assert code == 1
    line = EXAMPLE.read_text(encoding="utf-8").splitlines().index("  scheme: pkm-standar") + 1
    assert f"{bom}:{line}:11:" in out + err


# -- fuzzing: mutated data files end in a diagnostic or values -------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from pkm_docs.data import parse_data  # noqa: E402
from pkm_docs.errors import PkmError  # noqa: E402

YAML_PIECES = ["2027-02-30", "2027-13-01", "2026-12-01", "&a", "*a", "*b", "? ", ": ", "- ", "[", "]", "{", "}",
               "\x07", "\x00", "\ufeff", "\t", "\n", "  ", '"', "'", "\\ud800", "!!python/object:os.system",
               "!!binary", "<<: *a", "9" * 5_000, "~", "null", "yes", ".inf", "0x1F", "---", "...", "#"]


@st.composite
def mutated_yaml(draw):
    text = SAMPLE.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        text = text[:position] + draw(st.sampled_from(YAML_PIECES)) + text[position + draw(st.integers(0, 3)):]
    return text


@given(mutated_yaml())
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_mutated_data_files_end_in_a_diagnostic_or_values(text):
    try:
        parse_data(text, "fuzz.yaml")
    except PkmError as error:
        assert all(len(d.message) < 1_000 for d in error.diagnostics)


def test_a_5000_digit_number_in_a_yaml_data_file_is_a_diagnostic(tmp_path):
    data = sample_with(tmp_path, "rapat_per_tahun: " + "9" * 5_000, "rapat_per_tahun: 4")
    line = next(i for i, text in enumerate(data.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("rapat_per_tahun:"))
    code, _, err = run("build", TEMPLATE, "--data", data, "-o", tmp_path / "out")
    assert code == 1
    assert f"{data}:{line}:18: PKM030 a number of 5,000 digits; pkm-docs reads numbers of up to 1,000 digits" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_5000_digit_cell_fails_its_batch_row_and_the_others_are_built(tmp_path):
    text = (BATCH / "mitra.csv").read_text(encoding="utf-8").replace(",court,4,yes", ",court," + "9" * 5_000 + ",yes", 1)
    data = tmp_path / "mitra.csv"
    data.write_text(text, encoding="utf-8")
    code, out, err = run("batch", BATCH / "mitra.pkm", data, "-o", tmp_path / "out", "--library", LIBRARY,
                         "--jobs", "1", "--format", "docx")
    assert code == 1 and "Traceback" not in err
    assert "row 2 (mitra-2): 1 error" in err and "PKM015 `rapat`: expected integer" in err
    assert "built 3, failed 2 of 5" in out  # row 5 of the fixture has a mistake of its own
