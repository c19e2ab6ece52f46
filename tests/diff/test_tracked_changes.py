"""A returned DOCX that already holds the other side's tracked changes: ``pkm diff`` lists them per clause with
their authors and dates (text, JSON, HTML), and ``--redline`` keeps them with their own authors and dates,
adding ours only for what differs beyond them, and writes untouched paragraphs as they were."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from pkm_docs.cli import main
from pkm_docs.diff.redline_xml import tracked_paragraphs
from tests.support.word_edits import W, mark, member, track, with_member

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
BUDI, SARI = "2026-12-03T09:15:00Z", None

#: The other side's edits as Word writes them with Track Changes on: (old words, new words, author, date);
#: old "" is a pure insertion after the words given as ``after``, new "" a pure deletion.
EDITS = [
    ("Rp950.000.000,00 (sembilan", "Rp850.000.000,00 (delapan", "Budi", BUDI, None),
    ("950,000,000.00 (nine", "850,000,000.00 (eight", "Budi", BUDI, None),
    ("", " in full", "Sari", SARI, "shall be borne jointly by the PARTIES"),
]


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, Path]:
    """The example built, the same DOCX returned with the tracked changes of EDITS, and the example's source
    with those changes made (what accepting them all gives)."""
    root = tmp_path_factory.mktemp("tracked")
    code, out, err = run("build", EXAMPLE, "--format", "docx", "-o", root / "built")
    assert code == 0, out + err
    built = root / "built" / "kemitraan_kesehatan.docx"
    data = built.read_bytes()
    for index, (old, new, author, date, after) in enumerate(EDITS):
        data = with_member(data, "word/document.xml",
                           lambda xml, e=(old, new, author, date, after), i=index: track(xml, *e, 9000 + 10 * i))
    returned = root / "returned.docx"
    returned.write_bytes(data)
    source = EXAMPLE.read_text(encoding="utf-8").replace("total: Rp950.000.000", "total: Rp850.000.000")
    accepted = root / "accepted.pkm"
    accepted.write_text(source, encoding="utf-8")
    return {"root": root, "built": built, "returned": returned, "pkm": EXAMPLE, "accepted": accepted}


# ---- the listing ----------------------------------------------------------------------------------------


def test_the_listing_names_each_author_with_how_many_changes_and_when(drafts):
    code, out, err = run("diff", drafts["pkm"], drafts["returned"])
    assert code == 1, out + err
    assert ("tracked changes in the returned DOCX: 4 by Budi (2026-12-03), 1 by Sari; compared with them "
            "accepted (insertions in, deletions out)") in out


def test_the_listing_groups_the_changes_by_the_clause_they_stand_in(drafts):
    _, out, _ = run("diff", drafts["pkm"], drafts["returned"])
    section = out[out.index(f"tracked changes in {drafts['returned']} (compared with every one accepted)"):]
    lines = [line.strip() for line in section.splitlines()[1:] if line.strip()]
    assert lines[:6] == [
        "Article 4, funding.cost_sharing",
        "- deleted (id) by Budi, 2026-12-03: «Rp950.000.000,00 (sembilan»",
        "+ inserted (id) by Budi, 2026-12-03: «Rp850.000.000,00 (delapan»",
        "- deleted (en) by Budi, 2026-12-03: «950,000,000.00 (nine»",
        "+ inserted (en) by Budi, 2026-12-03: «850,000,000.00 (eight»",
        "+ inserted (en) by Sari: « in full»",
    ]


def test_the_comparison_reads_the_tracked_changes_accepted(drafts):
    """Against the source with the new amount the only differences left are Sari's two words."""
    code, out, _ = run("diff", drafts["accepted"], drafts["returned"], "--format", "json")
    data = json.loads(out)
    assert code == 1
    texts = [t for a in data["articles"] for c in a["clauses"] for p in c["paragraphs"] for t in p["texts"]]
    assert [(t["lang"], [s for s in t["diff"] if s[0] != "="]) for t in texts] == [("en", [["+", " in full"]])]
    assert data["tracked"]["compared"] == "accepted"


