"""pkm sign and pkm verify, through the CLI: build, sign by each party in turn, verify; then tamper and see it said.

Certificates come from tests/support/pki.py (a CA and one signer per party, made with `cryptography`).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from tests.golden.golden import CASES as GOLDEN_CASES
from tests.support.pki import authority
from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
THREE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def built_pdf(folder: Path, source: Path, data: Path | None = None) -> Path:
    extra = ["--data", str(data)] if data else []
    code, _, err = run("build", str(source), "-o", str(folder), "--format", "pdf", *extra)
    assert code == 0, err
    return folder / (source.stem + ".pdf")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca = authority(folder)
    signers = {key: ca.issue(folder, name) for key, name in (
        ("dinkes", "dr. Maria Y. Lerik"), ("yayasan", "Yohana Ndun"),
        ("kph", "Ir. Lalu Hamzah"), ("kth", "Amaq Sahnan"), ("yayasan3", "Dr. Baiq Nurul Aini"))}
    passphrase = folder / "passphrase.txt"
    passphrase.write_text("rahasia\n", encoding="utf-8")
    return {"ca": ca, "signers": signers, "passphrase": passphrase, "folder": folder}


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory) -> Path:
    return built_pdf(tmp_path_factory.mktemp("unsigned"), EXAMPLE)


def sign(pdf: Path, key: str, pki, p12_key: str | None = None, *extra: str) -> tuple[int, str, str]:
    return run("sign", str(pdf), "--party", key, "--p12", str(pki["signers"][p12_key or key]),
               "--passphrase-file", str(pki["passphrase"]), *extra)


def verify(pdf: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = run("verify", str(pdf), "--format", "json", *extra)
    assert not err, err
    return code, json.loads(out)


@pytest.fixture(scope="module")
def signed_two(unsigned, pki, tmp_path_factory) -> Path:
    """The example signed by the first party, then by the second, each into its own field."""
    pdf = tmp_path_factory.mktemp("signed") / "kemitraan_kesehatan.pdf"
    shutil.copy(unsigned, pdf)
    for key in ("dinkes", "yayasan"):
        code, out, err = sign(pdf, key, pki, None, "--reason", "Menyetujui / Approved")
        assert code == 0, err
        assert f"for `{key}`" in out
    return pdf


def findings(report: dict, area: str, status: str | None = None) -> list[dict]:
    return [f for f in report["findings"] if f["area"] == area and (status is None or f["status"] == status)]


# ---------------------------------------------------------------- signing


@pytest.mark.slow
def test_two_parties_sign_in_turn_and_verify_passes(signed_two, pki) -> None:
    code, report = verify(signed_two, "--trust", str(pki["ca"].pem))
    assert code == 0, json.dumps(report, indent=1)
    assert report["passed"]
    signatures = [f for f in findings(report, "signature", "ok") if "signer" in f]
    assert [(f["field"], f["signer"]) for f in signatures] == [("dinkes", "dr. Maria Y. Lerik"),
                                                               ("yayasan", "Yohana Ndun")]
    assert signatures[0]["coverage"] == "ENTIRE_REVISION" and signatures[1]["coverage"] == "ENTIRE_FILE"
    assert any("only signed `yayasan`" in f["message"] for f in findings(report, "signature", "ok"))
    assert any("chain leads to a trust root" in f["message"] for f in findings(report, "signature", "ok"))
    assert findings(report, "text", "ok") and not findings(report, "text", "FAIL")
    assert any("not yet signed: saksi_dinas, saksi_yayasan" in f["message"] for f in findings(report, "signature"))


@pytest.mark.slow
def test_without_trust_roots_the_chain_is_not_checked_never_valid(signed_two) -> None:
    code, out, _ = run("verify", str(signed_two))
    assert code == 0
    assert "not checked signature: `dinkes`: the certificate chain" in out
    assert "chain leads to a trust root" not in out
    assert "(not checked: 2, listed above)" in out


@pytest.mark.slow
def test_a_root_that_did_not_issue_the_certificates_fails(signed_two, tmp_path) -> None:
    stranger = authority(tmp_path / "other", "CA Lain")
    code, report = verify(signed_two, "--trust", str(stranger.pem))
    assert code == 1
    assert any("does not chain to a trust root" in f["message"] for f in findings(report, "signature", "FAIL"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_the_signed_file_is_sound_pdf_a_with_embedded_fonts(signed_two) -> None:
    result = subprocess.run(["qpdf", "--check", str(signed_two)], capture_output=True, text=True)
    assert result.returncode == 0 and "No syntax or stream encoding errors" in result.stdout, result.stdout
    reader = pypdf.PdfReader(signed_two)
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert 'pdfaid:part="2"' in xmp or "<pdfaid:part>2<" in xmp
    assert "ns0:" not in xmp, "typst's XMP prefixes survive the signatures"
    assert "/Version" not in reader.trailer["/Root"] or reader.trailer["/Root"]["/Version"] != "/2.0"
    code, out, _ = run("verify", "--preflight", str(signed_two))
    assert code == 0, out
    assert "every font embedded" in out  # the stamps' font too
    stamps = [a.get_object() for page in reader.pages for a in page.get("/Annots", ()) if "/V" in a.get_object()]
    assert len(stamps) == 2
    for stamp in stamps:
        fonts = stamp["/AP"]["/N"].get_object()["/Resources"]["/Font"]
        for font in fonts.values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_a_wrong_passphrase_is_a_clear_error_and_writes_nothing(unsigned, pki, tmp_path) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copy(unsigned, pdf)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("salah\n", encoding="utf-8")
    code, _, err = run("sign", str(pdf), "--party", "dinkes", "--p12", str(pki["signers"]["dinkes"]),
                       "--passphrase-file", str(wrong), "-o", str(tmp_path / "out.pdf"))
    assert code == 2
    assert "wrong passphrase, or not a PKCS#12 (.p12) file" in err and "Traceback" not in err
    assert pdf.read_bytes() == unsigned.read_bytes()
    assert not (tmp_path / "out.pdf").exists()


def test_an_unknown_party_is_a_clear_error_naming_the_fields(unsigned, pki, tmp_path) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copy(unsigned, pdf)
    code, _, err = sign(pdf, "dinas", pki, "dinkes")
    assert code == 2
    assert "has no signature field for the party `dinas`; its fields: dinkes, yayasan, saksi_dinas, saksi_yayasan" \
        in err
    assert pdf.read_bytes() == unsigned.read_bytes()


@pytest.mark.slow
def test_a_party_signs_once(signed_two, pki, tmp_path) -> None:
    copy = tmp_path / "again.pdf"
    shutil.copy(signed_two, copy)
    code, _, err = sign(copy, "dinkes", pki)
    assert code == 2 and "has signed kemitraan_kesehatan.pdf already" not in err
    assert "the party `dinkes` has signed again.pdf already" in err
    assert copy.read_bytes() == signed_two.read_bytes()


@pytest.mark.slow
def test_output_goes_to_o_and_leaves_the_input_as_it_was(unsigned, pki, tmp_path) -> None:
    out = tmp_path / "signed.pdf"
    code, _, err = sign(unsigned, "yayasan", pki, None, "-o", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(unsigned.read_bytes()), "an incremental update keeps the built file whole"


@pytest.mark.slow
def test_three_parties_sign_in_turn_and_verify_passes(tmp_path, pki) -> None:
    pdf = built_pdf(tmp_path, THREE, THREE_DATA)
    for key, p12 in (("kph", "kph"), ("kth", "kth"), ("yayasan", "yayasan3")):
        code, _, err = sign(pdf, key, pki, p12)
        assert code == 0, err
    code, report = verify(pdf, "--trust", str(pki["ca"].pem))
    assert code == 0, json.dumps(report, indent=1)
    signers = [f["signer"] for f in findings(report, "signature", "ok") if "signer" in f]
    assert signers == ["Ir. Lalu Hamzah", "Amaq Sahnan", "Dr. Baiq Nurul Aini"]


# ---------------------------------------------------------------- tampering


@pytest.mark.slow
def test_a_byte_changed_inside_a_signed_range_is_caught(signed_two, tmp_path) -> None:
    data = bytearray(signed_two.read_bytes())
    at = data.index(b"Kupang")  # in the metadata of the first revisions, which both signatures cover
    data[at] = ord("X")
    bad = tmp_path / "flipped.pdf"
    bad.write_bytes(bytes(data))
    code, report = verify(bad)
    assert code == 1
    failed = findings(report, "signature", "FAIL")
    assert {f["field"] for f in failed} == {"dinkes", "yayasan"}
    assert all("altered since (integrity broken)" in f["message"] for f in failed)


def _incremental_page_change(pdf: bytes) -> bytes:
    """A later revision that draws a white box over the signature page's text, as an edit would."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    cover = generic.StreamObject(stream_data=b"q 1 1 1 rg 70 600 200 40 re f Q")
    contents = page.raw_get("/Contents")
    kept = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject(kept + [writer.add_object(cover)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.slow
def test_an_incremental_update_changing_a_page_is_caught(signed_two, tmp_path) -> None:
    bad = tmp_path / "edited.pdf"
    bad.write_bytes(_incremental_page_change(signed_two.read_bytes()))
    code, report = verify(bad)
    assert code == 1
    failed = findings(report, "signature", "FAIL")
    assert failed, json.dumps(report, indent=1)
    assert any("page 1: its content was rewritten" in change for f in failed for change in f.get("changes", []))


@pytest.mark.slow
def test_a_changed_manifest_after_signing_is_caught(signed_two, tmp_path) -> None:
    """pyHanko's own policy lets a later metadata change pass; verify compares the signed revision's manifest."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from pkm_docs.renderers.pdf_finish import xmp_with_properties
    from pkm_docs.signing import prepare_pyhanko

    prepare_pyhanko()
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_two.read_bytes()), strict=False)
    meta_ref = writer.root.raw_get("/Metadata")
    old = meta_ref.get_object().data
    forged = xmp_with_properties(old, {"manifest": json.dumps({"generator": "pkm-docs 0.1.0", "clauses": []})})
    stream = generic.StreamObject({generic.NameObject("/Type"): generic.NameObject("/Metadata"),
                                   generic.NameObject("/Subtype"): generic.NameObject("/XML")}, stream_data=forged)
    writer.root["/Metadata"] = writer.add_object(stream)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    bad = tmp_path / "forged.pdf"
    bad.write_bytes(out.getvalue())
    code, report = verify(bad)
    assert code == 1
    changes = [c for f in findings(report, "signature", "FAIL") for c in f.get("changes", [])]
    assert "the manifest in the metadata differs from the one signed" in changes


def _raw(part) -> bytes | None:
    from pypdf.generic import ByteStringObject, TextStringObject

    if isinstance(part, TextStringObject):
        return part.original_bytes
    if isinstance(part, ByteStringObject):
        return bytes(part)
    return None


def _swap_text(pdf: bytes, wanted: str, replacement: str, record: bool = False) -> bytes:
    """``pdf`` rewritten with the first ``wanted`` on a page shown as ``replacement`` (as long): the glyphs change,
    and the metadata does not, as a forger with a PDF editor would leave it; ``record`` also forges the clause
    texts recorded in the XMP to match."""
    from pypdf.generic import ByteStringObject, ContentStream

    from pkm_docs.renderers.pdf_finish import xmp_with_properties
    from pkm_docs.renderers.pdf_read import xmp_properties

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    for page in writer.pages:
        if wanted not in page.extract_text():
            continue
        glyphs = {}
        for name, font in page["/Resources"]["/Font"].items():
            cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
            pairs = [line.split() for line in cmap.splitlines() if line.startswith("<") and line.count("<") == 2]
            glyphs[name] = {chr(int(u.strip("<>"), 16)): bytes.fromhex(g.strip("<>")) for g, u in pairs
                            if len(u.strip("<>")) == 4}
        content = ContentStream(page.get_contents(), reader)
        font = None
        for operands, operator in content.operations:
            if operator == b"Tf":
                font = operands[0]
            if operator != b"TJ" or font not in glyphs or any(ch not in glyphs[font] for ch in wanted + replacement):
                continue
            mapping = glyphs[font]
            target = b"".join(mapping[ch] for ch in wanted)
            for i, part in enumerate(operands[0]):
                raw = _raw(part)
                if raw is not None and target in raw:
                    swapped = b"".join(mapping[ch] for ch in replacement)
                    operands[0][i] = ByteStringObject(raw.replace(target, swapped, 1))
                    page.replace_contents(content)
                    if record:
                        xmp = writer.root_object["/Metadata"].get_object().get_data()
                        clauses = xmp_properties(xmp)["clauses"]
                        assert wanted in clauses
                        writer.xmp_metadata = xmp_with_properties(
                            xmp, {**xmp_properties(xmp), "clauses": clauses.replace(wanted, replacement, 1)})
                    out = io.BytesIO()
                    writer.write(out)
                    return out.getvalue()
    raise AssertionError(f"{wanted} not found as one run of glyphs")


def _swap_digit(pdf: bytes, wanted: str, old: str, new: str) -> bytes:
    return _swap_text(pdf, wanted[:3], new + wanted[1:3])


@pytest.mark.slow
def test_an_amount_swapped_in_the_text_is_caught(unsigned, tmp_path) -> None:
    bad = tmp_path / "amount.pdf"
    bad.write_bytes(_swap_digit(unsigned.read_bytes(), "950.000.000", "9", "1"))
    assert "150.000.000" in "".join(p.extract_text() for p in pypdf.PdfReader(bad).pages)
    code, report = verify(bad)
    assert code == 1
    failed = findings(report, "text", "FAIL")
    assert failed and failed[0]["clause"] == "funding.cost_sharing@3.0.0"
    assert any("950.000.000" in c and "150.000.000" in c for f in failed for c in f["changes"]), failed


@pytest.mark.slow
def test_an_amount_swapped_in_an_annex_table_is_caught(unsigned, tmp_path) -> None:
    """A budget line of Lampiran II changed on the page (Rp390.000.000 -> Rp190.000.000, a figure no article prints)
    is caught in its table and row, though the table's cells come off the page interleaved line by line."""
    page_text = "".join(p.extract_text() for p in pypdf.PdfReader(unsigned).pages)
    assert page_text.count("390.000.000") == 1  # only in the budget annex's Indonesian table
    bad = tmp_path / "annex.pdf"
    bad.write_bytes(_swap_digit(unsigned.read_bytes(), "390.000.000", "3", "1"))
    assert "Rp190.000.000" in "".join(p.extract_text() for p in pypdf.PdfReader(bad).pages)
    code, report = verify(bad)
    assert code == 1
    failed = findings(report, "text", "FAIL")
    assert [(f["clause"], f["language"]) for f in failed] == [("annex.budget@1.0.0", "id")], failed
    assert "(Lampiran II, id, table 1, row 2)" in failed[0]["message"]
    assert failed[0]["changes"] == ["not found on the pages in its row: 'Rp390.000.000,00'"]


@pytest.mark.slow
def test_an_unchanged_pdf_has_every_annex_table_cell_on_its_pages(unsigned) -> None:
    code, report = verify(unsigned)
    assert code == 0
    ok = [f["message"] for f in findings(report, "text", "ok")]
    assert any("every cell of their 2 annex tables" in message for message in ok), ok


@pytest.mark.slow
def test_a_draft_is_not_signed_and_does_not_verify(tmp_path, pki) -> None:
    code, _, err = run("build", str(EXAMPLE), "-o", str(tmp_path), "--format", "pdf", "--draft")
    assert code == 0, err
    pdf = tmp_path / "kemitraan_kesehatan.pdf"
    before = pdf.read_bytes()
    code, _, err = sign(pdf, "dinkes", pki)
    assert code == 2 and "is a draft (built with --draft" in err
    assert pdf.read_bytes() == before
    code, out, _ = run("verify", str(pdf))
    assert code == 1 and "FAIL        manifest: a draft" in out
    assert "FAIL        text" not in out, "the watermark is not read as part of the text"


@pytest.mark.slow
def test_vetted_words_changed_on_the_page_and_in_the_record_are_caught(unsigned, tmp_path) -> None:
    """A forger who edits a clause's words and its recorded text alike (the page then matches the record) is still
    caught: the recorded text is not the library version's wording."""
    bad = tmp_path / "forged.pdf"
    bad.write_bytes(_swap_text(unsigned.read_bytes(), "ditanggung", "dibayarkan", record=True))
    code, report = verify(bad)
    assert code == 1
    assert not [f for f in findings(report, "text", "FAIL") if "reads differently on the pages" in f["message"]]
    wording = [f for f in findings(report, "text", "FAIL") if "not what this library version says" in f["message"]]
    assert [f["clause"] for f in wording] == ["funding.cost_sharing@3.0.0"]


def test_a_pdf_from_another_program_carries_no_manifest(tmp_path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    other = tmp_path / "other.pdf"
    with other.open("wb") as handle:
        writer.write(handle)
    code, out, _ = run("verify", str(other))
    assert code == 1
    assert "carries no manifest" in out
    assert "FAILED" in out


@pytest.mark.slow
def test_the_unsigned_build_verifies_and_says_it_is_not_signed(unsigned) -> None:
    code, out, _ = run("verify", str(unsigned))
    assert code == 0, out
    assert "not signed: empty signature fields dinkes, yayasan, saksi_dinas, saksi_yayasan" in out
    assert "unchanged (a model text, approved by no one)" in out


@pytest.mark.slow
def test_a_clause_changed_in_the_library_since_the_build_is_caught(unsigned, tmp_path) -> None:
    library = tmp_path / "library"
    shutil.copytree(ROOT / "clause_library", library)
    target = next(p for p in library.rglob("*.pkm") if "funding.cost_sharing" in p.read_text(encoding="utf-8"))
    text = target.read_text(encoding="utf-8")
    clause = "Perjanjian ini sebesar {total} ditanggung bersama oleh PARA PIHAK dengan"  # 3.0.0's first paragraph
    assert text.count(clause) == 1
    target.write_text(text.replace(clause, clause.replace("bersama", "bersama-sama")), encoding="utf-8")
    assert target.read_text(encoding="utf-8") != text
    code, report = verify(unsigned, "--library", str(library))
    assert code == 1
    assert any(f["clause"] == "funding.cost_sharing@3.0.0" and "has changed in the library" in f["message"]
               for f in findings(report, "clauses", "FAIL"))


def test_the_docx_is_verified_against_the_library(tmp_path) -> None:
    code, _, err = run("build", str(EXAMPLE), "-o", str(tmp_path), "--format", "docx")
    assert code == 0, err
    code, out, _ = run("verify", str(tmp_path / "kemitraan_kesehatan.docx"))
    assert code == 0, out
    assert "funding.cost_sharing@3.0.0 unchanged" in out
    assert "not checked signature" in out


def test_preflight_passes_on_the_build_and_names_what_it_checks(unsigned) -> None:
    code, out, _ = run("verify", "--preflight", str(unsigned))
    assert code == 0, out
    pages = len(pypdf.PdfReader(str(unsigned)).pages)
    assert pages > 1
    for words in (f"all {pages} pages A4", "PDF version 1.7", "every font embedded",
                  "signature fields: dinkes, yayasan, saksi_dinas, saksi_yayasan",
                  "no signature field covers the 2 e-meterai area(s)"):
        assert words in out


def test_preflight_fails_a_pdf_without_fields_or_a4(tmp_path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)  # US Letter
    other = tmp_path / "letter.pdf"
    with other.open("wb") as handle:
        writer.write(handle)
    code, out, _ = run("verify", "--preflight", str(other))
    assert code == 1
    assert "pages not A4: 1" in out and "no signature fields" in out


@pytest.mark.slow
def test_a_file_cut_back_to_an_earlier_revision_says_who_has_not_signed(signed_two, tmp_path) -> None:
    """Dropping the last update leaves a valid file with one signature fewer: verify says whose field is empty."""
    data = signed_two.read_bytes()
    ends = [i for i in range(len(data)) if data.startswith(b"%%EOF", i)]
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[:ends[-2] + len(b"%%EOF")] + b"\n")
    code, out, _ = run("verify", str(cut))
    assert code == 0, out
    assert "`dinkes` signed by dr. Maria Y. Lerik" in out and "`yayasan` signed" not in out
    assert "not yet signed: yayasan, saksi_dinas, saksi_yayasan" in out


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\ngarbage", "cut"], ids=["empty", "garbage", "truncated"])
def test_a_damaged_file_is_a_clear_error_for_sign_and_verify(content, unsigned, pki, tmp_path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(unsigned.read_bytes()[:5000] if content == "cut" else content)
    before = bad.read_bytes()
    for command in (["verify", str(bad)], ["verify", "--preflight", str(bad)],
                    ["sign", str(bad), "--party", "dinkes", "--p12", str(pki["signers"]["dinkes"]),
                     "--passphrase-file", str(pki["passphrase"])]):
        code, out, err = run(*command)
        assert code == 2, (command, out, err)
        assert err.startswith("pkm: error: cannot ") and "Traceback" not in err, err
    assert bad.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize("case", GOLDEN_CASES, ids=lambda c: c.name)
def test_every_golden_build_verifies(case, tmp_path, monkeypatch) -> None:
    """Every agreement the golden corpus builds verifies against its library: its page text is its recorded text,
    and that is its library versions' wording; a draft fails as a draft and for nothing else."""
    monkeypatch.chdir(ROOT)
    code, _, err = run("build", *case.args, "-o", str(tmp_path), "--format", "pdf")
    assert code == 0, err
    args = list(case.args)
    library = ["--library", args[args.index("--library") + 1]] if "--library" in args else []
    for pdf in sorted(tmp_path.glob("*.pdf")):
        code, report = verify(pdf, *library)
        failed = [f["message"] for f in report["findings"] if f["status"] == "FAIL"]
        if "--draft" in args:
            assert code == 1 and len(failed) == 1 and failed[0].startswith("a draft"), failed
        else:
            assert code == 0, failed
        assert findings(report, "text", "ok"), report


@pytest.mark.slow
def test_an_ec_key_is_signed_with_a_note_and_preflight_names_pdf_2(unsigned, tmp_path) -> None:
    """pyHanko declares PDF 2.0 for an ECDSA signature, which PDF/A-2b forbids: pkm says so instead of hiding it."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Penanda Tangan EC")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    p12 = tmp_path / "ec.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"ec", key, cert, None, serialization.NoEncryption()))
    pdf = tmp_path / "ec.pdf"
    shutil.copy(unsigned, pdf)
    code, out, err = run("sign", str(pdf), "--party", "dinkes", "--p12", str(p12))
    assert code == 0, err
    assert "note: the key is EC, not RSA" in out
    code, out, _ = run("verify", "--preflight", str(pdf))
    assert code == 1 and "FAIL        preflight: PDF version 2.0" in out


def test_verify_names_the_article_of_an_adhoc_text_as_build_does(tmp_path) -> None:
    """`pkm build` says "Pasal 23 (9)"; `pkm verify` said "ad-hoc text in 23", a bare number (and "annex_I" for
    an annex): it names the place the same way."""
    source = tmp_path / "adhoc.pkm"
    source.write_text(EXAMPLE.read_text(encoding="utf-8") + '''
article "Ketentuan Khusus" / "Special Provisions" {
  text { id: """(1) PARA PIHAK sepakat menanam kopi.""" en: """(1) The PARTIES agree to plant coffee.""" }
}
''', encoding="utf-8")
    code, out, err = run("build", str(source), "-o", str(tmp_path / "out"), "--format", "docx")
    assert code == 0, err
    place = out.split("(ad-hoc text): ")[1].split(" (")[0]
    assert place.startswith("Pasal ")
    code, out, _ = run("verify", str(tmp_path / "out" / "adhoc.docx"))
    assert f"ad-hoc text in {place} (5 words)" in out, out
