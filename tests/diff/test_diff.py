"""``pkm diff`` and ``pkm library diff``: what a legal officer is told changed between two drafts, in text,
JSON and HTML, the exit codes, and DOCX drafts read back."""

from __future__ import annotations

import datetime
from decimal import Decimal
import functools
import html.parser
import io
import json
import re
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from tests.support.diff_schema import JSON_SCHEMA
from tests.support.read_back import marks
from pkm_docs.diff.cli import library_diff_command, main
from pkm_docs.diff.formats import render
from pkm_docs.diff.library_diff import library_diff
from pkm_docs.diff.model_diff import diff_agreements, diff_drafts
from pkm_docs.diff.snapshot import from_agreement
from pkm_docs.diff.text_diff import DELETE, EQUAL, INSERT, align, word_diff
from pkm_docs.values import IntegerType, MoneyType
from pkm_docs.errors import UsageError
from pkm_docs.library import load_library
from pkm_docs.model import Agreement, Article, ClauseUse, Manifest, Paragraph, Party, Text, Value
from pkm_docs.pipeline import compile_agreement

FIXTURES = Path(__file__).parents[1] / "fixtures" / "diff"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@functools.cache
def library():
    return load_library()


@functools.cache
def agreement(name: str) -> Agreement:
    return compile_agreement(FIXTURES / f"{name}.pkm", library=library()).agreement


def compare(old: str, new: str):
    return diff_agreements(agreement(old), agreement(new), library(), old_name=old, new_name=new)


def run(*argv: str, tty: bool = False) -> tuple[int, str, str]:
    out, err = (_Tty() if tty else io.StringIO()), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def fixture(name: str) -> str:
    return str(FIXTURES / f"{name}.pkm")


def article(diff, number: int):
    return next(a for a in diff.articles if (a.new_number if a.new_number is not None else a.old_number) == number)


# ---- word diffs ---------------------------------------------------------------------------------------


def test_word_diff_marks_whole_words_and_keeps_amounts_whole():
    segments = word_diff("sebesar Rp950.000.000,00 ditanggung.", "sebesar Rp850.000.000,00 ditanggung bersama.")
    assert [(s.op, s.text) for s in segments] == [
        (EQUAL, "sebesar "), (DELETE, "Rp950.000.000,00"), (INSERT, "Rp850.000.000,00"),
        (EQUAL, " ditanggung"), (INSERT, " bersama"), (EQUAL, "."),
    ]


@pytest.mark.parametrize("name", ["params", "version_old", "parties", "translation", "moved_clause"])
def test_word_diff_segments_rebuild_both_texts(name):
    diff = compare("base", name) if name != "version_old" else compare(name, "base")
    texts = [t for a in diff.articles for c in a.clauses for p in c.paragraphs for t in p.texts]
    assert texts
    for text in texts:
        assert "".join(s.text for s in text.segments if s.op != INSERT) == text.old
        assert "".join(s.text for s in text.segments if s.op != DELETE) == text.new


def test_align_pairs_alike_items_and_keeps_order():
    old, new = ["a b c", "d e f", "g h i"], ["a b c", "new text here", "d e f x", "g h i"]
    assert align(old, new, key=lambda t: t, similar=lambda a, b: len(set(a.split()) & set(b.split())) / 3) == [
        (0, 0), (None, 1), (1, 2), (2, 3)]


# ---- what changed -------------------------------------------------------------------------------------


def test_drafts_written_differently_are_the_same_in_substance():
    diff = compare("base", "same")
    assert diff.same and not diff.warnings
    code, out, _ = run(fixture("base"), fixture("same"))
    assert code == 0 and "same in substance" in out


def test_parameter_change_is_shown_as_the_user_writes_the_value():
    diff = compare("base", "params")
    params = {(a.new_number, p.name): (p.old, p.new) for a in diff.articles for c in a.clauses for p in c.params}
    assert params == {(4, "total"): ("Rp950.000.000,00", "Rp850.000.000,00"),
                      (5, "report_every"): ("6 months", "3 months")}
    code, out, _ = run(fixture("base"), fixture("params"))
    assert code == 1
    assert "total: Rp950.000.000,00 → Rp850.000.000,00" in out
    assert "[-Rp950.000.000,00 (sembilan-]{+Rp850.000.000,00 (delapan+}" in out
    assert not diff.warnings  # both languages changed together


