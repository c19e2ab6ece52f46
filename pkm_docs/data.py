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
    weights: dict[int, int] = {}
    open_nodes: set[int] = set()

    def weigh(node: yaml.Node) -> int:
        key = id(node)
        if key in weights:
            return weights[key]
        if key in open_nodes:
            raise AliasError(None, None, "this value contains itself through an alias", node.start_mark)
        open_nodes.add(key)
        if isinstance(node, yaml.ScalarNode):
            weight = len(node.value) + 1
        elif isinstance(node, yaml.SequenceNode):
            weight = 1 + sum(weigh(child) for child in node.value)
        else:
            weight = 1 + sum(weigh(k) + weigh(v) for k, v in node.value)
        open_nodes.discard(key)
        weights[key] = weight = min(weight, limit + 1)
        if weight > limit:
            raise AliasError(None, None, f"the aliases (`*name`) in this file expand it to more than {limit:,} "
                             "characters", node.start_mark)
        return weight

    weigh(root)


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
        return Diagnostic("PKM030", ERROR, _bounded(message), Span(path, line, column, line, column + 1), hint)
    return Diagnostic("PKM030", ERROR, _bounded(str(exc)), Span(path, 1, 1, 1, 2), hint)


def _bounded(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def construct(loader: DataLoader, node: yaml.Node) -> Any:
    """The value of ``node``; a date that is not one is a ``ConstructorError`` at its position."""
    return loader.construct_object(node, deep=True)


def parse_data(text: str, path: str) -> dict[str, DataValue]:
    hint = "data files are YAML (`name: value`) or JSON"
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
