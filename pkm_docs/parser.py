"""Parsing: ``.pkm`` text → Lark parse tree → frozen syntax tree. Lark trees never leave this module."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import syntax as s
from .errors import Diagnostic, ERROR, SourceError, UsageError, suggest
from .reading import read_text
from .resources import resource_dir
from .values import parse_amount, unsafe_character

#: Longest figure the parser reads; the resolver names the field when a shorter one is still too large.
_MAX_DIGITS = 1000

#: Source and data files larger than this are refused before parsing (defined with the reader, which the
#: library loader uses without this module when the library comes from the cache).
from .reading import MAX_SOURCE_BYTES  # noqa: E402

#: Words a user may mean where the parser expected something else, by the terminal Lark names.
_TERMINAL_NAMES = {
    "NAME": "a name",
    "STRING": "a quoted text",
    "LONG_STRING": 'a """text block"""',
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COLON": "`:`",
    "CLAUSE_ID": "a clause id such as `funding.cost_sharing`",
    "CONSTRAINT": "a version such as `@^2`",
    "VERSION": "a version such as `1.0.0`",
    "MONEY": "an amount such as `Rp500.000.000`",
    "PERCENT": "a percentage such as `40%`",
    "DATE": "a date such as `2026-12-01`",
    "DURATION": "a duration such as `12 months`",
    "NUMBER": "a number",
    "SLASH": "`/`",
    "COMMA": "`,`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMPARE": "a comparison such as `=`",
    "PART_KIND": "`preamble` or `closing`",
}

_KEYWORDS = (
    "agreement", "party", "witness", "input", "article", "preamble", "closing", "clause", "scheme", "glossary",
    "use", "text", "param", "require", "term", "when", "min", "max", "default", "optional",
    "means", "allocation", "section", "annex", "table",
)


_LARK_OPTIONS = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": True}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The LALR parser of the grammar: its tables come from the per-user cache (``cache.py``) when they were built
    from this grammar by this Lark; building them takes about 80 ms, loading them about 10."""
    import io

    import lark

    from . import cache

    grammar = (resource_dir("grammar") / "pkm.lark").read_text(encoding="utf-8")
    key = "\n".join([lark.__version__, repr(sorted(_LARK_OPTIONS.items())), grammar]).encode("utf-8")
    saved = cache.load("grammar.lark", key)
    if isinstance(saved, bytes):
        try:
            return Lark.load(io.BytesIO(saved))
        except Exception:  # tables of a Lark that reads them differently: build them again
            pass
    parser = Lark(grammar, **_LARK_OPTIONS)
    buffer = io.BytesIO()
    parser.save(buffer)
    cache.store("grammar.lark", key, buffer.getvalue())
    return parser


def _span(path: str, meta_or_token) -> s.Span:
    return s.Span(path, meta_or_token.line, meta_or_token.column, meta_or_token.end_line, meta_or_token.end_column)


def _unquote(token: Token) -> tuple[str, bool]:
    raw = str(token)
    if raw.startswith('"""'):
        body = raw[3:-3]
        if body.startswith("\n"):
            body = body[1:]
        return _dedent(body), True
    return re.sub(r"\\(.)", r"\1", raw[1:-1]), False


def _dedent(text: str) -> str:
    """Remove the common indentation of a text block, keeping its blank lines, and trim it."""
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines).strip()


