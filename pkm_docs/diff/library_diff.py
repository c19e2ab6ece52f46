"""``pkm library diff ID@A ID@B``: two versions of a clause (or two clauses) compared the way drafts are:
details, parameter declarations, and the text of each paragraph word by word per language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..body import letters
from ..errors import UsageError, suggest
from ..library import ClauseVersion, Library, ParamSpec
from ..versions import matches, valid_constraint
from .changes import CHANGED, ClauseChange, DiffWarning, FieldChange, ParagraphChange, ParamChange
from .model_diff import TextComparer
from .snapshot import NO_VALUE, DraftParagraph, param_text
from .text_diff import normalize


@dataclass(frozen=True)
class ClauseVersionDiff:
    """What differs between two clause versions; ``same`` when their texts, titles and parameters agree."""

    old_ref: str
    new_ref: str
    languages: tuple[str, ...]
    details: tuple[FieldChange, ...]
    params: tuple[ParamChange, ...]
    paragraphs: tuple[ParagraphChange, ...]
    warnings: tuple[DiffWarning, ...]

    @property
    def same(self) -> bool:
        return not (self.params or self.paragraphs or any(d.field == "title" for d in self.details))

    def to_data(self, langs: Sequence[str] | None = None) -> dict[str, Any]:
        """``{"format": "pkm-library-diff", "version": 1, "old": "id@1.0.0", "new": "id@1.1.0", "same",
        "details": [FIELD], "parameters": [{"name", "old", "new"}], "paragraphs": [PARAGRAPH], "warnings"}``,
        with FIELD and PARAGRAPH as in ``changes``; a parameter is its declaration (``integer min 7``)."""
        langs = tuple(self.languages if langs is None else langs)
        return {
            "format": "pkm-library-diff",
            "version": 1,
            "old": self.old_ref,
            "new": self.new_ref,
            "same": self.same,
            "languages": list(langs),
            "details": [d.to_data() for d in self.details if d.lang is None or d.lang in langs],
            "parameters": [p.to_data() for p in self.params],
            "paragraphs": [p.to_data(langs) for p in self.paragraphs if p.in_languages(langs)],
            "warnings": [w.to_data() for w in self.warnings],
        }


def library_diff(library: Library, ref_a: str, ref_b: str) -> ClauseVersionDiff:
    """Compare ``ID@A`` with ``ID@B`` (``@B`` alone, or a bare version, means the same clause id)."""
    old = find_version(library, ref_a)
    if ref_b.startswith("@") or (ref_b[:1].isdigit() and "@" not in ref_b):
        ref_b = f"{old.clause_id}@{ref_b.lstrip('@')}"
    new = find_version(library, ref_b)
    langs = tuple(dict.fromkeys([*old.body, *new.body]))
    texts = TextComparer(langs)
    details = [
        *texts.fields({"title": dict(old.title.by_lang)}, {"title": dict(new.title.by_lang)}, new.ref),
        *texts.fields(_details(old), _details(new), new.ref),
    ]
    params = tuple(ParamChange(name, _declared(old.param(name)), _declared(new.param(name)))
                   for name in dict.fromkeys([p.name for p in new.params] + [p.name for p in old.params])
                   if _declared(old.param(name)) != _declared(new.param(name)))
    paragraphs = texts.paragraphs(_paragraphs(old, langs), _paragraphs(new, langs), new.ref)
    return ClauseVersionDiff(old.ref, new.ref, langs, tuple(details), params, paragraphs, tuple(texts.warnings))


def find_version(library: Library, ref: str) -> ClauseVersion:
    """The clause version ``ID@VERSION`` names (the highest matching one for ``ID@^2``, or for a bare ID)."""
    clause_id, _, constraint = ref.partition("@")
    versions = library.versions_of(clause_id)
    if not versions:
        raise UsageError(f"the library has no clause `{clause_id}`", suggest(clause_id, library.clauses))
    if constraint and not valid_constraint(constraint.lstrip("=")):
        raise UsageError(f"`@{constraint}` is not a version", "write ID@2.0.0 or ID@^2")
    chosen = [c for c in versions if not constraint or matches(constraint.lstrip("="), c.version)]
    if not chosen:
        raise UsageError(f"no version of `{clause_id}` matches `@{constraint}`",
                         "versions: " + ", ".join(c.version_text for c in versions))
    return max(chosen, key=lambda c: c.version)


def _details(clause: ClauseVersion) -> dict[str, dict[str, str]]:
    replaced = clause.replaced_by
    return {name: {"": value} for name, value in {
        "status": clause.status,
        "section": clause.section,
        "approved by": clause.approved_by or "",
        "approved on": clause.approved_on.isoformat() if clause.approved_on else "",
        "replaced by": f"{replaced.clause_id}@{replaced.constraint}" if replaced and replaced.constraint
        else replaced.clause_id if replaced else "",
    }.items()}


def _declared(param: ParamSpec | None) -> str:
    """A parameter declaration as a user reads it: ``integer min 7 max 90 default 30``."""
    if param is None:
        return NO_VALUE
    words = [param.type.describe()]
    for kind, value, written in param.written:
        words.append(kind)
        if kind == "means":
            words.append(written or "")
        elif written is not None:
            words.append(param_text(value, param.type) if value is not None else written)
    return " ".join(words)


def _paragraphs(clause: ClauseVersion, langs: Sequence[str]) -> list[DraftParagraph]:
    """The clause's paragraphs as written in the library (placeholders unfilled), items as lines."""
    count = max(len(clause.blocks.get(lang, ())) for lang in langs)
    out = []
    for index in range(count):
        text, number = {}, None
        for lang in langs:
            blocks = clause.blocks.get(lang, ())
            if index >= len(blocks):
                text[lang] = ""
                continue
            block = blocks[index]
            number = block.number if block.number is not None else number
            lines = [block.text] + [f"{mark}. {item}" for mark, item in zip(letters(len(block.items)), block.items)]
            text[lang] = normalize("\n".join(lines))
        out.append(DraftParagraph(number, text))
    return out



def as_clause_change(diff: ClauseVersionDiff) -> ClauseChange:
    """The comparison as one changed clause, the way a draft comparison lists it."""
    old_version = diff.old_ref.partition("@")[2]
    clause_id, _, new_version = diff.new_ref.partition("@")
    return ClauseChange(clause_id, CHANGED, old_version, new_version, params=diff.params, paragraphs=diff.paragraphs)
