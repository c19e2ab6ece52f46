"""``pkm check FILE.pkm``: read, resolve and check an agreement; report in text, JSON or SARIF.

Exit codes: 0 no error (warnings allowed), 1 the agreement (or the library) has errors, syntax and resolution
errors included, 2 the command line is wrong or a file cannot be read.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from .checks import RULES, run_checks, sort_diagnostics
from .checks.formats import FORMATS, explain, render
from .checks.registry import filter_diagnostics, split_prefixes, valid_prefix
from .errors import Diagnostic, PkmError, UsageError, format_diagnostic, suggest
from .library import Library, load_library
from .limits import limit_problems
from .pipeline import Compiled, compile_agreement

LANGS = ("id", "en")
DEFAULT_LANG = "en"


def add_check_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``pkm check`` on the ``pkm`` command's subparsers; returns the new parser."""
    parser = subparsers.add_parser(
        "check", help="check an agreement: mandatory sections, consistency, bilingual parity",
        description="Check an agreement. Exit 0 when there is no error (warnings allowed), 1 when it has "
                    "errors, 2 when the command line is wrong or a file cannot be read.")
    configure_parser(parser)
    return parser


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, nargs="?", help="the agreement (.pkm)")
    parser.add_argument("--data", type=Path, help="a YAML or JSON file that fills the agreement's inputs")
    parser.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help=f"language of the messages: id or en (default: {DEFAULT_LANG})")
    parser.add_argument("--select", action="append", metavar="PREFIXES",
                        help="report only codes starting with these comma-separated prefixes, e.g. PKM1,PKM013")
    parser.add_argument("--ignore", action="append", metavar="PREFIXES",
                        help="do not report codes starting with these comma-separated prefixes, e.g. PKM164")
    parser.add_argument("--explain", metavar="CODE", help="explain what a rule checks and why, then exit")
    parser.set_defaults(handler=check_command)


def check_command(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``pkm check`` with parsed ``args``; returns the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    lang = getattr(args, "lang", DEFAULT_LANG) or DEFAULT_LANG
    try:
        if args.explain:
            stdout.write(explain(_rule_for(args.explain), lang))
            return 0
        if args.source is None:
            raise UsageError("pkm check: give the agreement to check (FILE.pkm)", "run `pkm check --help`")
        select, ignore = _prefixes(args.select, "--select"), _prefixes(args.ignore, "--ignore")
        diagnostics, sources = _check(args, select, ignore)
    except UsageError as error:
        for diag in error.diagnostics:
            print(format_diagnostic(diag), file=stderr)
        return error.exit_code
    stdout.write(render(diagnostics, args.format, lang, sources))
    return 1 if any(d.is_error for d in diagnostics) else 0


def _check(args: argparse.Namespace, select: list[str], ignore: list[str]) -> tuple[list[Diagnostic], dict[str, str]]:
    """Diagnostics about the agreement and its sources; errors that stop resolution are reported, not raised."""
    try:
        library = load_library(args.library)
        compiled = compile_agreement(args.source, library=library, data=args.data)
    except UsageError:
        raise
    except PkmError as error:
        # errors that stop reading or resolving cannot be ignored; warnings met on the way can
        found = [d for d in error.diagnostics if d.is_error or _selected(d, select, ignore)]
        return sort_diagnostics(found), {}
    return check_compiled(compiled, library, select=select, ignore=ignore), dict(compiled.sources)


def check_compiled(compiled: Compiled, library: Library, *, select: Sequence[str] = (),
                   ignore: Sequence[str] = ()) -> list[Diagnostic]:
    """The resolver's warnings and every check's findings about a compiled agreement, in source order.

    ``pkm build`` calls this too: it writes nothing when one of them is an error, unless ``--draft``.
    """
    found = filter_diagnostics(compiled.diagnostics, select, ignore)
    too_large = limit_problems(compiled.agreement)
    if too_large:  # the checks and renderers rely on these limits: nothing else runs
        return sort_diagnostics(found + too_large)
    found += run_checks(compiled.agreement, library, select=select, ignore=ignore)
    return sort_diagnostics(found)


def _selected(diag: Diagnostic, select: Sequence[str], ignore: Sequence[str]) -> bool:
    return bool(filter_diagnostics([diag], select, ignore))


def _prefixes(values: Sequence[str] | None, option: str) -> list[str]:
    prefixes = split_prefixes(values)
    for prefix in prefixes:
        if not valid_prefix(prefix):
            raise UsageError(f"pkm check: `{prefix}` in {option} is not a code prefix",
                             "codes look like PKM101; a prefix is its start, e.g. PKM1 or PKM16")
    return prefixes


def _rule_for(code: str):
    """The rule, or the registered code, that ``--explain CODE`` explains."""
    from .codes import CODES
    wanted = code.strip().upper()
    if wanted in RULES:
        return RULES[wanted]
    if wanted in CODES:
        return CODES[wanted]
    raise UsageError(f"unknown code `{code}`", _nearest_rule(wanted))


def _nearest_rule(wanted: str) -> str:
    """A "did you mean" for a mistyped code: O, I and L read as 0 and 1; else, among the codes sharing the longest
    start, the numerically nearest."""
    from .codes import all_codes
    codes = all_codes()
    fixed = wanted[:3] + wanted[3:].translate(str.maketrans("OIL", "011"))
    if fixed in codes:
        return f"did you mean `{fixed}`?"
    if re.fullmatch(r"PKM\d{1,3}", fixed):
        # commonprefix of codes, not of paths (RUF071 warns about paths)
        shared = max(len(os.path.commonprefix([fixed, c])) for c in codes)  # noqa: RUF071
        close = [c for c in sorted(codes) if len(os.path.commonprefix([fixed, c])) == shared]  # noqa: RUF071
        if shared > 3:
            best = min(close, key=lambda c: abs(int(c[3:]) - int(fixed[3:]))) if len(fixed) == 6 else close[0]
            return f"did you mean `{best}`?"
    return suggest(wanted, codes) or f"rules are {', '.join(sorted(codes))}"


class _UsageParser(argparse.ArgumentParser):
    """argparse that reports a wrong command line as a UsageError (exit code 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", f"run `{self.prog} --help`")


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``pkm check`` on its own (``python -m pkm_docs.check_cli FILE.pkm``), the same as through ``pkm``."""
    parser = _UsageParser(prog="pkm check", description="Check an agreement.")
    configure_parser(parser)
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        for diag in error.diagnostics:
            print(format_diagnostic(diag), file=stderr or sys.stderr)
        return error.exit_code
    return check_command(args, stdout, stderr)


if __name__ == "__main__":
    raise SystemExit(main())
