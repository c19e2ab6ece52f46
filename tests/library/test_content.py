"""The shipped clause library: coverage, the library's life, bilingual parity and glossary use."""

from __future__ import annotations

import re

import pytest

from pkm_docs import body
from pkm_docs.checks.figures import TermMatcher, english_core
from pkm_docs.library import load_library


@pytest.fixture(scope="module")
def library():
    return load_library()


def all_versions(library):
    return [c for versions in library.clauses.values() for c in versions]


def test_library_has_at_least_thirty_clauses_and_no_shipped_clause_claims_an_approval(library):
    """No body approved any shipped clause: every usable version is a model text (approved by no one, and its note
    says so), a deprecated version names only its replacement, drafts stay drafts."""
    assert len(library.clauses) >= 30
    for clause in all_versions(library):
        assert clause.status in ("model", "deprecated", "draft"), clause.ref
        assert clause.approved_by is None and clause.approved_on is None, clause.ref
    notes = re.findall(r'^\s*status: model\n\s*note: "([^"]*)" / "([^"]*)"', "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((library.root / "clauses").glob("*.pkm"))), re.M)
    assert len(notes) == len([c for c in all_versions(library) if c.status == "model"])
    for id_note, en_note in notes:
        assert id_note.startswith("Teks model pkm-docs") and "belum disetujui oleh instansi mana pun" in id_note
        assert en_note.startswith("A pkm-docs model text") and "not approved by any body" in en_note


def test_library_shows_its_life(library):
    revised = [cid for cid, vs in library.clauses.items() if len([c for c in vs if c.status == "model"]) >= 2]
    assert revised
    versions = [c for c in library.versions_of(revised[0]) if c.status == "model"]
    assert versions[0].body != versions[1].body and versions[0].content_hash != versions[1].content_hash
    deprecated = [c for c in all_versions(library) if c.status == "deprecated"]
    assert deprecated and all(c.replaced_by is not None for c in deprecated)
    assert any(c.status == "draft" for c in all_versions(library))


def test_every_scheme_section_can_be_filled_by_a_usable_clause(library):
    sections = {c.section for c in all_versions(library) if c.status in ("approved", "model")}
    for scheme in library.schemes.values():
        for requirement in scheme.requirements:
            assert requirement.section in sections, (scheme.name, requirement.section)
    assert library.schemes["kemitraan-kehutanan"].provisional
    assert not library.schemes["pkm-standar"].provisional


def test_alternatives_exist_where_practice_differs(library):
    by_section = {}
    for clause_id, versions in library.clauses.items():
        by_section.setdefault(versions[-1].section, set()).add(clause_id)
    assert {"dispute.court", "dispute.arbitration"} <= by_section["dispute"]
    assert {"funding.cost_sharing", "funding.single_funder"} <= by_section["funding"]


@pytest.mark.parametrize("lang", ["en"])
def test_every_clause_has_the_same_paragraphs_items_and_placeholders_in_each_language(library, lang):
    for clause in all_versions(library):
        first, other = clause.blocks["id"], clause.blocks[lang]
        assert [b.number for b in first] == [b.number for b in other], clause.ref
        assert [len(b.items) for b in first] == [len(b.items) for b in other], clause.ref
        names = lambda text: sorted((p.name, p.field or "") for p in body.placeholders(text))  # noqa: E731
        assert names(clause.body["id"]) == names(clause.body[lang]), clause.ref
        figures = lambda text: sorted(re.findall(r"\(\d+\)|\d+", re.sub(r"\{[^}]*\}", "", text)))  # noqa: E731
        assert figures(clause.body["id"]) == figures(clause.body[lang]), clause.ref


def test_glossary_terms_are_translated_by_their_glossary_pair(library):
    terms = library.glossary
    assert len(terms) >= 20
    # the same matcher the PKM164 check uses: longest term first, case kept for capitalised terms, plurals
    id_matcher = TermMatcher([t["id"] for t in terms])
    en_matcher = TermMatcher([english_core(t["en"]) for t in terms], plural=True)
    missing = []
    for clause in all_versions(library):
        found_id, found_en = id_matcher.find(clause.body["id"]), en_matcher.find(clause.body["en"])
        for term in terms:
            if term["id"] in found_id and english_core(term["en"]) not in found_en:
                missing.append((clause.ref, term["id"], term["en"]))
    assert missing == []


def test_glossary_check_catches_a_wrong_translation(library):
    ids = TermMatcher([t["id"] for t in library.glossary])
    ens = TermMatcher([english_core(t["en"]) for t in library.glossary], plural=True)
    assert "Keadaan Kahar" in ids.find("Dalam hal terjadi Keadaan Kahar, ...")
    assert "Force Majeure" not in ens.find("In the event of an act of God, ...")
    assert "Force Majeure" in ens.find("In the event of Force Majeure, ...")
