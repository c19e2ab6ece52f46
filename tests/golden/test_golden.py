"""The golden corpus: every output of the example, the templates and the fixtures is what the corpus records.

A change that means to alter the outputs regenerates the corpus (`python tests/golden/golden.py --update`) and
the diff of `tests/golden/texts/` shows a reviewer what changed in the documents.
"""

from __future__ import annotations

import difflib
import hashlib
import json

import pytest

from tests.golden.golden import CASES, CORPUS, TEXTS, build, normalised_text, versions

RECORDED = json.loads(CORPUS.read_text(encoding="utf-8"))


#: Cases the fast suite builds too; the others (the same renderers on other sources and layouts) only in the full run.
FAST = {"example-parallel", "fixture"}


@pytest.mark.parametrize("case", [case if case.name in FAST else pytest.param(case, marks=pytest.mark.slow)
                                  for case in CASES], ids=lambda case: case.name)
def test_every_output_is_what_the_golden_corpus_records(case, tmp_path):
    files = build(case, tmp_path / case.name)
    recorded = RECORDED["files"][case.name]
    assert sorted(files) == sorted(recorded), "the build wrote other files than the corpus records"
    same_packages = versions() == RECORDED["versions"]
    for name, data in files.items():
        expected = (TEXTS / case.name / f"{name}.txt").read_text(encoding="utf-8")
        text = normalised_text(name, data)
        if text != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                                f"golden/{case.name}/{name}", f"built/{case.name}/{name}", n=1))
            pytest.fail(f"{case.name}/{name}: the text changed (regenerate the corpus if meant):\n{diff[:6000]}")
        if same_packages:
            assert hashlib.sha256(data).hexdigest() == recorded[name], (
                f"{case.name}/{name}: same text, other bytes (regenerate the corpus if meant)")
