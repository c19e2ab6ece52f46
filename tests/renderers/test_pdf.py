"""Tests for pkm_docs.renderers.pdf: what a reader of the PDF sees, read back with pypdf."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import typst
import pytest
from hypothesis import given, settings, strategies as st

from tests.support.model_factory import make_agreement, with_paragraphs
from pkm_docs.errors import BuildError, UsageError
from pkm_docs.model import Agreement, Paragraph, Text
from pkm_docs.renderers import pdf as pdf_renderer
from pkm_docs.renderers.pdf import render_pdf
from pkm_docs.renderers.pdf_finish import PKM_NS
from pkm_docs.renderers.pdf_read import read_pdf_manifest

HOSTILE_NAMES = [
    '#read("secrets.txt")',
    "{{ 7*7 }}",
    "</w:t>",
    "*bold*",
    "$math$",
    '#eval("1 + 1") _under_ `raw` <label> @ref = heading \\ backslash',
]


@pytest.fixture(scope="module")
def agreement() -> Agreement:
    return make_agreement()


@pytest.fixture(scope="module")
def pdf_bytes(agreement: Agreement) -> bytes:
    return render_pdf(agreement)


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces: line breaks in the PDF are not the text's business."""
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """Text without any whitespace, so a line break after a hyphen ("twenty-\\nsix") still matches."""
    return "".join(text.split())


def heading_strings(agreement: Agreement, part, lang: str) -> list[str]:
    """A part's heading in one language as the page shows it: "Pasal 1", then its title."""
    label = [f"{agreement.labels['article'][lang]} {part.number}"] if part.number is not None else []
    return label + ([part.title[lang]] if part.title.get(lang) else [])


def paragraph_strings(para, lang: str) -> list[str]:
    """A paragraph in one language as the page shows it: "(1)", its text, then its items "a. ...", "b. ..."."""
    number = [f"({para.number})"] if para.number is not None else []
    return number + [para.text[lang]] + [f"{letter}. {item[lang]}" for letter, item in
                                         zip("abcdefghijklmnopqrstuvwxyz", para.items)]


def expected_reading_order(agreement: Agreement) -> list[str]:
    """Every heading and paragraph of the agreement, Indonesian then English, row by row."""
    strings: list[str] = []
    for part in agreement.all_parts():
        for lang in agreement.languages:
            strings += heading_strings(agreement, part, lang)
        for para in part.paragraphs:
            for lang in agreement.languages:
                strings += paragraph_strings(para, lang)
    return strings


def test_output_is_a_pdf_that_pypdf_reads(pdf_bytes: bytes) -> None:
    assert pdf_bytes.startswith(b"%PDF")
    assert len(read(pdf_bytes).pages) >= 1


def test_every_heading_and_paragraph_appears_in_reading_order(agreement: Agreement, pdf_bytes: bytes) -> None:
    text = squeeze("\n".join(page_texts(pdf_bytes)))
    position = 0
    for expected in expected_reading_order(agreement):
        found = text.find(squeeze(expected), position)
        assert found >= 0, f"{expected!r} missing (or out of order) after position {position}"
        position = found + len(squeeze(expected))


def test_article_headings_read_as_words(agreement: Agreement, pdf_bytes: bytes) -> None:
    text = collapse("\n".join(page_texts(pdf_bytes)))
    for article in agreement.articles:
        assert f"Pasal {article.number}" in text
        assert f"Article {article.number}" in text
        assert article.title["id"] in text and article.title["en"] in text


def test_two_renders_give_identical_bytes(agreement: Agreement, pdf_bytes: bytes) -> None:
    assert render_pdf(agreement) == pdf_bytes
    assert render_pdf(make_agreement()) == pdf_bytes


@pytest.mark.parametrize("layout", ["parallel", "sequential"])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_party_name_is_printed_verbatim(name: str, layout: str) -> None:
    pdf = render_pdf(make_agreement(party_name=name), layout=layout)
    text = collapse("\n".join(page_texts(pdf)))
    assert collapse(name) in text


