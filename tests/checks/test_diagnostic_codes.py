"""Every diagnostic code the tool prints is raised by a test that asserts its message and its place. The codes of
the library loader, the resolver and the command line that no other test raises are raised here, each from a small
input as a user would write it, through `pkm library list` or `pkm check`."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from pkm_docs.cli import main
from pkm_docs.codes import all_codes
from tests.support.clauses import CLAUSE

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ROOT / "tests" / "fixtures" / "checks"
GOOD = (CHECKS / "good.pkm").read_text(encoding="utf-8")
LAST_ARTICLE = "  use language.governing@^1\n}\n"


# code, the clause file's text, the line and column reported, the message, the words under the caret
LIBRARY_CASES = [
    ("PKM004", CLAUSE.replace("  text {\n", '  text {\n    id: """(1) a."""\n    en: """(1) a."""\n  }\n  text {\n', 1),
     10, 3, "clause `uji.base` has more than one `text` block", "text {"),
    ("PKM023", CLAUSE.replace('  title: "Uji" / "Test"\n', ""), 1, 8,
     'clause `uji.base` needs `title: "Judul" / "Title"`', "uji.base"),
    ("PKM024", CLAUSE.replace("status: model", "status: approved"), 1, 8,
     "clause `uji.base` 1.0.0 is approved but does not say who approved it", "uji.base"),
    ("PKM025", CLAUSE.replace('    en: """(1) Amount {jumlah}."""\n', ""), 6, 3,
     "clause `uji.base` 1.0.0 has no `en` text", "text {"),
    ("PKM026", CLAUSE.replace("param jumlah: money", "param jumlah: money min 5%"), 5, 23,
     "min of `jumlah`: expected money, got a percentage", "min 5%"),
    ("PKM027", CLAUSE.replace("param jumlah: money", "param jumlah: uang"), 5, 17, "unknown type `uang`", "uang"),
    ("PKM040", CLAUSE.replace("param jumlah: money", "param jumlah: money means shares"), 5, 23,
     "`means shares` applies to a parameter of type allocation, not money", "means shares"),
]


def run(*argv) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


def assert_reported(output: str, path: Path, line: int, column: int, code: str, message: str, words: str) -> None:
    """The diagnostic at ``path:line:col`` with its message, then the source line, and a caret under ``words``."""
    lines = output.splitlines()
    head = f"{path}:{line}:{column}: {code} {message}"
    assert head in lines, output
    at = lines.index(head)
    source_line, caret = lines[at + 1], lines[at + 2]
    assert source_line.startswith(f"{line:>5} | ") and words in source_line
    start = caret.index("^")
    assert source_line[start:start + len(words)] == words and caret.strip().startswith("|")


@pytest.mark.parametrize("code, text, line, column, message, words", LIBRARY_CASES, ids=[c[0] for c in LIBRARY_CASES])
def test_a_library_mistake_is_reported_at_its_place(tmp_path, code, text, line, column, message, words):
    path = tmp_path / "clauses.pkm"
    path.write_text(text, encoding="utf-8")
    exit_code, output = run("library", "--library", tmp_path, "list")
    assert exit_code == 1
    assert_reported(output, path, line, column, code, message, words)


def test_an_agreement_with_no_header_is_reported_at_its_start(tmp_path):
    path = tmp_path / "agreement.pkm"
    path.write_text(GOOD[GOOD.index("}") + 1:], encoding="utf-8")
    exit_code, output = run("check", path, "--library", CHECKS / "library")
    assert exit_code == 1 and f"{path}:1:1: PKM031 this file has no `agreement {{ ... }}` header" in output


def test_a_header_without_a_number_is_reported_at_the_header(tmp_path):
    path = tmp_path / "agreement.pkm"
    path.write_text(GOOD.replace("  number: ", "  # number: ", 1), encoding="utf-8")
    exit_code, output = run("check", path, "--library", CHECKS / "library")
    assert exit_code == 1
    assert_reported(output, path, 3, 1, "PKM034", "the agreement header has no `number`", "agreement {")


def test_a_condition_comparing_an_amount_with_a_date_is_reported_at_the_condition(tmp_path):
    path = tmp_path / "agreement.pkm"
    text = GOOD.replace(LAST_ARTICLE, LAST_ARTICLE + "\ninput anggaran: money default Rp100.000.000\n\n"
                        "article {\n  use uji.refund@^1 when anggaran > 2027-01-01\n}\n")
    path.write_text(text, encoding="utf-8")
    exit_code, output = run("check", path, "--library", CHECKS / "library")
    line = text.splitlines().index("  use uji.refund@^1 when anggaran > 2027-01-01") + 1
    assert exit_code == 1
    assert_reported(output, path, line, 26, "PKM018", "these two values cannot be compared",
                    "anggaran > 2027-01-01")


def test_a_clause_whose_languages_have_different_paragraphs_is_reported_at_its_text(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(CHECKS / "library", library)
    uneven = CLAUSE.replace("uji.base", "uji.uneven").replace('    en: """(1) Amount {jumlah}."""',
                                                              '    en: """(1) Amount {jumlah}.\n(2) More."""')
    (library / "uneven.pkm").write_text(uneven, encoding="utf-8")
    path = tmp_path / "agreement.pkm"
    using = "\narticle {\n  use uji.uneven@^1 { jumlah: Rp1.000 }\n}\n"
    path.write_text(GOOD.replace(LAST_ARTICLE, LAST_ARTICLE + using), encoding="utf-8")
    exit_code, output = run("check", path, "--library", library)
    assert exit_code == 1
    found = [line for line in output.splitlines() if " PKM029 " in line]
    assert found == [f"{library / 'uneven.pkm'}:8:9: PKM029 `uji.uneven@1.0.0` has different paragraphs in `id` "
                     "and `en`"]


def test_a_file_that_does_not_exist_is_a_usage_error_without_a_place(tmp_path):
    # PKM000, a command or file that cannot be used, is printed as "pkm: error: ..." with no place
    exit_code, output = run("check", tmp_path / "tidak-ada.pkm")
    assert exit_code == 2 and re.search(r"^pkm: error: .*tidak-ada\.pkm", output, re.M) and "Traceback" not in output


def test_every_code_the_tool_prints_is_raised_by_a_test():
    # a code named in a test as a quoted string or in an expected `CODE message` is raised and asserted there
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("*.py"))
    untested = [code for code in sorted(all_codes()) if code not in tests]
    assert untested == []
