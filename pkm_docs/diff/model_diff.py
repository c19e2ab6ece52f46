"""Comparing two drafts in legal terms: details, parties, articles matched by their clauses, clause versions,
parameters and texts word by word per language.

Articles are matched by the library clauses they hold (then by shared clauses, by sections, and last by
their text), never by their number: inserting one article is one addition, and the articles after it are
reported as moved (renumbered), not as changed.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

from ..library import Library
from ..model import Agreement, roman
from .changes import (ADDED, CHANGED, LANGUAGE_NAMES, MOVED, REMOVED, TRANSLATION_LEFT_BEHIND, AgreementDiff,
                      ArticleChange, ClauseChange, DiffWarning, FieldChange, ParagraphChange, ParamChange,
                      PartyChange, TextChange)
from .snapshot import ADHOC, ANY_LANGUAGE, NO_VALUE, Draft, DraftClause, DraftParagraph, DraftPart, from_agreement
from .text_diff import DELETE, INSERT, Segment, align, similarity, word_diff

#: How alike two texts must be (see ``text_diff.similarity``) to count as one text changed rather than one
#: removed and another added.
PARAGRAPH_THRESHOLD = 0.4
PART_THRESHOLD = 0.5

#: Above this many candidate pairs, leftover articles are not weighed by their text (keeps big diffs fast).
_SIMILARITY_BUDGET = 10_000


def diff_agreements(old: Agreement, new: Agreement, library: Library | None = None, *,
                    old_name: str = "old", new_name: str = "new") -> AgreementDiff:
    """Compare two resolved agreements; ``library`` gives parameters their types (``Rp...``, ``40%``)."""
    return diff_drafts(from_agreement(old, library, old_name), from_agreement(new, library, new_name))


def diff_drafts(old: Draft, new: Draft) -> AgreementDiff:
    """Compare two drafts (from ``.pkm`` sources or DOCX read back)."""
    return _Differ(old, new).run()


def part_label(kind: str, number: int | None) -> str:
    """``Article 5``, ``Annex II``, ``preamble``, ``closing``."""
    if kind == "annex" and number is not None:
        return f"Annex {roman(number)}"
    return f"Article {number}" if number is not None else kind


@dataclass
class _Slot:
    """One article's entry while the comparison runs."""

    change: str
    old: DraftPart | None
    new: DraftPart | None
    order: tuple[float, ...]
    clauses: list[ClauseChange | tuple[str, DraftClause]] = field(default_factory=list)
    title_changes: tuple[TextChange, ...] = ()
    moved: bool = False
    reordered: bool = False

    @property
    def label(self) -> str:
        part = self.new or self.old
        assert part is not None
        return part_label(part.kind, part.number)


