"""``pkm merge RETURNED.docx --into DRAFT.pkm -o NEXT.pkm``: the other side's edits written back into the source.

Exit codes: 0 NEXT.pkm builds the returned DOCX's text; 1 NEXT.pkm was written but something still differs or
was not merged (listed: a comment, text no clause can hold, a text typed in one language only, which NEXT holds
as typed), or the next draft would not compile (nothing written); 2 the command line is wrong or a file cannot
be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import PkmError, format_diagnostic
from ..library import load_library
from ..output import write_all, write_error
from .merge import merge


def add_merge_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``pkm merge`` on the ``pkm`` command's subparsers."""
    parser = subparsers.add_parser(
        "merge", help="write the other side's edits in a returned DOCX back into the .pkm source",
        description="Write the next draft: DRAFT.pkm with the changes of RETURNED.docx (a DOCX pkm-docs built "
                    "from it, edited by the other side; tracked changes are read accepted). A changed value "
                    "becomes the parameter's or the party's new value; a changed vetted text becomes ad-hoc text "
                    "marked `replaces: ID@VERSION`; an article deleted is deleted; text typed outside the clauses "
                    "(a new article, a new paragraph) becomes ad-hoc text where it was typed. Exit 0 when NEXT builds "
                    "RETURNED's text, 1 when something still differs or could not be placed (listed), a text was "
                    "typed in one language only, or NEXT would not compile, 2 when a file cannot be read.")
    parser.add_argument("returned", type=Path, help="the DOCX the other side sent back")
    parser.add_argument("--into", type=Path, required=True, metavar="DRAFT.pkm",
                        help="the .pkm source the returned DOCX was built from")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="NEXT.pkm",
                        help="where to write the next draft (it may be DRAFT.pkm itself)")
    parser.add_argument("--data", type=Path, metavar="DATA.yaml",
                        help="the data file DRAFT.pkm was built with; a changed input value is written into a "
                             "copy of it (--data-output)")
    parser.add_argument("--data-output", type=Path, metavar="NEXT.yaml",
                        help="where to write the data file with the new input values (default: NEXT with the data "
                             "file's suffix, e.g. next.yaml)")
    parser.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    parser.set_defaults(handler=merge_command)
    return parser


def merge_command(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    scratch = args.output.parent / f".{args.output.name}.pkm-merge.pkm"
    try:
        library = load_library(args.library)
        merged = merge(args.returned, args.into, library, scratch, args.data)
    except PkmError as error:
        for diag in error.diagnostics:
            print(format_diagnostic(diag), file=stderr)
        if error.exit_code == 2:
            return 2
        print("pkm merge: the next draft would not compile; nothing was written", file=stderr)
        return 1
    except OSError as error:
        for diag in write_error(error, args.output.parent).diagnostics:
            print(format_diagnostic(diag), file=stderr)
        return 2
    files = {args.output: merged.source.encode("utf-8")}
    data_output = None
    if merged.data_source is not None and args.data is not None:
        data_output = args.data_output or args.output.with_suffix(args.data.suffix)
        files[data_output] = merged.data_source.encode("utf-8")
    try:
        write_all(files)
    except OSError as error:
        for diag in write_error(error, args.output.parent).diagnostics:
            print(format_diagnostic(diag), file=stderr)
        return 2
    lines = [f"pkm merge: {args.returned} into {args.into} (mapped by {merged.method})"]
    for heading, listed in (
            ("new values:", merged.values),
            ("vetted text changed, now ad-hoc (review it; `pkm check` lists it as PKM110):", merged.replaced),
            ("new values of inputs, which no data file holds (give one with --data):", merged.data),
            ("text typed outside the clauses, now ad-hoc text (review it; `pkm check` lists it as PKM110):",
             merged.placed),
            ("typed in one language only, written as typed (no translation is made up; until the other language "
             "is written, `pkm check` reports PKM025 and NEXT does not build):", merged.missing),
            ("refused (left as the source had it):", merged.refused),
            ("deleted:", merged.removed)):
        if listed:
            lines.append(heading)
            lines.extend(f"  {line}" for line in listed)
    if not (merged.values or merged.replaced or merged.removed or merged.data or merged.refused or merged.placed
            or merged.missing or merged.comments):
        lines.append("no changes to merge")
    if merged.comments:
        lines.append(f"not merged: the comments in {args.returned} (a comment is not text of the agreement: answer "
                     "it, or write what it asks into the source):")
        lines.extend(f"  {line}" for line in merged.comments)
    if merged.left:
        lines.append(f"not merged: {args.output} still differs from {args.returned}:")
        lines.extend(f"  {line}" for line in merged.left.rstrip("\n").split("\n"))
    elif merged.missing:
        lines.append(f"the rest of {args.output} builds the text of {args.returned}; write the missing language, "
                     f"then `pkm check` and `pkm build` it")
    else:
        lines.append(f"{args.output} builds the text of {args.returned}")
    if data_output is not None:
        lines.append(f"build it with: pkm build {args.output} --data {data_output}")
    stdout.write("\n".join(lines) + "\n")
    print(f"wrote {args.output}" + (f" and {data_output}" if data_output else ""), file=stderr)
    return 0 if merged.complete else 1
