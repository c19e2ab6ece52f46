"""The ``pkm`` command: build agreements and browse the clause library."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from . import __version__
from .errors import PkmError, UsageError, format_diagnostic, report_error


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong command line as a UsageError (exit code 2) instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", f"run `{self.prog} --help`")


# Each sub-command: its one-line help for `pkm --help`, and the function that adds its full parser ("module:name",
# or a name in this module). Only the command being run gets its full parser, so `pkm --version` and `pkm --help`
# import no sub-command (their modules bring in the parser, the renderers and the checks).
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build an agreement to DOCX and PDF", "add_build_parser"),
    "new": ("start an agreement from a standard template", "pkm_docs.templates_cli:add_new_parser"),
    "check": ("check an agreement: mandatory sections, consistency, bilingual parity",
              "pkm_docs.check_cli:add_check_parser"),
    "diff": ("compare two drafts clause by clause; --redline writes a Word redline",
             "pkm_docs.diff.cli:add_diff_parser"),
    "merge": ("write the other side's edits in a returned DOCX back into the .pkm source",
              "pkm_docs.diff.merge_cli:add_merge_parser"),
    "batch": ("build one agreement per row of a CSV, JSON, JSON Lines or YAML file", "pkm_docs.batch:add_batch_parser"),
    "library": ("browse the clause library; record an organisation's approvals", "add_library_parser"),
    "serve": ("fill a template in the browser: a guided form on 127.0.0.1", "pkm_docs.serve.cli:add_serve_parser"),
    "sign": ("sign a built PDF into one party's signature field (PAdES)", "pkm_docs.signing.sign:add_sign_parser"),
    "verify": ("verify a built or signed PDF or DOCX: clauses, text, signatures",
               "pkm_docs.signing.verify:add_verify_parser"),
}


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``pkm`` parser: the full parser of the sub-command ``argv`` names, the others' names and help only."""
    parser = _Parser(prog="pkm", description="Draft Indonesian community partnership agreements (PKM).")
    parser.add_argument("--version", action="version", version=f"pkm-docs {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = next((a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")), None)
    for name, (help_text, adder) in COMMANDS.items():
        if name != chosen:
            commands.add_parser(name, help=help_text)
            continue
        module, _, function = adder.rpartition(":")
        add = getattr(importlib.import_module(module), function) if module else globals()[function]
        add(commands)
    return parser


def add_build_parser(commands: Any) -> None:
    """Register ``pkm build``."""
    from .pipeline import LAYOUTS

    build_cmd = commands.add_parser("build", help=COMMANDS["build"][0])
    build_cmd.add_argument("source", type=Path, help="the agreement (.pkm)")
    build_cmd.add_argument("-o", "--output", type=Path, default=Path("out"), help="output folder (default: out)")
    build_cmd.add_argument("--data", type=Path, help="a YAML or JSON file that fills the agreement's inputs")
    build_cmd.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    build_cmd.add_argument("--format", default="docx,pdf", help="comma-separated formats: docx, pdf")
    build_cmd.add_argument("--template", type=Path, help="a DOCX house template with a {{p body }} placeholder")
    build_cmd.add_argument("--layout", choices=LAYOUTS, default="parallel",
                           help="parallel: Indonesian left, English right (default); sequential: all Indonesian, "
                                "then all English; separate: one file per language")
    build_cmd.add_argument("--draft", action="store_true",
                           help="build even when the checks find errors, and mark every page RANCANGAN / DRAFT")
    build_cmd.add_argument("--vetted-only", action="store_true",
                           help="refuse to build an agreement that holds any ad-hoc text (text not from the library)")