class TextComparer:
    """Compares texts, details and paragraphs language by language, collecting a warning wherever a
    translated text changed in some languages only."""

    def __init__(self, langs: Sequence[str]):
        self.langs = tuple(langs)
        self.warnings: list[DiffWarning] = []

    def fields(self, old: Mapping[str, Mapping[str, str]], new: Mapping[str, Mapping[str, str]],
               where: str) -> list[FieldChange]:
        """Changed details (each a text by language, or ``ANY_LANGUAGE`` when written once)."""
        out: list[FieldChange] = []
        for name in dict.fromkeys([*old, *new]):
            o, n = old.get(name, {}), new.get(name, {})
            if o == n:
                continue
            if set(o) <= {ANY_LANGUAGE} and set(n) <= {ANY_LANGUAGE}:
                out.append(FieldChange(name, None, o.get(ANY_LANGUAGE, ""), n.get(ANY_LANGUAGE, "")))
                continue
            ov = {lang: o.get(lang, o.get(ANY_LANGUAGE, "")) for lang in self.langs}
            nv = {lang: n.get(lang, n.get(ANY_LANGUAGE, "")) for lang in self.langs}
            changed = [lang for lang in self.langs if ov[lang] != nv[lang]]
            if not changed:
                continue
            if len(changed) == len(self.langs) and len(set(ov.values())) == 1 and len(set(nv.values())) == 1:
                out.append(FieldChange(name, None, ov[changed[0]], nv[changed[0]]))
                continue
            out.extend(FieldChange(name, lang, ov[lang], nv[lang]) for lang in changed)
            self.left_behind(f"{where} {name}", changed, ov, nv)
        return out

    def left_behind(self, where: str, changed: Sequence[str], old: Mapping[str, str], new: Mapping[str, str]) -> None:
        """Warn when a translated text changed in some languages only."""
        unchanged = [lang for lang in self.langs if lang not in changed]
        if not changed or not unchanged:
            return
        if len(set(old.values())) < len(old) or len(set(new.values())) < len(new):
            return  # written once for every language (a name): nothing to translate
        names = lambda langs: " and ".join(LANGUAGE_NAMES.get(lang, lang) for lang in langs)  # noqa: E731
        self.warnings.append(DiffWarning(
            TRANSLATION_LEFT_BEHIND, where,
            f"{where}: the {names(changed)} text changed but the {names(unchanged)} did not "
            f"(translation left behind?)", changed[0], unchanged[0]))

    def whole_paragraph(self, kind: str, paragraph: DraftParagraph) -> ParagraphChange:
        """A paragraph added or removed as a whole."""
        removed = kind == REMOVED
        texts = tuple(TextChange(lang, text if removed else "", "" if removed else text,
                                 (Segment(DELETE if removed else INSERT, text),) if text else ())
                      for lang, text in paragraph.text.items())
        return ParagraphChange(kind, paragraph.number if removed else None, None if removed else paragraph.number,
                               texts)

    def paragraphs(self, old: Sequence[DraftParagraph], new: Sequence[DraftParagraph],
                   where: str) -> tuple[ParagraphChange, ...]:
        """Paragraphs paired in order (alike ones count as changed), each changed language word by word."""
        langs = self.langs

        def key(p: DraftParagraph) -> tuple[str, ...]:
            return tuple(p.text.get(lang, "") for lang in langs)

        def alike(a: DraftParagraph, b: DraftParagraph) -> float:
            return sum(similarity(a.text.get(lang, ""), b.text.get(lang, "")) for lang in langs) / len(langs)

        out: list[ParagraphChange] = []
        for i, j in align(old, new, key, alike, PARAGRAPH_THRESHOLD):
            if i is None:
                out.append(self.whole_paragraph(ADDED, new[j]))  # type: ignore[index]
            elif j is None:
                out.append(self.whole_paragraph(REMOVED, old[i]))
            else:
                o, n = old[i], new[j]
                number = n.number if n.number is not None else o.number
                label = f"{where} ({number})" if number is not None else where
                texts = self.texts(o.text, n.text, label)
                if texts:
                    out.append(ParagraphChange(CHANGED, o.number, n.number, texts))
        return tuple(out)

    def texts(self, old: Mapping[str, str], new: Mapping[str, str], where: str) -> tuple[TextChange, ...]:
        """The languages in which a text changed, word by word (and a warning if only some changed)."""
        ov = {lang: old.get(lang, "") for lang in self.langs}
        nv = {lang: new.get(lang, "") for lang in self.langs}
        changed = [lang for lang in self.langs if ov[lang] != nv[lang]]
        self.left_behind(where, changed, ov, nv)
        return tuple(TextChange(lang, ov[lang], nv[lang], word_diff(ov[lang], nv[lang])) for lang in changed)


