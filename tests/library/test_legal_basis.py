"""The dasar hukum (issue 15): every scheme requires one, each template and the example print theirs between the
recitals and Pasal 1, with the law of the partner's form and the sector's laws, and the contradictions issue 15
listed are gone from what is built."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from pkm_docs.cli import main
from tests.support.read_back import pdf_texts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
LEGAL_BASIS_USE = "  use legal_basis.health@^1 { partner_forms: yayasan }\n"
PERMENDAGRI = ("Peraturan Menteri Dalam Negeri Nomor 22 Tahun 2020 tentang Tata Cara Kerja Sama Daerah dengan Daerah "
               "Lain dan Kerja Sama Daerah dengan Pihak Ketiga")
YAYASAN = ("Undang-Undang Nomor 16 Tahun 2001 tentang Yayasan sebagaimana telah diubah dengan Undang-Undang Nomor 28 "
           "Tahun 2004 tentang Perubahan atas Undang-Undang Nomor 16 Tahun 2001 tentang Yayasan")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def build_pdf(tmp_path: Path, source: Path, data: Path | None = None) -> tuple[str, str]:
    """The Indonesian and English columns of the built PDF, whitespace collapsed."""
    argv = ["build", str(source), "-o", str(tmp_path), "--format", "pdf"]
    if data is not None:
        argv += ["--data", str(data)]
    code, _, err = run(*argv)
    assert code == 0, err
    _, left, right = pdf_texts((tmp_path / f"{source.stem}.pdf").read_bytes())
    # a word broken at its hyphen at the end of a line ("Undang-" / "Undang") reads as one
    def joined(column: str) -> str:
        return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(column.split()))
    return joined(left), joined(right)


def in_order(text: str, *needles: str) -> None:
    at = 0
    for needle in needles:
        found = text.find(needle, at)
        assert found >= 0, f"{needle!r} missing after position {at}"
        at = found + len(needle)


@pytest.mark.slow
def test_the_example_prints_its_dasar_hukum_between_the_recitals_and_pasal_1(tmp_path):
    left, right = build_pdf(tmp_path, EXAMPLE)
    in_order(left, "bahwa PARA PIHAK mempunyai tujuan bersama",
             "PARA PIHAK mengadakan kemitraan ini dengan berpedoman pada ketentuan peraturan perundang-undangan "
             "sebagai berikut:", f"a. {YAYASAN};",
             "b. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
             "terakhir dengan Undang-Undang Nomor 6 Tahun 2023", "c. Undang-Undang Nomor 27 Tahun 2022 tentang "
             "Pelindungan Data Pribadi;", "d. Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan;",
             "e. Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah; dan", f"f. {PERMENDAGRI}.",
             "Berdasarkan hal-hal tersebut di atas, PARA PIHAK sepakat untuk mengadakan", "Pasal 1")
    in_order(right, "The PARTIES enter into this partnership guided by the following laws and regulations:",
             "a. Law Number 16 of 2001 on Foundations, as amended by Law Number 28 of 2004", "d. Law Number 17 of "
             "2023 on Health;", "f. Regulation of the Minister of Home Affairs Number 22 of 2020 on Procedures for "
             "Regional Cooperation with Other Regions and Regional Cooperation with Third Parties.",
             "On the basis of the foregoing, the PARTIES agree to enter into", "Article 1")
    assert left.count("sepakat untuk mengadakan") == 1  # the opening no longer says it before the dasar hukum


@pytest.mark.slow
def test_a_partner_law_between_written_items_is_punctuated_by_its_place(tmp_path):
    """The three-party forestry template names the yayasan's law after UU 41/1999 and before UU 23/2014; the
    two-party one, with a kelompok tani hutan only, names none."""
    template = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
    left, _ = build_pdf(tmp_path / "three", template, template.with_suffix(".sample.yaml"))
    in_order(left, "a. Undang-Undang Nomor 41 Tahun 1999 tentang Kehutanan", f"b. {YAYASAN};",
             "c. Undang-Undang Nomor 23 Tahun 2014", "e. Peraturan Pemerintah Nomor 23 Tahun 2021 tentang "
             "Penyelenggaraan Kehutanan;", f"f. {PERMENDAGRI}; dan", "g. Peraturan Menteri Lingkungan Hidup dan "
             "Kehutanan Nomor 9 Tahun 2021 tentang Pengelolaan Perhutanan Sosial.")
    template = ROOT / "templates" / "kehutanan.pkm"
    left, _ = build_pdf(tmp_path / "two", template, template.with_suffix(".sample.yaml"))
    assert "tentang Yayasan" not in left
    in_order(left, "a. Undang-Undang Nomor 41 Tahun 1999 tentang Kehutanan", "b. Undang-Undang Nomor 23 Tahun 2014")


def test_every_scheme_requires_a_dasar_hukum(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert LEGAL_BASIS_USE in text
    path = tmp_path / "agreement.pkm"
    path.write_text(text.replace(LEGAL_BASIS_USE, ""), encoding="utf-8")
    code, out, _ = run("check", str(path), "--format", "json")
    [found] = [d for d in json.loads(out) if d["code"] == "PKM101"]
    assert code == 1 and found["severity"] == "error"
    assert found["message_en"] == ('mandatory section "Legal Basis" (`legal_basis`) is missing from this '
                                   '`pkm-standar` agreement')
    assert found["message_id"] == ('bagian wajib "Dasar Hukum" (`legal_basis`) tidak ada dalam perjanjian skema '
                                   '`pkm-standar`')
    assert found["line"] == text.splitlines().index("agreement {") + 1
    assert found["hint"].startswith("add to the preamble (`preamble { ... }`) one of these clauses:")
    for clause in ("legal_basis.health", "legal_basis.education", "legal_basis.social_forestry"):
        assert f"`{clause}`" in found["hint"]
    code, out, _ = run("check", str(ROOT / "templates" / "kehutanan.pkm"), "--data",
                       str(ROOT / "templates" / "kehutanan.sample.yaml"))
    assert code == 0 and "PKM101" not in out


def test_the_sector_laws_are_typed_choices_and_an_unknown_form_is_refused(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("partner_forms: yayasan", "partner_forms: perkumpulan")
    path = tmp_path / "agreement.pkm"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("check", str(path))
    line = text.splitlines().index("  use legal_basis.health@^1 { partner_forms: perkumpulan }") + 1
    assert code == 1
    assert re.search(rf"agreement\.pkm:{line}:\d+: PKM015 .*perkumpulan", out), out


@pytest.mark.slow
def test_no_built_output_ends_the_agreement_on_a_change_of_policy(tmp_path):
    left, right = build_pdf(tmp_path, EXAMPLE)
    assert "perubahan kebijakan" not in left and "change in policy" not in right
    assert "d. terdapat perubahan ketentuan peraturan perundang-undangan yang mengakibatkan Perjanjian ini tidak " \
           "dapat dilaksanakan;" in left
    code, out, _ = run("library", "show", "termination.grounds@1.1.0")
    assert code == 0 and "perubahan kebijakan" in out  # the old version is kept as it was
