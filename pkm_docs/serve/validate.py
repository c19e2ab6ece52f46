"""The answers of a draft checked as ``pkm check --data`` checks a data file, each diagnostic filed under the
field it is about (by the line of the data file or the template it points at) or under the agreement, with its
text in Indonesian and English."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from .. import locale
from .. import syntax as s
from ..check_cli import check_compiled
from ..checks.registry import hint_in, message_in
from ..codes import CODES
from ..data import parse_data
from ..errors import Diagnostic, PkmError, SourceError
from ..library import Library
from ..pipeline import Compiled, names_only
from ..resolve import resolve
from ..values import comparable
from .answers import MAX_FIELD, Answers, data_file
from .form import Field, Form


@dataclass(frozen=True)
class Message:
    """A diagnostic as the form shows it: in each language, and the fields it is about."""

    code: str
    severity: str
    id: str
    en: str
    hint: str | None
    fields: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Outcome:
    """What the checks say about a draft: by field, and about the agreement as a whole."""

    data: str  # the data file the answers make
    by_field: dict[str, list[Message]] = field(default_factory=dict)
    agreement: list[Message] = field(default_factory=list)
    compiled: Compiled | None = None

    def messages_at(self, name: str) -> list[Message]:
        """What is said at the field ``name``: its own messages, then the agreement's findings that link it."""
        return self.by_field.get(name, []) + [m for m in self.agreement if name in m.fields]

    def errors_in(self, names: list[str]) -> bool:
        return any(m.is_error for n in names for m in self.by_field.get(n, []))

    @property
    def ok(self) -> bool:
        return self.compiled is not None and not any(m.is_error for ms in self.by_field.values() for m in ms) \
            and not any(m.is_error for m in self.agreement)


_TYPE_ID = {"text": "teks", "money": "jumlah uang", "percent": "persentase", "date": "tanggal",
            "duration": "jangka waktu", "integer": "bilangan bulat", "quantity": "luas atau jumlah", "party": "pihak",
            "boolean": "ya atau tidak", "choice": "salah satu pilihan", "list": "daftar", "allocation": "pembagian",
            "period": "periode", "table": "tabel"}


_FILE_HINTS = ("PKM030", "PKM032", "PKM033")

#: What a control of each kind takes, with an example of what to type in it (not the data file's notation: the
#: form gives the "Rp", the "%", the unit, the month and the row's recipient itself).
_TYPED_ID = {"money": "jumlah uang dalam angka, misalnya 950.000.000 atau 950.000.000,50",
             "percent": "persentase dalam angka, misalnya 40 atau 12,5",
             "integer": "bilangan bulat, misalnya 3",
             "quantity": "angka, misalnya 125,5",
             "duration": "jangka waktu dalam angka, misalnya 6, lalu pilih bulan atau tahun",
             "date": "tanggal, bulan, dan tahun, misalnya 1 Desember 2026",
             "boolean": "Ya atau Tidak",
             "choice": "salah satu pilihan pada daftar",
             "party": "salah satu pihak pada daftar",
             "account_number": "nomor rekening: 5 sampai 34 angka, boleh dikelompokkan dengan spasi, titik, atau "
                               "tanda hubung, misalnya 0012-01-000123-30-5"}


def _wrong_form(f: Field, answers: Answers) -> str:
    """A PKM015 (a value the type cannot read) in Indonesian: a character that cannot be in a document, a period's
    end missing or before its start, else what the control takes."""
    from ..values import unsafe_character
    answer = answers.get(f.name)
    for text in _strings(answer):
        if unsafe_character(text):
            char = next(c for c in text if unsafe_character(c))
            return (f"Isian memuat karakter tak terlihat U+{ord(char):04X}, yang dapat menyembunyikan atau "
                    "menyamarkan teks dalam dokumen hukum. Hapus karakter itu.")
    kind = f.type.kind
    if kind == "period" and isinstance(answer, dict):
        ends = [answer.get(end) or {} for end in ("from", "until")]
        if not all(any(str(v).strip() for v in end.values()) for end in ends):
            return "Isian tidak sesuai: isi tanggal mulai dan tanggal berakhir."
        try:
            first, last = (datetime.date(int(e["y"]), int(e["m"]), int(e["d"])) for e in ends)
            if last < first:
                return "Isian tidak sesuai: periode berakhir sebelum dimulai."
        except (KeyError, TypeError, ValueError):  # a date that does not exist is PKM030's
            pass
        kind = "date"
    if kind == "table" and isinstance(answer, list):
        cell = _wrong_cell(f.type, answer)
        if cell is not None:
            row, column = cell
            return (f"Isian tidak sesuai pada baris {row + 1}, kolom {f.heading(column, 'id')}: yang diminta "
                    f"{_TYPED_ID.get(column.type.kind) or _TYPE_ID.get(column.type.kind, column.type.kind)}.")
    item = getattr(f.type, "item", None) or getattr(f.type, "of", None)  # a list's item, an allocation's amount
    if kind in ("list", "allocation") and item is not None and item.kind in _TYPED_ID:
        kind = item.kind
    what = _TYPED_ID.get(kind) or _TYPE_ID.get(kind, kind)
    return f"Isian tidak sesuai: yang diminta {what}."


