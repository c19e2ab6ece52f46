"""The komparisi of a government party (issue 15): a dinas or a KPH is a perangkat daerah, not a legal person.

Its official signs in office for and on behalf of the regional government (`acts_for`), under the kepala
daerah's surat kuasa with its number and date; `pkm check` (PKM121) says so at the line of the value, in both
languages, and the built documents print it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pkm_docs.cli import main
from tests.support.read_back import docx_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "examples" / "kemitraan_kesehatan.pkm").read_text(encoding="utf-8")
THREE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_DATA = (ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8")
AUTHORITY = ('  authority: "Surat Kuasa Wali Kota Kupang Nomor 180/45/HK/2026 tanggal 20 November 2026"\n'
             '           / "Power of Attorney of the Mayor of Kupang Number 180/45/HK/2026 dated 20 November 2026"\n')
ACTS_FOR = '  acts_for: "Pemerintah Kota Kupang" / "the Kupang City Government"\n'


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def edited(old: str, new: str, text: str = EXAMPLE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def pkm121(tmp_path: Path, text: str, *, data: str | None = None, name: str = "agreement.pkm") -> list[dict]:
    """The PKM121 findings of `pkm check --format json` on the text (and data file) written to tmp_path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    argv = [str(path), "--format", "json"]
    if data is not None:
        (tmp_path / "data.yaml").write_text(data, encoding="utf-8")
        argv += ["--data", str(tmp_path / "data.yaml")]
    code, out, _ = run("check", *argv)
    found = [d for d in json.loads(out) if d["code"] == "PKM121"]
    assert (code == 1) == bool(found)
    return found


def test_the_example_passes_and_prints_whom_the_dinas_acts_for(tmp_path):
    assert pkm121(tmp_path, EXAMPLE) == []
    code, _, err = run("build", str(ROOT / "examples" / "kemitraan_kesehatan.pkm"), "-o", str(tmp_path / "out"),
                       "--format", "docx")
    assert code == 0, err
    text = " ".join(docx_text((tmp_path / "out" / "kemitraan_kesehatan.docx").read_bytes()).split())
    assert ("dr. Maria Y. Lerik, M.Kes., dalam jabatannya selaku Kepala Dinas Kesehatan Kota Kupang, dalam hal ini "
            "bertindak untuk dan atas nama Pemerintah Kota Kupang berdasarkan Surat Kuasa Wali Kota Kupang Nomor "
            "180/45/HK/2026 tanggal 20 November 2026") in text
    assert ("in the capacity of Head of the Kupang City Health Office, in this matter acting for and on behalf of "
            "the Kupang City Government pursuant to Power of Attorney of the Mayor of Kupang Number 180/45/HK/2026 "
            "dated 20 November 2026") in text
    assert "atas nama Dinas Kesehatan Kota Kupang" not in text


def test_a_government_party_that_names_no_one_it_acts_for_is_an_error(tmp_path):
    text = edited(ACTS_FOR, "")
    [found] = pkm121(tmp_path, text)
    assert found["line"] == text.splitlines().index("party dinkes {") + 1
    assert found["message_en"] == ("government party `dinkes` does not say for and on behalf of whom it acts "
                                   "(`acts_for`); Kupang City Health Office is a regional apparatus, not a legal "
                                   "person")
    assert found["message_id"] == ("pihak pemerintah `dinkes` tidak menyebut untuk dan atas nama siapa ia bertindak "
                                   "(`acts_for`); Dinas Kesehatan Kota Kupang adalah perangkat daerah, bukan badan "
                                   "hukum")
    assert 'acts_for: "Pemerintah Kota Kupang"' in found["hint"]


