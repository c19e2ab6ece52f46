"""``pkm diff --redline``: NEW's document with native Word tracked changes against OLD. Accepting every change
gives NEW's text and rejecting every change gives OLD's, read back by our own reader, by pandoc and by
LibreOffice."""

from __future__ import annotations

import datetime
import functools
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from pkm_docs.diff.cli import main
from pkm_docs.diff.redline import redline, redline_drafts
from pkm_docs.diff.redline_xml import tracked_paragraphs
from pkm_docs.diff.snapshot import from_agreement
from pkm_docs.library import load_library
from pkm_docs.pipeline import compile_agreement
from pkm_docs.renderers.docx import render_docx

FIXTURES = Path(__file__).parents[1] / "fixtures" / "diff"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIGNED = "2026-12-01T00:00:00Z"  # base.pkm's signing date

PAIRS = [("base", "params"), ("base", "inserted"), ("base", "removed"), ("base", "moved_clause"),
         ("version_old", "base"), ("base", "parties"), ("base", "translation"), ("base", "replaced"),
         ("base", "reordered"), ("base", "hostile"), ("hostile", "base"), ("inserted", "removed")]
IDS = [f"{old}-{new}" for old, new in PAIRS]


@functools.cache
def draft(name: str):
    library = load_library()
    return from_agreement(compile_agreement(FIXTURES / f"{name}.pkm", library=library).agreement, library, name)


@functools.cache
def built(name: str) -> bytes:
    return render_docx(draft(name).agreement)


@functools.cache
def redlined(old: str, new: str) -> bytes:
    return redline_drafts(draft(old), draft(new), author="Biro Hukum")


def story(data: bytes, mode: str = "accept") -> list[str]:
    return tracked_paragraphs(docx.Document(io.BytesIO(data)).element.body, mode)


def document_xml(data: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(part))


# ---- accept all = NEW, reject all = OLD ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("old, new", PAIRS, ids=IDS)
def test_accepting_every_change_gives_new_and_rejecting_gives_old(old, new):
    data = redlined(old, new)
    assert story(data, "accept") == story(built(new))
    assert story(data, "reject") == story(built(old))
    assert story(data, "accept") != story(data, "reject")


def test_our_reader_follows_word_rules_for_marks():
    """Deleted text and a deleted paragraph mark go on accept; inserted ones on reject."""
    body = etree.fromstring(
        f'<w:body xmlns:w="{W[1:-1]}">'
        '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a" w:date="2026-01-01T00:00:00Z"/></w:rPr></w:pPr>'
        '<w:r><w:t>Old </w:t></w:r><w:del w:id="2" w:author="a" w:date="2026-01-01T00:00:00Z"><w:r>'
        '<w:delText>gone</w:delText></w:r></w:del></w:p>'
        '<w:p><w:ins w:id="3" w:author="a" w:date="2026-01-01T00:00:00Z"><w:r><w:t>new</w:t></w:r></w:ins></w:p>'
        '<w:tbl><w:tr><w:trPr><w:ins w:id="4" w:author="a" w:date="2026-01-01T00:00:00Z"/></w:trPr><w:tc><w:p>'
        '<w:r><w:t>row</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>')
    assert tracked_paragraphs(body, "accept") == ["Old new", "row"]
    assert tracked_paragraphs(body, "reject") == ["Old gone", ""]


def pandoc_paragraphs(data: bytes, mode: str, tmp_path: Path) -> list[str]:
    """The non-empty paragraphs pandoc reads, tracked changes accepted or rejected."""
    path = tmp_path / f"in-{mode}.docx"
    path.write_bytes(data)
    out = subprocess.run(["pandoc", "-f", "docx", "-t", "json", f"--track-changes={mode}", str(path)],
                         capture_output=True, check=True, timeout=120).stdout
    found: list[str] = []

    def inline(items) -> str:
        text = []
        for item in items:
            kind, content = item["t"], item.get("c")
            if kind == "Str":
                text.append(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                text.append(" ")
            elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
                text.append(inline(content))
            elif kind in ("Span", "Link", "Quoted"):
                text.append(inline(content[1]))
        return "".join(text)

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") in ("Para", "Plain"):
                found.append(inline(node["c"]))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(out)["blocks"])
    return [t for t in (" ".join(p.split()) for p in found) if t]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("old, new", PAIRS, ids=IDS)