def test_the_json_lists_the_changes_per_clause_with_author_date_and_text(drafts):
    import jsonschema
    from tests.support.diff_schema import JSON_SCHEMA

    _, out, _ = run("diff", drafts["pkm"], drafts["returned"], "--format", "json")
    jsonschema.validate(json.loads(out), JSON_SCHEMA)
    tracked = json.loads(out)["tracked"]
    assert tracked["count"] == 5
    assert tracked["authors"] == [{"author": "Budi", "count": 4, "dates": ["2026-12-03"]},
                                  {"author": "Sari", "count": 1, "dates": []}]
    [group] = tracked["groups"]
    assert (group["where"], group["clause"], group["article"]) == \
        ("Article 4, funding.cost_sharing", "funding.cost_sharing", 4)
    assert [(c["kind"], c["author"], c["date"], c["lang"], c["text"]) for c in group["changes"]] == [
        ("deleted", "Budi", BUDI, "id", "Rp950.000.000,00 (sembilan"),
        ("inserted", "Budi", BUDI, "id", "Rp850.000.000,00 (delapan"),
        ("deleted", "Budi", BUDI, "en", "950,000,000.00 (nine"),
        ("inserted", "Budi", BUDI, "en", "850,000,000.00 (eight"),
        ("inserted", "Sari", "", "en", " in full"),
    ]


def test_the_html_page_lists_them_escaped(drafts, tmp_path):
    returned = with_member(drafts["returned"].read_bytes(), "word/document.xml",
                           lambda xml: xml.replace(b'w:author="Sari"', b'w:author="&lt;b&gt;Sari&lt;/b&gt;"'))
    path = tmp_path / "returned.docx"
    path.write_bytes(returned)
    _, out, _ = run("diff", drafts["pkm"], path, "--format", "html")
    assert "Tracked changes in" in out and "1 by &lt;b&gt;Sari&lt;/b&gt;" in out
    assert "<b>Sari" not in out
    assert "<td>deleted (id)</td><td>Budi, 2026-12-03</td><td><del>Rp950.000.000,00 (sembilan</del></td>" in out


