"""``pkm merge``: text the other side typed outside every clause, placed into the next draft as ad-hoc text.

The returned DOCX is edited as Word edits it (``tests.support.word_edits``): a new article is a heading in our
article-heading style and list, which Word numbers "Pasal N" and so every article after it one more, and its
paragraphs in our paragraph style and list, in the parallel layout as a row of two cells; a new paragraph is
Enter at the end of an article's last paragraph. NEXT.pkm is then checked and built with the `pkm` CLI, and the
built files read back as a reader sees them: Word's list numbers (``read_docx``) and the PDF's text."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from pkm_docs.cli import main
from pkm_docs.renderers.docx_read import read_docx
from tests.support.read_back import pdf_texts
from tests.support.templates import three_party_copy
from tests.support.word_edits import typed_article, typed_paragraph, with_member

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"

TITLE = {"id": "Kerahasiaan", "en": "Confidentiality"}
TEXT = {"id": ["PARA PIHAK menjaga kerahasiaan data dan informasi yang diperoleh dari pelaksanaan Perjanjian ini.",
               "Kewajiban sebagaimana dimaksud pada ayat (1) tetap berlaku setelah Perjanjian ini berakhir."],
        "en": ["The PARTIES shall keep confidential the data and information obtained in implementing this Agreement.",
               "The obligation referred to in paragraph (1) survives the end of this Agreement."]}
#: The example's Pasal 11 (liability.indemnity) and Pasal 12 (intellectual_property.logos), as built.
LIABILITY, LOGOS = "Tanggung Jawab dan Ganti Rugi", "Hak Kekayaan Intelektual dan Penggunaan Logo"
LIABILITY_EN, LOGOS_EN = "Liability and Indemnity", "Intellectual Property and Use of Logos"


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def build(source: Path, folder: Path, *extra, formats: str = "docx") -> Path:
    code, _, err = run("build", source, "-o", folder, "--format", formats, *extra)
    assert code == 0, err
    return folder / f"{source.stem}.docx"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The example's source in a folder of its own, and its DOCX in each layout."""
    folder = tmp_path_factory.mktemp("typed")
    source = folder / "draft.pkm"
    shutil.copy(EXAMPLE, source)
    return source, {layout: build(source, folder / layout, "--layout", layout).read_bytes()
                    for layout in ("parallel", "sequential")}


def merged(tmp_path: Path, source: Path, returned: bytes, *extra) -> tuple[int, str, Path]:
    path = tmp_path / "returned.docx"
    path.write_bytes(returned)
    next_source = tmp_path / "next.pkm"
    code, out, err = run("merge", path, "--into", source, "-o", next_source, *extra)
    return code, out + err, next_source


