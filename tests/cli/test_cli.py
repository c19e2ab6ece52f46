"""The `pkm` command line dispatches every subcommand with the documented exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pkm_docs.cli import COMMANDS, _parser, main

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_pkm_diff_reports_a_changed_amount_and_exits_1():
    code, out, _ = run("diff", str(FIXTURES / "diff" / "base.pkm"), str(FIXTURES / "diff" / "params.pkm"))
    assert code == 1
    assert "total: Rp950.000.000,00 → Rp850.000.000,00" in out


def test_pkm_diff_of_identical_drafts_exits_0():
    base = str(FIXTURES / "diff" / "base.pkm")
    code, _, _ = run("diff", base, base, "--format", "json")
    assert code == 0


def test_pkm_library_diff_compares_two_versions_of_a_clause():
    code, out, _ = run("library", "diff", "reporting.public@1.0.0", "@1.1.0", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert "1.0.0" in json.dumps(data) and "1.1.0" in json.dumps(data)


def test_pkm_check_is_wired_and_passes_the_example():
    code, out, _ = run("check", str(Path(__file__).resolve().parents[2] / "examples" / "kemitraan_kesehatan.pkm"))
    assert code == 0, out


def test_no_command_is_a_usage_error():
    code, _, err = run()
    assert code == 2 and "pkm" in err


@pytest.mark.parametrize("command", [
    ("build", "examples/kemitraan_kesehatan.pkm"),
    ("batch", "tests/fixtures/batch/mitra.pkm", "tests/fixtures/batch/mitra.yaml"),
])
@pytest.mark.parametrize("formats", ["odt", "docx,odt", ","])
def test_an_unknown_format_is_a_usage_error_and_nothing_is_written(tmp_path, command, formats):
    root = Path(__file__).resolve().parents[2]
    args = [command[0], *(str(root / a) for a in command[1:]), "-o", str(tmp_path / "out"), "--format", formats]
    code, _, err = run(*args)
    assert code == 2
    named = "odt" if "odt" in formats else ""
    assert f"unknown format `{named}`" in err and "formats are docx, pdf" in err
    assert not (tmp_path / "out").exists()


def test_version_and_help_import_no_sub_command_and_no_renderer():
    """`pkm --version` and `pkm --help` answer at once: no parser, renderer, check or Jinja is imported."""
    probe = ("import contextlib, io, sys\n"
             "from pkm_docs.cli import main\n"
             "for argv in (['--version'], ['--help']):\n"
             "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
             "        main(argv)\n"
             "print(' '.join(sorted(sys.modules)))\n")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    heavy = ("lark", "docx", "docxtpl", "typst", "jinja2", "lxml", "pypdf", "babel", "yaml",
             "pkm_docs.parser", "pkm_docs.library", "pkm_docs.pipeline", "pkm_docs.checks", "pkm_docs.renderers",
             "pkm_docs.diff", "pkm_docs.batch", "pkm_docs.check_cli")
    assert [m for m in loaded if any(m == h or m.startswith(h + ".") for h in heavy)] == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_pkm_help_lists_each_command_as_its_own_parser_describes_it(command):
    # `pkm --help` shows the short help kept in cli.COMMANDS; the command's module registers its own
    assert _parser([command]).format_help() == _parser([]).format_help()


def test_a_mistyped_command_is_a_usage_error_naming_the_choices():
    code, _, err = run("chek", "x.pkm")
    assert code == 2 and "invalid choice: 'chek'" in err and "check" in err
