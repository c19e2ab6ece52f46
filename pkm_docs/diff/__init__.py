"""Comparing drafts: ``pkm diff`` (changes in legal terms, as text, JSON or HTML, and a Word redline) and
``pkm library diff`` (two versions of a clause).

The steps, one module each: ``snapshot`` reduces a draft (a resolved agreement, or a DOCX read back) to what
is compared; ``model_diff`` matches articles and clauses and compares them, using ``text_diff`` for word
diffs; ``changes`` holds the results (and documents the JSON); ``formats`` and ``html_page`` write them;
``redline`` (over ``redline_xml``) writes tracked changes; ``sources`` reads the inputs; ``cli`` is the
command (import ``add_diff_parser``, ``diff_command`` and ``library_diff_command`` from there). ``redline`` and
``redline_drafts`` are imported from ``pkm_docs.diff.redline``: they bring in python-docx, which a diff without
``--redline`` does not need.
"""

from __future__ import annotations

from .changes import AgreementDiff
from .formats import render, render_library
from .library_diff import ClauseVersionDiff, library_diff
from .model_diff import diff_agreements, diff_drafts
from .snapshot import Draft, from_agreement
from .sources import load_draft

__all__ = [
    "AgreementDiff", "ClauseVersionDiff", "Draft", "diff_agreements", "diff_drafts", "from_agreement",
    "library_diff", "load_draft", "render", "render_library",
]