def _wrong_cell(type_: Any, rows: list[Any]) -> tuple[int, Any] | None:
    """The first cell of a table's answer that its column's type cannot read: its row and its column."""
    from ..values import Env, ValueProblem
    from .answers import MISSING, to_data
    for i, row in enumerate(rows):
        for column in type_.columns:
            if column.type.kind == "party" or not isinstance(row, dict):  # chosen from a list of the parties
                continue
            value = to_data(column.type, row.get(column.name))
            try:
                if value is not MISSING:
                    column.type.from_data(value, Env.empty())
            except ValueProblem:
                return i, column
    return None


def _strings(answer: Any) -> list[str]:
    """Every string of an answer (the two texts of a text, each row of a list ...)."""
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, dict):
        return [t for v in answer.values() for t in _strings(v)]
    if isinstance(answer, list):
        return [t for v in answer for t in _strings(v)]
    return []


def _month(number: int, lang: str) -> str:
    return locale.format_date(datetime.date(2000, number, 1), lang).split(" ")[1]


def _indonesian(diag: Diagnostic, f: Field | None, answers: Answers) -> str:
    """The Indonesian text of a diagnostic: the check's own, or what its code says about the field."""
    text = message_in(diag, "id")
    if text != diag.message or f is None:
        return text if text != diag.message else (CODES[diag.code].title["id"] if diag.code in CODES else text)
    if diag.code == "PKM032":
        return "Wajib diisi."
    if diag.code == "PKM030" and f.type.kind in ("date", "period"):
        missing = _missing_day(f, answers)
        return f"Tanggal {missing[0]} {_month(missing[1], 'id')} {missing[2]} tidak ada." if missing \
            else "Tanggal ini tidak ada."
    if diag.code == "PKM015":
        return _wrong_form(f, answers)
    if diag.code == "PKM017":
        return _out_of_bounds(diag, f, answers, "id")
    return CODES[diag.code].title["id"] + "." if diag.code in CODES else text


_BOUND_WORDS = {"id": ("Nilai di luar batas", "paling sedikit", "paling banyak", "dan"),
                "en": ("Value out of bounds", "at least", "at most", "and")}


def _out_of_bounds(diag: Diagnostic, f: Field, answers: Answers, lang: str) -> str:
    """A PKM017 in the form's words: the bounds of the declaration the value breaks (the input's own, or those of
    the clause parameter it is passed to), without the parameter's name, which the person never saw."""
    from .answers import MISSING, empty_answer, to_data
    from ..values import Env, check_bounds
    raw = to_data(f.type, answers.get(f.name, empty_answer(f.type)))
    specs = (f.spec, *f.passed_to)
    try:
        value = f.type.from_data(raw, Env.empty()) if raw is not MISSING else None
    except Exception:  # not readable here: the declaration's bounds are said as they are
        value = None
    broken = next((spec for spec in specs if value is not None
                   and check_bounds(value, spec.name, spec.type, spec.bounds) == diag.message), f.spec)
    title, least, most, both = _BOUND_WORDS[lang]
    bounds = [f"{least} {broken.type.plain(broken.minimum)}" if broken.minimum is not None else "",
              f"{most} {broken.type.plain(broken.maximum)}" if broken.maximum is not None else ""]
    said = f" {both} ".join(b for b in bounds if b)
    return f"{title}: {said}." if said else f"{title}."


