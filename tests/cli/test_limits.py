"""What ``pkm build`` cannot build, ``pkm check`` refuses first; a clause library's links and metadata are checked.

Each test makes its file, runs ``pkm`` and asserts the exit code, the message and that nothing was written.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
LIBRARY = ROOT / "clause_library"
TITLE = '"Perjanjian Kemitraan tentang Pelayanan Kesehatan Ibu dan Anak di Kota Kupang"'
SECRET = "SECRET-TOKEN-4f1c9a"


def run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def example_with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "agreement.pkm"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# -- check refuses what build cannot build -------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["build", "-o", "out"], ["build", "-o", "out", "--draft"]])
def test_a_40000_character_title_is_refused_by_check_and_build_naming_the_field(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `-o out` is relative: the checkout may hold an `out` of its own
    source = example_with(tmp_path, TITLE, '"' + "A" * 40_000 + '"')
    code, out, err = run(command[0], source, *command[1:])
    assert code == 1
    line = EXAMPLE.read_text(encoding="utf-8").splitlines().index("agreement {") + 1
    assert (f"{source}:{line}:1: PKM039 the title is 40,000 characters long in `id`; titles are limited to "
            "1,000 characters") in out + err
    assert "PKM900" not in out + err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ["sesuai Pasal {digits} ini", "({digits}) kegiatan"], ids=["reference", "number"])
def test_a_5000_digit_number_in_a_text_is_a_diagnostic_not_a_traceback(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = example_with(tmp_path, '"meningkatkan akses', '"' + text.format(digits="9" * 5_000) + ' meningkatkan akses')
    for command in (["check", source], ["build", source, "-o", "out"]):
        code, out, err = run(*command)
        assert code == 1, out + err
        assert "PKM039 a number of 5,000 digits (`999999999999…`); pkm-docs reads numbers of up to 1,000 digits" in out + err
        assert (out + err).count("PKM039") == 1
    assert not (tmp_path / "out").exists()


# -- the clause library ---------------------------------------------------------------------------------


@pytest.fixture
def library(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    (tmp_path / "secret.txt").write_text(f'token = "{SECRET}"\nclause {SECRET} {{\n', encoding="utf-8")
    return copy


@pytest.mark.parametrize("link", ["stolen.pkm", "library.toml", "folder"])
def test_a_symbolic_link_in_the_library_is_refused_without_showing_its_target(link, library, tmp_path):
    target = tmp_path / "secret.txt"
    if link == "library.toml":
        (library / link).unlink()
    if link == "folder":
        (tmp_path / "outside").mkdir()
        shutil.copy(target, tmp_path / "outside" / "secret.pkm")
        target = tmp_path / "outside"
    (library / link).symlink_to(target)
    for command in (["check", EXAMPLE, "--library", library], ["build", EXAMPLE, "--library", library, "-o",
                                                                  tmp_path / "out"]):
        code, out, err = run(*command)
        assert code == 2
        assert f"{library / link} is a symbolic link; pkm-docs does not follow links in a clause library" in err
        assert SECRET not in out + err
    assert not (tmp_path / "out").exists()


def test_a_library_version_of_5000_digits_is_a_diagnostic(library, tmp_path):
    (library / "library.toml").write_text('name = "x"\nversion = ' + "9" * 5_000 + "\n", encoding="utf-8")
    code, _, err = run("check", EXAMPLE, "--library", library)
    assert code == 2
    assert f"{library / 'library.toml'}: Exceeds the limit (4300 digits)" in err
    assert "Traceback" not in err and len(err) < 1_000
