"""Clause body markup: paragraphs ``(1)``, items ``a.``, placeholders ``{name}``, ``{party.field}`` and ``{(2)}``.

A body is plain text in one language. A line starting ``(1)`` opens a numbered paragraph, a line starting
``a.`` an item of the paragraph above, a blank line an unnumbered paragraph; other lines continue the one
above. ``{total}`` is replaced by a parameter's value, ``{government.name}`` by a party's field, a line
holding only ``{list_param}`` by one item per value, and ``{(2)}`` by the final number of the clause's
own paragraph (2) (paragraphs are renumbered when an article joins several clauses). ``{ref.KEY}`` is the
final number of the article declared ``article KEY ...`` ("Pasal 7" / "Article 7"), ``{ref.KEY.2}`` its
paragraph (2) ("Pasal 7 ayat (2)" / "Article 7 paragraph (2)"). ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

PLACEHOLDER = re.compile(
    r"\{\{|\}\}|\{\((\d+)\)\}|\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*(?:\.\d{1,3})?))?\}")
_NUMBERED = re.compile(r"^\((\d+)\)\s+")
_ITEM = re.compile(r"^([a-z])\.\s+")
_LONE_PLACEHOLDER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")


@dataclass(frozen=True)
class BlockTemplate:
    """One paragraph of a body before its placeholders are filled."""

    text: str
    number: int | None  # the number written in the library, e.g. 2 for "(2)"
    items: tuple[str, ...]
    line: int  # 0-based line of the body where it starts


@dataclass(frozen=True)
class PlaceholderUse:
    name: str
    field: str | None
    offset: int  # in the body text


def parse_body(text: str) -> tuple[BlockTemplate, ...]:
    """Split a body into paragraphs and items."""
    blocks: list[BlockTemplate] = []
    current: dict | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            blocks.append(BlockTemplate(" ".join(current["text"]).strip(), current["number"],
                                        tuple(" ".join(i).strip() for i in current["items"]), current["line"]))
        current = None

    for index, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            flush()
            continue
        numbered = _NUMBERED.match(line)
        item = _ITEM.match(line)
        lone = _LONE_PLACEHOLDER.match(line)
        if numbered:
            flush()
            current = {"text": [line[numbered.end():]], "number": int(numbered.group(1)), "items": [], "line": index}
        elif (item or lone) and current is not None:
            current["items"].append([line[item.end():]] if item else [line])
        elif current is None:
            current = {"text": [line], "number": None, "items": [], "line": index}
        elif current["items"]:
            current["items"][-1].append(line)
        else:
            current["text"].append(line)
    flush()
    return tuple(blocks)


def placeholders(text: str) -> list[PlaceholderUse]:
    """Every ``{name}`` / ``{name.field}`` in ``text``, with its offset (paragraph references excluded)."""
    return [PlaceholderUse(m.group(2), m.group(3), m.start()) for m in PLACEHOLDER.finditer(text) if m.group(2)]


def paragraph_refs(text: str) -> list[tuple[int, int]]:
    """Every ``{(N)}`` in ``text`` as ``(N, offset)``."""
    return [(int(m.group(1)), m.start()) for m in PLACEHOLDER.finditer(text) if m.group(1)]


def lone_list_name(item: str) -> str | None:
    """The parameter name when an item is a lone ``{name}`` placeholder (a list expanding into items)."""
    match = _LONE_PLACEHOLDER.match(item)
    return match.group(1) if match else None


def fill(text: str, lookup: Callable[[str, str | None], str], renumber: Callable[[int], int]) -> str:
    """Replace every placeholder in ``text`` using ``lookup(name, field)`` and ``renumber(n)``."""

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        if match.group(1):
            return f"({renumber(int(match.group(1)))})"
        return lookup(match.group(2), match.group(3))

    return PLACEHOLDER.sub(replace, text)


def letters(count: int) -> Sequence[str]:
    """Item letters a, b, ... z, aa, ab, ... for ``count`` items."""
    out = []
    for index in range(count):
        label = ""
        index += 1
        while index:
            index, rest = divmod(index - 1, 26)
            label = chr(ord("a") + rest) + label
        out.append(label)
    return out