def three_party_built(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """The three-party template and its sample data in a folder of their own, and the DOCX built from them."""
    source, data_file = three_party_copy(tmp_path)
    folder = source.parent
    return source, data_file, build(source, folder / "v1", "--data", data_file).read_bytes()


def shown(path: Path, lang: str) -> str:
    """The headings and clauses of one language, with the numbers Word draws before them."""
    return read_docx(path.read_bytes()).shown(lang)


def article(text: str, number: int, label: str = "Pasal") -> str:
    """Article ``number`` of ``text`` (``shown``): from its heading to the next one."""
    start = text.index(f"{label} {number}\n")
    end = text.find(f"{label} {number + 1}\n", start)
    return text[start:end if end > 0 else len(text)]


@pytest.mark.slow  # builds the PDF too (the fast tests below place new articles as well, read from the DOCX)
@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_an_article_typed_in_word_becomes_a_new_ad_hoc_article_numbered_where_it_was_typed(example, tmp_path, layout):
    source, built = example
    code, out, next_source = merged(tmp_path, source, typed_article(built[layout], 12, TITLE, TEXT))
    assert code == 0, out
    assert 'a new article "Kerahasiaan" after Pasal 11, as ad-hoc text' in out
    assert "builds the text of" in out and "not merged" not in out
    text = next_source.read_text(encoding="utf-8")
    written = text.index('article "Kerahasiaan" / "Confidentiality" {')
    assert text.index("use liability.indemnity") < written < text.index("use intellectual_property.logos")
    assert "      (1) PARA PIHAK menjaga kerahasiaan data" in text and "      (2) The obligation referred to" in text
    assert "# pkm merge: an article typed in returned.docx by an editor the file does not name; it is not vetted" \
           in text
    before = source.read_text(encoding="utf-8").split("\n")
    assert next(line for line in text.split("\n") if line not in before and line.strip()).startswith("# pkm merge")
    code, out, err = run("check", next_source)
    assert code == 0, out + err
    line = text[:text.index("text {", written)].count("\n") + 1
    assert f"next.pkm:{line}:3: PKM110 warning: this ad-hoc text is not vetted" in out + err
    docx_path = build(next_source, tmp_path / "next", "--layout", layout, formats="docx,pdf")
    indonesian, english = shown(docx_path, "id"), shown(docx_path, "en")
    assert article(indonesian, 12) == ("Pasal 12\nKerahasiaan\n(1)\tPARA PIHAK menjaga kerahasiaan data dan informasi "
                                       "yang diperoleh dari pelaksanaan Perjanjian ini.\n(2)\tKewajiban sebagaimana "
                                       "dimaksud pada ayat (1) tetap berlaku setelah Perjanjian ini berakhir.\n")
    assert article(english, 12, "Article").startswith("Article 12\nConfidentiality\n(1)\tThe PARTIES shall keep")
    assert article(indonesian, 11).startswith(f"Pasal 11\n{LIABILITY}\n")  # the articles before keep their numbers
    assert article(indonesian, 13).startswith(f"Pasal 13\n{LOGOS}\n")  # those after: one more, as Word showed
    assert article(english, 13, "Article").startswith(f"Article 13\n{LOGOS_EN}\n")
    assert "Pasal 25\nLampiran" in indonesian
    whole, left, right = pdf_texts((tmp_path / "next" / "next.pdf").read_bytes())
    for column, (label, title, after) in (((left if layout == "parallel" else whole), ("Pasal", "Kerahasiaan", LOGOS)),
                                          ((right if layout == "parallel" else whole),
                                           ("Article", "Confidentiality", LOGOS_EN))):
        flat = " ".join(column.split())
        assert re.search(rf"{label} 12 {title} \(1\)", flat), flat[:2000]
        assert re.search(rf"{label} 13 {after}", flat)


def test_an_article_typed_with_track_changes_on_names_its_author(example, tmp_path):
    source, built = example
    returned = typed_article(built["sequential"], 12, TITLE, TEXT, tracked=("Budi Santoso", "2026-12-03T09:15:00Z"))
    code, out, next_source = merged(tmp_path, source, returned)
    assert code == 0, out
    assert "# pkm merge: an article typed in returned.docx by Budi Santoso (2026-12-03) (tracked changes); it is " \
           "not vetted text\narticle \"Kerahasiaan\" / \"Confidentiality\" {" in next_source.read_text(encoding="utf-8")


def test_a_paragraph_typed_at_the_end_of_an_article_becomes_its_ad_hoc_paragraph(example, tmp_path):
    source, built = example
    returned = typed_paragraph(built["parallel"], 11, {"id": "PARA PIHAK saling memberitahukan setiap tuntutan.",
                                                       "en": "The PARTIES shall notify each other of every claim."})
    code, out, next_source = merged(tmp_path, source, returned)
    assert code == 0, out
    assert "Pasal 11: text typed after liability.indemnity, now ad-hoc text of Pasal 11" in out
    text = next_source.read_text(encoding="utf-8")
    assert "  use liability.indemnity@^1\n  # pkm merge: typed after liability.indemnity in returned.docx by " \
           "an editor the file does not name; it is not vetted text\n  text {\n    id: \"\"\"\n" \
           "      (1) PARA PIHAK saling memberitahukan setiap tuntutan.\n" in text
    code, out, err = run("check", next_source)
    assert code == 0, out + err
    indonesian = shown(build(next_source, tmp_path / "next"), "id")
    assert article(indonesian, 11).endswith("\n(6)\tPARA PIHAK saling memberitahukan setiap tuntutan.\n")
    assert article(indonesian, 12).startswith(f"Pasal 12\n{LOGOS}\n")  # a paragraph is no new article


@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_an_article_typed_in_indonesian_only_is_placed_as_typed_and_its_english_reported_missing(
        example, tmp_path, layout):
    source, built = example
    # in the parallel layout the English cells of the new rows are left as Word's Insert Row leaves them: empty,
    # showing their numbers only
    returned = typed_article(built[layout], 12, {"id": TITLE["id"]}, {"id": TEXT["id"]}, numbered_blanks=True)
    code, out, next_source = merged(tmp_path, source, returned)
    assert code == 1, out
    assert "typed in one language only, written as typed (no translation is made up" in out
    assert 'a new article "Kerahasiaan" after Pasal 11: its en title, its en text are missing' in out
    assert "not merged: " not in out  # the rest is merged: only the English is missing
    text = next_source.read_text(encoding="utf-8")
    assert 'article "Kerahasiaan" / "" {' in text
    assert "(1) PARA PIHAK menjaga kerahasiaan data" in text and "The PARTIES shall keep" not in text
    block = text[text.index('article "Kerahasiaan"'):]
    assert "en:" not in block[:block.index("\n}\n")]  # no English made up
    code, out, err = run("check", next_source)
    line = text[:text.index("text {", text.index('article "Kerahasiaan"'))].count("\n") + 1
    assert code == 1
    assert f"next.pkm:{line}:3: PKM025 this text has no `en` version" in out + err
    code, _, err = run("build", next_source, "-o", tmp_path / "next")
    assert code == 1 and "PKM025" in err


@pytest.mark.slow  # builds the PDF too
def test_a_three_party_template_built_with_its_data_gets_a_new_article_and_a_new_paragraph(tmp_path):
    source, data_file, built = three_party_built(tmp_path)
    returned = typed_article(built, 13, TITLE, TEXT)  # after Pasal 12, `article { use liability.indemnity@^1 }`
    returned = typed_paragraph(returned, 12, {"id": "Tambahan ayat.", "en": "An added paragraph."})
    code, out, next_source = merged(tmp_path, source, returned, "--data", data_file)
    assert code == 0, out
    text = next_source.read_text(encoding="utf-8")
    assert "article { use liability.indemnity@^1\n  # pkm merge: typed after liability.indemnity in" in text
    assert '      (1) An added paragraph.\n      """\n  }\n}\n\n# pkm merge: an article typed in returned.docx' in text
    assert text.index('article "Kerahasiaan" / "Confidentiality" {') < text.index("use intellectual_property.logos")
    assert not (tmp_path / "next.yaml").exists()  # no input changed: the data file is the same
    code, out, err = run("check", next_source, "--data", data_file)
    assert code == 0, out + err
    docx_path = build(next_source, tmp_path / "next", "--data", data_file, formats="docx,pdf")
    indonesian = shown(docx_path, "id")
    assert article(indonesian, 12).endswith("(6)\tTambahan ayat.\n") and LIABILITY in article(indonesian, 12)
    assert article(indonesian, 13).startswith("Pasal 13\nKerahasiaan\n(1)\tPARA PIHAK menjaga")
    assert article(indonesian, 14).startswith(f"Pasal 14\n{LOGOS}\n")
    _, left, right = pdf_texts((tmp_path / "next" / "next.pdf").read_bytes())
    assert re.search(r"Pasal 13 Kerahasiaan \(1\)", " ".join(left.split()))
    assert re.search(r"Article 13 Confidentiality \(1\)", " ".join(right.split()))


@pytest.mark.slow
def test_a_cross_reference_still_names_its_article_after_an_article_typed_above_it(tmp_path):
    source = tmp_path / "draft.pkm"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "article {\n  use language.governing@^1\n}", "article bahasa {\n  use language.governing@^1\n}").replace(
        "article {\n  use roles.rights_obligations@^1\n}",
        'article {\n  use roles.rights_obligations@^1\n  text {\n'
        '    id: """(1) Bahasa Perjanjian ini diatur dalam {ref.bahasa}."""\n'
        '    en: """(1) The language of this Agreement is governed by {ref.bahasa}."""\n  }\n}')
    source.write_text(text, encoding="utf-8")
    built = build(source, tmp_path / "v1")
    assert "(6)\tBahasa Perjanjian ini diatur dalam Pasal 23." in shown(built, "id")
    # Word renumbers the headings at once, and the reference field when its fields are updated: saved before,
    # the file still shows "Pasal 23"
    code, out, next_source = merged(tmp_path, source, typed_article(built.read_bytes(), 12, TITLE, TEXT))
    assert code == 0, out
    assert "{ref.bahasa}" in next_source.read_text(encoding="utf-8")  # the reference is the source's, not a number
    indonesian = shown(build(next_source, tmp_path / "next"), "id")
    assert "(6)\tBahasa Perjanjian ini diatur dalam Pasal 24." in indonesian
    assert article(indonesian, 24).startswith("Pasal 24\nBahasa\n")


