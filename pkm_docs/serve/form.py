"""A template's typed inputs as the steps of a guided form: each input is asked where the template first uses it
(the agreement header, a party, an article), in the order the template declares them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import syntax as s
from ..errors import DiagnosticSink
from ..library import Library, ParamSpec, compile_param
from ..model import Text
from ..parser import parse, read_source
from ..resolve import party_alias
from ..values import ChoiceType, Column, ValueType

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)")


@dataclass(frozen=True)
class Field:
    """One input of the template: its declaration compiled, and its label in each language."""

    name: str
    spec: ParamSpec
    label: Text
    line: int  # of its `input` declaration in the template
    party_field: str | None = None  # the field of a party it fills (``name``, ``address`` ...): what a profile keeps
    #: the ``when`` of every place that uses it, when each place has one (an input asked only for a clause
    #: included on a condition); empty when some place uses it whatever the answers
    conditions: tuple[s.Condition, ...] = ()
    #: the clause parameters it is the whole value of (their bounds apply to it too: ``members_per_party: integer
    #: min 1`` bounds an input declared without one)
    passed_to: tuple[ParamSpec, ...] = ()

    @property
    def type(self) -> ValueType:
        return self.spec.type

    @property
    def required(self) -> bool:
        return not self.spec.optional and not self.spec.has_default

    def choice_label(self, name: str) -> Text | None:
        """The words of one of its choices: its own, else those of the clause parameter it is passed to."""
        for type_ in (self.type, *(p.type for p in self.passed_to)):
            if isinstance(type_, ChoiceType):
                label = dict(zip(type_.choices, type_.labels)).get(name)
                if label is not None:
                    return label
        return None

    def heading(self, column: Column, lang: str) -> str:
        """A table column's heading: the input's own label, else the label the clause it is passed to gives the
        column of that name (``amount "Jumlah" / "Amount"``), else the column's name."""
        if column.label is not None:
            return column.heading(lang)
        for param in self.passed_to:
            for theirs in getattr(param.type, "columns", ()):
                if theirs.name == column.name and theirs.label is not None:
                    return theirs.heading(lang)
        return column.heading(lang)


@dataclass
class Step:
    """A page of the form: the inputs the template uses in one place."""

    key: str
    title: Text
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Form:
    """The steps of one template, and what it needs to be built."""

    template: str  # its name, e.g. ``kesehatan``
    path: Path
    source: str
    tree: s.SourceFile
    steps: tuple[Step, ...]
    parties: tuple[tuple[str, Text], ...]  # key and alias, in order
    uses: tuple[tuple[int, int, tuple[str, ...]], ...] = ()  # each `use`: first and last line, the inputs it takes

    @property
    def fields(self) -> list[Field]:
        return [f for step in self.steps for f in step.fields]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def step_of(self, name: str) -> int | None:
        return next((i for i, step in enumerate(self.steps) if any(f.name == name for f in step.fields)), None)


def _words(name: str) -> str:
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def _names(value: s.Value | None) -> list[str]:
    """Every bare name in a written value (``nama_dinas``, the names in a list or a mapping)."""
    if isinstance(value, s.Name):
        return [value.name]
    if isinstance(value, s.ListValue):
        return [n for item in value.items for n in _names(item)]
    if isinstance(value, s.Mapping):
        return [n for _, item in value.entries for n in _names(item)]
    return []


def _condition_names(cond: s.Condition | None) -> list[str]:
    if isinstance(cond, s.Compare):
        return _names(cond.left) + _names(cond.right)
    if isinstance(cond, s.BoolOp):
        return [n for op in cond.operands for n in _condition_names(op)]
    if isinstance(cond, s.Not):
        return _condition_names(cond.operand)
    return []


_HEADER = Text({"id": "Perjanjian", "en": "Agreement"})
_OTHER = Text({"id": "Lain-lain", "en": "Other"})
_HEADER_LABELS = {"number": "agreement number", "signed_on": "date of signing", "signed_at": "place of signing"}
_PARTY_FIELD_LABELS = {"number": "letter number", "authority": "legal basis", "representative": "signatory",
                      "acts_for": "acting for"}


