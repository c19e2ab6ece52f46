"""Every model clause of the library reads right in a three-party agreement, read back from DOCX and from PDF.

Each model clause version written for several parties (its note says so) is put into the three-party forestry
template (in place of the template's article of the same section, or as an article of its own) with the arguments
below, built through the command line, and read back: its paragraphs are in the DOCX and in the PDF (Indonesian in
the left column, English in the right), no `{placeholder}` is left, no text speaks of "the other PARTY" as if
there were only one, and each party the clause is given by a parameter is named by its alias (PIHAK KETIGA /
THIRD PARTY for the foundation, the third party).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from pkm_docs import body
from pkm_docs.cli import main
from pkm_docs.library import load_library
from pkm_docs.pipeline import compile_agreement
from pkm_docs.values import ListType, PartyType
from tests.support.read_back import docx_text, pdf_texts

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
SAMPLE = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"
LIBRARY = load_library()

#: The parties of the template, by key: KPH (government), KTH (the community group), the foundation.
ALIASES = {"kph": ("PIHAK PERTAMA", "FIRST PARTY"), "kth": ("PIHAK KEDUA", "SECOND PARTY"),
           "yayasan": ("PIHAK KETIGA", "THIRD PARTY")}

#: The arguments each clause is given (written as in an agreement file); a clause with no entry takes none.
#: Amounts agree with the template's data (a total of Rp1.000.000.000, a term from 2027-02-01 to 2030-01-31).
ARGS = {
    "data_protection.beneficiaries": "controller: kph  processors: kth, yayasan  retention: 5 years",
    "dispute.court": 'court: "Pengadilan Negeri Mataram" / "the Mataram District Court"',
    "dispute.arbitration": 'seat: "Mataram"  arbitrators: panel',
    "dispute.mediation": "venue: kph  mediation_days: 30",
    # the KPH pays no one (the template's support without transfer of funds): the foundation's funds are accounted for
    "finance.accountability": "funder: yayasan  recipient: kth  report_due_days: 30",
    "funding.hibah": ('funder: kph  recipient: kth  bank: "PT Bank NTB Syariah, Kantor Cabang Mataram" / "PT Bank '
                      'NTB Syariah, Mataram Branch"  account_number: "0010 2000 3456"  account_holder: "Kelompok '
                      'Tani Hutan Wana Lestari Sesaot"'),
    "funding.swakelola_type_iii": ('funder: kph  recipient: yayasan  bank: "PT Bank NTB Syariah" / "PT Bank NTB '
                                   'Syariah"  account_number: "0020-3000-4567"  account_holder: "Yayasan Hutan '
                                   'Lestari Lombok"'),
    "funding.non_budget": "funder: kph",
    "funding.cost_sharing": ("total: Rp1.000.000.000  contributions: { kph: Rp600.000.000, yayasan: Rp300.000.000, "
                             "kth: Rp100.000.000 }  in_kind: \"tenaga kerja anggota kelompok\" / \"labour of the "
                             "group's members\", \"bibit tanaman\" / \"seedlings\""),
    "funding.single_funder": "funder: kph  total: Rp1.000.000.000",
    "funding.in_kind": ('resources: "PIHAK PERTAMA: ruang pertemuan dan peta kerja" / "FIRST PARTY: a meeting room '
                        'and working maps", "PIHAK KETIGA: kendaraan lapangan" / "THIRD PARTY: a field vehicle"'),
    "funding.disbursement": "funder: yayasan  recipient: kth  tranches: 3  first_tranche: 40%",
    "notices.standard": ('email_addresses: "PIHAK PERTAMA: kphl.rinjanibarat@example.go.id" / "FIRST PARTY: '
                         'kphl.rinjanibarat@example.go.id", "PIHAK KEDUA: kth.wanalestari@example.id" / "SECOND '
                         'PARTY: kth.wanalestari@example.id", "PIHAK KETIGA: sekretariat@example.or.id" / "THIRD '
                         'PARTY: sekretariat@example.or.id"'),
    "purpose.health_services": ('purpose: "meningkatkan kesehatan masyarakat desa hutan" / "improving the health of '
                                'forest village communities"  area: "Desa Sesaot" / "Sesaot Village"  activities: '
                                '"penyuluhan gizi" / "nutrition education"  facilities: "Puskesmas Narmada" / '
                                '"the Narmada Community Health Centre"  supporters: kth, yayasan'),
    "purpose.education_services": ('purpose: "meningkatkan pendidikan lingkungan hidup" / "improving environmental '
                                   'education"  area: "Desa Sesaot" / "Sesaot Village"  activities: "sekolah lapang '
                                   'hutan" / "forest field schools"  schools: "SD Negeri 1 Sesaot" / "SD Negeri 1 '
                                   'Sesaot state primary school"'),
    "purpose.scope": ('purpose: "mengelola hutan bersama masyarakat" / "managing the forest with the community"  '
                      'area: "Desa Sesaot" / "Sesaot Village"  activities: "penanaman" / "planting"'),
    "reporting.public": "report_every: 6 months",
    "reporting.evaluation": "report_every: 6 months  evaluator: joint",
    "term.fixed": "starts_on: 2027-02-01  duration: 36 months",
    "term.renewal": "starts_on: 2027-02-01  duration: 36 months  notice: 3 months  max_renewals: 1",
    "sanctions.standard": "cure_days: 14  suspension_days: 30",
    "force_majeure.standard": "notify_within: 14",
    "confidentiality.standard": "survives: 2 years",
    "governance.steering_committee": "members_per_party: 2  meetings_per_year: 2",
    "kehutanan.benefit_sharing": ('community: kth  shares: { kth: 70%, kph: 20%, "Kas Desa Sesaot" / '
                                  '"Sesaot village fund": 10% }'),
}

#: Wording that assumes two parties: "the other PARTY" (one), "kedua belah pihak", one arbitrator per PARTY.
#: "setiap PIHAK lainnya" / "each other PARTY", "PIHAK lain" / "another PARTY" and "PARA PIHAK lainnya" /
#: "the other PARTIES" read right.
TWO_PARTY_WORDING = [re.compile(p) for p in (
    r"(?<!PARA )(?<![Ss]etiap )PIHAK lainnya", r"(?<![Ee]ach )\bother PARTY(?!IES)", r"(?i)kedua belah pihak",
    r"(?i)\beither PARTY", r"(?i)\beither co-chair", r"(?i)masing-masing PIHAK menunjuk",
    r"(?i)arbiter yang ditunjuk oleh setiap PIHAK", r"(?i)one arbitrator appointed by each PARTY")]


#: The model texts written for several parties say so in their note (every shipped clause is now a model text, the
#: two-party texts of 1.x included; only those written for two or more parties are held to read right with three).
MULTI_PARTY_NOTE = "untuk perjanjian dengan dua pihak atau lebih"


def _multi_party_refs() -> set[str]:
    files = "\n".join(p.read_text(encoding="utf-8") for p in sorted((LIBRARY.root / "clauses").glob("*.pkm")))
    note = r'^clause ([a-z_.]+) (\S+) \{\n\s*status: model\n\s*note: "[^"]*' + MULTI_PARTY_NOTE
    found = re.findall(note, files, re.M)
    return {f"{clause_id}@{version}" for clause_id, version in found}


MULTI_PARTY = _multi_party_refs()


def model_clauses():
    return [c for versions in LIBRARY.clauses.values() for c in versions if c.ref in MULTI_PARTY]


def party_params(clause) -> list[str]:
    return [p.name for p in clause.params
            if isinstance(p.type, PartyType) or (isinstance(p.type, ListType) and isinstance(p.type.item, PartyType))]


def names_a_party(clause) -> bool:
    """A party placeholder, `{parties}`, an `{each party}` item or a party parameter."""
    used = {ph.name for lang_text in clause.body.values() for ph in body.placeholders(lang_text)}
    return bool(party_params(clause)) or bool(used & {"government", "organisation", "parties"}) \
        or "{each party}" in clause.body["id"]


def _blocks(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every top-level `name { ... }` block of an agreement file."""
    spans, depth, start, quoted = [], 0, None, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        if quoted or char not in "{}":
            continue
        if char == "{":
            if depth == 0:
                start = text.rfind("\n", 0, index) + 1
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def _section(clause_id: str) -> str:
    return LIBRARY.versions_of(clause_id)[-1].section


