"""Resolution: an agreement's syntax tree + the clause library (+ a data file) → the agreement model."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping

from . import __version__
from . import body as b
from . import locale
from . import syntax as s
from .conditions import ConditionError, compile_condition, evaluate
from .errors import Diagnostic, DiagnosticSink, suggest
from .library import BUILTINS, ROLES, ClauseVersion, Library, ParamSpec, compile_param
from .model import (LANGUAGES, AdhocEntry, Agreement, Article, ClauseUse, Manifest, ManifestEntry, Paragraph, Party,
                    Reference, Table, Text, Value, Witness, roman)
from .values import (PARTY_FIELDS, Allocation, AllocationType, BooleanType, DateType, Env, IntegerType, comparable,
                     ListType, MoneyType, PartyType, PercentType, QuantityType, RefusedInput, TableType, TextType, ValueProblem, ValueType, check_bounds)
from .versions import matches, valid_constraint

if TYPE_CHECKING:  # data.py brings in PyYAML, which a build without a data file does not need
    from .data import DataValue

#: Aliases of parties declared without one, by their place: PIHAK PERTAMA ... / FIRST PARTY ...
_ORDINALS = (("PERTAMA", "FIRST"), ("KEDUA", "SECOND"), ("KETIGA", "THIRD"), ("KEEMPAT", "FOURTH"),
             ("KELIMA", "FIFTH"), ("KEENAM", "SIXTH"), ("KETUJUH", "SEVENTH"), ("KEDELAPAN", "EIGHTH"),
             ("KESEMBILAN", "NINTH"), ("KESEPULUH", "TENTH"))


#: An item line of a clause body that starts with this is written once per party.
EACH_PARTY = "{each party}"


def party_alias(index: int) -> Text:
    """The alias of the party declared ``index``-th (0-based): ``PIHAK KETIGA`` / ``THIRD PARTY``."""
    if index < len(_ORDINALS):
        id_word, en_word = _ORDINALS[index]
        return Text({"id": f"PIHAK {id_word}", "en": f"{en_word} PARTY"})
    n = index + 1
    return Text({"id": f"PIHAK KE-{n}", "en": f"PARTY {n}"})

#: Words the documents print around the clauses (headings, page footer, signature block).
LABELS = {
    "article": Text({"id": "Pasal", "en": "Article"}),
    "number": Text({"id": "Nomor", "en": "Number"}),
    "page": Text({"id": "Halaman", "en": "Page"}),
    "of": Text({"id": "dari", "en": "of"}),
    "initials": Text({"id": "Paraf", "en": "Initials"}),
    "meterai": Text({"id": "Meterai Rp10.000", "en": "Rp10,000 duty stamp"}),
    "between": Text({"id": "antara", "en": "between"}),
    "and": Text({"id": "dan", "en": "and"}),
    "draft": Text({"id": "RANCANGAN", "en": "DRAFT"}),
    "witnesses": Text({"id": "Saksi-saksi", "en": "Witnesses"}),
    "adhoc": Text({"id": "teks lepas, tidak dari pustaka klausul", "en": "ad-hoc text, not from the clause library"}),
    "paragraph": Text({"id": "ayat", "en": "paragraph"}),
    "annex": Text({"id": "Lampiran", "en": "Annex"}),
    "total": Text({"id": "Jumlah", "en": "Total"}),
    "annex_of": Text({"id": "Lampiran Perjanjian", "en": "Annex to Agreement"}),
    "provisional": Text({"id": "Disusun menurut skema sementara: muatan wajibnya belum diperiksa terhadap "
                               "peraturannya.",
                         "en": "Drafted under a provisional scheme: its required contents are not yet checked "
                               "against its regulation."}),
}

_HEADER_FIELDS = ("title", "number", "scheme", "languages", "governing", "signed_on", "signed_at")
_PARTY_FIELDS = ("role", "alias", "name", "representative", "position", "authority", "acts_for", "address", "number",
                 "meterai")
_REQUIRED_PARTY_FIELDS = ("role", "name", "representative", "position", "address")

_TEXT = TextType()
_DATE = DateType()
_BOOLEAN = BooleanType()


@dataclass(frozen=True)
class Resolved:
    """The model and the warnings met on the way (errors are raised instead)."""

    agreement: Agreement
    warnings: tuple[Diagnostic, ...]


def resolve(source: s.SourceFile, library: Library, data: Mapping[str, DataValue] | None = None,
            data_path: str | None = None, data_bytes: bytes | None = None) -> Resolved:
    """Resolve an agreement against ``library``; every mistake found is raised together as a SourceError."""
    return _Resolver(source, library, data or {}, data_path, data_bytes).run()


class _Resolver:
    def __init__(self, source: s.SourceFile, library: Library, data: Mapping[str, DataValue],
                 data_path: str | None, data_bytes: bytes | None):
        self.source = source
        self.library = library
        self.data = data
        self.data_path = data_path
        self.data_bytes = data_bytes
        self.sink = DiagnosticSink()
        self.inputs: dict[str, tuple[ValueType, Any]] = {}
        self.input_spans: dict[str, s.Span] = {}  # where each input got its value: the data file's line
        self.parties: dict[str, Party] = {}
        self.languages: tuple[str, ...] = LANGUAGES
        self.used: dict[tuple[str, str], ClauseVersion] = {}
        self.header: dict[str, Any] = {}
        self._reported: set[tuple] = set()
        self.failed_inputs: set[str] = set()
        self.party_spans: dict[str, s.Span] = {}  # where each party key is first declared
        for d in source.declarations:
            if isinstance(d, s.PartyDef):
                self.party_spans.setdefault(d.key, d.key_span)
        self.party_keys = frozenset(self.party_spans)
        self.aliases: dict[str, Text] = {key: Text.same(key) for key in self.party_keys}
        self.article_numbers: dict[str, int] = {}
        self.annex_numbers: dict[str, int] = {}
        self.annex_titles: dict[str, Text] = {}
        self.references: list[tuple[str, int, s.Span]] = []  # {ref.KEY.N} met, checked once all are resolved

    def env(self) -> Env:
        """What a written value may name: the inputs so far, and the parties (by alias once they are known)."""
        return Env(self.inputs, self.aliases, self.failed_inputs)

    # ---- the whole agreement ----------------------------------------------------------------------

    def run(self) -> Resolved:
        decls = self.source.declarations
        headers = [d for d in decls if isinstance(d, s.AgreementDef)]
        for d in decls:
            if isinstance(d, (s.ClauseDef, s.SchemeDef, s.GlossaryDef)):
                self.sink.error("PKM021", "clauses, schemes and glossaries belong in the clause library, "
                                "not in an agreement", d.span, "move it to a .pkm file under clause_library/")
        if not headers:
            first = s.Span(self.source.path, 1, 1, 1, 2)
            self.sink.error("PKM031", "this file has no `agreement { ... }` header", first,
                            "start with `agreement { title: ... number: ... scheme: pkm-standar ... }`")
            self.sink.raise_if_errors()
        for extra in headers[1:]:
            self.sink.error("PKM020", "a file holds one agreement; this is a second `agreement` header", extra.span)
        self._inputs([d.decl for d in decls if isinstance(d, s.InputDef)])
        header = self.header = self._header(headers[0])
        self._parties([d for d in decls if isinstance(d, s.PartyDef)])
        witnesses = self._witnesses([d for d in decls if isinstance(d, s.WitnessDef)])
        self.article_numbers = self._article_numbers([d for d in decls if isinstance(d, s.ArticleDef)])
        self.annex_numbers = self._article_numbers([d for d in decls if isinstance(d, s.ArticleDef)], "annex")
        self.annex_titles = self._annex_titles([d for d in decls if isinstance(d, s.ArticleDef) and d.kind == "annex"])
        parts: dict[str, list[Article]] = {"preamble": [], "article": [], "closing": [], "annex": []}
        numbers = {"article": 0, "annex": 0}
        for d in decls:
            if isinstance(d, s.ArticleDef):
                numbered = d.kind in numbers
                article = self._article(d, numbers[d.kind] + 1 if numbered else None)
                if article is not None:
                    parts[d.kind].append(article)
                    if numbered:
                        numbers[d.kind] += 1
        self._check_references(parts["article"])
        if not parts["article"] and not self.sink.has_errors:
            self.sink.error("PKM031", "the agreement has no article", headers[0].span,
                            "add `article { use purpose.scope@^1 { ... } }`")
        self.sink.raise_if_errors()
        manifest = self._manifest(parts["preamble"] + parts["article"] + parts["closing"] + parts["annex"])
        agreement = Agreement(
            title=header["title"], number=header["number"], scheme=header["scheme"], languages=self.languages,
            governing_language=header["governing"], signing_date=header["signed_on"],
            signing_place=header["signed_at"], parties=tuple(self.parties.values()),
            preamble=tuple(parts["preamble"]), articles=tuple(parts["article"]), closing=tuple(parts["closing"]),
            manifest=manifest, labels={k: self._text(v) for k, v in LABELS.items()}, span=headers[0].span,
            witnesses=witnesses, annexes=tuple(parts["annex"]),
            provisional=bool(header["scheme"] and self.library.schemes[header["scheme"]].provisional),
        )
        return Resolved(agreement, tuple(d for d in self.sink.diagnostics if not d.is_error))

    def _article_numbers(self, decls: list[s.ArticleDef], kind: str = "article") -> dict[str, int]:
        """The final number of every keyed article (or annex, ``kind``), before any is resolved, so a text may refer
        to a later one: an article is numbered when one of its items' conditions holds (as resolution numbers it)."""
        numbers: dict[str, int] = {}
        spans: dict[str, s.Span] = {}
        number = 0
        quiet = DiagnosticSink()  # the conditions' own mistakes are reported when the article is resolved
        known = {**dict.fromkeys(self.failed_inputs), **self.inputs}

        def holds(cond: s.Condition) -> bool:
            try:
                return evaluate(compile_condition(cond, known, quiet),
                                lambda n: comparable(self.inputs[n][1]) if n in self.inputs else None)
            except ConditionError:
                return False

        for decl in decls:
            if decl.kind != kind:
                continue
            if not any(item.condition is None or holds(item.condition) for item in decl.items):
                continue
            number += 1
            if decl.key is not None:
                if decl.key.name in numbers:
                    self.sink.error("PKM020", f"two {kind}es have the key `{decl.key.name}`" if kind == "annex"
                                    else f"two articles have the key `{decl.key.name}`", decl.key.span,
                                    f"the first is on line {spans[decl.key.name].line}")
                    continue
                numbers[decl.key.name] = number
                spans[decl.key.name] = decl.key.span
        return numbers

    def _at(self, span: s.Span, needle: str) -> s.Span:
        """The span of ``needle`` where it is first written within ``span`` (an ad-hoc text's placeholder), else
        ``span`` (a library clause's placeholder is in the library, not in this source)."""
        raw = span.covered(self.source.text)
        return span.at_offset(raw, raw.index(needle), len(needle)) if needle in raw else span

    def _reference(self, field: str, lang: str, span: s.Span) -> str:
        """``{ref.KEY}`` → "Pasal 7" / "Article 7"; ``{ref.KEY.2}`` → "Pasal 7 ayat (2)"."""
        key, _, paragraph = field.partition(".")
        number = self.article_numbers.get(key)
        if number is None:
            span = self._at(span, "{ref." + field + "}")
            if ("ref", key) not in self._reported:
                self._reported.add(("ref", key))
                hint = (f"`{key}` is the key of an annex: write `{{annex.{key}}}`" if key in self.annex_numbers
                        else suggest(key, self.article_numbers) or "give the article a key: `article KEY \"Judul\" "
                        "/ \"Title\" { ... }`")
                self.sink.error("PKM028", f"no article has the key `{key}` that `{{ref.{field}}}` names", span, hint)
            return "{ref." + field + "}"
        if paragraph:
            self.references.append((key, int(paragraph), self._at(span, "{ref." + field + "}")))
            shown = f"{LABELS['article'][lang]} {number} {LABELS['paragraph'][lang]} ({int(paragraph)})"
        else:
            shown = f"{LABELS['article'][lang]} {number}"
        return f"{_REF_OPEN}{number}.{paragraph}{_REF_MID}{shown}{_REF_CLOSE}"  # taken out by _with_references

    def _annex_titles(self, decls: list[s.ArticleDef]) -> dict[str, Text]:
        """The title of every numbered annex, before any is resolved (what a `{annexes}` line lists): its own, or
        that of its first library clause (a mistake in either is reported when the annex is resolved)."""
        out: dict[str, Text] = {}
        for decl in decls:
            if decl.key is None or decl.key.name not in self.annex_numbers or decl.key.name in out:
                continue
            title: Text | None = None
            if decl.title is not None:
                try:
                    title = _TEXT.from_source(decl.title, self.env())
                except ValueProblem:
                    title = None
            for item in decl.items:
                if title is None and isinstance(item, s.Use):
                    clause = self.library.resolve(item.ref.clause_id, item.ref.constraint) \
                        if item.ref.constraint is None or valid_constraint(item.ref.constraint) else None
                    title = clause.title if clause is not None else None
            out[decl.key.name] = title or Text.same("", self.languages)
        return out

    def _annex_list(self, lang: str, span: s.Span, ref: str) -> list[str]:
        """A lone ``{annexes}`` line: "Lampiran I: Rencana Kerja" for each annex, in order."""
        if not self.annex_numbers and ("annexes", ref) not in self._reported:
            self._reported.add(("annexes", ref))
            self.sink.error("PKM028", f"`{ref}` lists the agreement's annexes (`{{annexes}}`), but it has none", span,
                            "add the annexes (`annex KEY \"Judul\" / \"Title\" { ... }`), or leave this clause out")
        ordered = sorted(self.annex_numbers.items(), key=lambda kv: kv[1])
        return [f"{LABELS['annex'][lang]} {roman(n)}: {self.annex_titles.get(key, Text.same('')).get(lang)}".rstrip(": ")
                for key, n in ordered]

    def _annex_reference(self, key: str, lang: str, span: s.Span) -> str:
        """``{annex.KEY}`` → "Lampiran II" / "Annex II"."""
        number = self.annex_numbers.get(key)
        if number is None:
            span = self._at(span, "{annex." + key + "}")
            if ("annex", key) not in self._reported:
                self._reported.add(("annex", key))
                hint = (f"`{key}` is the key of an article: write `{{ref.{key}}}`" if key in self.article_numbers
                        else suggest(key, self.annex_numbers) or "add the annex: `annex KEY \"Judul\" / \"Title\" "
                        "{ use annex.work_plan@^1 { ... } }`")
                self.sink.error("PKM028", f"no annex has the key `{key}` that `{{annex.{key}}}` names", span, hint)
            return "{annex." + key + "}"
        return f"{LABELS['annex'][lang]} {roman(number)}"

    def _check_references(self, articles: list[Article]) -> None:
        """Each ``{ref.KEY.N}`` names a paragraph its article has."""
        by_number = {a.number: a for a in articles}
        seen: set[tuple[str, int]] = set()
        for key, paragraph, span in self.references:
            article = by_number.get(self.article_numbers[key])
            if article is None or (key, paragraph) in seen:
                continue
            seen.add((key, paragraph))
            numbers = [p.number for p in article.paragraphs if p.number is not None]
            if paragraph not in numbers:
                self.sink.error("PKM028", f"`{{ref.{key}.{paragraph}}}` names paragraph ({paragraph}) of Pasal "
                                f"{article.number}, which has {len(numbers)} numbered paragraph"
                                f"{'s' if len(numbers) != 1 else ''}", span,
                                f"its paragraphs are {', '.join(f'({n})' for n in numbers)}" if numbers else None)

    def _text(self, text: Text) -> Text:
        """``text`` restricted to the agreement's languages."""
        return Text({lang: text[lang] for lang in self.languages})

    # ---- inputs (a template's blanks) --------------------------------------------------------------

    def _inputs(self, decls: list[s.ParamDecl]) -> None:
        parties = self.party_keys
        for decl in decls:
            if decl.name in self.inputs:
                self.sink.error("PKM020", f"input `{decl.name}` is declared twice", decl.span)
                continue
            if decl.name in parties:
                self.sink.error("PKM020", f"`{decl.name}` names both an input and a party", decl.span,
                                "rename one of them")
            spec = compile_param(decl, self.sink)
            if spec is None:
                self.failed_inputs.add(decl.name)
                continue
            value: Any = None
            given = self.data.get(decl.name)
            try:
                if given is not None:
                    value = spec.type.from_data(given.value, self.env())
                elif spec.has_default:
                    value = self._default(spec)
                elif not spec.optional:
                    where = f" in {self.data_path}" if self.data_path else " (give it with --data FILE)"
                    self.sink.error("PKM032", f"no value for `{decl.name}` ({spec.type.for_message()}){where}",
                                    decl.span, f"add `{decl.name}: ...` to the data file")
                    self.failed_inputs.add(decl.name)
                    continue
            except ValueProblem as problem:
                span = given.span if given is not None else decl.span
                self.sink.error("PKM015", f"`{decl.name}`: {problem.message}", span, problem.hint)
                self.failed_inputs.add(decl.name)
                continue
            if value is not None:
                message = check_bounds(value, decl.name, spec.type, spec.bounds)
                if message:
                    self.sink.error("PKM017", message, given.span if given else decl.span)
            self.inputs[decl.name] = (spec.type, value)
            self.input_spans[decl.name] = given.span if given is not None else decl.span
        for key, given in self.data.items():
            if key not in self.inputs and all(d.name != key for d in decls):
                self.sink.error("PKM033", f"the data file gives `{key}`, which the agreement does not ask for",
                                given.span, suggest(key, [d.name for d in decls]))

    def _default(self, spec: ParamSpec) -> Any:
        """A declared default; a party's key is checked against the agreement's parties."""
        if isinstance(spec.type, PartyType) and spec.default not in self.party_keys:
            raise ValueProblem(f"the default party `{spec.default}` is not declared in this agreement")
        return spec.default

    def _value(self, value: s.Value, type_: ValueType, what: str) -> Any:
        try:
            return type_.from_source(value, self.env())
        except RefusedInput:
            return None  # already reported where the input got its value, however deep in the value it is named
        except ValueProblem as problem:
            self.sink.error("PKM015", f"{what}: {problem.message}", problem.span or value.span, problem.hint)
            return None

    # ---- header and parties ------------------------------------------------------------------------

    def _fields(self, fields: tuple[s.Field, ...], allowed: tuple[str, ...], what: str) -> dict[str, s.Field]:
        out: dict[str, s.Field] = {}
        for f in fields:
            if f.name not in allowed:
                self.sink.error("PKM022", f"unknown field `{f.name}` in {what}", f.name_span,
                                suggest(f.name, allowed) or f"fields are {', '.join(allowed)}")
            elif f.name in out:
                self.sink.error("PKM020", f"`{f.name}` is given twice in {what}", f.name_span,
                                f"the first is on line {out[f.name].span.line}")
            else:
                out[f.name] = f
        return out

    def _header(self, decl: s.AgreementDef) -> dict[str, Any]:
        fields = self._fields(decl.fields, _HEADER_FIELDS, "the agreement header")
        misspelt = {suggest(f.name, _HEADER_FIELDS) for f in decl.fields if f.name not in _HEADER_FIELDS}
        for name in _HEADER_FIELDS:
            if name not in fields and name != "governing" and f"did you mean `{name}`?" not in misspelt:
                self.sink.error("PKM034", f"the agreement header has no `{name}`", decl.span, _HEADER_HINTS[name])
        out: dict[str, Any] = {}
        languages: list[str] = []
        if "languages" in fields:
            value = fields["languages"].value
            items = value.items if isinstance(value, s.ListValue) else (value,)
            if not items:
                self.sink.error("PKM035", "`languages` is empty", value.span,
                                "write `languages: id, en` (or `languages: id`)")
            for item in items:
                if not isinstance(item, s.Name) or item.name not in LANGUAGES:
                    self.sink.error("PKM035", f"unknown language `{getattr(item, 'name', item)}`", item.span,
                                    "languages are `id` (Indonesian) and `en` (English)")
                elif item.name in languages:
                    self.sink.error("PKM020", f"language `{item.name}` is listed twice", item.span)
                else:
                    languages.append(item.name)
        self.languages = tuple(languages) or LANGUAGES
        out["governing"] = self.languages[0]
        if "governing" in fields:
            value = fields["governing"].value
            if not isinstance(value, s.Name) or value.name not in self.languages:
                self.sink.error("PKM035", "the governing language must be one of the agreement's languages",
                                value.span, f"write one of {', '.join(self.languages)}")
            else:
                out["governing"] = value.name
        out["title"] = self._text_field(fields, "title", Text.same(""))
        number = self._text_field(fields, "number", Text.same(""))
        out["number"] = number.get("id") or number.get(self.languages[0])
        out["number_text"] = number
        out["signed_at"] = self._text_field(fields, "signed_at", Text.same(""))
        out["signed_on"] = datetime.date(2000, 1, 1)
        if "signed_on" in fields:
            out["signed_on"] = self._value(fields["signed_on"].value, _DATE, "`signed_on`") or out["signed_on"]
        out["scheme"] = ""
        if "scheme" in fields:
            value = fields["scheme"].value
            if not isinstance(value, s.Name):
                self.sink.error("PKM036", "the scheme is written as a plain name, e.g. `pkm-standar`", value.span)
            elif value.name not in self.library.schemes:
                self.sink.error("PKM036", f"the library has no scheme `{value.name}`", value.span,
                                suggest(value.name, self.library.schemes)
                                or f"schemes are {', '.join(sorted(self.library.schemes))}")
            else:
                out["scheme"] = value.name
        return out

    def _field_span(self, f: s.Field) -> s.Span:
        """Where a field's value is written: the data file's line when it names an input given there."""
        if isinstance(f.value, s.Name) and f.value.name in self.input_spans:
            return self.input_spans[f.value.name]
        return f.value.span

    def _text_field(self, fields: dict[str, s.Field], name: str, fallback: Text) -> Text:
        f = fields.get(name)
        if f is None:
            return self._text(fallback) if set(self.languages) <= set(fallback.by_lang) else fallback
        value = self._value(f.value, _TEXT, f"`{name}`")
        return self._text(value) if value is not None else fallback

    def _parties(self, decls: list[s.PartyDef]) -> None:
        for decl in decls:
            if decl.key in self.parties:
                self.sink.error("PKM020", f"party `{decl.key}` is declared twice", decl.key_span,
                                f"the first is on line {self.party_spans[decl.key].line}")
                continue
            fields = self._fields(decl.fields, _PARTY_FIELDS, f"party `{decl.key}`")
            misspelt = {suggest(f.name, _PARTY_FIELDS) for f in decl.fields if f.name not in _PARTY_FIELDS}
            for name in _REQUIRED_PARTY_FIELDS:
                if name not in fields and f"did you mean `{name}`?" not in misspelt:
                    self.sink.error("PKM037", f"party `{decl.key}` has no `{name}`", decl.key_span,
                                    _PARTY_HINTS.get(name))
            role = "organisation"
            if "role" in fields:
                value = fields["role"].value
                if not isinstance(value, s.Name) or value.name not in ROLES:
                    self.sink.error("PKM037", f"unknown role `{getattr(value, 'name', '')}`", value.span,
                                    suggest(getattr(value, "name", ""), ROLES) or "a role is government or organisation")
                else:
                    role = value.name
            empty = Text.same("", self.languages)
            derived = self._text(party_alias(len(self.parties)))
            meterai = True
            if "meterai" in fields:
                meterai = bool(self._value(fields["meterai"].value, _BOOLEAN, "`meterai`"))
            representative = self._text_field(fields, "representative", empty)
            number = self._text_field(fields, "number", empty)
            self.parties[decl.key] = Party(
                key=decl.key, role=role, alias=self._text_field(fields, "alias", derived),
                name=self._text_field(fields, "name", empty),
                representative=representative[self.languages[0]],
                position=self._text_field(fields, "position", empty),
                authority=self._text_field(fields, "authority", empty),
                address=self._text_field(fields, "address", empty),
                number=number[self.languages[0]] or None, meterai=meterai, span=decl.key_span,
                acts_for=self._text_field(fields, "acts_for", empty) if "acts_for" in fields else None,
                field_spans={name: self._field_span(f) for name, f in fields.items()},
            )
        if not decls:
            self.sink.error("PKM037", "the agreement declares no party", s.Span(self.source.path, 1, 1, 1, 2),
                            "declare each party with `party NAME { role: government ... }`")
        elif len(decls) == 1:
            self.sink.error("PKM037", "an agreement has at least two parties; this one declares one",
                            decls[0].key_span, "declare the other party with `party NAME { ... }`")
        self.aliases = {key: party.alias for key, party in self.parties.items()}

    def _witnesses(self, decls: list[s.WitnessDef]) -> tuple[Witness, ...]:
        out: dict[str, Witness] = {}
        first: dict[str, s.Span] = {}
        for decl in decls:
            if decl.key in self.party_keys:
                self.sink.error("PKM020", f"witness `{decl.key}` has the key of the party `{decl.key}`: each party "
                                "and witness signs in a field named by its key", decl.key_span,
                                f"give the witness a key of its own, e.g. `saksi_{decl.key}` (the party is on line "
                                f"{self.party_spans[decl.key].line})")
                continue
            if decl.key in out:
                self.sink.error("PKM020", f"witness `{decl.key}` is declared twice", decl.key_span,
                                f"the first is on line {first[decl.key].line}")
                continue
            first[decl.key] = decl.key_span
            fields = self._fields(decl.fields, ("name", "position"), f"witness `{decl.key}`")
            if "name" not in fields:
                self.sink.error("PKM037", f"witness `{decl.key}` has no `name`", decl.key_span,
                                'add `name: "..."` with the witness\'s full name')
            empty = Text.same("", self.languages)
            name = self._text_field(fields, "name", empty)
            out[decl.key] = Witness(decl.key, name[self.languages[0]], self._text_field(fields, "position", empty),
                                    decl.key_span)
        return tuple(out.values())

    # ---- articles ----------------------------------------------------------------------------------

    def _article(self, decl: s.ArticleDef, number: int | None) -> Article | None:
        clauses: list[ClauseUse] = []
        title: Text | None = None
        if decl.title is not None:
            title = self._value(decl.title, _TEXT, "the article title")
        counter = [0]
        for item in decl.items:
            if item.condition is not None and not self._holds(item.condition):
                continue
            if isinstance(item, s.Use):
                resolved = self._use(item, counter)
            else:
                resolved = self._adhoc(item, counter)
            if resolved is None:
                continue
            use, clause_title = resolved
            clauses.append(use)
            if title is None:
                title = clause_title
        if not clauses:
            return None
        if decl.kind in ("preamble", "closing") and decl.title is None:
            title = None  # the opening and the closing carry no heading of their own
        return Article(number, self._text(title) if title else Text.same("", self.languages), tuple(clauses),
                       kind=decl.kind, span=decl.span, key=decl.key.name if decl.key is not None else None)

    def _use(self, use: s.Use, counter: list[int]) -> tuple[ClauseUse, Text] | None:
        ref = use.ref
        versions = self.library.versions_of(ref.clause_id)
        if not versions:
            self.sink.error("PKM010", f"the library has no clause `{ref.clause_id}`", ref.span,
                            suggest(ref.clause_id, self.library.clauses) or "`pkm library list` shows the clauses")
            return None
        if ref.constraint is not None and not valid_constraint(ref.constraint):
            self.sink.error("PKM011", f"`@{ref.constraint}` is not a version constraint", ref.span,
                            "write `@^2` (any 2.x), `@~2.1` (any 2.1.x) or `@2.0.0` (exactly)")
            return None
        clause = self.library.resolve(ref.clause_id, ref.constraint)
        available = ", ".join(f"{c.version_text} ({c.status})" for c in versions)
        if clause is None:
            drafts = [c for c in versions if c.status == "draft"]
            if any(matches(ref.constraint, c.version) for c in drafts):
                self.sink.error("PKM012", f"`{ref.clause_id}@{ref.constraint}` is only a draft, not approved for use",
                                ref.span, f"the library has {available}")
            else:
                self.sink.error("PKM011", f"no version of `{ref.clause_id}` matches `@{ref.constraint}`", ref.span,
                                f"the library has {available}")
            return None
        if clause.status == "deprecated":
            replacement = clause.replaced_by
            self.sink.warning("PKM013", f"`{clause.ref}` is deprecated", ref.span,
                              f"use `{replacement.clause_id}@{replacement.constraint}` instead" if replacement else None)
        values = self._arguments(clause, use)
        if values is None:
            return None
        self.used.setdefault((clause.clause_id, clause.version_text), clause)
        paragraphs = self._fill(clause, values, counter, use.span)
        return (ClauseUse(clause.clause_id, clause.version_text, clause.content_hash, clause.status, clause.section,
                          True, use.span, values, tuple(paragraphs), channel=clause.channel), clause.title)

    def _arguments(self, clause: ClauseVersion, use: s.Use) -> dict[str, Value] | None:
        before = len([d for d in self.sink.diagnostics if d.is_error])
        given: dict[str, s.Field] = {}
        arg: s.Field | None  # each argument written, then the one given for each parameter
        for arg in use.args:
            if clause.param(arg.name) is None:
                names = [p.name for p in clause.params]
                self.sink.error("PKM014", f"`{clause.ref}` has no parameter `{arg.name}`", arg.name_span,
                                suggest(arg.name, names) or (f"its parameters are {', '.join(names)}" if names
                                                             else "it takes no parameters"))
            elif arg.name in given:
                self.sink.error("PKM020", f"`{arg.name}` is given twice", arg.name_span)
            else:
                given[arg.name] = arg
        values: dict[str, Value] = {}
        for param in clause.params:
            arg = given.get(param.name)
            if arg is not None:
                value = self._value(arg.value, param.type, f"`{param.name}`")
                span = arg.value.span
                if isinstance(arg.value, s.Name) and arg.value.name in self.input_spans:
                    span = self.input_spans[arg.value.name]  # the line that holds the value
            else:
                span = use.ref.span
                if param.has_default:
                    try:
                        value = self._default(param)
                    except ValueProblem as problem:
                        self.sink.error("PKM015", f"`{param.name}`: {problem.message}", span, problem.hint)
                        continue
                elif param.optional:
                    value = () if isinstance(param.type, ListType) else None
                else:
                    self.sink.error("PKM016", f"`{clause.ref}` needs `{param.name}` ({param.type.for_message()})",
                                    use.ref.span, f"add `{param.name}: ...` inside the `{{ }}` after the clause")
                    continue
            if value is not None:
                message = check_bounds(value, param.name, param.type, param.bounds)
                if message:
                    self.sink.error("PKM017", message, span)
            values[param.name] = Value(param.name, param.type, param.meaning, value, span)
        self._remainders(clause, values)
        after = len([d for d in self.sink.diagnostics if d.is_error])
        return values if after == before else None

    def _remainders(self, clause: ClauseVersion, values: dict[str, Value]) -> None:
        """Work out each allocation's remainder (``yayasan: rest``) from the total its meaning names: 100 % for
        shares, the clause's total cost for contributions."""
        for name, value in values.items():
            if not isinstance(value.value, Allocation) or not value.value.has_remainder:
                continue
            meaning = value.meaning.name if value.meaning else None
            costs = [v.value for v in values.values() if v.meaning and v.meaning.name == "total_cost"]
            total = Decimal(100) if meaning == "shares" else costs[0] if meaning == "contributions" and costs else None
            if total is None:
                self.sink.error("PKM015", f"`{name}`: a remainder (`rest`) needs a total, and `{clause.ref}` "
                                "declares none for it", value.span,
                                "give every amount, or use a clause whose allocation means shares or contributions")
                continue
            try:
                show = value.type.of.plain if isinstance(value.type, AllocationType) else str
                values[name] = dataclasses.replace(value, value=value.value.with_remainder(total, show))
            except ValueProblem as problem:
                self.sink.error("PKM015", f"`{name}`: {problem.message}", value.span, problem.hint)

    # ---- filling clause texts ----------------------------------------------------------------------

    def _fill(self, clause: ClauseVersion, values: Mapping[str, Value], counter: list[int],
              span: s.Span) -> list[Paragraph]:
        base = counter[0]
        renumber = lambda n: base + n  # noqa: E731
        blocks_by_lang = {lang: clause.blocks[lang] for lang in self.languages}
        first = blocks_by_lang[self.languages[0]]
        for lang, blocks in blocks_by_lang.items():
            if len(blocks) != len(first) or [bl.number for bl in blocks] != [bl.number for bl in first]:
                self.sink.error("PKM029", f"`{clause.ref}` has different paragraphs in `{self.languages[0]}` and "
                                f"`{lang}`", clause.body_spans.get(lang, clause.span),
                                "every language of a clause has the same numbered paragraphs")
                return []
        env = self.env()
        out: list[Paragraph] = []
        for index, block in enumerate(first):
            table = self._table(values.get(b.lone_list_name(block.text) or ""), env)
            if table is not None:  # a paragraph holding only `{rows}` of a table: the table itself
                out.append(Paragraph(Text.same("", self.languages), None, (), clause.clause_id, table=table))
                continue
            texts: dict[str, str] = {}
            items_by_lang: dict[str, list[str]] = {}
            for lang in self.languages:
                bl = blocks_by_lang[lang][index]

                def lookup(name: str, field: str | None, lang: str = lang) -> str:
                    return self._placeholder(name, field, lang, values, span, clause.ref, env)

                texts[lang] = b.fill(bl.text, lookup, renumber)
                items: list[tuple[str, bool]] = []  # (text, whether a list wrote it)
                for item in bl.items:
                    list_name = b.lone_list_name(item)
                    value = values.get(list_name) if list_name else None
                    if value is not None and isinstance(value.type, ListType):
                        items += [(value.type.item.format(v, lang, env), True) for v in value.value or ()]
                    elif value is not None and isinstance(value.type, AllocationType) and value.value is not None:
                        items += [(i, True) for i in value.type.items(value.value, lang, env)]
                    elif list_name == "parties":
                        items += [(p.alias[lang], True) for p in self.parties.values()]
                    elif list_name == "annexes":
                        items += [(i, True) for i in self._annex_list(lang, span, clause.ref)]
                    elif item.startswith(EACH_PARTY):
                        items += [(i, True) for i in self._each_party(item[len(EACH_PARTY):].strip(), lookup,
                                                                        renumber, lang)]
                    else:
                        items.append((b.fill(item, lookup, renumber), False))
                items_by_lang[lang] = punctuate_listed(items, lang)
            counts = {len(v) for v in items_by_lang.values()}
            if len(counts) > 1:
                self.sink.error("PKM029", f"`{clause.ref}` has a different number of items per language",
                                clause.span)
            number = renumber(block.number) if block.number is not None else None
            if number is not None:
                counter[0] = max(counter[0], number)
            item_count = min(counts) if counts else 0
            out.append(_with_references(Paragraph(
                Text(texts), number,
                tuple(Text({lang: items_by_lang[lang][i] for lang in self.languages}) for i in range(item_count)),
                clause.clause_id,
            )))
        return out

    def _table(self, value: Value | None, env: Env) -> Table | None:
        """A table value as the model's :class:`Table`: headings, cells and, when it has amounts, the total."""
        if value is None or not isinstance(value.type, TableType) or value.value is None:
            return None
        type_ = value.type
        langs = self.languages
        columns = tuple(Text({lang: c.heading(lang) for lang in langs}) for c in type_.columns)
        cells = {lang: type_.cells(value.value, lang, env) for lang in langs}
        rows = tuple(tuple(Text({lang: cells[lang][r][c] for lang in langs}) for c in range(len(type_.columns)))
                     for r in range(len(value.value)))
        total: tuple[Text, ...] = ()
        money = type_.money_column()
        if money is not None and money > 0:
            amount = type_.total(value.value)
            total = tuple(LABELS["total"] if c == 0 else Text({lang: locale.money_figures(amount, lang) for lang in langs})
                          if c == money else Text.same("", langs) for c in range(len(type_.columns)))
            total = tuple(self._text(t) for t in total)
        figures = tuple(isinstance(c.type, (MoneyType, IntegerType, QuantityType, PercentType)) for c in type_.columns)
        narrow = tuple(f or isinstance(c.type, PartyType) for f, c in zip(figures, type_.columns))
        return Table(columns, rows, total, figures, narrow)

    def _each_party(self, template: str, lookup, renumber, lang: str) -> list[str]:
        """An ``{each party}`` item written once for every party, ``{party...}`` naming that party."""
        out = []
        for party in self.parties.values():
            def each(name: str, field: str | None, party: Party = party) -> str:
                if name == "party":
                    return self._party_field(party, field or "alias", lang)
                return lookup(name, field)
            out.append(b.fill(template, each, renumber))
        return out

    def _placeholder(self, name: str, field: str | None, lang: str, values: Mapping[str, Value],
                     span: s.Span, ref: str, env: Env) -> str:
        if name in values:
            value = values[name]
            if value.value is None:
                return ""
            if isinstance(value.type, PartyType) and field:
                return self._party_field(self.parties[value.value], field, lang)
            if field:
                return value.type.field(value.value, field, lang, env)
            return value.type.format(value.value, lang, env)
        if name in self.parties:
            return self._party_field(self.parties[name], field or "alias", lang)
        if name == "ref" and field:
            return self._reference(field, lang, span)
        if name == "annex" and field:
            return self._annex_reference(field, lang, span)
        if name in ROLES:
            party = self._party_with_role(name, span, ref)
            return self._party_field(party, field or "alias", lang) if party else ""
        if name == "parties":
            count = len(self.parties)
            if field == "count":
                return locale.number(count, lang)
            if field == "count_words":
                return locale.terbilang(count, lang)
            if field == "names":
                return locale.join_list([p.name[lang] for p in self.parties.values()], lang)
            return self._party_list(lang)
        if name == "signing":
            date = self._signing_date()
            return {
                "day": lambda: locale.weekday(date, lang),
                "date": lambda: locale.format_date(date, lang),
                "date_in_words": lambda: locale.date_in_words(date, lang),
                "place": lambda: self._signing_place()[lang],
            }[field or "date"]()
        if name == "agreement":
            return self._agreement_field(field or "title", lang)
        if name in self.inputs:
            type_, value = self.inputs[name]
            if value is None:
                return ""
            return type_.field(value, field, lang, env) if field else type_.format(value, lang, env)
        return "{" + name + "}"

    def _party_list(self, lang: str) -> str:
        """``PIHAK PERTAMA, PIHAK KEDUA, dan PIHAK KETIGA`` / ``FIRST PARTY, the SECOND PARTY and the THIRD PARTY``
        (the English text writes its own "the" before the first, as before any alias)."""
        aliases = [p.alias[lang] for p in self.parties.values()]
        if lang != "en" or len(aliases) < 2:
            return locale.join_list(aliases, lang)
        return ", ".join([aliases[0], *(f"the {a}" for a in aliases[1:-1])]) + f" and the {aliases[-1]}"

    def _party_with_role(self, role: str, span: s.Span, ref: str) -> Party | None:
        found = [p for p in self.parties.values() if p.role == role]
        if len(found) == 1:
            return found[0]
        key = ("role", role)
        if key not in self._reported:
            self._reported.add(key)
            problem = "no party has" if not found else f"{len(found)} parties have"
            keys = ", ".join(f"`{p.key}`" for p in found)
            self.sink.error("PKM038", f"`{ref}` refers to the {role} party, but {problem} `role: {role}`", span,
                            f"use a clause that names its parties with `party` parameters, or write "
                            f"{{{found[0].key}.name}} in an ad-hoc text (parties with that role: {keys})" if found
                            else f"give one party `role: {role}`")
        return None

    def _party_field(self, party: Party, field: str, lang: str) -> str:
        if field == "representative":
            return party.representative
        if field == "number":
            return party.number or ""
        if field == "acts_for":
            return party.acting_for[lang]
        return getattr(party, field)[lang]

    def _signing_date(self) -> datetime.date:
        return self.header["signed_on"]

    def _signing_place(self) -> Text:
        return self.header["signed_at"]

    def _agreement_field(self, field: str, lang: str) -> str:
        value = self.header["number_text" if field == "number" else field]
        return value[lang] if isinstance(value, Text) else str(value)

    # ---- ad-hoc text and conditions ----------------------------------------------------------------

    def _adhoc(self, item: s.AdHoc, counter: list[int]) -> tuple[ClauseUse, Text] | None:
        texts: dict[str, str] = {}
        for lang_text in item.body.texts:
            if lang_text.lang in texts:
                self.sink.error("PKM020", f"the `{lang_text.lang}` text is given twice in this block", lang_text.span,
                                "a block holds one text per language")
                continue
            if lang_text.lang not in LANGUAGES:
                self.sink.error("PKM035", f"unknown language `{lang_text.lang}`", lang_text.span,
                                suggest(lang_text.lang, LANGUAGES) or "languages are id and en")
            elif lang_text.lang in self.languages:
                texts[lang_text.lang] = lang_text.text.value
        missing = [lang for lang in self.languages if lang not in texts]
        if missing:
            self.sink.error("PKM025", f"this text has no `{missing[0]}` version", item.span,
                            "write the text in every language of the agreement")
            return None
        known = [*self.inputs, *BUILTINS, *self.parties]
        spans = {lang_text.lang: lang_text.span for lang_text in item.body.texts}
        reported: set[tuple[str, str | None]] = set()
        for lang, text in texts.items():
            for ph in b.placeholders(text):
                if ph.name in self.failed_inputs or (ph.name, ph.field) in reported:
                    continue  # its value was already reported, or this placeholder in the other language
                fields = (PARTY_FIELDS if ph.name in self.parties else BUILTINS.get(ph.name)
                          or (self.inputs[ph.name][0].fields() if ph.name in self.inputs else None))
                written = "{" + ph.name + ("." + ph.field if ph.field else "") + "}"
                if ph.name not in known:
                    reported.add((ph.name, ph.field))
                    self.sink.error("PKM028", f"the text uses `{{{ph.name}}}`, which is not an input or a party of "
                                    "the agreement", self._at(spans.get(lang) or item.span, written),
                                    suggest(ph.name, known))
                elif ph.name in ("ref", "annex"):
                    continue  # checked when the text is filled, against the articles' and annexes' keys
                elif ph.field and ph.field not in (fields or ()):
                    reported.add((ph.name, ph.field))
                    self.sink.error("PKM028", f"`{ph.name}` has no field `{ph.field}`",
                                    self._at(spans.get(lang) or item.span, written), suggest(ph.field, fields or ()))
        if self.sink.has_errors:
            return None
        digest = hashlib.sha256("\x00".join(texts[lang] for lang in sorted(texts)).encode("utf-8")).hexdigest()
        fake = ClauseVersion("adhoc", (0, 0, 0), "ad-hoc", "", Text.same("", self.languages), (), texts,
                             {lang: b.parse_body(t) for lang, t in texts.items()}, digest, None, None, None,
                             item.span, {})
        paragraphs = self._fill(fake, {}, counter, item.span)
        paragraphs = [dataclasses.replace(p, clause_id=None) for p in paragraphs]
        section = self._adhoc_section(item.section)
        replaces = self._replaced(item.replaces)
        sources = {t.lang: (t.text.span, t.text.span.covered(self.source.text)) for t in item.body.texts
                   if t.lang in self.languages}
        use = ClauseUse("adhoc", None, digest, "ad-hoc", section, False, item.span, {}, tuple(paragraphs), sources,
                        replaces)
        return use, Text.same("", self.languages)

    def _replaced(self, ref: s.ClauseRef | None) -> str | None:
        """The library clause an ad-hoc text says it replaces (``replaces: dispute.court@1.1.0``), as ID@VERSION."""
        if ref is None:
            return None
        versions = self.library.versions_of(ref.clause_id)
        if not versions:
            self.sink.error("PKM010", f"the library has no clause `{ref.clause_id}`", ref.span,
                            suggest(ref.clause_id, self.library.clauses) or "`pkm library list` shows the clauses")
            return None
        exact = next((c for c in versions if ref.constraint is not None and c.version_text == ref.constraint), None)
        if exact is None:
            available = ", ".join(c.version_text for c in versions)
            self.sink.error("PKM011", f"`replaces:` names an exact version; `{ref.clause_id}` has {available}",
                            ref.span, f"write `replaces: {ref.clause_id}@{versions[-1].version_text}`")
            return None
        return f"{exact.clause_id}@{exact.version_text}"

    def _adhoc_section(self, name: s.Name | None) -> str | None:
        """The scheme section an ad-hoc text declares it fills (a name some clause or scheme knows)."""
        if name is None:
            return None
        known = {c.section for versions in self.library.clauses.values() for c in versions} | {
            r.section for scheme in self.library.schemes.values() for r in scheme.requirements}
        if name.name not in known:
            self.sink.error("PKM022", f"unknown section `{name.name}`", name.span,
                            suggest(name.name, known) or f"sections are {', '.join(sorted(known))}")
            return None
        return name.name

    def _holds(self, condition: s.Condition) -> bool:
        known = {**dict.fromkeys(self.failed_inputs), **self.inputs}
        compiled = compile_condition(condition, known, self.sink)
        try:
            return evaluate(compiled, lambda name: comparable(self.inputs[name][1]) if name in self.inputs else None)
        except ConditionError as error:
            self.sink.error("PKM018", "these two values cannot be compared", error.span,
                            "compare an amount with an amount, a date with a date, a choice with one of its options")
            return False

    # ---- manifest ----------------------------------------------------------------------------------

    def _manifest(self, parts: list[Article]) -> Manifest:
        source_hash = hashlib.sha256(self.source.text.encode("utf-8")).hexdigest()
        entries = tuple(ManifestEntry(c.clause_id, c.version_text, c.content_hash, c.status, c.approved_by, c.approved_on)
                        for c in self.used.values())
        first = self.languages[0]
        adhoc = tuple(AdhocEntry(part.where, use.section,
                                 use.content_hash or "", word_count(use, first), use.replaces)
                      for part in parts for use in part.clauses if not use.vetted)
        data_hash = hashlib.sha256(self.data_bytes).hexdigest() if self.data_bytes is not None else None
        return Manifest(entries, self.library.name, self.library.version, self.source.path, source_hash,
                        f"pkm-docs {__version__}", self.data_path, data_hash, adhoc)