def test_hostile_party_name_reaches_metadata_verbatim() -> None:
    name = HOSTILE_NAMES[0]
    metadata = read(render_pdf(make_agreement(party_name=name))).metadata
    assert name in metadata.author


def test_metadata_title_is_the_agreement_title(agreement: Agreement, pdf_bytes: bytes) -> None:
    title = read(pdf_bytes).metadata.title
    assert agreement.title["id"] in title
    assert agreement.title["en"] in title


def test_manifest_is_readable_from_the_xmp_metadata(agreement: Agreement, pdf_bytes: bytes) -> None:
    manifest = read_pdf_manifest(pdf_bytes)
    assert manifest == json.loads(json.dumps(agreement.manifest.to_data()))
    assert manifest["clauses"][0]["id"] == "purpose.scope"
    assert manifest["source"]["sha256"] == agreement.manifest.source_hash


def test_manifest_is_a_declared_pdf_a_extension_property(pdf_bytes: bytes) -> None:
    """PDF/A allows a custom XMP property only when an extension schema declares it (ISO 19005-2, 6.6.2.3)."""
    xmp = read(pdf_bytes).xmp_metadata.stream.get_data().decode("utf-8")
    assert f'xmlns:pkm="{PKM_NS}"' in xmp
    schema = xmp.split("<pdfaSchema:namespaceURI>" + PKM_NS, 1)[1].split("</pdfaSchema:property>", 1)[0]
    for name in ("manifest", "signing", "clauses", "build"):
        assert f"<pdfaProperty:name>{name}</pdfaProperty:name>" in schema
    assert "<pdfaSchema:prefix>pkm</pdfaSchema:prefix>" in schema


def test_subject_is_the_title_not_the_manifest(pdf_bytes: bytes) -> None:
    reader = read(pdf_bytes)
    assert reader.metadata.subject == reader.metadata.title
    assert reader.xmp_metadata.dc_description["x-default"] == reader.metadata.title


def test_a_pdf_built_by_an_earlier_version_is_read_from_its_subject() -> None:
    from pkm_docs.renderers.pdf_read import manifest_from

    old = {"generator": "pkm-docs 0.0.9", "clauses": [], "source": {"file": "a.pkm", "sha256": "00"}}
    assert manifest_from(None, {"/Subject": json.dumps(old)}) == (old, "Subject")
    assert manifest_from(None, {"/Subject": "Perjanjian Kemitraan"}) == (None, "")


def test_creation_date_is_the_signing_date(agreement: Agreement, pdf_bytes: bytes) -> None:
    created = read(pdf_bytes).metadata.creation_date
    assert created.date() == agreement.signing_date
    assert (created.hour, created.minute) == (0, 0)


def test_pdf_declares_pdf_a_2b(pdf_bytes: bytes) -> None:
    xmp = read(pdf_bytes).xmp_metadata.stream.get_data().decode("utf-8")
    assert "pdfaid:part>2<" in xmp or 'pdfaid:part="2"' in xmp
    assert "pdfaid:conformance>B<" in xmp or 'pdfaid:conformance="B"' in xmp


def test_footer_numbers_pages_in_both_languages(pdf_bytes: bytes) -> None:
    texts = [collapse(t) for t in page_texts(pdf_bytes)]
    total = len(texts)
    assert "Halaman 1 dari" in texts[0]
    for number, text in enumerate(texts, start=1):
        assert f"Halaman {number} dari {total} / Page {number} of {total}" in text


def test_every_page_has_the_number_and_an_initials_box_per_party(agreement: Agreement, pdf_bytes: bytes) -> None:
    for text in (collapse(t) for t in page_texts(pdf_bytes)):
        assert agreement.number in text
        assert text.count("Paraf / Initials") == len(agreement.parties)


def test_signature_block_names_each_party_and_representative(agreement: Agreement, pdf_bytes: bytes) -> None:
    last_page = collapse(page_texts(pdf_bytes)[-1])
    for party in agreement.parties:
        assert f"{party.alias['id']} {party.alias['en']}" in last_page
        assert party.representative in last_page
        assert party.position["id"] in last_page
    assert last_page.count("Meterai Rp10.000") == sum(p.meterai for p in agreement.parties)