def test_outside_the_clauses_and_property_changes_are_listed_too(drafts, tmp_path):
    """A deleted paragraph mark, a formatting change and an inserted row outside any clause."""
    def edit(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        body = root.find(f"{W}body")
        first = body.find(f"{W}p")  # the title block's first paragraph
        ppr = first.find(f"{W}pPr")
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(ppr, f"{W}rPr")
        rpr.append(mark("del", "Sari", "2026-12-04T10:00:00Z", 9901))
        run_rpr = next(r for r in first.iter(f"{W}r") if r.find(f"{W}t") is not None).find(f"{W}rPr")
        change = mark("rPrChange", "Sari", "2026-12-04T10:00:00Z", 9902)
        change.append(etree.Element(f"{W}rPr"))
        run_rpr.append(change)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    path = tmp_path / "returned.docx"
    path.write_bytes(with_member(drafts["built"].read_bytes(), "word/document.xml", edit))
    _, out, _ = run("diff", drafts["pkm"], path, "--format", "json")
    [group] = json.loads(out)["tracked"]["groups"]
    assert group["where"] == "outside the clauses: the title block" and group["clause"] is None
    assert [c["kind"] for c in group["changes"]] == ["paragraph mark deleted", "formatting changed"]


@pytest.mark.slow
def test_a_docx_without_tracked_changes_says_nothing_of_them(drafts):
    code, out, _ = run("diff", drafts["pkm"], drafts["built"])
    assert code == 0 and "tracked changes" not in out
    _, out, _ = run("diff", drafts["pkm"], drafts["built"], "--format", "json")
    assert json.loads(out)["tracked"] == {"compared": "accepted", "count": 0, "authors": [], "groups": []}
    _, out, _ = run("diff", drafts["pkm"], drafts["accepted"], "--format", "json")
    assert json.loads(out)["tracked"] is None


def raw_paragraphs(xml: bytes) -> list[bytes]:
    """Each body paragraph's bytes exactly as the part holds them (pkm-docs writes no nested paragraphs)."""
    return re.findall(rb"<w:p>.*?</w:p>|<w:p [^>]*>.*?</w:p>", xml, flags=re.S)


# ---- the redline of a returned DOCX ----------------------------------------------------------------------

#: Edits the other side made without Track Changes: one in a paragraph Budi also changed, one elsewhere.
UNTRACKED = [(b"ditanggung bersama oleh PARA PIHAK", b"ditanggung sepenuhnya oleh PARA PIHAK"),
             (b"PIHAK PERTAMA: Rp665.000.000,00 (enam ratus enam puluh lima juta rupiah)",
              b"PIHAK PERTAMA: Rp675.000.000,00 (enam ratus tujuh puluh lima juta rupiah)")]
OURS = "Biro Hukum"


@pytest.fixture(scope="module")
def redlined(drafts) -> dict[str, Path]:
    """The returned DOCX with, besides its tracked changes, two untracked edits; its redline against the
    built DOCX we sent, and against the source."""
    def edit(xml: bytes) -> bytes:
        for old, new in UNTRACKED:
            assert xml.count(old) == 1, old
            xml = xml.replace(old, new)
        return xml

    root = drafts["root"]
    mixed = root / "mixed.docx"
    mixed.write_bytes(with_member(drafts["returned"].read_bytes(), "word/document.xml", edit))
    out = {"mixed": mixed}
    for name, old in (("from-docx", drafts["built"]), ("from-pkm", drafts["pkm"])):
        out[name] = root / f"redline-{name}.docx"
        code, text, err = run("diff", old, mixed, "--redline", out[name], "--author", OURS, "--date", "2026-12-05")
        assert code == 1 and out[name].is_file(), text + err
    return out


def body(data: bytes) -> etree._Element:
    return etree.fromstring(member(data))


def marks_by(root: etree._Element, author: str) -> list[tuple[str, str | None, str]]:
    return [(etree.QName(m).localname, m.get(f"{W}date"), "".join(m.itertext()))
            for m in root.iter(f"{W}ins", f"{W}del") if m.get(f"{W}author") == author]


@pytest.mark.parametrize("old", ["from-docx", "from-pkm"])
def test_the_redline_keeps_the_other_authors_changes_with_their_dates(drafts, redlined, old):
    returned, redline = body(redlined["mixed"].read_bytes()), body(redlined[old].read_bytes())
    for author in ("Budi", "Sari"):
        assert marks_by(redline, author) == marks_by(returned, author) != []
    assert {m[1] for m in marks_by(redline, "Sari")} == {None}


@pytest.mark.parametrize("old", ["from-docx", "from-pkm"])
def test_ours_mark_only_what_differs_beyond_the_tracked_changes(redlined, old):
    ours = marks_by(body(redlined[old].read_bytes()), OURS)
    assert sorted((kind, text) for kind, _, text in ours) == sorted([
        ("del", "bersama"), ("ins", "sepenuhnya"), ("del", "Rp665.000.000,00"), ("ins", "Rp675.000.000,00"),
        ("del", "enam"), ("ins", "tujuh")])
    assert {date for _, date, _ in ours} == {"2026-12-05T00:00:00Z"}


@pytest.mark.parametrize("old", ["from-docx", "from-pkm"])
def test_accepting_all_gives_the_returned_text_and_rejecting_all_the_text_we_sent(drafts, redlined, old):
    def story(path: Path, mode: str) -> list[str]:
        return tracked_paragraphs(body(path.read_bytes()).find(f"{W}body"), mode)

    assert story(redlined[old], "accept") == story(redlined["mixed"], "accept")
    assert story(redlined[old], "reject") == story(drafts["built"], "accept")
    assert story(redlined[old], "accept") != story(redlined[old], "reject")


def test_untouched_paragraphs_are_written_byte_for_byte(redlined):
    returned, redline = member(redlined["mixed"].read_bytes()), member(redlined["from-docx"].read_bytes())
    paragraphs = raw_paragraphs(returned)
    edited = [p for p in paragraphs if any(new in p for _, new in UNTRACKED)]
    assert len(edited) == 2
    untouched = [p for p in paragraphs if p not in edited]
    assert len(untouched) > 100 and any(b'w:author="Budi"' in p for p in untouched)
    assert [p for p in untouched if p not in redline] == []
    assert [p for p in edited if p in redline] == []  # the two edited ones do carry our marks


def test_the_returned_docx_redlined_against_itself_keeps_everything_as_it_was(drafts, tmp_path):
    """Nothing differs beyond the tracked changes: the document part is the returned one, unchanged."""
    redline = tmp_path / "r.docx"
    accepted_back = tmp_path / "rejected.docx"
    accepted_back.write_bytes(drafts["built"].read_bytes())
    code, out, err = run("diff", accepted_back, drafts["returned"], "--redline", redline)
    assert code == 1, out + err
    assert raw_paragraphs(member(redline.read_bytes())) == raw_paragraphs(member(drafts["returned"].read_bytes()))


# ---- in LibreOffice, and by Microsoft's validator -------------------------------------------------------


def _has_uno() -> bool:
    import shutil
    import subprocess

    if shutil.which("soffice") is None or not Path("/usr/bin/python3").exists():
        return False
    return subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode == 0


def libreoffice(root: Path, jobs: dict[str, tuple[str, Path]]) -> dict[str, str]:
    """What LibreOffice shows of each file after the job's action (none, accept or reject), by job name."""
    import subprocess

    targets = {name: root / f"lo-{name.replace(' ', '-')}.txt" for name in jobs}
    subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "support" / "lo_tracked.py"), str(root / "lo-profile"),
                    *(f"{action}:{source}:{targets[name]}" for name, (action, source) in jobs.items())],
                   check=True, timeout=900, capture_output=True)
    return {name: path.read_text(encoding="utf-8-sig") for name, path in targets.items()}