def test_inserted_article_is_one_addition_and_the_renumbering_is_moves():
    diff = compare("base", "inserted")
    counts = diff.summary()
    assert (counts["articles_added"], counts["articles_moved"], counts["articles_changed"]) == (1, 10, 0)
    added = [a for a in diff.articles if a.change == "added"]
    assert [(a.new_number, [c.clause_id for c in a.clauses]) for a in added] == [(3, ["confidentiality.standard"])]
    moves = [(a.old_number, a.new_number, a.reordered) for a in diff.articles if a.change == "moved"]
    assert moves == [(n, n + 1, False) for n in range(3, 13)]
    _, out, _ = run(fixture("base"), fixture("inserted"))
    assert "+ Article 3  Kerahasiaan  (added)" in out
    assert "> Article 3 → Article 4  Tata Kelola  (renumbered)" in out


def test_removed_article_is_reported_with_its_clause():
    diff = compare("base", "removed")
    removed = [a for a in diff.articles if a.change == "removed"]
    assert [(a.old_number, a.clauses[0].clause_id, a.clauses[0].change) for a in removed] == [
        (7, "continuity.leadership_change", "removed")]
    assert diff.summary()["articles_moved"] == 5


def test_swapped_articles_are_moves_one_of_them_out_of_order():
    diff = compare("base", "reordered")
    assert [(a.change, a.old_number, a.new_number, a.reordered) for a in diff.articles] == [
        ("moved", 10, 9, True), ("moved", 9, 10, False)]
    assert not diff.same


def test_new_library_version_brings_its_text_change_and_new_parameters():
    diff = compare("version_old", "base")
    (change,) = diff.articles
    (clause,) = change.clauses
    # base.pkm's `@^1` takes the newest model version, 1.2.0 (each PARTY reports to each other PARTY: the two
    # reporting paragraphs of 1.0.0 become one), which keeps 1.1.0's final report and its two new parameters
    assert (clause.clause_id, clause.old_version, clause.new_version) == ("reporting.public", "1.0.0", "1.2.0")
    assert {(p.name, p.old, p.new) for p in clause.params} == {("report_due_days", "—", "30"),
                                                               ("final_report_days", "—", "60")}
    assert [(p.change, p.old_number, p.new_number) for p in clause.paragraphs] == [
        ("changed", 1, 1), ("removed", 2, None), ("changed", 3, 2), ("changed", 4, 3), ("added", None, 4),
        ("changed", 5, 5)]
    added = {t.lang: t.new for t in clause.paragraphs[4].texts}
    assert added["en"].startswith("The PARTIES shall prepare a final report")
    _, out, _ = run(fixture("version_old"), fixture("base"))
    assert "~ reporting.public 1.0.0 → 1.2.0" in out
    assert "library versions: 1 changed" in out


def test_text_changed_in_one_language_warns_translation_left_behind():
    diff = compare("base", "translation")
    assert [(w.kind, w.where, w.changed, w.unchanged) for w in diff.warnings] == [
        ("translation-left-behind", "Article 11 (4)", "id", "en")]
    (paragraph,) = article(diff, 11).clauses[0].paragraphs
    assert [t.lang for t in paragraph.texts] == ["id"]
    code, out, _ = run(fixture("base"), fixture("translation"))
    assert code == 1
    assert ("warning: Article 11 (4): the Indonesian text changed but the English did not "
            "(translation left behind?)") in out


def test_party_and_agreement_details_changes_are_listed():
    diff = compare("base", "parties")
    assert {(f.label, f.old, f.new) for f in diff.details} == {
        ("title (id)", "Perjanjian Kemitraan tentang Pelayanan Kesehatan Ibu dan Anak di Kota Kupang",
         "Perjanjian Kemitraan tentang Pelayanan Kesehatan Ibu dan Anak di Kota Kupang Tahun 2027"),
        ("title (en)", "Partnership Agreement on Maternal and Child Health Services in Kupang City",
         "Partnership Agreement on Maternal and Child Health Services in Kupang City in 2027"),
        ("number", "440/1127/DINKES/XII/2026", "440/1200/DINKES/XII/2026"),
        ("signing date", "2026-12-01", "2026-12-15"),
    }
    (party,) = diff.parties
    assert (party.key, [(f.field, f.old, f.new) for f in party.fields]) == (
        "yayasan", [("representative", "Yohana Ndun, S.K.M.", "Maria Goreti Ndun, S.K.M., M.P.H.")])
    _, out, _ = run(fixture("base"), fixture("parties"))
    assert "representative: Yohana Ndun, S.K.M. → Maria Goreti Ndun, S.K.M., M.P.H." in out
    assert "number: 440/1127/DINKES/XII/2026 → 440/1200/DINKES/XII/2026" in out