@pytest.mark.parametrize("typed, refused", [
    ("Kerahasiaan \u202edata.", "holds U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ('Kerahasiaan """ data.', "holds three quotation marks, which end a text block"),
])
def test_a_typed_article_holding_what_a_source_cannot_hold_is_listed_not_written(example, tmp_path, typed, refused):
    source, built = example
    returned = typed_article(built["parallel"], 12, TITLE, {"id": [typed], "en": ["Confidentiality."]})
    code, out, next_source = merged(tmp_path, source, returned)
    assert code == 1, out
    assert f"Pasal 11: the text typed after liability.indemnity in id {refused}" in out
    assert "it is not written into the source" in out
    assert "not merged:" in out and "+ Pasal 12" in out
    assert next_source.read_bytes() == source.read_bytes()


@pytest.mark.slow
def test_braces_quotes_and_backslashes_typed_in_a_new_article_land_as_plain_text(example, tmp_path):
    source, built = example
    title = {"id": 'Rahasia {total} "kutip" \\', "en": 'Secret {{ref.x}} "q"'}
    returned = typed_article(built["parallel"], 12, title, {"id": ['Teks {nama} "a" \\ {{x}}.'],
                                                            "en": ['Text {ref.bahasa} "a" \\.']})
    code, out, next_source = merged(tmp_path, source, returned)
    assert code == 0, out
    assert 'article "Rahasia {total} \\"kutip\\" \\\\" / "Secret {{ref.x}} \\"q\\"" {' in \
        next_source.read_text(encoding="utf-8")
    docx_path = build(next_source, tmp_path / "next")
    assert article(shown(docx_path, "id"), 12) == \
        'Pasal 12\nRahasia {total} "kutip" \\\n(1)\tTeks {nama} "a" \\ {{x}}.\n'
    assert article(shown(docx_path, "en"), 12, "Article").startswith(
        'Article 12\nSecret {{ref.x}} "q"\n(1)\tText {ref.bahasa} "a" \\.')


def _header_typed(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    document.sections[0].header.add_paragraph("Catatan PIHAK KEDUA: mohon ditinjau kembali.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _text_box_typed(data: bytes) -> bytes:
    box = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:200pt;height:40pt">'
           '<v:textbox><w:txbxContent><w:p><w:r><w:t>Catatan PIHAK KEDUA: mohon ditinjau kembali.</w:t></w:r></w:p>'
           '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')

    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        at = text.index("<w:t>Hak Kekayaan Intelektual dan Penggunaan Logo</w:t></w:r>") + len(
            "<w:t>Hak Kekayaan Intelektual dan Penggunaan Logo</w:t></w:r>")
        return (text[:at] + box + text[at:]).encode("utf-8")
    return with_member(data, "word/document.xml", edit)


def _below_the_table_typed(data: bytes) -> bytes:
    # in the parallel layout a paragraph outside the two-language rows (here after the last annex) has no column,
    # so no language
    document = docx.Document(io.BytesIO(data))
    document.add_paragraph("Catatan PIHAK KEDUA: mohon ditinjau kembali.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _commented(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    heading = next(p for table in document.tables for row in table.rows for cell in row.cells
                   for p in cell.paragraphs if LOGOS in p.text)
    document.add_comment(heading.runs[-1], text="Catatan PIHAK KEDUA: mohon ditinjau kembali.", author="Budi Santoso")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("edit", [_header_typed, _text_box_typed, _below_the_table_typed, _commented],
                         ids=["header", "text box", "below the two-language table", "comment"])
def test_text_typed_where_no_clause_can_hold_it_is_listed_as_not_merged(example, tmp_path, edit):
    source, built = example
    code, out, next_source = merged(tmp_path, source, edit(built["parallel"]))
    assert code == 1, out
    assert "not merged:" in out and "Catatan PIHAK KEDUA: mohon ditinjau kembali." in out
    assert "now ad-hoc text" not in out
    assert next_source.read_bytes() == source.read_bytes()  # written, with everything else as it was


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_an_article_typed_in_word_then_saved_by_libreoffice_merges_the_same(example, tmp_path, layout):
    source, built = example
    returned = typed_article(built[layout], 12, TITLE, TEXT)
    returned = typed_paragraph(returned, 5, {"id": "Dana dicairkan dalam dua tahap.",
                                             "en": "The funds are disbursed in two instalments."})
    edited = tmp_path / "edited" / "returned.docx"
    edited.parent.mkdir()
    edited.write_bytes(returned)
    (tmp_path / "word").mkdir()
    code, word_out, word_next = merged(tmp_path / "word", source, returned)  # as Word saved it
    assert code == 0, word_out
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"), str(edited)],
                   capture_output=True, timeout=240, check=True)
    next_source = tmp_path / "next.pkm"
    code, out, err = run("merge", tmp_path / "saved" / "returned.docx", "--into", source, "-o", next_source)
    assert code == 0, out + err
    assert "(mapped by clause marks)" in out
    assert next_source.read_text(encoding="utf-8") == word_next.read_text(encoding="utf-8")
    indonesian = shown(build(next_source, tmp_path / "next", "--layout", layout), "id")
    assert article(indonesian, 12).startswith("Pasal 12\nKerahasiaan\n(1)\tPARA PIHAK")
    assert article(indonesian, 5).endswith("\tDana dicairkan dalam dua tahap.\n")


@pytest.mark.slow
def test_a_heading_typed_between_two_clauses_of_an_article_is_not_placed(tmp_path):
    # Pasal 4 of the three-party template holds a roles.party clause per party, each in its own row: a heading
    # typed after the first would split the article, which a source cannot say
    from lxml import etree

    from tests.support.word_edits import W, _lang, _typed
    source, data_file, built = three_party_built(tmp_path)

    def edit(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        mark = next(m for m in root.iter(f"{W}bookmarkStart") if m.get(f"{W}name") == "_PkmA4_id")
        heading_row = mark.getparent().getparent().getparent()
        row = copy.deepcopy(heading_row)
        for cell, template in zip(row.iter(f"{W}tc"), heading_row.iter(f"{W}tc")):
            for p in cell.findall(f"{W}p"):
                cell.remove(p)
            cell.append(_typed(template.find(f"{W}p"), TITLE[_lang(template.find(f"{W}p"))], heading=True))
        heading_row.getnext().addnext(row)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    code, out, next_source = merged(tmp_path, source, with_member(built, "word/document.xml", edit), "--data",
                                    data_file)
    assert code == 1, out
    assert "Pasal 4: a heading typed after roles.party, where no new article can stand" in out
    assert "not merged:" in out and "+ Pasal 5" in out
    assert next_source.read_bytes() == source.read_bytes()
