"""The `pkm` command line dispatches every subcommand with the documented exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pkm_docs.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


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
    code, out, _ = run("check", str(Path(__file__).resolve().parents[1] / "examples" / "kemitraan_kesehatan.pkm"))
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
    root = Path(__file__).resolve().parents[1]
    args = [command[0], *(str(root / a) for a in command[1:]), "-o", str(tmp_path / "out"), "--format", formats]
    code, _, err = run(*args)
    assert code == 2
    named = "odt" if "odt" in formats else ""
    assert f"unknown format `{named}`" in err and "formats are docx, pdf" in err
    assert not (tmp_path / "out").exists()
