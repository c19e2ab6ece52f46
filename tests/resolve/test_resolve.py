"""Library resolution and the agreement model: versions, hashes, parameters, numbering, conditions."""

from __future__ import annotations

import pytest

from pkm_docs.library import load_library
from pkm_docs.parser import parse
from pkm_docs.pipeline import compile_agreement
from pkm_docs.versions import matches


@pytest.fixture
def library(fixture_library):
    return load_library(fixture_library)


@pytest.fixture
def compiled(tmp_path, agreement_text, fixture_library, data_file):
    path = tmp_path / "agreement.pkm"
    path.write_text(agreement_text, encoding="utf-8")
    return compile_agreement(path, library=fixture_library, data=data_file)


def test_range_resolves_to_highest_approved_version_not_the_draft(library):
    clause = library.resolve("funding.cost_sharing", "^2")
    assert clause.version_text == "2.0.0" and clause.status == "approved"
    assert [c.version_text for c in library.versions_of("funding.cost_sharing")] == ["1.0.0", "2.0.0", "2.1.0"]


def test_exact_pin_resolves_to_that_version(library):
    assert library.resolve("funding.cost_sharing", "1.0.0").version_text == "1.0.0"
    assert library.resolve("funding.cost_sharing", "2.1.0") is None  # a draft is never picked


def test_no_constraint_takes_latest_approved(library):
    assert library.resolve("funding.cost_sharing", None).version_text == "2.0.0"


@pytest.mark.parametrize("constraint, version, expected", [
    ("^2", (2, 5, 1), True), ("^2", (3, 0, 0), False), ("^2.1", (2, 0, 9), False),
    ("~2.1", (2, 1, 7), True), ("~2.1", (2, 2, 0), False), (">=1.2", (3, 0, 0), True),
    ("2.0.0", (2, 0, 0), True), ("2.0.0", (2, 0, 1), False), ("2", (2, 9, 9), True),
])
def test_version_constraints(constraint, version, expected):
    assert matches(constraint, version) is expected


def test_content_hash_is_sha256_and_changes_with_the_text(fixture_library, tmp_path):
    import shutil
    lib = load_library(fixture_library)
    original = lib.resolve("purpose.scope", "1.0.0").content_hash
    assert len(original) == 64 and int(original, 16) >= 0
    copy = tmp_path / "lib"
    shutil.copytree(fixture_library, copy)
    path = copy / "purpose.pkm"
    # reindenting does not change the hash; changing a word does
    reindented = path.read_text(encoding="utf-8").replace("      (1) Perjanjian", "        (1) Perjanjian")
    path.write_text(reindented, encoding="utf-8")
    assert load_library(copy).resolve("purpose.scope", "1.0.0").content_hash == original
    path.write_text(path.read_text(encoding="utf-8").replace("dimaksudkan untuk", "bertujuan untuk"), encoding="utf-8")
    assert load_library(copy).resolve("purpose.scope", "1.0.0").content_hash != original


def test_manifest_lists_exact_versions_hashes_library_and_source(compiled, library):
    manifest = compiled.agreement.manifest.to_data()
    assert manifest["library"] == {"name": "test library", "version": "1.2.3"}
    assert [(c["id"], c["version"]) for c in manifest["clauses"]] == [
        ("opening.standard", "1.0.0"), ("purpose.scope", "1.0.0"), ("funding.cost_sharing", "2.0.0")]
    assert manifest["clauses"][2]["hash"] == library.resolve("funding.cost_sharing", "2.0.0").content_hash
    assert len(manifest["source"]["sha256"]) == 64
    assert manifest["data"]["file"].endswith("data.yaml")


def test_amounts_are_written_in_figures_and_words_in_both_languages(compiled):
    funding = compiled.agreement.articles[1]
    first = funding.paragraphs[0].text
    assert "Rp500.000.000,00 (lima ratus juta rupiah)" in first["id"]
    assert "IDR 500,000,000.00 (five hundred million rupiah)" in first["en"]
    assert "60% (enam puluh persen)" in funding.paragraphs[1].text["id"]


def test_parties_are_referred_to_by_alias_and_fields(compiled):
    scope = compiled.agreement.articles[0]
    assert "oleh PIHAK PERTAMA dan Yayasan Uji" in scope.paragraphs[2].text["id"]
    assert "by the FIRST PARTY and Yayasan Uji" in scope.paragraphs[2].text["en"]