def build_form(path: Path, library: Library, name: str | None = None) -> Form:
    """The form of the template at ``path`` (a SourceError if the template does not parse)."""
    source = read_source(path)
    tree = parse(source, f"{name or path.stem}.pkm")
    sink = DiagnosticSink()
    decls = [d.decl for d in tree.declarations if isinstance(d, s.InputDef)]
    specs = {d.name: spec for d in decls if (spec := compile_param(d, sink)) is not None}
    inputs = set(specs)
    parties = [d for d in tree.declarations if isinstance(d, s.PartyDef)]
    aliases: list[tuple[str, Text]] = []
    for index, party in enumerate(parties):
        alias = next((f.value for f in party.fields if f.name == "alias"), None)
        aliases.append((party.key, Text({"id": alias.id.value, "en": alias.en.value}) if isinstance(alias, s.Pair)
                        else party_alias(index)))

    steps: dict[str, Step] = {}
    where: dict[str, tuple[str, str]] = {}  # input -> (step key, English label)
    party_fields: dict[str, str] = {}
    used_when: dict[str, list[s.Condition | None]] = {}
    passed_to: dict[str, list[ParamSpec]] = {}

    def place(names: list[str], key: str, title: Text, label_en: str, party_field: str | None = None,
              when: s.Condition | None = None) -> None:
        for n in names:
            used_when.setdefault(n, []).append(when)
            if n in inputs and n not in where:
                steps.setdefault(key, Step(key, title))
                where[n] = (key, label_en)
                if party_field and len(names) == 1:
                    party_fields[n] = party_field

    article = 0
    uses: list[tuple[int, int, tuple[str, ...]]] = []
    for decl in tree.declarations:
        if isinstance(decl, s.AgreementDef):
            for f in decl.fields:
                place(_names(f.value), "agreement", _HEADER, _words(_HEADER_LABELS.get(f.name, f.name)))
        elif isinstance(decl, (s.PartyDef, s.WitnessDef)):
            if isinstance(decl, s.PartyDef):
                named = dict(aliases)[decl.key]
                title = Text({"id": f"{_words(named['id'].lower())}: {decl.key}",
                              "en": f"{_words(named['en'].lower())}: {decl.key}"})
            else:
                title = Text({"id": f"Saksi: {decl.key}", "en": f"Witness: {decl.key}"})
            for f in decl.fields:
                place(_names(f.value), f"party:{decl.key}", title, _words(_PARTY_FIELD_LABELS.get(f.name, f.name)),
                      f.name)
        elif isinstance(decl, s.ArticleDef):
            article += decl.kind == "article"
            key = f"article:{article}" if decl.kind == "article" else \
                f"annex:{decl.key.name}" if decl.kind == "annex" and decl.key is not None else decl.kind
            own = Text({"id": decl.title.id.value, "en": decl.title.en.value}) if isinstance(decl.title, s.Pair) \
                else None  # an article's own title, else its clause's
            for item in decl.items:
                if isinstance(item, s.Use):
                    taken = tuple(n for arg in item.args for n in _names(arg.value) if n in inputs)
                    uses.append((item.span.line, item.span.end_line, taken))
                    clause = library.resolve(item.ref.clause_id, item.ref.constraint)
                    title = own or (clause.title if clause is not None else Text.same(item.ref.clause_id))
                    for arg in item.args:
                        place(_names(arg.value), key, title, _words(arg.name), when=item.condition)
                        param = clause.param(arg.name) if clause is not None else None
                        if isinstance(arg.value, s.Name) and param is not None:
                            passed_to.setdefault(arg.value.name, []).append(param)
                    place(_condition_names(item.condition), key, title, f"Include “{title.get('en')}”")
                else:
                    title = own or (Text.same(_words(item.section.name)) if item.section else _OTHER)
                    place(_condition_names(item.condition), key, title, "Include this text")
                    for text in item.body.texts:
                        place(_PLACEHOLDER.findall(text.text.value), key, title, "", when=item.condition)
    for input_decl in decls:
        if input_decl.name in specs and input_decl.name not in where:
            steps.setdefault("other", Step("other", _OTHER))
            where[input_decl.name] = ("other", "")
    for input_decl in decls:
        if input_decl.name in specs:
            key, label_en = where[input_decl.name]
            label = Text({"id": _words(input_decl.name), "en": label_en or _words(input_decl.name)})
            whens = used_when.get(input_decl.name, [])
            conditions = tuple(w for w in whens if w is not None) if whens and None not in whens else ()
            steps[key].fields.append(Field(input_decl.name, specs[input_decl.name], label, input_decl.span.line,
                                           party_fields.get(input_decl.name), conditions,
                                           tuple(passed_to.get(input_decl.name, ()))))
    return Form(name or path.stem, path, source, tree, tuple(steps.values()), tuple(aliases), tuple(uses))
