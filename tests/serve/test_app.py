"""pkm serve through Starlette's TestClient: the pages a person sees, the files downloaded, and the safety rules."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
from starlette.testclient import TestClient

from pkm_docs.library import load_library
from pkm_docs.values import DateType
from pkm_docs.serve.app import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library():
    return load_library(None)


@pytest.fixture
def client(library, tmp_path):
    with TestClient(create_app(library, tmp_path / "data"), base_url="http://127.0.0.1:8421") as c:
        yield c


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def start(client, template: str, data: bytes | None = None):
    token = csrf(client.get("/").text)
    files = {"data": ("data.yaml", data, "application/yaml")} if data is not None else None
    response = client.post("/new", data={"csrf": token, "template": template}, files=files or {"data": ("", b"")})
    assert response.status_code == 200, response.text
    return response


def draft_url(response) -> str:
    return re.match(r".*(/d/[^/]+)/", str(response.url)).group(1)


def post_step(client, url: str, n: int, fields: dict[str, str], action: str = "next"):
    page = client.get(f"{url}/step/{n}").text
    return client.post(f"{url}/step/{n}", data={"csrf": csrf(page), "action": action, **fields})


def test_home_lists_every_template_with_both_descriptions(client):
    page = client.get("/").text
    assert "Pelayanan kesehatan ibu dan anak: Dinas Kesehatan dan yayasan" in page
    assert "Maternal and child health services: a health office and a foundation" in page
    assert "Kemitraan kehutanan tiga pihak" in page


def sample_fields(template: str) -> dict[str, dict[str, str]]:
    """The sample data of a template as the fields a person fills, by input name (what the browser posts)."""
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / f"{template}.pkm", load_library(None))
    data = yaml.safe_load((ROOT / "templates" / f"{template}.sample.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for f in form.fields:
        raw = data.get(f.name)
        if raw is None:
            continue
        out[f.name] = posted(f.type, f.name, raw, [k for k, _ in form.parties])
    return out


def posted(type_, name: str, raw, parties) -> dict[str, str]:
    kind = type_.kind
    if kind in ("text", "account_number"):  # an account number is one text field
        return {f"{name}.id": raw["id"], f"{name}.en": raw["en"]} if isinstance(raw, dict) \
            else {f"{name}.id": str(raw), f"{name}.en": ""}
    if kind == "date":
        return {f"{name}.d": str(raw.day), f"{name}.m": str(raw.month), f"{name}.y": str(raw.year)}
    if kind == "duration":
        n, unit = raw.split()
        return {f"{name}.n": n, f"{name}.unit": "years" if unit.startswith("year") else "months"}
    if kind == "period":
        out = {}
        for end in ("from", "until"):
            out.update(posted(DateType(), f"{name}.{end}", raw[end], parties))
        return out
    if kind == "list":
        out = {f"{name}.rows": str(len(raw))}
        for i, item in enumerate(raw):
            out.update(posted(type_.item, f"{name}.{i}", item, parties))
        return out
    if kind == "allocation":
        rows = [(k, raw.get(k)) for k in parties] + [(k, v) for k, v in raw.items() if k not in parties]
        out = {f"{name}.rows": str(len(rows))}
        for i, (who, amount) in enumerate(rows):
            out[f"{name}.{i}.who"] = who
            text = "" if amount is None else str(amount)
            out[f"{name}.{i}.amount"] = text.removeprefix("Rp") if type_.of.kind == "money" else text
        return out
    if kind == "table":
        out = {f"{name}.rows": str(len(raw))}
        for i, row in enumerate(raw):
            for column in type_.columns:
                out.update(posted(column.type, f"{name}.{i}.{column.name}", row[column.name], parties))
        return out
    if kind == "boolean":
        return {name: "yes" if raw else "no"}
    if kind == "money":
        return {name: str(raw).removeprefix("Rp")}
    return {name: str(raw)}


def fill_all(client, url: str, template: str, change=None):
    """Post every step of the draft with the template's sample data; returns the last response."""
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / f"{template}.pkm", load_library(None))
    values = sample_fields(template)
    if change:
        change(values)
    response = None
    for n, step in enumerate(form.steps):
        fields: dict[str, str] = {}
        for f in step.fields:
            fields.update(values.get(f.name, {}))
        response = post_step(client, url, n, fields)
    return response


@pytest.mark.slow  # renders both files and runs `pkm build` in a new process
@pytest.mark.parametrize("template", ["kesehatan", "kehutanan_tiga_pihak"])
def test_filled_form_downloads_what_pkm_build_makes_of_the_exported_data(client, template, tmp_path):
    url = draft_url(start(client, template))
    review = fill_all(client, url, template)
    assert str(review.url).endswith(f"{url}/review"), review.text
    assert "Pemeriksaan lulus" in review.text and "Ubah / Edit" in review.text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{url}/download/zip").content))
    names = sorted(archive.namelist())
    assert names == sorted([f"{template}.docx", f"{template}.pdf", f"{template}.yaml", f"{template}.pkm"])
    assert client.get(f"{url}/download/pdf").content == archive.read(f"{template}.pdf")
    for name in names:
        (tmp_path / name).write_bytes(archive.read(name))
    subprocess.run([sys.executable, "-m", "pkm_docs.cli", "build", str(tmp_path / f"{template}.pkm"),
                    "--data", str(tmp_path / f"{template}.yaml"), "-o", str(tmp_path / "out")], check=True)
    assert (tmp_path / "out" / f"{template}.docx").read_bytes() == archive.read(f"{template}.docx")
    assert (tmp_path / "out" / f"{template}.pdf").read_bytes() == archive.read(f"{template}.pdf")


