"""Tests for the witness (saksi) block below the parties' signatures, in the DOCX and the PDF."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pypdf
import pytest

from tests.support.model_factory import make_agreement
from tests.support.read_back import docx_text
from pkm_docs.model import Agreement, Text, Witness
from pkm_docs.pipeline import compile_agreement
from pkm_docs.renderers.docx import LAYOUTS, render_docx
from pkm_docs.renderers.docx_read import read_docx
from pkm_docs.renderers.pdf import render_pdf

EXAMPLE = "examples/kemitraan_kesehatan.pkm"
HOSTILE = '{{ 7*7 }} #read("x") </w:t>'


@pytest.fixture(scope="module")
def example() -> Agreement:
    agreement = compile_agreement(EXAMPLE).agreement
    assert len(agreement.witnesses) == 2
    return agreement


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def flat(s: str) -> str:
    return " ".join(s.split())


def expected(agreement: Agreement) -> list[str]:
    out = ["Saksi-saksi", "Witnesses"]
    for w in agreement.witnesses:
        out.append(w.name)
        out += [w.position.get(lang) for lang in agreement.languages]
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_docx_shows_witnesses(example: Agreement, layout: str) -> None:
    data = render_docx(example, layout=layout)
    text = flat(docx_text(data))
    for s in expected(example):
        assert flat(s) in text
    outside = " ".join(read_docx(data).outside_text)
    assert "Saksi" not in outside and "Witnesses" not in outside
    for w in example.witnesses:
        assert w.name not in outside
        assert all(w.position.get(lang) not in outside for lang in example.languages)


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["parallel", "sequential"])
def test_pdf_shows_witnesses(example: Agreement, layout: str) -> None:
    text = flat(pdf_text(render_pdf(example, layout=layout)))
    for s in expected(example):
        assert flat(s) in text


def test_no_witnesses_no_block() -> None:
    agreement = make_agreement()
    assert agreement.witnesses == ()
    assert "Saksi" not in docx_text(render_docx(agreement))
    assert "Saksi" not in pdf_text(render_pdf(agreement))


def with_witness(agreement: Agreement, name: str, position: Text) -> Agreement:
    return dataclasses.replace(agreement, witnesses=(Witness("w", name, position),))


def test_hostile_witness_lands_verbatim() -> None:
    agreement = with_witness(make_agreement(), HOSTILE, Text({"id": HOSTILE + " id", "en": HOSTILE + " en"}))
    data = render_docx(agreement)
    text = docx_text(data)
    assert HOSTILE in text and HOSTILE + " id" in text and HOSTILE + " en" in text
    assert "49" not in text.replace(agreement.number, "")
    assert not any(HOSTILE in t for t in read_docx(data).outside_text)
    ptext = pdf_text(render_pdf(agreement))
    assert flat(HOSTILE) in flat(ptext)
    assert flat(HOSTILE + " en") in flat(ptext)


def test_single_language_shows_one_language() -> None:
    base = make_agreement()
    agreement = with_witness(dataclasses.replace(base, languages=("id",)), "Ani Saksi",
                             Text({"id": "Jabatan Saksi", "en": "Witness Position"}))
    for text in (docx_text(render_docx(agreement)), pdf_text(render_pdf(agreement))):
        assert "Saksi-saksi" in text and "Ani Saksi" in text and "Jabatan Saksi" in text
        assert "Witness Position" not in text and "Witnesses" not in text


def signature_fields(pdf: bytes) -> list[tuple[str, int, list[float]]]:
    """Each signature field of a PDF: its name, its page (from 1) and its rectangle (points from the bottom left)."""
    out = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                out.append((str(annot["/T"]), number, [float(x) for x in annot["/Rect"]]))
    return out


@pytest.mark.slow
def test_signature_block_taller_than_a_page_keeps_every_signer_on_the_page(tmp_path) -> None:
    """A party with a name of a dozen lines: the parties' rows and the witnesses no longer fit on one page. Every
    signer still gets a signing space of its own inside the page's text area (above the initials boxes of the
    footer), none over another's, instead of the witnesses' being laid out over each other and under the footer."""
    from pkm_docs.cli import main

    long_name = ("Yayasan Kasih Ibu Flobamora, yang bergerak di bidang kesehatan ibu dan anak, gizi masyarakat, "
                 "pendidikan kesehatan reproduksi, dan pemberdayaan perempuan di seluruh wilayah Provinsi Nusa "
                 "Tenggara Timur termasuk pulau-pulau kecil di sekitarnya, ") * 6
    source = tmp_path / "long.pkm"
    source.write_text(Path(EXAMPLE).read_text(encoding="utf-8").replace(
        '"Yayasan Kasih Ibu Flobamora"', f'"{long_name.strip(", ")}"'), encoding="utf-8")
    err = io.StringIO()
    assert main(["build", str(source), "-o", str(tmp_path / "out"), "--format", "pdf"],
                stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    fields = signature_fields((tmp_path / "out" / "long.pdf").read_bytes())
    assert sorted(name for name, _, _ in fields) == ["dinkes", "saksi_dinas", "saksi_yayasan", "yayasan"]
    cm = 72 / 2.54
    for name, _, (x0, y0, x1, y1) in fields:
        assert y1 - y0 > 1.5 * cm and x1 - x0 > 3 * cm, name
        assert y0 >= 3.2 * cm and y1 <= 841.89 - 2.8 * cm, (name, y0, y1)  # inside the margins of an A4 page
    for i, (name, page, (x0, y0, x1, y1)) in enumerate(fields):
        for other, other_page, (u0, v0, u1, v1) in fields[i + 1:]:
            assert page != other_page or x1 <= u0 or u1 <= x0 or y1 <= v0 or v1 <= y0, (name, other)


@pytest.mark.parametrize("old, new, message, hint", [
    ("witness saksi_yayasan {", "witness yayasan {",
     "PKM020 witness `yayasan` has the key of the party `yayasan`: each party and witness signs in a field named "
     "by its key", "hint: give the witness a key of its own, e.g. `saksi_yayasan` (the party is on line {party})"),
    ("witness saksi_yayasan {", "witness saksi_dinas {", "PKM020 witness `saksi_dinas` is declared twice",
     "hint: the first is on line {first}"),
])
def test_a_witness_key_taken_by_a_party_or_witness_says_which(tmp_path, old, new, message, hint) -> None:
    """A witness with a party's key was reported as "`yayasan` is declared twice", though the user declared one
    witness `yayasan`; neither that nor a witness declared twice said where the first one is."""
    from pkm_docs.cli import main

    text = Path(EXAMPLE).read_text(encoding="utf-8")
    rows = text.splitlines()
    hint = hint.format(party=rows.index("party yayasan {") + 1, first=rows.index("witness saksi_dinas {") + 1)
    source = tmp_path / "dup.pkm"
    source.write_text(text.replace(old, new), encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(source)], stdout=out, stderr=io.StringIO()) == 1
    lines = out.getvalue().splitlines()
    line = rows.index(old) + 1  # the line that was changed
    assert lines[0] == f"{source}:{line}:9: {message}", lines
    assert lines[3] == f"  {hint}", lines
