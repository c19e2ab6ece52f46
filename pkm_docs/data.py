"""Data files (YAML or JSON) that fill a template's inputs, read with the position of every key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic, ERROR, SourceError, UsageError
from .parser import MAX_SOURCE_BYTES
from .syntax import Span


@dataclass(frozen=True)
class DataValue:
    """A top-level value of a data file and where its key is."""

    value: Any
    span: Span


def load_data(path: str | Path) -> dict[str, DataValue]:
    """The top-level mapping of a YAML or JSON file (JSON is read as YAML, which it is)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise UsageError(f"{path} is larger than {MAX_SOURCE_BYTES:,} bytes; data files are limited to that size")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {path}: not UTF-8 text", "save the file as UTF-8") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_data(text, str(path))


def parse_data(text: str, path: str) -> dict[str, DataValue]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            mark = node.start_mark
            raise SourceError([Diagnostic("PKM030", ERROR, "a data file holds `name: value` lines at its top level",
                                          Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2))])
        out: dict[str, DataValue] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            mark = key_node.start_mark
            span = Span(path, mark.line + 1, mark.column + 1, key_node.end_mark.line + 1, key_node.end_mark.column + 1)
            if not isinstance(key, str):
                raise SourceError([Diagnostic("PKM030", ERROR, f"`{key}` is not a field name", span)])
            if key in out:
                raise SourceError([Diagnostic("PKM020", ERROR, f"`{key}` is given twice", span)])
            out[key] = DataValue(loader.construct_object(value_node, deep=True), span)
        return out
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SourceError([Diagnostic("PKM030", ERROR, f"{exc.problem or exc.context}",
                                      Span(path, line, column, line, column + 1),
                                      "data files are YAML (`name: value`) or JSON")]) from None
    except yaml.YAMLError as exc:
        raise SourceError([Diagnostic("PKM030", ERROR, str(exc), Span(path, 1, 1, 1, 2))]) from None
    except RecursionError:
        raise SourceError([Diagnostic("PKM030", ERROR, "the data file is nested too deeply to read",
                                      Span(path, 1, 1, 1, 2))]) from None
    finally:
        loader.dispose()
