"""``pkm batch`` stopped by a signal leaves no process behind and an index that matches the files on disk;
``index.csv`` never holds a live spreadsheet formula."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
BATCH = Path(__file__).parents[1] / "fixtures" / "batch"
LIBRARY = Path(__file__).parents[1] / "fixtures" / "library"


def marked_processes(mark: str) -> list[int]:
    """The pids of live processes whose environment holds ``mark`` (read from /proc; psutil is not needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def index_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "index.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def many_records(tmp_path: Path, count: int) -> Path:
    text = (BATCH / "mitra.yaml").read_text(encoding="utf-8")
    first = text[text.index("- nama_yayasan"):text.index("- nama_yayasan: Yayasan Tunas")]
    path = tmp_path / "many.yaml"
    path.write_text("".join(first.replace("Yayasan Kasih Ibu", f"Yayasan {i}") for i in range(count)), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_batch_killed_leaves_no_process_and_an_index_that_matches_the_files(signum, tmp_path):
    mark = f"PKM_TEST_{uuid.uuid4().hex}"
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pkm_docs.cli", "batch", str(BATCH / "mitra.pkm"), str(many_records(tmp_path, 60)),
               "-o", str(out), "--library", str(LIBRARY), "--jobs", "2", "--format", "docx"]
    child = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT), mark: "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the workers have written a few files
            if (out / "index.csv").exists() and len(index_rows(out)) >= 3:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the batch wrote nothing in 60 s")
        assert len(marked_processes(mark)) >= 3  # the batch, its workers and multiprocessing's helpers
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == (143 if signum == signal.SIGTERM else -signal.SIGKILL)
    if signum == signal.SIGTERM:
        assert "interrupted; the files already written are complete and listed in index.csv" in err
        assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marked_processes(mark) == []
    rows = index_rows(out)
    assert rows and len(rows) < 60
    for row in rows:
        assert hashlib.sha256((out / row["file"]).read_bytes()).hexdigest() == row["sha256"], row["file"]
    assert not [p for p in out.iterdir() if p.name.startswith(".pkm-") and p.name.endswith(".part")] or \
        signum == signal.SIGKILL  # a SIGKILL may leave a work folder, which the next build removes


@pytest.mark.parametrize("version", ['=HYPERLINK("http://example.com","klik")', "+1+1", "-2+3", "@SUM(A1)",
                                     "\t=1", "\r=1"], ids=["=", "+", "-", "@", "tab", "CR"])
def test_a_library_version_that_a_spreadsheet_reads_as_a_formula_is_neutralised_in_the_index(version, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    escaped = version.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    (library / "library.toml").write_text(f'name = "test library"\nversion = "{escaped}"\n', encoding="utf-8")
    out_stream, err_stream = io.StringIO(), io.StringIO()
    code = main(["batch", str(BATCH / "mitra.pkm"), str(BATCH / "mitra.yaml"), "-o", str(tmp_path / "out"),
                 "--library", str(library), "--jobs", "1", "--format", "docx"], stdout=out_stream, stderr=err_stream)
    assert code == 0, err_stream.getvalue()
    rows = index_rows(tmp_path / "out")
    assert len(rows) == 2
    assert all(row["library_version"] == ("'" + version).replace("\r", " ") for row in rows)


@pytest.mark.parametrize("call", [1, 2], ids=["header", "first record"])
def test_a_full_disk_while_writing_the_index_is_a_diagnostic(call, tmp_path, monkeypatch):
    import errno

    from pkm_docs import batch

    real, calls = batch._Index._write, [0]

    def write(self, rows):
        calls[0] += 1
        if calls[0] == call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, rows)
    monkeypatch.setattr(batch._Index, "_write", write)
    out_stream, err_stream = io.StringIO(), io.StringIO()
    code = main(["batch", str(BATCH / "mitra.pkm"), str(BATCH / "mitra.yaml"), "-o", str(tmp_path / "out"),
                 "--library", str(LIBRARY), "--jobs", "1", "--format", "docx"], stdout=out_stream, stderr=err_stream)
    assert code == 2
    assert f"cannot write into {tmp_path / 'out'}: no space left on device" in err_stream.getvalue()
    assert "Traceback" not in err_stream.getvalue()
