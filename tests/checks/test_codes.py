"""One registry for every diagnostic code: each code the tool can print is registered, with both languages,
and `pkm check --explain` answers for every one of them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from pkm_docs.cli import main
from pkm_docs.codes import CODES, all_codes

ROOT = Path(__file__).resolve().parents[2]


def raised_codes() -> set[str]:
    """Every code written as a literal in the package (``"PKM015"``, or a rule's ``@rule("PKM140", ...)``)."""
    found: set[str] = set()
    for path in (ROOT / "pkm_docs").rglob("*.py"):
        if path.name == "codes.py":
            continue
        found |= set(re.findall(r"""["'](PKM\d{3})["']""", path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_package_raises_is_registered():
    raised = raised_codes()
    assert len(raised) > 40
    assert raised - set(all_codes()) == set()


def test_no_code_is_registered_twice_between_readers_and_checks():
    from pkm_docs.checks.registry import RULES
    assert set(CODES) & set(RULES) == set()
    assert all(code.startswith(("PKM0", "PKM9")) for code in CODES)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("code", sorted(all_codes()))
def test_explain_answers_for_every_code(code, lang):
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--explain", code, "--lang", lang], stdout=out, stderr=err) == 0, err.getvalue()
    text = out.getvalue()
    entry = all_codes()[code]
    assert text.startswith(f"{code} {entry.name} (")
    assert entry.title[lang] in text and entry.explanation[lang].split()[0] in text
