"""What a person typed into the form (the answers, kept per draft) ↔ the data file ``pkm build --data`` reads.

The answers are plain JSON: a text is ``{"id": ..., "en": ...}`` (English left empty when it is the same), a date
``{"d", "m", "y"}``, a duration ``{"n", "unit"}``, a list a list of its items, an allocation a list of
``{"who", "amount"}`` rows, a table a list of rows (each ``{column: answer}``), a period ``{"from", "until"}``,
anything else the string typed. Nothing here
judges a value: the data file is read by ``data.parse_data`` and the types of ``values.py``, as in ``pkm build``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Callable, Mapping

import yaml

from ..values import (AllocationType, BooleanType, DateType, DurationType, IntegerType, ListType, MoneyType,
                      PercentType, PeriodType, TableType, TextType, ValueType, Env)
from .form import Form

Answers = dict[str, Any]
MISSING = object()
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

#: Rows a list, an allocation or a table may have (a forest farmers' group lists its members: often more than a
#: hundred; 500 rows of a table of four controls stay within the 5,000 fields a posted form may hold), and
#: characters a field may hold (the data file's own limit is higher): a longer answer is kept whole, and refused
#: at its field (``validate``), so nothing typed is cut off unseen.
MAX_ROWS = 500
MAX_FIELD = 5_000


class _RawDate(str):
    """A date as typed (``2027-02-30``): written into the data file unquoted, so it is read as a date is."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_RawDate, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp", str(v)))


# ---- the form's fields → answers ----------------------------------------------------------------------


def _get(form: Mapping[str, str], key: str) -> str:
    return str(form.get(key, ""))  # a request holds at most MAX_UPLOAD bytes


