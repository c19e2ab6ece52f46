"""A returned DOCX is untrusted: ``pkm diff`` reads it within limits and reports what it cannot read.

Each test makes its hostile DOCX from a fresh build of the example, runs ``pkm diff`` and asserts the exit
code, the message, the time it took and, for the bombs, that it ran under a memory cap.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from pkm_docs.cli import main
from pkm_docs.pipeline import compile_agreement, render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"


@pytest.fixture(scope="module")
def built() -> bytes:
    return render(compile_agreement(EXAMPLE).agreement, "docx")


def rewrite(docx: bytes, changes: dict[str, Callable[[bytes], bytes] | bytes | None]) -> bytes:
    """The DOCX with members replaced (bytes), edited (a function of the old bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        names = old.namelist() + [n for n in changes if n not in old.namelist()]
        for name in names:
            change = changes.get(name, lambda data: data)
            if change is None:
                continue
            data = change(old.read(name) if name in old.namelist() else b"") if callable(change) else change
            new.writestr(name, data)
    return out.getvalue()


def diff(tmp_path: Path, docx: bytes) -> tuple[int, str, str, float]:
    path = tmp_path / "returned.docx"
    path.write_bytes(docx)
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    code = main(["diff", str(EXAMPLE), str(path)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue(), time.monotonic() - started


def sub(pattern: str, replacement: str, count: int = 0) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        text, found = re.subn(pattern, replacement, data.decode("utf-8"), count=count)
        assert found, pattern
        return text.encode("utf-8")
    return edit


def test_the_returned_docx_unchanged_is_the_same(built, tmp_path):
    code, out, err, _ = diff(tmp_path, built)
    assert code == 0, out + err


# -- limits -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where, edit", [
    ("start", sub(r'<w:start w:val="1"/>', '<w:start w:val="1000000000"/>')),
    ("startOverride", sub(r'(<w:abstractNumId w:val="\d+"/>)',
                          r'\1<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1000000000"/></w:lvlOverride>')),
])
def test_a_list_start_beyond_words_maximum_is_refused_before_labels_are_made(where, edit, built, tmp_path):
    code, out, err, seconds = diff(tmp_path, rewrite(built, {"word/numbering.xml": edit}))
    assert seconds < 10
    assert code == 2 and out == ""
    assert "a list starts at 1,000,000,000; Word's list numbers go from 0 to 32,767" in err


def _capped(tmp_path: Path, docx: bytes, megabytes: int = 400) -> subprocess.CompletedProcess:
    path = tmp_path / "returned.docx"
    path.write_bytes(docx)
    script = (f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({megabytes} << 20, {megabytes} << 20)); "
              "from pkm_docs.cli import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", script, "diff", str(EXAMPLE), str(path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.slow
@pytest.mark.parametrize("member", ["word/theme/theme1.xml", "word/document.xml"])
def test_a_zip_bomb_member_is_refused_under_a_memory_cap(member, built, tmp_path):
    bomb = rewrite(built, {member: b"<a>" + b" " * (300 << 20) + b"</a>"})
    assert len(bomb) < 2_000_000
    started = time.monotonic()
    done = _capped(tmp_path, bomb)
    assert time.monotonic() - started < 30
    assert done.returncode == 2, done.stderr
    assert f"{member} inflates to 314,572,807 bytes; pkm-docs reads parts up to 33,554,432" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr


def _understate_size(docx: bytes, member: str) -> bytes:
    """The DOCX with ``member``'s declared size (central directory and local header) set to 1,000 bytes."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        info = archive.getinfo(member)
    data = bytearray(docx)
    central = data.find(b"PK\x01\x02" + data[info.header_offset + 4:info.header_offset + 16])
    while data[central + 46:central + 46 + len(member)] != member.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")
    data[info.header_offset + 22:info.header_offset + 26] = (1000).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.slow
def test_a_member_whose_declared_size_lies_is_read_only_as_far_as_declared(built, tmp_path):
    bomb = _understate_size(rewrite(built, {"word/theme/theme1.xml": b"<a>" + b" " * (300 << 20) + b"</a>"}),
                            "word/theme/theme1.xml")
    done = _capped(tmp_path, bomb)
    assert done.returncode == 2, done.stderr
    assert "not a Word document (Bad CRC-32 for file 'word/theme/theme1.xml')" in done.stderr


@pytest.mark.slow
def test_parts_that_inflate_past_the_total_limit_are_refused(built, tmp_path):
    parts = {f"word/media/image{i}.bin": b"\0" * (30 << 20) for i in range(5)}
    done = _capped(tmp_path, rewrite(built, parts))
    assert done.returncode == 2, done.stderr
    assert "its parts inflate to more than 134,217,728 bytes" in done.stderr


def test_an_entity_expansion_is_not_expanded(built, tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")
    edit = sub(r"^<\?xml[^>]*\?>", laughs.replace("\\", "\\\\"), count=1)
    edit_body = sub(r"(<w:t[^>]*>)Kupang", r"\1&j;", count=1)
    code, out, err, seconds = diff(tmp_path, rewrite(built, {"word/document.xml": lambda d: edit_body(edit(d))}))
    assert seconds < 10
    assert "Traceback" not in err
    assert code in (1, 2)
    assert "lollollol" not in out


def test_xml_nested_beyond_the_parser_depth_is_refused(built, tmp_path):
    deep = "<w:sdt><w:sdtContent>" * 100_000 + "</w:sdtContent></w:sdt>" * 100_000
    code, _, err, seconds = diff(tmp_path, rewrite(built, {"word/document.xml": sub(r"<w:body>", "<w:body>" + deep, 1)}))
    assert seconds < 10
    assert code == 2 and "word/document.xml is not well-formed XML" in err
    assert len(err) < 2_000


# -- damaged or odd files: a diagnostic, never a traceback ---------------------------------------------


def _damage_deflate(docx: bytes, member: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        info = archive.getinfo(member)
    data = bytearray(docx)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 100, start + 400):
        data[offset] ^= 0x5A
    return bytes(data)


@pytest.mark.parametrize("case", ["no body", "manifest nested 100,000 deep", "damaged deflate stream",
                                  "styles not XML", "no document part"])
def test_a_damaged_returned_docx_is_a_diagnostic(case, built, tmp_path):
    docx = {
        "no body": lambda: rewrite(built, {"word/document.xml": sub(r"<w:body>.*</w:body>", "")}),
        "manifest nested 100,000 deep": lambda: rewrite(built, {"docProps/custom.xml": sub(
            r'(name="pkm-manifest"><vt:lpwstr>)[^<]*', r"\1" + "[" * 100_000 + "]" * 100_000)}),
        "damaged deflate stream": lambda: _damage_deflate(built),
        "styles not XML": lambda: rewrite(built, {"word/styles.xml": b"this is not XML"}),
        "no document part": lambda: rewrite(built, {"word/document.xml": None}),
    }[case]()
    code, out, err, _ = diff(tmp_path, docx)
    assert code == 2 and out == ""
    assert "Traceback" not in err
    expected = {
        "no body": "not a Word document (word/document.xml has no <w:body>)",
        "manifest nested 100,000 deep": "its manifest is nested too deeply to read",
        "damaged deflate stream": "not a Word document (",
        "styles not XML": "word/styles.xml is not well-formed XML",
        "no document part": "not a Word document (it has no word/document.xml)",
    }[case]
    assert f"cannot read {tmp_path / 'returned.docx'}: {expected}" in err


@pytest.mark.parametrize("where", ["²", "٣", "9" * 5_000])
def test_a_tag_whose_article_is_not_a_plain_number_is_not_taken_for_a_pkm_tag(where, built, tmp_path):
    docx = rewrite(built, {"docProps/custom.xml": sub(r'("pkm:clause\|[^"]*\|)1"', rf'\g<1>{where}"', 1)})
    code, out, err, _ = diff(tmp_path, docx)
    assert "Traceback" not in err
    assert code == 1, err
    assert "outside" in out.lower() or "added" in out.lower()


@pytest.mark.parametrize("attribute", ["w:ilvl", "w:numId"])
def test_a_5000_digit_number_in_the_numbering_is_a_diagnostic_or_ignored(attribute, built, tmp_path):
    docx = rewrite(built, {"word/document.xml": sub(rf'<{attribute} w:val="\d+"/>', f'<{attribute} w:val="{"9" * 5000}"/>')})
    code, _, err, _ = diff(tmp_path, docx)
    assert "Traceback" not in err and code in (1, 2)


def test_a_returned_docx_over_the_size_limit_is_refused(built, tmp_path, monkeypatch):
    monkeypatch.setattr("pkm_docs.renderers.docx_read.MAX_DOCX_BYTES", 1000)
    code, _, err, _ = diff(tmp_path, built)
    assert code == 2 and "pkm-docs reads DOCX files up to 1,000 bytes" in err


# -- fuzzing: mutated members, numbering and tags end in a diagnostic or a comparison --------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

HOSTILE_VALUES = ["", "-1", "0", "abc", "²", "٣", "99999999999", "9" * 5_000, "1000000000", "32768", "%1%2%3%4" * 50,
                  "pkm:clause|x|1|h|id|²", "pkm:heading||||id|" + "9" * 5_000, "lowerRoman", "upperLetter",
                  "decimalZero", "none", "&amp;", "\u202e"]
MEMBERS = ["word/document.xml", "word/numbering.xml", "word/styles.xml", "docProps/custom.xml"]


@st.composite
def mutations(draw):
    member = draw(st.sampled_from(MEMBERS))
    kind = draw(st.sampled_from(["value", "cut", "insert"]))
    return member, kind, draw(st.integers(0, 10**9)), draw(st.sampled_from(HOSTILE_VALUES))


def _mutate(data: bytes, kind: str, seed: int, value: str) -> bytes:
    text = data.decode("utf-8", "surrogateescape")  # an earlier cut may have split a character
    if kind == "value":
        values = list(re.finditer(r'(w:(?:val|ilvl|numId|abstractNumId|start)|name)="([^"]*)"', text))
        if not values:
            return data
        found = values[seed % len(values)]
        escaped = value.replace("&", "&amp;").replace('"', "&quot;")
        return (text[:found.start(2)] + escaped + text[found.end(2):]).encode("utf-8", "surrogateescape")
    position = seed % max(1, len(data))
    if kind == "cut":
        return data[:position] + data[position + 1 + seed % 200:]
    return data[:position] + value.encode("utf-8") + data[position:]


@pytest.fixture(scope="module")
def old_draft():
    from pkm_docs.diff.sources import load_draft
    from pkm_docs.library import load_library

    library = load_library()
    return library, load_draft(EXAMPLE, library=library)


@pytest.mark.slow
@given(st.lists(mutations(), min_size=1, max_size=3))
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_mutated_returned_docx_files_end_in_a_diagnostic_or_a_comparison(built, old_draft, changes):
    from pkm_docs.diff.model_diff import diff_drafts
    from pkm_docs.diff.sources import load_draft
    from pkm_docs.errors import PkmError

    library, old = old_draft
    docx = built
    for member, kind, seed, value in changes:
        docx = rewrite(docx, {member: lambda data, k=kind, s=seed, v=value: _mutate(data, k, s, v)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "returned.docx"
        path.write_bytes(docx)
        try:
            new = load_draft(path, library=library)
        except PkmError:
            return
        diff_drafts(old, new)


# -- what a reader sees: hidden text, text boxes, alternate content, frame, labels, fields, hashes -------

OPENING = "preamble, clause opening.standard 2.0.0 (id)"


def _example_counts() -> tuple[int, int, int]:
    """The example's articles, numbered paragraphs and items (per language): what a list label is shown on."""
    parts = list(compile_agreement(EXAMPLE).agreement.all_parts())
    paragraphs = [q for p in parts for q in p.paragraphs]
    return (sum(p.number is not None for p in parts), sum(q.number is not None for q in paragraphs),
            sum(len(q.items) for q in paragraphs))


ARTICLES, PARAGRAPHS, ITEMS = _example_counts()
_PARAGRAPH_END = r"(Pada hari ini Selasa[^<]*</w:t></w:r>)"
_TEXT_BOX_VML = ('<w:r><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox><w:txbxContent><w:p><w:r>'
                 '<w:t>PIHAK KEDUA dibebaskan dari seluruh kewajiban pengembalian dana.</w:t></w:r></w:p>'
                 '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
_TEXT_BOX_WPS = ('<w:r><w:drawing><wp:anchor><wp:extent cx="1" cy="1"/><a:graphic xmlns:a="http://schemas.openxml'
                 'formats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
                 'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Berlaku tanpa tanda tangan'
                 '</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
                 '</w:drawing></w:r>')


def _alternate(requires: str) -> str:
    return (f'<mc:AlternateContent><mc:Choice Requires="{requires}"><w:p><w:r><w:t>Pasal tambahan yang Word '
            f'tampilkan</w:t></w:r></w:p></mc:Choice><mc:Fallback><w:p><w:r><w:t>Teks cadangan</w:t></w:r></w:p>'
            f'</mc:Fallback></mc:AlternateContent>')


_EDITS: dict[str, tuple[dict[str, Callable[[bytes], bytes]], list[str]]] = {
    "vanish on a run in a clause": (
        {"word/document.xml": sub(r"<w:r><w:rPr>(<w:lang w:val=\"id-ID\"/></w:rPr><w:t>Pada hari ini)",
                                  r"<w:r><w:rPr><w:vanish/>\1", 1)},
        [f"hidden text at the {OPENING}: «Pada hari ini Selasa", "no longer the vetted text of opening.standard"]),
    "vanish in the item style": (
        {"word/styles.xml": sub(r'(w:styleId="PKMItem">.*?</w:pPr>)', r"\1<w:rPr><w:vanish/></w:rPr>", 1)},
        [f"hidden text: the style `PKMItem` hides the text of {2 * ITEMS} paragraphs (w:vanish), first at the "
         f"{OPENING}: «dr. Maria Y. Lerik", "paragraphs: "]),
    "VML text box in a clause": (
        {"word/document.xml": sub(_PARAGRAPH_END, r"\1" + _TEXT_BOX_VML, 1)},
        [f"unrecognised content at the {OPENING}: a text box: «PIHAK KEDUA dibebaskan dari seluruh kewajiban",
         "no longer the vetted text of opening.standard 2.0.0"]),
    "DrawingML text box in the footer": (
        {"word/footer1.xml": sub(r"(<w:t xml:space=\"preserve\">Halaman </w:t></w:r>)", r"\1" + _TEXT_BOX_WPS, 1)},
        ["unrecognised content at the footer (word/footer1.xml): a text box: «Berlaku tanpa tanda tangan»",
         "a line added in the footer: «Berlaku tanpa tanda tangan»"]),
    "body-level alternate content": (
        {"word/document.xml": sub(r"(<w:sectPr)", _alternate("w14").replace("\\", "\\\\") + r"\1", 1)},
        ["unrecognised content at the body, outside the clauses: alternate content (mc:AlternateContent), read "
         "as Word shows it: «Pasal tambahan yang Word tampilkan»", "+ Pasal tambahan yang Word tampilkan"]),
    "alternate content Word does not understand": (
        {"word/document.xml": sub(r"(<w:sectPr)", _alternate("wne").replace("\\", "\\\\") + r"\1", 1)},
        ["read as Word shows it: «Teks cadangan»", "+ Teks cadangan"]),
    "a paragraph after a forged title bookmark": (
        {"word/document.xml": sub(r"(<w:sectPr)", '<w:p><w:bookmarkStart w:id="99" w:name="_PkmTitle2"/><w:r><w:t>'
                                  r'Kalimat tambahan</w:t></w:r><w:bookmarkEnd w:id="99"/></w:p>\1', 1)},
        ["unrecognised content at the body, outside the clauses: a bookmark `_PkmTitle2` that pkm-docs does not "
         "write there", "text outside the clauses", "+ Kalimat tambahan"]),
    "a line added in the signature block": (
        {"word/document.xml": sub(r"(Saksi-saksi</w:t>.*?</w:p>)", r"\1<w:p><w:r><w:t>Tidak mengikat PIHAK KEDUA"
                                  r"</w:t></w:r></w:p>", 1)},
        ["a line added in the signature block: «Tidak mengikat PIHAK KEDUA»"]),
    "a line added in the footer": (
        {"word/footer1.xml": sub(r"</w:ftr>", "<w:p><w:r><w:t>Salinan tidak sah</w:t></w:r></w:p></w:ftr>", 1)},
        ["a line added in the footer: «Salinan tidak sah»"]),
    "a line changed in the header": (
        {"word/header1.xml": sub(r"440/1127/DINKES/XII/2026", "440/9999/DINKES/XII/2026", 1)},
        ["a line changed in the header: «Nomor / Number: 440/1127/DINKES/XII/2026» → «Nomor / Number: "
         "440/9999/DINKES/XII/2026»"]),
    "paragraph label changed": (
        {"word/numbering.xml": sub(r'<w:lvlText w:val="\(%2\)"/>', '<w:lvlText w:val="(%2) Tidak berlaku:"/>', 1)},
        ["the list label `(%2)` is defined as `(%2) Tidak berlaku:` (list `PKM articles id|1`), shown on "
         f"{PARAGRAPHS} paragraphs"]),
    "article label changed": (
        {"word/numbering.xml": sub(r'<w:lvlText w:val="Pasal %1"/>', '<w:lvlText w:val="Pasal %1 (dibatalkan)"/>')},
        ["the list label `Pasal %1` is defined as `Pasal %1 (dibatalkan)` (list `PKM articles id|0`), shown on "
         f"{ARTICLES} paragraphs"]),
    "a simple field in a clause": (
        {"word/document.xml": sub(_PARAGRAPH_END, r'\1<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; ">'
                                  r"<w:r><w:t>1 Januari 2027</w:t></w:r></w:fldSimple>", 1)},
        [f'unrecognised content at the {OPENING}: a field pkm-docs does not write (DATE \\@ "d MMMM yyyy")']),
    "a complex field in the footer": (
        {"word/footer1.xml": sub(r" NUMPAGES ", " DOCPROPERTY Status ", 1)},
        ["unrecognised content at the footer (word/footer1.xml): a field pkm-docs does not write (DOCPROPERTY "
         "Status)"]),
}


@pytest.mark.parametrize("case", list(_EDITS))
def test_what_a_reader_sees_beyond_the_clauses_is_reported(case, built, tmp_path):
    edits, messages = _EDITS[case]
    code, out, err, _ = diff(tmp_path, rewrite(built, edits))
    assert "Traceback" not in err
    assert code == 1, out + err
    for message in messages:
        assert message in out, out


def test_a_forged_clause_hash_blames_the_document_not_the_library(built, tmp_path):
    forged = "0" * 64
    docx = rewrite(built, {"docProps/custom.xml": sub(r"(pkm:clause\|opening\.standard\|2\.0\.0\|)[0-9a-f]{64}",
                                                    rf"\g<1>{forged}")})
    code, out, err, _ = diff(tmp_path, docx)
    assert code == 1, out + err
    assert "the DOCX carries a hash for opening.standard 2.0.0 that is not the library's (000000000000…" in out
    assert "the document was altered" in out
    assert "changed without a new version" not in out


THREE_PARTIES = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_PARTIES_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"


@pytest.mark.parametrize("layout", ["parallel", "sequential", "separate"])
@pytest.mark.parametrize("source, data", [(EXAMPLE, None), (THREE_PARTIES, THREE_PARTIES_DATA)],
                         ids=["two parties", "three parties"])
def test_an_untouched_build_is_the_same_in_every_layout(source, data, layout, tmp_path):
    from pkm_docs.pipeline import outputs

    agreement = compile_agreement(source, data=data).agreement
    files = outputs(agreement, source.stem, ["docx"], layout)
    assert len(files) == (2 if layout == "separate" else 1)
    for name, view, fmt, renderer_layout in files:
        path = tmp_path / name
        path.write_bytes(render(view, fmt, layout=renderer_layout))
        out, err = io.StringIO(), io.StringIO()
        code = main(["diff", str(source), str(path)] + (["--data", str(data)] if data else []), stdout=out, stderr=err)
        assert code == 0, out.getvalue() + err.getvalue()
        assert "same in substance" in out.getvalue()


@pytest.mark.slow
def test_a_letterhead_build_is_compared_with_the_letterhead_it_was_built_with(tmp_path):
    from pkm_docs.renderers.docx import template_path

    letterhead = tmp_path / "letterhead.docx"
    edit = sub(r"<w:p>", "<w:p><w:r><w:t>PEMERINTAH KOTA KUPANG</w:t></w:r></w:p><w:p>", 1)
    letterhead.write_bytes(rewrite(template_path().read_bytes(), {"word/header1.xml": edit}))
    returned = tmp_path / "returned.docx"
    returned.write_bytes(render(compile_agreement(EXAMPLE).agreement, "docx", template=letterhead))
    out, err = io.StringIO(), io.StringIO()
    assert main(["diff", str(EXAMPLE), str(returned)], stdout=out, stderr=err) == 1
    assert "a line added in the header: «PEMERINTAH KOTA KUPANG»" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    code = main(["diff", str(EXAMPLE), str(returned), "--template", str(letterhead)], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("layout", ["parallel", "sequential"])
@pytest.mark.parametrize("source, data", [(EXAMPLE, None), (THREE_PARTIES, THREE_PARTIES_DATA)],
                         ids=["two parties", "three parties"])
def test_a_docx_opened_and_saved_in_libreoffice_still_maps_to_its_clauses(source, data, layout, tmp_path):
    # a partner without Word opens the DOCX in LibreOffice and saves it unchanged: every clause, the title and
    # signature blocks and the list numbers are still read (they are bookmarks, which LibreOffice keeps)
    args = ["--data", str(data)] if data else []
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", str(source), "--format", "docx", "--layout", layout, "-o", str(tmp_path / "built")]
                + args, stdout=out, stderr=err) == 0, err.getvalue()
    (built_docx,) = (tmp_path / "built").glob("*.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"), str(built_docx)],
                   capture_output=True, timeout=240, check=True)
    saved = tmp_path / "saved" / built_docx.name
    assert saved.read_bytes() != built_docx.read_bytes()  # LibreOffice wrote a file of its own
    out, err = io.StringIO(), io.StringIO()
    code = main(["diff", str(source), str(saved)] + args, stdout=out, stderr=err)
    assert (code, out.getvalue().splitlines()[-1]) == (0, "same in substance"), out.getvalue() + err.getvalue()


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("edit", [False, True], ids=["untouched", "an amount changed"])
def test_a_docx_rewritten_by_pandoc_is_matched_to_its_clauses_by_text(built, tmp_path, edit):
    # pandoc's docx writer drops the clause bookmarks and the custom properties: the clauses are found again by
    # their text, and the report says so
    (tmp_path / "built.docx").write_bytes(built)
    rewritten = tmp_path / "rewritten.docx"
    subprocess.run(["pandoc", str(tmp_path / "built.docx"), "-o", str(rewritten)], check=True, timeout=120)
    if edit:
        rewritten.write_bytes(rewrite(rewritten.read_bytes(), {"word/document.xml": sub("Rp950.000.000,00",
                                                                                      "Rp990.000.000,00", 1)}))
    out, err = io.StringIO(), io.StringIO()
    code = main(["diff", str(EXAMPLE), str(rewritten)], stdout=out, stderr=err)
    report = out.getvalue()
    assert code == 1 and "Traceback" not in err.getvalue(), report + err.getvalue()
    assert "its paragraphs were matched to the clauses of the other draft by their text" in report
    assert "removed" not in report.split("in the document")[0]  # every clause was found again
    if edit:
        assert "~ funding.cost_sharing 3.0.0" in report and "Rp990.000.000,00" in report
    else:
        assert "articles:" not in report and "text outside the clauses" not in report
        assert "a line removed from the footer: «Paraf / Initials PIHAK PERTAMA»" in report  # pandoc dropped it


def test_a_docx_whose_clause_tags_are_unreadable_is_matched_to_its_clauses_by_text(built, tmp_path):
    # the manifest is there, the `pkm-controls` property is garbage: the clauses are found again by their text
    docx = rewrite(built, {"docProps/custom.xml": sub(r'(name="pkm-controls"><vt:lpwstr>)\{', r"\1[[[{", 1)})
    code, out, err, _ = diff(tmp_path, docx)
    assert code == 1 and "Traceback" not in err
    assert "its paragraphs were matched to the clauses of the other draft by their text" in out
    assert "removed" not in out and "articles:" not in out
