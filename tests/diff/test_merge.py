"""``pkm merge RETURNED.docx --into DRAFT.pkm -o NEXT.pkm``: the other side's edits back into the source.

A changed amount or name becomes the parameter's or the party's new value where the source wrote it; an
edited vetted sentence makes that clause ad-hoc text marked ``replaces:``, which ``pkm check`` names; building
NEXT.pkm gives the returned DOCX's text."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from pkm_docs.cli import main
from pkm_docs.pipeline import compile_agreement
from tests.support.read_back import docx_text
from tests.support.templates import THREE_DATA, three_party_copy
from tests.support.word_edits import member, replaced, track, with_member

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
PAUD, PAUD_DATA = ROOT / "templates" / "paud.pkm", ROOT / "templates" / "paud.sample.yaml"

#: The number of the article that holds each clause of the example (the merge's report names articles).
ARTICLE = {use.clause_id: article.number for article in compile_agreement(EXAMPLE).agreement.articles
           for use in article.clauses}
HEADINGS = {article.title["id"] for article in compile_agreement(EXAMPLE).agreement.articles}
FUNDING, DISPUTE, FORCE_MAJEURE = ARTICLE["funding.cost_sharing"], ARTICLE["dispute.court"], \
    ARTICLE["force_majeure.standard"]

AMOUNT_ID = ("Rp950.000.000,00 (sembilan ratus", "Rp850.000.000,00 (delapan ratus")
AMOUNT_EN = ("IDR 950,000,000.00 (nine hundred", "IDR 850,000,000.00 (eight hundred")
RENAME = ("Yayasan Kasih Ibu Flobamora", "Yayasan Kasih Ibu Flobamora Sejahtera")
#: The funding clause's parts follow the new total: 70 % and 30 % of Rp850.000.000, in figures and words.
PARTS = (("Rp665.000.000,00 (enam ratus enam puluh lima juta rupiah)",
          "Rp595.000.000,00 (lima ratus sembilan puluh lima juta rupiah)"),
         ("IDR 665,000,000.00 (six hundred sixty-five million rupiah)",
          "IDR 595,000,000.00 (five hundred ninety-five million rupiah)"),
         ("Rp285.000.000,00 (dua ratus delapan puluh lima juta rupiah)",
          "Rp255.000.000,00 (dua ratus lima puluh lima juta rupiah)"),
         ("IDR 285,000,000.00 (two hundred eighty-five million rupiah)",
          "IDR 255,000,000.00 (two hundred fifty-five million rupiah)"))
#: The budget annex follows the new total (the funding clause's 70 % and 30 % of Rp850.000.000): one line of
#: each funder, in both languages, and the table's total.
BUDGET = (("<w:t>Rp150.000.000,00</w:t>", "<w:t>Rp80.000.000,00</w:t>"),
          ("<w:t>IDR 150,000,000.00</w:t>", "<w:t>IDR 80,000,000.00</w:t>"),
          ("<w:t>Rp105.000.000,00</w:t>", "<w:t>Rp75.000.000,00</w:t>"),
          ("<w:t>IDR 105,000,000.00</w:t>", "<w:t>IDR 75,000,000.00</w:t>"),
          ("<w:t>Rp950.000.000,00</w:t>", "<w:t>Rp850.000.000,00</w:t>"),
          ("<w:t>IDR 950,000,000.00</w:t>", "<w:t>IDR 850,000,000.00</w:t>"))
SENTENCE = ("memilih domisili hukum yang tetap dan umum", "memilih domisili hukum yang tetap")


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, bytes]:
    """The example's source in a folder of its own, and the DOCX built from it."""
    folder = tmp_path_factory.mktemp("merge")
    source = folder / "draft.pkm"
    shutil.copy(EXAMPLE, source)
    code, _, err = run("build", source, "-o", folder / "v1", "--format", "docx")
    assert code == 0, err
    return source, (folder / "v1" / "draft.docx").read_bytes()


def saved_by(data: bytes, name: str) -> bytes:
    """``data`` as Word saves it for ``name``: the last author in its properties."""
    document = docx.Document(io.BytesIO(data))
    document.core_properties.last_modified_by = name
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def merged(tmp_path: Path, source: Path, returned: bytes, *extra) -> tuple[int, str, str, Path, Path]:
    path = tmp_path / "returned.docx"
    path.write_bytes(returned)
    next_source = tmp_path / "next.pkm"
    code, out, err = run("merge", path, "--into", source, "-o", next_source, *extra)
    return code, out, err, path, next_source


