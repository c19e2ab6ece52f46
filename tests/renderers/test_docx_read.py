"""Tests for pkm_docs.renderers.docx_read: a DOCX that comes back edited is mapped to the clauses it was built from."""

from __future__ import annotations

import copy
import io
import zipfile
from itertools import groupby
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from tests.support.model_factory import make_agreement
from tests.support.read_back import marks
from pkm_docs.model import Agreement
from pkm_docs.pipeline import compile_agreement
from pkm_docs.renderers.docx import LAYOUTS, render_docx
from pkm_docs.renderers.docx_read import ControlTag, paragraph_text, read_docx

ROOT = Path(__file__).resolve().parents[2]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def example() -> Agreement:
    return compile_agreement(ROOT / "examples" / "kemitraan_kesehatan.pkm").agreement


def clause_texts(agreement: Agreement, lang: str) -> list[tuple[str | None, int | None, str]]:
    """(clause id, article number, text) of each run of paragraphs from one clause.

    Its paragraphs and items, a line each.
    """
    out = []
    for part in agreement.every_part():
        for clause_id, group in groupby(part.paragraphs, key=lambda p: p.clause_id):
            lines = []
            for paragraph in group:
                table = paragraph.table
                if table is not None:  # an annex's table: a line per cell, between two empty lines
                    rows = (table.columns, *table.rows, table.total)
                    lines += ["", *(cell[lang] for row in rows for cell in row), ""]
                    continue
                lines.append(paragraph.text[lang])
                lines += [item[lang] for item in paragraph.items]
            out.append((clause_id, part.number if part.kind != "annex" else None, "\n".join(lines)))
    return out


def read_texts(data: bytes, lang: str) -> list[tuple[str | None, int | None, str]]:
    return [(c.clause_id, c.article, c.text) for c in read_docx(data).clauses if c.lang == lang]


