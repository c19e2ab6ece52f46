"""Hardening: hostile sources and values, file access, size limits, atomic writes and reproducible bytes.

Every source ends in success or a diagnostic (a ``PkmError``), never another exception, within a deadline.
Every hostile value either lands verbatim in the DOCX and the PDF or is refused with an error naming its field.
Each test pins what the code does with one kind of hostile input.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.faults import fail_on_call
from tests.support.read_back import docx_text, pdf_texts
from pkm_docs.checks import run_checks
from pkm_docs.data import load_data, parse_data
from pkm_docs.errors import BuildError, PkmError, SourceError, UsageError
from pkm_docs.library import load_library
from pkm_docs.parser import MAX_SOURCE_BYTES, parse
from pkm_docs.pipeline import build, compile_agreement, render
from pkm_docs.resolve import resolve
from pkm_docs import syntax as s

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"
TEMPLATE = ROOT / "templates" / "kesehatan.pkm"
SAMPLE = ROOT / "templates" / "kesehatan.sample.yaml"
SOURCES = {path.name: path.read_text(encoding="utf-8")
           for path in [EXAMPLE, *sorted((ROOT / "templates").glob("*.pkm"))]}

#: Deadlines for one example: random sources are small; the huge ones are near the size limit.
FAST = datetime.timedelta(seconds=5)
SLOW = datetime.timedelta(seconds=60)


@functools.lru_cache(maxsize=1)
def library():
    return load_library()


def compile_text(text: str, path: str = "fuzz.pkm") -> None:
    """Parse, resolve against the shipped library and check; a user's mistake must be a PkmError."""
    try:
        agreement = resolve(parse(text, path), library()).agreement
    except PkmError:
        return
    run_checks(agreement, library())


def within(deadline: datetime.timedelta, fn: Callable[..., None], *args: Any) -> None:
    """Run ``fn(*args)`` once as a hypothesis example, so its deadline bounds the time it may take."""
    @settings(max_examples=1, deadline=deadline, database=None, suppress_health_check=list(HealthCheck))
    @given(st.just(args))
    def once(arguments: tuple) -> None:
        fn(*arguments)
    once()


# ---------------------------------------------------------------- sources: random and mutated

TOKENS = [
    "agreement", "party", "input", "article", "preamble", "closing", "use", "text", "when", "not", "and", "or",
    "{", "}", "[", "]", "(", ")", ":", ",", "/", "=", "<", ">=", "!=", '"x"', '"""\nid\n"""', '"a" / "b"',
    "Rp950.000.000", "Rp1,50", "70%", "2026-12-01", "2026-02-30", "12 months", "3 tahun", "7", "1,5",
    "funding.cost_sharing", "funding.cost_sharing@^2", "@~2.1", "opening.standard@^1", "purpose.scope",
    "title", "number", "scheme", "pkm-standar", "languages", "id", "en", "governing", "signed_on", "signed_at",
    "role", "government", "organisation", "alias", "name", "yes", "no", "total", "dinkes", "# comment\n", "\n",
    "id:", "en:", "optional", "default", "min", "max", "list of text", "choice(a, b)", "@", "{total}", "\t",
]

settings_fast = settings(max_examples=300, deadline=FAST, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.slow
@given(st.text(max_size=400))
@settings_fast
def test_random_text_ends_in_a_diagnostic_or_success(text):
    compile_text(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=120).map(" ".join))
@settings_fast
def test_random_token_soup_ends_in_a_diagnostic_or_success(text):
    compile_text(text)


@pytest.mark.slow
@given(st.sampled_from(sorted(SOURCES)), st.data())
@settings_fast
def test_truncated_sources_end_in_a_diagnostic_or_success(name, data):
    text = SOURCES[name]
    compile_text(text[: data.draw(st.integers(0, len(text)), label="cut")])


@pytest.mark.slow
@given(st.sampled_from(sorted(SOURCES)), st.data())
@settings_fast
def test_sources_with_deleted_lines_end_in_a_diagnostic_or_success(name, data):
    lines = SOURCES[name].splitlines(keepends=True)
    deleted = data.draw(st.sets(st.integers(0, len(lines) - 1), min_size=1, max_size=8), label="deleted")
    compile_text("".join(line for i, line in enumerate(lines) if i not in deleted))


