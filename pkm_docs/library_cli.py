"""``pkm library list`` and ``pkm library show ID[@VERSION]``: browse the clause library."""

from __future__ import annotations

import argparse
from typing import TextIO

from .errors import UsageError, suggest
from .library import ClauseVersion, load_library
from .versions import matches, valid_constraint


def library_command(args: argparse.Namespace, out: TextIO) -> int:
    library = load_library(args.library)
    if args.library_command == "diff":
        from .diff.cli import library_diff_command
        return library_diff_command(library, args.ref_a, args.ref_b, out, fmt=args.format, lang=args.lang)
    if args.library_command == "list":
        print(f"{library.name} {library.version}: {len(library.clauses)} clauses", file=out)
        for clause_id in sorted(library.clauses):
            versions = library.clauses[clause_id]
            latest = versions[-1]
            listed = "; ".join(f"{c.version_text} {status_text(c)}" for c in versions)
            print(f"  {clause_id:<36} {latest.title['id']} / {latest.title['en']}  [{listed}]", file=out)
        return 0
    clause_id, _, constraint = args.ref.partition("@")
    versions = library.versions_of(clause_id)
    if not versions:
        raise UsageError(f"the library has no clause `{clause_id}`", suggest(clause_id, library.clauses))
    if constraint and not valid_constraint(constraint.lstrip("=")):
        raise UsageError(f"`@{constraint}` is not a version", "write ID@2.0.0 or ID@^2")
    chosen = [c for c in versions if not constraint or matches(constraint, c.version)]
    if not chosen:
        raise UsageError(f"no version of `{clause_id}` matches `@{constraint}`",
                         "versions: " + ", ".join(c.version_text for c in versions))
    for clause in chosen:
        _show(clause, out)
    return 0


def status_text(clause: ClauseVersion) -> str:
    """A version's status as the listings print it: a model text says that no one approved it."""
    if clause.status == "model":
        return "model text, approved by no one"
    if clause.status == "deprecated" and not clause.approved_by:
        return "deprecated, approved by no one"
    return clause.status


def _show(clause: ClauseVersion, out: TextIO) -> None:
    print(f"{clause.ref}  ({status_text(clause)})", file=out)
    print(f"  title:    {clause.title['id']} / {clause.title['en']}", file=out)
    print(f"  section:  {clause.section}", file=out)
    if clause.approved_by:
        print(f"  approved: {clause.approved_by}, {clause.approved_on}", file=out)
    else:
        print("  approved: by no one", file=out)
    if clause.replaced_by:
        ref = clause.replaced_by
        print(f"  replaced by: {ref.clause_id}{'@' + ref.constraint if ref.constraint else ''}", file=out)
    print(f"  sha256:   {clause.content_hash}", file=out)
    for param in clause.params:
        extras = " ".join(kind + (f" {written}" if written is not None else "") for kind, _, written in param.written)
        print(f"  param {param.name}: {param.type.describe()} {extras}".rstrip(), file=out)
    for lang, text in clause.body.items():
        print(f"  --- {lang} ---", file=out)
        for line in text.splitlines():
            print(f"  {line}", file=out)
    print(file=out)
