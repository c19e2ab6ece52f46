"""``pkm merge``: the other side's edits in a returned DOCX, written back into the ``.pkm`` source as the next draft.

Each clause whose text the returned DOCX changed is explained, when it can be, as new values of what the
source wrote: the words that changed are where a parameter's value or a party's field is printed, and reading
them back gives a value of the parameter's type (an amount, a date, a name). Those values replace what the
source wrote, at the place it wrote them. A clause that no new values explain (its vetted wording changed)
becomes ad-hoc text holding the returned text, marked ``replaces: ID@VERSION`` so that the checks name the
vetted clause it is no longer, with the authors of the change in a comment. An article the other side deleted
is deleted. Text they typed outside every clause (a new article, a new paragraph) is placed where they typed it,
as ad-hoc text (``merge_place``). Everything else stays as written.

Nothing is taken on trust: the next draft is compiled and compared with the returned DOCX by ``pkm diff``'s own
comparison; what still differs is reported, not hidden.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from .. import locale
from .. import syntax as s
from ..errors import UsageError
from ..library import Library
from ..model import ClauseUse, Party, Text, roman
from ..parser import parse, read_source
from ..pipeline import compile_agreement
from ..values import (Allocation, ChoiceType, ChoiceValue, DurationValue, Env, ListType, MoneyType, PartyType,
                      TableType, ValueProblem, ValueType, unsafe_character)
from .model_diff import PARAGRAPH_THRESHOLD, diff_drafts, match_parts
from .text_diff import align, similarity
from .snapshot import ADHOC, ANY_LANGUAGE, Draft, DraftClause, from_agreement
from .sources import read_docx_draft, with_reference
from .merge_place import TRIPLE, comment_text, place_outside, renumbered_references

#: Party fields a returned DOCX may change, as the source writes them.
PARTY_FIELDS = ("name", "representative", "position", "authority", "address", "acts_for")

#: Two clauses read one value two ways: no new value is taken from either.
_CONFLICT = "\x00conflict"

#: How a table prints an amount: in figures only.
_FIGURES: Callable[[Any, str], str] = locale.money_figures

#: More holes than this in one clause text and it is not explained by values (the pattern would be slow).
_MAX_HOLES = 40


# ---- the result ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    """What ``pkm merge`` did: the next draft's source and, per change, a line a user reads."""

    source: str
    values: tuple[str, ...]  # "Pasal 4 (funding.cost_sharing): `total` Rp950.000.000 -> Rp850.000.000"
    replaced: tuple[str, ...]  # "Pasal 12: dispute.court 1.1.0 is now ad-hoc text (edited by ...)"
    removed: tuple[str, ...]  # "Pasal 9 (sanctions.standard) deleted"
    left: str  # what still differs between the next draft and the returned DOCX (empty when nothing does)
    method: str  # how the returned DOCX was mapped to its clauses
    data: tuple[str, ...] = ()  # new values of inputs when there is no data file to write them in
    data_source: str | None = None  # the next data file, when the merge changed an input's value
    refused: tuple[str, ...] = ()  # returned texts that cannot go into the source ("... holds U+202E ...")
    placed: tuple[str, ...] = ()  # "a new article "Kerahasiaan" after Pasal 11, as ad-hoc text"
    missing: tuple[str, ...] = ()  # texts placed as typed, in one language only: NEXT does not build until written
    comments: tuple[str, ...] = ()  # the returned DOCX's comments: "Budi Santoso (2026-12-03): «...»"

    @property
    def complete(self) -> bool:
        return not self.left and not self.missing and not self.comments


# ---- where the source wrote a value -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A value the source wrote (or a parameter it left at its default), and how to write a new one."""

    label: str  # for the report: "`total` of funding.cost_sharing (Pasal 4)"
    type: ValueType | None  # None: a party's field (a text in each language, or one text)
    value: Any  # the value as resolved: a Text, a Decimal, a date ...
    node: s.Value | None  # the literal to replace; None when the parameter was not written
    use: s.Use | None = None  # where to add `name: value` when it was not written
    name: str = ""
    bilingual: bool = True  # a Text in each language (a representative's name is one text)
    elsewhere: str | None = None  # the input whose value (in the data file) this parameter prints
    share: str | None = None  # the recipient whose amount this is, in the allocation the input ``elsewhere`` holds
    shown: Callable[[Any, str], str] | None = None  # how the value is printed, when not as its type writes it
    derived: bool = False  # worked out from other values (a table's total): read, never written back


@dataclass
class _Proposal:
    target: _Target
    texts: dict[str, str] = field(default_factory=dict)  # language -> the returned text where the value was
    units: set[tuple] = field(default_factory=set)  # the units it explains


@dataclass(frozen=True)
class _Unit:
    """Something the merge compares: a clause use (``("clause", part, index)``, a text per language) or a line
    around the clauses (``("frame", region, line)``: the title or signature block, both languages in one)."""

    key: tuple
    old: Mapping[str, str]
    new: Mapping[str, str]