def test_clause_moved_into_another_article_is_a_move_not_a_removal_and_addition():
    diff = compare("base", "moved_clause")
    counts = diff.summary()
    assert (counts["clauses_moved"], counts["clauses_added"], counts["clauses_removed"]) == (1, 0, 0)
    target = article(diff, 6)
    (moved,) = target.clauses
    assert (moved.clause_id, moved.change, moved.moved_from) == ("continuity.leadership_change", "moved", "Article 7")
    source = next(a for a in diff.articles if a.change == "removed")
    assert [(c.clause_id, c.moved_to) for c in source.clauses] == [("continuity.leadership_change", "Article 6")]


def test_clause_replaced_within_an_article_keeps_the_article_matched_by_section():
    diff = compare("base", "replaced")
    (change,) = diff.articles
    assert (change.change, change.new_number) == ("changed", 4)
    assert [(c.clause_id, c.change) for c in change.clauses] == [
        ("funding.cost_sharing", "removed"), ("funding.single_funder", "added")]


def test_lang_option_lists_texts_in_that_language_only():
    code, out, _ = run(fixture("base"), fixture("params"), "--lang", "en")
    assert code == 1
    assert " en: " in out and " id: " not in out
    _, out, _ = run(fixture("base"), fixture("params"), "--lang", "id", "--format", "json")
    data = json.loads(out)
    langs = {t["lang"] for a in data["articles"] for c in a["clauses"] for p in c["paragraphs"] for t in p["texts"]}
    assert langs == {"id"} and data["languages"] == ["id"]


def test_colour_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, plain, _ = run(fixture("base"), fixture("params"))
    _, coloured, _ = run(fixture("base"), fixture("params"), tty=True)
    assert "\x1b[" not in plain and "[-" in plain
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured and "[-" not in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(fixture("base"), fixture("params"), tty=True)[1]


# ---- exit codes ---------------------------------------------------------------------------------------


def test_exit_codes_same_different_unreadable(tmp_path):
    assert run(fixture("base"), fixture("same"))[0] == 0
    assert run(fixture("base"), fixture("params"))[0] == 1
    code, out, err = run(fixture("base"), tmp_path / "missing.pkm")
    assert (code, out) == (2, "") and "cannot read" in err
    broken = tmp_path / "broken.pkm"
    broken.write_text(Path(fixture("base")).read_text(encoding="utf-8").replace("article {", "article {{", 1),
                      encoding="utf-8")
    code, out, err = run(fixture("base"), broken)
    assert (code, out) == (2, "") and "PKM001" in err and "cannot compare a draft with errors" in err
    not_docx = tmp_path / "draft.docx"
    not_docx.write_bytes(b"not a zip")
    code, _, err = run(fixture("base"), not_docx)
    assert code == 2 and "not a Word document" in err
    assert run(fixture("base"), fixture("params"), "--format", "pdf")[0] == 2
    code, _, err = run(fixture("base"), fixture("params"), "--date", "1 Desember")
    assert code == 2 and "write it as 2026-12-01" in err


# ---- JSON ---------------------------------------------------------------------------------------------



@pytest.mark.parametrize("old, new", [("base", "same"), ("base", "params"), ("base", "inserted"),
                                      ("base", "moved_clause"), ("version_old", "base"), ("base", "parties"),
                                      ("base", "translation"), ("base", "hostile")])
def test_json_output_has_the_documented_shape(old, new):
    code, out, _ = run(fixture(old), fixture(new), "--format", "json")
    data = json.loads(out)
    jsonschema.validate(data, JSON_SCHEMA)
    assert data["same"] == (code == 0)
    assert data["old"] == fixture(old) and data["new"] == fixture(new)
    for text in (t for a in data["articles"] for c in a["clauses"] for p in c["paragraphs"] for t in p["texts"]):
        assert "".join(piece for op, piece in text["diff"] if op != "+") == text["old"]
        assert "".join(piece for op, piece in text["diff"] if op != "-") == text["new"]


def test_json_output_is_stable():
    assert run(fixture("base"), fixture("inserted"), "--format", "json")[1] == \
        run(fixture("base"), fixture("inserted"), "--format", "json")[1]


# ---- HTML ---------------------------------------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def test_html_is_one_page_with_markup_typed_in_the_agreement_shown_as_text():
    code, page, _ = run(fixture("base"), fixture("hostile"), "--format", "html")
    assert code == 1
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "small", "code",
                           "p", "span", "section", "table", "colgroup", "col", "tr", "th", "td", "ins", "del",
                           "ul", "li"}
    assert not {a for a in parser.attrs if a.startswith("on")} and "src" not in parser.attrs
    assert "&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "Catatan &lt;b&gt;Tebal&lt;/b&gt;" in page
    assert "http" not in page.replace('content="width=device-width', "")  # nothing fetched: usable offline


