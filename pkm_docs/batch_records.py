"""The records of a batch: a CSV, TSV, JSON Lines, JSON or YAML file read into one ``Record`` per agreement
(each value with the span of its cell or key), every format a record at a time, and the file name each record's
documents get."""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import yaml

from . import syntax as s
from .data import (AliasError, DataLoader, DataValue, Expansion, compose_item, construct, forget_values, loader_kinds,
                   yaml_diagnostic, yaml_root)
from .errors import Diagnostic, ERROR, SourceError, UsageError, suggest
from .reading import read_text
from .values import CellFormProblem, ValueProblem, compile_type

#: Batch data files larger than this are refused before reading.
MAX_BATCH_BYTES = 50_000_000

#: What separates the items of a list in a CSV cell.
LIST_SEPARATOR = ";"

#: The column suffixes of a text given in two languages.
LANGUAGE_SUFFIXES = ("id", "en")

_MAX_NAME_LENGTH = 80
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})



# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)  # (slots: a run keeps one per record, with its row and name)
class Record:
    """One agreement's inputs: ``row`` is the spreadsheet row (CSV) or the 1-based position (JSON, YAML)."""

    row: int
    label: str
    values: dict[str, DataValue]
    raw: bytes
    name: str | None = None
    problems: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class _Cell:
    value: str
    span: s.Span