class _SourceIndex:
    """Offsets of lines in the source, and its syntax nodes by span."""

    def __init__(self, source: s.SourceFile):
        self.text = source.text
        self.starts = s.line_starts(self.text)
        self.uses: dict[s.Span, s.Use] = {}
        self.articles: dict[s.Span, s.ArticleDef] = {}
        self.parties: dict[str, s.PartyDef] = {}
        self.witnesses: dict[str, s.WitnessDef] = {}
        self.header: s.AgreementDef | None = None
        for decl in source.declarations:
            if isinstance(decl, s.PartyDef):
                self.parties[decl.key] = decl
            elif isinstance(decl, s.WitnessDef):
                self.witnesses[decl.key] = decl
            elif isinstance(decl, s.AgreementDef):
                self.header = decl
            elif isinstance(decl, s.ArticleDef):
                self.articles[decl.span] = decl
                self.uses.update((item.span, item) for item in decl.items if isinstance(item, s.Use))

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def range(self, span: s.Span) -> tuple[int, int]:
        return self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)

    def indent(self, span: s.Span) -> str:
        start = self.starts[span.line - 1]
        line = self.text[start:self.offset(span.line, span.column)]
        return line if not line.strip() else " " * len(line)


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    data: bool = False  # an edit of the data file, not of the source


def _apply(text: str, edits: Iterable[_Edit]) -> str:
    out, last = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < last:
            continue  # overlaps an edit already made (an article deleted around a clause edited)
        out.append(text[last:edit.start])
        out.append(edit.text)
        last = edit.end
    out.append(text[last:])
    return "".join(out)


# ---- writing values as the source writes them ---------------------------------------------------------------


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_literal(text: Text, langs: Sequence[str]) -> str:
    values = [text.get(lang) for lang in langs]
    if len(set(values)) == 1 or len(langs) == 1:
        return _quoted(values[0])
    return " / ".join(_quoted(text.get(lang)) for lang in ("id", "en"))


