"""``pkm diff OLD NEW``: compare two drafts clause by clause, and optionally write a Word redline.

Exit codes: 0 the drafts are the same in substance, 1 they differ, 2 the command line is wrong or a draft
cannot be read (a ``.pkm`` with errors included: it cannot be compared).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..errors import PkmError, UsageError, format_diagnostic
from ..library import Library, load_library
from ..output import write_atomic, write_error
from .changes import DEFAULT_AUTHOR
from .formats import FORMATS, render, render_library
from .library_diff import library_diff
from .model_diff import diff_drafts
from .sources import in_languages_of, load_draft, with_reference

LANGS = ("id", "en", "all")


def add_diff_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``pkm diff`` on the ``pkm`` command's subparsers; returns the new parser."""
    parser = subparsers.add_parser(
        "diff", help="compare two drafts clause by clause; --redline writes a Word redline",
        description="Compare two drafts (.pkm, or a .docx pkm-docs built). Exit 0 when they are the same in "
                    "substance, 1 when they differ, 2 when the command line is wrong or a draft cannot be read.")
    configure_parser(parser)
    return parser


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the earlier draft (.pkm, or a .docx pkm-docs built)")
    parser.add_argument("new", type=Path, help="the later draft (.pkm, or a .docx pkm-docs built)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    parser.add_argument("--lang", choices=LANGS, default="all",
                        help="languages whose texts are listed: id, en or all (default: all); the exit code "
                             "counts every language")
    parser.add_argument("--redline", type=Path, metavar="OUT.docx",
                        help="also write NEW's document with the changes since OLD as Word tracked changes")
    parser.add_argument("--author", default=DEFAULT_AUTHOR,
                        help=f"author of the tracked changes (default: {DEFAULT_AUTHOR})")
    parser.add_argument("--date", type=_iso_date, help="date of the tracked changes (default: NEW's signing date)")
    parser.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    parser.add_argument("--data", type=Path, help="a YAML or JSON file that fills both drafts' inputs")
    parser.add_argument("--template", type=Path, metavar="TEMPLATE.docx",
                        help="the DOCX template a returned DOCX was built with (default: the house template); "
                             "its title and signature blocks, headers and footers are compared with the .pkm "
                             "built with it")
    parser.set_defaults(handler=diff_command)


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date; write it as 2026-12-01") from None


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def diff_command(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``pkm diff`` with parsed ``args``; returns the exit code (0 same, 1 different, 2 unreadable)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        library = load_library(args.library)
        old = load_draft(args.old, library=library, data=args.data)
        new = load_draft(args.new, library=library, data=args.data, other=old)
        old, new = in_languages_of(old, new, library), in_languages_of(new, old, library)
        old, new = with_reference(old, new, args.template), with_reference(new, old, args.template)
        diff = diff_drafts(old, new)
        langs = diff.languages if args.lang == "all" else (args.lang,)
        report = render(diff, args.format, langs, color=args.format == "text" and use_color(stdout))
        if args.redline is not None:
            from .redline import redline_drafts  # python-docx only for a redline
            write_atomic(args.redline, redline_drafts(old, new, author=args.author, date=args.date))
    except PkmError as error:
        _report(error, stderr)
        return 2  # 1 means "the drafts differ": a draft that cannot be read is exit 2
    except OSError as error:  # only the redline is written; the hidden file it was written to is no concern
        where = args.redline.parent if args.redline is not None else Path(".")
        _report(write_error(error, where), stderr)
        return 2
    stdout.write(report)
    if args.redline is not None:
        print(f"wrote {args.redline}", file=stderr)
    return 0 if diff.same else 1


def library_diff_command(library: Library | str | Path | None, ref_a: str, ref_b: str, stdout: TextIO, *,
                         fmt: str = "text", lang: str = "all", color: bool | None = None) -> int:
    """``pkm library diff ID@A ID@B``: print the comparison; 0 when the versions agree, 1 when they differ."""
    lib = library if isinstance(library, Library) else load_library(library)
    diff = library_diff(lib, ref_a, ref_b)
    langs = diff.languages if lang == "all" else (lang,)
    colored = use_color(stdout) if color is None else color
    stdout.write(render_library(diff, fmt, langs, color=fmt == "text" and colored))
    return 0 if diff.same else 1


def _report(error: PkmError, stderr: TextIO) -> None:
    for diag in error.diagnostics:
        print(format_diagnostic(diag), file=stderr)
    if error.exit_code != 2:
        print("pkm diff: cannot compare a draft with errors", file=stderr)


class _UsageParser(argparse.ArgumentParser):
    """argparse that reports a wrong command line as a UsageError (exit code 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", f"run `{self.prog} --help`")


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``pkm diff`` on its own (``python -m pkm_docs.diff.cli OLD NEW``), the same as through ``pkm``."""
    parser = _UsageParser(prog="pkm diff", description="Compare two drafts clause by clause.")
    configure_parser(parser)
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        _report(error, stderr or sys.stderr)
        return error.exit_code
    return diff_command(args, stdout, stderr)


if __name__ == "__main__":
    raise SystemExit(main())