class _Differ(TextComparer):
    """Compares two drafts: details, parties, then articles and their clauses."""

    def __init__(self, old: Draft, new: Draft):
        super().__init__(tuple(dict.fromkeys(old.languages + new.languages)))
        self.old = old
        self.new = new

    def run(self) -> AgreementDiff:
        known = set(self.old.details) & set(self.new.details)  # a DOCX knows fewer details than a .pkm
        details = self.fields({k: v for k, v in self.old.details.items() if k in known},
                              {k: v for k, v in self.new.details.items() if k in known}, "agreement")
        parties = self.parties()
        articles = self.articles()
        return AgreementDiff(self.old.name, self.new.name, self.langs, tuple(details), tuple(parties),
                             tuple(articles), tuple(self.warnings), self.outside(), self.document(),
                             self.new.tracked)

    def document(self) -> tuple[str, ...]:
        """What a reader of either DOCX sees beyond the clauses: the reader's findings, lines changed around
        the clauses (title and signature blocks, headers, footers) and list labels defined otherwise."""
        out: list[str] = []
        for draft in (self.old, self.new):
            prefix = f"{draft.name}: " if draft is self.old else ""
            out.extend(prefix + message for message in draft.findings)
        old_frame, new_frame = self.old.frame, self.new.frame
        if old_frame is not None and new_frame is not None:
            for region in dict.fromkeys([*old_frame, *new_frame]):
                before, after = old_frame.get(region, ()), new_frame.get(region, ())
                for i, j in align(before, after, lambda t: t, similarity, PARAGRAPH_THRESHOLD):
                    if i is None:
                        out.append(f"a line added in the {region}: «{_flat(after[j])}»")  # type: ignore[index]
                    elif j is None:
                        out.append(f"a line removed from the {region}: «{_flat(before[i])}»")
                    elif before[i] != after[j]:
                        out.append(f"a line changed in the {region}: «{_flat(before[i])}» → «{_flat(after[j])}»")
        old_labels, new_labels = self.old.labels, self.new.labels
        if old_labels is not None and new_labels is not None:
            written = {text for text, _ in old_labels.values()}
            for key, (text, count) in new_labels.items():
                paragraphs = f"{count} paragraph{'s' if count != 1 else ''}"
                if key in old_labels and old_labels[key][0] != text:
                    out.append(f"the list label `{old_labels[key][0]}` is defined as `{text}` "
                               f"(list `{key}`), shown on {paragraphs}")
                elif key not in old_labels and text not in written:
                    out.append(f"a list label `{text}` the build did not write (list `{key}`), shown on {paragraphs}")
        return tuple(dict.fromkeys(out))

    def outside(self) -> tuple[TextChange, ...]:
        """Text standing outside every clause (in a DOCX edited by hand), added, removed or changed."""
        old, new = self.old.outside, self.new.outside
        out = []
        for i, j in align(old, new, lambda t: t, similarity, PARAGRAPH_THRESHOLD):
            before = old[i] if i is not None else ""
            after = new[j] if j is not None else ""
            if before != after:
                out.append(TextChange("", before, after, word_diff(before, after)))
        return tuple(out)

    def parties(self) -> list[PartyChange]:
        if self.old.parties is None or self.new.parties is None:
            return []  # a DOCX does not say
        old, new = dict(self.old.parties), dict(self.new.parties)
        pairs = [(key, key) for key in new if key in old]
        left_old = [k for k in old if k not in new]
        left_new = [k for k in new if k not in old]
        for role in dict.fromkeys(_role(old[k]) for k in left_old):
            olds = [k for k in left_old if _role(old[k]) == role]
            news = [k for k in left_new if _role(new[k]) == role]
            for o, n in zip(olds, news):
                pairs.append((o, n))
                left_old.remove(o)
                left_new.remove(n)
        out: list[PartyChange] = []
        for o, n in pairs:
            fields = self.fields(old[o], new[n], f"party {n}")
            if o != n:
                fields.insert(0, FieldChange("key", None, o, n))
            if fields:
                out.append(PartyChange(n, CHANGED, _name(new[n]), tuple(fields)))
        out.extend(PartyChange(k, REMOVED, _name(old[k])) for k in left_old)
        out.extend(PartyChange(k, ADDED, _name(new[k])) for k in left_new)
        return out

    def articles(self) -> list[ArticleChange]:
        olds, news = self.old.parts, self.new.parts
        pairs = match_parts(olds, news)
        in_order = _in_order(pairs)
        old_to_new = {i: j for i, j in pairs}
        slots: list[_Slot] = []
        for i, j in pairs:
            o, n = olds[i], news[j]
            slot = _Slot(CHANGED, o, n, (j, 0), moved=o.number != n.number, reordered=(i, j) not in in_order)
            slot.title_changes = self.texts(o.title, n.title, f"{slot.label} title")
            slot.clauses = self.clauses_of_pair(o, n, slot.label)
            slots.append(slot)
        for i, part in enumerate(olds):
            if i not in old_to_new:
                before = [old_to_new[k] for k in range(i) if k in old_to_new]
                slots.append(_Slot(REMOVED, part, None, (max(before, default=-1), 1, i),
                                   clauses=[(REMOVED, c) for c in part.clauses]))
        matched_new = set(old_to_new.values())
        for j, part in enumerate(news):
            if j not in matched_new:
                slots.append(_Slot(ADDED, None, part, (j, 0), clauses=[(ADDED, c) for c in part.clauses]))
        slots.sort(key=lambda s: s.order)
        self.resolve_clauses(slots)
        out = []
        for slot in slots:
            clauses = tuple(c for c in slot.clauses if isinstance(c, ClauseChange))
            change = slot.change
            if change == CHANGED and not (clauses or slot.title_changes):
                if not slot.moved:
                    continue
                change = MOVED
            shown = slot.new or slot.old
            assert shown is not None
            out.append(ArticleChange(change, shown.kind, slot.old.number if slot.old else None,
                                     slot.new.number if slot.new else None, dict(shown.title),
                                     slot.title_changes, clauses, slot.moved, slot.reordered))
        return out

    def clauses_of_pair(self, old: DraftPart, new: DraftPart,
                        where: str) -> list[ClauseChange | tuple[str, DraftClause]]:
        """The changed clauses of an article found in both drafts; clauses found on one side only stay
        ``(added/removed, clause)`` until ``resolve_clauses`` sees whether they moved."""
        out: list[ClauseChange | tuple[str, DraftClause]] = []
        for i, j in align(old.clauses, new.clauses, _clause_key, _clause_similarity, PARAGRAPH_THRESHOLD):
            if i is not None and j is not None:
                change = self.clause_change(old.clauses[i], new.clauses[j], where)
                if change is not None:
                    out.append(change)
            elif i is not None:
                out.append((REMOVED, old.clauses[i]))
            else:
                assert j is not None
                out.append((ADDED, new.clauses[j]))
        return out

    def resolve_clauses(self, slots: list[_Slot]) -> None:
        """Clauses removed from one article and added to another are moves; the rest are additions/removals."""
        gone: dict[str, list[tuple[_Slot, int]]] = defaultdict(list)
        came: dict[str, list[tuple[_Slot, int]]] = defaultdict(list)
        for slot in slots:
            for index, entry in enumerate(slot.clauses):
                if isinstance(entry, tuple) and entry[1].clause_id != ADHOC:
                    (gone if entry[0] == REMOVED else came)[entry[1].clause_id].append((slot, index))
        for clause_id, sources in gone.items():
            for (src, si), (dst, di) in zip(sources, came.get(clause_id, [])):
                old_clause, new_clause = src.clauses[si][1], dst.clauses[di][1]  # type: ignore[index]
                detail = self.clause_change(old_clause, new_clause, dst.label, force=True)
                assert detail is not None
                dst.clauses[di] = replace(detail, change=MOVED, moved_from=src.label)
                src.clauses[si] = ClauseChange(clause_id, MOVED, old_clause.version, new_clause.version,
                                               old_clause.status, new_clause.status, moved_to=dst.label)
        for slot in slots:
            for index, entry in enumerate(slot.clauses):
                if isinstance(entry, tuple):
                    kind, clause = entry
                    slot.clauses[index] = self.whole_clause(kind, clause)

    def whole_clause(self, kind: str, clause: DraftClause) -> ClauseChange:
        """A clause added or removed as a whole, with its parameters and texts."""
        removed = kind == REMOVED
        params = tuple(ParamChange(name, value if removed else NO_VALUE, NO_VALUE if removed else value)
                       for name, value in (clause.params or {}).items())
        paragraphs = tuple(self.whole_paragraph(kind, p) for p in clause.paragraphs)
        return ClauseChange(clause.clause_id, kind, clause.version if removed else None,
                            None if removed else clause.version, clause.status if removed else None,
                            None if removed else clause.status, params, paragraphs)

    def clause_change(self, old: DraftClause, new: DraftClause, where: str,
                      force: bool = False) -> ClauseChange | None:
        """What changed in a clause found in both drafts (None when nothing did, unless ``force``)."""
        params: tuple[ParamChange, ...] = ()
        if old.params is not None and new.params is not None:  # a DOCX does not record parameters
            params = tuple(ParamChange(name, old.params.get(name, NO_VALUE), new.params.get(name, NO_VALUE))
                           for name in dict.fromkeys([*new.params, *old.params])
                           if old.params.get(name, NO_VALUE) != new.params.get(name, NO_VALUE))
        paragraphs = self.paragraphs(old.paragraphs, new.paragraphs, where)
        replaced = _replaced_id(new) == old.clause_id or _replaced_id(old) == new.clause_id
        if replaced:  # a library clause and the ad-hoc text written in its place (or back)
            vetted, adhoc = (old, new) if new.clause_id == ADHOC else (new, old)
            what = (f"now text written in the agreement in place of {vetted.clause_id} {vetted.version}: not the "
                    "vetted text" if adhoc is new else
                    f"back to the library's {vetted.clause_id} {vetted.version}, in place of the text written in the "
                    "agreement")
            return ClauseChange(vetted.clause_id, CHANGED, old.version, new.version, old.status, new.status, (),
                                paragraphs, note=what)
        note = None
        same_version = old.clause_id != ADHOC and old.version == new.version
        forged = [c for c in (new, old) if c.library_hash is not None]
        if same_version and forged:
            note = (f"the DOCX carries a hash for {new.clause_id} {new.version} that is not the library's "
                    f"({forged[0].content_hash[:12] if forged[0].content_hash else '—'}…, the library's is "
                    f"{forged[0].library_hash[:12] if forged[0].library_hash else '—'}…): the document was altered")
        elif same_version and old.content_hash and new.content_hash and old.content_hash != new.content_hash:
            note = f"the library's text of {new.clause_id} {new.version} changed without a new version"
        elif same_version and paragraphs and (old.params is None or new.params is None) and new.vetted:
            note = (f"same library version, different text: edited in the document (or built with other "
                    f"parameters), so no longer the vetted text of {new.clause_id} {new.version}")
        change = ClauseChange(new.clause_id, CHANGED, old.version, new.version, old.status, new.status,
                              params, paragraphs, note=note)
        return change if force or change.has_details else None


