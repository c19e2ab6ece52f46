"""Ad-hoc text is a first-class, visible exception: it may fill a scheme section (with a warning), every block is
in the manifest with its hash, the build says how many words are not from the library, a draft marks each
ad-hoc paragraph and a final does not, and `--vetted-only` refuses to build an agreement that holds any."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from pkm_docs.cli import main
from pkm_docs.renderers.pdf_read import read_pdf_manifest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ROOT / "tests" / "fixtures" / "checks"
LIBRARY = CHECKS / "library"
SANCTIONS = '''article {
  use sanctions.basic@^1
}'''
ADHOC_SANCTIONS = '''article "Sanksi" / "Sanctions" {
  text section: sanctions {
    id: """(1) PIHAK yang lalai dikenai teguran tertulis oleh PARA PIHAK."""
    en: """(1) A PARTY in default shall receive a written warning from the PARTIES."""
  }
}'''


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def source(tmp_path) -> Path:
    text = (CHECKS / "good.pkm").read_text(encoding="utf-8")
    assert SANCTIONS in text
    path = tmp_path / "adhoc.pkm"
    path.write_text(text.replace(SANCTIONS, ADHOC_SANCTIONS), encoding="utf-8")
    return path


def test_an_adhoc_text_fills_a_scheme_section_with_a_warning_that_names_it(source):
    code, out, _ = run("check", source, "--library", LIBRARY)
    assert code == 0
    assert "PKM101" not in out
    assert "PKM110 warning: this ad-hoc text fills the section `sanctions` with text that is not vetted" in out


def test_an_adhoc_text_naming_an_unknown_section_is_an_error_at_the_name(source):
    source.write_text(source.read_text(encoding="utf-8").replace("section: sanctions", "section: sanksi"),
                      encoding="utf-8")
    code, out, err = run("check", source, "--library", LIBRARY)
    assert code == 1
    line = next(i for i, row in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if "sanksi" in row)
    assert f"{source}:{line}:17: PKM022 unknown section `sanksi`" in out + err
    assert "hint: sections are " in out + err and " sanctions, " in out + err


def _manifests(folder: Path) -> list[dict]:
    docx = next(folder.glob("*.docx"))
    with zipfile.ZipFile(docx) as z:
        custom = z.read("docProps/custom.xml").decode("utf-8")
    pdf = next(folder.glob("*.pdf"))
    return [read_pdf_manifest(pdf.read_bytes()), custom]


def test_every_adhoc_block_is_in_the_manifest_and_the_build_counts_its_words(source, tmp_path):
    code, out, err = run("build", source, "--library", LIBRARY, "-o", tmp_path / "out")
    assert code == 0, err
    assert "words are not from the library (ad-hoc text): Pasal 8 (9)" in out
    pdf_manifest, custom = _manifests(tmp_path / "out")
    (entry,) = pdf_manifest["adhoc"]
    assert entry["where"] == "8" and entry["section"] == "sanctions" and entry["words"] == 9
    assert len(entry["hash"]) == 64 and entry["hash"] in custom


def test_vetted_only_refuses_an_agreement_with_adhoc_text_and_writes_nothing(source, tmp_path):
    code, out, err = run("build", source, "--library", LIBRARY, "-o", tmp_path / "out", "--vetted-only")
    assert code == 1 and out == ""
    assert "--vetted-only, but the agreement holds 1 ad-hoc text (Pasal 8); nothing was written" in err
    assert not (tmp_path / "out").exists()
    code, _, err = run("build", CHECKS / "good.pkm", "--library", LIBRARY, "-o", tmp_path / "vetted", "--vetted-only")
    assert code == 0, err


def _red_pixels(pdf: Path, page: int, tmp_path: Path) -> int:
    """Pixels of the draft's ad-hoc bar colour (#c0392b) on one page, as pdftoppm draws it."""
    prefix = tmp_path / f"page-{pdf.stem}"
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), str(pdf), str(prefix)],
                   check=True)
    data = next(tmp_path.glob(f"{prefix.name}*.ppm")).read_bytes()
    header_end = 0
    for _ in range(3):  # P6, width height, maxval
        header_end = data.index(b"\n", header_end) + 1
    pixels = data[header_end:]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if pixels[i] > 150 and pixels[i + 1] < 90 and pixels[i + 2] < 80)


@pytest.mark.skipif(not Path("/usr/bin/pdftoppm").exists(), reason="poppler-utils (pdftoppm) not installed")
def test_a_draft_marks_adhoc_paragraphs_and_a_final_does_not(source, tmp_path):
    assert run("build", source, "--library", LIBRARY, "-o", tmp_path / "draft", "--draft")[0] == 0
    assert run("build", source, "--library", LIBRARY, "-o", tmp_path / "final")[0] == 0
    page = next(i for i, p in enumerate(PdfReader(tmp_path / "draft" / "adhoc.pdf").pages, 1)
                if "PIHAK yang lalai" in p.extract_text())
    assert _red_pixels(tmp_path / "draft" / "adhoc.pdf", page, tmp_path) > 60  # two bars and two notes
    assert _red_pixels(tmp_path / "final" / "adhoc.pdf", page, tmp_path) == 0
    draft_text = PdfReader(tmp_path / "draft" / "adhoc.pdf").pages[page - 1].extract_text()
    assert "teks lepas, tidak dari pustaka klausul" in draft_text
    for kind, expected in (("draft", 2), ("final", 0)):  # one marked paragraph per language, or none
        with zipfile.ZipFile(tmp_path / kind / "adhoc.docx") as z:
            body = z.read("word/document.xml").decode("utf-8")
        assert body.count('<w:left w:val="single" w:sz="18" w:space="4" w:color="C0392B"/>') == expected, kind
        assert body.count('w:fill="FADBD8"') == expected, kind


@pytest.mark.parametrize("draft", [False, True])
def test_an_untouched_docx_with_adhoc_text_diffs_as_same_in_substance(source, tmp_path, draft):
    assert run("build", source, "--library", LIBRARY, "-o", tmp_path / "out", "--format", "docx",
               *(["--draft"] if draft else []))[0] == 0
    code, out, err = run("diff", source, tmp_path / "out" / "adhoc.docx", "--library", LIBRARY)
    assert (code, out.splitlines()[-1]) == (0, "same in substance"), out + err