@pytest.mark.slow
@pytest.mark.skipif(not _has_uno(), reason="LibreOffice with python3-uno is not installed")
def test_libreoffice_accept_all_gives_the_returned_text_and_reject_all_the_sent_one(drafts, redlined):
    root = drafts["root"]
    jobs = {"sent": ("none", drafts["built"]), "returned accepted": ("accept", redlined["mixed"])}
    for old in ("from-docx", "from-pkm"):
        jobs[f"{old} accepted"] = ("accept", redlined[old])
        jobs[f"{old} rejected"] = ("reject", redlined[old])
    shown = libreoffice(root, jobs)
    assert "Rp850.000.000,00 (delapan" in shown["returned accepted"]
    assert "Rp675.000.000,00" in shown["returned accepted"]
    assert shown["returned accepted"] != shown["sent"]
    for old in ("from-docx", "from-pkm"):
        assert shown[f"{old} accepted"] == shown["returned accepted"]
        assert shown[f"{old} rejected"] == shown["sent"]


@pytest.fixture(scope="module")
def harder(drafts) -> dict[str, tuple[Path, Path, Path]]:
    """Two harder cases, each as (OLD, RETURNED, the redline): whole paragraphs inserted and deleted by Budi;
    and an older OLD whose words differ inside Budi's deletion."""
    root = drafts["root"]
    whole = root / "whole.docx"
    whole.write_bytes(with_member(drafts["built"].read_bytes(), "word/document.xml", whole_paragraphs))
    older = root / "older.pkm"
    older.write_text(EXAMPLE.read_text(encoding="utf-8").replace("total: Rp950.000.000", "total: Rp900.000.000")
                     .replace("dinkes: Rp665.000.000", "dinkes: Rp615.000.000")
                     # the budget annex follows the FIRST PARTY's new part (PKM180)
                     .replace("amount: Rp390.000.000", "amount: Rp340.000.000"), encoding="utf-8")
    assert run("build", older, "--format", "docx", "-o", root / "older")[0] == 0
    cases = {"whole": (drafts["built"], whole), "around": (root / "older" / "older.docx", drafts["returned"])}
    out = {}
    for name, (old, returned) in cases.items():
        redline = root / f"redline-{name}.docx"
        assert run("diff", old, returned, "--redline", redline)[0] == 1
        out[name] = (old, returned, redline)
    return out