def test_party_without_meterai_gets_no_stamp_box(agreement: Agreement) -> None:
    parties = (agreement.parties[0], dataclasses.replace(agreement.parties[1], meterai=False))
    pdf = render_pdf(dataclasses.replace(agreement, parties=parties))
    assert collapse(page_texts(pdf)[-1]).count("Meterai Rp10.000") == 1


def test_draft_carries_the_watermark_on_every_page(agreement: Agreement, pdf_bytes: bytes) -> None:
    draft_texts = page_texts(render_pdf(agreement, draft=True))
    assert all("RANCANGAN" in t and "DRAFT" in t for t in draft_texts)
    assert not any("RANCANGAN" in t for t in page_texts(pdf_bytes))


def test_single_language_agreement_renders_one_column(agreement: Agreement) -> None:
    pdf = render_pdf(dataclasses.replace(agreement, languages=("id",)))
    text = collapse("\n".join(page_texts(pdf)))
    assert "Pasal 1" in text and agreement.articles[0].paragraphs[0].text["id"] in text
    assert "Article 1" not in text and "Page 1 of" not in text
    assert agreement.articles[0].paragraphs[0].text["en"] not in text


def test_long_agreement_flows_over_pages_with_every_article(agreement: Agreement) -> None:
    long = make_agreement(articles=25)
    texts = page_texts(render_pdf(long))
    assert len(texts) > 2
    text = collapse("\n".join(texts))
    assert all(f"Pasal {n}" in text and f"Article {n}" in text for n in range(1, 26))


@pytest.mark.parametrize("layout", ["separate", "Parallel", ""])
def test_unknown_layout_is_a_usage_error(agreement: Agreement, layout: str) -> None:
    with pytest.raises(UsageError, match="unknown PDF layout") as caught:
        render_pdf(agreement, layout=layout)
    assert caught.value.diagnostics[0].hint == "use one of: parallel, sequential"


def test_layouts_are_parallel_and_sequential() -> None:
    assert pdf_renderer.LAYOUTS == ("parallel", "sequential")


@pytest.mark.parametrize(("template", "message"), [
    # a typst error in the template itself
    ("// pkm-data: begin\n// pkm-data: end\n#let x = (\n", "PDF rendering failed: "),
    # a template without the block where the data go
    ("#let data = json(bytes(sys.inputs.model))\n#data.number\n",
     "has no data block (the lines from `// pkm-data: begin` to `// pkm-data: end`)"),
])
def test_a_broken_template_is_a_build_error(
    agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, message: str
) -> None:
    broken = tmp_path / "agreement.typ"
    broken.write_text(template, encoding="utf-8")
    monkeypatch.setattr(pdf_renderer, "template_path", lambda: broken)
    with pytest.raises(BuildError) as caught:
        render_pdf(agreement)
    assert message in caught.value.diagnostics[0].message


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_no_structural_errors(pdf_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf_bytes)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_missing_template_becomes_a_build_error(
    agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_renderer, "template_path", lambda: tmp_path / "missing.typ")
    with pytest.raises(BuildError, match="PDF rendering failed"):
        render_pdf(agreement)


