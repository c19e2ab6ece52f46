"""Semantic versions of clauses and the constraints agreements put on them (``^2``, ``~2.1``, ``2.0.0``, ``>=1.2``)."""

from __future__ import annotations

import re

Version = tuple[int, int, int]

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_CONSTRAINT = re.compile(r"^(\^|~|>=)?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


def parse_version(text: str) -> Version:
    """``"2.1.0"`` → ``(2, 1, 0)``; ValueError for anything else."""
    match = _VERSION.match(text)
    if not match:
        raise ValueError(f"`{text}` is not a version like `1.0.0`")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


def matches(constraint: str | None, version: Version) -> bool:
    """Does ``version`` satisfy ``constraint``?

    ``None`` accepts any version; ``^2`` or ``^2.1`` any ``2.x`` at or above; ``~2.1`` any ``2.1.x``;
    ``>=1.2`` anything at or above; a full ``2.0.0`` exactly that one; ``2`` or ``2.1`` any version
    starting so.
    """
    if constraint is None:
        return True
    match = _CONSTRAINT.match(constraint)
    if not match:
        raise ValueError(f"`{constraint}` is not a version constraint")
    op, major, minor, patch = match.groups()
    parts = [int(p) for p in (major, minor, patch) if p is not None]
    floor = tuple(parts + [0] * (3 - len(parts)))
    if op == ">=":
        return version >= floor
    if op == "^":
        return version[0] == floor[0] and version >= floor
    if op == "~":
        return version[:2] == floor[:2] and version >= floor
    return version[: len(parts)] == tuple(parts)


def valid_constraint(constraint: str) -> bool:
    return bool(_CONSTRAINT.match(constraint))
