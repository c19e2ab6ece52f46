"""The clause library loader (pkm_docs/library.py), through `pkm library list` as a user runs it on a library
folder: what it lists, and each mistake in a library file reported at its place with its message, all of them in
one run, and nothing listed. The loader's other codes are raised in tests/checks/test_diagnostic_codes.py."""

from __future__ import annotations

import io
from pathlib import Path

from pkm_docs.cli import main
from pkm_docs.values import UNITS
from tests.support.clauses import CLAUSE

SCHEME = '''scheme pkm-uji {
  title: "PKM Uji" / "Test PKM"
  require purpose "Maksud dan Tujuan" / "Purpose"
}
'''


def list_library(folder: Path, **files: str) -> tuple[int, list[str]]:
    """Writes each file (name without `.pkm` = text) into the folder and runs `pkm library list` on it."""
    for name, text in files.items():
        (folder / f"{name}.pkm").write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["library", "--library", str(folder), "list"], stdout=out, stderr=err)
    return code, (out.getvalue() + err.getvalue()).splitlines()


def reported(lines: list[str], head: str, words: str) -> bool:
    """The diagnostic ``head`` (path:line:col: CODE message) is printed, then its source line with a caret under
    ``words``."""
    if head not in lines:
        return False
    at = lines.index(head)
    source, caret = lines[at + 1], lines[at + 2]
    start = caret.index("^")
    return source[start:start + len(words)] == words and caret[start:].rstrip() == "^" * len(words)


def test_a_library_lists_each_clause_with_its_title_versions_and_status(tmp_path):
    newer = CLAUSE.replace("1.0.0", "1.1.0").replace("status: model", "status: draft")
    code, lines = list_library(tmp_path, clauses=CLAUSE, newer=newer)
    assert code == 0, lines
    listed = [line for line in lines if "uji.base" in line]
    assert len(listed) == 1
    assert "Uji / Test" in listed[0] and "1.0.0 model" in listed[0] and "1.1.0 draft" in listed[0]


def test_a_clause_version_defined_twice_is_reported_at_the_second_naming_the_first(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE, copy=CLAUSE)
    assert code == 1
    assert reported(lines, f"{tmp_path / 'copy.pkm'}:1:8: PKM020 clause `uji.base@1.0.0` is defined twice",
                    "uji.base"), lines
    assert f"  hint: the first is at {tmp_path / 'clauses.pkm'}:1" in lines
    assert not any(line.startswith("unnamed library") for line in lines)


def test_a_scheme_defined_twice_is_reported_at_the_second(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE, schemes=SCHEME + "\n" + SCHEME)
    assert code == 1
    assert reported(lines, f"{tmp_path / 'schemes.pkm'}:6:1: PKM020 scheme `pkm-uji` is defined twice",
                    "scheme pkm-uji {"), lines


def test_a_list_of_lists_is_reported_at_its_type(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE.replace("param jumlah: money",
                                                                "param jumlah: list of list of text"))
    assert code == 1
    assert reported(lines, f"{tmp_path / 'clauses.pkm'}:5:17: PKM027 a list of lists is not supported",
                    "list of list of text"), lines


def test_an_unknown_unit_is_reported_at_its_type_with_the_units_there_are(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE.replace("param jumlah: money",
                                                                "param jumlah: quantity(hektar)"))
    assert code == 1
    assert reported(lines, f"{tmp_path / 'clauses.pkm'}:5:17: PKM027 unknown unit `hektar`",
                    "quantity(hektar)"), lines
    hint = lines[lines.index(f"{tmp_path / 'clauses.pkm'}:5:17: PKM027 unknown unit `hektar`") + 3]
    assert hint == f"  hint: units are {', '.join(UNITS)}" and "ha" in UNITS
    # the text's {jumlah} is that parameter's: one mistake, one error (not "not a parameter of this clause" too)
    assert not [line for line in lines if "PKM028" in line], lines


def test_a_file_that_ends_too_early_is_reported_where_it_ends_with_a_hint(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE, broken='clause uji.x 1.0.0 {\n  status: model\n')
    assert code == 1
    assert f"{tmp_path / 'broken.pkm'}:2:16: PKM001 the file ends too early" in lines, lines
    assert any(line.startswith("  hint: a `{` may be missing its closing `}`") for line in lines)


def test_every_mistake_of_a_library_is_reported_in_one_run(tmp_path):
    code, lines = list_library(tmp_path, clauses=CLAUSE.replace("param jumlah: money", "param jumlah: uang"),
                               schemes=SCHEME + "\n" + SCHEME)
    assert code == 1
    assert f"{tmp_path / 'clauses.pkm'}:5:17: PKM027 unknown type `uang`" in lines, lines
    assert f"{tmp_path / 'schemes.pkm'}:6:1: PKM020 scheme `pkm-uji` is defined twice" in lines
    assert lines[-1].endswith("; nothing was written")