@pytest.mark.parametrize("typeset", [b"%PDF-1.7\nnot a PDF\n%%EOF", b""], ids=["garbage", "empty"])
def test_a_pdf_typst_wrote_that_cannot_be_read_back_is_a_build_error(
    agreement: Agreement, typeset: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update after typst reads typst's objects back: what it cannot read is a build error, not a traceback."""
    monkeypatch.setattr(pdf_renderer._Typesetter, "typeset", lambda *args, **kwargs: (typeset, []))
    with pytest.raises(BuildError, match="PDF rendering failed: typst's PDF"):
        render_pdf(agreement)


def test_a_template_with_windows_line_ends_gives_the_same_pdf(
    agreement: Agreement, pdf_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout with core.autocrlf turns the template's line ends into CRLF; its data block is still found."""
    crlf = tmp_path / "agreement.typ"
    crlf.write_bytes(pdf_renderer.template_path().read_bytes().replace(b"\n", b"\r\n"))
    monkeypatch.setattr(pdf_renderer, "template_path", lambda: crlf)
    assert render_pdf(agreement) == pdf_bytes


# ---------------------------------------------------------------- the data in the source


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.text())
def test_typst_string_reads_back_as_the_same_text(text: str) -> None:
    literal = pdf_renderer.typst_string(text)
    assert literal.isascii() and "\n" not in literal
    assert json.loads(typst.Compiler(input=b"").eval(literal, format="json")) == text


def test_main_source_holds_the_data_and_reads_no_inputs(agreement: Agreement) -> None:
    source = pdf_renderer.main_source(agreement, layout="sequential", draft=True).decode("utf-8")
    head = source.split("// pkm-data: written by pkm_docs.renderers.pdf\n", 1)[1].split("\n\n", 1)[0]
    assert "sys.inputs" not in source
    assert '#let layout-name = "sequential"' in head
    assert "#let draft = true" in head
    model = pdf_renderer.render_inputs(agreement)["model"]
    assert pdf_renderer.typst_string(model) in head


@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_template_built_with_typst_inputs_gives_the_same_pdf(agreement: Agreement, layout: str) -> None:
    """The template's data block also serves the typst CLI (`--input model=...`): both give the same bytes."""
    template = pdf_renderer.template_path()
    by_inputs = typst.compile(
        template, root=template.parent, ignore_system_fonts=True, format="pdf",
        sys_inputs=pdf_renderer.render_inputs(agreement, layout=layout, draft=True),
        pdf_standards=[pdf_renderer.PDF_STANDARD], pdf_tags=True,
        timestamp=pdf_renderer.signing_timestamp(agreement.signing_date),
    )
    assert by_inputs == pdf_renderer.typeset_pdf(agreement, layout=layout, draft=True)[0]


def test_a_failed_render_leaves_the_next_one_unharmed(agreement: Agreement, pdf_bytes: bytes) -> None:
    """The thread's typst compiler is kept between renders: an error in one must not reach the next."""
    with pytest.raises(BuildError, match="U\\+1F600"):
        render_pdf(make_agreement(party_name="Yayasan \U0001F600"))
    assert render_pdf(agreement) == pdf_bytes


def test_a_render_does_not_depend_on_the_renders_before_it(tmp_path: Path) -> None:
    """typst reuses layouts between renders in a process; the bytes must be those of a first render."""
    for name in ("Yayasan Satu", "Yayasan Dua", "Yayasan Tiga"):
        render_pdf(make_agreement(party_name=name), draft=name.endswith("a"))
    here = render_pdf(make_agreement(party_name="Yayasan Empat"))
    script = ("import sys; from tests.support.model_factory import make_agreement; "
              "from pkm_docs.renderers.pdf import render_pdf; "
              "sys.stdout.buffer.write(render_pdf(make_agreement(party_name='Yayasan Empat')))")
    root = Path(__file__).resolve().parents[2]
    fresh = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, check=True).stdout
    assert fresh == here


# ---------------------------------------------------------------- the sequential layout


@pytest.fixture(scope="module")
def sequential_bytes(agreement: Agreement) -> bytes:
    return render_pdf(agreement, layout="sequential")


def language_reading_order(agreement: Agreement, lang: str) -> list[str]:
    """The whole text in one language: title, then every heading, paragraph and item in order."""
    strings = [agreement.title[lang].upper()]
    for part in agreement.all_parts():
        strings += heading_strings(agreement, part, lang)
        for para in part.paragraphs:
            strings += paragraph_strings(para, lang)
    return strings


def body_text(page_text: str, agreement: Agreement) -> str:
    """A page's text without its header line (the agreement number)."""
    text = collapse(page_text)
    header = f"Nomor / Number: {agreement.number}"
    assert text.startswith(header)
    return text[len(header):].strip()


