"""The wheel a user installs: built from the checkout, installed with its dependencies in a fresh virtual
environment, it builds the example and lists the clause library from a folder that is not the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pkm_docs import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str | Path, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_installed_wheel_builds_the_example_from_another_folder(tmp_path):
    # nothing of the checkout may leak in: no PYTHONPATH, and every command runs outside ROOT
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT, cwd=tmp_path, env=env)
    [wheel] = dist.glob("pkm_docs-*.whl")
    assert wheel.name.startswith(f"pkm_docs-{__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "pkm_docs/_data/grammar/pkm.lark" in names
    assert "pkm_docs/_data/templates/house.docx" in names
    assert any(n.startswith("pkm_docs/_data/clause_library/clauses/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert {"pkm_docs/serve/templates/step.html", "pkm_docs/serve/static/style.css",
            "pkm_docs/serve/static/live.js"} <= names  # pkm serve's pages
    assert "pkm_docs/signing/fonts/DejaVuSans-Latin.ttf" in names  # the signature stamp's font
    assert "pkm_docs/signing/fonts/DejaVuSans-LICENSE.txt" in names

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path, env=env)  # without the system's site-packages
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp_path, env=env)

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "kemitraan_kesehatan.pkm", work)
    location = run(bin_dir / "python", "-c", "import pkm_docs; print(pkm_docs.__file__)", cwd=work, env=env)
    assert Path(location.strip()).is_relative_to(venv)

    assert run(bin_dir / "pkm", "--version", cwd=work, env=env).strip() == f"pkm-docs {__version__}"
    out = run(bin_dir / "pkm", "build", "kemitraan_kesehatan.pkm", "-o", "out", cwd=work, env=env)
    assert out.splitlines() == ["wrote out/kemitraan_kesehatan.docx", "wrote out/kemitraan_kesehatan.pdf"]
    assert (work / "out" / "kemitraan_kesehatan.docx").stat().st_size > 0
    assert (work / "out" / "kemitraan_kesehatan.pdf").read_bytes().startswith(b"%PDF-")

    from tests.support.pki import authority  # the installed pkm signs with the font the wheel ships, and verifies

    ca = authority(tmp_path / "pki")
    p12 = ca.issue(tmp_path / "pki", "Yohana Ndun", passphrase=b"")
    run(bin_dir / "pkm", "sign", "out/kemitraan_kesehatan.pdf", "--party", "yayasan", "--p12", p12, cwd=work, env=env)
    report = run(bin_dir / "pkm", "verify", "out/kemitraan_kesehatan.pdf", "--trust", ca.pem, cwd=work, env=env)
    assert "PASSED: everything checked holds" in report

    listing = run(bin_dir / "pkm", "library", "list", cwd=work, env=env)
    assert listing.splitlines()[0].startswith("pkm-docs standard library ")
    assert "purpose.scope" in listing and "funding.cost_sharing" in listing

    # pkm serve from the installed wheel: its pages and style sheet come from the package
    import urllib.request
    serve = subprocess.Popen([str(bin_dir / "pkm"), "serve", "--port", "0", "--no-browser", "--data-dir",
                              str(tmp_path / "drafts")], cwd=work, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        address = serve.stdout.readline().split()[2]
        page = urllib.request.urlopen(address, timeout=30).read().decode("utf-8")
        style = urllib.request.urlopen(address + "static/style.css", timeout=30).read().decode("utf-8")
    finally:
        serve.terminate()
        serve.wait(10)
    assert "Pelayanan kesehatan ibu dan anak" in page and "fieldset" in style
