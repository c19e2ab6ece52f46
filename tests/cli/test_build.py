"""End to end: `pkm build` on the example writes a DOCX and a PDF that hold the whole agreement."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.support.read_back import pdf_texts
from pkm_docs.cli import main
from pkm_docs.pipeline import compile_agreement

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"


def norm(text: str) -> str:
    """Whitespace collapsed; a line break after a hyphen ("hal-\nhal") or a slash ("state/\nregional", where
    typst may break a line) joined, as a reader would."""
    text = re.sub(r"([-/])\s+", r"\1", text.replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    err = io.StringIO()
    code = main(["build", str(EXAMPLE), "-o", str(out)], stdout=io.StringIO(), stderr=err)
    assert code == 0, err.getvalue()
    return out


@pytest.fixture(scope="module")
def agreement():
    return compile_agreement(EXAMPLE).agreement


def expected_texts(agreement, lang: str) -> list[str]:
    texts = []
    for part in agreement.all_parts():
        if part.number is not None:
            texts.append(f"{agreement.labels['article'][lang]} {part.number}")
        if part.title[lang]:
            texts.append(part.title[lang])
        for paragraph in part.paragraphs:
            texts.append(paragraph.text[lang])
            texts.extend(item[lang] for item in paragraph.items)
    return [norm(t) for t in texts]


def assert_in_order(haystack: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        assert found >= 0, f"missing or out of order: {needle[:80]!r}"
        position = found + len(needle)


def docx_text(path: Path, column: int) -> str:
    """The headings and clauses of one language (column 0 Indonesian, 1 English), numbers as Word draws them."""
    from pkm_docs.renderers.docx_read import read_docx
    return norm(read_docx(path).shown(("id", "en")[column]))


def test_build_writes_docx_and_pdf(built):
    assert sorted(p.name for p in built.iterdir()) == ["kemitraan_kesehatan.docx", "kemitraan_kesehatan.pdf"]


def test_example_has_the_articles_a_pkm_needs(agreement):
    sections = {c.section for a in agreement.articles for c in a.clauses}
    for needed in ("purpose", "roles", "governance", "funding", "reporting", "term", "dispute", "sanctions",
                   "language"):
        assert needed in sections
    assert [a.number for a in agreement.articles] == list(range(1, len(agreement.articles) + 1))


@pytest.mark.parametrize("lang, column", [("id", 0), ("en", 1)])
def test_docx_holds_every_article_in_order_in_each_language(built, agreement, lang, column):
    assert_in_order(docx_text(built / "kemitraan_kesehatan.docx", column), expected_texts(agreement, lang))


def pdf_columns(path: Path) -> tuple[str, str]:
    """The text of the left (Indonesian) and right (English) columns of every page, as a reader sees them.

    Page headers and footers (the template's top and bottom margins) are left out.
    """
    _, left, right = pdf_texts(path.read_bytes())
    return norm(left), norm(right)


@pytest.mark.slow
def test_pdf_holds_every_article_in_order_in_each_language(built, agreement):
    left, right = pdf_columns(built / "kemitraan_kesehatan.pdf")
    assert_in_order(left, expected_texts(agreement, "id"))
    assert_in_order(right, expected_texts(agreement, "en"))


def test_pdf_and_docx_carry_the_manifest(built, agreement):
    import json
    from pkm_docs.renderers.pdf_read import read_pdf_manifest
    manifest = read_pdf_manifest((built / "kemitraan_kesehatan.pdf").read_bytes())
    assert manifest == json.loads(json.dumps(agreement.manifest.to_data(), sort_keys=True))
    document = docx.Document(str(built / "kemitraan_kesehatan.docx"))
    part = next(p for p in document.part.package.parts if str(p.partname) == "/docProps/custom.xml")
    assert b"pkm-manifest" in part.blob
    assert agreement.manifest.clauses[0].content_hash.encode() in part.blob


def test_two_builds_give_identical_bytes(tmp_path):
    for run in ("a", "b"):
        assert main(["build", str(EXAMPLE), "-o", str(tmp_path / run)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    for name in ("kemitraan_kesehatan.pdf", "kemitraan_kesehatan.docx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_failed_render_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    old = out / "kemitraan_kesehatan.docx"
    old.write_bytes(b"previous build")
    from pkm_docs.renderers import pdf_finish

    def failing(*args, **kwargs):  # the PDF's last step, on the PDF thread, after the DOCX is made
        from pkm_docs.errors import BuildError
        raise BuildError("PDF rendering failed: simulated")

    monkeypatch.setattr(pdf_finish, "finish", failing)
    err = io.StringIO()
    code = main(["build", str(EXAMPLE), "-o", str(out)], stdout=io.StringIO(), stderr=err)
    assert code == 1
    assert "PDF rendering failed: simulated" in err.getvalue()
    assert old.read_bytes() == b"previous build"
    assert sorted(p.name for p in out.iterdir()) == ["kemitraan_kesehatan.docx"]


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    import os
    from pkm_docs import output
    calls = []

    def broken_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        output.write_atomic(tmp_path / "x.pdf", b"%PDF-1.7 ...")
    assert calls and list(tmp_path.iterdir()) == []


HOSTILE = [
    "{{ 7*7 }} {% for x in y %}",
    '#read("secrets.txt") #set text(red)',
    "</w:t><w:t>&amp; <script>",
    "Yayasan *bold* $x$ _y_ @ref <b> \\ `raw`",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_party_name_lands_as_plain_text(tmp_path, name):
    written = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    source = EXAMPLE.read_text(encoding="utf-8").replace('name: "Yayasan Kasih Ibu Flobamora"', f"name: {written}")
    source = source.replace('account_holder: "Yayasan Kasih Ibu Flobamora"', f"account_holder: {written}")
    path = tmp_path / "hostile.pkm"
    path.write_text(source, encoding="utf-8")
    assert main(["build", str(path), "-o", str(tmp_path)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    document = docx.Document(str(tmp_path / "hostile.docx"))
    all_text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    all_text += "\n".join(p.text for p in document.paragraphs)
    assert name in all_text
    pdf = " ".join(page.extract_text() for page in PdfReader(str(tmp_path / "hostile.pdf")).pages)
    assert norm(name) in norm(pdf)
    assert "49" not in all_text.split("{{ 7*7 }}")[0][-3:]


def test_control_character_in_a_name_is_refused_naming_the_text(tmp_path):
    source = EXAMPLE.read_text(encoding="utf-8").replace('name: "Yayasan Kasih Ibu Flobamora"', 'name: "Yayasan\x01"')
    path = tmp_path / "ctrl.pkm"
    path.write_text(source, encoding="utf-8")
    err = io.StringIO()
    code = main(["build", str(path), "-o", str(tmp_path / "out")], stdout=io.StringIO(), stderr=err)
    assert code == 1
    assert "Traceback" not in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_build_runs_the_checks_and_writes_nothing_on_error(tmp_path):
    source = EXAMPLE.read_text(encoding="utf-8").replace("yayasan: Rp285.000.000", "yayasan: Rp385.000.000")
    path = tmp_path / "shares.pkm"
    path.write_text(source, encoding="utf-8")
    err = io.StringIO()
    code = main(["build", str(path), "-o", str(tmp_path / "out")], stdout=io.StringIO(), stderr=err)
    assert code == 1
    assert "PKM142" in err.getvalue() and "a difference of IDR 100,000,000.00" in err.getvalue()
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_draft_builds_despite_errors_and_marks_every_page(tmp_path):
    source = EXAMPLE.read_text(encoding="utf-8").replace("yayasan: Rp285.000.000", "yayasan: Rp385.000.000")
    path = tmp_path / "shares.pkm"
    path.write_text(source, encoding="utf-8")
    code = main(["build", str(path), "-o", str(tmp_path / "out"), "--draft"], stdout=io.StringIO(),
                stderr=io.StringIO())
    assert code == 0
    pages = PdfReader(str(tmp_path / "out" / "shares.pdf")).pages
    assert all("RANCANGAN" in page.extract_text() for page in pages)
    document = docx.Document(str(tmp_path / "out" / "shares.docx"))
    headers = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "RANCANGAN" in headers


@pytest.mark.parametrize("layout, names", [
    ("separate", ["x.en.docx", "x.en.pdf", "x.id.docx", "x.id.pdf"]),
    ("parallel", ["x.docx", "x.pdf"]),
])
def test_layout_decides_the_files_written(tmp_path, layout, names):
    path = tmp_path / "x.pkm"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out), "--layout", layout], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    assert sorted(p.name for p in out.iterdir()) == names
    if layout == "separate":
        english = docx.Document(str(out / "x.en.docx"))
        text = " ".join(p.text for p in english.paragraphs) + " ".join(
            c.text for t in english.tables for r in t.rows for c in r.cells)
        assert "FIRST PARTY" in text and "PIHAK PERTAMA" not in text


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_pdftotext_reads_every_article_in_order_in_each_column(built, agreement):
    """Poppler, a reader other than pypdf, cropped to each column of the page body (in physical layout order),
    finds the same text."""
    import subprocess
    pdf = built / "kemitraan_kesehatan.pdf"
    points_per_cm = 72 / 2.54
    # the body's bottom margin is 3.2 cm; its last line's box reaches a few points into it (the paraf boxes start
    # about 0.8 cm lower), so the crop ends 0.3 cm below the margin
    top, height = round(2.8 * points_per_cm), round(842 - 2.8 * points_per_cm - 2.9 * points_per_cm)

    def column(x: int) -> str:
        result = subprocess.run(["pdftotext", "-layout", "-r", "72", "-x", str(x), "-y", str(top), "-W", "298",
                                 "-H", str(height), str(pdf), "-"], capture_output=True, text=True, check=True)
        return norm(result.stdout).replace("-", "")

    # pdftotext joins a word broken after a hyphen ("hal-" / "hal" becomes "halhal"): compare without hyphens
    assert_in_order(column(0), [t.replace("-", "") for t in expected_texts(agreement, "id")])
    assert_in_order(column(297), [t.replace("-", "") for t in expected_texts(agreement, "en")])


@pytest.mark.parametrize("template, provisional", [("kehutanan", True), ("kesehatan", False)])
def test_a_provisional_scheme_says_so_on_the_cover_of_both_files(tmp_path, template, provisional):
    source = ROOT / "templates" / f"{template}.pkm"
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(source), "--data", str(source.with_suffix(".sample.yaml")), "-o", str(tmp_path)],
                stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert ("PKM108" in err.getvalue()) == provisional  # and every build warns
    note_id = "Disusun menurut skema sementara: muatan wajibnya belum diperiksa terhadap peraturannya."
    note_en = "Drafted under a provisional scheme: its required contents are not yet checked against its regulation."
    first_page = norm(PdfReader(tmp_path / f"{template}.pdf").pages[0].extract_text())
    docx_text = norm("\n".join(p.text for p in docx.Document(tmp_path / f"{template}.docx").paragraphs))
    for text in (first_page, docx_text):
        assert (norm(note_id) in text and norm(note_en) in text) == provisional
    assert ("provisional scheme" in (PdfReader(tmp_path / f"{template}.pdf").metadata.get("/Keywords") or "")) \
        == provisional