@pytest.mark.slow
def test_the_redline_of_a_returned_docx_is_valid_open_xml(redlined, harder):
    from tests.support.ooxml import VALIDATOR, validate

    if not Path(VALIDATOR).exists():
        pytest.skip("ooxml-validator not installed (see .ci/run)")
    for name, path in [(name, redlined[name]) for name in ("from-docx", "from-pkm")] + \
            [(name, case[2]) for name, case in harder.items()]:
        report = validate(path)
        assert report["ok"], (name, report["errors"][:5])


def whole_paragraphs(xml: bytes) -> bytes:
    """Word's marks for a paragraph deleted whole (text and mark, in Indonesian) and one inserted whole (in
    English, after paragraph (1) of the funding clause), by Budi."""
    root = etree.fromstring(xml)

    def paragraph_with(words: str) -> etree._Element:
        return next(p for p in root.iter(f"{W}p") if words in "".join(p.itertext()))

    gone = paragraph_with("Kontribusi PIHAK yang merupakan instansi pemerintah bersumber dari")
    for r in [r for r in gone if r.tag == f"{W}r"]:
        for t in r.iter(f"{W}t"):
            t.tag = f"{W}delText"
        wrapper = mark("del", "Budi", BUDI, 9801)
        r.addprevious(wrapper)
        wrapper.append(r)
    rpr = etree.SubElement(gone.find(f"{W}pPr"), f"{W}rPr")
    rpr.append(mark("del", "Budi", BUDI, 9802))
    before = paragraph_with("shall be borne jointly by the PARTIES")
    added = copy.deepcopy(before)
    for bookmark in added.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
        bookmark.getparent().remove(bookmark)
    runs = [r for r in added if r.tag == f"{W}r"]
    for r in runs[1:]:
        added.remove(r)
    runs[0].find(f"{W}t").text = "The PARTIES shall report the costs every quarter."
    wrapper = mark("ins", "Budi", BUDI, 9803)
    runs[0].addprevious(wrapper)
    wrapper.append(runs[0])
    before.addnext(added)
    rpr = before.find(f"{W}pPr").find(f"{W}rPr")
    if rpr is None:
        rpr = etree.SubElement(before.find(f"{W}pPr"), f"{W}rPr")
    rpr.append(mark("ins", "Budi", BUDI, 9804))  # Word marks the mark that split the paragraphs
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def test_whole_paragraphs_inserted_and_deleted_by_the_other_side_stay_theirs(drafts, tmp_path):
    returned, redline = tmp_path / "returned.docx", tmp_path / "redline.docx"
    returned.write_bytes(with_member(drafts["built"].read_bytes(), "word/document.xml", whole_paragraphs))
    code, out, err = run("diff", drafts["built"], returned, "--redline", redline, "--format", "json")
    assert code == 1, out + err
    kinds = [c["kind"] for g in json.loads(out)["tracked"]["groups"] for c in g["changes"]]
    assert sorted(kinds) == ["deleted", "inserted", "paragraph mark deleted", "paragraph mark inserted"]
    root = body(redline.read_bytes())
    assert {m.get(f"{W}author") for m in root.iter(f"{W}ins", f"{W}del")} == {"Budi"}

    def story(data: bytes, mode: str) -> list[str]:
        return tracked_paragraphs(etree.fromstring(member(data)).find(f"{W}body"), mode)

    assert story(redline.read_bytes(), "accept") == story(returned.read_bytes(), "accept")
    assert story(redline.read_bytes(), "reject") == story(drafts["built"].read_bytes(), "accept")
    assert raw_paragraphs(member(redline.read_bytes())) == raw_paragraphs(member(returned.read_bytes()))