def _missing_day(f: Field, answers: Answers) -> tuple[int, int, str] | None:
    """The day, month and year typed for a date (or a period's end) that does not exist."""
    answer = answers.get(f.name) or {}
    for part in ([answer] if f.type.kind == "date" else [answer.get("from") or {}, answer.get("until") or {}]):
        d, m, y = (str(part.get(k, "")) for k in ("d", "m", "y"))
        if d.isdigit() and m.isdigit() and y.isdigit() and 1 <= int(m) <= 12:
            try:
                datetime.date(int(y), int(m), int(d))
            except ValueError:
                return int(d), int(m), y
    return None


def _english(diag: Diagnostic, f: Field | None, answers: Answers) -> str:
    """The diagnostic's message (after the day that does not exist when a date is impossible), or, for a field left
    empty or out of bounds, the form's words for it."""
    if f is not None and diag.code == "PKM032":  # not "no value for `x` (text, e.g. ...) in x.yaml": no file here
        return "Required."
    if f is not None and diag.code == "PKM017":
        return _out_of_bounds(diag, f, answers, "en")
    missing = _missing_day(f, answers) if f is not None and diag.code == "PKM030" else None
    if missing:
        return f"{missing[0]} {_month(missing[1], 'en')} {missing[2]} does not exist: {diag.message}"
    return diag.message


def _field_at(form: Form, diag: Diagnostic, data_name: str, lines: dict[str, int]) -> Field | None:
    span = diag.span
    if span is None:
        return None
    if span.file == data_name:
        starts = [(line, name) for name, line in lines.items() if line <= span.line]
        return form.field(max(starts)[1]) if starts else None
    return next((f for f in form.fields if f.line == span.line), None)


def _use_fields(form: Form, span: s.Span | None) -> tuple[str, ...]:
    """The inputs a template's ``use`` at ``span`` takes (what an agreement-level finding is about)."""
    if span is None:
        return ()
    for start, end, names in form.uses:
        if start <= span.line <= end:
            return names
    return ()


def validate(form: Form, answers: Answers, library: Library, *, checks: bool = True) -> Outcome:
    """Resolve the template with the data file of ``answers`` and (``checks``) run every check on it."""
    data_name, source_name = f"{form.template}.yaml", f"{form.template}.pkm"
    outcome = Outcome(data="")
    kept = dict(answers)
    found: list[Diagnostic] = []
    values = None
    for _ in range(len(form.fields) + 1):  # a value the data file reader refuses is set aside, the rest is read
        text, lines = data_file(form, kept)
        try:
            values = parse_data(text, data_name)
            break
        except SourceError as error:
            bad = {f.name for d in error.diagnostics if (f := _field_at(form, d, data_name, lines)) is not None}
            found += [d for d in error.diagnostics]
            if not bad:
                break
            for name in bad:
                kept.pop(name, None)
    outcome.data, lines = data_file(form, answers)
    if values is not None:
        text, kept_lines = data_file(form, kept)
        try:
            resolved = resolve(form.tree, library, values, data_name, text.encode("utf-8"))
        except SourceError as error:
            found += [d for d in error.diagnostics if not (d.code == "PKM032" and _set_aside(form, d, kept, answers))]
        else:
            if kept == answers:
                outcome.compiled = Compiled(names_only(resolved.agreement), resolved.warnings,
                                            {source_name: form.source})
                found += check_compiled(outcome.compiled, library) if checks else list(resolved.warnings)
        lines_for = kept_lines
    else:
        lines_for = lines
    for f in form.fields:
        longest = max((len(t) for t in _strings(answers.get(f.name))), default=0)
        if longest > MAX_FIELD:
            outcome.by_field.setdefault(f.name, []).append(Message(
                "PKM039", "error", f"Isian terlalu panjang: {longest:,} karakter, paling banyak {MAX_FIELD:,}."
                .replace(",", "."), f"Too long: {longest:,} characters, at most {MAX_FIELD:,}.", None, (f.name,)))
        twice = _written_twice(f, answers.get(f.name))
        if twice is not None:
            outcome.by_field.setdefault(f.name, []).append(Message(
                "PKM020", "error", f"Penerima “{twice}” tertulis di lebih dari satu baris. Tulis bagiannya dalam satu "
                "baris saja.", f"The recipient “{twice}” is in more than one row: give its part in one row only.",
                None, (f.name,)))
    for diag in found:
        f = _field_at(form, diag, data_name, lines if diag.code == "PKM030" else lines_for)
        hint = None if diag.code in _FILE_HINTS else hint_in(diag, "en")  # they say how to write a data file
        message = Message(diag.code, diag.severity, _indonesian(diag, f, answers), _english(diag, f, answers), hint,
                          (f.name,) if f else _use_fields(form, diag.span))
        if f is not None:
            if message not in outcome.by_field.get(f.name, []):  # an input's bound and its clause's, said alike
                outcome.by_field.setdefault(f.name, []).append(message)
        else:
            outcome.agreement.append(message)
    return outcome


