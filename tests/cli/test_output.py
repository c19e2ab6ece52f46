"""A build replaces all its files or none: a failure at any point, even ``kill -9``, leaves the previous set.

Each test runs ``pkm build`` (in this process, or in a child that is killed) over an output folder that holds
an earlier build, and checks what is in the folder afterwards, byte for byte.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.faults import fail_on_call
import pkm_docs.output as output
from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
NAMES = ["kemitraan_kesehatan.docx", "kemitraan_kesehatan.pdf"]


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def previous(tmp_path: Path) -> dict[str, bytes]:
    """An output folder holding an earlier build's files (recognisable bytes)."""
    out = tmp_path / "out"
    out.mkdir()
    files = {name: f"the previous {name}".encode() for name in NAMES}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} | {
        p.name + "/": b"" for p in folder.iterdir() if p.is_dir()}


def test_a_failed_write_of_the_second_file_keeps_both_previous_files(previous, tmp_path, monkeypatch):
    disk_full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(output, "_write_synced", fail_on_call(2, output._write_synced, disk_full))
    code, out, err = run("build", EXAMPLE, "-o", tmp_path / "out")
    assert code == 2 and out == ""
    assert f"cannot write into {tmp_path / 'out'}: no space left on device; the files already there are as they were" in err
    assert "Traceback" not in err
    assert contents(tmp_path / "out") == previous  # byte-identical, and no hidden file or folder left


@pytest.mark.parametrize("call", [1, 2, 3, 4])
def test_a_failed_rename_at_any_point_puts_the_previous_files_back(call, previous, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", fail_on_call(call, os.replace, OSError(errno.EIO, "Input/output error")))
    code, _, err = run("build", EXAMPLE, "-o", tmp_path / "out")
    assert code == 2 and "cannot write into" in err and "Input/output error" in err
    assert contents(tmp_path / "out") == previous


@pytest.mark.slow
def test_a_build_killed_while_moving_its_files_in_is_undone_by_the_next_build(previous, tmp_path):
    # the child kills itself with SIGKILL at its third rename: the new DOCX is in place beside the previous PDF
    script = ("import os, signal, sys\n"
              "real, calls = os.replace, [0]\n"
              "def replace(*a, **k):\n"
              "    calls[0] += 1\n"
              "    if calls[0] == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
              "    return real(*a, **k)\n"
              "os.replace = replace\n"
              "from pkm_docs.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", script, "build", str(EXAMPLE), "-o", str(tmp_path / "out")],
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == -signal.SIGKILL
    left = contents(tmp_path / "out")
    assert left[NAMES[0]] != previous[NAMES[0]] and left[NAMES[1]] == previous[NAMES[1]]  # mixed, for now
    assert any(name.startswith(".pkm-") for name in left)
    broken = EXAMPLE.read_text(encoding="utf-8").replace("scheme: pkm-standar", "scheme: pkm-standr")
    (tmp_path / "kemitraan_kesehatan.pkm").write_text(broken, encoding="utf-8")
    code, _, _ = run("build", tmp_path / "kemitraan_kesehatan.pkm", "-o", tmp_path / "out")
    assert code == 1  # this build writes nothing, but first undoes the killed one
    assert contents(tmp_path / "out") == previous


def test_part_files_a_killed_build_left_are_removed_by_the_next_build(previous, tmp_path):
    out = tmp_path / "out"
    (out / ".kemitraan_kesehatan.docx.k2x9_a1b.part").write_bytes(b"half a docx")  # the old naming
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = out / f".pkm-{dead.stdout.strip()}-0a1b2c3d4e5f.part"
    (stale / "new").mkdir(parents=True)
    (stale / "new" / NAMES[0]).write_bytes(b"half a docx")
    code, _, err = run("build", EXAMPLE, "-o", out)
    assert code == 0, err
    assert sorted(contents(out)) == NAMES


def test_output_naming_a_file_is_a_diagnostic(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    code, _, err = run("build", EXAMPLE, "-o", tmp_path / "out")
    assert code == 2 and f"cannot write into {tmp_path / 'out'}: it is a file, not a folder" in err
    assert (tmp_path / "out").read_text() == "not a folder"


def test_a_read_only_output_folder_is_a_diagnostic(previous, tmp_path, monkeypatch):
    # the tests may run as root, who may write anywhere: the refusal is simulated where the folder is written
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name.startswith(".pkm-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, _, err = run("build", EXAMPLE, "-o", tmp_path / "out")
    assert code == 2 and f"cannot write into {tmp_path / 'out'}: Permission denied" in err
    assert contents(tmp_path / "out") == previous


def test_pkm_new_on_a_full_disk_is_a_diagnostic_and_leaves_no_file(tmp_path, monkeypatch):
    disk_full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(output, "_write_synced", fail_on_call(2, output._write_synced, disk_full))
    code, _, err = run("new", "kesehatan", tmp_path / "mine.pkm")
    assert code == 2 and "no space left on device" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def _manifest(docx: Path) -> dict:
    from pkm_docs.renderers.docx_read import read_docx

    return read_docx(docx).manifest


def test_the_manifest_names_the_source_and_data_by_file_name_however_the_path_was_typed(tmp_path, monkeypatch):
    template, sample = ROOT / "templates" / "kesehatan.pkm", ROOT / "templates" / "kesehatan.sample.yaml"
    monkeypatch.chdir(ROOT / "templates")
    code, _, err = run("build", "kesehatan.pkm", "--data", "kesehatan.sample.yaml", "-o", tmp_path / "a", "--format", "docx")
    assert code == 0, err
    code, _, err = run("build", template, "--data", sample, "-o", tmp_path / "b", "--format", "docx")
    assert code == 0, err
    manifest = _manifest(tmp_path / "b" / "kesehatan.docx")
    assert manifest["source"]["file"] == "kesehatan.pkm"
    assert manifest["data"]["file"] == "kesehatan.sample.yaml"
    assert str(ROOT) not in (tmp_path / "b" / "kesehatan.docx").read_bytes().decode("latin-1")
    assert (tmp_path / "a" / "kesehatan.docx").read_bytes() == (tmp_path / "b" / "kesehatan.docx").read_bytes()


def test_a_batch_manifest_names_the_data_file_and_record_without_the_path(tmp_path):
    batch = Path(__file__).parents[1] / "fixtures" / "batch"
    code, _, err = run("batch", batch / "mitra.pkm", batch / "mitra.yaml", "-o", tmp_path / "out", "--library",
                       Path(__file__).parents[1] / "fixtures" / "library", "--jobs", "1", "--format", "docx")
    assert code == 0, err
    manifest = _manifest(tmp_path / "out" / "mitra-1.docx")
    assert manifest["source"]["file"] == "mitra.pkm"
    assert manifest["data"]["file"] == "mitra.yaml record 1"