def test_sequential_sets_all_indonesian_then_all_english(agreement: Agreement, sequential_bytes: bytes) -> None:
    text = squeeze("\n".join(page_texts(sequential_bytes)))
    position = 0
    for expected in language_reading_order(agreement, "id") + language_reading_order(agreement, "en"):
        found = text.find(squeeze(expected), position)
        assert found >= 0, f"{expected!r} missing (or out of order) after position {position}"
        position = found + len(squeeze(expected))


def test_sequential_starts_the_english_text_on_a_new_page_with_its_title(
    agreement: Agreement, sequential_bytes: bytes
) -> None:
    texts = page_texts(sequential_bytes)
    english_title = agreement.title["en"].upper()
    starts = [i for i, t in enumerate(texts) if english_title in collapse(t)]
    assert len(starts) == 1 and starts[0] > 0
    first_english = starts[0]
    assert body_text(texts[first_english], agreement).startswith(english_title)
    closing_id = agreement.closing[0].paragraphs[0].text["id"]
    assert collapse(closing_id) in collapse(texts[first_english - 1])
    indonesian = collapse("\n".join(texts[:first_english]))
    english = collapse("\n".join(texts[first_english:]))
    for article in agreement.articles:
        assert f"Article {article.number}" not in indonesian
        assert f"Pasal {article.number}" not in english
        assert article.paragraphs[0].text["en"] not in indonesian
        assert article.paragraphs[0].text["id"] not in english


def test_sequential_sets_the_signature_block_once_at_the_end(agreement: Agreement, sequential_bytes: bytes) -> None:
    texts = [collapse(t) for t in page_texts(sequential_bytes)]
    whole = " ".join(texts)
    assert whole.count("Meterai Rp10.000") == sum(p.meterai for p in agreement.parties)
    for party in agreement.parties:
        assert whole.count(party.representative) == 1
        assert party.representative in texts[-1]
        assert f"{party.alias['id']} {party.alias['en']}" in texts[-1]
    closing_en = agreement.closing[0].paragraphs[0].text["en"]
    assert whole.rfind(collapse(closing_en)) < whole.rfind(agreement.parties[0].representative)


def test_sequential_keeps_page_numbers_initials_and_draft_mark(agreement: Agreement) -> None:
    texts = [collapse(t) for t in page_texts(render_pdf(agreement, layout="sequential", draft=True))]
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Halaman {number} dari {total} / Page {number} of {total}" in text
        assert text.count("Paraf / Initials") == len(agreement.parties)
        assert "RANCANGAN" in text and "DRAFT" in text


def test_sequential_renders_are_identical(agreement: Agreement, sequential_bytes: bytes) -> None:
    assert render_pdf(make_agreement(), layout="sequential") == sequential_bytes
    assert sequential_bytes != render_pdf(agreement)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_single_language_agreement_is_the_same_document_in_either_layout(agreement: Agreement, lang: str) -> None:
    alone = agreement.in_language(lang)
    pdf = render_pdf(alone, layout="sequential")
    assert pdf == render_pdf(alone, layout="parallel")
    other = "en" if lang == "id" else "id"
    text = collapse("\n".join(page_texts(pdf)))
    assert agreement.title[lang].upper() in text and agreement.title[other].upper() not in text
    assert agreement.articles[0].paragraphs[0].text[lang] in text
    assert agreement.articles[0].paragraphs[0].text[other] not in text


def test_sequential_long_agreement_holds_every_article_in_each_language() -> None:
    long = make_agreement(articles=25)
    text = collapse("\n".join(page_texts(render_pdf(long, layout="sequential"))))
    assert all(f"Pasal {n}" in text and f"Article {n}" in text for n in range(1, 26))
    assert text.index("Pasal 25") < text.index("Article 1 ")


# ---------------------------------------------------------------- PDF/A, tags, language, fonts


