"""An organisation's approvals of clause versions: ``approvals.toml`` in its library folder.

An organisation's library is a folder whose ``library.toml`` says ``extends = "standard"``: it holds the shipped
library (whose clauses are model texts, approved by no one) and the organisation's own clause files. What the
organisation's legal office approved is recorded by ``pkm library approve ID@VERSION --by ... --on ...`` in
``approvals.toml``, each approval with the hash of the clause's text as approved. When the library is loaded, a
clause version whose approval's hash is its own becomes ``approved`` by that body; a version whose text changed
after it was approved (its hash no longer matches) stays unapproved, and the approval is reported as stale.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .reading import read_text
from .values import unsafe_character

APPROVALS_FILE = "approvals.toml"
MAX_APPROVALS_BYTES = 1_000_000

_HEADER = ("# Approvals of clause versions by this organisation, written by `pkm library approve`. Each names the\n"
           "# clause version, the SHA-256 of its text as approved, who approved it and when. A clause whose text\n"
           "# changes after its approval no longer matches its hash and is no longer approved.\n")


@dataclass(frozen=True)
class Approval:
    """One clause version approved by a body, with the hash of the text it approved."""

    clause_id: str
    version: str
    content_hash: str
    by: str
    on: datetime.date


def read_approvals(root: Path) -> list[Approval]:
    """The approvals recorded in ``root/approvals.toml`` (none when there is no such file)."""
    path = root / APPROVALS_FILE
    if not path.is_file():
        return []
    text = read_text(path, MAX_APPROVALS_BYTES, "approval files")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}",
                         "the file is written by `pkm library approve`; fix or remove the entry") from None
    found = []
    for index, entry in enumerate(data.get("approval", []), 1):
        where = f"{path}: approval {index}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where} is not a table", "each approval is an [[approval]] table")
        values: dict[str, Any] = {key: entry.get(key) for key in ("clause", "version", "hash", "by", "on")}
        missing = [key for key, value in values.items() if value in (None, "")]
        if missing:
            raise UsageError(f"{where} has no {', '.join(missing)}",
                             "approve the clause again with `pkm library approve`")
        if not isinstance(values["on"], datetime.date) or isinstance(values["on"], datetime.datetime):
            raise UsageError(f"{where}: `on` is not a date", "write on = 2026-12-01")
        if not all(isinstance(values[key], str) for key in ("clause", "version", "hash", "by")):
            raise UsageError(f"{where}: clause, version, hash and by are texts")
        problem = next((unsafe_character(values[key]) for key in ("clause", "version", "hash", "by")
                        if unsafe_character(values[key])), None)
        if problem:
            raise UsageError(f"{where}: a text {problem}", "approve the clause again with `pkm library approve`")
        found.append(Approval(values["clause"], values["version"], values["hash"], values["by"], values["on"]))
    return found


def write_approval(root: Path, approval: Approval) -> None:
    """Record ``approval`` in ``root/approvals.toml``, replacing an earlier one of the same clause version; the
    file is written whole and then moved into place, so a failure leaves the previous file as it was."""
    kept = [a for a in read_approvals(root) if (a.clause_id, a.version) != (approval.clause_id, approval.version)]
    entries = sorted([*kept, approval], key=lambda a: (a.clause_id, a.version))
    lines = [_HEADER]
    for a in entries:
        lines.append("\n[[approval]]\n")
        lines.append(f"clause = {json.dumps(a.clause_id, ensure_ascii=False)}\n")
        lines.append(f"version = {json.dumps(a.version)}\n")
        lines.append(f"hash = {json.dumps(a.content_hash)}\n")
        lines.append(f"by = {json.dumps(a.by, ensure_ascii=False)}\n")
        lines.append(f"on = {a.on.isoformat()}\n")
    text = "".join(lines)
    tomllib.loads(text)  # what is written reads back
    handle, temp = tempfile.mkstemp(prefix=".approvals-", suffix=".toml", dir=root)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, root / APPROVALS_FILE)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
