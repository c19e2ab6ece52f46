"""``pkm library list`` and ``pkm library show ID[@VERSION]``: browse the clause library."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import TextIO

from .approvals import APPROVALS_FILE, Approval, write_approval
from .errors import UsageError, suggest
from .library import ClauseVersion, Library, default_library_dir, load_library
from .meanings import CHANNELS
from .values import unsafe_character
from .versions import matches, valid_constraint


def library_command(args: argparse.Namespace, out: TextIO) -> int:
    library = load_library(args.library)
    if args.library_command == "approve":
        return _approve(library, args, out)
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
        for clause, approval in library.stale_approvals:
            print(f"  ! {clause.ref}: approved by {approval.by} on {approval.on}, but its text has changed since "
                  "(the approval no longer holds)", file=out)
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


def _approve(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """``pkm library approve ID@VERSION --by ... --on ...``: the approval, with the hash of the text approved."""
    if args.library is None or Path(args.library).resolve() == default_library_dir().resolve():
        raise UsageError("approvals are recorded in an organisation's library, not in the standard library",
                         'make a folder with a library.toml holding `extends = "standard"` and give it with --library')
    clause_id, _, version = args.ref.partition("@")
    versions = library.versions_of(clause_id)
    if not versions:
        raise UsageError(f"the library has no clause `{clause_id}`", suggest(clause_id, library.clauses))
    clause = next((c for c in versions if c.version_text == version), None)
    if clause is None:
        raise UsageError(f"`{args.ref}` names no version of `{clause_id}`: approve an exact version",
                         "versions: " + ", ".join(c.version_text for c in versions))
    if clause.status == "deprecated":
        raise UsageError(f"`{clause.ref}` is deprecated", "approve the version that replaces it")
    by = " ".join(args.by.split())
    if not by or unsafe_character(by) is not None:
        raise UsageError("--by names the body that approved the text", 'write --by "Biro Hukum Setda Kota Kupang"')
    try:
        on = datetime.date.fromisoformat(args.on)
    except ValueError:
        raise UsageError(f"--on {args.on!r} is not a date", "write --on 2026-12-01") from None
    write_approval(Path(args.library), Approval(clause.clause_id, clause.version_text, clause.content_hash, by, on))
    print(f"approved {clause.ref} (text sha256 {clause.content_hash[:16]}…) by {by} on {on.isoformat()}, in "
          f"{Path(args.library) / APPROVALS_FILE}", file=out)
    return 0


def status_text(clause: ClauseVersion) -> str:
    """A version's status as the listings print it: a model text says that no one approved it."""
    if clause.status == "approved" and clause.approved_by:
        return f"approved by {clause.approved_by} on {clause.approved_on}"
    if clause.status == "model":
        return "model text, approved by no one"
    if clause.status == "deprecated" and not clause.approved_by:
        return "deprecated, approved by no one"
    return clause.status


def _show(clause: ClauseVersion, out: TextIO) -> None:
    print(f"{clause.ref}  ({status_text(clause)})", file=out)
    print(f"  title:    {clause.title['id']} / {clause.title['en']}", file=out)
    print(f"  section:  {clause.section}", file=out)
    if clause.channel:
        print(f"  channel:  {clause.channel} ({CHANNELS[clause.channel].description[1]})", file=out)
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
