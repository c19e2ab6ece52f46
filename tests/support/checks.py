"""The passing agreement of the checks' tests and the edits that break one rule each.

``tests/fixtures/checks/good.pkm`` passes every rule against ``tests/fixtures/checks/library``; ``edit`` makes one
change to it, ``extra`` adds an article of ad-hoc text, ``check`` runs the checks on the result and ``line_of``
finds the line a finding must point at."""

from __future__ import annotations

from pathlib import Path

from pkm_docs.checks import run_checks
from pkm_docs.pipeline import compile_agreement

CHECKS = Path(__file__).resolve().parents[1] / "fixtures" / "checks"
GOOD = (CHECKS / "good.pkm").read_text(encoding="utf-8")


def edit(*replacements: tuple[str, str], text: str = GOOD) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def extra(id_text: str, en_text: str) -> tuple[str, str]:
    """An edit that appends an article holding ad-hoc text."""
    article = (f'article "Ketentuan Lain" / "Other Provisions" {{\n  text {{\n    id: """{id_text}"""\n'
               f'    en: """{en_text}"""\n  }}\n}}\n')
    return ("  use language.governing@^1\n}\n", "  use language.governing@^1\n}\n\n" + article)


def line_of(text: str, needle: str, last: bool = False) -> int:
    lines = text.splitlines()
    found = [i for i, line in enumerate(lines, 1) if needle in line]
    assert found, needle
    return found[-1] if last else found[0]


def check(tmp_path: Path, text: str, library, **kwargs):
    path = tmp_path / "agreement.pkm"
    path.write_text(text, encoding="utf-8")
    compiled = compile_agreement(path, library=library)
    return run_checks(compiled.agreement, library, **kwargs)