def struct_elements(pdf: bytes) -> list[pypdf.generic.DictionaryObject]:
    """Every structure element of the tagged PDF, in tree order."""
    root = read(pdf).trailer["/Root"]["/StructTreeRoot"]
    found: list[pypdf.generic.DictionaryObject] = []

    def visit(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                visit(child)
        elif isinstance(node, pypdf.generic.DictionaryObject) and "/S" in node:
            found.append(node)
            if "/K" in node:
                visit(node["/K"])

    visit(root["/K"])
    return found


@pytest.mark.parametrize("layout", pdf_renderer.LAYOUTS)
def test_pdf_is_tagged_with_headings(agreement: Agreement, layout: str) -> None:
    pdf = render_pdf(agreement, layout=layout)
    catalog = read(pdf).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    roles = [str(e["/S"]) for e in struct_elements(pdf)]
    assert "/Document" in roles and "/P" in roles
    titles = 1 if layout == "parallel" else len(agreement.languages)
    assert roles.count("/H1") == titles
    # every article heading is a heading, in each language, whether it is bookmarked or not
    assert roles.count("/H2") == len(agreement.articles) * len(agreement.languages)


def test_document_language_is_the_governing_language(agreement: Agreement, pdf_bytes: bytes) -> None:
    reader = read(pdf_bytes)
    assert reader.trailer["/Root"]["/Lang"] == "id"
    assert reader.xmp_metadata.dc_language == ["id"]
    english_governs = read(render_pdf(dataclasses.replace(agreement, governing_language="en")))
    assert english_governs.trailer["/Root"]["/Lang"] == "en"
    assert english_governs.xmp_metadata.dc_language == ["en"]


def test_a_version_without_the_governing_language_declares_its_own(agreement: Agreement) -> None:
    reader = read(render_pdf(agreement.in_language("en")))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert pdf_renderer.document_language(agreement.in_language("en")) == "en"


def test_english_cells_are_tagged_english(pdf_bytes: bytes) -> None:
    languages = {str(e["/Lang"]) for e in struct_elements(pdf_bytes) if "/Lang" in e}
    assert "en" in languages


def test_metadata_has_title_subject_and_language(agreement: Agreement, pdf_bytes: bytes) -> None:
    reader = read(pdf_bytes)
    assert reader.metadata.title == f"{agreement.title['id']} / {agreement.title['en']}"
    assert reader.xmp_metadata.dc_title["x-default"] == reader.metadata.title
    assert reader.metadata.subject == reader.metadata.title
    assert reader.trailer["/Root"]["/Lang"] == agreement.governing_language


def fonts_of(pdf: bytes) -> dict[str, pypdf.generic.DictionaryObject]:
    """Every font the pages use (through form XObjects too), by base font name."""
    fonts: dict[str, pypdf.generic.DictionaryObject] = {}

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        if not resources:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font.get("/BaseFont", font.get("/Name", id(font))))] = font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in read(pdf).pages:
        visit(page.get("/Resources"))
    return fonts