def edited(data: bytes, change) -> bytes:
    """The DOCX after ``change(document)``, saved by python-docx as Word would save the other party's edits."""
    document = docx.Document(io.BytesIO(data))
    change(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def control(document, data: bytes, tag: str) -> list[etree._Element]:
    """The paragraphs of ``document`` (opened from ``data``) within the bookmark of the clause tagged ``tag``."""
    return next(mark.paragraphs for mark in marks(data, document.element.body) if mark.tag == tag)


# -- what comes back from a fresh build -----------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_clause_reads_back_with_the_models_text(example, layout):
    data = render_docx(example, layout=layout)
    for lang in ("id", "en"):
        assert read_texts(data, lang) == clause_texts(example, lang)


def test_every_control_carries_the_clause_version_and_hash_the_model_used(example):
    back = read_docx(render_docx(example))
    uses = {(use.clause_id, part.number if part.kind != "annex" else None, use.version, use.content_hash)
            for part in example.every_part() for use in part.clauses}
    assert {"annex.work_plan", "annex.budget"} <= {clause_id for clause_id, *_ in uses}
    read = {(c.clause_id, c.article, c.version, c.content_hash) for c in back.clauses}
    assert read == uses
    assert {c.lang for c in back.clauses} == {"id", "en"}


def test_manifest_comes_back_from_the_custom_properties(example):
    back = read_docx(render_docx(example))
    assert back.manifest == example.manifest.to_data()
    assert back.properties["pkm-source-sha256"] == example.manifest.source_hash


def test_a_fresh_build_has_no_text_outside_the_controls(example):
    back = read_docx(render_docx(example))
    assert back.outside == ()  # the title block and the signatures are left out


def test_headings_read_back_with_their_drawn_number():
    data = render_docx(make_agreement(), layout="sequential")
    headings = [c for c in read_docx(data).controls if c.kind == "heading"]
    assert [(c.lang, c.article, c.paragraphs[0].number, c.text) for c in headings] == [
        ("id", 1, "Pasal 1", "JUDUL PASAL 1"), ("id", 2, "Pasal 2", "JUDUL PASAL 2"),
        ("id", 3, "Pasal 3", "JUDUL PASAL 3"), ("en", 1, "Article 1", "ARTICLE TITLE 1"),
        ("en", 2, "Article 2", "ARTICLE TITLE 2"), ("en", 3, "Article 3", "ARTICLE TITLE 3")]


def test_read_docx_takes_a_path(tmp_path):
    path = tmp_path / "agreement.docx"
    path.write_bytes(render_docx(make_agreement()))
    assert read_docx(path).clause("purpose.scope", "en", 2).paragraphs[0].number == "(1)"


# -- what the other party changed ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_edited_paragraph_changes_its_clause_only(example, layout):
    data = render_docx(example, layout=layout)
    article = example.articles[3]
    use = article.clauses[0]
    tag = f"pkm:clause|{use.clause_id}|{use.version}|{use.content_hash}|id|{article.number}"
    new_text = "Kontribusi PIHAK PERTAMA bersumber dari anggaran pendapatan dan belanja daerah."
    second = next(i for i, p in enumerate(read_docx(data).clause(use.clause_id, "id").paragraphs)
                  if p.number == "(2)")  # after the items of paragraph (1)

    def change(document):
        DocxParagraph(control(document, data, tag)[second], None).text = new_text  # paragraph "(2)"

    before, after = read_docx(data), read_docx(edited(data, change))
    changed = [(b.clause_id, b.lang, b.article) for b, a in zip(before.controls, after.controls) if b.text != a.text]
    assert changed == [(use.clause_id, "id", article.number)]
    lines = after.clause(use.clause_id, "id").text.split("\n")
    assert lines[second] == new_text
    assert after.clause(use.clause_id, "id").paragraphs[second].number == "(2)"  # still a list item
    assert after.outside == ()


def test_a_paragraph_added_outside_the_controls_is_reported(example):
    data = render_docx(example, layout="sequential")

    def change(document):
        added = document.add_paragraph("PIHAK KEDUA berhak atas honorarium.")._p
        control(document, data, "pkm:heading||||id|3")[0].addprevious(added)  # between two articles
        document.add_paragraph("Catatan tambahan setelah tanda tangan.")  # after the signatures

    back = read_docx(edited(data, change))
    assert back.outside_text == ("PIHAK KEDUA berhak atas honorarium.", "Catatan tambahan setelah tanda tangan.")
    assert [c.text for c in back.clauses] == [c.text for c in read_docx(data).clauses]


def test_a_row_added_to_the_parallel_table_is_outside_text():
    data = render_docx(make_agreement())

    def change(document):
        row = document.tables[0].add_row()
        row.cells[0].text = "Ayat tambahan."
        row.cells[1].text = "Additional paragraph."

    assert read_docx(edited(data, change)).outside_text == ("Ayat tambahan.", "Additional paragraph.")


def test_an_article_inserted_by_hand_renumbers_the_ones_after_it():
    data = render_docx(make_agreement(), layout="sequential")

    def change(document):  # a copy of Pasal 1 pasted before Pasal 2: Word pastes no copy of a bookmark
        first = [p for mark in marks(data, document.element.body) if mark.tag.endswith("|id|1")
                 for p in mark.paragraphs]
        anchor = control(document, data, "pkm:heading||||id|2")[0]
        for p in first:
            copied = copy.deepcopy(p)
            for mark in copied.findall(f"{W}bookmarkStart") + copied.findall(f"{W}bookmarkEnd"):
                copied.remove(mark)
            anchor.addprevious(copied)

    back = read_docx(edited(data, change))
    headings = [c for c in back.controls if c.kind == "heading" and c.lang == "id"]
    # the tags still say where each article was built; the numbers Word draws have moved on
    assert [(c.article, c.paragraphs[0].number) for c in headings] == [(1, "Pasal 1"), (2, "Pasal 3"), (3, "Pasal 4")]
    assert next((p.number, p.text) for p in back.outside) == ("Pasal 2", "\nJUDUL PASAL 1")  # the pasted article


def test_a_removed_clause_bookmark_leaves_its_text_outside_and_the_clause_missing():
    data = render_docx(make_agreement(), layout="sequential")
    tag = f"pkm:clause|purpose.scope|1.0.0|{'ab' * 32}|en|2"

    def change(document):  # Word's Insert > Bookmark > Delete: the text stays, the bookmark goes
        paragraphs = control(document, data, tag)
        name = next(mark.name for mark in marks(data, document.element.body) if mark.tag == tag)
        start = next(m for m in paragraphs[0].iter(f"{W}bookmarkStart") if m.get(f"{W}name") == name)
        end = next(m for m in paragraphs[-1].iter(f"{W}bookmarkEnd") if m.get(f"{W}id") == start.get(f"{W}id"))
        for mark in (start, end):
            mark.getparent().remove(mark)

    back = read_docx(edited(data, change))
    assert [c for c in back.clauses if c.article == 2 and c.lang == "en"] == []
    assert back.outside_text[0].startswith("First content of article 2")
    assert len(back.outside_text) == 4


def test_tracked_changes_read_as_the_text_they_leave():
    p = etree.fromstring(
        f'<w:p xmlns:w="{W[1:-1]}"><w:r><w:t xml:space="preserve">Biaya </w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>seratus</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>dua ratus</w:t></w:r></w:ins>'
        '<w:r><w:tab/><w:t>juta</w:t><w:br/><w:t>rupiah</w:t></w:r></w:p>')
    assert paragraph_text(p) == "Biaya dua ratus\tjuta\nrupiah"


def test_content_controls_and_bookmarks_of_others_count_as_outside_text():
    data = render_docx(make_agreement(), layout="sequential")

    def change(document):
        heading = copy.deepcopy(control(document, data, "pkm:heading||||id|1")[0])
        heading.find(f"{W}bookmarkStart").set(f"{W}name", "their_own_bookmark")
        sdt = etree.SubElement(document.element.body, f"{W}sdt")
        etree.SubElement(etree.SubElement(sdt, f"{W}sdtPr"), f"{W}tag").set(f"{W}val", "their-own-tag")
        etree.SubElement(sdt, f"{W}sdtContent").append(heading)
        document.element.body.insert(0, sdt)

    assert read_docx(edited(data, change)).outside_text == ("\nJUDUL PASAL 1",)


# -- the tag format -------------------------------------------------------------------------------------


def test_control_tag_round_trips():
    tag = ControlTag("clause", "funding.cost_sharing", "2.0.0", "e5" * 32, "en", "4")
    assert str(tag) == f"pkm:clause|funding.cost_sharing|2.0.0|{'e5' * 32}|en|4"
    assert ControlTag.parse(str(tag)) == tag and tag.article == 4
    assert ControlTag.parse("pkm:adhoc|adhoc||ab|id|preamble").article is None


@pytest.mark.parametrize("tag", ["", "clause|a|b|c|d|e", "pkm:clause|a|b", "pkm:|a|b|c|d|e"])
def test_tags_that_are_not_ours_are_not_parsed(tag):
    assert ControlTag.parse(tag) is None


def test_a_docx_built_by_an_earlier_version_with_content_controls_still_reads(example):
    # files built before clauses were marked by bookmarks carry the same tags in block content controls
    data = render_docx(example, layout="sequential")
    document = docx.Document(io.BytesIO(data))
    for mark in marks(data, document.element.body):
        sdt = etree.Element(f"{W}sdt")
        pr = etree.SubElement(sdt, f"{W}sdtPr")
        etree.SubElement(pr, f"{W}alias").set(f"{W}val", mark.alias)
        etree.SubElement(pr, f"{W}tag").set(f"{W}val", mark.tag)
        content = etree.SubElement(sdt, f"{W}sdtContent")
        mark.paragraphs[0].addprevious(sdt)
        for p in mark.paragraphs:
            for bookmark in p.findall(f"{W}bookmarkStart") + p.findall(f"{W}bookmarkEnd"):
                p.remove(bookmark)
            content.append(p)
    buffer = io.BytesIO()
    document.save(buffer)
    old_file = io.BytesIO()
    with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(old_file, "w") as written:
        for item in saved.infolist():
            content = saved.read(item)
            if item.filename == "docProps/custom.xml":  # no pkm-controls property then
                root = etree.fromstring(content)
                for prop in [p for p in root if p.get("name") == "pkm-controls"]:
                    root.remove(prop)
                content = etree.tostring(root)
            written.writestr(item, content)
    old = read_docx(old_file.getvalue())
    assert "pkm-controls" not in old.properties
    new = read_docx(data)
    assert [(c.tag, c.text) for c in old.controls] == [(c.tag, c.text) for c in new.controls]
    assert old.outside == ()