def add_library_parser(commands: Any) -> None:
    """Register ``pkm library`` and its sub-commands."""
    library_cmd = commands.add_parser("library", help=COMMANDS["library"][0])
    library_cmd.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    library_sub = library_cmd.add_subparsers(dest="library_command", required=True, parser_class=_Parser)
    library_sub.add_parser("list", help="list every clause with its versions")
    show = library_sub.add_parser("show", help="show one clause: ID or ID@VERSION")
    show.add_argument("ref")
    compare = library_sub.add_parser("diff", help="compare two versions of a clause: ID@A ID@B (or ID@A @B)")
    compare.add_argument("ref_a")
    compare.add_argument("ref_b")
    compare.add_argument("--format", choices=("text", "json", "html"), default="text")
    compare.add_argument("--lang", choices=("id", "en", "all"), default="all")
    approve = library_sub.add_parser("approve", help="record the organisation's approval of a clause version "
                                     "(in the --library folder's approvals.toml)")
    approve.add_argument("ref", help="ID@VERSION, the exact version approved")
    approve.add_argument("--by", required=True, help='who approved it: "Biro Hukum Setda Kota Kupang"')
    approve.add_argument("--on", required=True, help="the date of the approval, YYYY-MM-DD")


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 the agreement has errors, 2 usage or unreadable file)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    sources: dict[str, str] = {}
    try:
        args = _parser(argv).parse_args(argv)
        if args.command in LONG_RUNNING:
            gc.enable()  # the `pkm` program starts without the cycle collector (see entry)
        if args.command == "build":
            return _build(args, stdout, stderr, sources)
        if args.command == "check":
            from .check_cli import check_command
            return check_command(args, stdout, stderr)
        if args.command == "batch":
            from .batch import batch_command
            return batch_command(args, stdout, stderr)
        if args.command == "diff":
            from .diff.cli import diff_command
            return diff_command(args, stdout, stderr)
        if args.command == "merge":
            from .diff.merge_cli import merge_command
            return merge_command(args, stdout, stderr)
        if args.command == "new":
            from .templates_cli import new_command
            return new_command(args, stdout)
        if args.command == "library":
            from .library_cli import library_command
            return library_command(args, stdout)
        if args.command == "serve":
            from .serve.cli import serve_command
            return serve_command(args, stdout, stderr)
        if args.command == "sign":
            from .signing.sign import sign_command
            return sign_command(args, stdout)
        if args.command == "verify":
            from .signing.verify import verify_command
            return verify_command(args, stdout)
    except PkmError as error:
        return report_error(error, sources, stderr)
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=stderr)
        return 130
    except BrokenPipeError:  # `pkm library list | head`: the reader left; that is not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def _build(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, sources: dict[str, str]) -> int:
    from .library import load_library
    from .pipeline import Rendering, compile_agreement, parse_formats

    formats = parse_formats(args.format)
    if args.template is not None and not args.template.is_file():
        raise UsageError(f"cannot read template {args.template}")
    from .limits import CODE as LIMIT_CODE
    from .output import clean_stale, write_error
    if args.output.exists() and not args.output.is_dir():
        raise write_error(NotADirectoryError(), args.output)
    if args.output.is_dir():
        clean_stale(args.output)  # a build killed while moving its files in is undone before anything else
    library = load_library(args.library)
    compiled = compile_agreement(args.source, library=library, data=args.data)
    sources.update(compiled.sources)
    unvetted = compiled.agreement.manifest.adhoc
    from .model import place_label
    if args.vetted_only and unvetted:
        where = ", ".join(place_label(entry.where) for entry in unvetted)
        print(f"pkm: error: --vetted-only, but the agreement holds {len(unvetted)} ad-hoc text"
              f"{'s' if len(unvetted) != 1 else ''} ({where}); nothing was written", file=stderr)
        return 1
    # the PDF is laid out while the checks run; it is thrown away if they find an error
    rendering = Rendering(compiled.agreement, args.source.stem, formats, layout=args.layout, draft=args.draft,
                          template=args.template)
    from .check_cli import check_compiled  # imported while typst lays out the PDF (it releases the GIL)
    found = check_compiled(compiled, library)
    for diag in found:
        print(format_diagnostic(diag, compiled.sources), file=stderr)
    errors = sum(d.is_error for d in found)
    if errors and (not args.draft or any(d.code == LIMIT_CODE for d in found)):  # --draft cannot lift a limit
        rendering.discard()
        print(f"{errors} error{'s' if errors != 1 else ''}; nothing was written "
              "(`--draft` builds anyway, marked RANCANGAN / DRAFT)", file=stderr)
        return 1
    try:
        written = rendering.write(args.output)
    except OSError as exc:
        raise write_error(exc, args.output) from None
    for path in written:
        print(f"wrote {path}", file=stdout)
    if unvetted:
        print(_unvetted_summary(compiled.agreement), file=stdout)
    return 0


def _unvetted_summary(agreement) -> str:
    """``42 of 3,120 words are not from the library (ad-hoc text): Pasal 4 (30), Pasal 9 (12)``."""
    from .model import place_label
    from .resolve import word_count
    lang = agreement.languages[0]
    total = sum(word_count(use, lang) for _, use in agreement.uses())
    by_place: dict[str, int] = {}
    for entry in agreement.manifest.adhoc:
        place = place_label(entry.where)
        by_place[place] = by_place.get(place, 0) + entry.words
    words = sum(by_place.values())
    listed = ", ".join(f"{place} ({count:,})" for place, count in by_place.items())
    return f"{words:,} of {total:,} words are not from the library (ad-hoc text): {listed}"


#: The commands that run for long (a server, a run over thousands of records): they keep Python's cycle collector.
LONG_RUNNING = frozenset({"serve", "batch"})


def entry() -> None:
    """The ``pkm`` program: :func:`main`, then the process ends at once. Every file has been written and closed by
    then (``output.write_all``), and stdout and stderr are flushed here; what is skipped is the interpreter's
    teardown (freeing every object, joining the idle PDF thread), about a tenth of a build.

    A one-shot command runs without Python's cycle collector: its objects (modules, the library, the agreement)
    live until the process ends, and are freed by reference counting when they do not; the collector would only
    walk them again and again, about 60 ms of a 0.7 s build of the example (197 collections) and 1 s of a check of
    5,000 articles, for garbage that is not there (a check of 5,000 articles peaks at the same 113 MiB without
    it). :data:`LONG_RUNNING` commands turn it back on."""
    import os

    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader left (`pkm library list | head`), or a stream was closed
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