def _date_answer(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {part: _get(form, f"{prefix}.{part}").strip() for part in ("d", "m", "y")}


def read_answer(type_: ValueType, form: Mapping[str, str], prefix: str) -> Any:
    """The answer the controls named ``prefix...`` of a posted form hold for a value of ``type_``."""
    if isinstance(type_, TextType):
        return {"id": _get(form, f"{prefix}.id"), "en": _get(form, f"{prefix}.en")}
    if isinstance(type_, DateType):
        return _date_answer(form, prefix)
    if isinstance(type_, DurationType):
        return {"n": _get(form, f"{prefix}.n").strip(), "unit": _get(form, f"{prefix}.unit") or "months"}
    if isinstance(type_, PeriodType):
        return {"from": _date_answer(form, f"{prefix}.from"), "until": _date_answer(form, f"{prefix}.until")}
    if isinstance(type_, ListType):
        rows = _rows(form, prefix)
        return [read_answer(type_.item, form, f"{prefix}.{i}") for i in range(rows)]
    if isinstance(type_, AllocationType):
        return [{"who": _get(form, f"{prefix}.{i}.who").strip(), "amount": _get(form, f"{prefix}.{i}.amount").strip()}
                for i in range(_rows(form, prefix))]
    if isinstance(type_, TableType):
        return [{c.name: read_answer(c.type, form, f"{prefix}.{i}.{c.name}") for c in type_.columns}
                for i in range(_rows(form, prefix))]
    return _get(form, prefix).strip()


def _rows(form: Mapping[str, str], prefix: str) -> int:
    try:
        return max(0, min(int(_get(form, f"{prefix}.rows") or 0), MAX_ROWS))
    except ValueError:
        return 0


def empty_answer(type_: ValueType) -> Any:
    """The answer of a field nobody has filled."""
    if isinstance(type_, TextType):
        return {"id": "", "en": ""}
    if isinstance(type_, DateType):
        return {"d": "", "m": "", "y": ""}
    if isinstance(type_, DurationType):
        return {"n": "", "unit": "months"}
    if isinstance(type_, PeriodType):
        return {"from": empty_answer(DateType()), "until": empty_answer(DateType())}
    if isinstance(type_, ListType):
        return [empty_answer(type_.item)]
    if isinstance(type_, AllocationType):
        return []
    if isinstance(type_, TableType):
        return [empty_row(type_)]
    return ""


def empty_row(type_: TableType) -> dict[str, Any]:
    """A table's row nobody has filled."""
    return {c.name: empty_answer(c.type) for c in type_.columns}


# ---- answers → the data file ----------------------------------------------------------------------------


def _date_data(answer: Mapping[str, str]) -> Any:
    d, m, y = (str(answer.get(k, "")).strip() for k in ("d", "m", "y"))
    if not (d or m or y):
        return MISSING
    if d.isdigit() and m.isdigit() and y.isdigit() and len(y) == 4 and len(d) <= 2 and len(m) <= 2:
        return _RawDate(f"{y}-{int(m):02d}-{int(d):02d}")
    return f"{y}-{m}-{d}"


def to_data(type_: ValueType, answer: Any) -> Any:
    """The value a data file holds for ``answer``, or MISSING when the field is left empty."""
    if isinstance(type_, TextType):
        if not isinstance(answer, dict):
            return MISSING
        id_text, en_text = str(answer.get("id", "")).strip(), str(answer.get("en", "")).strip()
        if not id_text and not en_text:
            return MISSING
        return id_text if not en_text or en_text == id_text else {"id": id_text, "en": en_text}
    if isinstance(type_, DateType):
        return _date_data(answer) if isinstance(answer, dict) else MISSING
    if isinstance(type_, DurationType):
        if not isinstance(answer, dict) or not str(answer.get("n", "")).strip():
            return MISSING
        return f"{str(answer['n']).strip()} {answer.get('unit') if answer.get('unit') == 'years' else 'months'}"
    if isinstance(type_, PeriodType):
        if not isinstance(answer, dict):
            return MISSING
        ends = {k: _date_data(answer.get(k) or {}) for k in ("from", "until")}
        given = {k: v for k, v in ends.items() if v is not MISSING}
        return given or MISSING
    if isinstance(type_, ListType):
        items = [to_data(type_.item, item) for item in answer] if isinstance(answer, list) else []
        items = [item for item in items if item is not MISSING]
        return items or MISSING
    if isinstance(type_, AllocationType):
        shares: dict[str, Any] = {}
        for row in answer if isinstance(answer, list) else []:
            amount = to_data(type_.of, row.get("amount", ""))
            who = str(row.get("who", "")).strip()
            if amount is not MISSING and who and who not in shares:  # a recipient's second row: validate says so
                shares[who] = amount
        return shares or MISSING
    if isinstance(type_, TableType):
        rows = []
        for row in answer if isinstance(answer, list) else []:
            cells = {c.name: to_data(c.type, row.get(c.name)) if isinstance(row, dict) else MISSING
                     for c in type_.columns}
            if any(v is not MISSING for v in cells.values()):  # a cell left empty: the row says which it lacks
                rows.append({name: v for name, v in cells.items() if v is not MISSING})
        return rows or MISSING
    text = str(answer).strip() if answer is not None else ""
    if not text:
        return MISSING
    if isinstance(type_, BooleanType):
        return {"yes": True, "no": False}.get(text, text)
    if isinstance(type_, IntegerType):
        return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else text
    if isinstance(type_, MoneyType) and re.fullmatch(r"[0-9][0-9.]*(,[0-9][0-9])?", text, re.ASCII):
        return "Rp" + text
    return text


def data_file(form: Form, answers: Answers) -> tuple[str, dict[str, int]]:
    """The data file (YAML) of ``answers``, and the line each input's key is on."""
    head = (f"# Data for {form.template}.pkm, written by pkm serve. Build it with:\n"
            f"#   pkm build {form.template}.pkm --data {form.template}.yaml -o out\n")
    values = {}
    for f in form.fields:
        value = to_data(f.type, answers.get(f.name, empty_answer(f.type)))
        if value is not MISSING:
            values[f.name] = value
    body = yaml.dump(values, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=1_000_000) if values else ""
    lines: dict[str, int] = {}
    for number, line in enumerate((head + body).splitlines(), 1):
        key = line.partition(":")[0]
        if key in values and not line.startswith((" ", "-")):
            lines[key] = number
    return head + body, lines


# ---- a data file → answers (import) -------------------------------------------------------------------


def _date_answer_of(raw: Any) -> dict[str, str]:
    if isinstance(raw, datetime.date):
        return {"d": str(raw.day), "m": str(raw.month), "y": str(raw.year)}
    y, _, rest = str(raw).partition("-")
    m, _, d = rest.partition("-")
    return {"d": d.lstrip("0") or d, "m": m.lstrip("0") or m, "y": y}


def from_data(type_: ValueType, raw: Any, parties: Callable[[], Env] = Env.empty) -> Any:
    """The answer that gives ``raw`` (a value read from a data file) back."""
    if isinstance(type_, TextType):
        if isinstance(raw, dict):
            id_text, en_text = str(raw.get("id", "")), str(raw.get("en", ""))
            return {"id": id_text, "en": "" if en_text == id_text else en_text}
        return {"id": str(raw), "en": ""}
    if isinstance(type_, DateType):
        return _date_answer_of(raw)
    if isinstance(type_, DurationType):
        n, _, unit = str(raw).strip().partition(" ")
        return {"n": n, "unit": "years" if unit.startswith(("year", "tahun")) else "months"}
    if isinstance(type_, PeriodType):
        period = PeriodType().from_data(raw, parties())
        return {"from": _date_answer_of(period.starts_on), "until": _date_answer_of(period.ends_on)}
    if isinstance(type_, ListType):
        return [from_data(type_.item, item, parties) for item in (raw if isinstance(raw, list) else [raw])]
    if isinstance(type_, AllocationType):
        return [{"who": str(k), "amount": _scalar(type_.of, v)} for k, v in raw.items()] if isinstance(raw, dict) \
            else []
    if isinstance(type_, TableType):
        rows = raw if isinstance(raw, list) else [raw]
        return [{c.name: from_data(c.type, row[c.name], parties) if c.name in row else empty_answer(c.type)
                 for c in type_.columns} for row in rows if isinstance(row, dict)]
    return _scalar(type_, raw)


def _scalar(type_: ValueType, raw: Any) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(type_, PercentType) and isinstance(raw, (int, float)):
        return f"{raw}%"
    return str(raw)