def _written_twice(f: Field, answer: Any) -> str | None:
    """The first recipient of an allocation's answer that more than one row names (a party's own row included)."""
    if f.type.kind != "allocation" or not isinstance(answer, list):
        return None
    seen: set[str] = set()
    for row in answer:
        who = str(row.get("who", "")).strip() if isinstance(row, dict) else ""
        if who in seen:
            return who
        if who:
            seen.add(who)
    return None


def refused(form: Form, answers: Answers, outcome: Outcome, error: PkmError) -> None:
    """File a renderer's refusal of a checked draft as errors of ``outcome``: a character none of the PDF's fonts
    has at each field whose answer holds it, anything else about the agreement."""
    characters = getattr(error, "characters", ())  # renderers.pdf.MissingGlyphError
    for diag in error.diagnostics:
        placed = False
        for cluster in characters:
            for ch in dict.fromkeys((cluster, cluster[:1])):
                names = [f.name for f in form.fields
                         if ch and any(ch in text for text in _strings(answers.get(f.name)))]
                if not names:
                    continue
                points = " ".join(f"U+{ord(c):04X}" for c in ch)
                message = Message(diag.code, diag.severity,
                                  f"Karakter {ch} ({points}) tidak dapat dicetak dalam PDF: tidak ada pada huruf "
                                  "yang dipakai PDF, dan PDF/A tidak membolehkan karakter yang tidak tampil. Hapus "
                                  "atau ganti karakter itu.",
                                  f"the character {points} ({ch}) is in none of the fonts the PDF embeds, and PDF/A "
                                  "allows no missing glyph: remove or replace it", None)
                for name in names:
                    outcome.by_field.setdefault(name, []).append(replace(message, fields=(name,)))
                placed = True
                break
        if not placed:
            outcome.agreement.append(Message(diag.code, diag.severity, "Dokumen tidak dapat dibuat.", diag.message,
                                             diag.hint))


def _set_aside(form: Form, diag: Diagnostic, kept: Answers, answers: Answers) -> bool:
    """Is ``diag`` the missing value of a field set aside (already reported by the data file reader)?"""
    f = _field_at(form, diag, "", {})
    return f is not None and f.name in answers and f.name not in kept


def skipped(form: Form, answers: Answers) -> set[str]:
    """The fields not asked: each is used only by clauses whose ``when`` is false for the answers given so far
    (and may be left empty: a required input is asked whatever its clauses' conditions)."""
    from ..conditions import ConditionError, compile_condition, evaluate
    from ..errors import DiagnosticSink
    from ..values import Env
    from .answers import MISSING, empty_answer, to_data
    typed: dict[str, Any] = {}
    parties = Env({}, {key: alias for key, alias in form.parties})
    for f in form.fields:
        raw = to_data(f.type, answers.get(f.name, empty_answer(f.type)))
        try:
            typed[f.name] = f.type.from_data(raw, parties) if raw is not MISSING else \
                (f.spec.default if f.spec.has_default else None)
        except Exception:  # a value the type refuses is unknown here; its field reports it
            typed[f.name] = None
    out: set[str] = set()
    for f in form.fields:
        if not f.conditions or f.required:
            continue
        holds = []
        for cond in f.conditions:
            compiled = compile_condition(cond, typed, DiagnosticSink())
            try:
                holds.append(evaluate(compiled, lambda n: comparable(typed.get(n)) if typed.get(n) is not None
                                      else _Unknown.fail()))
            except (ConditionError, _Unknown):
                holds.append(True)  # not known yet: the field is asked
        if not any(holds):
            out.add(f.name)
    return out


class _Unknown(Exception):
    """A condition reads an input not answered yet."""

    @staticmethod
    def fail() -> Any:
        raise _Unknown()


def preview(f: Field, value: Any, lang: str) -> str:
    """How the agreement writes a field's value in ``lang`` (the figures and words of an amount)."""
    from ..values import Env
    try:
        return f.type.format(value, lang, Env.empty())
    except (KeyError, AttributeError, TypeError, ValueError):
        return ""
