"""The parser (pkm_docs/parser.py): what it reads from the text a user writes, each value at its place, and
each syntax mistake as `pkm check` prints it: file:line:col, the code and message, the source line, a caret under
the mistake and, where one helps, a hint. The resolver's mistakes are in tests/syntax/test_errors.py."""

from __future__ import annotations

import datetime
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pkm_docs import syntax as s
from pkm_docs.cli import main
from pkm_docs.parser import parse

from tests.support.checks import CHECKS, GOOD, edit, line_of

CLAUSE = '''clause uji.nilai 1.0.0 {
  title: "Uji \\"kutip\\"" / "Test"
  param total: money default Rp100.000.000,50
  param bagian: percent default 12,5%
  param lama: duration default 6 months
  param mulai: date default 2027-01-01
  text {
    id: """
      (1) Satu.

      (2) Dua {total}.
      """
    en: """(1) One.

(2) Two {total}."""
  }
}
'''


def test_values_are_read_as_written_in_indonesian_notation_each_at_its_place():
    [clause] = parse(CLAUSE, "nilai.pkm").declarations
    assert isinstance(clause, s.ClauseDef)
    defaults = {p.name: p.constraints[0].value for p in clause.params}
    assert defaults["total"].amount == Decimal("100000000.50")
    assert defaults["bagian"].value == Decimal("12.5")
    assert (defaults["lama"].amount, defaults["lama"].unit) == (6, "months")
    assert defaults["mulai"].value == datetime.date(2027, 1, 1)
    lines = CLAUSE.splitlines()
    for name, written in (("total", "Rp100.000.000,50"), ("bagian", "12,5%"), ("lama", "6 months"),
                          ("mulai", "2027-01-01")):
        span = defaults[name].span
        assert span.file == "nilai.pkm"
        assert lines[span.line - 1][span.column - 1:span.end_column - 1] == written


def test_a_text_keeps_its_escaped_quotes_and_a_text_block_loses_its_indent_but_not_its_blank_lines():
    [clause] = parse(CLAUSE, "nilai.pkm").declarations
    title = clause.fields[0].value
    assert (title.id.value, title.en.value) == ('Uji "kutip"', "Test")
    assert clause.body.get("id").text.value == "(1) Satu.\n\n(2) Dua {total}."
    assert clause.body.get("en").text.value == "(1) One.\n\n(2) Two {total}."


def check(tmp_path: Path, text: str) -> tuple[int, Path, list[str]]:
    path = tmp_path / "agreement.pkm"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(path), "--library", str(CHECKS / "library")], stdout=out, stderr=err)
    return code, path, (out.getvalue() + err.getvalue()).splitlines()


# what the user got wrong, the edit of the passing agreement, the text of the line reported, its column, the
# message, the hint (None: no hint line) and the words under the caret
MISTAKES = [
    ("misspelt keyword", ("party yayasan {", "partai yayasan {"), "partai yayasan", 1,
     "PKM001 unexpected `partai`; expected `agreement`, `annex`, `article`, `clause`, `glossary`, `input`, "
     "`party`, `preamble` or `closing`, `scheme`, `witness`", "did you mean `party`?", "partai"),
    ("missing colon before a text", ('  number: "001/UJI/2026"', '  number "001/UJI/2026"'), "  number ", 10,
     'PKM001 unexpected `"001/UJI/2026"`; expected `:`',
     "a `:` may be missing after the field name on this or the previous line", '"001/UJI/2026"'),
    ("stray character", ("  signed_at: ", "  $igned_at: "), "$igned_at", 3, "PKM001 unexpected `$` here", None,
     "$"),
    ("control character", ("  signed_on: 2026-12-01", "  signed_on: 2026-12-01\x07"), "signed_on", 24,
     "PKM001 unexpected the character U+0007 here", None, "\x07"),
    ("space after the @ of a version", ("use opening.standard@^1", "use opening.standard@ ^1"), "opening.standard",
     23, "PKM001 unexpected `@` here", "versions are written right after the clause id: `funding.cost_sharing@^2`",
     "@"),
    ("stray word after a date", ("  signed_on: 2026-12-01", "  signed_on: 2026-12-01 besok"), "signed_on", 25,
     "PKM001 unexpected `besok` after the value on this line",
     'a field holds one value: text of more than one word goes in quotes ("..."); or remove `besok`', "besok"),
    ("stray word after a text", ('  number: "001/UJI/2026"', '  number: "001/UJI/2026" baru'), "  number", 26,
     "PKM001 unexpected `baru` after the value on this line",
     'a field holds one value: text of more than one word goes in quotes ("..."); or remove `baru`', "baru"),
    ("stray number after a date", ("  signed_on: 2026-12-01", "  signed_on: 2026-12-01 5"), "signed_on", 25,
     "PKM001 unexpected `5` after the value on this line",
     'a field holds one value: text of more than one word goes in quotes ("..."); or remove `5`', "5"),
    ("second text after a text", ('  number: "001/UJI/2026"', '  number: "001/UJI/2026" "baru"'), "  number", 26,
     'PKM001 unexpected `"baru"` after the value on this line',
     'a field holds one value: text of more than one word goes in quotes ("...") or a translation '
     '`"..." / "..."`; or remove `"baru"`', '"baru"'),
    ("block not closed", ("  use opening.standard@^1\n}", "  use opening.standard@^1\n"), "article {", 1,
     "PKM001 unexpected `article`; expected `text`, `use`, `when`, `{`, `}`", None, "article"),
    ("condition after the values",
     ("  use roles.rights_obligations@^1\n", "  use roles.rights_obligations@^1 { } when yes\n"),
     "when yes", 39, "PKM001 unexpected `when`; expected `text`, `use`, `}`",
     "a condition comes before the values it governs: `use ID@^1 when CONDITION { ... }`, "
     "`text when CONDITION { ... }`", "when"),
]


