"""Cross-references by key: `{ref.KEY}` writes the final number of the article declared `article KEY ...`, in
both languages, so a reference cannot go stale when an article is inserted before its target."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from read_back import docx_text, pdf_texts
from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "tests" / "fixtures" / "checks"
LIBRARY = CHECKS / "library"
REFERRING = '''article "Ketentuan Peralihan" / "Transitional Provisions" {
  text {
    id: """(1) Jangka waktu diatur dalam {ref.jangka} dan sanksi dalam {ref.sanksi.1}."""
    en: """(1) The term is governed by {ref.jangka} and sanctions by {ref.sanksi.1}."""
  }
}

'''
INSERTED = '''article "Sisipan" / "Inserted" {
  text {
    id: """(1) PARA PIHAK bekerja sama."""
    en: """(1) The PARTIES shall cooperate."""
  }
}

'''


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def source(tmp_path: Path, *, insert: bool = False, reference: str = "{ref.sanksi.1}") -> Path:
    text = (CHECKS / "good.pkm").read_text(encoding="utf-8")
    text = text.replace("article {\n  use term.fixed@^1 {",
                        REFERRING.replace("{ref.sanksi.1}", reference) + "article jangka {\n  use term.fixed@^1 {")
    text = text.replace("article {\n  use sanctions.basic@^1\n}", "article sanksi {\n  use sanctions.basic@^1\n}")
    if insert:  # a new article before both targets
        text = text.replace("article jangka {", INSERTED + "article jangka {")
    path = tmp_path / "ref.pkm"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("insert, term, sanctions", [(False, 7, 9), (True, 8, 10)])
def test_a_reference_by_key_writes_the_final_number_in_both_languages(tmp_path, insert, term, sanctions):
    code, _, err = run("build", source(tmp_path, insert=insert), "--library", LIBRARY, "-o", tmp_path / "out")
    assert code == 0, err
    docx = " ".join(docx_text((tmp_path / "out" / "ref.docx").read_bytes()).split())
    _, left, right = pdf_texts((tmp_path / "out" / "ref.pdf").read_bytes())
    indonesian = f"Jangka waktu diatur dalam Pasal {term} dan sanksi dalam Pasal {sanctions} ayat (1)."
    english = f"The term is governed by Article {term} and sanctions by Article {sanctions} paragraph (1)."
    for text in (docx, " ".join(left.split())):
        assert indonesian in text
    for text in (docx, " ".join(right.split())):
        assert english in text


@pytest.mark.parametrize("reference, message", [
    ("{ref.sanksii.1}", "no article has the key `sanksii` that `{ref.sanksii.1}` names"),
    ("{ref.sanksi.4}", "`{ref.sanksi.4}` names paragraph (4) of Pasal 9, which has 1 numbered paragraph"),
])
def test_a_reference_to_a_missing_article_or_paragraph_is_an_error(tmp_path, reference, message):
    path = source(tmp_path, reference=reference)
    code, out, _ = run("check", path, "--library", LIBRARY)
    assert code == 1
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "text {" in row
                and "Jangka waktu diatur" in path.read_text(encoding="utf-8").splitlines()[i])
    assert f"{path}:{line}:3: PKM028 {message}" in out


def test_two_articles_with_one_key_is_an_error(tmp_path):
    path = source(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("article sanksi {", "article jangka {"),
                    encoding="utf-8")
    code, out, _ = run("check", path, "--library", LIBRARY)
    assert code == 1 and "PKM020 two articles have the key `jangka`" in out
