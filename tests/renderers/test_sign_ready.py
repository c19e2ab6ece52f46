"""The built files carry their manifest where a reader of the document does not trip over it (XMP, DOCX custom
properties), name the source by file name and hash only, and the PDF is ready to sign: one empty signature field
per signer in that signer's box, clear of the e-meterai area."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pypdf
import pytest

from pkm_docs.cli import main
from pkm_docs.renderers.docx_read import read_docx
from pkm_docs.renderers.pdf_read import read_pdf_metadata

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
THREE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"


def build(tmp_path: Path, source: Path, data: Path | None = None, *extra: str) -> dict[str, bytes]:
    """`pkm build` of ``source`` copied into a folder of ``tmp_path`` (so its absolute path is known), by that path."""
    work = tmp_path / "a folder" / "of the builder"
    work.mkdir(parents=True)
    copy = work / source.name
    shutil.copy(source, copy)
    args = ["build", str(copy), "-o", str(work / "out"), *extra]
    if data is not None:
        shutil.copy(data, work / data.name)
        args += ["--data", str(work / data.name)]
    err = io.StringIO()
    assert main(args, stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    return {path.name: path.read_bytes() for path in sorted((work / "out").iterdir())}


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("two")
    return tmp, build(tmp, EXAMPLE)


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("three")
    return tmp, build(tmp, THREE, THREE_DATA)


def every_text(name: str, data: bytes) -> list[bytes]:
    """The bytes of a file and of everything packed inside it: a DOCX's parts, a PDF's streams inflated."""
    texts = [data]
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            texts += [package.read(info) for info in package.infolist()]
    else:
        for match in re.finditer(rb"stream\r?\n", data):
            with contextlib.suppress(zlib.error):
                texts.append(zlib.decompressobj().decompress(data[match.end():match.end() + 5_000_000]))
    return texts


@pytest.mark.parametrize("case", ["two", "three"])
def test_no_output_names_the_folder_it_was_built_in(case: str, request: pytest.FixtureRequest) -> None:
    tmp, files = request.getfixturevalue(case)
    assert files
    for needle in {str(tmp), str(tmp.resolve()), "of the builder", "a folder"}:
        for name, data in files.items():
            for text in every_text(name, data):
                assert needle.encode() not in text, f"{name} holds {needle!r}"
                assert needle.encode("utf-16-be") not in text, f"{name} holds {needle!r} (UTF-16)"


def test_the_manifest_names_the_source_by_file_name_and_hash(two) -> None:
    _, files = two
    manifest, _, where = read_pdf_metadata(files["kemitraan_kesehatan.pdf"])
    assert where == "XMP"
    assert manifest["source"]["file"] == "kemitraan_kesehatan.pkm"
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["source"]["sha256"])
    docx_manifest = read_docx(files["kemitraan_kesehatan.docx"]).manifest
    assert docx_manifest == manifest


def test_the_docx_keeps_its_manifest_in_the_custom_properties(two) -> None:
    _, files = two
    with zipfile.ZipFile(io.BytesIO(files["kemitraan_kesehatan.docx"])) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        core = package.read("docProps/core.xml").decode("utf-8")
    assert 'name="pkm-manifest"' in custom
    assert "pkm-docs 0.1.0" not in core.split("<dc:subject>")[-1].split("</dc:subject>")[0]


def test_the_pdf_subject_is_the_title(two) -> None:
    _, files = two
    info = pypdf.PdfReader(io.BytesIO(files["kemitraan_kesehatan.pdf"])).metadata
    assert info.subject == info.title
    assert not info.subject.startswith("{")


# ---------------------------------------------------------------- sign-ready


def signature_fields(pdf: bytes) -> dict[str, dict]:
    """Every signature field by name: its page (1 for the first), box and whether it holds a signature."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fields = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                fields[str(annot["/T"])] = {"page": number, "box": [float(v) for v in annot["/Rect"]],
                                            "signed": "/V" in annot, "flags": int(annot["/F"]),
                                            "appearance": "/N" in (annot.get("/AP") or {})}
    return fields


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("case", "pdf_name", "parties", "witnesses"), [
    ("two", "kemitraan_kesehatan.pdf", ["dinkes", "yayasan"], ["saksi_dinas", "saksi_yayasan"]),
    ("three", "kehutanan_tiga_pihak.pdf", None, None),
])
def test_one_empty_signature_field_per_signer_clear_of_the_meterai(case, pdf_name, parties, witnesses, request):
    _, files = request.getfixturevalue(case)
    pdf = files[pdf_name]
    fields = signature_fields(pdf)
    _, layout, _ = read_pdf_metadata(pdf)
    if parties is None:  # the three-party template: its keys are whatever the template declares
        assert len(layout["fields"]) >= 3
    else:
        assert list(fields) == parties + witnesses
    assert [f["key"] for f in layout["fields"]] == list(fields)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    signing_page = fields[next(iter(fields))]["page"]
    after = [reader.pages[i].extract_text() for i in range(signing_page, len(reader.pages))]
    assert after and all("LAMPIRAN" in text for text in after), "only the annexes follow the signature page"
    for name, field in fields.items():
        assert field["page"] == signing_page, f"{name} is not on the signature page"
        assert not field["signed"]
        assert field["flags"] & 4 and not field["flags"] & 2, "a field must print and not be hidden (PDF/A)"
        assert field["appearance"], "PDF/A wants an appearance for every widget"
        left, bottom, right, top = field["box"]
        assert right - left >= 80 and top - bottom >= 50, f"{name} is too small to sign in: {field['box']}"
        for meterai in layout["meterai"]:
            assert not overlap(field["box"], meterai["box"]), f"{name} covers the e-meterai area of {meterai['key']}"
        for other, box in fields.items():
            assert other == name or not overlap(field["box"], box["box"])
    assert layout["meterai"], "the parties affix a meterai: its areas are recorded"


