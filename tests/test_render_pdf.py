"""Tests for pkm_docs.renderers.pdf: what a reader of the PDF sees, read back with pypdf."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from model_factory import make_agreement
from pkm_docs.errors import BuildError, UsageError
from pkm_docs.model import Agreement
from pkm_docs.renderers import pdf as pdf_renderer
from pkm_docs.renderers.pdf import render_pdf

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


def expected_reading_order(agreement: Agreement) -> list[str]:
    """Every heading and paragraph of the agreement, Indonesian then English, row by row."""
    labels = agreement.labels
    strings: list[str] = []
    for part in agreement.all_parts():
        for lang in agreement.languages:
            if part.number is not None:
                strings.append(f"{labels['article'][lang]} {part.number}")
            if part.title.get(lang):
                strings.append(part.title[lang])
        for para in part.paragraphs:
            for lang in agreement.languages:
                if para.number is not None:
                    strings.append(f"({para.number})")
                strings.append(para.text[lang])
                for letter, item in zip("abcdefghijklmnopqrstuvwxyz", para.items):
                    strings.append(f"{letter}. {item[lang]}")
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


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_party_name_is_printed_verbatim(name: str) -> None:
    pdf = render_pdf(make_agreement(party_name=name))
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


def test_manifest_is_readable_from_the_pdf_subject(agreement: Agreement, pdf_bytes: bytes) -> None:
    manifest = json.loads(read(pdf_bytes).metadata.subject)
    assert manifest == json.loads(json.dumps(agreement.manifest.to_data()))
    assert manifest["clauses"][0]["id"] == "purpose.scope"


def test_manifest_is_in_the_xmp_metadata_too(pdf_bytes: bytes) -> None:
    xmp = read(pdf_bytes).xmp_metadata
    assert xmp is not None
    assert json.loads(xmp.dc_description["x-default"])["generator"] == "pkm-docs 0.1.0"


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


def test_unknown_layout_is_a_usage_error(agreement: Agreement) -> None:
    with pytest.raises(UsageError, match="sequential"):
        render_pdf(agreement, layout="sequential")


def test_typst_failure_becomes_a_build_error(
    agreement: Agreement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "agreement.typ"
    broken.write_text("#let x = (\n", encoding="utf-8")
    monkeypatch.setattr(pdf_renderer, "template_path", lambda: broken)
    with pytest.raises(BuildError, match="PDF rendering failed"):
        render_pdf(agreement)


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
