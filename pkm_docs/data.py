"""Data files (YAML or JSON) that fill a template's inputs, read with the position of every key.

YAML is read with PyYAML's safe loader and three more rules: a date that is not a date
(``2027-02-30``) and a character YAML forbids are diagnostics at their line and column, and aliases (``*name``)
may not expand the data beyond the size limit of the file, so a file of a few kilobytes cannot become gigabytes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from .errors import Diagnostic, ERROR, SourceError
from .parser import MAX_SOURCE_BYTES
from .reading import read_text
from .syntax import Span

#: libyaml's loader (3 to 8 times faster) reads a file first when PyYAML has it; it keeps the same marks, but
#: refuses some files the pure loader reads (the escape ``"\ud800"``) and words its messages otherwise, so a file
#: it cannot read is read again by the pure loader, whose result or message is the one reported.
_CBaseLoader = getattr(yaml, "CSafeLoader", None)


class DateError(yaml.constructor.ConstructorError):
    """A value written as a date that is not one (``2027-02-30``)."""


class NumberError(yaml.constructor.ConstructorError):
    """A whole number with more digits than pkm-docs reads."""


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key written twice in one mapping of the data (``{kph: 20%, kph: 10%}``): YAML would keep the last."""


#: Digits of a whole number in a data file (as many as the parser reads in a source).
MAX_NUMBER_DIGITS = 1_000


class _Checked(yaml.constructor.SafeConstructor):
    """What both loaders construct in their own way: ``2027-02-30`` is a :class:`DateError` at the value, a
    number of more digits than pkm-docs reads a :class:`NumberError`."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> datetime.date | datetime.datetime:
        # types-PyYAML says ScalarNode, but `!!timestamp [1]` brings a list's node here, which PyYAML then refuses
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]  # see above
        except (ValueError, OverflowError) as exc:
            raise DateError(None, None, f"`{node.value}` is not a date ({exc})", node.start_mark) from None


    def construct_yaml_int(self, node: yaml.Node) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_NUMBER_DIGITS:  # Python's int() itself stops at 4,300 digits, with a ValueError
            raise NumberError(None, None, f"a number of {digits:,} digits; pkm-docs reads numbers of up to "
                              f"{MAX_NUMBER_DIGITS:,} digits", node.start_mark)
        return super().construct_yaml_int(node)  # type: ignore[arg-type]  # as above, `!!int {a: 1}`

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):  # the keys written in it, before `<<` merges (which may override)
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    twice = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: PyYAML refuses it itself
                    continue
                if twice:
                    raise DuplicateKeyError(None, None, _bounded(f"`{key}` is given twice"), key_node.start_mark)
        return super().construct_mapping(node, deep)  # type: ignore[arg-type]


class DataLoader(_Checked, yaml.SafeLoader):  # type: ignore[misc]
    """The pure-Python safe loader, checked."""


_LOADERS: list[Any] = [DataLoader]
if _CBaseLoader is not None:
    class _CDataLoader(_Checked, _CBaseLoader):  # type: ignore[misc, valid-type]
        """libyaml's safe loader, checked."""

    _LOADERS.insert(0, _CDataLoader)

for _loader in _LOADERS:
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _loader.construct_yaml_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _loader.construct_yaml_int)


class AliasError(yaml.MarkedYAMLError):
    """Aliases (``*name``) that expand the data beyond the file size limit, or a value that contains itself."""


@dataclass(frozen=True)
class DataValue:
    """A top-level value of a data file and where its key is."""

    value: Any
    span: Span


def load_data(path: str | Path) -> dict[str, DataValue]:
    """The top-level mapping of a YAML or JSON file (JSON is read as YAML, which it is)."""
    return parse_data(read_text(path, MAX_SOURCE_BYTES, "data files"), str(path))


def yaml_root(text: str, limit: int = MAX_SOURCE_BYTES) -> tuple[DataLoader, yaml.Node | None]:
    """A loader over ``text`` and the document's root node, checked before any value is built.

    Aliases (``*name``) may repeat a value, as ``yaml.safe_dump`` writes shared ones, but the data they expand
    to may not be larger than a file of ``limit`` characters written out: an alias bomb is refused here, in
    time proportional to the file. Raises ``yaml.YAMLError`` (see :func:`yaml_diagnostic`).
    """
    for kind in _LOADERS:
        loader = kind(text)
        try:
            root = loader.get_single_node()
            if root is not None and "*" in text:  # an alias needs a `*`
                _check_expansion(root, limit)
        except yaml.YAMLError:
            loader.dispose()
            if kind is DataLoader:
                raise
            continue  # the pure loader reads it again: its result, or its message
        except BaseException:
            loader.dispose()
            raise
        return loader, root
    raise AssertionError("the pure loader either returns or raises")