@v_args(meta=True)
class _ToSyntax(Transformer):
    """Turns Lark's tree into :mod:`pkm_docs.syntax` nodes at once."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def sp(self, meta) -> s.Span:
        return _span(self.path, meta)

    def tok(self, token: Token) -> s.Span:
        return _span(self.path, token)

    def ident(self, meta, children):
        return children[0]

    # values
    def string(self, meta, children):
        value, long = _unquote(children[0])
        problem = unsafe_character(value)
        if problem:
            raw = str(children[0])
            bad = next(i for i, ch in enumerate(raw) if unsafe_character(ch))
            raise _SyntaxProblem("PKM002", f"this text {problem}", self.tok(children[0]).at_offset(raw, bad),
                                 "remove the character (it is often invisible in an editor)")
        return s.Str(value, self.tok(children[0]), long)

    def _digits(self, token: Token) -> None:
        if sum(ch.isdigit() for ch in str(token)) > _MAX_DIGITS:
            raise _SyntaxProblem("PKM002", f"`{str(token)[:24]}...` has more than {_MAX_DIGITS} digits",
                                 self.tok(token), "amounts and numbers are written in words up to 999 trillion")

    def pair(self, meta, children):
        return s.Pair(children[0], children[1], self.sp(meta))

    def money(self, meta, children):
        self._digits(children[0])
        return s.Money(parse_amount(str(children[0])), self.tok(children[0]))

    def percent(self, meta, children):
        self._digits(children[0])
        raw = str(children[0]).replace("%", "").strip().replace(",", ".")
        return s.Percent(Decimal(raw), self.tok(children[0]))

    def date(self, meta, children):
        token = children[0]
        try:
            value = datetime.date.fromisoformat(str(token))
        except ValueError:
            raise _SyntaxProblem("PKM002", f"`{token}` is not a date that exists", self.tok(token),
                                 "write dates as YEAR-MONTH-DAY, e.g. `2026-12-01`") from None
        return s.Date(value, self.tok(token))

    def duration(self, meta, children):
        self._digits(children[0])
        amount, unit = str(children[0]).split()
        unit = "years" if unit.startswith(("year", "tahun")) else "months"
        return s.Duration(int(amount), unit, self.tok(children[0]))

    def number(self, meta, children):
        self._digits(children[0])
        return s.Number(Decimal(str(children[0]).replace(",", ".")), self.tok(children[0]), str(children[0]))

    def name(self, meta, children):
        return s.Name(str(children[0]), self.tok(children[0]))

    def list(self, meta, children):
        return s.ListValue(tuple(c for c in children if c is not None), self.sp(meta))

    def mapping(self, meta, children):
        entries = tuple(child for child in children if child is not None)
        return s.Mapping(entries, self.sp(meta))

    def entry(self, meta, children):
        key, value = children
        if isinstance(key, Token):
            key = s.Name(str(key), self.tok(key))
        return key, value

    def clause_ref(self, meta, children):
        clause_id, constraint = children
        return s.ClauseRef(str(clause_id), str(constraint)[1:] if constraint else None, self.sp(meta))

    def field(self, meta, children):
        name, *values = children
        value = values[0] if len(values) == 1 else s.ListValue(tuple(values), self.sp(meta))
        return s.Field(str(name), value, self.sp(meta), self.tok(name))

    # types and parameters
    def simple_type(self, meta, children):
        return s.TypeExpr(str(children[0]), self.sp(meta))

    def choice_item(self, meta, children):
        return str(children[0]), children[1]

    def choice_type(self, meta, children):
        return s.TypeExpr("choice", self.sp(meta), choices=tuple(name for name, _ in children),
                          labels=tuple(label for _, label in children))

    def list_type(self, meta, children):
        return s.TypeExpr("list", self.sp(meta), item=children[0])

    def unit_type(self, meta, children):
        return s.TypeExpr(str(children[0]), self.sp(meta), unit=str(children[1]))

    def allocation_type(self, meta, children):
        return s.TypeExpr("allocation", self.sp(meta), item=children[0], over_parties=children[1] is not None)

    def table_column(self, meta, children):
        name, label, item = children
        return str(name), label, item

    def table_type(self, meta, children):
        names = [name for name, _, _ in children]
        for index, (name, _, item) in enumerate(children):
            if name in names[:index]:
                raise _SyntaxProblem("PKM027", f"column `{name}` is declared twice in this table", item.span)
        return s.TypeExpr("table", self.sp(meta), columns=tuple(children))

    def over(self, meta, children):
        return True

    def means(self, meta, children):
        name, arg = children
        return s.Constraint("means", s.Name(str(name), self.tok(name)), self.sp(meta),
                            s.Name(str(arg), self.tok(arg)) if arg is not None else None)

    def min(self, meta, children):
        return s.Constraint("min", children[0], self.sp(meta))

    def max(self, meta, children):
        return s.Constraint("max", children[0], self.sp(meta))

    def default(self, meta, children):
        return s.Constraint("default", children[0], self.sp(meta))

    def optional(self, meta, children):
        return s.Constraint("optional", None, self.sp(meta))

    def param_decl(self, meta, children):
        name, type_expr, *constraints = children
        return s.ParamDecl(str(name), type_expr, tuple(constraints), self.sp(meta))

    def input_def(self, meta, children):
        return s.InputDef(self.param_decl(meta, children))

    def lang_text(self, meta, children):
        return s.LangText(str(children[0]), children[1], self.sp(meta))

    def text_block(self, meta, children):
        return s.TextBlock(tuple(children), self.sp(meta))

    # declarations
    def clause_def(self, meta, children):
        clause_id, version, *items = children
        fields = tuple(i for i in items if isinstance(i, s.Field))
        params = tuple(i for i in items if isinstance(i, s.ParamDecl))
        bodies = [i for i in items if isinstance(i, s.TextBlock)]
        if len(bodies) > 1:
            raise _SyntaxProblem("PKM004", f"clause `{clause_id}` has more than one `text` block",
                                 bodies[1].span, "put every language in one `text { id: ... en: ... }`")
        return s.ClauseDef(str(clause_id), str(version), fields, params, bodies[0] if bodies else None,
                           self.sp(meta), self.tok(clause_id))

    def requirement(self, meta, children):
        section, title, condition = children
        return s.Requirement(str(section), title, condition, self.sp(meta))

    def scheme_def(self, meta, children):
        name, *items = children
        return s.SchemeDef(str(name), tuple(i for i in items if isinstance(i, s.Field)),
                           tuple(i for i in items if isinstance(i, s.Requirement)), self.sp(meta))

    def term(self, meta, children):
        return s.Term(children[0], self.sp(meta))

    def glossary_def(self, meta, children):
        return s.GlossaryDef(tuple(children), self.sp(meta))

    def agreement_def(self, meta, children):
        return s.AgreementDef(tuple(children), self.sp(meta))

    def party_def(self, meta, children):
        key, *fields = children
        return s.PartyDef(str(key), tuple(fields), self.sp(meta), self.tok(key))

    def witness_def(self, meta, children):
        key, *fields = children
        return s.WitnessDef(str(key), tuple(fields), self.sp(meta), self.tok(key))

    def use(self, meta, children):
        ref, condition, *args = children
        return s.Use(ref, condition, tuple(a for a in args if a is not None), self.sp(meta))

    def adhoc(self, meta, children):
        section, replaces, condition, *texts = children
        return s.AdHoc(s.TextBlock(tuple(texts), self.sp(meta)), condition, self.sp(meta), section, replaces)

    def adhoc_replaces(self, meta, children):
        return children[0]

    def adhoc_section(self, meta, children):
        return s.Name(str(children[0]), self.tok(children[0]))

    def article_title(self, meta, children):
        return children[0]

    def article_def(self, meta, children):
        key, title, *items = children
        return s.ArticleDef("article", title, tuple(items), self.sp(meta), key)

    def annex_def(self, meta, children):
        key, title, *items = children
        return s.ArticleDef("annex", title, tuple(items), self.sp(meta), key)

    def article_key(self, meta, children):
        return s.Name(str(children[0]), self.tok(children[0]))

    def part_def(self, meta, children):
        kind, *items = children
        return s.ArticleDef(str(kind), None, tuple(items), self.sp(meta))

    # conditions
    def compare(self, meta, children):
        left, op, right = children
        op = "==" if str(op) == "=" else str(op)
        return s.Compare(op, left, right, self.sp(meta))

    def truth(self, meta, children):
        return s.Compare(None, children[0], None, self.sp(meta))

    def or_cond(self, meta, children):
        return s.BoolOp("or", tuple(children), self.sp(meta))

    def and_cond(self, meta, children):
        return s.BoolOp("and", tuple(children), self.sp(meta))

    def not_(self, meta, children):
        return s.Not(children[0], self.sp(meta))

    def start(self, meta, children):
        return tuple(children)


class _SyntaxProblem(Exception):
    """Raised inside the transformer; turned into a diagnostic by :func:`parse`."""

    def __init__(self, code: str, message: str, span: s.Span, hint: str | None = None):
        super().__init__(message)
        self.diagnostic = Diagnostic(code, ERROR, message, span, hint)


def read_source(path: str | Path) -> str:
    """The text of a source file, or a :class:`UsageError` that says why it cannot be read."""
    return read_text(path, MAX_SOURCE_BYTES, "source files")


def parse_file(path: str | Path) -> s.SourceFile:
    """Read and parse a ``.pkm`` file."""
    return parse(read_source(path), str(path))


def parse(text: str, path: str = "<string>") -> s.SourceFile:
    """Parse source text; every syntax mistake becomes a :class:`SourceError` with a span and a hint."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise UsageError(f"{path} is larger than {MAX_SOURCE_BYTES:,} bytes")
    try:
        tree = _parser().parse(text)
        declarations = _ToSyntax(path).transform(tree)
    except UnexpectedInput as exc:
        raise SourceError([_syntax_diagnostic(exc, text, path)]) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, _SyntaxProblem):
            raise SourceError([exc.orig_exc.diagnostic]) from None
        if isinstance(exc.orig_exc, (ValueError, InvalidOperation)):
            meta = getattr(exc.obj, "meta", None)
            span = _span(path, meta) if meta is not None and not getattr(meta, "empty", True) else None
            raise SourceError([Diagnostic("PKM002", ERROR, f"bad value: {exc.orig_exc}", span)]) from None
        raise
    except RecursionError:
        raise SourceError([Diagnostic("PKM001", ERROR, "the source is nested too deeply to read",
                                      s.Span(path, 1, 1, 1, 2))]) from None
    return s.SourceFile(path, text, declarations)


