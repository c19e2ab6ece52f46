"""An organisation adopts the model texts: `pkm library approve` records its approval with the hash of the text in
its own library folder (which extends the standard library); only what it approved is approved in its builds, the
manifest names the approver, and a text edited after approval is no longer approved."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from pkm_docs.cli import main
from pkm_docs.library import load_library

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
BODY = "Biro Hukum Setda Kota Kupang"
OWN_CLAUSE = '''clause kupang.notices 1.0.0 {
  status: model
  section: notices
  title: "Pemberitahuan" / "Notices"
  text {
    id: """(1) Setiap pemberitahuan disampaikan secara tertulis."""
    en: """(1) Every notice shall be given in writing."""
  }
}
'''


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def organisation(tmp_path) -> Path:
    folder = tmp_path / "pustaka-kupang"
    folder.mkdir()
    (folder / "library.toml").write_text('name = "Pustaka Setda Kota Kupang"\nversion = "2026.1"\n'
                                         'extends = "standard"\n', encoding="utf-8")
    return folder


def used_clauses() -> set[str]:
    from pkm_docs.pipeline import compile_agreement
    agreement = compile_agreement(EXAMPLE).agreement
    return {f"{e.clause_id}@{e.version}" for e in agreement.manifest.clauses}


def check_json(library: Path, source: Path = EXAMPLE) -> tuple[int, list[dict]]:
    code, out, _ = run("check", source, "--library", library, "--format", "json")
    return code, json.loads(out)


def test_an_organisation_that_approved_nothing_sees_every_clause_unapproved(organisation):
    code, found = check_json(organisation)
    assert code == 0  # warnings: the agreement builds, and says so
    unapproved = {d["message"].split("`")[1] for d in found if d["code"] == "PKM111"}
    assert unapproved == used_clauses()
    first = next(d for d in found if d["code"] == "PKM111")
    assert first["message"].endswith("is not approved: Pustaka Setda Kota Kupang has not approved it")
    assert first["line"] > 0
    # the standard library alone is not an organisation's: no such warning
    assert [d for d in check_json(ROOT / "clause_library")[1] if d["code"] == "PKM111"] == []


def test_an_approval_names_the_approver_in_the_manifest(organisation, tmp_path):
    code, out, err = run("library", "--library", organisation, "approve", "funding.cost_sharing@3.0.0",
                         "--by", BODY, "--on", "2026-12-01")
    assert code == 0, err
    assert out.startswith("approved funding.cost_sharing@3.0.0 (text sha256 ") and f"by {BODY} on 2026-12-01" in out
    _, found = check_json(organisation)
    assert "funding.cost_sharing@3.0.0" not in {d["message"].split("`")[1] for d in found if d["code"] == "PKM111"}
    code, _, err = run("build", EXAMPLE, "--library", organisation, "--format", "docx", "-o", tmp_path / "out")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "out" / "kemitraan_kesehatan.docx") as docx:
        custom = docx.read("docProps/custom.xml").decode("utf-8")
    manifest = json.loads(custom.split('name="pkm-manifest"><vt:lpwstr>')[1].split("</vt:lpwstr>")[0]
                          .replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    entry = next(c for c in manifest["clauses"] if c["id"] == "funding.cost_sharing")
    assert (entry["status"], entry["approved_by"], entry["approved_on"]) == ("approved", BODY, "2026-12-01")
    assert {c["status"] for c in manifest["clauses"] if c["id"] != "funding.cost_sharing"} == {"model"}
    code, out, _ = run("library", "--library", organisation, "show", "funding.cost_sharing@3.0.0")
    assert f"(approved by {BODY} on 2026-12-01)" in out


def test_a_text_edited_after_its_approval_is_no_longer_approved(organisation, tmp_path):
    (organisation / "kupang.pkm").write_text(OWN_CLAUSE, encoding="utf-8")
    code, _, err = run("library", "--library", organisation, "approve", "kupang.notices@1.0.0", "--by", BODY,
                       "--on", "2026-11-20")
    assert code == 0, err
    assert load_library(organisation).versions_of("kupang.notices")[0].status == "approved"
    source = tmp_path / "agreement.pkm"
    source.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "closing {", "article {\n  use kupang.notices@1.0.0\n}\n\nclosing {"), encoding="utf-8")
    assert "kupang.notices@1.0.0" not in {d["message"].split("`")[1] for d in check_json(organisation, source)[1]
                                          if d["code"] == "PKM111"}
    # someone edits the approved text in place, keeping its version
    (organisation / "kupang.pkm").write_text(OWN_CLAUSE.replace("secara tertulis", "secara lisan"), encoding="utf-8")
    clause = load_library(organisation).versions_of("kupang.notices")[0]
    assert (clause.status, clause.approved_by) == ("model", None)
    found = [d for d in check_json(organisation, source)[1] if d["code"] == "PKM111"
             and "kupang.notices" in d["message"]]
    assert [d["message"] for d in found] == [
        f"`kupang.notices@1.0.0` is not approved: its text changed after {BODY} approved it on 2026-11-20"]
    _, out, _ = run("library", "--library", organisation, "list")
    assert (f"! kupang.notices@1.0.0: approved by {BODY} on 2026-11-20, but its text has changed since "
            "(the approval no longer holds)") in out


@pytest.mark.parametrize("argv, message", [
    (["approve", "funding.cost_sharing@9.9.9", "--by", BODY, "--on", "2026-12-01"],
     "`funding.cost_sharing@9.9.9` names no version of `funding.cost_sharing`: approve an exact version"),
    (["approve", "funding.cost_sharing@^2", "--by", BODY, "--on", "2026-12-01"], "approve an exact version"),
    (["approve", "funding.cost_sharing@2.0.0", "--by", BODY, "--on", "2026-02-30"], "--on '2026-02-30' is not a date"),
    (["approve", "funding.cost_sharing@2.0.0", "--by", "\u202e", "--on", "2026-12-01"], "--by names the body"),
    (["approve", "nosuch.clause@1.0.0", "--by", BODY, "--on", "2026-12-01"], "the library has no clause"),
])
def test_a_wrong_approval_is_refused_and_nothing_is_written(organisation, argv, message):
    run("library", "--library", organisation, "approve", "funding.cost_sharing@2.0.0", "--by", BODY,
        "--on", "2026-12-01")
    before = (organisation / "approvals.toml").read_bytes()
    code, _, err = run("library", "--library", organisation, *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert (organisation / "approvals.toml").read_bytes() == before


def test_the_standard_library_is_never_approved_into():
    code, _, err = run("library", "approve", "funding.cost_sharing@2.0.0", "--by", BODY, "--on", "2026-12-01")
    assert code == 2 and "approvals are recorded in an organisation's library" in err
    assert not (ROOT / "clause_library" / "approvals.toml").exists()


def test_an_approvals_file_holding_a_hidden_character_is_refused(organisation):
    (organisation / "approvals.toml").write_text(
        '[[approval]]\nclause = "funding.cost_sharing"\nversion = "2.0.0"\nhash = "00"\n'
        'by = "Biro Hukum \u202eSetda"\non = 2026-12-01\n', encoding="utf-8")
    code, _, err = run("library", "--library", organisation, "list")
    assert code == 2 and "approvals.toml: approval 1: a text holds U+202E (RIGHT-TO-LEFT OVERRIDE)" in err
