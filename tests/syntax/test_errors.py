"""A user's mistakes: each reported as file:line:col, the source line, a caret and a hint; never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pkm_docs.cli import main
from pkm_docs.errors import ERROR, Diagnostic, format_diagnostic
from pkm_docs.syntax import Span


def run(tmp_path: Path, source: str, library: Path, data: Path | None = None) -> tuple[int, str]:
    path = tmp_path / "draft.pkm"
    path.write_text(source, encoding="utf-8")
    err = io.StringIO()
    argv = ["build", str(path), "--library", str(library), "-o", str(tmp_path / "out"), "--format", "docx"]
    if data is not None:
        argv += ["--data", str(data)]
    code = main(argv, stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


# (what the user got wrong, old text, new text, expected message, expected hint, the caret's text)
MISTAKES = [
    ("unknown clause id", "purpose.scope@^1", "purpose.scop@^1",
     "PKM010 the library has no clause `purpose.scop`", "did you mean `purpose.scope`?", "purpose.scop@^1"),
    ("unknown version", "purpose.scope@^1", "purpose.scope@^4",
     "PKM011 no version of `purpose.scope` matches `@^4`", "the library has 1.0.0 (approved)", "purpose.scope@^4"),
    ("draft pinned", "funding.cost_sharing@^2", "funding.cost_sharing@2.1.0",
     "PKM012 `funding.cost_sharing@2.1.0` is only a draft", "2.1.0 (draft)", "funding.cost_sharing@2.1.0"),
    ("mistyped parameter", "government_share: 60%", 'government_share: "enam puluh"',
     "PKM015 `government_share`: expected percent, got a text", "write 40%", '"enam puluh"'),
    ("missing parameter", "    government_share: 60%\n", "",
     "PKM016 `funding.cost_sharing@2.0.0` needs `government_share` (percent, e.g. 40%)",
     "add `government_share: ...`", "funding.cost_sharing@^2"),
    ("unknown parameter", "total: budget", "total: budget\n    totl: Rp5",
     "PKM014 `funding.cost_sharing@2.0.0` has no parameter `totl`", "did you mean `total`?", "totl"),
    ("missing colon", "scheme: pkm-standar", "scheme pkm-standar", "PKM001 unexpected `pkm-standar`; expected `:`",
     "a field is written `name: value`", "pkm-standar"),
    ("misspelt role", "role: organisation", "role: organization", "PKM037 unknown role `organization`",
     "did you mean `organisation`?", "organization"),
    ("duplicate party", "party yayasan", "party dinkes", "PKM020 party `dinkes` is declared twice",
     "the first is on line", "dinkes"),
    ("date that does not exist", "signed_on: 2026-12-01", "signed_on: 2026-02-30",
     "PKM002 `2026-02-30` is not a date that exists", "YEAR-MONTH-DAY", "2026-02-30"),
    ("misspelt header field", "  scheme: pkm-standar", "  schema: pkm-standar",
     "PKM022 unknown field `schema` in the agreement header", "did you mean `scheme`?", "schema"),
    ("unknown input in a condition", "when with_funding", "when with_fundng",
     "PKM019 `with_fundng` is not an input of this agreement", "did you mean `with_funding`?", "with_fundng"),
    ("percentage out of range", "government_share: 60%", "government_share: 160%",
     "PKM017 `government_share` must be at most 100%", None, "160%"),
    ("unclosed quote", '"Yayasan Uji"', '"Yayasan Uji', "PKM001 this text has no closing quote", 'use `"""`', '"'),
    ("bare word where a text is expected", 'name: "Yayasan Uji"', 'name: yayasn',
     "PKM015 `name`: `yayasn` is not a declared input", None, "yayasn"),
    ("unknown scheme", "scheme: pkm-standar", "scheme: pkm-standard", "PKM036 the library has no scheme `pkm-standard`",
     "did you mean `pkm-standar`?", "pkm-standard"),
]


@pytest.mark.parametrize("what, old, new, message, hint, caret_text", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_is_reported_with_location_caret_and_hint(tmp_path, agreement_text, fixture_library, data_file,
                                                          what, old, new, message, hint, caret_text):
    assert old in agreement_text
    broken = agreement_text.replace(old, new, 1)
    code, err = run(tmp_path, broken, fixture_library, data_file)
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    first = next(i for i, line in enumerate(lines) if message in line)
    location = lines[first].split(": ", 1)[0]
    path, line_no, col = location.rsplit(":", 2)
    assert path.endswith("draft.pkm")
    source_line = broken.splitlines()[int(line_no) - 1]
    # the next line quotes the source line, the one after puts a caret under the offending text
    assert lines[first + 1].endswith(source_line.expandtabs(1))
    gutter = lines[first + 1].index("| ") + 2
    caret_line = lines[first + 2]
    caret_start = caret_line.index("^")
    assert caret_start - gutter == int(col) - 1
    assert source_line[int(col) - 1:].startswith(caret_text)
    if hint:
        assert hint in err
    assert "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_deprecated_clause_warns_and_names_its_replacement(tmp_path, agreement_text, fixture_library, data_file):
    from pkm_docs.pipeline import compile_agreement
    path = tmp_path / "old.pkm"
    path.write_text(agreement_text.replace("funding.cost_sharing@^2", "funding.cost_sharing@1.0.0"), encoding="utf-8")
    compiled = compile_agreement(path, library=fixture_library, data=data_file)
    [warning] = compiled.diagnostics
    assert warning.code == "PKM013" and not warning.is_error
    assert warning.hint == "use `funding.cost_sharing@2.0.0` instead"


def test_file_that_cannot_be_read_exits_2(tmp_path):
    err = io.StringIO()
    code = main(["build", str(tmp_path / "missing.pkm")], stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert "cannot read" in err.getvalue() and "missing.pkm" in err.getvalue()


def test_wrong_command_line_exits_2():
    err = io.StringIO()
    assert main(["buidl", "x.pkm"], stdout=io.StringIO(), stderr=err) == 2
    assert "invalid choice" in err.getvalue()


def test_missing_input_names_the_field_and_type(tmp_path, agreement_text, fixture_library):
    code, err = run(tmp_path, agreement_text, fixture_library)
    assert code == 1
    assert "PKM032 no value for `budget` (money, e.g. Rp500.000.000)" in err


def test_data_file_value_of_wrong_type_points_into_the_data_file(tmp_path, agreement_text, fixture_library):
    data = tmp_path / "mitra.yaml"
    data.write_text("budget: lima ratus juta\n", encoding="utf-8")
    code, err = run(tmp_path, agreement_text, fixture_library, data)
    assert code == 1
    assert f"{data}:1:1: PKM015 `budget`: expected money, e.g. Rp500.000.000, got 'lima ratus juta'" in err


def test_data_file_key_the_agreement_does_not_ask_for(tmp_path, agreement_text, fixture_library):
    data = tmp_path / "mitra.yaml"
    data.write_text("budget: Rp5.000\nbudgett: 3\n", encoding="utf-8")
    code, err = run(tmp_path, agreement_text, fixture_library, data)
    assert code == 1
    assert f"{data}:2:1: PKM033" in err and "did you mean `budget`?" in err


def test_binary_garbage_is_refused_without_traceback(tmp_path, fixture_library):
    path = tmp_path / "garbage.pkm"
    path.write_bytes(b"\xff\xfe\x00agreement {")
    err = io.StringIO()
    code = main(["build", str(path), "--library", str(fixture_library)], stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert "not UTF-8" in err.getvalue()


def test_thousands_of_diagnostics_of_one_long_file_each_quote_their_own_line_and_caret():
    # a source is split into lines once per run, not once per diagnostic; every quote must still be its own line
    lines = [f"{' ' * (i % 7)}amount_{i}: Rp{i * 1000} {'x' * (i % 13)}" for i in range(1, 5001)]
    sources = {"big.pkm": "\n".join(lines) + "\n"}
    for number, line in enumerate(lines, start=1):
        column = line.index("Rp") + 1
        width = len(f"Rp{number * 1000}")
        diag = Diagnostic("PKM015", ERROR, "expected percent", Span("big.pkm", number, column, number, column + width))
        heading, quoted, caret = format_diagnostic(diag, sources).splitlines()
        assert heading == f"big.pkm:{number}:{column}: PKM015 expected percent"
        assert quoted == f"{number:>5} | {line}"
        assert caret == "      | " + " " * (column - 1) + "^" * width


def test_a_file_changed_between_two_runs_of_one_process_is_quoted_as_it_is_now(tmp_path):
    # a source's lines are kept for the next diagnostics (and the next run of a long-lived process, pkm serve):
    # a file read again with other words must be quoted with those words
    path = tmp_path / "draft.pkm"
    diag = Diagnostic("PKM015", ERROR, "expected percent", Span(str(path), 2, 1, 2, 4))
    for second in ("one", "two", "three", "one"):
        path.write_text(f"first\n{second}\n", encoding="utf-8")
        assert format_diagnostic(diag).splitlines()[1] == f"    2 | {second}"
        sources = {str(path): f"first\n{second} again\n"}
        assert format_diagnostic(diag, sources).splitlines()[1] == f"    2 | {second} again"


def test_the_example_of_an_allocation_in_a_hint_adds_up(tmp_path, agreement_text, fixture_library):
    source = agreement_text.replace("input budget: money min Rp1000",
                                    "input budget: money min Rp1000\ninput bagian: allocation of percent", 1)
    code, err = run(tmp_path, source, fixture_library)
    assert code == 1
    assert "PKM032 no value for `bagian` (allocation of percent, e.g. { pemda: 70%, yayasan: 30% })" in err


@pytest.mark.parametrize("written, narrower", [("Nguye\u0302\u0303n", 2), ("Zoe\u0308 Ñandu\u0301", 2),
                                               ("銀行 Kupang", -2), ("Nguye\u0302\u0303n 銀行", 0)])
def test_the_caret_stands_under_the_mistake_after_combining_and_wide_characters(tmp_path, written, narrower):
    """The caret was placed by code points: after a name with combining accents (e + U+0302 + U+0303, shown as
    one letter ễ) it stood to the right of the mistake, after Chinese or Japanese characters (two columns each
    on a terminal) to its left. It is placed by the columns a terminal shows."""
    from pkm_docs.cli import main

    example = Path(__file__).parents[2] / "examples" / "kemitraan_kesehatan.pkm"
    prefix = f'  use funding.hibah@^1 {{ bank: "{written}"  '
    source = tmp_path / "wide.pkm"
    source.write_text(example.read_text(encoding="utf-8").replace("  use funding.hibah@^1 {", prefix + 'bankk: "X"', 1),
                      encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(source)], stdout=out, stderr=io.StringIO()) == 1
    lines = out.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if "has no parameter `bankk`" in line)
    assert lines[at].split(": PKM014")[0].endswith(f":{len(prefix) + 1}")  # the column counts characters
    gutter = lines[at + 1].index("| ") + 2
    assert lines[at + 2] == " " * (gutter - 2) + "| " + " " * (len(prefix) - narrower) + "^" * len("bankk")