@pytest.mark.parametrize("authority, problem_en, problem_id", [
    ('"Surat Kuasa Wali Kota Kupang Nomor 180/45/HK/2026" / "Power of Attorney Number 180/45/HK/2026"',
     "gives no date", "tidak menyebut tanggalnya"),
    ('"Surat Kuasa Wali Kota Kupang tanggal 20 November 2026" / "Power of Attorney dated 20 November 2026"',
     "gives no number", "tidak menyebut nomornya"),
    ('"Surat Kuasa Wali Kota Kupang" / "Power of Attorney of the Mayor of Kupang"',
     "gives no number and no date", "tidak menyebut nomor dan tanggalnya"),
    ('"Keputusan Wali Kota Kupang Nomor 821/12/BKPSDM/2025 tentang Pengangkatan Kepala Dinas" / "Decree of the '
     'Mayor of Kupang Number 821/12/BKPSDM/2025 on the Appointment of the Head of Office"',
     "is a decree", "adalah keputusan"),
])
def test_the_authority_must_be_a_power_of_attorney_with_number_and_date(tmp_path, authority, problem_en,
                                                                       problem_id):
    text = edited(AUTHORITY, f"  authority: {authority}\n")
    [found] = pkm121(tmp_path, text)
    assert found["line"] == text.splitlines().index(f"  authority: {authority}") + 1
    assert found["column"] == len("  authority: ") + 1  # at the value
    assert problem_en in found["message_en"] and "`dinkes`" in found["message_en"]
    assert problem_id in found["message_id"]
    assert "Nomor 180/45/HK/2026 tanggal 20 November 2026" in found["hint"]
    if problem_en == "is a decree":
        assert "gives no power to bind the region" in found["message_en"]
        assert "tidak memberi kuasa untuk mengikat daerah" in found["message_id"]


def test_the_head_of_region_signs_without_a_power_of_attorney(tmp_path):
    text = edited('  representative: "dr. Maria Y. Lerik, M.Kes."\n  position: "Kepala Dinas Kesehatan Kota Kupang" / '
                  '"Head of the Kupang City Health Office"\n',
                  '  representative: "dr. Christian Widodo"\n  position: "Wali Kota Kupang" / "Mayor of Kupang"\n')
    text = edited(AUTHORITY, '  authority: "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah"'
                             ' / "Law Number 23 of 2014 on Regional Government"\n', text)
    assert pkm121(tmp_path, text) == []


def test_three_parties_the_forestry_template_passes_and_a_decree_in_its_data_is_reported_at_its_line(tmp_path):
    assert pkm121(tmp_path, THREE.read_text(encoding="utf-8"), data=THREE_DATA) == []
    line = next(x for x in THREE_DATA.splitlines() if x.startswith("dasar_kewenangan_kph:"))
    decree = ('dasar_kewenangan_kph: {id: "Keputusan Gubernur Nusa Tenggara Barat Nomor 821.2/45/BKD/2025", '
              'en: "Decree of the Governor of West Nusa Tenggara Number 821.2/45/BKD/2025"}')
    data = THREE_DATA.replace(line, decree)
    [found] = pkm121(tmp_path, THREE.read_text(encoding="utf-8"), data=data)
    assert found["file"].endswith("data.yaml")
    assert found["line"] == data.splitlines().index(decree) + 1
    assert found["message_en"].startswith("the authority of government party `kph` is a decree")
    no_acts_for = "\n".join(x for x in THREE_DATA.splitlines() if not x.startswith("atas_nama_kph:"))
    code, out, _ = run("check", str(THREE), "--data", str(_write(tmp_path, no_acts_for)))
    assert code == 1 and "PKM032 no value for `atas_nama_kph`" in out


def test_three_parties_each_signs_in_office_for_whom_it_acts(tmp_path):
    code, _, err = run("build", str(THREE), "--data", str(ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"),
                       "-o", str(tmp_path / "out"), "--format", "docx")
    assert code == 0, err
    text = " ".join(docx_text((tmp_path / "out" / "kehutanan_tiga_pihak.docx").read_bytes()).split())
    assert ("Ir. Lalu Hamzah, M.Si., dalam jabatannya selaku Kepala KPHL Rinjani Barat, dalam hal ini bertindak untuk "
            "dan atas nama Pemerintah Provinsi Nusa Tenggara Barat berdasarkan Surat Kuasa Gubernur Nusa Tenggara "
            "Barat Nomor 180/67/HK/2026 tanggal 8 Desember 2026") in text
    # an organisation acts for itself
    assert "bertindak untuk dan atas nama Yayasan Hutan Lestari Lombok berdasarkan Akta Pendirian" in text
    assert "acting for and on behalf of the Provincial Government of West Nusa Tenggara pursuant to" in text


def _write(tmp_path: Path, data: str) -> Path:
    path = tmp_path / "other.yaml"
    path.write_text(data, encoding="utf-8")
    return path