def word_count(use: ClauseUse, lang: str) -> int:
    """The words of a clause use's paragraphs and items in ``lang``."""
    return sum(len(p.text.get(lang).split()) + sum(len(item.get(lang).split()) for item in p.items)
               for p in use.paragraphs)


def punctuate_listed(items: list[tuple[str, bool]], lang: str) -> list[str]:
    """A paragraph's items: those the library wrote as they are, those a list wrote (``{activities}``, ``{each
    party}`` ...) ended by their place among all the paragraph's items (``;``, ``; dan`` before the last, ``.``
    last), so a list may stand first, between written items or last."""
    ends = punctuate_items([text for text, _ in items], lang)
    return [end if listed else text for (text, listed), end in zip(items, ends)]


def punctuate_items(items: list[str], lang: str) -> list[str]:
    """Items of an enumeration as Indonesian drafting ends them: ``a;``, ``b; dan``, ``c.``."""
    conjunction = {"id": "dan", "en": "and"}[lang]
    out = []
    for index, item in enumerate(items):
        item = item.rstrip()
        if item.endswith((";", ".", ":", ",")):
            out.append(item)
        elif index == len(items) - 1:
            out.append(item + ".")
        elif index == len(items) - 2:
            out.append(f"{item}; {conjunction}")
        else:
            out.append(item + ";")
    return out