@pytest.mark.parametrize("what, change, line_text, column, message, hint, words", MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_a_syntax_mistake_is_reported_at_its_place_with_a_caret_and_a_hint(tmp_path, what, change, line_text,
                                                                          column, message, hint, words):
    text = edit(change)
    code, path, lines = check(tmp_path, text)
    assert code == 1
    line = line_of(text, line_text)
    head = f"{path}:{line}:{column}: {message}"
    assert head in lines, lines
    at = lines.index(head)
    assert lines[at + 1] == f"{line:>5} | {text.splitlines()[line - 1]}"
    caret = lines[at + 2]
    start = caret.index("^")
    assert lines[at + 1][start:start + len(words)] == words
    assert caret[start:] == "^" * len(words)
    assert lines[at + 3] == (f"  hint: {hint}" if hint else "1 error")


def test_a_file_that_ends_inside_a_block_is_reported_at_its_end(tmp_path):
    text = GOOD.rstrip()[:-1]  # the closing `}` of the last article
    code, path, lines = check(tmp_path, text)
    assert code == 1
    last = text.rstrip().splitlines()
    assert f"{path}:{len(last)}:{len(last[-1]) + 1}: PKM001 the file ends too early" in lines, lines
    assert "  hint: a `{` may be missing its closing `}`, or a `\"\"\"` its closing quotes" in lines


@pytest.mark.parametrize("line, wrong, right", [
    ("  param government_share: percent means share", "percent means share", "percent mn 0% means share"),
    ("  param members_per_party: integer means seats(each)", "integer means", "integer defualt 3 means"),
])
def test_a_misspelt_keyword_inside_a_line_is_reported_at_the_word_with_the_keyword_meant(tmp_path, line, wrong,
                                                                                         right):
    """`param share: percent mn 0%`: the parser takes `mn` for a name and fails at `0%`; the user is shown `mn`."""
    library = tmp_path / "library"
    shutil.copytree(CHECKS / "library", library)
    clauses = library / "clauses.pkm"
    text = clauses.read_text(encoding="utf-8")
    assert line in text
    clauses.write_text(text.replace(line, line.replace(wrong, right)), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    (tmp_path / "a.pkm").write_text(GOOD, encoding="utf-8")
    assert main(["check", str(tmp_path / "a.pkm"), "--library", str(library)], stdout=out, stderr=err) == 1
    lines = (out.getvalue() + err.getvalue()).splitlines()
    word = right.split()[1]
    number = text.splitlines().index(line) + 1
    column = line.replace(wrong, right).index(f" {word} ") + 2
    assert lines[0] == f"{clauses}:{number}:{column}: PKM001 unexpected `{word}` here", lines
    assert lines[2].index("^") == lines[1].index(f" {word} ") + 1 and lines[2].endswith(" " + "^" * len(word))
    assert lines[3] == f"  hint: did you mean `{right.split()[1].replace('mn', 'min').replace('defualt', 'default')}`?"
