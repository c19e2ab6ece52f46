"""Tests for pkm_docs.renderers.docx: what a reader of the DOCX sees, read back with python-docx, pandoc and LibreOffice."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from lxml import etree

from model_factory import make_agreement
from pkm_docs.errors import BuildError
from pkm_docs.model import Agreement, Text
from pkm_docs.renderers.docx import render_docx, template_path

ROOT = Path(__file__).resolve().parents[1]
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

STYLES = ("PKM Title", "PKM Article Heading", "PKM Paragraph", "PKM Item", "PKM Signature")


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


def expected_rows(agreement: Agreement, lang: str) -> list[str]:
    """The text of each body-table cell in one language column, as a reader sees it: headings, "(1)", "a."."""
    rows = []
    for part in agreement.all_parts():
        if part.number is not None:
            rows.append(f"{agreement.labels['article'][lang]} {part.number}\n{part.title[lang]}")
        for paragraph in part.paragraphs:
            lines = []
            if paragraph.number is None:
                lines.append(paragraph.text[lang])
            else:
                marker = f"({paragraph.number})" if part.kind == "article" else f"{paragraph.number}."
                lines.append(f"{marker}\t{paragraph.text[lang]}")
            lines += [f"{letter}.\t{item[lang]}" for letter, item in zip("abcdefgh", paragraph.items)]
            rows.append("\n".join(lines))
    return rows


def with_party_name(agreement: Agreement, name: str, alias: str | None = None) -> Agreement:
    parties = list(agreement.parties)
    parties[1] = dataclasses.replace(parties[1], name=Text.same(name), representative=name)
    if alias is not None:
        parties[1] = dataclasses.replace(parties[1], alias=Text.same(alias))
    return dataclasses.replace(agreement, parties=tuple(parties))


# -- what a reader sees ---------------------------------------------------------------------------------


def test_every_heading_and_paragraph_is_in_order_indonesian_left_english_right(agreement, docx_bytes):
    body = open_docx(docx_bytes).tables[0]
    left = [row.cells[0].text for row in body.rows]
    right = [row.cells[1].text for row in body.rows]
    assert left == expected_rows(agreement, "id")
    assert right == expected_rows(agreement, "en")


def test_each_article_heading_starts_a_row_with_its_english_twin(docx_bytes):
    body = open_docx(docx_bytes).tables[0]
    headings = [(row.cells[0].text, row.cells[1].text) for row in body.rows if row.cells[0].text.startswith("Pasal")]
    assert headings == [(f"Pasal {n}\nJUDUL PASAL {n}", f"Article {n}\nARTICLE TITLE {n}") for n in (1, 2, 3)]
    styles = {p.style.name for row in body.rows for cell in row.cells for p in cell.paragraphs}
    assert {"PKM Article Heading", "PKM Paragraph", "PKM Item", "PKM Text"} <= styles


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


def test_single_language_agreement_renders_one_column(agreement):
    data = render_docx(dataclasses.replace(agreement, languages=("id",)))
    document = open_docx(data)
    assert len(document.tables) == 1  # only the signature block
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Pasal 1\nJUDUL PASAL 1" in text
    assert f"(1)\t{agreement.articles[0].paragraphs[0].text['id']}" in text
    assert "ARTICLE TITLE 1" not in all_text(data)
    assert "Halaman 1 dari 1" in all_text(data) and "Page" not in all_text(data)


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


DC, CP, DCTERMS = "{http://purl.org/dc/elements/1.1/}", "{%s}" % CORE_NS, "{http://purl.org/dc/terms/}"


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


def test_two_renders_of_the_same_model_are_byte_identical(agreement, docx_bytes):
    assert render_docx(agreement) == docx_bytes
    assert render_docx(agreement, draft=True) == render_docx(agreement, draft=True)


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
    assert document.styles["PKM Article Heading"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


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
    assert [row.cells[0].text for row in document.tables[0].rows] == expected_rows(agreement, "id")
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
    with pytest.raises(BuildError, match="broken.docx"):
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


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_reads_every_text(agreement, docx_bytes, tmp_path):
    path = tmp_path / "agreement.docx"
    path.write_bytes(docx_bytes)
    result = subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(path)],
                            capture_output=True, text=True, timeout=120, check=True)
    plain = squeeze(result.stdout)
    for lang in ("id", "en"):
        assert squeeze(agreement.title[lang]) in plain
        for part in agreement.all_parts():
            for paragraph in part.paragraphs:
                assert squeeze(paragraph.text[lang]) in plain
                for item in paragraph.items:
                    assert squeeze(item[lang]) in plain
    for party in agreement.parties:
        assert squeeze(party.representative) in plain


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_it_to_pdf(agreement, docx_bytes, tmp_path):
    path = tmp_path / "agreement.docx"
    path.write_bytes(docx_bytes)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=240, check=True)
    reader = pypdf.PdfReader(tmp_path / "agreement.pdf")
    assert len(reader.pages) >= 1
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    assert squeeze("Pasal 1") in text and squeeze(agreement.parties[0].representative) in text