def test_pandoc_accepting_gives_new_and_rejecting_gives_old(old, new, tmp_path):
    data = redlined(old, new)
    assert pandoc_paragraphs(data, "accept", tmp_path) == pandoc_paragraphs(built(new), "accept", tmp_path)
    assert pandoc_paragraphs(data, "reject", tmp_path) == pandoc_paragraphs(built(old), "accept", tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_redline(tmp_path):
    import pypdf

    source = tmp_path / "redline.docx"
    source.write_bytes(redlined("version_old", "base"))
    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "redline.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "indikator kinerja yang telah disepakati" in " ".join(text.split())


# ---- what the tracked changes carry -------------------------------------------------------------------


def test_changes_carry_the_author_and_new_signing_date_and_unique_ids():
    root = document_xml(redlined("version_old", "base"))
    marks = list(root.iter(f"{W}ins", f"{W}del"))
    assert marks
    assert {m.get(f"{W}author") for m in marks} == {"Biro Hukum"}
    assert {m.get(f"{W}date") for m in marks} == {SIGNED}
    ids = [m.get(f"{W}id") for m in marks]
    bookmarks = {e.get(f"{W}id") for e in root.iter(f"{W}bookmarkStart")}
    assert len(ids) == len(set(ids)) and not set(ids) & bookmarks
    deleted = "".join(t.text for t in root.iter(f"{W}delText"))
    inserted = "".join(t.text or "" for m in root.iter(f"{W}ins") for t in m.iter(f"{W}t"))
    assert "indikator kinerja yang telah disepakati" in inserted and not root.findall(f".//{W}del//{W}t")
    assert "dan" in deleted


def test_only_the_changed_words_are_marked():
    root = document_xml(redlined("base", "params"))
    # the reporting period is written once per language (reporting.public 1.2.0: each PARTY reports every period)
    assert sorted("".join(t.text for t in m.iter(f"{W}delText")) for m in root.iter(f"{W}del")) == sorted([
        "Rp950.000.000,00 (sembilan", "950,000,000.00 (nine", "6 (enam", "6 (six"])
    assert not list(root.iter(f"{W}trPr/{W}ins"))


def test_inserted_article_rows_are_tracked_as_inserted_rows():
    root = document_xml(redlined("base", "inserted"))
    rows = [tr for tr in root.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}ins") is not None]
    assert rows and "Kerahasiaan" in "".join(rows[0].itertext())
    assert not root.findall(f".//{W}trPr/{W}del")


def test_a_date_can_be_given_and_the_redline_is_reproducible():
    day = datetime.date(2027, 1, 5)
    first = redline_drafts(draft("base"), draft("params"), author="X", date=day)
    assert first == redline_drafts(draft("base"), draft("params"), author="X", date=day)
    assert {m.get(f"{W}date") for m in document_xml(first).iter(f"{W}ins")} == {"2027-01-05T00:00:00Z"}


def test_identical_drafts_give_a_redline_without_changes():
    root = document_xml(redline(built("base"), built("same"), date=datetime.date(2026, 12, 1)))
    assert not list(root.iter(f"{W}ins", f"{W}del"))


def test_track_changes_stays_on_for_the_other_party():
    settings = document_xml(redlined("base", "params"), "word/settings.xml")
    assert settings.find(f"{W}trackRevisions") is not None


def test_header_number_change_is_tracked_too():
    data = redlined("base", "parties")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        headers = [name for name in archive.namelist() if name.startswith("word/header")]
    texts = [tracked_paragraphs(document_xml(data, name), mode) for name in headers for mode in ("accept", "reject")]
    joined = " ".join(" ".join(t) for t in texts)
    assert "440/1200/DINKES/XII/2026" in joined and "440/1127/DINKES/XII/2026" in joined


def test_hostile_text_stays_text_in_the_redline():
    data = redlined("base", "hostile")
    root = document_xml(data)
    assert not [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("script", "img")]
    assert not [e for e in root.iter() if isinstance(e.tag, str) and not e.tag.startswith("{")]  # no bare markup
    assert any('<script>alert("id")</script>' in p for p in story(data))


# ---- through the command line -------------------------------------------------------------------------


def test_cli_writes_the_redline_and_reports_on_stdout(tmp_path):
    out_file = tmp_path / "redline.docx"
    out, err = io.StringIO(), io.StringIO()
    code = main([str(FIXTURES / "base.pkm"), str(FIXTURES / "params.pkm"), "--redline", str(out_file),
                 "--author", "Biro Hukum", "--format", "json"], stdout=out, stderr=err)
    assert code == 1
    assert json.loads(out.getvalue())["summary"]["parameters_changed"] == 2
    assert f"wrote {out_file}" in err.getvalue()
    assert story(out_file.read_bytes(), "accept") == story(built("params"))


def test_changes_already_tracked_in_a_returned_docx_are_kept_and_not_marked_again():
    returned = redlined("version_old", "base")  # a DOCX that comes back with tracked changes in it
    data = redline(built("version_old"), returned, date=datetime.date(2026, 12, 1))
    assert story(data, "accept") == story(built("base"))
    assert story(data, "reject") == story(built("version_old"))
    root = document_xml(data)
    assert not root.findall(f".//{W}ins//{W}ins") and not root.findall(f".//{W}del//{W}del")
    marks = [(m.tag, m.get(f"{W}author"), m.get(f"{W}date"), "".join(m.itertext()))
             for m in root.iter(f"{W}ins", f"{W}del")]
    assert marks == [(m.tag, m.get(f"{W}author"), m.get(f"{W}date"), "".join(m.itertext()))
                     for m in document_xml(returned).iter(f"{W}ins", f"{W}del")]
    assert {author for _, author, _, _ in marks} == {"Biro Hukum"}  # none by pkm-docs: nothing else differs


def test_cli_reports_a_redline_it_cannot_write_and_exits_2(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out, err = io.StringIO(), io.StringIO()
    code = main([str(FIXTURES / "base.pkm"), str(FIXTURES / "params.pkm"), "--redline", str(blocker / "r.docx")],
                stdout=out, stderr=err)
    assert (code, out.getvalue()) == (2, "") and "not-a-folder" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_cli_redlines_docx_drafts(tmp_path):
    old, new, out_file = tmp_path / "old.docx", tmp_path / "new.docx", tmp_path / "redline.docx"
    old.write_bytes(built("version_old"))
    new.write_bytes(built("base"))
    code = main([str(old), str(new), "--redline", str(out_file)], stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 1
    assert story(out_file.read_bytes(), "accept") == story(built("base"))
    assert story(out_file.read_bytes(), "reject") == story(built("version_old"))