def _flat(text: str) -> str:
    return " ".join(text.split())


def _role(fields: Mapping[str, Mapping[str, str]]) -> str:
    return fields.get("role", {}).get(ANY_LANGUAGE, "")


def _name(fields: Mapping[str, Mapping[str, str]]) -> str:
    name = fields.get("name", {})
    return name.get(ANY_LANGUAGE) or name.get("id") or next(iter(name.values()), "")


def _replaced_id(clause: DraftClause) -> str | None:
    """The library clause an ad-hoc text says it replaces (its id), if any."""
    return clause.replaces.partition("@")[0] if clause.clause_id == ADHOC and clause.replaces else None


def _clause_key(clause: DraftClause) -> object:
    if _replaced_id(clause):  # pairs with the clause it replaces, so the diff shows the words that changed
        return _replaced_id(clause)
    if clause.clause_id == ADHOC:
        return (ADHOC, tuple(tuple(sorted(p.text.items())) for p in clause.paragraphs))
    return clause.clause_id


def _clause_similarity(a: DraftClause, b: DraftClause) -> float:
    if (_replaced_id(a) or a.clause_id) == (_replaced_id(b) or b.clause_id) != ADHOC:
        return 1.0
    if a.clause_id != ADHOC or b.clause_id != ADHOC:
        return 1.0 if a.clause_id == b.clause_id else 0.0
    langs = set(lang for p in a.paragraphs for lang in p.text)
    texts = lambda c, lang: "\n".join(p.text.get(lang, "") for p in c.paragraphs)  # noqa: E731
    return sum(similarity(texts(a, lang), texts(b, lang)) for lang in langs) / max(1, len(langs))


