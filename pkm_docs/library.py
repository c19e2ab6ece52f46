"""The clause library: vetted, versioned, bilingual clauses, schemes and the glossary, loaded and validated."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import body as b
from . import cache
from .approvals import APPROVALS_FILE, Approval, read_approvals
from . import syntax as s
from .conditions import SCHEME_FACTS, Condition, compile_condition
from .errors import DiagnosticSink, UsageError, suggest
from .meanings import CHANNELS, Meaning, check_meaning
from .model import Text
from .library_files import check_library_folder
from .reading import MAX_SOURCE_BYTES, read_text
from .resources import resource_dir
from .values import (ALL_TYPES, PARTY_FIELDS, SIMPLE_TYPES, UNITS, Env, PartyType, ValueProblem,
                     ValueType, compile_type)
from .versions import Version, format_version, matches, parse_version, valid_constraint

#: ``model``: a pkm-docs model text, usable but approved by no one (its manifest entry says so).
STATUSES = ("approved", "model", "draft", "deprecated")

#: The roles a party may have; ``{government}`` / ``{organisation}`` in a text name the one party with it.
ROLES = ("government", "organisation")

#: Placeholders every clause may use besides its own parameters, with the fields each has. ``{parties}`` lists
#: every party by its alias ("PIHAK PERTAMA, PIHAK KEDUA, dan PIHAK KETIGA"), ``{parties.count}`` counts them
#: in figures and words ("3 (tiga)"); a party's key (``{kth.name}``) names that party in an agreement's text.
BUILTINS: dict[str, tuple[str, ...]] = {
    "government": PARTY_FIELDS,
    "organisation": PARTY_FIELDS,
    "signing": ("day", "date", "date_in_words", "place"),
    "agreement": ("title", "number"),
    "parties": ("count", "count_words", "names"),
    # an item line that starts with `{each party}` is written once per party, `{party}` / `{party.name}` naming it
    "each": (),
    "party": PARTY_FIELDS,
    "ref": (),  # {ref.KEY} / {ref.KEY.2}: an article of the agreement by its key, checked where it is used
    "annex": (),  # {annex.KEY}: an annex of the agreement by its key ("Lampiran II"), checked where it is used
    "annexes": (),  # a lone `{annexes}` item line: one item per annex ("Lampiran I: Rencana Kerja")
}


@dataclass(frozen=True)
class ParamSpec:
    """A parameter of a clause (or an input of an agreement), compiled: its type object, what it means to the
    checks, whether it may be left out, its default and bounds as values of its type."""

    name: str
    type: ValueType
    meaning: Meaning | None
    optional: bool
    default: Any
    minimum: Any
    maximum: Any
    span: s.Span
    has_default: bool = False
    #: the constraints as written, in order (``means`` included): kind, the value read (or None), its source form
    written: tuple[tuple[str, Any, str | None], ...] = ()

    @property
    def bounds(self) -> dict[str, Any]:
        return {"min": self.minimum, "max": self.maximum}


@dataclass(frozen=True)
class Replacement:
    """The clause (and version constraint) a deprecated version is replaced by, and where the library says so."""

    clause_id: str
    constraint: str | None
    span: s.Span


@dataclass(frozen=True)
class Requirement:
    """A section a scheme requires, with its title and the condition under which it is required."""

    section: str
    title: Text
    condition: Condition | None
    span: s.Span

_CLAUSE_FIELDS = ("status", "replaced_by", "approved_by", "approved_on", "section", "title", "note", "channel")


@dataclass(frozen=True)
class ClauseVersion:
    """One version of a clause, validated: what resolution needs, and the hash that pins its content."""

    clause_id: str
    version: Version
    status: str
    section: str
    title: Text
    params: tuple[ParamSpec, ...]
    body: dict[str, str]
    blocks: dict[str, tuple[b.BlockTemplate, ...]]
    content_hash: str
    approved_by: str | None
    approved_on: datetime.date | None
    replaced_by: Replacement | None
    span: s.Span
    body_spans: dict[str, s.Span] = field(default_factory=dict)
    #: the lawful channel by which a government party's money reaches an organisation (``meanings.CHANNELS``)
    channel: str | None = None

    @property
    def version_text(self) -> str:
        return format_version(self.version)

    @property
    def ref(self) -> str:
        return f"{self.clause_id}@{self.version_text}"

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Scheme:
    name: str
    title: Text
    provisional: bool
    requirements: tuple[Requirement, ...]
    span: s.Span


@dataclass
class Library:
    """Every clause version, scheme and glossary term of a library folder."""

    root: Path
    name: str
    version: str
    clauses: dict[str, list[ClauseVersion]]
    schemes: dict[str, Scheme]
    glossary: tuple[Text, ...]
    #: An organisation's library (``extends = "standard"`` in its library.toml): only what the organisation
    #: approved (``approvals.toml``) is approved in it.
    organisation: bool = False
    #: Approvals whose clause version's text has changed since (its hash no longer the approved one).
    stale_approvals: tuple[tuple[ClauseVersion, Approval], ...] = ()

    def versions_of(self, clause_id: str) -> list[ClauseVersion]:
        return self.clauses.get(clause_id, [])

    def resolve(self, clause_id: str, constraint: str | None) -> ClauseVersion | None:
        """The highest approved version matching ``constraint``; else the highest model text (approved by no one);
        a deprecated one only if neither matches."""
        candidates = [c for c in self.versions_of(clause_id) if matches(constraint, c.version)]
        for status in ("approved", "model", "deprecated"):
            chosen = [c for c in candidates if c.status == status]
            if chosen:
                return max(chosen, key=lambda c: c.version)
        return None


def content_hash(clause_id: str, version: str, title: Text, body: dict[str, str],
                 params: tuple[s.ParamDecl, ...]) -> str:
    """SHA-256 over a normalised form of a clause's texts and parameter declarations."""

    def norm(text: str) -> str:
        return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())

    def value_form(value: s.Value | None) -> Any:
        if value is None:
            return None
        if isinstance(value, s.Str):
            return value.value
        if isinstance(value, s.Pair):
            return [value.id.value, value.en.value]
        if isinstance(value, s.ListValue):
            return [value_form(v) for v in value.items]
        for attr in ("amount", "value", "name", "clause_id"):
            if hasattr(value, attr):
                extra = getattr(value, "unit", None)
                return [str(getattr(value, attr)), extra] if extra else str(getattr(value, attr))
        return repr(value)

    data = {
        "id": clause_id,
        "version": version,
        "title": {lang: norm(text) for lang, text in sorted(title.by_lang.items())},
        "body": {lang: norm(text) for lang, text in sorted(body.items())},
        "params": [
            {
                "name": p.name,
                "type": p.type.describe(),
                "labels": [value_form(label) for label in p.type.labels],
                # a table's column headings are words the clause prints (absent for other types: their hashes stay)
                **({"columns": [[name, value_form(label) if label else None] for name, label, _ in p.type.columns]}
                   if p.type.columns else {}),
                # what the checks make of a value (`means`) is the library's annotation, not the clause's text
                "constraints": [[c.kind, value_form(c.value)] for c in p.constraints if c.kind != "means"],
            }
            for p in params
        ],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def default_library_dir() -> Path:
    return resource_dir("clause_library")


def load_library(root: str | Path | None = None, languages: tuple[str, ...] = ("id", "en")) -> Library:
    """Load and validate every ``.pkm`` file under ``root``; all mistakes are raised together."""
    root = Path(root) if root is not None else default_library_dir()
    if not root.is_dir():
        raise UsageError(f"clause library folder {root} does not exist", "give an existing folder with --library")
    check_library_folder(root)  # symbolic links refused unfollowed, library.toml bounded (issue 13, items 7, 10)
    name, version = "unnamed library", "0"
    meta = root / "library.toml"
    if meta.is_file():
        try:
            info = tomllib.loads(meta.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{meta}: {exc}") from None
        name, version = str(info.get("name", name)), str(info.get("version", version))
        extends = info.get("extends")
        if extends is not None and extends != "standard":
            raise UsageError(f"{meta}: `extends = {extends!r}`: a library can extend only the standard library",
                             'write extends = "standard", or leave it out')
    else:
        extends = None

    files = sorted(root.rglob("*.pkm"))
    if extends == "standard":  # an organisation's library: the shipped clauses, then its own
        standard = default_library_dir()
        check_library_folder(standard)
        files = sorted(standard.rglob("*.pkm")) + files
    if not files:
        raise UsageError(f"clause library folder {root} holds no .pkm files")
    texts = [read_text(path, MAX_SOURCE_BYTES, "source files") for path in files]  # as parser.read_source
    # the same files (names and bytes), read by the same code, give the same library: it is kept in the per-user
    # cache under a name for the folder, with the hash of all that it was built from
    key = _cache_key(root, languages, name, version, files, texts)
    slot = "library-" + hashlib.sha256(repr((str(root), languages)).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    cached = cache.load(slot, key)
    if isinstance(cached, Library):
        library = cached
    else:
        library = _compile_library(root, name, version, files, texts, languages)
        cache.store(slot, key, library)
    if extends == "standard" or (root / APPROVALS_FILE).is_file():
        return with_approvals(library, read_approvals(root))
    return library


def with_approvals(library: Library, approvals: list[Approval]) -> Library:
    """``library`` as the organisation that approved ``approvals`` sees it: a clause version whose text is the
    one approved (same hash) is ``approved`` by that body; one whose text changed since stays as it was, and
    its approval is listed as stale."""
    by_ref = {(a.clause_id, a.version): a for a in approvals}
    clauses: dict[str, list[ClauseVersion]] = {}
    stale = []
    for clause_id, versions in library.clauses.items():
        clauses[clause_id] = []
        for clause in versions:
            approval = by_ref.get((clause_id, clause.version_text))
            if approval is not None and approval.content_hash == clause.content_hash:
                clause = dataclasses.replace(clause, status="approved", approved_by=approval.by,
                                             approved_on=approval.on)
            elif approval is not None:
                stale.append((clause, approval))
            clauses[clause_id].append(clause)
    return dataclasses.replace(library, clauses=clauses, organisation=True, stale_approvals=tuple(stale))


def _cache_key(root: Path, languages: tuple[str, ...], name: str, version: str, files: list[Path],
               texts: list[str]) -> bytes:
    digest = hashlib.sha256(cache.code_key())
    for part in (str(root), repr(languages), name, version):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for path, text in zip(files, texts):
        digest.update(f"{path}\0{len(text)}\0".encode("utf-8", "surrogateescape"))
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _compile_library(root: Path, name: str, version: str, files: list[Path], texts: list[str],
                     languages: tuple[str, ...]) -> Library:
    from .parser import parse  # Lark only when the library is not in the cache

    sink = DiagnosticSink()
    clauses: dict[str, list[ClauseVersion]] = {}
    schemes: dict[str, Scheme] = {}
    glossary: list[Text] = []
    for path, text in zip(files, texts):
        source = parse(text, str(path))
        for decl in source.declarations:
            if isinstance(decl, s.ClauseDef):
                clause = _load_clause(decl, source.text, sink, languages)
                if clause is None:
                    continue
                same = [c for c in clauses.get(clause.clause_id, []) if c.version == clause.version]
                if same:
                    sink.error("PKM020", f"clause `{clause.ref}` is defined twice", decl.id_span,
                               f"the first is at {same[0].span.file}:{same[0].span.line}")
                    continue
                clauses.setdefault(clause.clause_id, []).append(clause)
            elif isinstance(decl, s.SchemeDef):
                if decl.name in schemes:
                    sink.error("PKM020", f"scheme `{decl.name}` is defined twice", decl.span)
                schemes[decl.name] = _load_scheme(decl, sink)
            elif isinstance(decl, s.GlossaryDef):
                glossary.extend(Text({"id": t.pair.id.value, "en": t.pair.en.value}) for t in decl.terms)
            else:
                sink.error("PKM021", "a clause library holds clauses, schemes and a glossary only",
                           decl.decl.span if isinstance(decl, s.InputDef) else decl.span,  # an InputDef has no span
                           "agreements go in their own .pkm file")
    _check_replacements(clauses, sink)
    sink.raise_if_errors()
    for versions in clauses.values():
        versions.sort(key=lambda c: c.version)
    return Library(root, name, version, clauses, schemes, tuple(glossary))


def _fields(decl_fields: tuple[s.Field, ...], allowed: tuple[str, ...], what: str,
            sink: DiagnosticSink) -> dict[str, s.Field]:
    out: dict[str, s.Field] = {}
    for f in decl_fields:
        if f.name not in allowed:
            sink.error("PKM022", f"unknown field `{f.name}` in {what}", f.name_span,
                       suggest(f.name, allowed) or f"fields are {', '.join(allowed)}")
        elif f.name in out:
            sink.error("PKM020", f"field `{f.name}` is given twice", f.name_span)
        else:
            out[f.name] = f
    return out


def _load_clause(decl: s.ClauseDef, text: str, sink: DiagnosticSink,
                 languages: tuple[str, ...]) -> ClauseVersion | None:
    what = f"clause `{decl.clause_id}`"
    before = len(sink.diagnostics)
    fields = _fields(decl.fields, _CLAUSE_FIELDS, what, sink)
    status = _name_field(fields, "status", sink, decl.span, what)
    if status is not None and status not in STATUSES:
        sink.error("PKM023", f"unknown status `{status}`", fields["status"].value.span,
                   suggest(status, STATUSES) or "status is approved, model, draft or deprecated")
    section = _name_field(fields, "section", sink, decl.span, what)
    title = fields.get("title")
    if title is None or not isinstance(title.value, s.Pair):
        sink.error("PKM023", f"{what} needs `title: \"Judul\" / \"Title\"`", title.span if title else decl.id_span)
    approved_by = fields.get("approved_by")
    approved_on = fields.get("approved_on")
    # an approved version says who approved it and when; a deprecated one needs only its replacement (a model text
    # that was never approved may be deprecated too), but an approval it does record is recorded whole
    if status == "approved" or (status == "deprecated" and (approved_by is not None or approved_on is not None)):
        if approved_by is None or not isinstance(approved_by.value, s.Str):
            sink.error("PKM024", f"{what} {decl.version} is {status} but does not say who approved it", decl.id_span,
                       'add `approved_by: "Biro Hukum ..."`' if status == "approved"
                       else "add `approved_by:`, or remove `approved_on` if no body approved it")
        if approved_on is None or not isinstance(approved_on.value, s.Date):
            sink.error("PKM024", f"{what} {decl.version} is {status} but does not say when it was approved",
                       decl.id_span, "add `approved_on: 2026-03-16`")
    if status == "model" and approved_by is not None:
        sink.error("PKM024", f"{what} {decl.version} is a model text, which no one has approved",
                   approved_by.name_span, "remove `approved_by`, or give the status `approved` once a body approved it")
    replaced_by = fields.get("replaced_by")
    if status == "deprecated" and (replaced_by is None or not isinstance(replaced_by.value, s.ClauseRef)):
        sink.error("PKM024", f"{what} {decl.version} is deprecated but names no replacement", decl.id_span,
                   "add `replaced_by: other.clause@2.0.0`")
    specs = compile_params(decl.params, sink)
    channel = _channel(fields.get("channel"), specs, decl.id_span, what, sink)
    body: dict[str, str] = {}
    body_spans: dict[str, s.Span] = {}
    if decl.body is None:
        sink.error("PKM025", f"{what} has no text", decl.id_span, 'add `text { id: """...""" en: """...""" }`')
    else:
        for lang_text in decl.body.texts:
            if lang_text.lang in body:
                sink.error("PKM020", f"the `{lang_text.lang}` text of {what} {decl.version} is given twice",
                           lang_text.span, "a clause holds one text per language; the hash would cover only one")
                continue
            if lang_text.lang not in languages:
                sink.error("PKM025", f"unknown language `{lang_text.lang}`", lang_text.span,
                           suggest(lang_text.lang, languages) or "languages are id and en")
            body[lang_text.lang] = lang_text.text.value
            body_spans[lang_text.lang] = lang_text.text.span
        for lang in languages:
            if lang not in body:
                sink.error("PKM025", f"{what} {decl.version} has no `{lang}` text", decl.body.span,
                           "every clause is written in every language")
    names = {p.name: p for p in specs}
    failed = {p.name for p in decl.params} - set(names)  # declared, but its type was already reported
    for lang, text_value in body.items():
        _check_placeholders(text_value, body_spans[lang], text, names, sink, failed)
    if len(sink.diagnostics) > before and sink.has_errors:
        return None
    assert title is not None and isinstance(title.value, s.Pair)  # else PKM023 above, and None returned
    title_text = Text({"id": title.value.id.value, "en": title.value.en.value})
    blocks = {lang: b.parse_body(text_value) for lang, text_value in body.items()}
    return ClauseVersion(
        clause_id=decl.clause_id,
        version=parse_version(decl.version),
        status=status or "draft",
        section=section or "",
        title=title_text,
        params=specs,
        body=body,
        blocks=blocks,
        content_hash=content_hash(decl.clause_id, decl.version, title_text, body, decl.params),
        approved_by=approved_by.value.value if approved_by and isinstance(approved_by.value, s.Str) else None,
        approved_on=approved_on.value.value if approved_on and isinstance(approved_on.value, s.Date) else None,
        replaced_by=(Replacement(replaced_by.value.clause_id, replaced_by.value.constraint, replaced_by.value.span)
                     if replaced_by and isinstance(replaced_by.value, s.ClauseRef) else None),
        span=decl.id_span,
        body_spans=body_spans,
        channel=channel,
    )


def _channel(f: s.Field | None, specs: tuple[ParamSpec, ...], span: s.Span, what: str,
             sink: DiagnosticSink) -> str | None:
    """The channel a clause declares (``channel: hibah``), which names its funder by a party parameter."""
    if f is None:
        return None
    if not isinstance(f.value, s.Name) or f.value.name not in CHANNELS:
        written = f.value.name if isinstance(f.value, s.Name) else "this value"
        sink.error("PKM023", f"unknown channel `{written}`", f.value.span,
                   (suggest(written, CHANNELS) if isinstance(f.value, s.Name) else None)
                   or f"channels are {', '.join(CHANNELS)}")
        return None
    if not any(p.meaning is not None and p.meaning.name == "funder" for p in specs):
        sink.error("PKM023", f"{what} declares a channel but not whose money it carries", f.name_span,
                   "add `param funder: party means funder`")
    return f.value.name


def _name_field(fields: dict[str, s.Field], name: str, sink: DiagnosticSink, span: s.Span, what: str) -> str | None:
    f = fields.get(name)
    if f is None:
        sink.error("PKM023", f"{what} needs `{name}:`", span)
        return None
    if not isinstance(f.value, s.Name):
        sink.error("PKM023", f"`{name}` is written as a plain word", f.value.span if hasattr(f.value, "span") else f.span)
        return None
    return f.value.name


def compile_params(params: tuple[s.ParamDecl, ...], sink: DiagnosticSink) -> tuple[ParamSpec, ...]:
    """Each declaration as a ParamSpec; a wrong type, bound, default or meaning is reported."""
    seen: set[str] = set()
    out: list[ParamSpec] = []
    for p in params:
        if p.name in seen:
            sink.error("PKM020", f"parameter `{p.name}` is declared twice", p.span)
        seen.add(p.name)
        spec = compile_param(p, sink)
        if spec is not None:
            out.append(spec)
    return tuple(out)


def compile_param(p: s.ParamDecl, sink: DiagnosticSink) -> ParamSpec | None:
    """One declaration as a ParamSpec (None when its type is unknown)."""
    before = _errors(sink)
    check_type(p.type, sink)
    if _errors(sink) > before:
        return None
    type_ = compile_type(p.type)
    values: dict[str, Any] = {}
    meaning: Meaning | None = None
    for c in p.constraints:
        if c.kind == "means":
            assert isinstance(c.value, s.Name)
            meaning = Meaning(c.value.name, c.arg.name if c.arg else None)
            problem = check_meaning(meaning, type_, ROLES)
            if problem:
                from .meanings import MEANINGS
                sink.error("PKM040", problem, c.span,
                           suggest(meaning.name, MEANINGS) if meaning.name not in MEANINGS
                           else "see the meanings in `pkm check --explain PKM040`")
                meaning = None
            continue
        if c.value is None:
            continue
        if c.kind in ("min", "max") and not type_.bounded:
            sink.error("PKM026", f"`{c.kind}` does not apply to a {type_.describe()}", c.span)
            continue
        if isinstance(type_, PartyType) and isinstance(c.value, s.Name):
            values[c.kind] = c.value.name  # a party's key, checked where the clause is used
            continue
        try:
            values[c.kind] = type_.from_source(c.value, Env.empty())
        except ValueProblem as problem:
            sink.error("PKM026", f"{c.kind} of `{p.name}`: {problem.message}", c.span, problem.hint)
    optional = p.constraint("optional") is not None
    written = tuple((c.kind, values.get(c.kind), source_form(c.value, c.arg) if c.value is not None else None)
                    for c in p.constraints)
    return ParamSpec(p.name, type_, meaning, optional, values.get("default"), values.get("min"), values.get("max"),
                     p.span, has_default="default" in values, written=written)


def source_form(value: s.Value, arg: s.Name | None = None) -> str:
    """A constraint's value as it is written in a clause file."""
    from .locale import money_figures
    if isinstance(value, s.Pair):
        return f'"{value.id.value}" / "{value.en.value}"'
    if isinstance(value, s.Str):
        return f'"{value.value}"'
    if isinstance(value, s.Money):
        return "Rp" + money_figures(value.amount).removeprefix("Rp")
    if isinstance(value, s.Percent):
        return f"{value.value.normalize():f}%"
    if isinstance(value, s.Duration):
        return f"{value.amount} {value.unit}"
    if isinstance(value, s.Date):
        return value.value.isoformat()
    if isinstance(value, s.Number):
        return value.raw or f"{value.value.normalize():f}"
    if isinstance(value, s.Name):
        return value.name + (f"({arg.name})" if arg is not None else "")
    return str(value)


def _errors(sink: DiagnosticSink) -> int:
    return sum(d.is_error for d in sink.diagnostics)


def check_type(type_expr: s.TypeExpr, sink: DiagnosticSink) -> None:
    if type_expr.kind not in ALL_TYPES:
        sink.error("PKM027", f"unknown type `{type_expr.kind}`", type_expr.span,
                   suggest(type_expr.kind, ALL_TYPES) or f"types are {', '.join(SIMPLE_TYPES)}, quantity(UNIT), choice(...), list of ..., allocation of ..., "
                   "table(column: type, ...)")
        return
    if type_expr.unit is not None and type_expr.kind != "quantity":
        sink.error("PKM027", f"`{type_expr.kind}` takes no unit", type_expr.span)
    if type_expr.kind == "quantity":
        if type_expr.unit is None:
            sink.error("PKM027", "a quantity names its unit: `quantity(ha)`", type_expr.span)
        elif type_expr.unit not in UNITS:
            sink.error("PKM027", f"unknown unit `{type_expr.unit}`", type_expr.span,
                       suggest(type_expr.unit, UNITS) or f"units are {', '.join(UNITS)}")
    if type_expr.kind == "table":
        for name, _, item in type_expr.columns:
            if item.kind in ("list", "allocation", "period", "table"):
                sink.error("PKM027", f"column `{name}`: a table's cell holds one value, not a {item.kind}", item.span,
                           "give a column of text, money, party, integer, date, percent, quantity or choice")
            else:
                check_type(item, sink)
        return
    if type_expr.kind in ("list", "allocation") and type_expr.item is not None:
        if type_expr.item.kind in ("list", "allocation", "period"):
            sink.error("PKM027", f"a {type_expr.kind} of {type_expr.item.kind}s is not supported", type_expr.span)
            return
        if type_expr.kind == "allocation" and type_expr.item.kind not in ("percent", "money", "integer", "quantity"):
            sink.error("PKM027", "an allocation gives percentages, amounts, whole numbers or quantities",
                       type_expr.item.span, "write `allocation of percent`, `of money` or `of integer`")
            return
        check_type(type_expr.item, sink)


def _check_placeholders(text: str, span: s.Span, source: str, params: dict[str, ParamSpec],
                        sink: DiagnosticSink, failed: set[str] | frozenset[str] = frozenset()) -> None:
    raw = span.covered(source)
    for use in b.placeholders(text):
        if use.name in failed:
            continue
        needle = "{" + use.name + ("." + use.field if use.field else "") + "}"
        offset = raw.find(needle) if raw else -1
        where = span.at_offset(raw, offset, len(needle)) if offset >= 0 else span
        if use.name in params:
            fields = params[use.name].type.fields()
            if use.field and use.field not in fields:
                sink.error("PKM028", f"`{use.name}` has no field `{use.field}`", where,
                           suggest(use.field, fields) or (f"its fields are {', '.join(fields)}" if fields else None))
        elif use.name == "annex":
            if use.field is None:
                sink.error("PKM028", "`{annex}` needs the key of an annex", where,
                           "write `{annex.KEY}` for its number (\"Lampiran II\")")
        elif use.name == "ref":
            if use.field is None:
                sink.error("PKM028", "`{ref}` needs the key of an article", where,
                           "write `{ref.KEY}` for its number, or `{ref.KEY.2}` for its paragraph (2)")
        elif use.name in BUILTINS:
            if use.field is None and use.name in ("signing", "agreement"):
                sink.error("PKM028", f"`{{{use.name}}}` needs a field", where,
                           f"write one of {', '.join('{' + use.name + '.' + f + '}' for f in BUILTINS[use.name])}")
            elif use.field is not None and use.field not in BUILTINS[use.name]:
                sink.error("PKM028", f"`{use.name}` has no field `{use.field}`", where,
                           suggest(use.field, BUILTINS[use.name]))
        else:
            sink.error("PKM028", f"the text uses `{{{use.name}}}`, which is not a parameter of this clause", where,
                       suggest(use.name, list(params) + list(BUILTINS)) or "declare it with `param`")


def _load_scheme(decl: s.SchemeDef, sink: DiagnosticSink) -> Scheme:
    fields = _fields(decl.fields, ("title", "provisional", "note"), f"scheme `{decl.name}`", sink)
    title = fields.get("title")
    title_text = (Text({"id": title.value.id.value, "en": title.value.en.value})
                  if title and isinstance(title.value, s.Pair) else Text.same(decl.name))
    provisional = fields.get("provisional")
    is_provisional = bool(provisional and isinstance(provisional.value, s.Name)
                          and provisional.value.name.lower() in ("yes", "ya", "true"))
    requirements = tuple(
        Requirement(req.section, _requirement_title(req), compile_condition(
            req.condition, SCHEME_FACTS, sink, what="a fact a scheme can test") if req.condition else None, req.span)
        for req in decl.requirements)
    return Scheme(decl.name, title_text, is_provisional, requirements, decl.span)


def _requirement_title(req: s.Requirement) -> Text:
    if isinstance(req.title, s.Pair):
        return Text({"id": req.title.id.value, "en": req.title.en.value})
    if isinstance(req.title, s.Str):
        return Text.same(req.title.value)
    return Text.same(req.section)


def _check_replacements(clauses: dict[str, list[ClauseVersion]], sink: DiagnosticSink) -> None:
    for versions in clauses.values():
        for clause in versions:
            ref = clause.replaced_by
            if ref is None:
                continue
            if ref.constraint is not None and not valid_constraint(ref.constraint):
                sink.error("PKM024", f"`{ref.constraint}` is not a version", ref.span)
            elif not any(matches(ref.constraint, c.version) for c in clauses.get(ref.clause_id, [])):
                sink.error("PKM024", f"`{clause.ref}` is replaced by `{ref.clause_id}`"
                           f"{'@' + ref.constraint if ref.constraint else ''}, which the library does not have",
                           ref.span, suggest(ref.clause_id, clauses))