def literal(type_: ValueType, value: Any, langs: Sequence[str]) -> str:
    """``value`` as a ``.pkm`` file writes it: ``Rp850.000.000``, ``70%``, ``2027-01-01``, ``"id" / "en"``."""
    if isinstance(value, Text):
        return _text_literal(value, langs)
    if isinstance(type_, ListType):
        return ", ".join(literal(type_.item, item, langs) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if type_.kind == "quantity":  # 1250,5: plain() groups thousands and names the unit, which a number may not
        return f"{Decimal(value).normalize():f}".replace(".", ",")
    plain = type_.plain(value)  # 70%, 2027-01-01, 3 years, a choice's or a party's name, a whole number
    if type_.kind == "money":  # Rp950.000.000,00, written as users write it
        return plain[:-3] if plain.endswith(",00") else plain
    return plain


# ---- reading a value back from the words that print it -------------------------------------------------------


def _months(lang: str) -> dict[str, int]:
    return {locale.format_date(datetime.date(2001, m, 1), lang).split()[1].lower(): m for m in range(1, 13)}


def _number(text: str, lang: str) -> Decimal | None:
    thousands, decimal = (".", ",") if lang == "id" else (",", ".")
    try:
        return Decimal(text.replace(thousands, "").replace(decimal, "."))
    except InvalidOperation:
        return None


def read_back(type_: ValueType, shown: str, lang: str, env: Env, parties: Sequence[Party],
              show: Callable[[Any, str], str] | None = None) -> list[Any]:
    """The values of ``type_`` that might print as ``shown`` in ``lang`` (confirmed by printing them, with
    ``show`` when the value is printed otherwise than its type writes it: a table's amounts are figures only)."""
    show = show or (lambda value, lang: type_.format(value, lang, env))
    found: list[Any] = []
    kind = type_.kind
    if kind == "money":
        pattern = r"Rp ?([0-9][0-9.]*(?:,[0-9]{2})?)" if lang == "id" else r"IDR ?([0-9][0-9,]*(?:\.[0-9]{2})?)"
        found = [n for m in re.finditer(pattern, shown) if (n := _number(m.group(1), lang)) is not None]
    elif kind in ("percent", "integer", "quantity"):
        found = [n for m in re.finditer(r"[0-9][0-9.,]*", shown) if (n := _number(m.group(0), lang)) is not None]
        if kind == "integer":
            found = [int(n) for n in found if n == n.to_integral_value()]
    elif kind == "duration":
        match = re.search(r"[0-9]+", shown)
        if match:
            found = [DurationValue(int(match.group(0)), unit) for unit in ("years", "months")]
    elif kind == "date":
        match = re.search(r"([0-9]{1,2}) (\w+) ([0-9]{4})", shown)
        month = _months(lang).get(match.group(2).lower()) if match else None
        if match and month:
            try:
                found = [datetime.date(int(match.group(3)), month, int(match.group(1)))]
            except ValueError:
                found = []
    elif isinstance(type_, ChoiceType):
        found = [ChoiceValue(name, label) for name, label in zip(type_.choices, type_.labels)]
    elif isinstance(type_, PartyType):
        found = [party.key for party in parties]
    elif kind == "boolean":
        found = [True, False]
    out = []
    for value in found:
        try:
            if show(value, lang) == shown:
                out.append(value)
        except (ValueProblem, ArithmeticError, KeyError, TypeError, ValueError):
            continue
    return out


# ---- explaining a changed text by the values printed in it ---------------------------------------------------


def explain(old: str, new: str, holes: Sequence[str]) -> dict[str, str] | None:
    """What each of ``holes`` (texts printed in ``old``) reads in ``new``, when ``new`` is ``old`` with only
    those texts changed (each everywhere it stands); None when other words changed too. A hole that no
    changed character touches is taken as unchanged, so that two values side by side ("dr. A, M.Kes., Kepala
    Dinas") are not read apart at the wrong comma."""
    spans: list[tuple[int, int, int]] = []  # start, end, hole
    taken = [False] * len(old)
    for index in sorted(range(len(holes)), key=lambda i: -len(holes[i])):
        hole = holes[index]
        if not hole:
            continue
        for match in re.finditer(re.escape(hole), old):
            if not any(taken[match.start():match.end()]):
                spans.append((match.start(), match.end(), index))
                taken[match.start():match.end()] = [True] * (match.end() - match.start())
    regions = [(i1, i2) for tag, i1, i2, _, _ in
               difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if tag != "equal"]
    # a change beside a value counts as the value's: difflib may put " Timur" after the space that follows
    # "Lombok" ("Lombok Timur " inserted one character past its end)
    touched = {index for start, end, index in spans if any(i1 <= end + 1 and i2 >= start - 1 for i1, i2 in regions)}
    spans = [span for span in spans if span[2] in touched]
    if not spans or len(spans) > _MAX_HOLES:
        return None
    spans.sort()
    pattern, last, seen = [], 0, set()
    for start, end, index in spans:
        pattern.append(re.escape(old[last:start]))
        pattern.append(f"(?P=h{index})" if index in seen else f"(?P<h{index}>.+?)")
        seen.add(index)
        last = end
    pattern.append(re.escape(old[last:]))
    try:
        read = re.fullmatch("".join(pattern), new, re.DOTALL)
    except re.error:
        return None
    if read is None:
        return None
    return {holes[i]: read.group(f"h{i}") for i in seen}


# ---- the merge ------------------------------------------------------------------------------------------------


class _Merger:
    def __init__(self, draft: Path, returned: Path, library: Library, data: Path | None = None):
        self.draft_path, self.returned_path, self.library, self.data = draft, returned, library, data
        self.text = read_source(draft)
        self.index = _SourceIndex(parse(self.text, str(draft)))
        self.agreement = compile_agreement(draft, library=library, data=data).agreement
        self.langs = self.agreement.languages
        self.returned = read_docx_draft(returned, library, self.agreement)
        if not any(part.clauses for part in self.returned.parts):
            raise UsageError(f"cannot merge {returned}: it was not built by pkm-docs (no clause of {draft.name} "
                             "is in it)", f"merge a DOCX that `pkm build {draft.name}` wrote, edited or not")
        number = self.returned.details.get("number", {}).get(ANY_LANGUAGE)
        recorded = self.returned.details.get("title", {})
        titles = set(recorded.values())
        if number and number != self.agreement.number and titles and \
                titles.isdisjoint(self.agreement.title.get(lang) for lang in self.langs):
            # the number and title the build recorded in the file's properties (an edit of the text leaves them)
            title = next(iter(recorded.values()))
            raise UsageError(f"cannot merge {returned}: it was built from another agreement (number {number}, "
                             f"\"{title}\"), not from {draft.name} (number {self.agreement.number})",
                             f"merge the DOCX that `pkm build {draft.name}` wrote, edited or not")
        if set(self.returned.languages) != set(self.langs):
            raise UsageError(f"cannot merge {returned}: it holds {', '.join(self.returned.languages) or 'no'} "
                             f"text, the agreement is in {', '.join(self.langs)}",
                             "merge the DOCX of a parallel or sequential build (every language in one file)")
        self.env = Env({}, {p.key: p.alias for p in self.agreement.parties})
        self.data_text = read_source(data) if data is not None else None
        self.data_nodes, self.data_values = _data_file(self.data_text) if self.data_text is not None else ({}, {})
        self.authors = comment_text(_authors(returned))
        self.returned_name = comment_text(returned.name)

    # -- pairing the returned DOCX with the source's clause uses

    def pairs(self, draft: Draft) -> tuple[list[tuple[int, int, DraftClause]], list[int]]:
        """(part, clause, the returned clause) for each clause use of ``draft`` the returned DOCX holds, and
        the parts it no longer holds."""
        old_parts, new_parts = draft.parts, self.returned.parts
        matched = match_parts(old_parts, new_parts)
        out: list[tuple[int, int, DraftClause]] = []
        kept: set[int] = set()
        for i, j in matched:
            kept.add(i)
            old_keys = [c.clause_id for c in old_parts[i].clauses]
            new_keys = [c.clause_id for c in new_parts[j].clauses]
            matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
            for tag, a0, a1, b0, _ in matcher.get_opcodes():
                if tag == "equal":
                    out.extend((i, k, new_parts[j].clauses[b0 + k - a0]) for k in range(a0, a1))
                elif tag == "replace" and a1 - a0 == 1 and old_keys[a0] == ADHOC:
                    out.append((i, a0, new_parts[j].clauses[b0]))
        removed = [i for i in range(len(old_parts)) if i not in kept and old_parts[i].kind == "article"]
        return out, removed

    def differs(self, old: DraftClause, new: DraftClause) -> bool:
        return any(_flat(old, lang) != _flat(new, lang) for lang in self.langs)

    # -- what each clause use prints, and where the source wrote it

    def targets(self, part: int, clause: int) -> dict[str, list[tuple[_Target, str]]]:
        """Language -> (target, the text that prints its value) for the values a clause use prints."""
        article = self.agreement.every_part()[part]
        use = article.clauses[clause]
        where = _where(article.kind, article.number, self.langs[0])
        syntax_use = self.index.uses.get(use.span) if use.span is not None else None
        out: dict[str, list[tuple[_Target, str]]] = {lang: [] for lang in self.langs}
        targets: list[_Target] = []
        for name, value in use.values.items():
            if value.value is not None:
                targets.extend(self._value_targets(f"`{name}` of {use.clause_id} ({where})", value.type,
                                                   value.value, _argument(syntax_use, name), syntax_use, name))
        for target in [*targets, *self._party_targets()]:
            for lang in self.langs:
                try:
                    out[lang].append((target, self._printed(target, target.value, lang)))
                except (ValueProblem, ArithmeticError, KeyError, TypeError, ValueError):
                    continue
        return out

    def _value_targets(self, label: str, type_: ValueType, value: Any, node: s.Value | None, use: s.Use | None,
                       name: str) -> Iterable[_Target]:
        if isinstance(type_, ListType) and isinstance(value, tuple):
            items = node.items if isinstance(node, s.ListValue) else (node,) if node is not None else ()
            for index, item in enumerate(value):
                item_node = items[index] if index < len(items) else None
                if item_node is not None:
                    yield _Target(f"{label}, item {index + 1}", type_.item, item, item_node)
            return
        if isinstance(type_, TableType) and isinstance(value, tuple):
            rows = node.items if isinstance(node, s.ListValue) else (node,) if node is not None else ()
            for number, (row, item) in enumerate(zip(value, rows), start=1):
                cells = {key.name: cell for key, cell in item.entries if isinstance(key, s.Name)} \
                    if isinstance(item, s.Mapping) else {}
                for column, cell_value in zip(type_.columns, row):
                    cell = cells.get(column.name)
                    if cell is None or isinstance(cell, (s.Mapping, s.ListValue)) or (
                            isinstance(cell, s.Name) and not isinstance(column.type, (ChoiceType, PartyType))):
                        continue
                    yield _Target(f"{label}, row {number} `{column.name}`", column.type, cell_value, cell,
                                  shown=_FIGURES if isinstance(column.type, MoneyType) else None)
            money = type_.money_column()
            if money is not None and value:  # the total row: worked out from the lines, never written
                yield _Target(f"{label}, total", type_.columns[money].type, type_.total(value), None,
                              shown=_FIGURES, derived=True)
            return
        if isinstance(value, Allocation) and isinstance(node, s.Name):
            # an input's allocation, written in the data file: each share written there (not `rest`) is a value
            of, written = getattr(type_, "of", None), self.data_values.get(node.name)
            if of is None or not isinstance(written, dict):
                return
            for recipient, amount in value.shares:
                raw = written.get(recipient.key)
                if raw is not None and not (isinstance(raw, str) and raw.strip().lower() == "rest"):
                    yield _Target(f"{label}, {recipient.key}", of, amount, None, None, name, elsewhere=node.name,
                                  share=recipient.key)
            return
        if isinstance(value, Allocation):
            entries = node.entries if isinstance(node, s.Mapping) else ()
            of = getattr(type_, "of", None)
            for (recipient, amount), entry in zip(value.shares, entries):
                if of is not None and not isinstance(entry[1], s.Name):  # `rest` is worked out, not written
                    yield _Target(f"{label}, {recipient.key}", of, amount, entry[1])
            return
        if isinstance(type_, ListType) or isinstance(node, (s.Mapping, s.ListValue)):
            return
        if isinstance(node, s.Name) and not isinstance(type_, (ChoiceType, PartyType)) and type_.kind != "boolean":
            # an input's name: its value is written in the data file
            yield _Target(label, type_, value, None, None, name, elsewhere=node.name)
            return
        yield _Target(label, type_, value, node, use, name)

    # -- proposals, and the next source

    def frame_units(self, base: Draft) -> tuple[list[_Unit], set[str]]:
        """The lines around the clauses the returned DOCX changed, and the lines it left as built."""
        old_frame, new_frame = base.frame or {}, self.returned.frame or {}
        units, kept = [], set()
        for region in dict.fromkeys([*old_frame, *new_frame]):
            before, after = old_frame.get(region, ()), new_frame.get(region, ())
            for i, j in align(before, after, lambda t: t, similarity, PARAGRAPH_THRESHOLD):
                if i is not None and j is not None:
                    if before[i] == after[j]:
                        kept.add(after[j])
                    else:
                        units.append(_Unit(("frame", region, i), {"": before[i]}, {"": after[j]}))
        return units, kept

    def _party_targets(self) -> list[_Target]:
        return [_field_target(f"`{name}` of the party `{party.key}`", getattr(party, name),
                              self.index.parties.get(party.key), name)
                for party in self.agreement.parties for name in PARTY_FIELDS]

    def frame_targets(self) -> list[tuple[_Target, str, str]]:
        """What the lines around the clauses print: the parties' and witnesses' fields, title, number, place."""
        targets = self._party_targets()
        targets += [_field_target(f"`{name}` of the witness `{witness.key}`", getattr(witness, name),
                                  self.index.witnesses.get(witness.key), name)
                    for witness in self.agreement.witnesses for name in ("name", "position")]
        targets += [_field_target(f"`{name}` of the agreement", value, self.index.header, name)
                    for name, value in (("title", self.agreement.title), ("number", self.agreement.number),
                                        ("signed_at", self.agreement.signing_place))]
        return [(target, lang, self._printed(target, target.value, lang)) for target in targets for lang in self.langs]

    def propose(self, units: Sequence[_Unit]) -> dict[int, _Proposal]:
        proposals: dict[int, _Proposal] = {}
        frame = self.frame_targets()
        for unit in units:
            if unit.key[0] == "clause":
                by_lang = self.targets(unit.key[1], unit.key[2])
                targets = [(target, lang, shown) for lang in self.langs for target, shown in by_lang[lang]]
            else:
                targets = frame
            found: list[tuple[_Target, str, str]] = []
            for key, before in unit.old.items():
                after = unit.new.get(key, "")
                if before == after:
                    continue
                here = [(target, lang, shown) for target, lang, shown in targets
                        if (key == "" or lang == key) and shown and shown in before]
                read = explain(before, after, list(dict.fromkeys(shown for _, _, shown in here)))
                if read is None:
                    found = []
                    break
                found.extend((target, lang, read[shown]) for target, lang, shown in here
                             if shown in read and read[shown] != shown)
            for target, lang, text in found:
                proposal = proposals.setdefault(id(target.node) if target.node is not None else id(target),
                                                _Proposal(target))
                before_text = proposal.texts.get(lang)
                proposal.texts[lang] = text if before_text is None or before_text == text else _CONFLICT
                proposal.units.add(unit.key)
        return proposals

    def value_edits(self, proposals: Mapping[int, _Proposal]) -> tuple[list[_Edit], list[str]]:
        """The edits of the source (and of the data file: ``_Edit.data``) that write each new value."""
        edits, lines = [], []
        shares: dict[str, dict[str, Any]] = {}  # an input's allocation: its new amounts by recipient
        for proposal in proposals.values():
            target = proposal.target
            new = self._new_value(target, proposal.texts)
            if new is None:
                continue
            old_literal = self._literal(target, target.value)
            new_literal = self._literal(target, new)
            if new_literal == old_literal:
                continue
            if target.derived:
                continue  # follows from the values it is worked out from, which the merge writes
            if target.elsewhere is not None:
                where = f" (the input `{target.elsewhere}` in {self.data.name})" if self.data is not None else ""
                if target.share is not None:  # written below, with the allocation's other shares
                    shares.setdefault(target.elsewhere, {})[target.share] = _data_value(target.type, new)
                    lines.append(f"{target.label}{where}: {old_literal} -> {new_literal}")
                    continue
                edit = self._data_edit(target, new)
            else:
                edit, where = self._edit(target, new_literal), ""
            if edit is None:
                continue
            edits.append(edit)
            lines.append(f"{target.label}{where}: {old_literal} -> {new_literal}")
        for name, amounts in shares.items():  # one edit per allocation, however many of its shares changed
            span, written = self.data_nodes.get(name), self.data_values.get(name)
            if span is not None and isinstance(written, dict):
                edits.append(_Edit(span[0], span[1], json.dumps({**written, **amounts}, ensure_ascii=False,
                                                                default=str), data=True))
        return edits, list(dict.fromkeys(lines))

    def _data_edit(self, target: _Target, value: Any) -> _Edit | None:
        """The data file's value of ``target``'s input, written anew (JSON, which YAML reads too)."""
        span = self.data_nodes.get(target.elsewhere or "")
        if span is None:
            return None
        written = _data_value(target.type, value)
        return _Edit(span[0], span[1], json.dumps(written, ensure_ascii=False), data=True)

    def data_changes(self, proposals: Mapping[int, _Proposal]) -> tuple[set[tuple], list[str]]:
        """The units explained by new values of inputs (written in the data file), and a line for each."""
        units, lines = set(), []
        where = self.data.name if self.data is not None else "the data file"
        for proposal in proposals.values():
            target = proposal.target
            new = self._new_value(target, proposal.texts) if target.elsewhere is not None else None
            if new is None:
                continue
            units |= proposal.units
            lines.append(f"{target.label}: the input `{target.elsewhere}` in {where}: "
                         f"{self._literal(target, target.value)} -> {self._literal(target, new)}")
        return units, list(dict.fromkeys(lines))

    def _new_value(self, target: _Target, texts: Mapping[str, str]) -> Any:
        if _CONFLICT in texts.values():
            return None
        if target.type is None or target.type.kind == "text":
            if not target.bilingual:
                written = set(texts.values())
                return written.pop() if len(written) == 1 else None
            old = target.value if isinstance(target.value, Text) else Text.same(str(target.value), self.langs)
            return Text({lang: texts.get(lang, old.get(lang)) for lang in self.langs})
        found: list[Any] | None = None
        for lang, text in texts.items():
            values = read_back(target.type, text, lang, self.env, self.agreement.parties, target.shown)
            found = values if found is None else [v for v in found if v in values]
        if not found:
            return None
        value = found[0]
        for lang in self.langs:  # a language the returned DOCX left alone must still read the same
            if lang not in texts and self._printed(target, value, lang) != self._printed(target, target.value, lang):
                return None
        return value

    def _printed(self, target: _Target, value: Any, lang: str) -> str:
        """How ``value`` of ``target`` is printed in ``lang``: as its type writes it, or as ``shown`` says (a
        table's amount in figures); a field's text as it is (``acts_for`` that is not given prints nothing)."""
        if target.type is None:
            return value.get(lang) if isinstance(value, Text) else "" if value is None else str(value)
        return target.shown(value, lang) if target.shown else target.type.format(value, lang, self.env)

    def _literal(self, target: _Target, value: Any) -> str:
        if target.type is None:
            return _text_literal(value, self.langs) if isinstance(value, Text) else _quoted(str(value))
        return literal(target.type, value, self.langs)

    def _edit(self, target: _Target, text: str) -> _Edit | None:
        if target.node is not None:
            if target.node.span.file != self.index_file:
                return None
            start, end = self.index.range(target.node.span)
            return _Edit(start, end, text)
        use = target.use
        if use is None:
            return None
        if use.args:
            end = self.index.range(use.args[-1].span)[1]
            indent = self.index.indent(use.args[-1].span)
            return _Edit(end, end, f"\n{indent}{target.name}: {text}")
        end = self.index.range(use.span)[1]
        return _Edit(end, end, f" {{ {target.name}: {text} }}")

    @property
    def index_file(self) -> str:
        return str(self.draft_path)

    def adhoc_edit(self, part: int, clause: int, returned: DraftClause) -> tuple[list[_Edit], str] | str:
        """The edit that puts the returned text in place of a clause use, and a line for the report; or why it
        cannot be written into the source."""
        article = self.agreement.every_part()[part]
        use = article.clauses[clause]
        where = _where(article.kind, article.number, self.langs[0])
        what = f"{where} ({use.clause_id if use.vetted else 'ad-hoc text'})"
        if use.span is None or use.span.file != self.index_file:
            return f"{what}: the source of this clause is not in {self.draft_path.name}"
        if any(p.table is not None for p in use.paragraphs):
            return f"{what}: its table changed in a way no new values explain; a table is not turned into text"
        body = {lang: _body(returned, lang) for lang in self.langs}
        for lang, text in body.items():
            problem = unsafe_character(text)
            if problem:
                return f"{what}: the returned {lang} text {problem}; it is not written into the source"
            if TRIPLE in text:
                return f"{what}: the returned {lang} text holds three quotation marks, which end a text block"
        start, end = self.index.range(use.span)
        prefix = self.text[self.index.starts[use.span.line - 1]:start]
        indent, lead = prefix, ""
        if prefix.strip():  # the clause shares its line (`article { use ... }`): the text goes below it
            indent = " " * (len(prefix) - len(prefix.lstrip()) + 2)
            lead = "\n" + indent
            while start > 0 and self.text[start - 1] == " ":
                start -= 1
        authors = self.authors_of(use, article.number)
        head = []
        if use.vetted:
            head.append(f"# pkm merge: the text of {self.returned_name} in place of {use.clause_id} "
                        f"{use.version}, changed by {authors}; it is not the vetted text")
        else:
            head.append(f"# pkm merge: the text of {self.returned_name}, changed by {authors}")
        fields = ""
        if use.section:
            fields += f" section: {use.section}"
        replaced = use.replaces or (f"{use.clause_id}@{use.version}" if use.vetted else None)
        if replaced:
            fields += f" replaces: {replaced}"
        lines = [lead + head[0], f"{indent}text{fields} {{"]
        for lang in self.langs:
            lines.append(f'{indent}  {lang}: """')
            lines.extend(f"{indent}    {line}" if line else "" for line in body[lang].split("\n"))
            lines.append(f'{indent}    """')
        lines.append(f"{indent}}}" + ("\n" if lead else ""))
        edits = [_Edit(start, end, "\n".join(lines))]
        decl = self._article_decl(article.span)
        if use.vetted and decl is not None and decl.kind in ("article", "annex") and decl.title is None \
                and clause == 0:
            title = _text_literal(article.title, self.langs)  # the clause's title named the article
            brace = self.text.index("{", self.index.range(decl.key.span)[1] if decl.key else
                                    self.index.range(decl.span)[0] + len(decl.kind))
            edits.append(_Edit(brace, brace, f"{title} "))
        what = f"{use.clause_id} {use.version}" if use.vetted else "its ad-hoc text"
        return edits, f"{where}: {what} is now ad-hoc text (changed by {authors})"

    def _article_decl(self, span: s.Span | None) -> s.ArticleDef | None:
        return self.index.articles.get(span) if span is not None else None

    def authors_of(self, use: ClauseUse, number: int | None) -> str:
        tracked = self.returned.tracked.changes if self.returned.tracked is not None else ()
        found = [c for c in tracked if c.clause_id == (use.clause_id if use.vetted else ADHOC) and c.article == number]
        if found:
            names = dict.fromkeys(f"{c.author} ({c.day})" if c.day else c.author for c in found)
            return comment_text(", ".join(names)) + " (tracked changes)"
        return self.authors

    def removal(self, part: int) -> tuple[_Edit, str] | None:
        article = self.agreement.every_part()[part]
        if article.span is None or article.span.file != self.index_file:
            return None
        start, end = self.index.range(article.span)
        while end < len(self.text) and self.text[end] == "\n" and end + 1 < len(self.text) and \
                self.text[end + 1] == "\n":
            end += 1
        clauses = ", ".join(c.clause_id for c in article.clauses)
        return _Edit(start, end, ""), f"{_where(article.kind, article.number, self.langs[0])} ({clauses}) deleted"

    # -- one round: build the source, compare it with the returned DOCX

    def edited(self, edits: Sequence[_Edit]) -> tuple[str, str | None]:
        """The source and the data file with ``edits`` made."""
        data = _apply(self.data_text, [e for e in edits if e.data]) if self.data_text is not None else None
        return _apply(self.text, [e for e in edits if not e.data]), data

    def compile(self, edits: Sequence[_Edit], where: Path) -> Draft:
        """The draft the source (and data file) with ``edits`` builds."""
        text, data_text = self.edited(edits)
        data = None
        where.write_text(text, encoding="utf-8")
        if data_text is not None and self.data is not None:
            data = where.with_name(where.name + self.data.suffix)
            data.write_text(data_text, encoding="utf-8")
        try:
            agreement = compile_agreement(where, library=self.library, data=data).agreement
        finally:
            where.unlink(missing_ok=True)
            if data is not None:
                data.unlink(missing_ok=True)
        return with_reference(from_agreement(agreement, self.library, str(self.draft_path)), self.returned)

    def run(self, scratch: Path) -> Merged:
        base = with_reference(from_agreement(self.agreement, self.library, str(self.draft_path)), self.returned)
        pairs, removed = self.pairs(base)
        changed = [(i, k, new) for i, k, new in pairs if self.differs(base.parts[i].clauses[k], new)]
        units = [_Unit(("clause", i, k), {lang: _flat(base.parts[i].clauses[k], lang) for lang in self.langs},
                       {lang: _flat(new, lang) for lang in self.langs}) for i, k, new in changed]
        frame_units, kept_lines = self.frame_units(base)
        proposals = self.propose([*units, *frame_units])
        if self.data_text is None:  # inputs without a data file to write them in: listed only
            in_data, data_lines = self.data_changes(proposals)
            proposals = {key: p for key, p in proposals.items() if p.target.elsewhere is None}
        else:
            in_data, data_lines = set(), []
        unchanged = {(i, k) for i, k, _ in pairs} - {(i, k) for i, k, _ in changed}
        keep, explained = dict(proposals), set()
        edits, value_lines = self.value_edits(keep)
        for _ in range(3):  # try the new values; drop those that do not give the returned text
            if not edits:
                break
            trial = self.compile(edits, scratch)
            wrong = {("clause", i, k) for i, k, new in pairs if self.differs(trial.parts[i].clauses[k], new)}
            lines = {line for region in (trial.frame or {}).values() for line in region}
            wrong |= {unit.key for unit in frame_units if unit.new[""] not in lines}
            spoiled = [_flat(base.parts[i].clauses[k], lang) for _, i, k in
                       {("clause", i, k) for i, k in unchanged} & wrong for lang in self.langs]
            spoiled += [line for line in kept_lines if line not in lines]
            drop = {key for key, p in keep.items() if p.units & wrong or
                    any(self._prints(p.target, text) for text in spoiled)}
            if not drop:
                explained = {c for p in keep.values() for c in p.units}
                break
            keep = {key: p for key, p in keep.items() if key not in drop}
            edits, value_lines = self.value_edits(keep)
        else:
            edits, value_lines = [], []
        adhoc_edits: list[_Edit] = []
        replaced: list[str] = []
        refused: list[str] = []
        relabel: dict[int, DraftClause] = {}
        for i, k, new in changed:
            if ("clause", i, k) in explained or ("clause", i, k) in in_data:
                continue
            made = self.adhoc_edit(i, k, new)
            if isinstance(made, str):
                refused.append(made)
            else:
                adhoc_edits.extend(made[0])
                replaced.append(made[1])
                relabel[id(new)] = new
        removals = [r for r in (self.removal(i) for i in removed) if r is not None]
        placed = place_outside(self, base, pairs)
        every = [*edits, *adhoc_edits, *(r[0] for r in removals), *placed.edits]
        # the text typed in one language only is written as typed; NEXT is checked without it (it does not build)
        text, data_text = self.edited([*every, *placed.pending])
        final = self.compile(every, scratch)
        parts = self.returned.parts
        if placed.edits or placed.pending:
            from ..renderers.docx import _label

            every_part = self.agreement.every_part()
            uses = {id(new): every_part[i].clauses[k] for i, k, new in pairs if (i, k) in unchanged}
            labels = {lang: _label(self.agreement, "article", lang) for lang in self.langs}
            parts = renumbered_references(placed.parts, uses, labels, placed.renumbered)
        kept = [(o, at) for index, (o, at) in enumerate(zip(self.returned.outside, self.returned.outside_at))
                if index not in placed.consumed]
        expected = dataclasses.replace(self.returned, parts=parts, outside=tuple(o for o, _ in kept),
                                       outside_at=tuple(at for _, at in kept))
        diff = diff_drafts(final, _as_adhoc(expected, relabel))
        left = ""
        if not diff.same:
            from .formats import render
            left = render(diff, "text", diff.languages, color=False)
        method = "text matching (the DOCX lost its clause marks)" if self.returned.findings and any(
            "matched" in f for f in self.returned.findings) else "clause marks"
        return Merged(text, tuple(value_lines), tuple(replaced), tuple(r[1] for r in removals), left, method,
                      tuple(data_lines), data_text if data_text != self.data_text else None,
                      (*refused, *placed.refused), tuple(placed.lines), tuple(placed.missing), self.comments())

    def comments(self) -> tuple[str, ...]:
        """The returned DOCX's comments, each as a line: no text of the agreement, so not merged."""
        from ..renderers.docx_read import UnreadableDocx, read_comments

        try:
            found = read_comments(self.returned_path)
        except UnreadableDocx:
            return ()
        return tuple(f"{author or 'someone'}{f' ({day})' if day else ''}: «{' '.join(text.split())}»"
                     for author, day, text in found if text.strip())

    def _prints(self, target: _Target, text: str) -> bool:
        """Is ``target``'s value printed in ``text`` (so that changing the value changes it)?"""
        try:
            shown = [self._printed(target, target.value, lang) for lang in self.langs]
        except (ValueProblem, ArithmeticError, KeyError, TypeError, ValueError):
            return True
        return any(value and value in text for value in shown)


# ---- helpers --------------------------------------------------------------------------------------------------


def _data_file(text: str) -> tuple[dict[str, tuple[int, int]], dict[str, Any]]:
    """Where each top-level value of a data file stands (offsets of its first and past its last character), and
    the values as YAML reads them (an allocation's mapping, to write one share anew), from one reading."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError:
            return {}, {}
        if not isinstance(root, yaml.MappingNode):
            return {}, {}
        spans = {key.value: (value.start_mark.index, value.end_mark.index) for key, value in root.value
                 if isinstance(key, yaml.ScalarNode)}
        try:
            values = loader.construct_document(root)
        except (yaml.YAMLError, ValueError):  # the spans still serve; only an allocation's shares need the values
            values = {}
    finally:
        loader.dispose()
    return spans, values if isinstance(values, dict) else {}


def _data_value(type_: ValueType | None, value: Any) -> Any:
    """``value`` as a data file gives it (what ``ValueType.read_data`` reads)."""
    if isinstance(value, Text):
        texts = value.to_data()
        return next(iter(texts.values())) if len(set(texts.values())) == 1 else texts
    if type_ is None:
        return str(value)
    if isinstance(type_, ListType):
        return [_data_value(type_.item, item) for item in value]
    if isinstance(value, (bool, int)) and not isinstance(value, Decimal):
        return value
    if type_.kind == "quantity":
        return literal(type_, value, ("id",))
    return type_.plain(value)


def _as_adhoc(draft: Draft, clauses: Mapping[int, DraftClause]) -> Draft:
    """``draft`` with ``clauses`` (by id) read as the ad-hoc texts the merge made of them (the same words, no
    longer the library clause), and its articles numbered as Word shows them."""
    parts, number = [], 0
    for part in draft.parts:
        if part.kind == "article":  # the number Word shows: its numbering is live, whatever the marks recorded
            number += 1
        parts.append(dataclasses.replace(part, number=number if part.kind == "article" else part.number,
                                         clauses=tuple(
            dataclasses.replace(c, clause_id=ADHOC, version=None, content_hash=None, status="ad-hoc", vetted=False,
                                library_hash=None, replaces=f"{c.clause_id}@{c.version}" if c.vetted else c.replaces)
            if id(c) in clauses else c for c in part.clauses)))
    return dataclasses.replace(draft, parts=tuple(parts))


def _flat(clause: DraftClause, lang: str) -> str:
    return "\n".join(p.text.get(lang, "") for p in clause.paragraphs)


def _body(clause: DraftClause, lang: str) -> str:
    """A returned clause's text as ad-hoc body markup: ``(1)`` paragraphs, ``a.`` items, braces doubled."""
    blocks = []
    for paragraph in clause.paragraphs:
        text = paragraph.text.get(lang, "").replace("{", "{{").replace("}", "}}")
        if paragraph.number is not None:
            text = f"({paragraph.number}) {text}"
        blocks.append(text)
    numbered = all(p.number is not None for p in clause.paragraphs)
    return ("\n" if numbered else "\n\n").join(blocks)


def _where(kind: str, number: int | None, lang: str) -> str:
    if kind == "annex" and number is not None:
        return f"Lampiran {roman(number)}" if lang == "id" else f"Annex {roman(number)}"
    if number is not None:
        return f"Pasal {number}" if lang == "id" else f"Article {number}"
    return {"preamble": "the opening", "closing": "the closing"}.get(kind, kind)


def _argument(use: s.Use | None, name: str) -> s.Value | None:
    if use is None:
        return None
    return next((arg.value for arg in use.args if arg.name == name), None)


def _field_target(label: str, value: Any, decl: s.PartyDef | s.WitnessDef | s.AgreementDef | None,
                  name: str) -> _Target:
    """A field of a party, a witness or the agreement, where its declaration writes it (a template's input
    there: its value is in the data file)."""
    node = next((f.value for f in decl.fields if f.name == name), None) if decl is not None else None
    if isinstance(node, s.Name):
        return _Target(label, None, value, None, bilingual=isinstance(value, Text), elsewhere=node.name)
    return _Target(label, None, value, node, bilingual=isinstance(value, Text))


def _authors(path: Path) -> str:
    """Who last saved the returned DOCX, as its properties say."""
    import docx

    try:
        core = docx.Document(io.BytesIO(path.read_bytes())).core_properties
    except Exception:
        return "the other side"
    name = (core.last_modified_by or core.author or "").strip()
    if name == "pkm-docs":  # as built: the program that edited it did not sign its name
        return "an editor the file does not name"
    return f"{name} ({core.modified.date().isoformat()})" if name and core.modified else name or "the other side"


def merge(returned: Path, draft: Path, library: Library, scratch: Path, data: Path | None = None) -> Merged:
    """The next draft: ``draft``'s source with ``returned``'s changes written into it (see the module)."""
    if not draft.is_file():
        raise UsageError(f"cannot read {draft}: no such file", "give the .pkm the returned DOCX was built from")
    return _Merger(draft, returned, library, data).run(scratch)