# ---- matching articles --------------------------------------------------------------------------------


def match_parts(old: Sequence[DraftPart], new: Sequence[DraftPart]) -> list[tuple[int, int]]:
    """Pairs ``(old index, new index)`` of the same article in two drafts, by new index.

    First articles holding the same library clauses; then articles sharing a clause; then articles
    sharing a section (``funding`` whichever funding clause); then articles whose texts are alike (ad-hoc
    text); last, articles with the same title (one whose clauses were all deleted in a DOCX). Articles pair
    only with articles of their kind (preamble, article, closing).
    """
    pairs: dict[int, int] = {}  # new → old
    used_old: set[int] = set()

    def take(i: int, j: int) -> None:
        pairs[j] = i
        used_old.add(i)

    by_key: dict[tuple, list[int]] = defaultdict(list)
    for i, part in enumerate(old):
        if part.clause_ids:
            by_key[(part.kind, part.clause_ids)].append(i)
    for j, part in enumerate(new):
        candidates = by_key.get((part.kind, part.clause_ids))
        if part.clause_ids and candidates:
            take(candidates.pop(0), j)

    def greedy(score) -> None:
        scored = []
        for j, n in enumerate(new):
            if j in pairs:
                continue
            for i, o in enumerate(old):
                if i not in used_old and o.kind == n.kind:
                    value = score(o, n)
                    if value:
                        scored.append((-value, abs(i - j), i, j))
        for _, _, i, j in sorted(scored):
            if j not in pairs and i not in used_old:
                take(i, j)

    greedy(lambda o, n: len(set(o.clause_ids) & set(n.clause_ids)))
    greedy(lambda o, n: len(o.sections & n.sections))
    left_old = [i for i in range(len(old)) if i not in used_old]
    left_new = [j for j in range(len(new)) if j not in pairs]
    if len(left_old) * len(left_new) <= _SIMILARITY_BUDGET:
        def alike(o: DraftPart, n: DraftPart) -> float:
            value = _part_similarity(o, n)
            return value if value >= PART_THRESHOLD else 0.0

        greedy(alike)
    greedy(lambda o, n: 1 if any(o.title.values()) and o.title == n.title else 0)
    return sorted(((i, j) for j, i in pairs.items()), key=lambda pair: pair[1])


def _part_similarity(a: DraftPart, b: DraftPart) -> float:
    langs = set(a.title) | set(b.title)
    if not langs:
        return 0.0
    return sum(similarity(a.title.get(lang, "") + "\n" + a.text(lang), b.title.get(lang, "") + "\n" + b.text(lang))
               for lang in langs) / len(langs)


def _in_order(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The largest set of pairs that kept their relative order (a longest increasing subsequence of old
    indices, taken by new index); the other pairs were reordered."""
    tails: list[int] = []  # old index ending the best run of each length
    tail_at: list[int] = []  # position in pairs of that end
    previous: list[int] = [-1] * len(pairs)
    for position, (i, _) in enumerate(pairs):
        k = bisect.bisect_left(tails, i)
        if k == len(tails):
            tails.append(i)
            tail_at.append(position)
        else:
            tails[k] = i
            tail_at[k] = position
        previous[position] = tail_at[k - 1] if k else -1
    kept: set[tuple[int, int]] = set()
    position = tail_at[-1] if tail_at else -1
    while position >= 0:
        kept.add(pairs[position])
        position = previous[position]
    return kept