def embedded_file(font: pypdf.generic.DictionaryObject):
    """The embedded font program of a simple or composite font, or None."""
    descriptors = [font.get("/FontDescriptor")]
    descriptors += [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
    for descriptor in descriptors:
        if descriptor is None:
            continue
        descriptor = descriptor.get_object()
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                return descriptor[key]
    return None


SYMBOLS = "✓ ☐ ☑ → € § © ™ ½ ★ ⚠ Ω Ж ệ"


@pytest.mark.parametrize("layout", pdf_renderer.LAYOUTS)
def test_every_font_is_embedded(layout: str) -> None:
    pdf = render_pdf(make_agreement(party_name=f"Yayasan {SYMBOLS}"), layout=layout)
    fonts = fonts_of(pdf)
    assert fonts
    for name, font in fonts.items():
        if font.get("/Subtype") == "/Type3":  # glyphs drawn in the PDF itself
            continue
        assert embedded_file(font) is not None, f"font {name} is not embedded"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
def test_pdffonts_reports_every_font_embedded(tmp_path: Path) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(render_pdf(make_agreement(party_name=f"Yayasan {SYMBOLS}")))
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert len(rows) >= 2
    for row in rows:
        # name, type, encoding, then emb sub uni object-id generation
        emb = row.split()[-5]
        assert emb == "yes", row


# ---------------------------------------------------------------- characters the fonts lack


def test_common_symbols_render_with_the_embedded_fonts() -> None:
    pdf = render_pdf(make_agreement(party_name=f"Yayasan {SYMBOLS}"))
    assert collapse(SYMBOLS) in collapse("\n".join(page_texts(pdf)))


@pytest.mark.parametrize("layout", pdf_renderer.LAYOUTS)
def test_emoji_in_a_party_name_is_a_build_error_naming_it(layout: str) -> None:
    with pytest.raises(BuildError) as caught:
        render_pdf(make_agreement(party_name="Yayasan 😀 Flobamora"), layout=layout)
    message = str(caught.value)
    assert "U+1F600" in message
    assert "the name of party `yayasan` (id)" in message
    assert "Yayasan 😀 Flobamora" in message
    assert "Traceback" not in message


def test_missing_glyph_names_the_first_text_in_document_order(agreement: Agreement) -> None:
    article = agreement.articles[1]
    para = article.paragraphs[1]
    items = (Text({"id": "kelas ibu hamil 🤰;", "en": "antenatal classes 🤰;"}),) + para.items[1:]
    changed = with_paragraphs(article, (article.paragraphs[0], dataclasses.replace(para, items=items)))
    closing = agreement.closing[0]
    closing = with_paragraphs(closing, (Paragraph(Text({"id": "Demikian 中.", "en": "Thus 中."})),))
    broken = dataclasses.replace(agreement, articles=(agreement.articles[0], changed) + agreement.articles[2:],
                                 closing=(closing,))
    with pytest.raises(BuildError) as caught:
        render_pdf(broken)
    message = str(caught.value)
    assert "U+1F930" in message
    assert "Pasal 2, paragraph (2), item a. (id)" in message
    assert "kelas ibu hamil 🤰;" in message


def test_missing_glyph_texts_reads_typst_escapes() -> None:
    error = typst.TypstError(
        'PDF/A-2b error: the text `"\\u{1f600}\\""` could not be displayed with font `"Libertinus Serif"`',
        "error: ...",
    )
    assert pdf_renderer.missing_glyph_texts(error) == ['\U0001F600"']
    assert pdf_renderer.code_points("😀") == "U+1F600"


# ---------------------------------------------------------------- outline (bookmarks)


def outline_tree(pdf: bytes) -> list[tuple[str, list[str]]]:
    """The outline as (top entry, [its children]) pairs."""
    tree: list[tuple[str, list[str]]] = []
    for entry in read(pdf).outline:
        if isinstance(entry, list):
            tree[-1][1].extend(e.title for e in entry if not isinstance(e, list))
        else:
            tree.append((entry.title, []))
    return tree


def test_parallel_outline_has_one_entry_per_article(agreement: Agreement, pdf_bytes: bytes) -> None:
    assert outline_tree(pdf_bytes) == [(
        agreement.title["id"].upper(),
        [f"Pasal {a.number} {a.title['id']}" for a in agreement.articles],
    )]


def test_sequential_outline_has_one_entry_per_article_in_each_language(
    agreement: Agreement, sequential_bytes: bytes
) -> None:
    assert outline_tree(sequential_bytes) == [
        (agreement.title[lang].upper(),
         [f"{agreement.labels['article'][lang]} {a.number} {a.title[lang]}" for a in agreement.articles])
        for lang in ("id", "en")
    ]


@pytest.mark.slow
def test_outline_entries_point_at_the_pages_of_their_articles(agreement: Agreement) -> None:
    pdf = render_pdf(make_agreement(articles=25))
    reader = read(pdf)
    children = next(e for e in reader.outline if isinstance(e, list))
    assert len(children) == 25
    for number, entry in enumerate(children, start=1):
        page = reader.get_destination_page_number(entry)
        assert f"Pasal {number}" in collapse(reader.pages[page].extract_text())