def built_text(tmp_path: Path, source: Path, *extra) -> str:
    code, _, err = run("build", source, "-o", tmp_path / "next", "--format", "docx", *extra)
    assert code == 0, err
    return docx_text((tmp_path / "next" / f"{source.stem}.docx").read_bytes())


def returned_text(path: Path) -> str:
    return docx_text(path.read_bytes())


def test_an_untouched_docx_merges_to_the_same_source(built, tmp_path):
    source, data = built
    code, out, err, _, next_source = merged(tmp_path, source, data)
    assert code == 0, out + err
    assert "no changes to merge" in out
    assert next_source.read_bytes() == source.read_bytes()


@pytest.mark.slow
def test_an_amount_a_party_rename_and_an_edited_sentence_come_back_into_the_source(built, tmp_path):
    source, data = built
    document = member(data)
    document = track(document, *AMOUNT_ID, "Budi Santoso", "2026-12-03T09:15:00Z", None, 100)
    document = track(document, *AMOUNT_EN, "Budi Santoso", "2026-12-03T09:15:00Z", None, 102)
    document = track(document, SENTENCE[0], SENTENCE[1], "Budi Santoso", "2026-12-03T09:20:00Z", None, 104)
    returned = with_member(data, "word/document.xml", lambda _: document)
    returned = saved_by(replaced(returned, RENAME, *PARTS, *BUDGET), "Sari Dewi")
    code, out, err, path, next_source = merged(tmp_path, source, returned)
    assert code == 0, out + err
    assert f"`total` of funding.cost_sharing (Pasal {FUNDING}): Rp950.000.000 -> Rp850.000.000" in out
    assert '`name` of the party `yayasan`: "Yayasan Kasih Ibu Flobamora" -> ' \
           '"Yayasan Kasih Ibu Flobamora Sejahtera"' in out
    assert f"Pasal {DISPUTE}: dispute.court 1.1.0 is now ad-hoc text (changed by Budi Santoso (2026-12-03) (tracked " \
           "changes))" in out
    assert "builds the text of" in out
    assert "row 3 `amount`: Rp150.000.000 -> Rp80.000.000" in out and "row 5 `amount`: Rp105.000.000 -> " \
           "Rp75.000.000" in out
    text = next_source.read_text(encoding="utf-8")
    assert "    total: Rp850.000.000\n" in text
    assert '  name: "Yayasan Kasih Ibu Flobamora Sejahtera"\n' in text
    assert "text section: dispute replaces: dispute.court@1.1.0 {" in text
    assert "# pkm merge: the text of returned.docx in place of dispute.court 1.1.0, changed by Budi Santoso" in text
    assert "use dispute.court" not in text
    # everything else stays as written: the rest of the source is line for line the draft's
    kept = [line for line in source.read_text(encoding="utf-8").split("\n") if line in text.split("\n")]
    assert len(kept) > 0.8 * len(source.read_text(encoding="utf-8").split("\n"))
    # building the next draft gives the returned text, the changes accepted
    accepted = returned_text(path)
    assert "Rp850.000.000,00 (delapan ratus" in accepted and "domisili hukum yang tetap di" in accepted
    assert built_text(tmp_path, next_source) == accepted
    # pkm diff of the two drafts shows what the other side changed in the vetted text, word by word
    code, out, err = run("diff", source, next_source)
    assert "now text written in the agreement in place of dispute.court 1.1.0: not the vetted text" in out
    assert "memilih domisili hukum yang tetap[- dan umum-] di Kantor" in out
    assert "the Indonesian text changed but the English did not" in out  # they changed one language only
    # the check names the clause that is no longer vetted, at its line
    code, out, err = run("check", next_source)
    line = text[:text.index("text section: dispute")].count("\n") + 1
    assert f"next.pkm:{line}:3: PKM110 warning: this ad-hoc text replaces the library clause " \
           "`dispute.court@1.1.0`" in out + err