def test_impossible_date_says_it_does_not_exist_in_both_languages(client):
    url = draft_url(start(client, "kesehatan"))
    page = post_step(client, url, 0, {"nomor_dinas.id": "1/2026", "tanggal_tanda_tangan.d": "30",
                                      "tanggal_tanda_tangan.m": "2", "tanggal_tanda_tangan.y": "2027",
                                      "tempat_tanda_tangan.id": "Kupang"})
    assert page.status_code == 422 and str(page.url).endswith("/step/0")
    assert "Tanggal 30 Februari 2027 tidak ada." in page.text
    assert "30 February 2027 does not exist: `2027-02-30` is not a date (day is out of range for month)" in page.text
    assert 'value="30"' in page.text and '>Kupang</textarea>' in page.text  # what was typed is kept
    fixed = post_step(client, url, 0, {"nomor_dinas.id": "1/2026", "tanggal_tanda_tangan.d": "28",
                                       "tanggal_tanda_tangan.m": "2", "tanggal_tanda_tangan.y": "2027",
                                       "tempat_tanda_tangan.id": "Kupang"})
    assert str(fixed.url).endswith("/step/1")


def test_missing_and_wrong_values_are_reported_at_their_fields_only_on_their_step(client):
    url = draft_url(start(client, "kesehatan"))
    page = post_step(client, url, 0, {"tempat_tanda_tangan.id": "Kupang"})
    assert page.status_code == 422
    assert page.text.count("Wajib diisi.") == 2  # the number and the date; not the fields of later steps
    funding = post_step(client, url, 5, {"total_anggaran": "950 juta", "kontribusi_dinas": "665.000.000"})
    assert "Isian tidak sesuai: yang diminta jumlah uang dalam angka, misalnya 950.000.000 atau 950.000.000,50." \
        in funding.text
    assert "expected money, e.g. Rp500.000.000, got &#39;950 juta&#39;" in funding.text


def test_back_and_forward_keep_every_answer_and_a_list_grows_a_row(client):
    url = draft_url(start(client, "kesehatan"))
    fields = {"tujuan.id": "tujuan A", "wilayah.id": "Kupang", "kegiatan.rows": "1", "kegiatan.0.id": "kegiatan satu",
              "fasilitas_kesehatan.rows": "1", "fasilitas_kesehatan.0.id": "Puskesmas Oesapa"}
    added = post_step(client, url, 3, fields, action="add:kegiatan")
    assert str(added.url).endswith("/step/3#field-kegiatan")
    assert added.text.count('name="kegiatan.') == 2 * 2 + 1  # two rows (id, en) and the row count
    post_step(client, url, 3, {**fields, "kegiatan.rows": "2", "kegiatan.1.id": "kegiatan dua"}, action="back")
    again = client.get(f"{url}/step/3").text
    assert all(f">{text}</textarea>" in again for text in ("kegiatan dua", "tujuan A", "Puskesmas Oesapa"))


@pytest.mark.slow
def test_a_contribution_larger_than_the_cost_blocks_the_download_and_links_the_field(client):
    url = draft_url(start(client, "kesehatan"))
    review = fill_all(client, url, "kesehatan",
                      lambda v: v.update(kontribusi_dinas={"kontribusi_dinas": "1.000.000.000"}))
    assert "nothing is left for the remainder" in review.text
    assert f'href="{url}/step/5?checked=1#field-kontribusi_dinas"' in review.text
    assert "/download/pdf" not in review.text
    assert client.get(f"{url}/download/pdf", follow_redirects=False).status_code == 303


HOSTILE = "</p><script>alert(1)</script>{{ 7*7 }} #set text(red) ]]><w:t>x</w:t> ${x}"


@pytest.mark.slow
def test_hostile_text_is_shown_as_plain_text(client):
    url = draft_url(start(client, "kesehatan"))
    fill_all(client, url, "kesehatan", lambda v: v.update(tempat_tanda_tangan={"tempat_tanda_tangan.id": HOSTILE}))
    review = client.get(f"{url}/review").text
    assert "<script>" not in review and "&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in review
    assert "<script>" not in client.get(f"{url}/step/0").text
    exported = yaml.safe_load(client.get(f"{url}/download/yaml").text)
    assert exported["tempat_tanda_tangan"] == HOSTILE