def _syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line, column = getattr(exc, "line", 1) or 1, getattr(exc, "column", 1) or 1
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        last = text.rstrip().splitlines() or [""]
        line, column = len(last), len(last[-1]) + 1
        span = s.Span(path, line, column, line, column + 1)
        return Diagnostic("PKM001", ERROR, "the file ends too early", span,
                          "a `{` may be missing its closing `}`, or a `\"\"\"` its closing quotes")
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream  # lark types it Optional; UnexpectedCharacters sets it
        char = text[pos] if pos is not None and pos < len(text) else ""
        span = s.Span(path, line, column, line, column + 1)
        if char == '"':
            return Diagnostic("PKM001", ERROR, "this text has no closing quote", span,
                              'close it with `"` on the same line, or use `"""` for text over several lines')
        if char == "\t":
            char_desc = "a tab"
        elif char.isprintable():
            char_desc = f"`{char}`"
        else:
            char_desc = f"the character U+{ord(char):04X}"
        word = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[exc.pos_in_stream:])
        hint = None
        if char == "@":
            hint = "versions are written right after the clause id: `funding.cost_sharing@^2`"
        elif char.isdigit() or char == "R":
            hint = "amounts are written `Rp500.000.000`, percentages `40%`, dates `2026-12-01`, durations `12 months`"
        elif word:
            hint = suggest(word.group(), _KEYWORDS)
        return Diagnostic("PKM001", ERROR, f"unexpected {char_desc} here", span, hint)
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    span = s.Span(path, line, column, token.end_line or line, token.end_column or column + 1)
    expected = sorted(_TERMINAL_NAMES.get(t, f"`{t.lower()}`" if t.isupper() else t) for t in exc.expected
                      if not t.startswith("__"))
    expected_text = ", ".join(dict.fromkeys(expected)) if expected else "something else"
    keywords = [t.lower() for t in exc.expected if t.isupper() and t.lower() in _KEYWORDS]
    hint = suggest(str(token), keywords) if token.type == "NAME" and keywords else None  # a did-you-mean goes first
    before = _lexed_before(text, token) if hint is None else None
    misspelt = _misspelt_keyword(before, token) if before is not None else None
    if misspelt is not None:  # `param share: percent mn 0%`: LALR took `mn` for a name and stopped after it
        return Diagnostic("PKM001", ERROR, f"unexpected `{misspelt}` here", _span(path, misspelt),
                          suggest(str(misspelt), _KEYWORDS))
    stray = _stray_word(before, token, "COLON" in exc.expected) if before is not None else None
    if hint is None and token.type == "NAME" and "COLON" in exc.expected:
        hint = "a field is written `name: value`"
    if stray is not None:  # `signed_on: 2026-12-01 besok` (LALR took `besok` for the next field's name), `... 5`
        translation = ' or a translation `"..." / "..."`' if stray.type in ("STRING", "LONG_STRING") else ""
        return Diagnostic("PKM001", ERROR, f"unexpected `{stray}` after the value on this line",
                          _span(path, stray),
                          "a field holds one value: text of more than one word goes in quotes "
                          f'("..."){translation}; or remove `{stray}`')
    if hint is None and token.type in ("NAME", "STRING", "LONG_STRING") and "COLON" in exc.expected:
        hint = "a `:` may be missing after the field name on this or the previous line"
    if hint is None and token.type == "WHEN":  # `use ID { ... } when c`: the condition written after the values
        hint = ("a condition comes before the values it governs: `use ID@^1 when CONDITION { ... }`, "
                "`text when CONDITION { ... }`")
    return Diagnostic("PKM001", ERROR, f"unexpected `{token}`; expected {expected_text}", span, hint)


