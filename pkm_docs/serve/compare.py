"""Compare two drafts for the legal officer, as ``pkm diff`` does: two uploaded ``.pkm`` or DOCX files, or two
saved drafts of the form; gives ``pkm diff``'s HTML page and its Word redline."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..diff.formats import render
from ..diff.model_diff import diff_drafts
from ..diff.redline import redline_drafts
from ..diff.sources import in_languages_of, load_draft, with_reference
from ..errors import PkmError, format_diagnostic
from ..library import Library


@dataclass(frozen=True)
class Comparison:
    old_name: str
    new_name: str
    same: bool
    html: str
    redline: bytes

    @property
    def csp(self) -> str:
        """The page's policy: nothing but its own inline style sheet, identified by its hash."""
        styles = re.findall(r"<style>(.*?)</style>", self.html, re.S)
        hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                          for s in styles)
        return f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; frame-ancestors 'self'; " \
               "base-uri 'none'; form-action 'none'"


class CompareError(Exception):
    """A draft cannot be compared: what ``pkm diff`` would print."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def _safe_name(name: str, fallback: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).name)[:80].strip("._") or fallback
    return stem if stem.lower().endswith((".pkm", ".docx")) else f"{stem}.pkm"


@dataclass(frozen=True)
class Upload:
    """A draft to compare: a ``.pkm`` or DOCX file's name and bytes (and, for a saved draft, its data file)."""

    name: str
    data: bytes
    data_file: str | None = None


def compare(old: Upload, new: Upload, library: Library) -> Comparison:
    """``pkm diff OLD NEW --format html --redline``; a CompareError with the diagnostics when one cannot be read."""
    with tempfile.TemporaryDirectory(prefix="pkm-compare-") as folder:
        drafts = []
        for index, upload in enumerate((old, new)):
            where = Path(folder) / str(index)
            where.mkdir()
            path = where / _safe_name(upload.name, f"draft{index + 1}")
            path.write_bytes(upload.data)
            data = None
            if upload.data_file is not None:
                data = path.with_suffix(".yaml")
                data.write_text(upload.data_file, encoding="utf-8")
            try:  # the diff names each draft by its file's name, not by the folder it was put in here
                drafts.append(dataclasses.replace(load_draft(path, library=library, data=data), name=path.name))
            except PkmError as error:  # named by the file's name, not by the folder it was put in here
                raise CompareError([format_diagnostic(d).replace(f"{where}/", "") for d in error.diagnostics]) \
                    from None
        first, second = drafts
        if first.name == second.name:
            first = dataclasses.replace(first, name=f"{first.name} (lama / earlier)")
            second = dataclasses.replace(second, name=f"{second.name} (baru / later)")
        first, second = in_languages_of(first, second, library), in_languages_of(second, first, library)
        first, second = with_reference(first, second), with_reference(second, first)
        try:
            diff = diff_drafts(first, second)
            html = render(diff, "html", diff.languages)
            redline = redline_drafts(first, second)
        except PkmError as error:
            raise CompareError([format_diagnostic(d) for d in error.diagnostics]) from None
    return Comparison(first.name, second.name, diff.same, html, redline)
