"""Every citation the library prints is in docs/legal-sources.md, and no output prints an article no one read.

What counts as a citation, in the text of a built document or of a clause version:

* an instrument by number and year: "Undang-Undang Nomor 24 Tahun 2009", "Peraturan Pemerintah Nomor 28 Tahun
  2018", "Peraturan Presiden ...", "Peraturan Pemerintah Pengganti Undang-Undang ...", "Peraturan Menteri X ...",
  in English "Law Number 24 of 2009", "Government Regulation Number 28 of 2018", "Presidential Regulation ...",
  "Government Regulation in Lieu of Law ...", "Regulation of the Minister of X Number ..."; or in the short form
  "UU 24/2009", "PP 28/2018", "Perpres 63/2019", "Perppu 2/2022", "Permendagri 22/2020";
* an instrument without a number: "Kitab Undang-Undang Hukum Perdata" / "KUHPerdata" / "Civil Code", "BANI";
* a pinpoint: "Pasal N" (with any "ayat (n)" and "huruf x") or "Article N" (with any "paragraph (n)" and
  "letter x") **directly followed by an instrument**: "Pasal 21 Peraturan Pemerintah Nomor 28 Tahun 2018",
  "Pasal 1266 Kitab Undang-Undang Hukum Perdata", "Article 31 of Law Number 24 of 2009", "Article 1266 of the
  Indonesian Civil Code", also in a chain ("Pasal 9 dan Pasal 22 Peraturan ...": both are pinpoints of it).

What does not count: the agreement's own articles. "Pasal 3" as a heading, "sebagaimana dimaksud dalam Pasal 5",
"Pasal 5 ayat (1) huruf a", "Pasal ini", "Article 5 of this Agreement": these refer to the agreement itself, so
nothing naming an instrument follows them. A "Pasal N" followed by an instrument's name is never the
agreement's own article. So the rule is: a pinpoint is a "Pasal N" / "Article N of" whose next words, after its
own ayat / huruf / paragraph / letter and any chained article, begin one of the instrument names above.

Every "Nomor N Tahun YYYY" and "Number N of YYYY" in an output must be part of a recognised instrument. One
that is not (an instrument kind this test does not know) fails the test, so a new kind of citation cannot slip
past unlisted.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from pkm_docs.cli import main
from pkm_docs.library import load_library
from tests.support.read_back import docx_text

ROOT = Path(__file__).resolve().parents[2]
SOURCES_MD = ROOT / "docs" / "legal-sources.md"
CHECKS_MD = ROOT / "docs" / "checks.md"
TEMPLATES = ("kesehatan", "paud", "kehutanan", "kehutanan_tiga_pihak")

# ---- the list -----------------------------------------------------------------------------------------------


def legal_sources() -> list[tuple[str, str | None, str]]:
    """The rows of docs/legal-sources.md: (key, article or None for the instrument as a whole, where read)."""
    rows = []
    for line in SOURCES_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        key, _, article, _, where = cells
        rows.append((key.strip("`"), None if article.startswith("(") else article, where))
    return rows


def has_entry(key: str, article: str | None = None) -> bool:
    """Whether the list has the instrument (article None), or that pinpoint (or the whole article it is in)."""
    for row_key, row_article, _ in legal_sources():
        if row_key != key:
            continue
        if article is None or row_article == article or (row_article and article.startswith(row_article + " ")):
            return True
    return False


def read(key: str, article: str) -> bool:
    """Whether the list says a pinpoint was read (its row does not say "not read here")."""
    return any(row_key == key and (row_article == article or article.startswith(f"{row_article} "))
               and "not read here" not in where for row_key, row_article, where in legal_sources())


# ---- finding citations ---------------------------------------------------------------------------------------

_PERMEN = {"Lingkungan Hidup dan Kehutanan": "Permen LHK", "Environment and Forestry": "Permen LHK",
           "Dalam Negeri": "Permendagri", "Home Affairs": "Permendagri"}
_ID_KINDS = {"Peraturan Pemerintah Pengganti Undang-Undang": "Perppu", "Undang-Undang": "UU",
             "Peraturan Pemerintah": "PP", "Peraturan Presiden": "Perpres"}
_EN_KINDS = {"Government Regulation in Lieu of Law": "Perppu", "Law": "UU", "Government Regulation": "PP",
             "Presidential Regulation": "Perpres"}
INSTRUMENT = re.compile(
    r"(?P<id>Peraturan Pemerintah Pengganti Undang-Undang|Undang-Undang|Peraturan Pemerintah|Peraturan Presiden"
    r"|Peraturan Menteri (?P<id_minister>[A-Z][A-Za-z ]*?)) Nomor (?P<id_n>\d+) Tahun (?P<id_y>\d{4})"
    r"|(?P<en>Government Regulation in Lieu of Law|Government Regulation|Presidential Regulation"
    r"|Regulation of the Minister of (?P<en_minister>[A-Z][A-Za-z ]*?)|Law) Number (?P<en_n>\d+) of (?P<en_y>\d{4})"
    r"|\b(?P<short>UU|PP|Perpres|Perppu|Permendagri) (?:No\. ?)?(?P<short_n>\d+)/(?P<short_y>\d{4})"
    r"|(?P<kuh>Kitab Undang-Undang Hukum Perdata|KUHPerdata|(?:Indonesian )?Civil Code)|(?P<bani>\bBANI\b)")
_ID_ARTICLE = r"Pasal (\d+)(?: ayat \((\d+)\))?(?: huruf [a-z])?"
_EN_ARTICLE = r"Article (\d+)(?: paragraph \((\d+)\))?(?: letter [a-z])?"
PINPOINT = re.compile(
    rf"(?P<id>{_ID_ARTICLE}(?:(?:,| dan| serta) {_ID_ARTICLE})*) (?:dari )?"
    r"(?=Undang-Undang|Peraturan|Kitab Undang-Undang|KUHPerdata|UU |PP |Perpres |Perppu |Permendagri )"
    rf"|(?P<en>{_EN_ARTICLE}(?:(?:,| and) {_EN_ARTICLE})*) of (?:the )?"
    r"(?=Law|Government|Presidential|Regulation|Indonesian Civil Code|Civil Code|UU |PP |Perpres )")
_NUMBERED = re.compile(r"Nomor \d+ Tahun \d{4}|Number \d+ of \d{4}")


def instrument_key(m: re.Match) -> str:
    if m["kuh"]:
        return "KUHPerdata"
    if m["bani"]:
        return "BANI"
    if m["short"]:
        return f"{m['short']} {m['short_n']}/{m['short_y']}"
    if m["id"]:
        kind = _PERMEN.get(m["id_minister"], f"Permen {m['id_minister']}") if m["id_minister"] else _ID_KINDS[m["id"]]
        return f"{kind} {m['id_n']}/{m['id_y']}"
    kind = _PERMEN.get(m["en_minister"], f"Permen {m['en_minister']}") if m["en_minister"] else _EN_KINDS[m["en"]]
    return f"{kind} {m['en_n']}/{m['en_y']}"


def citations(text: str) -> tuple[set[str], set[tuple[str, str]], list[str]]:
    """The instruments a text cites, its pinpoints (key, "Pasal N[ ayat (n)]"), and any "Nomor N Tahun YYYY" /
    "Number N of YYYY" that is part of no instrument this test recognises."""
    text = " ".join(text.split())
    found = list(INSTRUMENT.finditer(text))
    instruments = {instrument_key(m) for m in found}
    covered = [(m.start(), m.end()) for m in found]
    unknown = [m.group(0) for m in _NUMBERED.finditer(text)
               if not any(start <= m.start() and m.end() <= end for start, end in covered)]
    pinpoints = set()
    for m in PINPOINT.finditer(text):
        following = next((f for f in found if f.start() == m.end()), None)
        key = instrument_key(following) if following else f"unrecognised instrument after {m.group(0)!r}"
        article = _ID_ARTICLE if m["id"] else _EN_ARTICLE
        for number, ayat in re.findall(article, m.group(0)):
            pinpoints.add((key, f"Pasal {number}" + (f" ayat ({ayat})" if ayat else "")))
    return instruments, pinpoints, unknown


@pytest.mark.parametrize("text, instruments, pinpoints", [
    ("sesuai dengan Pasal 21 Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah",
     {"PP 28/2018"}, {("PP 28/2018", "Pasal 21")}),
    ("in accordance with Article 9 paragraph (2) of Government Regulation Number 28 of 2018",
     {"PP 28/2018"}, {("PP 28/2018", "Pasal 9 ayat (2)")}),
    ("Sesuai dengan Pasal 9 dan Pasal 22 Peraturan Pemerintah Nomor 28 Tahun 2018 serta Pasal 4.",
     {"PP 28/2018"}, {("PP 28/2018", "Pasal 9"), ("PP 28/2018", "Pasal 22")}),
    ("mengesampingkan ketentuan Pasal 1266 Kitab Undang-Undang Hukum Perdata", {"KUHPerdata"},
     {("KUHPerdata", "Pasal 1266")}),
    ("waive Article 1266 of the Indonesian Civil Code", {"KUHPerdata"}, {("KUHPerdata", "Pasal 1266")}),
    ("Undang-Undang Nomor 16 Tahun 2017 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 "
     "Tahun 2017", {"UU 16/2017", "Perppu 2/2017"}, set()),
    ("Regulation of the Minister of Environment and Forestry Number 9 of 2021", {"Permen LHK 9/2021"}, set()),
    # the agreement's own articles: no instrument follows them
    ("Pasal 3 RUANG LINGKUP (1) sebagaimana dimaksud dalam Pasal 5 ayat (1) huruf a dan Pasal ini", set(), set()),
    ("the obligations referred to in Article 5 of this Agreement", set(), set()),
])
def test_the_citation_rule(text, instruments, pinpoints):
    found, pins, unknown = citations(text)
    assert (found, pins, unknown) == (instruments, pinpoints, [])


def test_a_numbered_instrument_of_an_unknown_kind_is_not_overlooked():
    assert citations("Keputusan Gubernur Nomor 12 Tahun 2026")[2] == ["Nomor 12 Tahun 2026"]


# ---- the built documents -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """The DOCX text of every template built with its sample data, and of the example."""
    builds = {name: ["build", str(ROOT / "templates" / f"{name}.pkm"), "--data",
                     str(ROOT / "templates" / f"{name}.sample.yaml")] for name in TEMPLATES}
    builds["kemitraan_kesehatan"] = ["build", str(ROOT / "examples" / "kemitraan_kesehatan.pkm")]
    texts = {}
    for name, argv in builds.items():
        out = tmp_path_factory.mktemp(name)
        code = main([*argv, "-o", str(out), "--format", "docx"], stdout=io.StringIO(), stderr=io.StringIO())
        assert code == 0, name
        texts[name] = docx_text((out / f"{name}.docx").read_bytes())
    return texts


@pytest.mark.parametrize("name", [*TEMPLATES, "kemitraan_kesehatan"])
def test_every_citation_in_an_output_is_listed_and_no_unread_article_is_printed(outputs, name):
    instruments, pinpoints, unknown = citations(outputs[name])
    assert instruments, "every output cites at least the language law"
    assert not unknown, f"{name}: citations of a kind this test does not know: {unknown}"
    assert not [k for k in instruments if not has_entry(k)], "instruments missing from docs/legal-sources.md"
    assert not [p for p in pinpoints if not has_entry(*p)], "pinpoints missing from docs/legal-sources.md"
    assert not [p for p in pinpoints if not read(*p)], "an article the list marks 'not read here' is printed"


# ---- the library and the checks ------------------------------------------------------------------------------


def test_every_citation_of_every_clause_version_is_listed():
    """Old versions included: the list says which versions print which pinpoints, read or not."""
    missing = []
    for versions in load_library().clauses.values():
        for clause in versions:
            for text in clause.body.values():
                instruments, pinpoints, unknown = citations(text)
                missing += [(clause.ref, u) for u in unknown]
                missing += [(clause.ref, k) for k in instruments if not has_entry(k)]
                missing += [(clause.ref, p) for p in pinpoints if not has_entry(*p)]
                rows = SOURCES_MD.read_text(encoding="utf-8")
                missing += [(clause.ref, p) for p in pinpoints if clause.ref not in rows]
    assert not missing


def test_every_legal_source_of_a_check_is_listed_without_an_unread_article():
    import pkm_docs.checks  # noqa: F401  (registers every rule)
    from pkm_docs.checks.registry import RULES
    sources = {code: rule.source for code, rule in RULES.items() if rule.source}
    assert sources
    for code, source in sources.items():
        instruments, _, unknown = citations(source)
        assert instruments and not unknown, code
        assert all(has_entry(k) for k in instruments), (code, instruments)
        for ruling in re.findall(r"Putusan MA \d+ K/Pdt/\d{4}", source):
            assert has_entry(ruling), code
        assert not re.search(r"Pasal \d|Article \d", source), f"{code} cites an article no one read: {source}"


def test_checks_md_gives_each_rule_its_own_legal_source():
    import pkm_docs.checks  # noqa: F401
    from pkm_docs.checks.registry import RULES
    listed = {}
    for line in CHECKS_MD.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"PKM1\d\d", cells[0]):
            listed[cells[0]] = cells[-1]
    assert set(listed) == set(RULES)
    assert {code: text for code, text in listed.items()} == {code: rule.source or "" for code, rule in RULES.items()}


def test_no_shipped_clause_version_claims_an_approval():
    """No body approved any shipped clause: none names an approver or a date of approval, none is `approved`."""
    library = load_library()
    versions = [c for vs in library.clauses.values() for c in vs]
    assert versions
    assert [c.ref for c in versions if c.approved_by or c.approved_on or c.status == "approved"] == []
    for path in sorted((library.root / "clauses").glob("*.pkm")):
        assert not re.search(r"^\s*(approved_by|approved_on)\s*:", path.read_text(encoding="utf-8"), re.M), path.name


def _clause(version: str, fields: str) -> str:
    return (f'clause a.b {version} {{\n{fields}\n  section: purpose\n  title: "Judul" / "Title"\n'
            '  text {\n    id: """\n      (1) Teks.\n      """\n    en: """\n      (1) Text.\n      """\n  }\n}\n')


@pytest.mark.parametrize("fields, problem", [
    ("  status: model", None),
    ('  status: model\n  approved_by: "Biro Hukum"', "is a model text, which no one has approved"),
    ("  status: deprecated\n  replaced_by: a.b@2.0.0", None),  # a model text withdrawn: no approval to state
    ('  status: deprecated\n  replaced_by: a.b@2.0.0\n  approved_by: "Biro Hukum"\n  approved_on: 2026-01-05', None),
    ("  status: deprecated\n  replaced_by: a.b@2.0.0\n  approved_on: 2026-01-05", "does not say who approved it"),
    ("  status: deprecated", "names no replacement"),
    ("  status: approved", "does not say who approved it"),
])
def test_status_rules(tmp_path, fields, problem):
    from pkm_docs.errors import PkmError
    (tmp_path / "c.pkm").write_text(_clause("1.0.0", fields) + _clause("2.0.0", "  status: model"),
                                    encoding="utf-8")
    if problem is None:
        assert load_library(tmp_path).resolve("a.b", "1.0.0") is not None
    else:
        with pytest.raises(PkmError) as raised:
            load_library(tmp_path)
        assert problem in str(raised.value)


def test_library_cli_says_a_model_text_is_approved_by_no_one():
    out = io.StringIO()
    assert main(["library", "show", "dispute.court@1.0.0"], stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue().startswith("dispute.court@1.0.0  (model text, approved by no one)\n")
    assert "  approved: by no one\n" in out.getvalue()