def read_records(path: Path, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> list[Record]:
    """The records of a CSV, TSV, JSON or YAML file, each a mapping of input name to value with its span."""
    return list(open_records(path, inputs, name_field))


class Records:
    """The records of a data file, read one at a time when iterated (once per iteration, from its text: a run
    holds the records being built, not all of them); ``basis`` gives each record's row and name,
    all that the output names need, and ``len()`` their number."""

    def __init__(self, basis: list[Record], each: Callable[[], Iterator[Record]]):
        self.basis, self._each = basis, each

    def __len__(self) -> int:
        return len(self.basis)

    def __iter__(self) -> Iterator[Record]:
        return self._each()


def open_records(path: Path, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> Records:
    """The records of a CSV, TSV, JSON or YAML file; a file with a mistake that stops every record (a wrong
    header, broken YAML) or with no record is a :class:`SourceError` here, before any is built."""
    if path.suffix.lower() not in (".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml"):
        raise UsageError(f"cannot read {path}: batch data is a .csv, .tsv, .json, .jsonl or .yaml file")
    text = read_text(path, MAX_BATCH_BYTES, "batch data files", hint="split the records over several files")
    return text_records(text, path, inputs, name_field)


def text_records(text: str, path: Path, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> Records:
    """:func:`open_records` of the text of ``path``, read already. Every format is read a record at a time: what
    a run holds is the text, each record's row and name, and the records being built."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        records = csv_stream(text, str(path), inputs, name_field, delimiter="\t" if suffix == ".tsv" else None)
    elif suffix == ".jsonl":
        records = jsonl_stream(text, str(path), inputs, name_field)
    else:
        records = yaml_stream(text, str(path), inputs, name_field)
    if not len(records):
        raise SourceError([Diagnostic("PKM030", ERROR, "the file holds no records", s.Span(str(path), 1, 1, 1, 2),
                                      "write a header row and one row per agreement" if suffix in (".csv", ".tsv")
                                      else "write a list with one mapping per agreement")])
    return records


def scan_csv(text: str, path: str, delimiter: str = ",") -> Iterator[tuple[list[_Cell], str]]:
    """Each record of CSV text as its cells (value and span: line and character column) and its raw text.

    RFC 4180 with ``"`` quoting; a quoted cell may hold the delimiter, doubled quotes and line breaks.
    """
    stop = re.compile(f"[{re.escape(delimiter)}\r\n]")
    i, n, line, column = 0, len(text), 1, 1
    while i < n:
        start, cells = i, []
        while True:
            cell_line, cell_column = line, column
            if i < n and text[i] == '"':
                parts, i, column = [], i + 1, column + 1
                while True:
                    close = text.find('"', i)
                    if close < 0:
                        raise SourceError([Diagnostic("PKM030", ERROR, "this cell's quote is never closed",
                                                      s.Span(path, cell_line, cell_column, cell_line, cell_column + 1),
                                                      'close it with `"`; a quote inside a cell is written `""`')])
                    chunk = text[i:close]
                    parts.append(chunk)
                    line, column = _advance(chunk, line, column)
                    i, column = close + 1, column + 1
                    if text.startswith('"', i):
                        parts.append('"')
                        i, column = i + 1, column + 1
                        continue
                    break
                found = stop.search(text, i)  # text after the closing quote belongs to the cell, as Excel reads it
                end = found.start() if found else n
                parts.append(text[i:end])
                column += end - i
                i = end
                value = "".join(parts)
            else:
                found = stop.search(text, i)
                end = found.start() if found else n
                value = text[i:end]
                column += end - i
                i = end
            cells.append(_Cell(value, s.Span(path, cell_line, cell_column, line, max(column, cell_column + 1))))
            if i < n and text[i] == delimiter:
                i, column = i + 1, column + 1
                continue
            raw = text[start:i]
            if text.startswith("\r\n", i):
                i += 2
            elif i < n:
                i += 1
            line, column = line + 1, 1
            yield cells, raw
            break


def _advance(chunk: str, line: int, column: int) -> tuple[int, int]:
    breaks = chunk.count("\n")
    if breaks:
        return line + breaks, len(chunk) - chunk.rfind("\n")
    return line, column + len(chunk)


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon or tab an Indonesian spreadsheet writes when the header holds no comma."""
    if "," not in first_line:
        for candidate in (";", "\t"):
            if candidate in first_line:
                return candidate
    return ","


def csv_records(text: str, path: str, inputs: Sequence[s.ParamDecl], name_field: str | None = None,
                delimiter: str | None = None) -> list[Record]:
    """Records of CSV text: a header row of input names (``name.id``, ``name.en`` for two languages)."""
    return list(csv_stream(text, path, inputs, name_field, delimiter))


def csv_stream(text: str, path: str, inputs: Sequence[s.ParamDecl], name_field: str | None = None,
               delimiter: str | None = None) -> Records:
    """:func:`csv_records`, one record at a time: a first pass checks the header against every row and notes
    each row's line and name; each iteration reads the rows again and makes their records."""
    first_break = text.find("\n")  # (not text.split: that copies the rest of the text)
    delimiter = delimiter or _delimiter(text if first_break < 0 else text[:first_break])

    def rows() -> Iterator[tuple[list[_Cell], str]]:
        return ((cells, raw) for cells, raw in scan_csv(text, path, delimiter) if any(c.value.strip() for c in cells))

    scanned = rows()
    first = next(scanned, None)
    if first is None:
        return Records([], lambda: iter(()))
    header = first[0]
    named = [i for i, cell in enumerate(header) if cell.value.strip() in (name_field, f"{name_field}.id")]
    filled: set[int] = set()
    basis_rows: list[tuple[int, tuple[str, ...]]] = []  # each row's line and the cells of `named`
    for cells, _ in scanned:
        filled.update(i for i, cell in enumerate(cells) if cell.value.strip())
        basis_rows.append((cells[0].span.line, tuple(cells[i].value if i < len(cells) else "" for i in named)))
    columns = _csv_columns(header, filled, {d.name: d for d in inputs}, name_field, path)
    name_column = next((c for c in columns if c.name == name_field), None)
    at = named.index(name_column.index) if name_column is not None else None
    basis = []
    for row, values in basis_rows:
        name = values[at].strip() if at is not None else ""
        basis.append(Record(row, f"row {row}", {}, b"", name or None))
    del basis_rows

    def each() -> Iterator[Record]:
        body = rows()
        next(body)  # the header
        for cells, raw in body:
            yield _csv_record(cells, raw, cells[0].span.line, columns, header, name_field, path)

    return Records(basis, each)


@dataclass(frozen=True)
class _Column:
    name: str        # the input (or the name field)
    index: int       # where the value is, or the `.id` half of a two-language text
    en_index: int | None
    decl: s.ParamDecl | None


def _csv_columns(header: list[_Cell], filled: set[int], decls: dict[str, s.ParamDecl], name_field: str | None,
                 path: str) -> list[_Column]:
    """Check the header row once: every column names an input, and every required input has a column
    (``filled``: the columns that hold a value in some row)."""
    problems: list[Diagnostic] = []
    seen: dict[str, _Cell] = {}
    halves: dict[str, dict[str, int]] = {}
    plain: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = cell.value.strip()
        if not title:
            if index in filled:
                problems.append(Diagnostic("PKM030", ERROR, f"column {index + 1} has values but no name in the "
                                           "header row", cell.span, "write the input it fills in the header row"))
            continue
        if title in seen:
            problems.append(Diagnostic("PKM020", ERROR, f"column `{title}` appears twice", cell.span,
                                       f"the first is column {header.index(seen[title]) + 1}"))
            continue
        seen[title] = cell
        base, _, lang = title.rpartition(".")
        if base and lang in LANGUAGE_SUFFIXES and base in decls:
            decl = decls[base]
            kind = decl.type.item.kind if decl.type.kind == "list" and decl.type.item else decl.type.kind
            if kind != "text":
                problems.append(Diagnostic("PKM030", ERROR, f"`{base}` is a {decl.type.describe()}; only a text "
                                           "has a column per language", cell.span, f"name the column `{base}`"))
                continue
            halves.setdefault(base, {})[lang] = index
            if title == name_field:  # one language's column of a text names the files
                plain[title] = index
        elif title in decls or title == name_field:
            plain[title] = index
        else:
            problems.append(Diagnostic("PKM033", ERROR, f"column `{title}` is not an input of the template", cell.span,
                                       suggest(base if lang in LANGUAGE_SUFFIXES else title, decls)
                                       or "the header row names the template's inputs"))
    columns = [_Column(name, index, None, decls.get(name)) for name, index in plain.items()]
    for base, langs in halves.items():
        missing = [lang for lang in LANGUAGE_SUFFIXES if lang not in langs]
        if base in plain:
            problems.append(Diagnostic("PKM020", ERROR, f"`{base}` has a column of its own and one per language",
                                       header[langs[next(iter(langs))]].span, "keep one or the other"))
        elif missing:
            problems.append(Diagnostic("PKM030", ERROR, f"`{base}.{missing[0]}` is missing: a text in two languages "
                                       f"has a column for each of {', '.join(LANGUAGE_SUFFIXES)}",
                                       header[next(iter(langs.values()))].span, f"add a `{base}.{missing[0]}` column"))
        else:
            columns.append(_Column(base, langs["id"], langs["en"], decls[base]))
    given = {c.name for c in columns} | set(halves)
    first = header[0].span
    for name, decl in decls.items():
        if name not in given and decl.constraint("default") is None and decl.constraint("optional") is None:
            problems.append(Diagnostic("PKM032", ERROR, f"no column for the input `{name}`", first,
                                       f"add a `{name}` column (or `{name}.id` and `{name}.en`)"))
    if name_field is not None and name_field not in given:
        problems.append(Diagnostic("PKM030", ERROR, f"no column `{name_field}` to name the files after", first,
                                   suggest(name_field, [c.value.strip() for c in header]) or None))
    if problems:
        raise SourceError(problems)
    return sorted(columns, key=lambda c: c.index)


def _csv_record(cells: list[_Cell], raw: str, row: int, columns: list[_Column], header: list[_Cell],
                name_field: str | None, path: str) -> Record:
    label = f"row {row}"
    problems: list[Diagnostic] = []
    if len(cells) > len(header):
        problems.append(Diagnostic("PKM030", ERROR, f"this row has {len(cells)} cells; the header has {len(header)}",
                                   cells[len(header)].span, "a cell holding the delimiter is written in quotes"))

    def cell(index: int | None) -> _Cell | None:
        if index is None or index >= len(cells) or not cells[index].value.strip():
            return None
        return cells[index]

    values: dict[str, DataValue] = {}
    name = None
    for column in columns:
        first, english = cell(column.index), cell(column.en_index)
        if column.name == name_field and first is not None:
            name = first.value.strip()
        if column.decl is None:
            continue  # the name field only
        if column.en_index is None:
            if first is not None:
                try:
                    values[column.name] = DataValue(_cell_value(first.value, column.decl.type), first.span)
                except CellFormProblem as problem:
                    problems.append(Diagnostic("PKM015", ERROR, f"`{column.name}`: {problem.message}", first.span,
                                               problem.hint))
            continue
        if first is None and english is None:
            continue
        if first is None or english is None:
            there, empty = (first, "en") if english is None else (english, "id")
            assert there is not None  # one of the two is given: both missing continued above
            problems.append(Diagnostic("PKM015", ERROR, f"`{column.name}` has no `{empty}` text in this row",
                                       there.span, f"fill the `{column.name}.{empty}` cell too"))
            continue
        if column.decl.type.kind == "list":
            ids, ens = _split(first.value), _split(english.value)
            if len(ids) != len(ens):
                problems.append(Diagnostic("PKM015", ERROR, f"`{column.name}` has {len(ids)} items in `id` and "
                                           f"{len(ens)} in `en`", first.span,
                                           f"separate the items with `{LIST_SEPARATOR}` in both cells"))
                continue
            value: Any = [{"id": a, "en": b} for a, b in zip(ids, ens)]
        else:
            value = {"id": first.value, "en": english.value}
        values[column.name] = DataValue(value, first.span)
    return Record(row, label, values, raw.encode("utf-8"), name, tuple(problems))


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def _cell_value(text: str, type_expr: s.TypeExpr) -> Any:
    """A cell as a YAML data file would hold it for an input of ``type_expr``: the input's type reads it."""
    try:
        return compile_type(type_expr).from_cell(text)
    except CellFormProblem:
        raise  # a value in another file's form: told how a cell writes it
    except ValueProblem:
        return text  # the input's type refuses it by name when the record is resolved


def yaml_records(text: str, path: str, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> list[Record]:
    """Records of a JSON or YAML file: a list of mappings, each read with the position of every key."""
    return list(yaml_stream(text, path, inputs, name_field))


_YAML_HINT = "batch data is CSV, JSON or YAML"


class _Pieces:
    """``text`` handed to a YAML parser a piece at a time, as a file is: given a whole ``str``, libyaml's parser
    keeps a UTF-8 copy of all of it (and PyYAML's own reader another copy)."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def read(self, size: int = -1) -> str:
        end = len(self.text) if size < 0 else self.at + size
        piece = self.text[self.at:end]
        self.at += len(piece)
        return piece


def yaml_stream(text: str, path: str, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> Records:
    """:func:`yaml_records`, one record at a time: a first pass reads the whole file as events (so a file broken
    anywhere, or not a list, is refused before any record is built), composing each item of the list in turn to
    check its aliases and note its name; each iteration reads the events again and makes the items' records, one
    node tree and its values at a time. The anchored nodes (``&name``, which ``yaml.safe_dump`` writes for a
    shared value) are kept for the aliases after them. libyaml's parser reads first when PyYAML has it; a file it
    refuses is read by the pure parser, whose result or message counts (as :func:`data.yaml_root` does)."""
    known = {d.name for d in inputs}
    basis: list[Record] | None = None
    for kind in loader_kinds():
        try:
            basis = _yaml_basis(kind, text, path, name_field)
        except yaml.YAMLError as exc:
            if kind is DataLoader:
                raise SourceError([yaml_diagnostic(exc, text, path, _YAML_HINT)]) from None
            continue  # the pure parser reads it again: its result, or its message
        except RecursionError as exc:
            raise SourceError([yaml_diagnostic(exc, text, path, _YAML_HINT)]) from None
        break
    if not basis:
        return Records([], lambda: iter(()))
    if name_field is not None and not any(r.name is not None for r in basis):
        raise SourceError([Diagnostic("PKM030", ERROR, f"no record has a field `{name_field}` to name the files after",
                                      s.Span(path, 1, 1, 1, 2))])

    def each() -> Iterator[Record]:
        loader = kind(_Pieces(text))
        try:
            for _ in range(3):  # the stream's, the document's and the list's start
                loader.get_event()
            anchors: dict[str, yaml.Node] = {}
            number = 0
            while not loader.check_event(yaml.SequenceEndEvent):
                number += 1
                record = _yaml_record(loader, compose_item(loader, anchors), number, text, path, known, name_field)
                forget_values(loader)
                yield record
        finally:
            loader.dispose()

    return Records(basis, each)


def _yaml_basis(kind: Any, text: str, path: str, name_field: str | None) -> list[Record] | None:
    """The row and name of each record of a YAML list (None for an empty file), or a ``YAMLError`` or
    :class:`SourceError` for a file that is broken or not a list."""
    loader = kind(_Pieces(text))
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        document = loader.get_event()
        anchors: dict[str, yaml.Node] = {}
        expansion = Expansion(MAX_BATCH_BYTES)
        kept: set[int] = set()
        not_a_list = None
        basis: list[Record] = []
        if loader.check_event(yaml.SequenceStartEvent):
            start = loader.get_event()
            total = 1
            while not loader.check_event(yaml.SequenceEndEvent):
                known_anchors = len(anchors)
                node = compose_item(loader, anchors)
                kept.update(id(n) for n in itertools.islice(reversed(anchors.values()), len(anchors) - known_anchors))
                total += expansion.weigh(node, kept)
                if total > MAX_BATCH_BYTES:
                    raise AliasError(None, None, f"the aliases (`*name`) in this file expand it to more than "
                                     f"{MAX_BATCH_BYTES:,} characters", start.start_mark)
                number = len(basis) + 1
                basis.append(Record(number, f"record {number}", {}, b"", _yaml_name(loader, node, name_field)))
                forget_values(loader)
            loader.get_event()
        else:
            not_a_list = compose_item(loader, anchors)
            expansion.weigh(not_a_list)
        loader.get_event()  # the document's end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", document.start_mark,
                                              "but found another document", loader.get_event().start_mark)
        if not_a_list is not None:
            raise SourceError([Diagnostic("PKM030", ERROR, "a batch data file holds a list of records",
                                          _mark_span(path, not_a_list.start_mark),
                                          "write `- name: value` per record (YAML) or `[{...}, {...}]` (JSON)")])
        return basis
    finally:
        loader.dispose()


def _yaml_name(loader: DataLoader, node: yaml.Node, name_field: str | None) -> str | None:
    """The name a record's files get: its ``name_field``, as :func:`_yaml_record` reads it."""
    if name_field is None or not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == name_field:
            try:
                if construct(loader, key_node) != name_field:
                    continue
                value = construct(loader, value_node)
            except yaml.MarkedYAMLError:
                return None  # the record fails on it
            return str(value.get("id", "")) if isinstance(value, dict) else None if value is None else str(value)
    return None


def jsonl_stream(text: str, path: str, inputs: Sequence[s.ParamDecl], name_field: str | None = None) -> Records:
    """Records of JSON Lines text: one JSON object per line, read as a one-record ``.json`` is read (so the values
    are the same), each made when it is handed out. A line that cannot be read fails that record only."""
    known = {d.name for d in inputs}

    def lines() -> Iterator[tuple[int, str]]:
        """The lines that are not blank, with their numbers: found in the text again each time, not kept."""
        start, number = 0, 1
        while start <= len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            line = text[start:end]
            if line.strip():
                yield number, line
            start, number = end + 1, number + 1

    def record(number: int, line: str) -> Record:
        try:
            loader, node = yaml_root(line, MAX_BATCH_BYTES)
        except (yaml.YAMLError, RecursionError) as exc:
            problem = yaml_diagnostic(exc, line, path, "each line of a .jsonl file is one JSON object")
            return Record(number, f"line {number}", {}, line.encode("utf-8"), None, (_moved(problem, number),))
        try:
            if node is None:
                return Record(number, f"line {number}", {}, b"", None)
            found = _yaml_record(loader, node, number, line, path, known, name_field)
        finally:
            loader.dispose()
        values = {key: DataValue(value.value, _moved_span(value.span, number)) for key, value in found.values.items()}
        return Record(number, f"line {number}", values, found.raw, found.name,
                      tuple(_moved(d, number) for d in found.problems))

    basis = [without_values(record(number, line)) for number, line in lines()]
    return Records(basis, lambda: (record(number, line) for number, line in lines()))


def _moved_span(span: s.Span, line: int) -> s.Span:
    """A span of a one-line text, placed on ``line`` of its file."""
    return dataclasses.replace(span, line=span.line + line - 1, end_line=span.end_line + line - 1)


def _moved(diag: Diagnostic, line: int) -> Diagnostic:
    return dataclasses.replace(diag, span=_moved_span(diag.span, line)) if diag.span is not None else diag


def _mark_span(path: str, mark: Any) -> s.Span:
    return s.Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)


def _yaml_record(loader: DataLoader, node: Any, number: int, text: str, path: str, known: set[str],
                 name_field: str | None) -> Record:
    raw = text[node.start_mark.index:node.end_mark.index].encode("utf-8")
    label = f"record {number}"
    if not isinstance(node, yaml.MappingNode):
        problem = Diagnostic("PKM030", ERROR, f"{label} is not a mapping of input names to values",
                             _mark_span(path, node.start_mark), "write `name: value` for each input")
        return Record(number, label, {}, raw, None, (problem,))
    values: dict[str, DataValue] = {}
    problems: list[Diagnostic] = []
    name = None
    for key_node, value_node in node.value:
        end = key_node.end_mark
        span = s.Span(path, key_node.start_mark.line + 1, key_node.start_mark.column + 1, end.line + 1, end.column + 1)
        try:  # a value YAML cannot build (a date that does not exist) stops this record, not the batch
            key = construct(loader, key_node)
            if not isinstance(key, str):
                problems.append(Diagnostic("PKM030", ERROR, f"`{str(key)[:80]}` is not a field name", span))
                continue
            if key in values:
                problems.append(Diagnostic("PKM020", ERROR, f"`{key}` is given twice", span))
                continue
            value = construct(loader, value_node)
        except yaml.MarkedYAMLError as exc:
            problems.append(yaml_diagnostic(exc, text, path, "batch data is CSV, JSON or YAML"))
            continue
        if key == name_field:
            name = str(value.get("id", "")) if isinstance(value, dict) else None if value is None else str(value)
            if key not in known:
                continue
        values[key] = DataValue(value, span)
    return Record(number, label, values, raw, name, tuple(problems))


# ---------------------------------------------------------------- output names


def safe_file_name(text: str) -> str:
    """``text`` as a file name every system accepts: ASCII letters, digits, ``-`` and ``_``; "" when none is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE_NAME.sub("-", ascii_text).strip("-_")[:_MAX_NAME_LENGTH].strip("-_")
    return name + "_" if name.lower() in _WINDOWS_RESERVED else name


def output_names(records: Sequence[Record], stem: str) -> list[str]:
    """One file name per record: its name field made safe, else ``STEM-ROW``; repeats get ``-2``, ``-3``."""
    width = len(str(max((r.row for r in records), default=1)))
    used: set[str] = set()
    names = []
    for record in records:
        base = safe_file_name(record.name or "") or f"{safe_file_name(stem) or 'agreement'}-{record.row:0{width}d}"
        name, counter = base, 1
        while name.casefold() in used:  # some file systems ignore case
            counter += 1
            name = f"{base}-{counter}"
        used.add(name.casefold())
        names.append(name)
    return names


def without_values(record: Record) -> Record:
    """The record as an outcome keeps it: its row, label and name, not its values and text."""
    return Record(record.row, record.label, {}, b"", record.name)