@pytest.mark.slow
def test_an_amount_changed_in_one_language_only_is_not_taken_for_a_new_value(built, tmp_path):
    source, data = built
    code, out, err, _path, next_source = merged(tmp_path, source, replaced(data, AMOUNT_ID))
    assert code == 0, out + err
    text = next_source.read_text(encoding="utf-8")
    assert "total: Rp850.000.000" not in text  # the English still says 950 million: not a new value of `total`
    assert "new values:" not in out
    assert f"Pasal {FUNDING}: funding.cost_sharing " in out and "is now ad-hoc text" in out
    assert "replaces: funding.cost_sharing@" in text and "Rp850.000.000,00 (delapan ratus" in text
    code, out, err = run("check", next_source)  # and the check catches what the other side got wrong
    assert code == 1
    assert f"PKM162 Article {FUNDING} paragraph (1): amounts IDR 850,000,000.00 only in the Indonesian text; amounts " \
           "IDR 950,000,000.00 only in the English text" in out + err


def test_braces_and_quotes_the_other_side_typed_land_as_plain_text(built, tmp_path):
    source, data = built
    hostile = 'memilih domisili hukum {total} "tetap" \\ {{ref.x}}'
    code, out, err, path, next_source = merged(tmp_path, source, replaced(data, (SENTENCE[0], hostile)))
    assert code == 0, out + err
    assert built_text(tmp_path, next_source) == returned_text(path)
    assert '{{total}} "tetap" \\ {{{{ref.x}}}}' in next_source.read_text(encoding="utf-8")