@pytest.mark.slow
@given(st.sampled_from(sorted(SOURCES)), st.data())
@settings_fast
def test_sources_with_spliced_tokens_end_in_a_diagnostic_or_success(name, data):
    text = SOURCES[name]
    for _ in range(data.draw(st.integers(1, 4), label="splices")):
        at = data.draw(st.integers(0, len(text)), label="at")
        text = text[:at] + data.draw(st.sampled_from(TOKENS) | st.text(max_size=5), label="token") + text[at:]
    compile_text(text)


@given(st.binary(max_size=600))
@settings(max_examples=200, deadline=FAST, database=None)
def test_random_bytes_as_a_file_end_in_a_diagnostic_or_success(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.pkm"
        path.write_bytes(raw)
        try:
            compile_agreement(path, library=library())
        except PkmError:
            pass


DEEP = {
    "open brackets": "agreement { title: " + "[" * 10_000,
    "closed brackets": "agreement { title: " + "[" * 10_000 + '"x"' + "]" * 10_000 + " }",
    "parentheses in a condition": SOURCES[EXAMPLE.name].replace(
        "use opening.standard@^1", "use opening.standard@^1 when " + "(" * 10_000 + "x" + ")" * 10_000),
    "not not not": SOURCES[EXAMPLE.name].replace("use opening.standard@^1",
                                                 "use opening.standard@^1 when " + "not " * 10_000 + "x"),
    "and and and": SOURCES[EXAMPLE.name].replace("use opening.standard@^1",
                                                 "use opening.standard@^1 when x" + " and x" * 10_000),
    "braces": "{" * 10_000 + "}" * 10_000,
    "brackets in a list value": SOURCES[EXAMPLE.name].replace('"tenaga pendamping"', "[" * 300 + '"a"' + "]" * 300),
}

_NEAR_LIMIT = MAX_SOURCE_BYTES - 100_000
HUGE = {
    "string literal": SOURCES[EXAMPLE.name].replace('"Kupang"', '"' + "a" * _NEAR_LIMIT + '"', 1),
    "text block": SOURCES[EXAMPLE.name].replace('"Kupang"', '"""' + "kata kata\n" * (_NEAR_LIMIT // 10) + '"""', 1),
    "number": SOURCES[EXAMPLE.name].replace("3 years", "9" * 100_000 + " years"),
    "percentage": SOURCES[EXAMPLE.name].replace("70%", "9" * 100_000 + "%"),
    # the party's key, as long as the file allows wherever the example names it (its key, funder, e-mail ...)
    "name": SOURCES[EXAMPLE.name].replace("dinkes", "d" * (MAX_SOURCE_BYTES // (2 * SOURCES[EXAMPLE.name]
                                                                               .count("dinkes")))),
    "comment": "# " + "x" * _NEAR_LIMIT + "\n" + SOURCES[EXAMPLE.name],
    "many articles": SOURCES[EXAMPLE.name] + "article { use governing_law.indonesia@^1 }\n" * 5_000,
    "many parties": SOURCES[EXAMPLE.name] + "".join(f'party p{i} {{ role: organisation }}\n' for i in range(20_000)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_ends_in_a_diagnostic_or_success(case):
    within(FAST, compile_text, DEEP[case])


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HUGE))
def test_huge_literals_end_in_a_diagnostic_or_success(case):
    assert len(HUGE[case].encode("utf-8")) <= MAX_SOURCE_BYTES
    within(SLOW, compile_text, HUGE[case])


@pytest.mark.parametrize("amount", ["Rp1.000.000.000.000.000", "Rp" + "9" * 40])
def test_an_amount_too_large_to_write_in_words_is_a_diagnostic(amount):
    text = SOURCES[EXAMPLE.name].replace("Rp950.000.000", amount)
    with pytest.raises(SourceError, match="total"):
        resolve(parse(text, "big.pkm"), library())


def test_an_integer_too_large_to_write_in_words_is_a_diagnostic():
    text = SOURCES[EXAMPLE.name].replace("3 years", "10000000000000000 years")
    with pytest.raises(SourceError, match="duration"):
        resolve(parse(text, "big.pkm"), library())


class _CountingTuple(tuple):
    """A tuple that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        _CountingTuple.walks += 1
        return super().__iter__()


def _declaration_walks(articles: int) -> int:
    source = parse(SOURCES[EXAMPLE.name] + "article { use governing_law.indonesia@^1 }\n" * articles, "many.pkm")
    counted = s.SourceFile(source.path, source.text, _CountingTuple(source.declarations))
    _CountingTuple.walks = 0
    resolve(counted, library())
    return _CountingTuple.walks


def test_resolving_walks_the_declarations_a_fixed_number_of_times():
    assert _declaration_walks(200) == _declaration_walks(100)


# ---------------------------------------------------------------- the language has no file access


@pytest.mark.parametrize("line", [
    'import "/etc/passwd"',
    'include "/etc/passwd"',
    '#include "/etc/passwd"\narticle { use ../../etc/passwd }',
    'article { use /etc/passwd }',
    'article { use funding.cost_sharing@^2 { total: read("/etc/passwd") } }',
])
def test_no_construct_reads_a_file(line):
    text = SOURCES[EXAMPLE.name] + "\n" + line + "\n"
    with pytest.raises(SourceError) as caught:
        resolve(parse(text, "import.pkm"), library())
    assert caught.value.diagnostics[0].code in ("PKM001", "PKM010", "PKM015")
    assert "root:" not in str(caught.value)


# ---------------------------------------------------------------- input limits


def test_a_source_over_the_size_limit_is_refused_with_the_limit(tmp_path):
    path = tmp_path / "big.pkm"
    path.write_bytes(b"#" * (MAX_SOURCE_BYTES + 1))
    with pytest.raises(UsageError) as caught:
        compile_agreement(path, library=library())
    assert f"{MAX_SOURCE_BYTES:,} bytes" in str(caught.value) and str(path) in str(caught.value)


def test_source_text_over_the_size_limit_is_refused_by_the_parser():
    with pytest.raises(UsageError, match=f"larger than {MAX_SOURCE_BYTES:,} bytes"):
        parse("é" * (MAX_SOURCE_BYTES // 2 + 1), "big.pkm")


def test_a_data_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_SOURCE_BYTES)
    with pytest.raises(UsageError, match=f"{MAX_SOURCE_BYTES:,} bytes"):
        load_data(path)


@pytest.mark.slow
@pytest.mark.parametrize("nested", ["[" * 10_000 + "]" * 10_000, "{a: " * 5_000 + "1" + "}" * 5_000])
def test_a_deeply_nested_data_file_is_a_diagnostic(nested):
    with pytest.raises(SourceError):
        parse_data(f"tujuan: {nested}\n", "deep.yaml")


# ---------------------------------------------------------------- hostile values through a data file

KESEHATAN = parse(TEMPLATE.read_text(encoding="utf-8"), str(TEMPLATE))
INPUTS = {d.decl.name: d.decl for d in KESEHATAN.declarations if isinstance(d, s.InputDef)}
TEXT_INPUTS = sorted(n for n, d in INPUTS.items() if d.type.kind == "text")
LIST_INPUTS = sorted(n for n, d in INPUTS.items() if d.type.kind == "list" and d.type.item.kind == "text")
TYPED_INPUTS = sorted(n for n in INPUTS if n not in TEXT_INPUTS and n not in LIST_INPUTS)
PARTY_INPUTS = ["nama_dinas", "kepala_dinas", "jabatan_kepala_dinas", "dasar_kewenangan_dinas", "atas_nama_dinas",
                "alamat_dinas",
                "nama_yayasan", "ketua_yayasan", "jabatan_ketua_yayasan", "akta_yayasan", "alamat_yayasan"]


HOSTILE = {
    "jinja": "{{ 7*7 }} {% for x in range(3) %}X{% endfor %} {# note #} {%p if 1 %}",
    "jinja include": '{% include "/etc/passwd" %} {{ self.__init__.__globals__ }}',
    "typst": '#read("agreement.typ") #set text(fill: red) $x^2$ *b* _i_ @ref <lab> `raw` #sys.inputs',
    "typst passwd": '#read("/etc/passwd") #import "/etc/passwd": *',
    "xml": "</w:t><w:t>&amp; &lt;x&gt; <![CDATA[ ]]> <?xml version='1.0'?> \"q\" 'a'",
    "pkm placeholders": "{total} {agreement.number} {(1)} {government.name} {signing.date}",
    "unicode": "Ṡüß Ω Ж Ŋ ā ẞ « » „ “ ” — … № ° ½ € x\u00a0y",
}


def sample() -> dict[str, Any]:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def with_values(values: dict[str, Any]) -> str:
    data = sample()
    data.update(values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)


def resolve_data(text: str, path: str = "hostile.yaml"):
    return resolve(KESEHATAN, library(), parse_data(text, path), path, text.encode("utf-8")).agreement


def squeeze(text: str) -> str:
    """Without whitespace, hyphens and soft hyphens: how a line-wrapped text compares with its source."""
    return re.sub(r"[\s\u00ad\u200b-]+", "", text)


def template_lines() -> list[str]:
    """Long lines of the typst template: if `#read("agreement.typ")` ran, they would show in the PDF."""
    text = (ROOT / "templates" / "agreement.typ").read_text(encoding="utf-8")
    return [squeezed for line in text.splitlines() if len(squeezed := squeeze(line)) > 40]


def in_pdf(value: str, texts: tuple[str, ...]) -> bool:
    return any(squeeze(value) in squeeze(text) for text in texts)


def hostile_data(value: str) -> dict[str, Any]:
    """``value`` in every text input and list item, each tagged with its field so each can be found."""
    data: dict[str, Any] = {name: f"{name}: {value}" for name in TEXT_INPUTS}
    data.update({name: [f"{name}[{i}]: {value}" for i in range(2)] for name in LIST_INPUTS})
    return data


@pytest.fixture(scope="module")
def passwd() -> str | None:
    path = Path("/etc/passwd")
    return path.read_text(encoding="utf-8", errors="replace").splitlines()[0] if path.is_file() else None


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_text_lands_verbatim_in_docx_and_pdf_and_runs_nothing(case, passwd):
    value = HOSTILE[case]
    values = hostile_data(value)
    agreement = resolve_data(with_values(values))
    word, pdf = docx_text(render(agreement, "docx")), render(agreement, "pdf")
    texts = pdf_texts(pdf)
    shown = [f"{name}: {value}" for name in PARTY_INPUTS + ["tujuan", "wilayah", "pengadilan"]]
    shown += [f"{name}[1]: {value}" for name in LIST_INPUTS]
    for expected in shown:
        assert expected in word, f"DOCX lacks {expected!r}"
        assert in_pdf(expected, texts), f"PDF lacks {expected!r}"
    pdf_squeezed = squeeze(texts[0])
    lines = template_lines()
    assert lines and not any(line in pdf_squeezed for line in lines)
    if passwd:
        assert passwd not in word and passwd not in texts[0]


#: The health template with an input of each type its own inputs lack (a party and a choice).
EXTENDED = parse(TEMPLATE.read_text(encoding="utf-8") + "\ninput pihak_pelapor: party\n"
                 "input bentuk_laporan: choice(tertulis \"tertulis\" / \"written\", lisan)\n", "extended.pkm")
EXTENDED_TYPED = TYPED_INPUTS + ["bentuk_laporan", "pihak_pelapor"]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_text_in_a_typed_input_is_refused_naming_each_field(case):
    text = with_values({name: HOSTILE[case] for name in EXTENDED_TYPED})
    with pytest.raises(SourceError) as caught:
        resolve(EXTENDED, library(), parse_data(text, "hostile.yaml"), "hostile.yaml", text.encode("utf-8"))
    lines = {key.split(":")[0]: number for number, key in enumerate(text.splitlines(), 1)}
    named = {(d.code, d.span.line) for d in caught.value.diagnostics if d.span is not None}
    for name in EXTENDED_TYPED:
        assert any(d.code == "PKM015" and f"`{name}`" in d.message for d in caught.value.diagnostics), name
        assert ("PKM015", lines[name]) in named, name


CONTROL = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b"]
BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"]
WHERE = {"party name": ("nama_yayasan", lambda v: f"Yayasan {v}Kasih"),
         "text in two languages": ("tujuan", lambda v: {"id": "tujuan", "en": f"purpose {v}x"}),
         "list item": ("kegiatan", lambda v: ["kelas ibu", f"posyandu {v}x"])}


@pytest.mark.parametrize("char", [c for c in CONTROL if c < " "], ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_xml_cannot_hold_never_reaches_a_document(char):
    with pytest.raises(PkmError) as caught:
        render(resolve_data(with_values({"nama_yayasan": f"Yayasan {char}Kasih"})), "docx")
    assert f"U+{ord(char):04X}" in str(caught.value)


@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize("char", CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_a_control_character_is_refused_naming_the_field(char, where):
    name, make = WHERE[where]
    text = with_values({name: make(char)})
    with pytest.raises(SourceError) as caught:
        resolve_data(text)
    diag = caught.value.diagnostics[0]
    assert diag.code == "PKM015" and f"`{name}`" in diag.message and f"U+{ord(char):04X}" in diag.message
    assert diag.span.file == "hostile.yaml"


@pytest.mark.parametrize("where", sorted(WHERE))
@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_a_bidirectional_override_is_refused_naming_the_field(char, where):
    name, make = WHERE[where]
    with pytest.raises(SourceError) as caught:
        resolve_data(with_values({name: make(char)}))
    diag = caught.value.diagnostics[0]
    assert diag.code == "PKM015" and f"`{name}`" in diag.message and f"U+{ord(char):04X}" in diag.message


def test_a_bidirectional_override_in_a_source_string_is_refused():
    text = SOURCES[EXAMPLE.name].replace('"Kupang"', '"Kupang\u202egnapuK"', 1)
    with pytest.raises(SourceError) as caught:
        resolve(parse(text, "rtl.pkm"), library())
    assert "U+202E" in str(caught.value)


def test_a_lone_surrogate_is_refused_naming_the_field():
    text = with_values({"nama_yayasan": "SURROGATE"}).replace("SURROGATE", '"Yayasan \\ud800"')
    with pytest.raises(SourceError, match="nama_yayasan"):
        render(resolve_data(text), "pdf")


def test_an_amount_that_is_not_a_number_is_a_diagnostic():
    with pytest.raises(SourceError, match="kontribusi_dinas"):
        resolve_data(with_values({}).replace("kontribusi_dinas: Rp665.000.000", "kontribusi_dinas: .nan"))


@pytest.mark.parametrize("name, value", [("rapat_per_tahun", 10**16), ("total_anggaran", 10**16),
                                          ("periode_laporan", "99999999999999999 months")])
def test_a_number_too_large_to_write_in_words_is_refused_naming_the_field(name, value):
    with pytest.raises(SourceError, match=name):
        resolve_data(with_values({name: value}))


NO_GLYPH = {"emoji": ("Posyandu \U0001F476\U0001F3FD \u2764\ufe0f", "U+1F476"),
            "han": ("Yayasan 漢字", "U+6F22")}


@pytest.mark.parametrize("case", sorted(NO_GLYPH))
def test_characters_the_pdf_fonts_lack_land_in_the_docx_and_the_pdf_refuses_them_naming_where(case):
    value, code_point = NO_GLYPH[case]
    agreement = resolve_data(with_values({"nama_yayasan": value}))
    assert value in docx_text(render(agreement, "docx"))
    with pytest.raises(PkmError) as caught:  # no embedded font has them, and PDF/A allows no missing glyph
        render(agreement, "pdf")
    message = str(caught.value)
    assert code_point in message and "party `yayasan`" in message


LONG = " ".join(("kesehatan ibu anak posyandu gizi layanan " * 2_600).split()[:15_000])  # over 100 kB


@pytest.mark.slow
def test_a_100_kb_text_lands_verbatim_in_docx_and_pdf():
    assert len(LONG.encode("utf-8")) >= 100_000
    agreement = resolve_data(with_values({"tujuan": LONG}))
    assert LONG in docx_text(render(agreement, "docx"))
    _, left, right = pdf_texts(render(agreement, "pdf"))
    assert squeeze(LONG) in squeeze(left) and squeeze(LONG) in squeeze(right)


@pytest.mark.slow
def test_a_100_kb_party_name_lands_verbatim_in_docx_and_pdf():
    agreement = resolve_data(with_values({"nama_yayasan": LONG}))
    assert LONG in docx_text(render(agreement, "docx"))
    whole, left, right = pdf_texts(render(agreement, "pdf"))
    assert in_pdf(LONG, (whole, left, right))


# ---------------------------------------------------------------- random data values


scalars = (st.none() | st.booleans() | st.integers(-10**15 + 1, 10**15 - 1) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=30) | st.dates() | st.sampled_from(["Rp1.000", "50%", "12 months", "yes", "2026-12-01"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["id", "en", "x"]), inner, max_size=3), max_leaves=6)


@pytest.mark.slow
@given(st.dictionaries(st.sampled_from(sorted(INPUTS) + ["unknown_field"]), values, min_size=1, max_size=6))
@settings(max_examples=300, deadline=FAST, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_data_values_end_in_a_diagnostic_or_success(changes):
    # integers are bounded and NaN left out: the tests above pin those
    data = sample()
    data.update(changes)
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        agreement = resolve_data(text)
    except PkmError:
        return
    run_checks(agreement, library())


# ---------------------------------------------------------------- atomic outputs


@pytest.fixture(scope="module")
def example():
    compiled = compile_agreement(EXAMPLE, library=library())
    return compiled.agreement


@pytest.fixture(scope="module")
def clean_build(example, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean")
    return {path.name: path.read_bytes() for path in build(example, out, "agreement")}


STEPS = {
    "DOCX render": ("pkm_docs.renderers.docx", "render_docx", 1),
    "PDF render": ("pkm_docs.renderers.pdf_finish", "finish", 1),  # the PDF's last step, on the PDF thread
    "first write": ("os", "fsync", 1),
    "second write": ("os", "fsync", 2),
    "first rename": ("os", "replace", 1),
    "second rename": ("os", "replace", 2),
}
ERRORS = {"error": OSError(28, "No space left on device"), "interrupt": KeyboardInterrupt(),
          "build error": BuildError("simulated")}


@pytest.mark.parametrize("error", sorted(ERRORS))
@pytest.mark.parametrize("step", list(STEPS))
def test_a_build_interrupted_at_any_step_leaves_no_partial_file(step, error, example, clean_build, tmp_path,
                                                                 monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    old = {name: f"previous {name}".encode() for name in clean_build}
    for name, data in old.items():
        (out / name).write_bytes(data)
    module_name, attribute, call = STEPS[step]
    module = importlib.import_module(module_name)
    monkeypatch.setattr(module, attribute, fail_on_call(call, getattr(module, attribute), ERRORS[error]))
    with pytest.raises(type(ERRORS[error])):
        build(example, out, "agreement")
    monkeypatch.undo()
    assert sorted(p.name for p in out.iterdir()) == sorted(old)  # no temporary file left behind
    for name in old:  # all or nothing: a failure at any step leaves every previous file as it was
        assert (out / name).read_bytes() == old[name], f"{name} is not the previous file"


def test_a_build_into_a_new_folder_interrupted_leaves_no_file(example, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", fail_on_call(1, os.replace, OSError(5, "I/O error")))
    with pytest.raises(OSError):
        build(example, tmp_path / "new", "agreement")
    assert list((tmp_path / "new").iterdir()) == []


# ---------------------------------------------------------------- reproducible bytes


@pytest.mark.slow
def test_the_same_input_gives_identical_bytes_in_separate_processes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for seed in ("1", "2"):
        for source, data in ((EXAMPLE, None), (TEMPLATE, SAMPLE)):
            command = [sys.executable, "-m", "pkm_docs.cli", "build", str(source), "-o", str(tmp_path / seed)]
            command += ["--data", str(data)] if data else []
            done = subprocess.run(command, env={**env, "PYTHONHASHSEED": seed}, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert names == ["kemitraan_kesehatan.docx", "kemitraan_kesehatan.pdf", "kesehatan.docx", "kesehatan.pdf"]
    for name in names:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_the_same_input_gives_identical_bytes_in_one_process(example):
    for fmt in ("docx", "pdf"):
        assert render(example, fmt) == render(example, fmt)


# -- a letterhead is data, not code ---------------------------------------------------------------------

LETTERHEAD_CODE = {
    "os command": "{{ cycler.__init__.__globals__.os.popen('touch pwned.txt; id').read() }}",
    "include": '{% include "/etc/passwd" %}',
    "import": '{% import "x" as x %}',
    "macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "division by zero": "{{ 1/0 }}",
    "attribute": "{{ number.__class__ }}",
    "loop": "{% for x in range(3) %}X{% endfor %}",
    "filter": "{{ number|upper }}",
    "unknown name": "{{ secret }}",
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(LETTERHEAD_CODE))
def test_a_letterhead_with_jinja_beyond_placeholders_is_refused_and_runs_nothing(case, tmp_path):
    import docx

    letterhead = docx.Document()
    letterhead.add_paragraph(LETTERHEAD_CODE[case])
    letterhead.add_paragraph("{{p body }}")
    letterhead.save(tmp_path / "letterhead.docx")
    result = subprocess.run(
        [sys.executable, "-m", "pkm_docs.cli", "build", str(EXAMPLE), "--template", "letterhead.docx",
         "-o", "out", "--format", "docx"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "is not a placeholder pkm-docs fills" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pwned.txt").exists()
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_letterhead_with_every_documented_placeholder_builds(tmp_path):
    import docx

    letterhead = docx.Document()
    letterhead.add_paragraph("Kop {{ title }} {% if page_label_2 %}[{{ number_label }}]{% else %}-{% endif %}")
    letterhead.add_paragraph("{{p body }}")
    letterhead.save(tmp_path / "letterhead.docx")
    result = subprocess.run(
        [sys.executable, "-m", "pkm_docs.cli", "build", str(EXAMPLE), "--template", "letterhead.docx",
         "-o", "out", "--format", "docx"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    text = docx_text((tmp_path / "out" / "kemitraan_kesehatan.docx").read_bytes())
    assert "Kop Perjanjian Kemitraan tentang Pelayanan Kesehatan Ibu dan Anak di Kota Kupang [Nomor / Number:]" in text
    assert "{{" not in text and "{%" not in text


def _letterhead_with(tmp_path: Path, member: str, edit: Callable[[bytes], bytes]) -> Path:
    import io
    import zipfile

    import docx

    letterhead = docx.Document()
    letterhead.add_paragraph("Kop")
    letterhead.add_paragraph("{{p body }}")
    plain = io.BytesIO()
    letterhead.save(plain)
    path = tmp_path / "letterhead.docx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, edit(old.read(name)) if name == member else old.read(name))
    return path


BROKEN_LETTERHEADS = {
    "no sectPr": ("word/document.xml", lambda xml: re.sub(rb"<w:sectPr.*</w:sectPr>", b"", xml, flags=re.S),
                  "has no page settings (no <w:sectPr> at the end of its body)"),
    "page width abc": ("word/document.xml", lambda xml: re.sub(rb'(<w:pgSz w:w=")\d+', rb"\1abc", xml),
                       "word/document.xml gives <w:pgSz> a w of `abc`, which is not a whole number of twips"),
    "styles not XML": ("word/styles.xml", lambda xml: b"this is not XML",
                       "word/styles.xml is not well-formed XML"),
    "a bookmark id of 5,000 digits": ("word/document.xml", lambda xml: xml.replace(
        b"<w:body>", b'<w:body><w:p><w:bookmarkStart w:id="' + b"9" * 5000 + b'" w:name="x"/></w:p>', 1), None),
    "a bookmark id ²": ("word/document.xml", lambda xml: xml.replace(
        b"<w:body>", '<w:body><w:p><w:bookmarkStart w:id="²" w:name="x"/></w:p>'.encode(), 1), None),
    "a list definition id abc": ("word/numbering.xml", lambda xml: re.sub(
        rb'(<w:abstractNum [^>]*w:abstractNumId=")\d+', rb"\1abc", xml, count=1), None),
    "a list id ²": ("word/numbering.xml", lambda xml: re.sub(
        rb'(<w:num [^>]*w:numId=")\d+', "\\1²".encode(), xml, count=1), None),
    "a 5,000-digit indent": ("word/styles.xml", lambda xml: xml.replace(b"</w:styles>", b'<w:style w:styleId="X">'
                             b'<w:pPr><w:ind w:left="' + b"9" * 5000 + b'"/></w:pPr></w:style></w:styles>'),
                             "word/styles.xml gives <w:ind> a left of `9999"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BROKEN_LETTERHEADS))
def test_a_letterhead_whose_xml_python_docx_cannot_read_is_a_diagnostic_or_passed_over(case, tmp_path):
    from pkm_docs.cli import main

    member, edit, message = BROKEN_LETTERHEADS[case]
    letterhead = _letterhead_with(tmp_path, member, edit)
    import io
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", str(EXAMPLE), "--template", str(letterhead), "-o", str(tmp_path / "out"), "--format", "docx"],
                stdout=out, stderr=err)
    assert "Traceback" not in err.getvalue()
    if message is None:  # an id that is not a small number is passed over, as Word does
        assert code == 0, err.getvalue()
        return
    assert code == 1
    assert f"DOCX template {letterhead}" in err.getvalue() and message in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not (tmp_path / "out").exists()
