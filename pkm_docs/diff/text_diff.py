"""Word-by-word comparison of two texts (difflib on word tokens) and order-keeping alignment of similar items."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Callable, Hashable, Sequence, TypeVar

T = TypeVar("T")

EQUAL, DELETE, INSERT = "=", "-", "+"

#: A word (amounts and numbers such as ``Rp950.000.000,00`` or ``440/1127/DINKES`` stay one word), a run of
#: white space, or one other character. Every character of a text falls in exactly one token.
_TOKEN = re.compile(r"\w+(?:[.,/:\-]\w+)*|\s+|[^\w\s]")
_WORD = re.compile(r"\w+(?:[.,/:\-]\w+)*")


@dataclass(frozen=True)
class Segment:
    """A piece of a word diff: ``op`` is ``=`` (in both texts), ``-`` (only the old) or ``+`` (only the new)."""

    op: str
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def normalize(text: str) -> str:
    """White space collapsed within each line; lines (items of a paragraph) kept apart."""
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines() if line.strip())


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The changes that turn ``old`` into ``new``, word by word.

    Joining the ``=`` and ``-`` segments gives ``old`` exactly and joining ``=`` and ``+`` gives ``new``.
    A change is one deletion followed by one insertion; a lone space or comma between two changes is
    folded into them, so "[-a b-]{+x y+}" reads as one change rather than two; spaces at the end of a change
    move out of it.
    """
    a, b = tokens(old), tokens(new)
    raw: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(Segment(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Segment(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            raw.append(Segment(INSERT, "".join(b[j1:j2])))
    return _slide(_merge(_fold_lone_spaces(raw)))


def _fold_lone_spaces(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for index, seg in enumerate(segments):
        between_changes = (0 < index < len(segments) - 1 and segments[index - 1].op != EQUAL
                           and segments[index + 1].op != EQUAL)
        if seg.op == EQUAL and between_changes and not _WORD.search(seg.text):
            out.extend((Segment(DELETE, seg.text), Segment(INSERT, seg.text)))
        else:
            out.append(seg)
    return out


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    """Each run of changes as one deletion then one insertion; empty segments dropped."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(Segment(DELETE, "".join(deleted)))
        if inserted:
            out.append(Segment(INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for seg in segments:
        if not seg.text:
            continue
        if seg.op == EQUAL:
            flush()
            if out and out[-1].op == EQUAL:
                out[-1] = Segment(EQUAL, out[-1].text + seg.text)
            else:
                out.append(seg)
        else:
            (deleted if seg.op == DELETE else inserted).append(seg.text)
    flush()
    return tuple(out)


def _slide(segments: Sequence[Segment]) -> tuple[Segment, ...]:
    """Spaces that end a change shown outside it: ``ayat (2){+ disampaikan+} paling``, not
    ``ayat (2) {+disampaikan +}paling`` (the same texts either way)."""
    out: list[Segment] = []
    owed = ""  # white space taken off the end of a change, owed to the next unchanged segment
    index = 0
    while index < len(segments):
        seg = segments[index]
        if seg.op == EQUAL:
            out.append(Segment(EQUAL, owed + seg.text))
            owed = ""
            index += 1
            continue
        change = [seg]
        if index + 1 < len(segments) and segments[index + 1].op != EQUAL:
            change.append(segments[index + 1])
        index += len(change)
        if len(change) == 2:  # a replacement: spaces both sides end with go after it
            space = _space_suffix(change[0].text, change[1].text)
            if space and len(space) < min(len(c.text) for c in change):
                change = [Segment(c.op, c.text[: -len(space)]) for c in change]
                owed = space
        elif out and out[-1].op == EQUAL:  # an insertion or a deletion slides left by its trailing spaces
            before = out[-1].text
            space = _space_suffix(change[0].text, before)
            if space and len(space) < min(len(change[0].text), len(before)):
                out[-1] = Segment(EQUAL, before[: -len(space)])
                change = [Segment(change[0].op, space + change[0].text[: -len(space)])]
                owed = space
        out.extend(change)
    if owed:
        out.append(Segment(EQUAL, owed))
    return tuple(out)


def _space_suffix(a: str, b: str) -> str:
    """The white space both texts end with."""
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size] and a[-1 - size].isspace():
        size += 1
    return a[len(a) - size:] if size else ""


def similarity(old: str, new: str) -> float:
    """How many words two texts share, from 0 (none) to 1 (the same words), ignoring their order."""
    (a, size_a), (b, size_b) = _bag(old), _bag(new)
    if not size_a + size_b:
        return 1.0 if old.strip() == new.strip() else 0.0
    return 2 * sum((a & b).values()) / (size_a + size_b)


@lru_cache(maxsize=8192)
def _bag(text: str) -> tuple[Counter[str], int]:
    words = Counter(_WORD.findall(text.lower()))
    return words, sum(words.values())


def align(old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable],
          similar: Callable[[T, T], float] | None = None, threshold: float = 0.5,
          limit: int = 10_000) -> list[tuple[int | None, int | None]]:
    """Pair the items of two sequences in order: ``(i, j)`` for a kept or changed item, ``(i, None)`` for one
    removed, ``(None, j)`` for one added.

    Items with equal keys pair first (difflib); in between, an old and a new item pair when ``similar``
    rates them at ``threshold`` or above: by position when a stretch was edited item for item (or holds
    more than ``limit`` candidate pairs), else choosing the pairing with the highest total.
    """
    a = [key(x) for x in old]
    b = [key(x) for x in new]
    out: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend((i1 + k, j1 + k) for k in range(i2 - i1))
        else:
            out.extend(_pair_stretch(old, new, range(i1, i2), range(j1, j2), similar, threshold, limit))
    return out


def _pair_stretch(old: Sequence[T], new: Sequence[T], olds: range, news: range,
                  similar: Callable[[T, T], float] | None, threshold: float,
                  limit: int) -> list[tuple[int | None, int | None]]:
    if similar is None or not olds or not news:
        return [(i, None) for i in olds] + [(None, j) for j in news]
    by_position = [(i, j) for i, j in zip(olds, news) if similar(old[i], new[j]) >= threshold]
    if len(olds) * len(news) > limit or (len(olds) == len(news) and len(by_position) == len(olds)):
        matched = by_position  # each item edited in place (or too many to weigh every pairing)
    else:
        matched = _best_pairs(old, new, olds, news, similar, threshold)
    out: list[tuple[int | None, int | None]] = []
    i, j = olds.start, news.start
    for pi, pj in matched + [(olds.stop, news.stop)]:
        out.extend((k, None) for k in range(i, pi))
        out.extend((None, k) for k in range(j, pj))
        if pi < olds.stop:
            out.append((pi, pj))
        i, j = pi + 1, pj + 1
    return out


def _best_pairs(old: Sequence[T], new: Sequence[T], olds: range, news: range,
                similar: Callable[[T, T], float], threshold: float) -> list[tuple[int, int]]:
    """The in-order pairing with the highest total similarity (a small dynamic programme)."""
    n, m = len(olds), len(news)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    rated: dict[tuple[int, int], float] = {}
    for x in range(1, n + 1):
        for y in range(1, m + 1):
            s = similar(old[olds[x - 1]], new[news[y - 1]])
            rated[x, y] = s
            best = max(score[x - 1][y], score[x][y - 1])
            if s >= threshold:
                best = max(best, score[x - 1][y - 1] + s)
            score[x][y] = best
    pairs: list[tuple[int, int]] = []
    x, y = n, m
    while x and y:
        s = rated[x, y]
        if s >= threshold and score[x][y] == score[x - 1][y - 1] + s:
            pairs.append((olds[x - 1], news[y - 1]))
            x, y = x - 1, y - 1
        elif score[x][y] == score[x - 1][y]:
            x -= 1
        else:
            y -= 1
    return pairs[::-1]