@pytest.mark.slow  # renders both files
def test_hostile_text_is_written_as_plain_text(client, tmp_path):
    url = draft_url(start(client, "kesehatan"))
    fill_all(client, url, "kesehatan", lambda v: v.update(tempat_tanda_tangan={"tempat_tanda_tangan.id": HOSTILE}))
    (tmp_path / "a.pdf").write_bytes(client.get(f"{url}/download/pdf").content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "<script>alert(1)</script>{{ 7*7 }}" in text
    from tests.support.read_back import docx_text
    assert HOSTILE in docx_text(client.get(f"{url}/download/docx").content)


def test_every_form_needs_the_session_csrf_token(client):
    start(client, "kesehatan")
    assert client.post("/new", data={"template": "kesehatan"}).status_code == 403
    assert client.post("/new", data={"template": "kesehatan", "csrf": "forged"}).status_code == 403


def test_a_draft_belongs_to_the_session_that_made_it(library, tmp_path):
    app = create_app(library, tmp_path / "data")
    with TestClient(app, base_url="http://127.0.0.1") as alice, TestClient(app, base_url="http://127.0.0.1") as bob:
        url = draft_url(start(alice, "kesehatan"))
        post_step(alice, url, 0, {"tempat_tanda_tangan.id": "Rahasia Alice"})
        assert "Rahasia Alice" in alice.get(f"{url}/step/0").text
        assert bob.get(f"{url}/step/0").status_code == 404
        assert bob.get(f"{url}/download/yaml").status_code == 404
        assert "Rahasia" not in bob.get("/").text


def test_a_draft_is_resumed_after_a_restart(library, tmp_path):
    with TestClient(create_app(library, tmp_path / "data"), base_url="http://127.0.0.1") as first:
        url = draft_url(start(first, "kesehatan"))
        post_step(first, url, 0, {"tempat_tanda_tangan.id": "Kupang"}, action="back")
        cookies = dict(first.cookies)
    with TestClient(create_app(library, tmp_path / "data"), base_url="http://127.0.0.1", cookies=cookies) as again:
        assert url in again.get("/").text
        assert ">Kupang</textarea>" in again.get(f"{url}/step/0").text


def test_strict_headers_and_only_loopback_host_names(client):
    response = client.get("/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self';" in response.headers["content-security-policy"]  # live.js only, no inline script
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "HttpOnly" in response.headers["set-cookie"] and "SameSite=Strict" in response.headers["set-cookie"]
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_an_upload_larger_than_the_limit_is_refused(client):
    from pkm_docs.serve.app import MAX_UPLOAD
    token = csrf(client.get("/").text)
    response = client.post("/new", data={"csrf": token, "template": "kesehatan"},
                           files={"data": ("big.yaml", b"a: " + b"x" * (MAX_UPLOAD + 10), "application/yaml")})
    assert response.status_code == 413 and "Berkas terlalu besar" in response.text


@pytest.mark.slow
def test_a_data_file_imports_into_a_new_draft(client):
    sample = (ROOT / "templates" / "kesehatan.sample.yaml").read_bytes()
    response = start(client, "kesehatan", sample)
    url = draft_url(response)
    assert "Pemeriksaan lulus" in client.get(f"{url}/review").text
    bad = start_raw(client, "kesehatan", b"mulai_berlaku: 2027-02-30\n")
    assert bad.status_code == 400 and "d.yaml:1:16: PKM030 `2027-02-30` is not a date" in bad.text
    partly = start_raw(client, "kesehatan", b"tujuan: sehat\nbukan_masukan: 1\n")
    assert partly.status_code == 200 and "d.yaml:2: the file gives `bukan_masukan`" in partly.text
    continued = client.get(re.search(r'href="(/d/[^"]+/step/0)"', partly.text).group(1))
    assert ">sehat</textarea>" in client.get(str(continued.url).replace("/step/0", "/step/3")).text


def start_raw(client, template, data):
    token = csrf(client.get("/").text)
    return client.post("/new", data={"csrf": token, "template": template},
                       files={"data": ("d.yaml", data, "application/yaml")})


def test_a_party_typed_once_is_picked_from_its_profile_in_another_template(client):
    url = draft_url(start(client, "kesehatan"))
    yayasan = {"nama_yayasan.id": "Yayasan Kasih Ibu Flobamora", "ketua_yayasan.id": "Yohana Ndun",
               "jabatan_ketua_yayasan.id": "Ketua Pengurus", "akta_yayasan.id": "Akta Nomor 7",
               "alamat_yayasan.id": "Jalan Timor Raya 88, Kupang", "nomor_mitra.id": "012/YKIF"}
    post_step(client, url, 2, {**yayasan, "profile_name": ""}, action="save-profile")
    other = draft_url(start(client, "kehutanan_tiga_pihak"))
    step = client.get(f"{other}/step/3").text  # the third party: yayasan
    assert '<option value="Yayasan Kasih Ibu Flobamora">' in step
    filled = post_step(client, other, 3, {"profile": "Yayasan Kasih Ibu Flobamora"}, action="use-profile")
    for text in ("Yayasan Kasih Ibu Flobamora", "Yohana Ndun", "Akta Nomor 7", "Jalan Timor Raya 88, Kupang"):
        assert f">{text}</textarea>" in filled.text


@pytest.mark.slow  # renders the PDF
def test_the_review_shows_the_pdf_pages_as_images(client):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    url = draft_url(start(client, "kesehatan", (ROOT / "templates" / "kesehatan.sample.yaml").read_bytes()))
    review = client.get(f"{url}/review").text
    pages = re.findall(rf'<img src="({url}/preview/\d+\.png)"', review)
    pdf = client.get(f"{url}/download/pdf").content
    from pypdf import PdfReader
    assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages) > 1
    image = client.get(pages[0])
    assert image.headers["content-type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert client.get(f"{url}/preview/{len(pages) + 1}.png").status_code == 404


@pytest.mark.slow  # resolves and renders two drafts, and their redline
def test_two_drafts_are_compared_with_the_diff_page_and_a_redline(client):
    old = (ROOT / "examples" / "kemitraan_kesehatan.pkm").read_bytes()
    new = old.replace(b"Rp950.000.000", b"Rp850.000.000")
    assert new != old
    token = csrf(client.get("/compare").text)
    result = client.post("/compare", data={"csrf": token},
                         files={"old": ("lama.pkm", old, "text/plain"), "new": ("baru.pkm", new, "text/plain")})
    assert result.status_code == 200 and "Ada perubahan." in result.text
    key = re.search(r'src="/compare/([^/]+)/diff.html"', result.text).group(1)
    diff = client.get(f"/compare/{key}/diff.html")
    assert "Rp950.000.000" in diff.text and "Rp850.000.000" in diff.text
    assert "style-src 'sha256-" in diff.headers["content-security-policy"]
    redline = client.get(f"/compare/{key}/redline.docx")
    document = zipfile.ZipFile(io.BytesIO(redline.content)).read("word/document.xml").decode()
    assert "<w:ins " in document and "<w:del " in document
    broken = client.post("/compare", data={"csrf": token},
                         files={"old": ("a.pkm", b"agreement {", "text/plain"), "new": ("b.pkm", new, "text/plain")})
    assert broken.status_code == 400 and "a.pkm:1:12: PKM001" in broken.text and "/tmp" not in broken.text


def test_a_broken_template_of_the_organisation_says_where_it_is_broken(library, tmp_path):
    org = org_library(tmp_path, {"rusak": "# Templat rusak / A broken template\ninput x: text\nagreement {\n"})
    with TestClient(create_app(library, tmp_path / "data", library_dir=org), base_url="http://127.0.0.1") as c:
        home = c.get("/").text
        assert "Templat rusak" in home and "A broken template" in home
        token = csrf(home)
        page = c.post("/new", data={"csrf": token, "template": "rusak"})
        assert page.status_code == 500 and "rusak.pkm:3:12: PKM001 the file ends too early" in page.text
        assert "Traceback" not in page.text and "agreement {\n" in page.text and "^" in page.text


def test_the_command_refuses_a_port_in_use_without_a_traceback(tmp_path, capsys):
    import socket

    from pkm_docs.cli import main
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        code = main(["serve", "--port", str(taken.getsockname()[1]), "--no-browser", "--data-dir", str(tmp_path)])
    finally:
        taken.close()
    err = capsys.readouterr().err
    assert code == 2 and "cannot listen on 127.0.0.1:" in err and "--port 0" in err and "Traceback" not in err
    assert main(["serve", "--port", "70000", "--data-dir", str(tmp_path)]) == 2
    assert "is not a port" in capsys.readouterr().err
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert main(["serve", "--port", "0", "--data-dir", str(tmp_path / "a-file")]) == 2
    err = capsys.readouterr().err
    assert "cannot keep drafts in" in err and "--data-dir" in err and "Traceback" not in err


@pytest.mark.slow  # a new process
def test_listening_beyond_loopback_warns(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "pkm_docs.cli", "serve", "--host", "0.0.0.0", "--port", "0",
                                "--no-browser", "--data-dir", str(tmp_path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        warning = process.stderr.readline()
        address = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)
    assert "warning: listening on 0.0.0.0" in warning and "anyone who can reach this computer" in warning
    assert address.startswith("pkm serve: http://0.0.0.0:")


def test_the_words_of_an_amount_are_given_while_it_is_typed(client):
    url = draft_url(start(client, "kesehatan"))
    words = client.get(f"{url}/words", params={"field": "total_anggaran", "value": "950.000.000"})
    assert words.headers["content-type"].startswith("text/plain")
    assert "sembilan ratus lima puluh juta rupiah" in words.text and "nine hundred fifty million rupiah" in words.text
    assert client.get(f"{url}/words", params={"field": "total_anggaran", "value": "<b>"}).text == ""
    assert client.get(f"{url}/words", params={"field": "tujuan", "value": "x"}).status_code == 404


def org_library(tmp_path: Path, templates: dict[str, str]) -> Path:
    """A copy of the shipped clause library with templates of its own (``DIR/templates/NAME.pkm``)."""
    org = tmp_path / "org"
    shutil.copytree(ROOT / "clause_library", org)
    (org / "templates").mkdir()
    for name, text in templates.items():
        (org / "templates" / f"{name}.pkm").write_text(text, encoding="utf-8")
    return org


def test_a_step_whose_clause_is_left_out_is_skipped(library, tmp_path):
    source = (ROOT / "templates" / "kesehatan.pkm").read_text(encoding="utf-8")
    source = source.replace("input mengelola_data_pribadi: boolean default yes",
                            "input mengelola_data_pribadi: boolean default yes\ninput petugas_data: text optional")
    officer_article = ('article "Petugas data" / "Data officer" {\n  text when mengelola_data_pribadi {\n'
                       '    id: "Petugas data: {petugas_data}."\n    en: "Data officer: {petugas_data}."\n  }\n}\n\n')
    source = source + "\n" + officer_article  # the last step: after the annexes' steps
    org = org_library(tmp_path, {"kesehatan_data": "# Dengan petugas data / With a data officer\n" + source})
    with TestClient(create_app(library, tmp_path / "data", library_dir=org), base_url="http://127.0.0.1") as c:
        url = draft_url(start(c, "kesehatan_data"))
        from pkm_docs.serve.form import build_form
        form = build_form(org / "templates" / "kesehatan_data.pkm", library, "kesehatan_data")
        asks = next(i for i, s in enumerate(form.steps) if any(f.name == "mengelola_data_pribadi" for f in s.fields))
        officer = next(i for i, s in enumerate(form.steps) if any(f.name == "petugas_data" for f in s.fields))
        assert form.steps[officer].title.get("en") == "Data officer"
        assert officer == len(form.steps) - 1 and asks < officer - 1
        post_step(c, url, asks, {"mengelola_data_pribadi": "no"})
        last = post_step(c, url, officer - 1, sample_fields("kesehatan")["rincian_anggaran"])  # the budget annex
        assert str(last.url).endswith("/review")  # the data officer's step is skipped
        assert "tidak dipakai / not used" in last.text
        assert 'class="skipped"' in c.get(f"{url}/step/{asks}").text
        post_step(c, url, asks, {"mengelola_data_pribadi": "yes"})
        last = post_step(c, url, officer - 1, sample_fields("kesehatan")["rincian_anggaran"])
        assert str(last.url).endswith(f"/step/{officer}")


def test_any_step_is_reached_from_the_list_and_the_review_lists_what_is_missing(client, library):
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / "kesehatan.pkm", library)
    court = next(i for i, s in enumerate(form.steps) if any(f.name == "pengadilan" for f in s.fields))
    url = draft_url(start(client, "kesehatan"))
    jumped = post_step(client, url, 0, {"tempat_tanda_tangan.id": "Kupang"}, action=f"goto:{court}")
    assert str(jumped.url).endswith(f"/step/{court}") and 'value="goto:0"' in jumped.text
    review = post_step(client, url, court, {"pengadilan.id": "Pengadilan Negeri Kupang"}, action="review")
    assert str(review.url).endswith("/review") and "Perbaiki dulu" in review.text
    assert f'href="{url}/step/0?checked=1#field-nomor_dinas"' in review.text  # missing, linked to its field
    assert "Kupang" in review.text and "Pengadilan Negeri Kupang" in review.text


def test_two_people_filling_drafts_at_once_keep_their_own_answers(library, tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    app = create_app(library, tmp_path / "data")
    with TestClient(app, base_url="http://127.0.0.1") as ani, TestClient(app, base_url="http://127.0.0.1") as budi:
        urls = {name: draft_url(start(c, "kesehatan")) for name, c in (("ani", ani), ("budi", budi))}

        def fill(name, c):
            for round_number in range(8):
                post_step(c, urls[name], 0, {"tempat_tanda_tangan.id": f"{name} {round_number}"}, action="back")
            return c.get(f"{urls[name]}/step/0").text

        with ThreadPoolExecutor(2) as pool:
            pages = dict(zip(("ani", "budi"), pool.map(fill, ("ani", "budi"), (ani, budi))))
    assert ">ani 7</textarea>" in pages["ani"] and "budi" not in pages["ani"]
    assert ">budi 7</textarea>" in pages["budi"] and "ani 7" not in pages["budi"]


@pytest.mark.slow
@pytest.mark.parametrize("template", ["kesehatan", "paud", "kehutanan", "kehutanan_tiga_pihak"])
def test_every_standard_template_gives_a_step_for_each_input_and_imports_its_sample(client, template, library):
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / f"{template}.pkm", library, template)
    declared = re.findall(r"^input (\w+):", (ROOT / "templates" / f"{template}.pkm").read_text(encoding="utf-8"), re.M)
    assert sorted(f.name for f in form.fields) == sorted(declared)
    url = draft_url(start(client, template, (ROOT / "templates" / f"{template}.sample.yaml").read_bytes()))
    for n, step in enumerate(form.steps):
        page = client.get(f"{url}/step/{n}")
        assert page.status_code == 200
        assert all(f'id="field-{f.name}"' in page.text for f in step.fields)
    exported = yaml.safe_load(client.get(f"{url}/download/yaml").text)
    sample = yaml.safe_load((ROOT / "templates" / f"{template}.sample.yaml").read_text(encoding="utf-8"))
    assert set(exported) == set(sample)


def test_the_grant_step_asks_for_the_account_number_in_one_field_and_reports_a_wrong_one(client, library):
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / "kesehatan.pkm", library)
    grant = next(i for i, s in enumerate(form.steps) if any(f.name == "nomor_rekening" for f in s.fields))
    assert {f.name for f in form.steps[grant].fields} == {"nama_bank", "nomor_rekening", "pemegang_rekening"}
    url = draft_url(start(client, "kesehatan"))
    page = client.get(f"{url}/step/{grant}").text
    assert 'name="nomor_rekening.id"' in page and 'name="nomor_rekening.en"' not in page
    wrong = post_step(client, url, grant, {"nama_bank.id": "Bank NTT", "nomor_rekening.id": "12-AB-34",
                                           "pemegang_rekening.id": "Yayasan Kasih Ibu Flobamora"})
    assert wrong.status_code == 422 and "`12-AB-34` is not an account number" in wrong.text


@pytest.mark.slow  # has typst lay out the PDF
def test_a_character_the_pdf_cannot_show_is_reported_at_its_field_not_as_a_server_error(client):
    url = draft_url(start(client, "kesehatan"))
    name = "Yayasan Pohon 🌳 Lestari"
    review = fill_all(client, url, "kesehatan", lambda v: v.update(
        nama_yayasan={"nama_yayasan.id": name}, pemegang_rekening={"pemegang_rekening.id": name}))
    assert review.status_code == 200 and str(review.url).endswith("/review")
    assert "Perbaiki dulu" in review.text and "/download/pdf" not in review.text
    assert f'href="{url}/step/2?checked=1#field-nama_yayasan"' in review.text  # linked to the field that holds it
    step = client.get(f"{url}/step/2?checked=1").text
    assert "Karakter 🌳 (U+1F333)" in step[step.index('id="field-nama_yayasan"'):].split("</fieldset>")[0]
    assert "Karakter 🌳 (U+1F333) tidak dapat dicetak dalam PDF" in review.text
    assert "the character U+1F333 (🌳) is in none of the fonts the PDF embeds" in review.text
    assert client.get(f"{url}/download/pdf", follow_redirects=False).status_code == 303
    assert client.get(f"{url}/download/zip", follow_redirects=False).status_code == 303
    assert client.get(f"{url}/preview/1.png").status_code == 404


def test_a_value_beyond_the_bound_of_its_clause_says_the_bound_once_in_both_languages(client):
    url = draft_url(start(client, "kesehatan"))
    page = post_step(client, url, 4, {"anggota_komite_per_pihak": "0", "rapat_per_tahun": "4"})
    assert page.status_code == 422
    assert "Nilai di luar batas: paling sedikit 1." in page.text  # the clause's `min 1`, not the input's (none)
    assert "Value out of bounds: at least 1." in page.text and "members_per_party" not in page.text
    funding = post_step(client, url, 5, {"total_anggaran": "0", "kontribusi_dinas": "665.000.000"})
    assert funding.text.count("Nilai di luar batas: paling sedikit Rp1,00.") == 1  # the input's and the clause's
    forest = draft_url(start(client, "kehutanan"))
    share = post_step(client, forest, 9, {"bagian_kph": "100,5", "bagian_kth": "0"})
    assert "Nilai di luar batas: paling sedikit 0% dan paling banyak 100%." in share.text
    assert "Value out of bounds: at least 0% and at most 100%." in share.text and "government_share" not in share.text


def test_a_value_of_the_wrong_form_is_explained_in_indonesian_with_an_example_of_what_to_type(client):
    url = draft_url(start(client, "kesehatan"))
    governance = post_step(client, url, 4, {"anggota_komite_per_pihak": "dua", "rapat_per_tahun": "4"})
    assert "Isian tidak sesuai: yang diminta bilangan bulat, misalnya 3." in governance.text
    assert "misalnya a whole number" not in governance.text
    report = post_step(client, url, 7, {"periode_laporan.n": "enam", "periode_laporan.unit": "months"})
    assert "Isian tidak sesuai: yang diminta jangka waktu dalam angka, misalnya 6, lalu pilih bulan atau tahun." \
        in report.text and "misalnya 12 months or 3 years" not in report.text
    date = post_step(client, url, 0, {"nomor_dinas.id": "1/2026", "tanggal_tanda_tangan.d": "satu",
                                      "tanggal_tanda_tangan.m": "12", "tanggal_tanda_tangan.y": "2026"})
    assert "Isian tidak sesuai: yang diminta tanggal, bulan, dan tahun, misalnya 1 Desember 2026." in date.text
    hidden = post_step(client, url, 0, {"nomor_dinas.id": "1/2026", "tanggal_tanda_tangan.d": "1",
                                        "tanggal_tanda_tangan.m": "12", "tanggal_tanda_tangan.y": "2026",
                                        "tempat_tanda_tangan.id": "Kupang 👩\u200d⚕️"})
    assert "Isian memuat karakter tak terlihat U+200D, yang dapat menyembunyikan atau menyamarkan teks dalam " \
        "dokumen hukum. Hapus karakter itu." in hidden.text
    assert 'misalnya "text" or' not in hidden.text
    forest = draft_url(start(client, "kehutanan_tiga_pihak"))
    term = {"jangka_waktu.from.d": "1", "jangka_waktu.from.m": "2", "jangka_waktu.from.y": "2030"}
    half = post_step(client, forest, 12, term)
    assert "Isian tidak sesuai: isi tanggal mulai dan tanggal berakhir." in half.text
    reversed_ = post_step(client, forest, 12, {**term, "jangka_waktu.until.d": "1", "jangka_waktu.until.m": "1",
                                               "jangka_waktu.until.y": "2028"})
    assert "Isian tidak sesuai: periode berakhir sebelum dimulai." in reversed_.text
    assert "misalnya { from:" not in half.text + reversed_.text
    funding = post_step(client, forest, 9, {"total_biaya": "1.000.000.000", "kontribusi.rows": "1",
                                            "kontribusi.0.who": "kph", "kontribusi.0.amount": "-5"})
    assert "Isian tidak sesuai: yang diminta jumlah uang dalam angka, misalnya 950.000.000 atau 950.000.000,50." \
        in funding.text and "misalnya { pemda:" not in funding.text
    budget = sample_fields("kehutanan_tiga_pihak")["rincian_anggaran"]
    cell = post_step(client, forest, 17, {**budget, "rincian_anggaran.1.amount": "1,5 juta"})
    assert re.search(r"Isian tidak sesuai pada baris 2, kolom \w+: yang diminta jumlah uang dalam angka", cell.text)


def test_a_table_s_columns_are_headed_in_both_languages_as_its_clause_heads_them(client, library):
    from pkm_docs.serve.form import build_form
    form = build_form(ROOT / "templates" / "kesehatan.pkm", library)
    budget = next(i for i, s in enumerate(form.steps) if any(f.name == "rincian_anggaran" for f in s.fields))
    url = draft_url(start(client, "kesehatan"))
    page = client.get(f"{url}/step/{budget}").text
    headings = re.findall(r'<th scope="col">(.*?)</th>', page)
    assert headings == ['Uraian <span class="en">/ Item</span>', 'Sumber Dana <span class="en">/ Funded by</span>',
                        'Jumlah <span class="en">/ Amount</span>']
    wrong = post_step(client, url, budget, {**sample_fields("kesehatan")["rincian_anggaran"],
                                            "rincian_anggaran.0.amount": "banyak"})
    assert "Isian tidak sesuai pada baris 1, kolom Jumlah: yang diminta jumlah uang dalam angka" in wrong.text


def test_a_choice_is_offered_in_both_languages_as_its_clause_words_it(client):
    url = draft_url(start(client, "kehutanan"))
    page = client.get(f"{url}/step/4").text  # input fungsi_hutan: choice(lindung, produksi), no words of its own
    assert '<option value="lindung">hutan lindung / protection forest</option>' in page
    assert '<option value="produksi">hutan produksi / production forest</option>' in page


def test_a_field_left_empty_is_said_to_be_required_in_both_languages_without_the_data_file(client):
    url = draft_url(start(client, "kesehatan"))
    page = post_step(client, url, 0, {"tempat_tanda_tangan.id": "Kupang"})
    assert page.status_code == 422
    assert page.text.count("Wajib diisi.") == page.text.count("Required.") == 2
    assert "kesehatan.yaml" not in page.text and "no value for" not in page.text


@pytest.mark.slow  # fills all 18 steps and runs every check
def test_shares_that_do_not_add_up_are_written_with_a_decimal_comma_in_indonesian(client):
    url = draft_url(start(client, "kehutanan_tiga_pihak"))
    review = fill_all(client, url, "kehutanan_tiga_pihak", lambda v: v["pembagian_hasil"].update(
        {"pembagian_hasil.0.amount": "20,5"}))
    assert "berjumlah 20,5% + 70% + 10% = 100,5%, bukan 100% (0,5% terlalu banyak)" in review.text
    assert "add up to 20.5% + 70% + 10% = 100.5%, not 100% (0.5% too much)" in review.text


def test_a_recipient_written_in_two_rows_is_reported_not_merged(client):
    url = draft_url(start(client, "kehutanan_tiga_pihak"))
    shares = sample_fields("kehutanan_tiga_pihak")["pembagian_hasil"]  # kph 20, kth 70, Kas Desa Sesaot 10
    twice = post_step(client, url, 10, {**shares, "pembagian_hasil.rows": "5",
                                        "pembagian_hasil.4.who": "Kas Desa Sesaot", "pembagian_hasil.4.amount": "5"})
    assert twice.status_code == 422 and str(twice.url).endswith("/step/10")
    assert "Penerima “Kas Desa Sesaot” tertulis di lebih dari satu baris" in twice.text
    assert "The recipient “Kas Desa Sesaot” is in more than one row" in twice.text
    party = post_step(client, url, 10, {**shares, "pembagian_hasil.3.who": "kph"})  # kph's own row says 20%
    assert party.status_code == 422 and "Penerima “kph” tertulis di lebih dari satu baris" in party.text
    assert 'value="20"' in party.text  # what was typed is kept, the second row as well
    assert re.search(r'type="text" name="pembagian_hasil\.\d+\.who" value="kph"', party.text)
    assert "kph: 10" not in client.get(f"{url}/download/yaml").text.replace("'", "")


def test_a_data_file_naming_a_recipient_twice_is_refused_at_the_line_of_the_second(client):
    sample = (ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml").read_text(encoding="utf-8")
    twice = sample.replace("pembagian_hasil: {kth: 70, kph: 20,", "pembagian_hasil: {kth: 70, kph: 20, kph: 10,", 1)
    assert twice != sample
    line = twice.splitlines().index(next(t for t in twice.splitlines() if "kph: 10" in t)) + 1
    page = start_raw(client, "kehutanan_tiga_pihak", twice.encode("utf-8"))
    assert page.status_code == 400 and f"d.yaml:{line}:37: PKM020 `kph` is given twice" in page.text


def test_saved_drafts_are_told_apart_by_their_parties_and_count_only_what_was_typed(client):
    first, second = draft_url(start(client, "kesehatan")), draft_url(start(client, "kesehatan"))
    post_step(client, first, 2, {"nama_yayasan.id": "Yayasan Kasih Ibu Flobamora"}, action="back")
    post_step(client, second, 2, {"nama_yayasan.id": "Yayasan Sumba Sehat", "ketua_yayasan.id": "Maria"},
              action="back")
    home = client.get("/").text
    assert "Yayasan Kasih Ibu Flobamora · 1 isian / answers" in home
    assert "Yayasan Sumba Sehat · 2 isian / answers" in home
    compare = client.get("/compare").text
    assert re.search(rf'<option value="{second.split("/")[-1]}">kesehatan · Yayasan Sumba Sehat · ', compare)


@pytest.mark.slow  # resolves two drafts
def test_comparing_a_saved_draft_not_yet_complete_says_so_and_links_its_review(client):
    done = draft_url(start(client, "kesehatan", (ROOT / "templates" / "kesehatan.sample.yaml").read_bytes()))
    begun = draft_url(start(client, "kesehatan"))
    post_step(client, begun, 2, {"nama_yayasan.id": "Yayasan Sumba Sehat"}, action="back")
    token = csrf(client.get("/compare").text)
    page = client.post("/compare", data={"csrf": token, "old_draft": done.split("/")[-1],
                                         "new_draft": begun.split("/")[-1]}, files={"old": ("", b""), "new": ("", b"")})
    assert page.status_code == 400
    assert "Rancangan belum lengkap" in page.text and "The draft is not complete yet" in page.text
    assert "Yayasan Sumba Sehat" in page.text and f'href="{begun}/review"' in page.text
    assert "PKM032" not in page.text and ".yaml" not in page.text


@pytest.mark.slow  # fills every step and runs every check
def test_a_finding_of_the_review_is_shown_at_its_field_when_its_link_is_followed(client):
    url = draft_url(start(client, "kesehatan"))
    review = fill_all(client, url, "kesehatan", lambda v: v.update(
        pemegang_rekening={"pemegang_rekening.id": "Orang Lain"}, kontribusi_dinas={"kontribusi_dinas": "715.000.000"}))
    for name in ("pemegang_rekening", "rincian_anggaran"):
        link = re.search(rf'href="({url}/step/\d+\?checked=1)#field-{name}"', review.text)
        assert link, name
        step = client.get(link.group(1)).text
        fieldset = step[step.index(f'id="field-{name}"'):].split("</fieldset>")[0]
        assert 'class="message error"' in fieldset, name
        assert "Periksa isian yang ditandai di bawah." in step
        assert "bukan atas nama penerima" in fieldset if name == "pemegang_rekening" else "rincian anggaran" in fieldset
    assert "Periksa isian" not in client.get(f"{url}/step/0?checked=1").text  # nothing found at that step's fields
    forest = draft_url(start(client, "kehutanan"))
    shares = fill_all(client, forest, "kehutanan", lambda v: v.update(bagian_kph={"bagian_kph": "40"}))
    link = re.search(rf'href="({forest}/step/\d+\?checked=1)#field-bagian_kph"', shares.text)
    step = client.get(link.group(1)).text  # a finding about the clause, linked to both shares, is at each
    assert all("bukan 100%" in step[step.index(f'id="field-{n}"'):].split("</fieldset>")[0]
               for n in ("bagian_kph", "bagian_kth"))


@pytest.mark.slow  # the review of a draft that passes renders its PDF
def test_the_review_lists_a_choice_by_its_words(client):
    url = draft_url(start(client, "kehutanan", (ROOT / "templates" / "kehutanan.sample.yaml").read_bytes()))
    review = client.get(f"{url}/review").text
    assert "<dd>hutan produksi / production forest</dd>" in review


def test_a_text_longer_than_a_field_holds_is_refused_at_the_field_and_kept_whole(client):
    from pkm_docs.serve.answers import MAX_FIELD
    url = draft_url(start(client, "kesehatan"))
    long = "kesehatan ibu dan anak " * (MAX_FIELD // 20)
    page = post_step(client, url, 3, {"tujuan.id": long, "wilayah.id": "Kupang", "kegiatan.rows": "1",
                                      "kegiatan.0.id": "kelas ibu hamil", "fasilitas_kesehatan.rows": "1",
                                      "fasilitas_kesehatan.0.id": "Puskesmas Oesapa"})
    assert page.status_code == 422
    said = f"Isian terlalu panjang: {len(long):,} karakter, paling banyak {MAX_FIELD:,}.".replace(",", ".")
    assert said in page.text and f"Too long: {len(long):,} characters, at most {MAX_FIELD:,}." in page.text
    assert f">{long}</textarea>" in client.get(f"{url}/step/3").text  # nothing cut off


def test_a_table_of_more_than_fifty_rows_keeps_every_row_when_its_step_is_sent(client):
    data = yaml.safe_load((ROOT / "templates" / "kehutanan.sample.yaml").read_text(encoding="utf-8"))
    data["anggota_kelompok"] = [{"name": f"Anggota {i}", "position": "Anggota", "party": "kth"} for i in range(80)]
    url = draft_url(start(client, "kehutanan", yaml.safe_dump(data, allow_unicode=True).encode("utf-8")))
    members = {"anggota_kelompok.rows": "80"}
    for i in range(80):  # the step as the browser sends it back
        members.update({f"anggota_kelompok.{i}.name.id": f"Anggota {i}", f"anggota_kelompok.{i}.position.id": "Anggota",
                        f"anggota_kelompok.{i}.party": "kth"})
    added = post_step(client, url, 15, members, action="add:anggota_kelompok")
    assert added.text.count('name="anggota_kelompok.80.name.id"') == 1  # an 81st row to fill
    kept = yaml.safe_load(client.get(f"{url}/download/yaml").text)["anggota_kelompok"]
    assert [row["name"] for row in kept] == [f"Anggota {i}" for i in range(80)]


@pytest.mark.slow
def test_a_data_file_with_more_rows_than_the_form_holds_says_which_rows_it_leaves_out(client):
    """The form holds 500 rows of a list: an imported list of 501 is shown and kept as its first 500, and the import
    says so, where sending the step dropped the 501st unsaid."""
    items = "".join(f"  - Kegiatan nomor {i}\n" for i in range(1, 502))
    partly = start_raw(client, "kesehatan", f"kegiatan:\n{items}".encode())
    assert partly.status_code == 200
    assert ("d.yaml:1: `kegiatan` has 501 rows and the form holds 500: the rows after the 500th are left out "
            "(`pkm build --data d.yaml` builds them all)") in html.unescape(partly.text)
    url = re.search(r'href="(/d/[^"]+)/step/0"', partly.text).group(1)
    pages = [client.get(f"{url}/step/{n}").text for n in range(12)]
    page = next(p for p in pages if 'name="kegiatan.0' in p)
    assert "Kegiatan nomor 500<" in page and 'name="kegiatan.499' in page
    assert "Kegiatan nomor 501" not in page and 'name="kegiatan.500' not in page