def test_an_edit_that_cuts_into_a_tracked_change_replaces_the_paragraph_around_it(drafts, tmp_path):
    """Against an older draft (Rp900.000.000) the words differ inside Budi's deletion: that paragraph is marked
    replaced by us as a whole, Budi's changes kept inside it; accept and reject still give the two texts."""
    older = tmp_path / "older.pkm"
    older.write_text(EXAMPLE.read_text(encoding="utf-8").replace("total: Rp950.000.000", "total: Rp900.000.000")
                     .replace("dinkes: Rp665.000.000", "dinkes: Rp615.000.000")
                     # the budget annex follows the FIRST PARTY's new part (PKM180)
                     .replace("amount: Rp390.000.000", "amount: Rp340.000.000"), encoding="utf-8")
    code, out, err = run("build", older, "--format", "docx", "-o", tmp_path / "older")
    assert code == 0, out + err
    redline = tmp_path / "redline.docx"
    code, out, err = run("diff", older, drafts["returned"], "--redline", redline)
    assert code == 1, out + err
    returned, made = body(drafts["returned"].read_bytes()), body(redline.read_bytes())
    for author in ("Budi", "Sari"):
        assert marks_by(made, author) == marks_by(returned, author)
    assert not made.findall(f".//{W}ins//{W}ins") and not made.findall(f".//{W}del//{W}del")

    def story(data: bytes, mode: str) -> list[str]:
        return tracked_paragraphs(etree.fromstring(member(data)).find(f"{W}body"), mode)

    assert story(redline.read_bytes(), "accept") == story(drafts["returned"].read_bytes(), "accept")
    assert story(redline.read_bytes(), "reject") == story((tmp_path / "older" / "older.docx").read_bytes(), "accept")


@pytest.mark.slow
@pytest.mark.skipif(not _has_uno(), reason="LibreOffice with python3-uno is not installed")
def test_libreoffice_agrees_on_whole_paragraphs_and_on_a_paragraph_replaced_around_a_tracked_change(
        harder, tmp_path):
    jobs: dict[str, tuple[str, Path]] = {}
    for name, (old, returned, redline) in harder.items():
        jobs.update({f"{name} old": ("none", old), f"{name} returned": ("accept", returned),
                     f"{name} accepted": ("accept", redline), f"{name} rejected": ("reject", redline)})
    shown = libreoffice(tmp_path, jobs)
    for name in harder:
        assert shown[f"{name} returned"] != shown[f"{name} old"]
        assert shown[f"{name} accepted"] == shown[f"{name} returned"], name
        assert shown[f"{name} rejected"] == shown[f"{name} old"], name


def test_a_tracked_change_in_the_header_is_listed_and_kept(drafts, tmp_path):
    returned, redline = tmp_path / "returned.docx", tmp_path / "redline.docx"
    returned.write_bytes(with_member(drafts["built"].read_bytes(), "word/header1.xml",
                                     lambda xml: track(xml, "1127", "1200", "Sari", "2026-12-04T08:00:00Z", None,
                                                       9700)))
    code, out, err = run("diff", drafts["built"], returned, "--redline", redline)
    assert code == 1, out + err
    assert "tracked changes in the returned DOCX: 2 by Sari (2026-12-04)" in out
    section = out[out.index("(compared with every one accepted)"):]
    assert [line.strip() for line in section.splitlines()[1:4]] == [
        "outside the clauses: the header",
        "- deleted by Sari, 2026-12-04: «1127»",
        "+ inserted by Sari, 2026-12-04: «1200»"]
    header = etree.fromstring(member(redline.read_bytes(), "word/header1.xml"))
    when = "2026-12-04T08:00:00Z"
    assert marks_by(header, "Sari") == [("del", when, "1127"), ("ins", when, "1200")]
    assert marks_by(header, "pkm-docs") == []


def test_lang_lists_the_changes_in_that_language_only(drafts):
    _, out, _ = run("diff", drafts["pkm"], drafts["returned"], "--lang", "id")
    section = out[out.index("(compared with every one accepted)"):]
    assert "«Rp850.000.000,00 (delapan»" in section and "(en)" not in section