#: The terminals a field's value is written with.
_VALUE_TOKENS = frozenset({"STRING", "LONG_STRING", "NUMBER", "DATE", "MONEY", "PERCENT", "DURATION", "NAME"})


def _lexed_before(text: str, token: Token) -> list[Token] | None:
    """The tokens of ``text`` before ``token``, where the parser stopped (None when they do not lex)."""
    try:
        return list(_parser().lex(text[:token.start_pos]))
    except UnexpectedInput:
        return None


def _misspelt_keyword(before: list[Token], token: Token) -> Token | None:
    """The word right before ``token`` on its line when it is no keyword but close to one (``mn`` for ``min``) and
    not the first word of its line (that is a field's name, ``number "001"``: its `:` is missing): the parser read
    it as a name and failed only at the token after it, which is not where the mistake is. ``before``: the tokens
    before ``token``."""
    if len(before) < 2 or before[-1].type != "NAME" or str(before[-1]) in _KEYWORDS \
            or not before[-2].line == before[-1].line == token.line:
        return None
    return before[-1] if suggest(str(before[-1]), _KEYWORDS) is not None else None


def _stray_word(before: list[Token], token: Token, colon_expected: bool) -> Token | None:
    """A word or value left after a field's value on its line, where the parser stopped: ``token`` itself when it
    follows ``name: value`` on the same line (``signed_on: 2026-12-01 5``), or, when a `:` was expected, the word
    the parser took for the next field's name at the end of the line before (``signed_on: 2026-12-01 besok``).
    None when it is neither. ``before``: the tokens before ``token``."""
    if len(before) >= 2 and token.type in _VALUE_TOKENS and before[-1].type in _VALUE_TOKENS \
            and before[-2].type == "COLON" and before[-1].line == token.line == before[-2].line:
        return token
    if not colon_expected or len(before) < 2:
        return None
    word, previous = before[-1], before[-2]
    if word.type != "NAME" or word.line is None or token.line is None or word.line >= token.line:
        return None
    return word if previous.line == word.line and previous.type != "COLON" else None