def test_list_parameter_on_its_own_line_becomes_lettered_items(compiled):
    items = compiled.agreement.articles[0].paragraphs[1].items
    assert [i["id"] for i in items] == ["kelas ibu; dan", "posyandu."]
    assert [i["en"] for i in items] == ["antenatal classes; and", "health posts."]


def test_choice_parameter_default_is_written_with_its_label(compiled):
    assert compiled.agreement.articles[0].paragraphs[2].text["id"].endswith("melalui pengadilan.")


def test_opening_writes_the_signing_date_in_words(compiled):
    opening = compiled.agreement.preamble[0].paragraphs[0].text
    assert opening["id"].startswith("Pada hari ini Selasa, tanggal satu, bulan Desember, tahun dua ribu dua puluh enam "
                                    "(01-12-2026), bertempat di Kupang")
    assert "Tuesday, the first day of December, two thousand twenty-six (01-12-2026)" in opening["en"]


def test_articles_are_numbered_and_paragraphs_continue_across_clauses(compiled):
    articles = compiled.agreement.articles
    assert [a.number for a in articles] == [1, 2]
    funding = articles[1]
    assert [p.number for p in funding.paragraphs] == [1, 2, 3, 4, 5]
    assert funding.title["id"] == "Pendanaan"
    # the ad-hoc paragraph "(1)" follows the clause's four paragraphs
    assert funding.paragraphs[4].text["id"] == "Ketentuan tambahan untuk 001/UJI/2026."


def test_paragraph_reference_follows_renumbering(compiled):
    assert "sebagaimana dimaksud pada ayat (1) dicapai" in compiled.agreement.articles[0].paragraphs[2].text["id"]


def test_adhoc_text_is_marked_not_from_the_library(compiled):
    uses = compiled.agreement.articles[1].clauses
    assert [(u.clause_id, u.vetted) for u in uses] == [("funding.cost_sharing", True), ("adhoc", False)]


def test_condition_false_leaves_the_clause_out(tmp_path, agreement_text, fixture_library, data_file):
    path = tmp_path / "a.pkm"
    path.write_text(agreement_text.replace("input with_funding: boolean default yes",
                                           "input with_funding: boolean default no"), encoding="utf-8")
    agreement = compile_agreement(path, library=fixture_library, data=data_file).agreement
    assert [u.clause_id for u in agreement.articles[1].clauses] == ["adhoc"]
    assert "funding.cost_sharing" not in [c.clause_id for c in agreement.manifest.clauses]


def test_single_language_agreement_has_only_that_language(tmp_path, agreement_text, fixture_library, data_file):
    path = tmp_path / "a.pkm"
    path.write_text(agreement_text.replace("languages: id, en", "languages: id"), encoding="utf-8")
    agreement = compile_agreement(path, library=fixture_library, data=data_file).agreement
    assert agreement.languages == ("id",)
    assert set(agreement.articles[0].paragraphs[0].text.by_lang) == {"id"}


def test_parser_keeps_spans_and_dedents_text_blocks():
    source = parse('clause a.b 1.0.0 {\n  title: "A" / "B"\n  text {\n    id: """\n      (1) Satu.\n      (2) Dua.\n'
                   '      """\n  }\n}\n', "x.pkm")
    [clause] = source.declarations
    assert clause.id_span.line == 1 and clause.id_span.column == 8
    assert clause.body.get("id").text.value == "(1) Satu.\n(2) Dua."
    title = clause.fields[0]
    assert (title.span.line, title.span.column) == (2, 3)


def test_witnesses_are_read_with_name_and_position(tmp_path, agreement_text, fixture_library, data_file):
    path = tmp_path / "a.pkm"
    path.write_text(agreement_text + '\nwitness saksi1 {\n  name: "Drs. Markus Tanone"\n'
                    '  position: "Sekretaris Dinas" / "Office Secretary"\n}\n', encoding="utf-8")
    [witness] = compile_agreement(path, library=fixture_library, data=data_file).agreement.witnesses
    assert witness.name == "Drs. Markus Tanone"
    assert witness.position["en"] == "Office Secretary"


def test_witness_without_a_name_is_an_error(tmp_path, agreement_text, fixture_library, data_file):
    from pkm_docs.errors import SourceError
    path = tmp_path / "a.pkm"
    path.write_text(agreement_text + '\nwitness saksi1 {\n  position: "Sekretaris"\n}\n', encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        compile_agreement(path, library=fixture_library, data=data_file)
    [diag] = raised.value.diagnostics
    assert diag.code == "PKM037" and "witness `saksi1` has no `name`" in diag.message
