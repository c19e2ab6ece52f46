"""The redline as people open it: LibreOffice 7.4 (Debian's), driven over UNO, accepts every tracked change and
shows the new draft, rejects every one and shows the old, paragraph numbers and list letters included; pandoc's
--track-changes=accept|reject gives the same. One case per kind of change the diff reports."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pkm_docs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
SYSTEM_PYTHON = "/usr/bin/python3"


def _has_uno() -> bool:
    if shutil.which("soffice") is None or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not _has_uno(), reason="LibreOffice with python3-uno is not installed")]

NEW_ARTICLE = '''article "Peningkatan Kapasitas" / "Capacity Building" {
  text {
    id: """(1) PARA PIHAK menyelenggarakan pelatihan bagi kader posyandu.
(2) Pelatihan sebagaimana dimaksud pada ayat (1) diselenggarakan paling sedikit 2 (dua) kali setahun."""
    en: """(1) The PARTIES shall hold training for integrated health post cadres.
(2) The training referred to in paragraph (1) shall be held at least 2 (two) times a year."""
  }
}

'''
FORCE_MAJEURE = "article {\n  use force_majeure.standard@^1\n}\n\n"
TERMINATION = "article {\n  use termination.grounds@^1\n}\n\n"

ADD_ARTICLE = ("article {\n  use reporting.public@^1", NEW_ARTICLE + "article {\n  use reporting.public@^1")

#: kind of change → the edits that make the new draft from the example (the old draft); a kind given as
#: ``(edits, True)`` makes the old draft with them and keeps the example as the new one
CHANGES = {
    "a parameter in the first paragraph": [("total: Rp950.000.000", "total: Rp850.000.000"),
                                           ("dinkes: Rp665.000.000", "dinkes: Rp565.000.000"),  # still adds up
                                           # the budget annex follows the FIRST PARTY's new part (PKM180)
                                           ("amount: Rp390.000.000", "amount: Rp290.000.000")],
    "a new article": [ADD_ARTICLE],
    "a removed article of two paragraphs": ([ADD_ARTICLE], True),
    "a moved article": [(TERMINATION + FORCE_MAJEURE, FORCE_MAJEURE + TERMINATION)],
    "a changed and a removed list item": [
        ('"pemantauan tumbuh kembang balita di posyandu"', '"pemantauan tumbuh kembang balita di posyandu dan PAUD"'),
        (',\n                "penyuluhan gizi dan pemberian makanan tambahan" / "nutrition counselling and '
         'supplementary feeding"', "")],
    "a changed party": [('name: "Yayasan Kasih Ibu Flobamora"', 'name: "Yayasan Kasih Ibu Flobamora Sejahtera"'),
                        ('representative: "Yohana Ndun, S.K.M."', 'representative: "Maria Goreti Ndun, S.K.M."'),
                        ('account_holder: "Yayasan Kasih Ibu Flobamora"',  # its grant account bears its name
                         'account_holder: "Yayasan Kasih Ibu Flobamora Sejahtera"')],
}


def run(*argv) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    """For each kind of change: the old and the new DOCX and the redline between them."""
    root = tmp_path_factory.mktemp("redlines")
    code, out = run("build", EXAMPLE, "--format", "docx", "-o", root / "example")
    assert code == 0, out
    built = root / "example" / "kemitraan_kesehatan.docx"
    made = {}
    for index, (kind, change) in enumerate(CHANGES.items()):
        edits, reverse = change if isinstance(change, tuple) else (change, False)
        text = EXAMPLE.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, (kind, old)
            text = text.replace(old, new, 1)
        source = root / f"edited{index}.pkm"
        source.write_text(text, encoding="utf-8")
        code, out = run("build", source, "--format", "docx", "-o", root / f"edited{index}")
        assert code == 0, out
        edited = root / f"edited{index}" / f"edited{index}.docx"
        redline = root / f"redline{index}.docx"
        code, out = run("diff", *((source, EXAMPLE) if reverse else (EXAMPLE, source)), "--redline", redline)
        assert code == 1 and redline.is_file(), out
        made[kind] = (edited, built, redline) if reverse else (built, edited, redline)
    return root, made


@pytest.fixture(scope="module")
def libreoffice_texts(drafts):
    """What LibreOffice shows of each file, and of each redline after Accept All and after Reject All."""
    root, made = drafts
    jobs, names = [], {}
    for index, (kind, (old, new, redline)) in enumerate(made.items()):
        for action, source in (("none", old), ("none", new), ("accept", redline), ("reject", redline)):
            target = root / f"{index}-{action}-{source.stem}.txt"
            jobs.append(f"{action}:{source}:{target}")
            names[(kind, action, source.stem)] = target
    subprocess.run([SYSTEM_PYTHON, str(ROOT / "tests" / "support" / "lo_tracked.py"), str(root / "lo-profile"), *jobs],
                   check=True, timeout=900, capture_output=True)
    return {key: path.read_text(encoding="utf-8-sig") for key, path in names.items()}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_libreoffice_accept_all_gives_new_and_reject_all_gives_old(drafts, libreoffice_texts, kind):
    _, made = drafts
    old, new, redline = made[kind]
    shown = libreoffice_texts
    assert shown[(kind, "none", old.stem)] != shown[(kind, "none", new.stem)]  # the change is there to see
    assert shown[(kind, "accept", redline.stem)] == shown[(kind, "none", new.stem)]
    assert shown[(kind, "reject", redline.stem)] == shown[(kind, "none", old.stem)]


def pandoc(path: Path, *options: str) -> str:
    return subprocess.run(["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", *options, str(path)],
                          capture_output=True, text=True, check=True, timeout=120).stdout


#: pandoc 2.17 applies a tracked change to the text but not to a paragraph mark or a table row (wherever the
#: mark is put): a paragraph or row inserted or deleted whole leaves an empty list item ("c.", "2."), which
#: pandoc then counts in the numbers it draws. So where whole paragraphs come and go, its text is compared
#: without list markers, table rules and empty lines: every word and figure, not pandoc's numbering.
_MARKER = re.compile(r"(?:(?<=\s)|(?<=\|)|^)(?:[a-z]|\d+)\.(?=\s|\||$)")


def words_only(text: str) -> list[str]:
    lines = (" ".join(_MARKER.sub("", line).replace("|", " ").split()) for line in text.splitlines()
             if not set(line.strip()) <= set("+-=|: "))
    return [line for line in lines if line]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
@pytest.mark.parametrize("kind", list(CHANGES))
def test_pandoc_accept_gives_new_and_reject_gives_old(drafts, kind):
    _, made = drafts
    old, new, redline = made[kind]
    accepted, rejected = pandoc(redline, "--track-changes=accept"), pandoc(redline, "--track-changes=reject")
    whole_paragraphs = kind not in ("a parameter in the first paragraph", "a changed party")
    if not whole_paragraphs:  # changes inside paragraphs: exactly the same text
        assert (accepted, rejected) == (pandoc(new), pandoc(old))
    # every word and every figure the same; pandoc's own list numbers differ where whole paragraphs come and go
    assert words_only(accepted) == words_only(pandoc(new))
    assert words_only(rejected) == words_only(pandoc(old))


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_redline_is_valid_open_xml(drafts, kind):
    from tests.support.ooxml import VALIDATOR, validate

    if not Path(VALIDATOR).exists():
        pytest.skip("ooxml-validator not installed (see .ci/run)")
    report = validate(drafts[1][kind][2])
    assert report["ok"] and report["errors"] == [], report
