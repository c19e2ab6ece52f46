"""Bugs that mypy found (issue 20, item 1), each kept fixed."""

from __future__ import annotations

import shutil

import pytest

from pkm_docs.errors import SourceError
from pkm_docs.library import default_library_dir, load_library


def test_an_input_in_a_clause_library_is_pkm021_at_the_input(tmp_path):
    # an `input` declaration has no span of its own: the loader used to fail with an AttributeError
    root = tmp_path / "library"
    shutil.copytree(default_library_dir(), root)
    (root / "stray.pkm").write_text("input total: money\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_library(root)
    [diag] = [d for d in caught.value.diagnostics if d.code == "PKM021"]
    assert diag.message == "a clause library holds clauses, schemes and a glossary only"
    assert diag.span is not None and diag.span.file.endswith("stray.pkm")
    assert (diag.span.line, diag.span.column) == (1, 1)