def _upgraded(text: str) -> str:
    """The template with every `use ID@^N` of a two-party clause moved to that clause's newest model version
    written for several parties of the same major version, so the whole agreement reads right."""
    def upgrade(match: re.Match) -> str:
        clause_id, major = match.group(1), int(match.group(2))
        models = [c for c in LIBRARY.versions_of(clause_id) if c.ref in MULTI_PARTY and c.version[0] == major]
        return f"use {clause_id}@{max(models, key=lambda c: c.version).version_text}" if models else match.group(0)
    return re.sub(r"use ([a-z_.]+)@\^(\d+)", upgrade, text)


def agreement_with(clause) -> str:
    """The three-party template with `clause` in place of the template's article of its section (or added)."""
    text = _upgraded(TEMPLATE.read_text(encoding="utf-8"))
    if clause.section == "funding":  # other amounts than the template's: its budget annex (PKM180) goes with them
        text = re.sub(r"\nannex anggaran \{[^\n]*\}\n", "\n", text)
    if f"use {clause.ref} " in text or f"use {clause.ref}\n" in text:
        return text  # the template uses it already (roles.party once per party, the forestry clauses ...)
    use = f"use {clause.clause_id}@{clause.version_text}" + (f" {{ {ARGS[clause.clause_id]} }}"
                                                            if clause.clause_id in ARGS else "")
    if clause.section in ("opening", "closing"):
        kind = "preamble" if clause.section == "opening" else "closing"
        start, end = next(span for span in _blocks(text) if text[span[0]:].startswith(kind))
        return text[:start] + f"{kind} {{ {use} }}" + text[end:]
    article = f"article {{ {use} }}"
    for start, end in _blocks(text):
        block = text[start:end]
        if block.startswith("article") and any(_section(cid) == clause.section
                                               for cid in re.findall(r"use ([a-z_.]+)@", block)):
            return text[:start] + article + text[end:]
    closing = next(start for start, _ in _blocks(text) if text[start:].startswith("closing"))
    return text[:closing] + article + "\n\n" + text[closing:]


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