def _check_expansion(root: yaml.Node, limit: int) -> None:
    """Raise :class:`AliasError` when the nodes, with every alias written out, weigh more than ``limit``."""
    Expansion(limit).weigh(root)


class Expansion:
    """Weighs nodes with every alias written out (a scalar its length, a collection one more than its items) and
    raises :class:`AliasError` at a node heavier than ``limit``; each node is weighed once. A document read one
    item at a time passes ``keep``, the ids of the nodes an anchor names (which outlive the item): only their
    weights are kept after each item, as only an alias can reach a node again."""

    def __init__(self, limit: int):
        self.limit = limit
        self.weights: dict[int, int] = {}
        self._open: set[int] = set()
        self._added: list[int] = []

    def weigh(self, node: yaml.Node, keep: set[int] | None = None) -> int:
        self._added = []
        weight = self._weigh(node)
        if keep is not None:
            for key in self._added:
                if key not in keep:
                    del self.weights[key]
        self._added = []
        return weight

    def _weigh(self, node: yaml.Node) -> int:
        key = id(node)
        if key in self.weights:
            return self.weights[key]
        if key in self._open:
            raise AliasError(None, None, "this value contains itself through an alias", node.start_mark)
        self._open.add(key)
        if isinstance(node, yaml.ScalarNode):
            weight = len(node.value) + 1
        elif isinstance(node, yaml.SequenceNode):
            weight = 1 + sum(self._weigh(child) for child in node.value)
        else:
            weight = 1 + sum(self._weigh(k) + self._weigh(v) for k, v in node.value)
        self._open.discard(key)
        self.weights[key] = weight = min(weight, self.limit + 1)
        self._added.append(key)
        if weight > self.limit:
            raise AliasError(None, None, f"the aliases (`*name`) in this file expand it to more than {self.limit:,} "
                             "characters", node.start_mark)
        return weight


#: How deep values may nest in a file read one item at a time (:func:`compose_item`): a table's cell is 4 deep.
MAX_ITEM_DEPTH = 100


class DepthError(yaml.MarkedYAMLError):
    """A value nested deeper than :data:`MAX_ITEM_DEPTH`."""


def loader_kinds() -> list[Any]:
    """The checked loaders, libyaml's first when PyYAML has it (see :func:`yaml_root`)."""
    return list(_LOADERS)


def compose_item(loader: DataLoader, anchors: dict[str, yaml.Node], depth: int = 0) -> yaml.Node:
    """The node of the next value in ``loader``'s events, composed as PyYAML's composer does (the same tags,
    marks and errors) but one item at a time: ``anchors`` holds the anchored nodes of the document so far, the
    only nodes that outlive their item. Raises :class:`DepthError` beyond :data:`MAX_ITEM_DEPTH`."""
    event = loader.get_event()
    start: Any = event.start_mark  # (types-PyYAML types the marks as the pure parser's; libyaml's serve as well)
    end: Any = event.end_mark
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
        return anchors[event.anchor]
    anchor, tag = event.anchor, event.tag
    if anchor is not None and anchor in anchors:
        raise yaml.composer.ComposerError(f"found duplicate anchor {anchor!r}; first occurrence",
                                          anchors[anchor].start_mark, "second occurrence", start)
    node: yaml.Node
    if isinstance(event, yaml.ScalarEvent):
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        if anchor is not None:
            anchors[anchor] = node
        return node
    if depth >= MAX_ITEM_DEPTH:
        raise DepthError(None, None, f"values nested more than {MAX_ITEM_DEPTH} deep", start)
    if isinstance(event, yaml.SequenceStartEvent):
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.SequenceNode, None, event.implicit)
        node = yaml.SequenceNode(tag, [], start, None, flow_style=event.flow_style)
        if anchor is not None:
            anchors[anchor] = node
        while not loader.check_event(yaml.SequenceEndEvent):
            node.value.append(compose_item(loader, anchors, depth + 1))
    else:
        if tag is None or tag == "!":
            tag = loader.resolve(yaml.MappingNode, None, event.implicit)
        node = yaml.MappingNode(tag, [], start, None, flow_style=event.flow_style)
        if anchor is not None:
            anchors[anchor] = node
        while not loader.check_event(yaml.MappingEndEvent):
            key = compose_item(loader, anchors, depth + 1)
            node.value.append((key, compose_item(loader, anchors, depth + 1)))
    node.end_mark = loader.get_event().end_mark
    return node