def test_a_deleted_article_is_deleted_from_the_source(built, tmp_path):
    source, data = built
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    paragraphs = list(body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"))
    texts = ["".join(t.text or "" for t in p.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")) for p in paragraphs]
    start = texts.index("Keadaan Kahar")  # the heading of the article (its number is Word's list numbering)
    end = next(i for i in range(start + 1, len(texts)) if texts[i] in HEADINGS)  # the next article's heading
    rows = {p.getparent().getparent() for p in paragraphs[start:end]
            if p.getparent().tag.endswith("}tc")}  # the parallel layout: a row per paragraph pair
    for row in rows:
        row.getparent().remove(row)
    out_bytes = io.BytesIO()
    document.save(out_bytes)
    code, out, err, _path, next_source = merged(tmp_path, source, out_bytes.getvalue())
    text = next_source.read_text(encoding="utf-8")
    assert f"Pasal {FORCE_MAJEURE} (force_majeure.standard) deleted" in out, out + err
    assert "force_majeure" not in text
    assert code == 0, out + err


def test_text_typed_in_the_footer_is_listed_as_not_merged(built, tmp_path):
    # no clause can hold it (text typed among the clauses is placed: test_merge_place.py)
    source, data = built
    document = docx.Document(io.BytesIO(data))
    document.sections[0].footer.add_paragraph("Catatan PIHAK KEDUA: mohon ditinjau kembali.")
    out_bytes = io.BytesIO()
    document.save(out_bytes)
    code, out, err, _path, next_source = merged(tmp_path, source, out_bytes.getvalue())
    assert code == 1, out + err
    assert "not merged:" in out and "Catatan PIHAK KEDUA: mohon ditinjau kembali." in out
    assert next_source.read_bytes() == source.read_bytes()  # written, with everything else as it was


@pytest.mark.slow
def test_a_three_party_template_gets_its_new_values_in_a_copy_of_its_data_file(tmp_path):
    source, data_file = three_party_copy(tmp_path)
    folder = source.parent
    code, _, err = run("build", source, "--data", data_file, "-o", folder / "v1", "--format", "docx")
    assert code == 0, err
    data = (folder / "v1" / "tiga.docx").read_bytes()
    returned = replaced(data, ("125,5 ha (seratus dua puluh lima koma lima hektare)",
                               "130 ha (seratus tiga puluh hektare)"),
                        ("125.5 ha (one hundred twenty-five point five hectares)",
                         "130 ha (one hundred thirty hectares)"),
                        ("Yayasan Hutan Lestari Lombok", "Yayasan Hutan Lestari Lombok Timur"))
    code, out, err, path, next_source = merged(tmp_path, source, returned, "--data", data_file)
    assert code == 0, out + err
    assert "`area` of kehutanan.location_area (Pasal 2) (the input `luas` in tiga.yaml): 125,5 -> 130" in out
    assert "(the input `nama_yayasan` in tiga.yaml): \"Yayasan Hutan Lestari Lombok\" -> " in out
    assert "is now ad-hoc" not in out  # new values are not an edited vetted text
    assert next_source.read_bytes() == source.read_bytes()  # the template's inputs stay inputs
    next_data = tmp_path / "next.yaml"
    changed = [line for line in next_data.read_text(encoding="utf-8").split("\n")
               if line not in data_file.read_text(encoding="utf-8").split("\n")]
    assert changed == ['nama_yayasan: "Yayasan Hutan Lestari Lombok Timur"', 'luas: "130"']
    assert built_text(tmp_path, next_source, "--data", next_data) == returned_text(path)
    assert data_file.read_text(encoding="utf-8") == THREE_DATA.read_text(encoding="utf-8")  # untouched


def test_a_returned_docx_that_is_not_ours_is_refused(built, tmp_path):
    source, _ = built
    other = docx.Document()
    other.add_paragraph("Surat biasa")
    path = tmp_path / "other.docx"
    other.save(path)
    code, _out, err = run("merge", path, "--into", source, "-o", tmp_path / "next.pkm")
    assert code == 2
    assert "not built by pkm-docs" in err
    assert not (tmp_path / "next.pkm").exists()


def test_replaces_names_an_exact_library_version(tmp_path):
    source = tmp_path / "a.pkm"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "article {\n  use language.governing@^1\n}",
        'article {\n  text section: language replaces: language.governing@^1 {\n    id: "Bahasa."\n'
        '    en: "Language."\n  }\n}')
    source.write_text(text, encoding="utf-8")
    code, out, err = run("check", source)
    line = text[:text.index("language.governing@^1")].count("\n") + 1
    assert code == 1
    assert f"a.pkm:{line}:36: PKM011 `replaces:` names an exact version; `language.governing` has" in out + err
    assert "hint: write `replaces: language.governing@" in out + err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_returned_docx_saved_by_libreoffice_merges_the_same(built, tmp_path):
    # the partner edits in Word, then a colleague without Word opens the file in LibreOffice and saves it
    source, data = built
    edited = tmp_path / "edited" / "returned.docx"
    edited.parent.mkdir()
    edited.write_bytes(replaced(data, AMOUNT_ID, AMOUNT_EN, RENAME, SENTENCE))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"), str(edited)],
                   capture_output=True, timeout=240, check=True)
    saved = tmp_path / "saved" / "returned.docx"
    next_source = tmp_path / "next.pkm"
    code, out, err = run("merge", saved, "--into", source, "-o", next_source)
    assert code == 0, out + err
    assert "(mapped by clause marks)" in out
    text = next_source.read_text(encoding="utf-8")
    assert "total: Rp850.000.000" in text and '"Yayasan Kasih Ibu Flobamora Sejahtera"' in text
    assert "replaces: dispute.court@1.1.0" in text
    code, out, err = run("diff", next_source, saved)  # the same words: only the clause is no longer vetted
    assert "articles: 1 changed; clauses: 1 changed" in out, out
    assert "back to the library's dispute.court 1.1.0" in out and "[-" not in out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_a_returned_docx_rewritten_by_pandoc_is_merged_by_text_and_says_what_it_could_not_place(built, tmp_path):
    source, data = built
    edited = tmp_path / "edited.docx"
    edited.write_bytes(replaced(data, AMOUNT_ID, AMOUNT_EN))
    rewritten = tmp_path / "rewritten.docx"
    subprocess.run(["pandoc", str(edited), "-o", str(rewritten)], check=True, timeout=120)
    next_source = tmp_path / "next.pkm"
    code, out, err = run("merge", rewritten, "--into", source, "-o", next_source)
    assert "(mapped by text matching (the DOCX lost its clause marks))" in out, out + err
    assert f"`total` of funding.cost_sharing (Pasal {FUNDING}): Rp950.000.000 -> Rp850.000.000" in out
    assert "total: Rp850.000.000" in next_source.read_text(encoding="utf-8")
    if code == 1:  # pandoc drops the title and signature blocks' layout: those lines are listed, not guessed
        assert "not merged:" in out


def test_a_hidden_direction_mark_the_other_side_left_is_refused_not_written(built, tmp_path):
    source, data = built
    hostile = "memilih domisili \u202ehukum yang tetap"
    code, out, err, _path, next_source = merged(tmp_path, source, replaced(data, (SENTENCE[0], hostile)))
    assert code == 1, out + err
    assert f"Pasal {DISPUTE} (dispute.court): the returned id text holds U+202E (RIGHT-TO-LEFT OVERRIDE)" in out
    assert "\u202e" not in next_source.read_text(encoding="utf-8")
    assert "use dispute.court" in next_source.read_text(encoding="utf-8")  # left as the source had it


def test_a_docx_built_from_another_agreement_is_refused_naming_both(built, tmp_path):
    source, _ = built
    folder = tmp_path / "paud"
    code, _, err = run("build", PAUD, "--data", PAUD_DATA, "-o", folder, "--format", "docx")
    assert code == 0, err
    code, _, err = run("merge", folder / "paud.docx", "--into", source, "-o", tmp_path / "next.pkm")
    assert code == 2
    assert "it was built from another agreement (number 421.1/318/DISDIK/XII/2026, \"Perjanjian Kemitraan " \
           "tentang Pendidikan Anak Usia Dini" in err
    assert "not from draft.pkm (number 440/1127/DINKES/XII/2026)" in err
    assert not (tmp_path / "next.pkm").exists()


def test_an_author_s_name_with_line_breaks_stays_in_its_comment(built, tmp_path):
    """The DOCX's properties are the other side's to write: a name that breaks its line would end the `# pkm
    merge:` comment and put the rest into the source as DSL. It is written on the comment's line."""
    source, data = built
    document = docx.Document(io.BytesIO(replaced(data, SENTENCE)))
    document.core_properties.last_modified_by = 'Eve\n}\nparty evil { name: "x" }\u2028# '
    out_bytes = io.BytesIO()
    document.save(out_bytes)
    code, out, err, _path, next_source = merged(tmp_path, source, out_bytes.getvalue())
    assert code == 0, out + err
    text = next_source.read_text(encoding="utf-8")
    comment = next(line for line in text.split("\n") if "# pkm merge: the text of returned.docx" in line)
    assert 'changed by Eve } party evil { name: "x" } #' in comment
    assert "party evil" not in text.replace(comment, "")
    code, out, err = run("check", next_source)
    assert "evil" not in out + err


@pytest.mark.slow
def test_the_shares_of_an_allocation_in_the_data_file_come_back_as_new_values_in_its_copy(tmp_path):
    """The three-party template's contributions are an input, `kontribusi: {kph: ..., yayasan: ...}` in its data
    file: the other side moving Rp50.000.000 from one funder to the other is two new values in NEXT.yaml, the
    vetted funding clause kept (before, it was made ad-hoc text)."""
    source, data_file = three_party_copy(tmp_path)
    folder = source.parent
    code, _, err = run("build", source, "--data", data_file, "-o", folder / "v1", "--format", "docx")
    assert code == 0, err
    returned = replaced((folder / "v1" / "tiga.docx").read_bytes(),
                        ("Rp600.000.000,00 (enam ratus juta rupiah)",
                         "Rp550.000.000,00 (lima ratus lima puluh juta rupiah)"),
                        ("IDR 600,000,000.00 (six hundred million rupiah)",
                         "IDR 550,000,000.00 (five hundred fifty million rupiah)"),
                        ("Rp400.000.000,00 (empat ratus juta rupiah)",
                         "Rp450.000.000,00 (empat ratus lima puluh juta rupiah)"),
                        ("IDR 400,000,000.00 (four hundred million rupiah)",
                         "IDR 450,000,000.00 (four hundred fifty million rupiah)"))
    code, out, err, _path, next_source = merged(tmp_path, source, returned, "--data", data_file)
    assert code == 0, out + err
    assert "kph (the input `kontribusi` in tiga.yaml): Rp600.000.000 -> Rp550.000.000" in out
    assert "yayasan (the input `kontribusi` in tiga.yaml): Rp400.000.000 -> Rp450.000.000" in out
    assert "is now ad-hoc" not in out
    assert next_source.read_bytes() == source.read_bytes()
    next_data = tmp_path / "next.yaml"
    assert 'kontribusi: {"kph": "Rp550.000.000,00", "yayasan": "Rp450.000.000,00"}' in next_data.read_text(
        encoding="utf-8").split("\n")
    assert "builds the text of" in out
    # the other side left the budget annex as it was: the check of the next draft says so, funder by funder
    code, out, err = run("check", next_source, "--data", next_data)
    assert code == 1
    assert "PKM180 the budget lines of the FIRST PARTY in Annex III add up to IDR 600,000,000.00, but its part in " \
           "Article 6 is IDR 550,000,000.00 (IDR 50,000,000.00 too much)" in out + err