_HEADER_HINTS = {
    "title": 'add `title: "Perjanjian Kemitraan ..." / "Partnership Agreement ..."`',
    "number": 'add `number: "440/123/DINKES/2026"`',
    "scheme": "add `scheme: pkm-standar`",
    "languages": "add `languages: id, en`",
    "signed_on": "add `signed_on: 2026-12-01`",
    "signed_at": 'add `signed_at: "Kupang"`',
}

_PARTY_HINTS = {
    "role": "add `role: government` or `role: organisation`",
    "alias": 'add `alias: "PIHAK PERTAMA" / "FIRST PARTY"`',
    "name": 'add `name: "Dinas Kesehatan Kota Kupang"`',
    "representative": "add the name of the person who signs",
    "position": "add the signer's position",
    "address": "add the party's address",
}


#: A cross-reference in a filled text, until the paragraph is built: OPEN article "." paragraph MID shown
#: CLOSE. Private-use characters, which no source or library text may hold (values.unsafe_character).
_REF_OPEN, _REF_MID, _REF_CLOSE = "\ue000", "\ue001", "\ue002"
_MARKED_REF = re.compile(f"{_REF_OPEN}([0-9]+)\\.([0-9]*){_REF_MID}([^{_REF_CLOSE}]*){_REF_CLOSE}")


def _take_references(text: str, lang: str, item: int | None, found: list[Reference]) -> str:
    """``text`` without the marks of its cross-references, each noted in ``found`` where it now stands."""
    out: list[str] = []
    length = last = 0
    for m in _MARKED_REF.finditer(text):
        out.append(text[last:m.start()])
        length += m.start() - last
        shown = m.group(3)
        found.append(Reference(lang, item, length, length + len(shown), int(m.group(1)),
                               int(m.group(2)) if m.group(2) else None))
        out.append(shown)
        length += len(shown)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _with_references(paragraph: Paragraph) -> Paragraph:
    """The paragraph with its texts free of reference marks and its ``refs`` saying where they were."""
    if not any(_REF_OPEN in t for t in (*paragraph.text.by_lang.values(),
                                         *(v for i in paragraph.items for v in i.by_lang.values()))):
        return paragraph
    found: list[Reference] = []
    text = Text({lang: _take_references(t, lang, None, found) for lang, t in paragraph.text.by_lang.items()})
    items = tuple(Text({lang: _take_references(t, lang, index, found) for lang, t in item.by_lang.items()})
                  for index, item in enumerate(paragraph.items))
    return dataclasses.replace(paragraph, text=text, items=items, refs=tuple(found))
