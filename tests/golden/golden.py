"""The golden corpus: what `pkm build` writes for the example, each template and a few fixtures.

For every output file the corpus keeps its SHA-256 (in ``corpus.json``) and a normalised text form (one
``.txt`` per file: a DOCX's paragraphs, a PDF's text page by page), so a reviewer reads what a change did to
the documents. ``tests/golden/test_golden.py`` builds every case again and fails on any difference.

Regenerate after a change that means to alter the outputs (and say in the commit which and why):

    python tests/golden/golden.py --update
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.json"
TEXTS = HERE / "texts"
sys.path.insert(0, str(ROOT))

from tests.support.read_back import docx_text  # noqa: E402

#: The packages whose versions decide the bytes: a different version explains a byte change, not a text change.
PACKAGES = ("typst", "python-docx", "docxtpl", "lxml", "babel", "jinja2", "pypdf")


@dataclass(frozen=True)
class Case:
    """One `pkm build` run, from the repository's root: a name and the arguments after `pkm build`."""

    name: str
    args: tuple[str, ...]


CASES = (
    Case("example-parallel", ("examples/kemitraan_kesehatan.pkm",)),
    Case("example-sequential", ("examples/kemitraan_kesehatan.pkm", "--layout", "sequential")),
    Case("example-separate", ("examples/kemitraan_kesehatan.pkm", "--layout", "separate")),
    Case("example-draft", ("examples/kemitraan_kesehatan.pkm", "--draft")),
    Case("kesehatan", ("templates/kesehatan.pkm", "--data", "templates/kesehatan.sample.yaml")),
    Case("kehutanan", ("templates/kehutanan.pkm", "--data", "templates/kehutanan.sample.yaml")),
    Case("kehutanan-sequential", ("templates/kehutanan.pkm", "--data", "templates/kehutanan.sample.yaml",
                                  "--layout", "sequential")),
    Case("paud", ("templates/paud.pkm", "--data", "templates/paud.sample.yaml")),
    Case("paud-separate-draft", ("templates/paud.pkm", "--data", "templates/paud.sample.yaml",
                                 "--layout", "separate", "--draft")),
    Case("kehutanan-tiga-pihak", ("templates/kehutanan_tiga_pihak.pkm", "--data",
                                  "templates/kehutanan_tiga_pihak.sample.yaml")),
    Case("kehutanan-tiga-pihak-separate", ("templates/kehutanan_tiga_pihak.pkm", "--data",
                                           "templates/kehutanan_tiga_pihak.sample.yaml", "--layout", "separate")),
    Case("fixture", ("tests/fixtures/agreement.pkm", "--library", "tests/fixtures/library",
                     "--data", "tests/fixtures/data.yaml", "--draft")),
    Case("checks-fixture", ("tests/fixtures/checks/good.pkm", "--library", "tests/fixtures/checks/library",
                            "--layout", "sequential")),
)


def versions() -> dict[str, str]:
    """The installed versions of the packages that decide the bytes."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def normalised_text(name: str, data: bytes) -> str:
    """What a reader of the file sees, as plain text: paragraphs of a DOCX, pages of a PDF."""
    if name.endswith(".docx"):
        return docx_text(data).rstrip() + "\n"
    pages = PdfReader(io.BytesIO(data)).pages
    return "".join(f"--- page {i} ---\n{page.extract_text().rstrip()}\n" for i, page in enumerate(pages, 1))


def build(case: Case, out: Path) -> dict[str, bytes]:
    """Run `pkm build` for ``case`` from the repository's root into ``out``; the files it wrote, by name."""
    import os

    from pkm_docs.cli import main

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        stdout, stderr = io.StringIO(), io.StringIO()
        code = main(["build", *case.args, "-o", str(out)], stdout=stdout, stderr=stderr)
    finally:
        os.chdir(here)
    if code != 0:
        raise AssertionError(f"{case.name}: pkm build exited {code}\n{stderr.getvalue()}")
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def produce() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Build every case: the SHA-256 of each file by case, and each file's normalised text by its corpus path."""
    hashes: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            files = build(case, Path(tmp) / case.name)
            hashes[case.name] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
            for name, data in files.items():
                texts[f"{case.name}/{name}.txt"] = normalised_text(name, data)
    return hashes, texts


def update() -> None:
    """Write the corpus anew from what the code builds now."""
    hashes, texts = produce()
    CORPUS.write_text(json.dumps({"versions": versions(), "files": hashes}, indent=2, sort_keys=True) + "\n",
                      encoding="utf-8")
    for old in TEXTS.rglob("*.txt") if TEXTS.exists() else ():
        old.unlink()
    for rel, text in texts.items():
        path = TEXTS / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in sorted(TEXTS.iterdir()) if TEXTS.exists() else ():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    print(f"golden corpus: {sum(len(v) for v in hashes.values())} files of {len(hashes)} cases written")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the corpus anew from the current code")
    if parser.parse_args().update:
        update()
    else:
        parser.print_help()
