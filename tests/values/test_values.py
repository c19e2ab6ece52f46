"""The values (pkm_docs/values.py). Values a source or data file may not slip past: an empty language list, a text
given twice in one block, digits that are not ASCII, and invisible characters (issue 13, item 12); and a value of
each type read from a data file, or its mistake reported at its line. Writing values out is tested in
tests/values/test_locale.py."""

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


# ---- each type read from a data file (pkm_docs/values.py), as `pkm check --data` reports it -------------------

INPUTS = {
    "masa": "period", "bagian": "allocation of percent", "luas": "quantity(ha)", "rapat": "integer",
    "dana": "money", "fungsi": "choice(lindung, produksi)",
}
LAST_ARTICLE = "  use language.governing@^1\n}\n"
GOOD_DATA = {
    "masa": "{from: 2027-02-01, months: 24}", "bagian": "{dinkes: 60%, yayasan: 40%}", "luas": "125,5",
    "rapat": "3", "dana": "Rp150.000.000", "fungsi": "lindung",
}
# the input, the value in the data file, the message after "PKM015 `input`: " and the hint (None: none)
DATA_MISTAKES = [
    ("masa", "{from: 2027-02-01, until: 2027-01-01}", "the period ends (2027-01-01) before it starts (2027-02-01)",
     None),
    ("masa", "{from: 2027-02-01, until: 2027-03-01, months: 2}",
     "a period has one end: `until:` a date, or its length in `months:` or `years:`",
     "the other is derived and written out"),
    ("masa", "{until: 2027-03-01}", "a period needs its first day: `from: 2027-02-01`",
     "write { from: 2027-02-01, until: 2030-01-31 }"),
    ("masa", "{from: 2027-02-01, sampai: 2027-03-01}",
     "a period is written with `from:` and `until:` (or `months:`), not `sampai`", None),
    ("bagian", "{}", "an allocation names at least one recipient", None),
    ("rapat", "2.5", "expected integer, e.g. a whole number such as 3, got 2.5", None),
    ("dana", "[1, 2]", "expected money, e.g. Rp500.000.000, got a list", None),
    ("dana", "satu juta", "expected money, e.g. Rp500.000.000, got 'satu juta'", None),
    ("dana", "Rp99999999999999999999",
     "99,999,999,999,999,999,999 is too large to write in words (the limit is 999,999,999,999,999)", None),
    ("fungsi", "konservasi", "unknown choice `konservasi`", "expected one of `lindung`, `produksi`"),
    ("bagian", "{dinkes: 60%, dinas: 40%}", "`dinas` is not a party of the agreement",
     'did you mean `dinkes`? A recipient who is not a party is written by its name, e.g. "Kas Desa Sesaot": 10%'),
    ("dana", "1.000", "`1.0` is a number with a decimal point to YAML, not an amount in rupiah",
     'write the amount in quotes, as in the text: "Rp1.000" (or 1000 without dots)'),
    ("dana", "-1", "`-1` is negative: an amount, a percentage or a count has no sign",
     "write the number without the minus sign"),
    ("rapat", "-3", "`-3` is negative: an amount, a percentage or a count has no sign",
     "write the number without the minus sign"),
]


def check_data(tmp_path: Path, values: dict[str, str]) -> tuple[int, Path, list[str]]:
    """`pkm check --data` of the passing agreement with one input per value, the data file giving each value on
    its own line after a comment line."""
    inputs = "".join(f"input {name}: {INPUTS[name]}\n" for name in values)
    source = tmp_path / "agreement.pkm"
    source.write_text(GOOD.replace(LAST_ARTICLE, LAST_ARTICLE + "\n" + inputs, 1), encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text("# the values\n" + "".join(f"{name}: {value}\n" for name, value in values.items()),
                    encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(source), "--library", str(CHECKS / "library"), "--data", str(data)],
                stdout=out, stderr=err)
    return code, data, (out.getvalue() + err.getvalue()).splitlines()


def test_values_of_every_type_written_as_documented_are_read_from_a_data_file(tmp_path):
    code, _, lines = check_data(tmp_path, GOOD_DATA)
    assert (code, lines) == (0, ["no problems found"])


@pytest.mark.parametrize("name, value, message, hint", DATA_MISTAKES,
                         ids=["period-ends-before-it-starts", "period-with-two-ends", "period-without-a-start",
                              "period-unknown-key", "allocation-empty", "integer-with-a-fraction", "money-as-a-list",
                              "money-in-words", "money-too-large-for-words", "choice-unknown",
                              "allocation-party-key-misspelt", "money-with-indonesian-thousands-unquoted",
                              "money-negative", "integer-negative"])
def test_a_value_a_data_file_gets_wrong_is_reported_at_its_line_with_its_message(tmp_path, name, value, message,
                                                                                  hint):
    code, data, lines = check_data(tmp_path, {name: value})
    assert code == 1
    head = f"{data}:2:1: PKM015 `{name}`: {message}"
    assert head in lines, lines
    at = lines.index(head)
    assert lines[at + 1] == f"    2 | {name}: {value}"
    assert lines[at + 2] == "      | " + "^" * len(name)
    assert lines[at + 3] == (f"  hint: {hint}" if hint else "1 error")


def test_an_input_refused_in_the_data_file_is_reported_there_alone(tmp_path):
    """The health template names `kontribusi_dinas` inside an allocation (`{ dinas: kontribusi_dinas, ... }`): a
    value the data file gets wrong is one error, at its line, not a second one saying no such input is declared."""
    templates = ROOT / "templates"
    lines = (templates / "kesehatan.sample.yaml").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("kontribusi_dinas:"))
    lines[row - 1] = "kontribusi_dinas: -1"
    data = tmp_path / "data.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(templates / "kesehatan.pkm"), "--data", str(data)], stdout=out, stderr=err)
    shown = err.getvalue().splitlines() + out.getvalue().splitlines()
    assert code == 1
    assert [line for line in shown if ": PKM" in line] == [
        f"{data}:{row}:1: PKM015 `kontribusi_dinas`: `-1` is negative: an amount, a percentage or a count has no sign"
    ], shown
    assert "1 error" in shown
