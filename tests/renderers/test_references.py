"""Cross-references by key: `{ref.KEY}` writes the final number of the article declared `article KEY ...`, in
both languages, so a reference cannot go stale when an article is inserted before its target."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx as docx_package
import pytest
from docx.oxml.ns import qn
from lxml import etree

from tests.support.read_back import docx_text, marks, pdf_texts
from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
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
    rows = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(rows, 1) if "Jangka waktu diatur" in row)  # at the placeholder itself
    assert f"{path}:{line}:{rows[line - 1].index(reference) + 1}: PKM028 {message}" in out


def test_two_articles_with_one_key_is_an_error(tmp_path):
    path = source(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("article sanksi {", "article jangka {"),
                    encoding="utf-8")
    code, out, _ = run("check", path, "--library", LIBRARY)
    assert code == 1 and "PKM020 two articles have the key `jangka`" in out


def fields(docx: bytes) -> list[tuple[str, str]]:
    """Each complex field of the body: its instruction and the result it shows."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    found, current, shown, state = [], [], [], ""
    for element in root.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t")):
        if element.tag == qn("w:fldChar"):
            kind = element.get(qn("w:fldCharType"))
            if kind == "begin":
                current, shown, state = [], [], "code"
            elif kind == "separate":
                state = "result"
            else:
                found.append(("".join(current).strip(), "".join(shown)))
                state = ""
        elif element.tag == qn("w:instrText") and state == "code":
            current.append(element.text or "")
        elif element.tag == qn("w:t") and state == "result":
            shown.append(element.text or "")
    return found


@pytest.mark.parametrize("layout", ["parallel", "sequential", "separate"])
def test_in_docx_a_reference_is_a_field_over_the_heading_of_the_article(tmp_path, layout):
    # Word updates a REF field when the officer inserts an article; the result written is the final number
    code, _, err = run("build", source(tmp_path, insert=True), "--library", LIBRARY, "--format", "docx",
                       "--layout", layout, "-o", tmp_path / "out")
    assert code == 0, err
    for docx_path in sorted((tmp_path / "out").glob("*.docx")):
        docx = docx_path.read_bytes()
        langs = ["en"] if docx_path.name.endswith(".en.docx") else ["id"] if layout == "separate" else ["id", "en"]
        label = {"id": "Pasal", "en": "Article"}
        expected = [(f"REF _PkmA{n}_{lang} \\n \\h", f"{label[lang]} {n}") for lang in langs for n in (8, 10)]
        assert sorted(fields(docx)) == sorted(expected)
        headings = {mark.name: mark.alias for mark in marks(docx) if mark.tag.startswith("pkm:heading")}
        for lang in langs:  # each field names the bookmark of that article's heading in its language
            assert headings[f"_PkmA8_{lang}"] == f"{label[lang]} 8"
            assert headings[f"_PkmA10_{lang}"] == f"{label[lang]} 10"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_reference_renumbers_when_an_article_is_inserted_in_the_docx_by_hand(tmp_path):
    # the officer pastes a copy of Pasal 1 before Pasal 5 in the DOCX; LibreOffice lays the fields out anew,
    # as Word does when it updates them: the term is now Pasal 8 and the sanctions Pasal 10
    code, _, err = run("build", source(tmp_path), "--library", LIBRARY, "--format", "docx", "--layout", "sequential",
                       "-o", tmp_path / "out")
    assert code == 0, err
    data = (tmp_path / "out" / "ref.docx").read_bytes()
    document = docx_package.Document(io.BytesIO(data))
    found = marks(data, document.element.body)
    anchor = next(mark.paragraphs[0] for mark in found if mark.tag == "pkm:heading||||id|5")
    for p in [p for mark in found if mark.tag.endswith("|id|1") for p in mark.paragraphs]:
        pasted = copy.deepcopy(p)
        for mark in pasted.findall(qn("w:bookmarkStart")) + pasted.findall(qn("w:bookmarkEnd")):
            pasted.remove(mark)  # Word pastes no copy of a bookmark
        anchor.addprevious(pasted)
    document.save(tmp_path / "inserted.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "inserted.docx")],
                   capture_output=True, timeout=240, check=True)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "inserted.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Jangka waktu diatur dalam Pasal 8 dan sanksi dalam Pasal 10 ayat (1)." in text
    assert "Pasal 8 Jangka Waktu" in text


@pytest.mark.parametrize("insert", [False, True])
def test_a_hand_written_reference_to_an_article_that_moved_is_an_error(tmp_path, insert):
    # written against the draft where the term was Pasal 7; then an article is inserted before it
    path = source(tmp_path, insert=insert)
    text = path.read_text(encoding="utf-8")
    text = text.replace("diatur dalam {ref.jangka}", "diatur dalam Pasal 7 tentang Jangka Waktu")
    text = text.replace("governed by {ref.jangka}", "governed by Article 7 (Term)")
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("check", path, "--library", LIBRARY)
    found = [line for line in out.splitlines() if "PKM109" in line]
    if not insert:
        assert found == [] and code == 0, out
        return
    rows = text.splitlines()
    line = next(i for i, row in enumerate(rows, 1) if "Pasal 7 tentang Jangka Waktu" in row)
    column = rows[line - 1].index("Pasal 7") + 1
    assert code == 1
    assert found[0] == (f"{path}:{line}:{column}: PKM109 Article 6 paragraph (1) refers to Article 7 \"Jangka "
                        "Waktu\", which is now Article 8; Article 7 is now \"Inserted\"")
    assert found[1].startswith(f"{path}:{line + 1}:")
    assert 'refers to Article 7 "Term", which is now Article 8' in found[1]
    assert "hint: write Article 8, or give that article a key and refer to it as `{ref.KEY}`" in out