def forget_values(loader: DataLoader) -> None:
    """Drop the values ``loader`` has built and keeps by node (as PyYAML does after each document), so that a
    file read one item at a time does not keep every item's values."""
    loader.constructed_objects = {}
    loader.recursive_objects = {}


def yaml_diagnostic(exc: yaml.YAMLError | RecursionError, text: str, path: str, hint: str) -> Diagnostic:
    """The diagnostic for a YAML file that cannot be read: where it went wrong, in a message of bounded size."""
    if isinstance(exc, RecursionError):
        return Diagnostic("PKM030", ERROR, "the file is nested too deeply to read", Span(path, 1, 1, 1, 2))
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Diagnostic("PKM030", ERROR, f"the character U+{exc.character:04X} is not allowed in a YAML file",
                          Span(path, line, column, line, column + 1), "remove it, or write the text in quotes "
                          "with an escape such as `\\t`")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = str(exc.problem or exc.context or "cannot read this YAML")
        if isinstance(exc, DateError):
            hint = "write a date that exists as YYYY-MM-DD (2027-02-28), or the text in quotes"
        elif isinstance(exc, NumberError):
            hint = "write the amount as it is meant, e.g. Rp950.000.000"
        elif isinstance(exc, AliasError):
            hint = "write the values out instead of repeating them with aliases"
        elif isinstance(exc, DepthError):
            hint = "nest the values less deeply"
        elif isinstance(exc, DuplicateKeyError):
            return Diagnostic("PKM020", ERROR, message, Span(path, line, column, line, column + 1),
                              "write each key once, with its one value")
        elif exc.context in _FLOW_CONTEXTS and exc.context_mark is not None and exc.problem_mark is not None \
                and exc.context_mark.line < exc.problem_mark.line:  # noticed on a later line than the opener
            opener, closer = _FLOW_CONTEXTS[exc.context]
            hint = (f"the `{opener}` on line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1} may be "
                    f"missing its closing `{closer}`")
        return Diagnostic("PKM030", ERROR, _bounded(message), Span(path, line, column, line, column + 1), hint)
    return Diagnostic("PKM030", ERROR, _bounded(str(exc)), Span(path, 1, 1, 1, 2), hint)


#: the contexts in which PyYAML reports a `{ ... }` or `[ ... ]` that is not closed, with its brackets
_FLOW_CONTEXTS = {"while parsing a flow mapping": ("{", "}"), "while parsing a flow sequence": ("[", "]")}


def _bounded(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def construct(loader: DataLoader, node: yaml.Node) -> Any:
    """The value of ``node``; a date that is not one is a ``ConstructorError`` at its position."""
    return loader.construct_object(node, deep=True)


#: the files that hold many records, one agreement each: `pkm batch` reads them, `--data` does not
BATCH_SUFFIXES = (".csv", ".jsonl")


def parse_data(text: str, path: str) -> dict[str, DataValue]:
    hint = "data files are YAML (`name: value`) or JSON"
    suffix = Path(path).suffix.lower()
    if suffix in BATCH_SUFFIXES:
        raise SourceError([Diagnostic("PKM030", ERROR, f"a {suffix[1:].upper()} file holds batch data, one record per "
                                      "agreement; a data file (`--data`) is one YAML or JSON file of `name: value`",
                                      Span(path, 1, 1, 1, 2), "build one agreement per record with `pkm batch "
                                      f"TEMPLATE.pkm {Path(path).name} -o DIR`")])
    loader = None
    try:
        loader, node = yaml_root(text)
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            raise SourceError([Diagnostic("PKM030", ERROR, "a data file holds `name: value` lines at its top level",
                                          Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2))])
        out: dict[str, DataValue] = {}
        for key_node, value_node, span in _keys(node, path):
            key = construct(loader, key_node)
            if not isinstance(key, str):
                raise SourceError([Diagnostic("PKM030", ERROR, _bounded(f"`{key}` is not a field name"), span)])
            if key in out:
                raise SourceError([Diagnostic("PKM020", ERROR, f"`{key}` is given twice", span)])
            out[key] = DataValue(construct(loader, value_node), span)
        return out
    except (yaml.YAMLError, RecursionError) as exc:
        raise SourceError([yaml_diagnostic(exc, text, path, hint)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _keys(node: yaml.MappingNode, path: str) -> Iterator[tuple[yaml.Node, yaml.Node, Span]]:
    for key_node, value_node in node.value:
        start, end = key_node.start_mark, key_node.end_mark
        yield key_node, value_node, Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