def test_html_sets_old_and_new_side_by_side_with_words_marked():
    _, page, _ = run(fixture("base"), fixture("params"), "--format", "html")
    row = re.search(r"<tr><td>\(1\) id</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert row is not None
    assert "<del>Rp950.000.000,00 (sembilan</del>" in row.group(1) and "<ins>" not in row.group(1)
    assert "<ins>Rp850.000.000,00 (delapan</ins>" in row.group(2) and "<del>" not in row.group(2)
    assert "<td>total</td><td><del>Rp950.000.000,00</del></td><td><ins>Rp850.000.000,00</ins></td>" in page


# ---- DOCX drafts ------------------------------------------------------------------------------------------


@functools.cache
def built(name: str) -> bytes:
    from pkm_docs.renderers.docx import render_docx
    return render_docx(agreement(name))


def edit_docx(data: bytes, edit) -> bytes:
    """The DOCX with ``edit(document_root)`` applied to word/document.xml, as the other party might."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                root = etree.fromstring(content)
                edit(root, data)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, content)
    return out.getvalue()


def controls(root, data: bytes, clause_id: str, lang: str | None = None) -> list[list]:
    """The paragraphs of each use of ``clause_id`` (in ``lang``), as marked in the DOCX ``data``."""
    return [mark.paragraphs for mark in marks(data, root)
            if mark.tag.split("|")[1:2] == [clause_id] and (lang is None or mark.tag.split("|")[4] == lang)]


def other_party_edits(root, data: bytes) -> None:
    """Change the court in Indonesian, drop the force majeure clause, type a line outside every clause."""
    (court,) = controls(root, data, "dispute.court", "id")
    text = next(t for p in court for t in p.iter(f"{W}t") if "Pengadilan Negeri Kupang" in (t.text or ""))
    text.text = text.text.replace("Pengadilan Negeri Kupang", "Pengadilan Negeri Jakarta Pusat", 1)
    for paragraphs in controls(root, data, "force_majeure.standard"):
        paragraphs[0].addprevious(etree.Element(f"{W}p"))  # a table cell keeps one paragraph
        for p in paragraphs:
            p.getparent().remove(p)
    body = root.find(f"{W}body")
    spacer = [p for p in body.findall(f"{W}p") if not "".join(p.itertext()).strip()][-1]
    run = etree.SubElement(spacer, f"{W}r")
    etree.SubElement(run, f"{W}t").text = "Catatan tambahan dari PIHAK KEDUA."


def test_a_build_read_back_is_the_same_as_its_source(tmp_path):
    path = tmp_path / "base.docx"
    path.write_bytes(built("base"))
    code, out, err = run(fixture("base"), path)
    assert (code, err) == (0, "") and "same in substance" in out


def test_docx_from_the_other_party_shows_which_vetted_clauses_they_touched(tmp_path):
    path = tmp_path / "returned.docx"
    path.write_bytes(edit_docx(built("base"), other_party_edits))
    code, out, _ = run(fixture("base"), path, "--format", "json")
    assert code == 1
    data = json.loads(out)
    court = next(c for a in data["articles"] for c in a["clauses"] if c["id"] == "dispute.court")
    assert court["note"] and "no longer the vetted text" in court["note"]
    (paragraph,) = court["paragraphs"]
    (text,) = paragraph["texts"]
    assert text["lang"] == "id" and ["-", "Kupang"] in text["diff"] and ["+", "Jakarta Pusat"] in text["diff"]
    force = [(a["change"], a["old_number"], [(c["id"], c["change"]) for c in a["clauses"]])
             for a in data["articles"] if a["old_number"] == 10]
    assert force == [("changed", 10, [("force_majeure.standard", "removed")])]
    assert [t["new"] for t in data["outside"]] == ["Catatan tambahan dari PIHAK KEDUA."]
    assert data["parties"] == [] and court["parameters"] == []  # a DOCX does not record them
    assert [w["where"] for w in data["warnings"]] == ["Article 11 (4)"]


def test_docx_input_compares_with_a_docx(tmp_path):
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    old.write_bytes(built("base"))
    new.write_bytes(built("params"))
    code, out, _ = run(old, new)
    assert code == 1
    assert "[-Rp950.000.000,00 (sembilan-]{+Rp850.000.000,00 (delapan+}" in out


# ---- library diff -------------------------------------------------------------------------------------


def test_library_diff_compares_two_versions_of_a_clause():
    diff = library_diff(library(), "reporting.public@1.0.0", "reporting.public@1.1.0")
    assert not diff.same
    assert [(p.name, p.old, p.new) for p in diff.params] == [
        ("report_due_days", "—", "integer min 7 max 90 default 30"),
        ("final_report_days", "—", "integer min 14 max 180 default 60")]
    assert [(p.change, p.new_number) for p in diff.paragraphs] == [
        ("changed", 3), ("changed", 4), ("added", 5), ("changed", 6)]
    out = io.StringIO()
    assert library_diff_command(library(), "reporting.public@1.0.0", "@1.1.0", out, color=False) == 1
    assert "param report_due_days: — → integer min 7 max 90 default 30" in out.getvalue()
    assert "{(2)}{+ disampaikan paling lambat {report_due_days} hari kalender" in out.getvalue()


def test_library_diff_of_a_version_with_itself_is_the_same():
    out = io.StringIO()
    assert library_diff_command(library(), "term.fixed@1.0.0", "term.fixed@1.0.0", out, fmt="json") == 0
    assert json.loads(out.getvalue())["same"] is True


def test_library_diff_suggests_a_clause_id():
    with pytest.raises(UsageError) as caught:
        library_diff(library(), "reporting.publik@1.0.0", "@1.1.0")
    assert caught.value.diagnostics[0].hint == "did you mean `reporting.public`?"


# ---- speed --------------------------------------------------------------------------------------------


def synthetic(articles: int, *, insert_at: int | None = None, edit_every: int = 0) -> Agreement:
    """An agreement of ``articles`` articles of five paragraphs (one with items), each its own clause."""
    T = lambda i, e: Text({"id": i, "en": e})  # noqa: E731
    parts = []
    numbers = list(range(articles))
    if insert_at is not None:
        numbers.insert(insert_at, 10_000)
    for position, n in enumerate(numbers, start=1):
        edited = edit_every and n % edit_every == 0
        amount = "Rp450.000.000,00" if edited else "Rp500.000.000,00"
        paragraphs = tuple(
            Paragraph(T(f"Pasal {n} ayat {k}: PARA PIHAK sepakat bahwa biaya kegiatan {n} sebesar {amount} "
                        f"dibayarkan dalam waktu 30 (tiga puluh) hari kalender setelah laporan diterima.",
                        f"Article {n} paragraph {k}: the PARTIES agree that the cost of activity {n} amounting "
                        f"to {amount} shall be paid within 30 (thirty) calendar days after the report."),
                      k, (T("kegiatan pertama;", "first activity;"), T("kegiatan kedua.", "second activity."))
                      if k == 3 else (), f"clause.c{n}")
            for k in range(1, 6))
        values = {"total": Value("total", MoneyType(), None, Decimal(amount[2:-3].replace(".", ""))),
                  "days": Value("days", IntegerType(), None, 30)}
        use = ClauseUse(f"clause.c{n}", "1.0.0", f"{n:064x}", "approved", f"section{n % 7}", True, None, values,
                        paragraphs)
        parts.append(Article(position, T(f"Judul {n}", f"Title {n}"), (use,)))
    party = Party("dinkes", "government", T("PIHAK PERTAMA", "FIRST PARTY"), T("Dinas", "Office"), "dr. A",
                  T("Kepala", "Head"), T("Kuasa", "Attorney"), Text.same("Kupang"), "1")
    return Agreement(T("Perjanjian", "Agreement"), "1/2026", "pkm-standar", ("id", "en"), "id",
                     datetime.date(2026, 12, 1), Text.same("Kupang"), (party,), (), tuple(parts), (),
                     Manifest((), "lib", "1", "x.pkm", "0" * 64, "pkm-docs"))


def test_comparing_two_drafts_of_200_articles(capsys):
    old = synthetic(200)
    new = synthetic(200, insert_at=50, edit_every=10)
    start = time.perf_counter()
    diff = diff_drafts(from_agreement(old, None, "old"), from_agreement(new, None, "new"))
    report = render(diff, "text")
    elapsed = time.perf_counter() - start
    counts = diff.summary()
    assert (counts["articles_added"], counts["articles_changed"], counts["parameters_changed"]) == (1, 20, 20)
    assert counts["articles_moved"] == 150 + 0  # articles 50..199 renumbered (the 15 edited ones too)
    assert report
    with capsys.disabled():
        print(f"\n[benchmark] pkm diff, 200 articles each: {elapsed * 1000:.0f} ms")
