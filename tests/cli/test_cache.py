"""The per-user cache (pkm_docs/cache.py): the next run sees every change of a library file, and an entry that
someone else could have written, or that is damaged, is never loaded."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pkm_docs.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
MAGIC = b"pkm-docs cache 1\n"


def _show(library: Path, ref: str = "funding.cost_sharing@2.0.0") -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["library", "--library", str(library), "show", ref], out, err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def library(tmp_path) -> Path:
    folder = tmp_path / "library"
    shutil.copytree(FIXTURES / "library", folder)
    return folder


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache" / "pkm-docs"
    monkeypatch.setenv("PKM_CACHE_DIR", str(folder))
    return folder


def _entries(cache: Path, prefix: str) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name.startswith(prefix))


class _Marker:
    """A pickle that creates a file when it is loaded: what a hostile cache entry would do."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _forge(entry: Path, value: object) -> None:
    """Replace the payload of ``entry`` by ``value``, keeping the header's key, with a matching checksum."""
    data = entry.read_bytes()
    key_digest = data[len(MAGIC):len(MAGIC) + 32]
    payload = pickle.dumps(value)
    entry.write_bytes(MAGIC + key_digest + hashlib.sha256(payload).digest() + payload)


def test_a_changed_library_file_is_seen_by_the_next_run(library, cache):
    assert "Pendanaan" in _show(library)
    assert len(_entries(cache, "library-")) == 1  # the first run filled the cache
    assert "Pendanaan" in _show(library)  # ... and the second read it
    funding = library / "funding.pkm"
    funding.write_text(funding.read_text(encoding="utf-8").replace(
        '"Pendanaan dan Sumber Daya" / "Funding and Resources"', '"Pembiayaan Bersama" / "Joint Funding"'),
        encoding="utf-8")
    shown = _show(library)
    assert "Pembiayaan Bersama" in shown and "Joint Funding" in shown
    assert len(_entries(cache, "library-")) == 1  # one entry per library folder, replaced


def test_a_new_library_file_is_seen_by_the_next_run(library, cache):
    _show(library)
    (library / "extra.pkm").write_text((FIXTURES / "library" / "funding.pkm").read_text(encoding="utf-8")
                                       .replace("funding.cost_sharing", "funding.extra_sharing"), encoding="utf-8")
    assert "funding.extra_sharing" in _show(library, "funding.extra_sharing@2.0.0")


def test_the_cache_folder_is_created_private(library, cache):
    _show(library)
    assert cache.stat().st_mode & 0o777 == 0o700
    for entry in cache.iterdir():
        assert entry.stat().st_mode & 0o077 == 0


def test_an_entry_is_loaded_only_when_no_one_else_could_have_written_it(library, cache, tmp_path):
    expected = _show(library)
    (entry,) = _entries(cache, "library-")
    marker = tmp_path / "the-cache-ran-code"
    _forge(entry, _Marker(marker))

    entry.chmod(0o666)  # world-writable: ignored
    assert _show(library) == expected and not marker.exists()
    _forge(entry, _Marker(marker))  # (the run above replaced the entry it could not trust)
    entry.chmod(0o620)  # group-writable: ignored
    assert _show(library) == expected and not marker.exists()

    _forge(entry, _Marker(marker))
    entry.chmod(0o600)
    cache.chmod(0o777)  # a folder others may write in: nothing in it is read, nothing written
    assert _show(library) == expected and not marker.exists()
    cache.chmod(0o700)

    if os.geteuid() == 0:  # root can give the entry to another user: ignored too
        os.chown(entry, 12345, 12345)
        assert _show(library) == expected and not marker.exists()
        os.chown(entry, 0, 0)
        _forge(entry, _Marker(marker))

    # the control: the same entry, private and ours, is trusted, which is what the checks above protect
    entry.chmod(0o600)
    _show(library)  # (the object it makes is not a library, so the library is built again)
    assert marker.exists()


def test_a_linked_cache_folder_is_not_followed(library, cache, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache.parent.mkdir(parents=True)
    cache.symlink_to(elsewhere)
    assert "Pendanaan" in _show(library)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_entry_is_ignored(library, cache, damage):
    expected = _show(library)
    (entry,) = _entries(cache, "library-")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if damage is None else damage)
    assert _show(library) == expected
    assert _show(library) == expected  # the entry was rebuilt


def test_pkm_no_cache_writes_nothing(library, cache, monkeypatch):
    monkeypatch.setenv("PKM_NO_CACHE", "1")
    assert "Pendanaan" in _show(library)
    assert not cache.exists()


def _build(out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pkm_docs.cli", "build", str(ROOT / "examples" /
                           "kemitraan_kesehatan.pkm"), "-o", str(out)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


@pytest.mark.slow
def test_builds_from_a_cold_a_warm_and_a_damaged_cache_write_the_same_files(tmp_path, cache):
    env = dict(os.environ, PKM_CACHE_DIR=str(cache))
    runs = []
    for i in range(3):
        if i == 2:  # damage every entry: the grammar's and the library's
            for entry in cache.iterdir():
                entry.write_bytes(entry.read_bytes()[:100])
        done = _build(tmp_path / f"out{i}", env)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert "wrote" in done.stdout
        runs.append({p.name: p.read_bytes() for p in (tmp_path / f"out{i}").iterdir()})
        assert {p.name for p in cache.iterdir()} >= {"grammar.lark"}
    assert runs[0] == runs[1] == runs[2]
    assert set(runs[0]) == {"kemitraan_kesehatan.docx", "kemitraan_kesehatan.pdf"}
