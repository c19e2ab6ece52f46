"""pkm serve in a real browser (Playwright driving Debian's Chromium): a person fills a template, makes a mistake,
goes back, reviews and downloads; the PDF holds what was typed and equals ``pkm build`` of the exported data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pkm_docs.library import load_library
from pkm_docs.serve.form import build_form
from pkm_docs.values import DateType

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"),
]
playwright = pytest.importorskip("playwright.sync_api")

#: Where the screenshots of the main screens go when PKM_SCREENSHOTS names a folder (docs/img for the README).
SHOTS = os.environ.get("PKM_SCREENSHOTS")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``pkm serve --port 0`` in its own process; yields its address."""
    data_dir = tmp_path_factory.mktemp("serve-data")
    process = subprocess.Popen([sys.executable, "-m", "pkm_docs.cli", "serve", "--port", "0", "--no-browser",
                                "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = process.stdout.readline()
        assert line.startswith("pkm serve: http://127.0.0.1:"), line + process.stderr.read()
        yield line.split()[2]
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def fill(page, type_, name: str, raw, parties: list[str]) -> None:
    """Type, choose or tick the value ``raw`` (as the sample data file holds it) into the controls of one field."""
    kind = type_.kind
    if kind == "text":
        page.fill(f'[name="{name}.id"]', raw["id"] if isinstance(raw, dict) else str(raw))
        page.fill(f'[name="{name}.en"]', raw["en"] if isinstance(raw, dict) else "")
    elif kind == "account_number":  # one field, the same in both languages
        page.fill(f'[name="{name}.id"]', str(raw))
    elif kind == "date":
        page.fill(f'[name="{name}.d"]', str(raw.day))
        page.select_option(f'[name="{name}.m"]', str(raw.month))
        page.fill(f'[name="{name}.y"]', str(raw.year))
    elif kind == "period":
        for end in ("from", "until"):
            fill(page, DateType(), f"{name}.{end}", raw[end], parties)
    elif kind == "duration":
        number, unit = raw.split()
        page.fill(f'[name="{name}.n"]', number)
        page.select_option(f'[name="{name}.unit"]', "years" if unit.startswith("year") else "months")
    elif kind == "list":
        for i, item in enumerate(raw):
            if i and page.locator(f'[name^="{name}.{i}."], [name="{name}.{i}"]').count() == 0:
                page.click(f'button[value="add:{name}"]')  # a new row; what was typed so far is kept
            fill(page, type_.item, f"{name}.{i}", item, parties)
    elif kind == "allocation":
        named = [(k, v) for k, v in raw.items() if k not in parties]
        for key, amount in raw.items():
            if key in parties:
                row = parties.index(key)
                fill(page, type_.of, f"{name}.{row}.amount", amount, parties)
        for i, (key, amount) in enumerate(named):
            row = len(parties) + i
            if page.locator(f'[name="{name}.{row}.who"]').count() == 0:
                page.click(f'button[value="add:{name}"]')
            page.fill(f'[name="{name}.{row}.who"]', key)
            fill(page, type_.of, f"{name}.{row}.amount", amount, parties)
    elif kind == "table":
        for i, row in enumerate(raw):
            if i and page.locator(f'[name^="{name}.{i}."]').count() == 0:
                page.click(f'button[value="add:{name}"]')  # a new row; what was typed so far is kept
            for column in type_.columns:
                fill(page, column.type, f"{name}.{i}.{column.name}", row[column.name], parties)
    elif kind == "boolean":
        page.check(f'[name="{name}"][value="{"yes" if raw else "no"}"]')
    elif kind in ("choice", "party"):
        page.select_option(f'[name="{name}"]', str(raw))
    elif kind == "money":
        page.fill(f'[name="{name}"]', str(raw).removeprefix("Rp"))
    else:
        page.fill(f'[name="{name}"]', str(raw))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def walk(page, server: str, template: str, tmp_path: Path, mistakes) -> Path:
    """Fill every step of ``template`` from its sample data through the browser; returns the downloads folder."""
    form = build_form(ROOT / "templates" / f"{template}.pkm", load_library(None), template)
    data = yaml.safe_load((ROOT / "templates" / f"{template}.sample.yaml").read_text(encoding="utf-8"))
    parties = [k for k, _ in form.parties]
    page.goto(server)
    if template == "kesehatan":
        shot(page, "serve-templates")
    page.locator(f'form:has(input[name="template"][value="{template}"]) button[name="start"]').click()
    for n, step in enumerate(form.steps):
        page.wait_for_url(f"**/step/{n}*")
        for f in step.fields:
            if f.name in data:
                fill(page, f.type, f.name, data[f.name], parties)
        mistakes(page, n, form)
        page.click('button[value="next"]')
    page.wait_for_url("**/review")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for kind in ("pdf", "docx", "yaml"):
        with page.expect_download() as download:
            page.click(f'a[href$="/download/{kind}"]')
        download.value.save_as(downloads / f"{template}.{kind}")
    return downloads


def assert_same_as_pkm_build(downloads: Path, template: str, typed: list[str]) -> None:
    text = pdf_text(downloads / f"{template}.pdf")
    flat = " ".join(text.split())
    for value in typed:
        assert value in flat, value
    out = downloads / "built"
    subprocess.run([sys.executable, "-m", "pkm_docs.cli", "build", str(ROOT / "templates" / f"{template}.pkm"),
                    "--data", str(downloads / f"{template}.yaml"), "-o", str(out)], check=True, cwd=ROOT)
    assert pdf_text(out / f"{template}.pdf") == text
    assert (out / f"{template}.pdf").read_bytes() == (downloads / f"{template}.pdf").read_bytes()
    assert (out / f"{template}.docx").read_bytes() == (downloads / f"{template}.docx").read_bytes()


def test_a_person_fills_the_health_template_in_the_browser(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True, viewport={"width": 1100, "height": 900})

    def mistakes(page, n, form):
        key = form.steps[n].key
        if key == "agreement":  # an impossible date first: the page says it does not exist, and keeps the rest
            page.fill('[name="tanggal_tanda_tangan.d"]', "30")
            page.select_option('[name="tanggal_tanda_tangan.m"]', "2")
            page.click('button[value="next"]')
            message = page.locator("#field-tanggal_tanda_tangan .message")
            assert "Tanggal 30 Februari 2026 tidak ada." in message.inner_text()
            assert "30 February 2026 does not exist" in message.inner_text()
            assert page.input_value('[name="tempat_tanda_tangan.id"]') == "Kupang"
            shot(page, "serve-validation")
            page.fill('[name="tanggal_tanda_tangan.d"]', "1")
            page.select_option('[name="tanggal_tanda_tangan.m"]', "12")
        if key == "article:2":  # a fourth activity, in a new row
            page.click('button[value="add:kegiatan"]')
            page.fill('[name="kegiatan.3.id"]', "kunjungan rumah ibu nifas oleh kader")
            page.fill('[name="kegiatan.3.en"]', "home visits to postpartum mothers by cadres")
            shot(page, "serve-list-step")
        if key == "article:5":  # go back one step, change an answer, come forward again
            page.fill('[name="total_anggaran"]', "")
            page.type('[name="total_anggaran"]', "875.500.000")  # its words are written while it is typed
            playwright.expect(page.locator("#preview-total_anggaran")).to_contain_text(
                "delapan ratus tujuh puluh lima juta lima ratus ribu rupiah")
            page.click('button[value="back"]')
            page.wait_for_url(f"**/step/{n - 1}")
            page.fill('[name="rapat_per_tahun"]', "6")
            page.click('button[value="next"]')
            page.wait_for_url(f"**/step/{n}")
            assert page.input_value('[name="total_anggaran"]') == "875.500.000"
            words = "delapan ratus tujuh puluh lima juta lima ratus ribu rupiah"
            assert words in page.inner_text("#field-total_anggaran")
        if key == "annex:anggaran":  # the budget follows the new total: the Dinas still gives Rp665.000.000, the
            # foundation the rest, Rp210.500.000 (PKM180)
            page.fill('[name="rincian_anggaran.2.amount"]', "105.500.000")

    downloads = walk(page, server, "kesehatan", tmp_path, mistakes)
    page.goto(page.url)  # the review again, for its picture, with every page preview loaded
    for image in page.locator(".pages img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert page.locator(".pages img").count() > 1
    page.evaluate("window.scrollTo(0, 0); document.querySelector('.pages').scrollLeft = 0")
    shot(page, "serve-review")
    assert page.locator("text=Ubah / Edit").count() >= 5
    assert_same_as_pkm_build(downloads, "kesehatan", [
        "Dinas Kesehatan Kota Kupang", "Yayasan Kasih Ibu Flobamora", "Rp875.500.000",
        "kunjungan rumah ibu nifas oleh kader", "home visits to postpartum mothers by cadres",
        "Desember, tahun dua ribu dua puluh enam", "Pengadilan Negeri Kupang"])
    exported = yaml.safe_load((downloads / "kesehatan.yaml").read_text(encoding="utf-8"))
    assert exported["rapat_per_tahun"] == 6 and exported["total_anggaran"] == "Rp875.500.000"


def test_a_person_fills_the_three_party_forestry_template(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)

    def mistakes(page, n, form):
        if form.steps[n].key == "article:7":  # shares that do not add up are found at the review, linked to the field
            pass

    downloads = walk(page, server, "kehutanan_tiga_pihak", tmp_path, mistakes)
    assert_same_as_pkm_build(downloads, "kehutanan_tiga_pihak", [
        "Kesatuan Pengelolaan Hutan Lindung Rinjani Barat", "Kelompok Tani Hutan Wana Lestari Sesaot",
        "Yayasan Hutan Lestari Lombok", "Kas Desa Sesaot", "125,5"])


def test_a_legal_officer_compares_two_drafts(server, browser, tmp_path):
    old = ROOT / "examples" / "kemitraan_kesehatan.pkm"
    new = tmp_path / "kemitraan_kesehatan_revisi.pkm"
    new.write_text(old.read_text(encoding="utf-8").replace("Rp950.000.000", "Rp850.000.000"), encoding="utf-8")
    page = browser.new_page(accept_downloads=True, viewport={"width": 1100, "height": 900})
    page.goto(server)
    page.click("text=Bandingkan / Compare")
    page.set_input_files('input[name="old"]', str(old))
    page.set_input_files('input[name="new"]', str(new))
    page.click('button:has-text("Bandingkan / Compare")')
    page.wait_for_url("**/compare/*")
    assert "Ada perubahan." in page.inner_text("main")
    frame = page.frame_locator("iframe.diff")
    diff = frame.locator("body").inner_text()
    assert "Rp850.000.000" in diff and "kemitraan_kesehatan_revisi.pkm" in diff and "/tmp" not in diff
    shot(page, "serve-compare")
    with page.expect_download() as download:
        page.click('a[href$="/redline.docx"]')
    download.value.save_as(tmp_path / "redline.docx")
    text = subprocess.run(["pandoc", "--track-changes=all", "-t", "plain", str(tmp_path / "redline.docx")],
                          capture_output=True, text=True).stdout if shutil.which("pandoc") else ""
    assert not shutil.which("pandoc") or ("850.000.000" in text and "950.000.000" in text)
