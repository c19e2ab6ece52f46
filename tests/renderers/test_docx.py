"""Tests for pkm_docs.renderers.docx: what a reader of the DOCX sees, read back by python-docx, pandoc, LibreOffice."""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import re
import io
import json
import shutil
import subprocess
import zipfile
from itertools import groupby
from pathlib import Path

import docx
import pypdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import etree

from tests.support.model_factory import T, make_agreement, with_paragraphs
from tests.support.read_back import marks
from pkm_docs.errors import BuildError
from pkm_docs.model import Agreement, Article, ClauseUse, Paragraph, Text
from pkm_docs.renderers.docx import LAYOUTS, render_docx, template_path
from pkm_docs.renderers.docx_read import ControlTag, read_docx

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

HOSTILE_NAMES = [
    "{{ 7*7 }}",
    "{% for x in y %}",
    "</w:t><w:t>",
    "{_{ body }_} {_% if %_}",
    "{{p body }} & <b>bold</b> \"quoted\" 'single'",
    "{# comment #} ]]> <![CDATA[",
]

STYLES = ("PKM Title", "Heading 2", "PKM Paragraph", "PKM Item", "PKM Signature")


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return make_agreement()


@pytest.fixture(scope="module")
def docx_bytes(agreement: Agreement) -> bytes:
    return render_docx(agreement)


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def part_xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def all_text(data: bytes) -> str:
    """Every w:t of the body, headers and footers, one paragraph a line."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(archive.read(name))
                for p in root.iter(f"{W}p"):
                    lines.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return "\n".join(lines)


def custom_properties(data: bytes) -> dict[str, str]:
    root = part_xml(data, "docProps/custom.xml")
    return {prop.get("name"): "".join(prop.itertext()) for prop in root}


def expected_shown(agreement: Agreement, lang: str) -> list[str]:
    """Each heading and clause of one language as a reader sees it, numbers included: "Pasal 1\nTITLE", "(1)\t..."."""
    blocks = []
    for part in agreement.all_parts():
        if part.number is not None:
            blocks.append(f"{agreement.labels['article'][lang]} {part.number}\n{part.title[lang]}")
        elif part.title[lang]:
            blocks.append(part.title[lang])
        for _, group in groupby(part.paragraphs, key=lambda p: p.clause_id):
            lines = []
            for paragraph in group:
                if paragraph.number is None:
                    lines.append(paragraph.text[lang])
                else:
                    marker = f"({paragraph.number})" if part.kind == "article" else f"{paragraph.number}."
                    lines.append(f"{marker}\t{paragraph.text[lang]}")
                lines += [f"{letter}.\t{item[lang]}" for letter, item in zip("abcdefgh", paragraph.items)]
            blocks.append("\n".join(lines))
    return blocks


def shown_blocks(data: bytes, lang: str) -> list[str]:
    """What the DOCX shows of each heading and clause control in ``lang``, list numbers worked out as Word does."""
    return [control.shown for control in read_docx(data).controls if control.lang == lang]




def stress_agreement() -> Agreement:
    """The factory agreement with the shapes numbering must survive: an unnumbered paragraph with items before
    numbered ones, an article of two clauses numbered on from one to the other, a numbered preamble part."""
    base = make_agreement()
    second = base.articles[1]
    intro = Paragraph(T("Pembukaan tanpa nomor:", "Unnumbered intro:"), None,
                      (T("butir satu;", "item one;"), T("butir dua.", "item two.")), "intro.plain")
    more = tuple(dataclasses.replace(p, number=p.number + 2, clause_id="more.clause") for p in second.paragraphs)
    second = dataclasses.replace(
        second,
        clauses=(ClauseUse("intro.plain", "1.0.0", "12" * 32, "approved", None, True, paragraphs=(intro,)),)
        + second.clauses
        + (ClauseUse("more.clause", "2.1.0", "34" * 32, "approved", None, True, paragraphs=more),))
    basis = Article(None, T("DASAR HUKUM", "LEGAL BASIS"),
                    (ClauseUse("adhoc", None, "56" * 32, "ad-hoc", None, False, paragraphs=(
                        Paragraph(T("Dasar satu;", "Basis one;"), 1, (T("butir dasar", "basis item"),)),
                        Paragraph(T("Dasar dua.", "Basis two."), 2))),), kind="preamble")
    return dataclasses.replace(base, preamble=base.preamble + (basis,),
                               articles=(base.articles[0], second, base.articles[2]))


def with_party_name(agreement: Agreement, name: str, alias: str | None = None) -> Agreement:
    parties = list(agreement.parties)
    parties[1] = dataclasses.replace(parties[1], name=Text.same(name), representative=name)
    if alias is not None:
        parties[1] = dataclasses.replace(parties[1], alias=Text.same(alias))
    return dataclasses.replace(agreement, parties=tuple(parties))


# -- what a reader sees ---------------------------------------------------------------------------------


def test_every_heading_and_paragraph_is_in_order_indonesian_left_english_right(agreement, docx_bytes):
    body = part_xml(docx_bytes, "word/document.xml").find(f".//{W}tbl")
    columns = {index: [] for index in range(2)}
    for row in body.iter(f"{W}tr"):
        for index, cell in enumerate(row.findall(f"{W}tc")):
            columns[index] += [ControlTag.parse(mark.tag).lang for mark in marks(docx_bytes, cell)]
    assert set(columns[0]) == {"id"} and set(columns[1]) == {"en"}
    assert shown_blocks(docx_bytes, "id") == expected_shown(agreement, "id")
    assert shown_blocks(docx_bytes, "en") == expected_shown(agreement, "en")


def test_each_article_heading_starts_a_row_with_its_english_twin(docx_bytes):
    body = part_xml(docx_bytes, "word/document.xml").find(f".//{W}tbl")
    heading_rows = []
    for row in body.iter(f"{W}tr"):
        tags = [ControlTag.parse(mark.tag) for mark in marks(docx_bytes, row)]
        if tags[0].kind == "heading" and tags[0].article is not None:
            heading_rows.append([(tag.kind, tag.lang, tag.article) for tag in tags])
    assert heading_rows == [[("heading", "id", n), ("heading", "en", n)] for n in (1, 2, 3)]
    styles = {p.style for p in read_docx(docx_bytes).controls for p in p.paragraphs}
    assert {"Heading2", "PKMParagraph", "PKMItem", "PKMText"} <= styles


def test_body_table_has_no_visible_borders(docx_bytes):
    tbl = part_xml(docx_bytes, "word/document.xml").find(f".//{W}tbl")
    borders = tbl.find(f"{W}tblPr/{W}tblBorders")
    assert {edge.get(f"{W}val") for edge in borders} == {"nil"}


def test_title_block_names_both_titles_and_the_parties_numbers(agreement, docx_bytes):
    document = open_docx(docx_bytes)
    text = "\n".join(p.text for p in document.paragraphs)
    assert agreement.title["id"] in text and agreement.title["en"] in text
    assert "antara / between" in text and "dan / and" in text
    for party in agreement.parties:
        assert f"Nomor / Number: {party.number}" in text
    assert document.paragraphs[0].style.name == "PKM Title"


def test_signature_block_has_one_column_per_party_with_meterai_and_underlined_name(agreement, docx_bytes):
    signatures = open_docx(docx_bytes).tables[1]
    assert len(signatures.columns) == len(agreement.parties)
    for index, party in enumerate(agreement.parties):
        column = "\n".join(row.cells[index].text for row in signatures.rows)
        assert f"{party.alias['id']} / {party.alias['en']}" in column
        assert party.name["id"] in column
        assert "Meterai Rp10.000\nRp10,000 duty stamp" in column
        assert party.position["id"] in column
        name_runs = [run for row in signatures.rows for run in row.cells[index].paragraphs[0].runs
                     if run.text == party.representative]
        assert name_runs and name_runs[0].bold and name_runs[0].underline


def test_party_without_meterai_gets_no_stamp_mark(agreement):
    parties = (dataclasses.replace(agreement.parties[0], meterai=False), agreement.parties[1])
    data = render_docx(dataclasses.replace(agreement, parties=parties))
    signatures = open_docx(data).tables[1]
    columns = ["\n".join(row.cells[i].text for row in signatures.rows) for i in range(2)]
    assert "Meterai" not in columns[0] and "Meterai" in columns[1]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_single_language_agreement_renders_one_column(agreement, layout):
    single = dataclasses.replace(agreement, languages=("id",))
    data = render_docx(single, layout=layout)
    document = open_docx(data)
    assert len(document.tables) == 1  # only the signature block
    assert shown_blocks(data, "id") == expected_shown(single, "id")
    assert shown_blocks(data, "id")[1] == "Pasal 1\nJUDUL PASAL 1"
    assert "ARTICLE TITLE 1" not in all_text(data)
    assert "Halaman 1 dari 1" in all_text(data) and "Page" not in all_text(data)


# -- layouts --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sequential_bytes(agreement: Agreement) -> bytes:
    return render_docx(agreement, layout="sequential")


def test_sequential_layout_gives_all_indonesian_before_any_english(agreement, sequential_bytes):
    langs = [control.lang for control in read_docx(sequential_bytes).controls]
    assert langs == sorted(langs, key=["id", "en"].index) and set(langs) == {"id", "en"}
    assert shown_blocks(sequential_bytes, "id") == expected_shown(agreement, "id")
    assert shown_blocks(sequential_bytes, "en") == expected_shown(agreement, "en")
    assert not marks(sequential_bytes, part_xml(sequential_bytes, "word/document.xml").find(f".//{W}tbl"))  # no columns


def test_sequential_english_text_starts_on_a_new_page_with_its_title(agreement, sequential_bytes):
    document = open_docx(sequential_bytes)
    titles = [p for p in document.paragraphs if p.text in (agreement.title["id"], agreement.title["en"])]
    assert [p.text for p in titles] == [agreement.title["id"], agreement.title["en"]]
    assert titles[1].paragraph_format.page_break_before and not titles[0].paragraph_format.page_break_before
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.index("between") > text.index("antara")  # each title block in its own language
    assert "antara / between" not in text


def test_sequential_layout_has_one_signature_block_after_the_english_text(agreement, sequential_bytes):
    body = part_xml(sequential_bytes, "word/document.xml").find(f"{W}body")
    children = list(body)
    tables = [i for i, child in enumerate(children) if child.tag == f"{W}tbl"]
    last_english = max(children.index(mark.paragraphs[-1]) for mark in marks(sequential_bytes, body)
                       if ControlTag.parse(mark.tag).lang == "en")
    assert len(tables) == 1 and tables[0] > last_english
    assert len(open_docx(sequential_bytes).tables[0].columns) == len(agreement.parties)


# -- live numbering -------------------------------------------------------------------------------------


def list_levels(data: bytes) -> dict[str, list[tuple[str, str, str | None]]]:
    """Each pkm-docs list definition by name: (numFmt, lvlText, lvlRestart) per level."""
    root = part_xml(data, "word/numbering.xml")
    out = {}
    for abstract in root.iter(f"{W}abstractNum"):
        name = abstract.find(f"{W}name")
        if name is None or not name.get(f"{W}val").startswith("PKM "):
            continue
        out[name.get(f"{W}val")] = [
            (lvl.find(f"{W}numFmt").get(f"{W}val"), lvl.find(f"{W}lvlText").get(f"{W}val"),
             lvl.find(f"{W}lvlRestart").get(f"{W}val") if lvl.find(f"{W}lvlRestart") is not None else None)
            for lvl in abstract.iter(f"{W}lvl")]
    return out


def numbered(data: bytes) -> list[tuple[str, int, int, str]]:
    """(style id, numId, ilvl, text) of every body paragraph with a list number."""
    out = []
    for p in part_xml(data, "word/document.xml").iter(f"{W}p"):
        numpr = p.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            out.append((p.find(f"{W}pPr/{W}pStyle").get(f"{W}val"), int(numpr.find(f"{W}numId").get(f"{W}val")),
                        int(numpr.find(f"{W}ilvl").get(f"{W}val")), "".join(t.text for t in p.iter(f"{W}t"))))
    return out


def test_numbering_defines_pasal_paragraph_and_item_levels_per_language(docx_bytes):
    levels = list_levels(docx_bytes)
    # no lvlRestart: each level starts again after any higher one ("(1)" after each Pasal, "a." after each "(n)")
    assert levels["PKM articles id"] == [("decimal", "Pasal %1", None), ("decimal", "(%2)", None),
                                         ("lowerLetter", "%3.", None)]
    assert levels["PKM articles en"] == [("decimal", "Article %1", None), ("decimal", "(%2)", None),
                                         ("lowerLetter", "%3.", None)]


def test_headings_paragraphs_and_items_are_list_items_not_typed_numbers(agreement, docx_bytes):
    items = numbered(docx_bytes)
    by_style = {(style, ilvl) for style, _, ilvl, _ in items}
    assert by_style == {("Heading2", 0), ("PKMParagraph", 1), ("PKMItem", 2)}
    headings = [(num, text) for style, num, _, text in items if style == "Heading2"]
    # the number is drawn by the list; the heading holds only the title, after a line break
    assert [text for _, text in headings] == [t for n in (1, 2, 3) for t in (f"JUDUL PASAL {n}", f"ARTICLE TITLE {n}")]
    assert len({num for num, _ in headings}) == 2  # one list per language
    text = all_text(docx_bytes)
    assert "Pasal 1" not in text and "Article 1" not in text and "(1)\t" not in text and "a.\t" not in text


def test_list_numbers_restart_per_article_and_per_paragraph(docx_bytes):
    back = read_docx(docx_bytes)
    for lang in ("id", "en"):
        for article in (1, 2, 3):
            numbers = [p.number for c in back.controls if c.lang == lang and c.article == article
                       for p in c.paragraphs]
            assert numbers == [f"{'Pasal' if lang == 'id' else 'Article'} {article}", "(1)", "(2)", "a.", "b."]


def test_numbers_run_on_across_clauses_and_restart_for_items_of_unnumbered_paragraphs():
    model = stress_agreement()
    for layout in LAYOUTS:
        data = render_docx(model, layout=layout)
        assert shown_blocks(data, "id") == expected_shown(model, "id")
        assert shown_blocks(data, "en") == expected_shown(model, "en")
    assert list_levels(data)["PKM numbered part id"] == [("decimal", "%1.", None), ("lowerLetter", "%2.", None)]


def test_paragraph_numbers_that_skip_are_typed_as_the_model_has_them(agreement):
    first = agreement.articles[0]
    skipping = with_paragraphs(first, (dataclasses.replace(first.paragraphs[0], number=1),
                                       dataclasses.replace(first.paragraphs[1], number=3)))
    model = dataclasses.replace(agreement, articles=(skipping,) + agreement.articles[1:])
    data = render_docx(model)
    assert shown_blocks(data, "id") == expected_shown(model, "id")
    typed = read_docx(data).clause("purpose.scope", "id", 1).paragraphs
    assert [(p.number, p.text[:4]) for p in typed[:2]] == [("", "(1)\t"), ("", "(3)\t")]
    assert read_docx(data).clause("purpose.scope", "id", 2).paragraphs[0].number == "(1)"  # others stay live


def test_article_label_with_a_percent_sign_is_refused(agreement):
    labels = {**agreement.labels, "article": T("Pasal %", "Article")}
    with pytest.raises(BuildError, match="Word numbering"):
        render_docx(dataclasses.replace(agreement, labels=labels))


def test_template_without_a_numbering_part_gets_one(agreement, tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    plain = docx.Document()
    for r_id, rel in list(plain.part.rels.items()):
        if rel.reltype == RT.NUMBERING:
            del plain.part.rels[r_id]
    plain.add_paragraph("{{p body }}")
    path = tmp_path / "bare.docx"
    plain.save(path)
    with zipfile.ZipFile(path) as archive:
        assert "word/numbering.xml" not in archive.namelist()
    data = render_docx(agreement, template=path)
    assert list_levels(data)["PKM articles id"][0] == ("decimal", "Pasal %1", None)
    assert shown_blocks(data, "id") == expected_shown(agreement, "id")


# -- content controls -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_clause_has_one_content_control_per_language_with_its_tag(agreement, layout):
    data = render_docx(agreement, layout=layout)
    tags = [mark.tag for mark in marks(data)]
    aliases = [mark.alias for mark in marks(data)]
    for part in agreement.all_parts():
        where = str(part.number) if part.number is not None else part.kind
        for use in part.clauses:
            for lang in ("id", "en"):
                tag = f"pkm:clause|{use.clause_id}|{use.version}|{use.content_hash}|{lang}|{where}"
                assert tags.count(tag) == 1, tag
                assert aliases[tags.index(tag)] == use.clause_id
    clauses = sum(len(p.clauses) for p in agreement.all_parts())
    assert len([t for t in tags if t.startswith("pkm:clause")]) == 2 * clauses
    second = "pkm:heading||||en|1" if layout == "parallel" else "pkm:heading||||id|2"
    assert [t for t in tags if t.startswith("pkm:heading")][:2] == ["pkm:heading||||id|1", second]


def test_heading_controls_carry_the_article_number_for_python_docx_readers(docx_bytes):
    aliases = [mark.alias for mark in marks(docx_bytes) if mark.tag.startswith("pkm:heading")]
    assert aliases == ["Pasal 1", "Article 1", "Pasal 2", "Article 2", "Pasal 3", "Article 3"]


def test_ad_hoc_text_is_tagged_adhoc_with_its_hash():
    model = stress_agreement()
    tags = [mark.tag for mark in marks(render_docx(model))]
    assert f"pkm:adhoc|adhoc||{'56' * 32}|id|preamble" in tags
    assert f"pkm:clause|more.clause|2.1.0|{'34' * 32}|en|2" in tags


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_clause_text_comes_back_verbatim(agreement, name):
    first = agreement.articles[0]
    paragraph = dataclasses.replace(first.paragraphs[0], text=T(name, name))
    model = dataclasses.replace(agreement, articles=(with_paragraphs(
        first, (paragraph,) + first.paragraphs[1:]),) + agreement.articles[1:])
    back = read_docx(render_docx(model, layout="sequential"))
    assert back.clause("purpose.scope", "id", 1).paragraphs[0].text == name
    assert "49" not in all_text(render_docx(model))


# -- user text stays data -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_party_name_appears_verbatim(agreement, name):
    data = render_docx(with_party_name(agreement, name, alias=name), draft=True)
    document = open_docx(data)
    signatures = document.tables[1]
    assert signatures.rows[0].cells[1].text == name  # alias
    assert signatures.rows[1].cells[1].text == name
    assert signatures.rows[3].cells[1].text == name
    assert name in [p.text for p in document.paragraphs]  # title block
    footer = part_xml(data, "word/footer1.xml")
    assert f"Paraf / Initials{name}" in ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in footer.iter(f"{W}p")]
    assert "49" not in all_text(data)


@pytest.mark.parametrize("number", HOSTILE_NAMES)
def test_hostile_agreement_number_appears_verbatim_in_the_header(agreement, number):
    data = render_docx(dataclasses.replace(agreement, number=number))
    header = open_docx(data).sections[0].header
    assert f"Nomor / Number: {number}" in "\n".join(p.text for p in header.paragraphs)


@pytest.mark.parametrize("bad", ["\x01", "\x0b", "\x1f", "\ud800"])
def test_control_character_in_a_name_raises_build_error_naming_the_text(agreement, bad):
    with pytest.raises(BuildError) as caught:
        render_docx(with_party_name(agreement, f"Yayasan{bad}Kasih"))
    message = str(caught.value)
    assert "parties[1].name.id" in message
    assert repr(f"Yayasan{bad}Kasih") in message
    assert f"U+{ord(bad):04X}" in message


def test_tabs_and_newlines_in_text_are_kept_as_word_tabs_and_breaks(agreement):
    data = render_docx(with_party_name(agreement, "Yayasan\tKasih\nIbu"))
    assert "Yayasan\tKasih\nIbu" in open_docx(data).tables[1].rows[1].cells[1].text


# -- properties, manifest, reproducibility --------------------------------------------------------------


def test_manifest_is_stored_as_a_custom_property(agreement, docx_bytes):
    props = custom_properties(docx_bytes)
    assert json.loads(props["pkm-manifest"]) == agreement.manifest.to_data()
    assert props["pkm-library-version"] == agreement.manifest.library_version
    assert props["pkm-source-sha256"] == agreement.manifest.source_hash


def test_custom_properties_part_is_registered_with_its_content_type_and_relationship(docx_bytes):
    types = part_xml(docx_bytes, "[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types if o.get("PartName")}
    assert overrides["/docProps/custom.xml"] == CUSTOM_CT
    rels = part_xml(docx_bytes, "_rels/.rels")
    assert [r.get("Target") for r in rels if r.get("Type") == CUSTOM_RT] == ["docProps/custom.xml"]


def core_properties(data: bytes) -> dict[str, str]:
    """``docProps/core.xml`` as {Clark name: text}, failing on a property that appears twice."""
    root = part_xml(data, "docProps/core.xml")
    tags = [child.tag for child in root]
    assert len(tags) == len(set(tags)), f"duplicated core properties: {tags}"
    return {child.tag: child.text or "" for child in root}


DC, CP, DCTERMS = "{http://purl.org/dc/elements/1.1/}", f"{{{CORE_NS}}}", "{http://purl.org/dc/terms/}"


def test_core_properties_come_from_the_model(agreement, docx_bytes):
    props = core_properties(docx_bytes)
    assert props[f"{DC}title"] == agreement.title["id"]
    assert props[f"{DC}subject"] == agreement.title["en"]
    assert props[f"{DC}language"] == "id-ID"
    assert props[f"{DCTERMS}created"] == props[f"{DCTERMS}modified"] == "2026-12-01T00:00:00Z"
    assert agreement.number in props[f"{CP}keywords"]
    assert {tag.split("}")[0] + "}" for tag in props} <= {DC, CP, DCTERMS}  # nothing in a stray namespace


def test_hostile_title_is_not_rendered_in_core_properties(agreement):
    title = Text({"id": "{{ 7*7 }} <x>", "en": "{% if 1 %}yes{% endif %}"})
    props = core_properties(render_docx(dataclasses.replace(agreement, title=title)))
    assert (props[f"{DC}title"], props[f"{DC}subject"]) == (title["id"], title["en"])


def test_two_renders_of_the_same_model_are_byte_identical(agreement, docx_bytes, sequential_bytes):
    assert render_docx(agreement) == docx_bytes
    assert render_docx(agreement, draft=True) == render_docx(agreement, draft=True)
    assert render_docx(agreement, layout="sequential") == sequential_bytes


def test_zip_members_have_fixed_timestamps(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


# -- template: page, styles, header and footer ----------------------------------------------------------


def test_footer_has_page_and_numpages_fields(docx_bytes):
    footer = part_xml(docx_bytes, "word/footer1.xml")
    instructions = [i.text.strip() for i in footer.iter(f"{W}instrText")]
    assert instructions == ["PAGE", "NUMPAGES", "PAGE", "NUMPAGES"]
    page_line = footer.findall(f"{W}p")[-1]
    text = "".join(t.text or "" for t in page_line.iter(f"{W}t"))
    assert text == "Halaman 1 dari 1 / Page 1 of 1"  # the field results before Word updates them


def test_footer_has_an_initials_box_for_each_party(agreement, docx_bytes):
    footer = part_xml(docx_bytes, "word/footer1.xml")
    boxes = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in footer.iter(f"{W}tc")]
    assert boxes == [f"Paraf / Initials{party.alias['id']}" for party in agreement.parties]


def test_named_styles_exist_and_paragraph_is_justified_with_a_hanging_indent(docx_bytes):
    document = open_docx(docx_bytes)
    names = {style.name for style in document.styles}
    assert set(STYLES) <= names
    paragraph = document.styles["PKM Paragraph"].paragraph_format
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert paragraph.first_line_indent < 0 and paragraph.left_indent == -paragraph.first_line_indent
    assert document.styles["Heading 2"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_page_is_a4_with_2_5_cm_margins(docx_bytes):
    section = open_docx(docx_bytes).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = {section.left_margin, section.right_margin, section.top_margin, section.bottom_margin}
    assert {round(margin.cm, 2) for margin in margins} == {2.5}


def test_header_shows_the_number_and_the_draft_mark_only_for_drafts(agreement, docx_bytes):
    final = "\n".join(p.text for p in open_docx(docx_bytes).sections[0].header.paragraphs)
    assert f"Nomor / Number: {agreement.number}" in final and "DRAFT" not in final
    draft = open_docx(render_docx(agreement, draft=True)).sections[0].header
    lines = [p.text for p in draft.paragraphs]
    assert lines[0] == "RANCANGAN / DRAFT"


def test_house_template_is_what_its_script_builds():
    spec = importlib.util.spec_from_file_location("make_house_template", ROOT / "templates" / "make_house_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == template_path().read_bytes(), "run python templates/make_house_template.py"


def test_user_template_with_body_placeholder_keeps_its_letterhead(agreement, tmp_path):
    letterhead = docx.Document()
    letterhead.sections[0].header.paragraphs[0].text = "PEMERINTAH KOTA KUPANG"
    letterhead.add_paragraph("KOP SURAT DINAS KESEHATAN")
    letterhead.add_paragraph("{{p body }}")
    path = tmp_path / "letterhead.docx"
    letterhead.save(path)
    data = render_docx(agreement, template=path, draft=True)
    document = open_docx(data)
    assert document.paragraphs[0].text == "KOP SURAT DINAS KESEHATAN"
    assert [p.text for p in document.sections[0].header.paragraphs] == ["RANCANGAN / DRAFT", "PEMERINTAH KOTA KUPANG"]
    assert shown_blocks(data, "id") == expected_shown(agreement, "id")
    assert set(STYLES) <= {style.name for style in document.styles}


def test_template_without_body_placeholder_raises_build_error(agreement, tmp_path):
    plain = docx.Document()
    plain.add_paragraph("{{ body }}")
    path = tmp_path / "no-body.docx"
    plain.save(path)
    with pytest.raises(BuildError, match=r"has no `\{\{p body \}\}` paragraph"):
        render_docx(agreement, template=path)


def test_template_with_broken_jinja_raises_build_error(agreement, tmp_path):
    broken = docx.Document()
    broken.add_paragraph("{% if %}")
    broken.add_paragraph("{{p body }}")
    path = tmp_path / "broken.docx"
    broken.save(path)
    with pytest.raises(BuildError, match=r"broken\.docx"):
        render_docx(agreement, template=path)


def test_template_that_is_not_a_word_document_raises_build_error(agreement, tmp_path):
    path = tmp_path / "letter.docx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(BuildError, match="not a Word document"):
        render_docx(agreement, template=path)


def test_unknown_layout_raises_build_error(agreement):
    with pytest.raises(BuildError, match="unknown DOCX layout `stacked`"):
        render_docx(agreement, layout="stacked")


# -- other readers --------------------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return "".join(text.split())


def pandoc_plain(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "agreement.docx"
    path.write_bytes(data)
    result = subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
                            capture_output=True, text=True, timeout=120, check=True)
    return squeeze(result.stdout)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_every_text(agreement, docx_bytes, tmp_path):
    plain = pandoc_plain(docx_bytes, tmp_path)
    for lang in ("id", "en"):
        assert squeeze(agreement.title[lang]) in plain
        for part in agreement.all_parts():
            for paragraph in part.paragraphs:
                assert squeeze(paragraph.text[lang]) in plain
                for item in paragraph.items:
                    assert squeeze(item[lang]) in plain
    for party in agreement.parties:
        assert squeeze(party.representative) in plain


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_pandoc_reads_the_live_numbers_as_lists(agreement, layout, tmp_path):
    # pandoc (2.17) turns Word lists into ordered lists of its own markers: "Pasal %1" comes out "1.",
    # "(%2)" as "1." too, "%3." as "a."; so the numbers, not the words around them, are what it can show
    # (the title is on a line of its own, after the number, as Word shows it). An article heading is a heading
    # (Word's Heading 2): beside the other language, in the parallel layout's table, pandoc shows its title
    # without the number
    plain = pandoc_plain(render_docx(agreement, layout=layout), tmp_path)
    for article in agreement.articles:
        n, titles = article.number, article.title
        if layout == "parallel":
            assert squeeze(f"|{titles['id']}|{titles['en']}|") in plain
        else:
            assert squeeze(f"{n}. {titles['id']}") in plain and squeeze(f"{n}. {titles['en']}") in plain
    for lang in ("id", "en"):
        for article in agreement.articles:
            for paragraph in article.paragraphs:
                assert re.search(re.escape(f"{paragraph.number}") + r"[.)]" + re.escape(squeeze(paragraph.text[lang])),
                                 plain)
                for letter, item in zip("abcdefgh", paragraph.items):
                    assert squeeze(f"{letter}. {item[lang]}") in plain


def libreoffice_pdf(data: bytes, tmp_path: Path, name: str = "agreement") -> pypdf.PdfReader:
    path = tmp_path / f"{name}.docx"
    path.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=240, check=True)
    return pypdf.PdfReader(tmp_path / f"{name}.pdf")


def pdf_text(reader: pypdf.PdfReader) -> str:
    return squeeze("".join(page.extract_text() for page in reader.pages))


def assert_in_order(haystack: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        assert found >= 0, f"missing or out of order: {needle[:80]!r}"
        position = found + len(needle)


def drawn_numbers(agreement: Agreement, lang: str) -> list[str]:
    """The start of every numbered heading, paragraph and item as it should be drawn, squeezed."""
    out = []
    for part in agreement.all_parts():
        if part.number is not None:
            out.append(squeeze(f"{agreement.labels['article'][lang]} {part.number} {part.title[lang]}"))
        for paragraph in part.paragraphs:
            first_words = " ".join(paragraph.text[lang].split()[:3])
            if paragraph.number is not None:
                marker = f"({paragraph.number})" if part.kind == "article" else f"{paragraph.number}."
                out.append(squeeze(f"{marker} {first_words}"))
            out += [squeeze(f"{letter}. {' '.join(item[lang].split()[:2])}")
                    for letter, item in zip("abcdefgh", paragraph.items)]
    return out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_it_to_pdf(agreement, docx_bytes, tmp_path):
    reader = libreoffice_pdf(docx_bytes, tmp_path)
    assert len(reader.pages) >= 1
    text = pdf_text(reader)
    assert squeeze("Pasal 1") in text and squeeze(agreement.parties[0].representative) in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("layout", LAYOUTS)
def test_libreoffice_draws_the_numbers_the_model_has(layout, tmp_path):
    model = stress_agreement()
    reader = libreoffice_pdf(render_docx(model, layout=layout), tmp_path, layout)
    assert 1 <= len(reader.pages) <= 6
    text = pdf_text(reader)
    for lang in ("id", "en"):
        assert_in_order(text, drawn_numbers(model, lang))  # each language in order, columns interleaved
    if layout == "sequential":  # all Indonesian, then all English
        assert text.index(squeeze("Pasal 3")) < text.index(squeeze("Article 1"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renumbers_the_articles_after_one_inserted_by_hand(agreement, tmp_path):
    # what a lawyer does in Word: copy an article (heading and clause) in front of Pasal 2
    data = render_docx(agreement, layout="sequential")
    document = open_docx(data)
    body = document.element.body
    found = marks(data, body)
    blocks = [p for mark in found if mark.tag.endswith("|id|1") for p in mark.paragraphs]
    anchor = next(mark.paragraphs[0] for mark in found if mark.tag == "pkm:heading||||id|2")
    for block in blocks:
        anchor.addprevious(copy.deepcopy(block))
    buffer = io.BytesIO()
    document.save(buffer)
    text = pdf_text(libreoffice_pdf(buffer.getvalue(), tmp_path))
    assert_in_order(text, [squeeze(f"Pasal {n} {title}") for n, title in (
        (1, "JUDUL PASAL 1"), (2, "JUDUL PASAL 1"), (3, "JUDUL PASAL 2"), (4, "JUDUL PASAL 3"))])
    assert squeeze("Article 3 ARTICLE TITLE 3") in text  # the English list is its own


# -- what other programs read of the file -----------------------------------------------------------------


def test_the_title_and_the_article_headings_carry_outline_levels(agreement, docx_bytes):
    # Word's navigation pane and LibreOffice's navigator list the title, and the articles under it
    levels = []
    for p in part_xml(docx_bytes, "word/document.xml").iter(f"{W}p"):
        level = p.find(f"{W}pPr/{W}outlineLvl")
        if level is not None:
            levels.append((level.get(f"{W}val"), "".join(p.itertext())))
    assert levels[0] == ("0", agreement.title["id"])
    headings = [text for value, text in levels if value == "1"]
    assert headings == [agreement.articles[i // 2].title[("id", "en")[i % 2]]
                        for i in range(2 * len(agreement.articles))]


MAMMOTH = shutil.which("mammoth") or str(Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules" /
                                          ".bin" / "mammoth")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_pandoc_reads_each_article_heading_as_a_heading(agreement, layout, tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(render_docx(agreement, layout=layout))
    result = subprocess.run(["pandoc", str(path), "-t", "json"], capture_output=True, check=True, timeout=120)
    headers = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Header":
                headers.append((node["c"][0], "".join(i["c"] if i["t"] == "Str" else " " for i in node["c"][2]
                                                      if i["t"] in ("Str", "Space"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(result.stdout))
    titles = [article.title[lang] for article in agreement.articles for lang in ("id", "en")]
    if layout == "sequential":
        titles = [article.title[lang] for lang in ("id", "en") for article in agreement.articles]
    assert headers == [(2, title) for title in titles]


@pytest.mark.slow
@pytest.mark.skipif(not Path(MAMMOTH).exists(), reason="mammoth is not installed (see .ci/run)")
def test_mammoth_reads_each_article_heading_as_a_heading(agreement, tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(render_docx(agreement, layout="sequential"))
    subprocess.run([MAMMOTH, str(path), str(tmp_path / "a.html")], capture_output=True, check=True, timeout=120)
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2>(.*?)</h2>", html, re.S)]
    assert headings == [article.title[lang] for lang in ("id", "en") for article in agreement.articles]


@pytest.mark.parametrize("lang, tag", [("id", "id-ID"), ("en", "en-GB")])
def test_each_file_of_separate_layout_says_its_language_and_title(agreement, lang, tag):
    data = render_docx(agreement.in_language(lang))
    core = part_xml(data, "docProps/core.xml")
    assert core.find("{http://purl.org/dc/elements/1.1/}language").text == tag
    assert core.find("{http://purl.org/dc/elements/1.1/}title").text == agreement.title[lang]
    defaults = part_xml(data, "word/styles.xml").find(f"{W}docDefaults")
    assert {e.get(f"{W}val") for e in defaults.iter(f"{W}lang")} == {tag}


def test_word_opens_the_file_in_its_current_mode_and_no_program_is_claimed(docx_bytes):
    settings = part_xml(docx_bytes, "word/settings.xml")
    modes = [s.get(f"{W}val") for s in settings.iter(f"{W}compatSetting") if s.get(f"{W}name") == "compatibilityMode"]
    assert modes == ["15"]
    app = part_xml(docx_bytes, "docProps/app.xml")
    names = {etree.QName(child).localname: child.text for child in app}
    assert names["Application"] == "pkm-docs"
    assert not {"Pages", "Words", "Characters", "Lines", "Paragraphs", "Template"} & set(names)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_closing_stays_on_the_page_of_the_signatures_in_the_sequential_layout(tmp_path):
    from pkm_docs.pipeline import compile_agreement

    example = compile_agreement(Path(__file__).resolve().parents[2] / "examples" / "kemitraan_kesehatan.pkm")
    reader = libreoffice_pdf(render_docx(example.agreement, layout="sequential"), tmp_path)
    pages = [squeeze(page.extract_text()) for page in reader.pages]
    # the last page before the annexes
    last = next(text for text in reversed(pages) if "LAMPIRAN" not in text and "ANNEX" not in text)
    closing = example.agreement.closing[0].paragraphs[0].text["en"]
    assert squeeze(closing)[:60] in last and squeeze("PIHAK PERTAMA / FIRST PARTY") in last