def test_each_field_is_in_its_partys_column(two) -> None:
    """The first party signs on the left, the second on the right, each above its own printed name."""
    _, files = two
    pdf = files["kemitraan_kesehatan.pdf"]
    fields = signature_fields(pdf)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[fields["dinkes"]["page"] - 1]  # the annexes come after it
    found: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        for name in ("dr. Maria Y. Lerik", "Yohana Ndun"):
            if name in text:
                found[name] = (tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    for key, name in (("dinkes", "dr. Maria Y. Lerik"), ("yayasan", "Yohana Ndun")):
        x, y = found[name]
        left, bottom, right, _ = fields[key]["box"]
        assert bottom > y, f"the field of {key} is not above {name}"
        assert left - 40 <= x <= right + 40, f"the field of {key} is not in the column of {name}"


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@pytest.mark.parametrize("case", ["two", "three"])
def test_the_sign_ready_pdf_is_sound_and_still_pdf_a(case: str, request, tmp_path: Path) -> None:
    _, files = request.getfixturevalue(case)
    for name, data in files.items():
        if not name.endswith(".pdf"):
            continue
        path = tmp_path / name
        path.write_bytes(data)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and "No syntax or stream encoding errors" in result.stdout, result.stdout
        xmp = pypdf.PdfReader(io.BytesIO(data)).xmp_metadata.stream.get_data().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert b"%%EOF\n1 0 obj" not in data and re.search(rb"%%EOF\r?\n\d+ 0 obj", data), \
            "the update starts on a line of its own"


@pytest.mark.skipif(shutil.which("pdfinfo") is None or shutil.which("qpdf") is None,
                    reason="poppler's pdfinfo or qpdf is not installed")
def test_the_update_keeps_the_title_and_the_file_identifier(two, tmp_path: Path) -> None:
    """The update's trailer repeats typst's (ISO 32000-1, 7.5.6): a reader that reads the newest trailer alone
    (poppler) still shows the title, and the file identifier's first part is still typst's."""
    data = two[1]["kemitraan_kesehatan.pdf"]
    path = tmp_path / "agreement.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Perjanjian Kemitraan tentang Pelayanan Kesehatan Ibu dan Anak di Kota Kupang", info,
                     re.MULTILINE), info
    typst_trailer = data[:data.index(b"%%EOF")].rsplit(b"trailer", 1)[1]
    typst_id = re.search(rb"/ID\s*\[\s*\(([^)]*)\)", typst_trailer)
    assert typst_id is not None
    latest = subprocess.run(["qpdf", "--show-object=trailer", str(path)], capture_output=True, text=True,
                            check=True).stdout
    first = typst_id.group(1)
    assert f"/ID [ ({first.decode('latin-1')})" in latest or f"/ID [ <{first.hex()}>" in latest, latest
    assert "/Info " in latest and "/Prev " in latest, latest


def test_a_rebuild_gives_the_same_bytes(two, tmp_path: Path) -> None:
    _, files = two
    again = build(tmp_path, EXAMPLE)
    assert again == files