CLAUSES = model_clauses()  # those that name a party and those that do not


def test_model_clauses_name_parties_by_parameter_never_by_role():
    naming = {c.ref for c in CLAUSES if names_a_party(c)}
    assert {"dispute.mediation@2.0.0", "funding.disbursement@2.0.0", "notices.standard@2.0.0",
            "data_protection.beneficiaries@2.0.0", "opening.parties@1.0.0"} <= naming
    for clause in CLAUSES:  # {government} / {organisation} fail (PKM038) once two parties share a role
        used = {ph.name for text in clause.body.values() for ph in body.placeholders(text)}
        assert not used & {"government", "organisation"}, clause.ref
        for lang, text in clause.body.items():  # PP 28/2018's article numbers are not verified: none is printed
            assert not re.search(r"Pasal (?:9|19|21)\b|Article (?:9|19|21)\b", text), (clause.ref, lang)
    for clause in CLAUSES:  # a party parameter is used in the text of both languages
        for name in party_params(clause):
            for lang in ("id", "en"):
                assert f"{{{name}" in clause.body[lang], (clause.ref, name, lang)


@pytest.mark.slow
@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.ref)
def test_a_model_clause_reads_right_in_a_three_party_agreement(clause, tmp_path):
    source = tmp_path / "tiga_pihak.pkm"
    source.write_text(agreement_with(clause), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(source), "--data", str(SAMPLE), "-o", str(tmp_path / "out")], out, err)
    assert code == 0, err.getvalue()
    assert "PKM164" not in err.getvalue(), err.getvalue()  # every glossary term keeps its translation

    compiled = compile_agreement(source, data=SAMPLE)
    parts = (*compiled.agreement.preamble, *compiled.agreement.articles, *compiled.agreement.closing)
    uses = [use for part in parts for use in part.clauses
            if use.clause_id == clause.clause_id and use.version == clause.version_text]
    assert uses, f"{clause.ref} is not in the built agreement"

    docx = _spaces(docx_text((tmp_path / "out" / "tiga_pihak.docx").read_bytes()))
    pdf_whole, pdf_id, pdf_en = pdf_texts((tmp_path / "out" / "tiga_pihak.pdf").read_bytes())
    columns = {"id": _squeezed(pdf_id), "en": _squeezed(pdf_en)}

    for use in uses:
        texts = {"id": [], "en": []}
        for paragraph in use.paragraphs:
            for lang in ("id", "en"):
                for piece in (paragraph.text, *paragraph.items):
                    written = piece.get(lang)
                    texts[lang].append(written)
                    assert _spaces(written) in docx, f"{clause.ref} ({lang}) not in the DOCX: {written!r}"
                    assert _squeezed(written) in columns[lang], f"{clause.ref} ({lang}) not in the PDF: {written!r}"
        assert texts["id"] and texts["en"]
        written_id, written_en = _spaces(" ".join(texts["id"])), _spaces(" ".join(texts["en"]))
        for name in party_params(clause):  # each party the clause is given is named by its alias
            keys = use.values[name].value
            for key in (keys if isinstance(keys, tuple) else (keys,)):
                alias_id, alias_en = ALIASES[key]
                assert alias_id in written_id, (clause.ref, name, alias_id)
                assert alias_en in written_en, (clause.ref, name, alias_en)
        for name, text in (("DOCX", docx), ("PDF", _spaces(pdf_whole)), ("clause", f"{written_id} {written_en}")):
            assert "{" not in text and "}" not in text, f"{clause.ref}: a placeholder is left in the {name}"
            for pattern in TWO_PARTY_WORDING:
                found = pattern.search(text)
                assert found is None, (f"{clause.ref}: two-party wording in the {name}: "
                                       f"...{text[max(found.start() - 60, 0):found.end() + 20]}...")
    if party_params(clause) and "yayasan" in ARGS.get(clause.clause_id, ""):  # the third party is passed
        assert any("PIHAK KETIGA" in p.text.get("id") + "".join(i.get("id") for i in p.items)
                   for use in uses for p in use.paragraphs), clause.ref
