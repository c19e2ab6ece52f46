"""Values a source or data file may not slip past: an empty language list, a text given twice in one block,
digits that are not ASCII, and invisible characters (issue 13, item 12)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ROOT / "tests" / "fixtures" / "checks"
GOOD = (CHECKS / "good.pkm").read_text(encoding="utf-8")
LANGUAGE = "article {\n  use language.governing@^1\n}"

CASES = {
    "empty language list": (("languages: id, en", "languages: []"), "PKM035 `languages` is empty"),
    "a text given twice": ((LANGUAGE, 'article { text { id: """(1) a""" id: """(1) b""" en: """(1) c""" } }\n\n'
                            + LANGUAGE), "PKM020 the `id` text is given twice in this block"),
    "Arabic-Indic digit in an amount": (("Rp100.000.000", "Rp9\u0665.000.000"), "PKM001 unexpected `\u0665` here"),
    "fullwidth digit in an amount": (("Rp100.000.000", "Rp\uff11.000.000"), "PKM001"),
    "zero-width space in a name": (('name: "Yayasan Uji"', 'name: "Yayasan\u200bUji"'),
                                   "PKM002 this text holds U+200B (ZERO WIDTH SPACE)"),
    "word joiner in a name": (('name: "Yayasan Uji"', 'name: "Yayasan\u2060Uji"'), "PKM002 this text holds U+2060"),
    "private-use character in a name": (('name: "Yayasan Uji"', 'name: "Yayasan\ue000Uji"'),
                                        "PKM002 this text holds U+E000"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_value_that_would_slip_past_is_a_diagnostic_and_writes_nothing(case, tmp_path):
    (old, new), message = CASES[case]
    assert old in GOOD
    source = tmp_path / "agreement.pkm"
    source.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(source), "--library", str(CHECKS / "library"), "-o", str(tmp_path / "out")],
                stdout=out, stderr=err)
    assert code == 1, out.getvalue()
    assert message in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_a_data_file_amount_with_non_ascii_digits_is_refused_naming_the_field(tmp_path):
    template, sample = ROOT / "templates" / "kesehatan.pkm", ROOT / "templates" / "kesehatan.sample.yaml"
    text = sample.read_text(encoding="utf-8")
    key = next(line.split(":")[0] for line in text.splitlines() if ": Rp" in line or ': "Rp' in line)
    lines = [f'{key}: "Rp9\u0665.000.000"' if line.startswith(key + ":") else line for line in text.splitlines()]
    data = tmp_path / "data.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(template), "--data", str(data)], stdout=out, stderr=err)
    assert code == 1
    assert f"PKM015 `{key}`: expected money" in out.getvalue() + err.getvalue()
