"""Clauses found again by their text, in a DOCX that lost its clause marks.

A program that rewrites a DOCX in its own way (pandoc's docx writer, some online editors) drops the hidden
bookmarks and the custom properties that say which paragraphs are which clause. When the other draft is a
``.pkm``, each paragraph of such a DOCX is matched to the paragraph of that draft's own DOCX it reads as (the
same text, or, failing that, the most alike above a threshold), and takes that paragraph's clause; what matches
nothing is text outside the clauses. ``pkm diff`` says that it compared so.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence

from ..model import Agreement
from ..renderers.docx_read import Control, ReadBack, ReadParagraph, read_docx
from .text_diff import normalize

#: How alike (difflib's ratio) a paragraph must be to one of the reference's to be taken for it.
THRESHOLD = 0.6

#: What ``pkm diff`` reports about a DOCX whose clauses were found by their text.
METHOD_NOTE = ("the DOCX carries no clause marks (a program that rewrote it dropped them): its paragraphs were "
               "matched to the clauses of the other draft by their text")


def _key(paragraph: ReadParagraph) -> str:
    return normalize(paragraph.text)


def marked_by_text(back: ReadBack, agreement: Agreement) -> ReadBack:
    """``back`` (a DOCX without clause marks) with its paragraphs given to the clauses of ``agreement``'s own
    DOCX that they read as; every paragraph that reads as none stays outside the clauses."""
    from ..renderers.docx import render_docx

    # the layout the file was built in is the one whose title and signature blocks it holds
    seen = {normalize(p.shown) for p in back.outside}
    references = [read_docx(render_docx(agreement, layout=layout)) for layout in ("parallel", "sequential")]
    reference = max(references, key=lambda ref: sum(normalize(line) in seen for region in ("title block",
                    "signature block") for line in ref.frame.get(region, ())))
    owners: dict[str, list[int]] = {}  # a reference paragraph's text → the controls that hold it
    texts: list[tuple[str, int]] = []
    for index, control in enumerate(reference.controls):
        for paragraph in control.paragraphs:
            text = _key(paragraph)
            if text:
                owners.setdefault(text, []).append(index)
                texts.append((text, index))
    regions: dict[str, list[str]] = {}  # a line of the title or signature block → the regions that hold it, in order
    for region in ("title block", "signature block"):
        for line in reference.frame.get(region, ()):
            regions.setdefault(normalize(line), []).append(region)
    frame = {region: list(lines) for region, lines in back.frame.items()}
    taken: dict[int, list[ReadParagraph]] = {}
    outside: list[ReadParagraph] = []
    repeats: dict[str, int] = {}  # how often each text was met: the n-th one is the n-th of the reference
    for paragraph in back.outside:
        text = _key(paragraph)
        shown = normalize(paragraph.shown)
        places = regions.get(shown) or regions.get(text)
        if places:  # the title block and the signatures, as the reference has them (a name is in both)
            frame.setdefault(places.pop(0) if len(places) > 1 else places[0], []).append(paragraph.shown.strip())
            continue
        owner = _owner(text, owners, texts, repeats) if text else None
        if owner is None:
            outside.append(paragraph)
        else:
            taken.setdefault(owner, []).append(paragraph)
    controls = tuple(Control(reference.controls[i].tag, reference.controls[i].alias, tuple(found))
                     for i, found in sorted(taken.items()))
    # the clauses are the reference's, and so are their statuses when the file lost its manifest with its marks
    known = reference.manifest if isinstance(reference.manifest, dict) else {}
    manifest = back.manifest if back.manifest is not None else \
        {key: known[key] for key in ("clauses", "adhoc") if key in known}
    return dataclasses.replace(back, controls=controls, outside=tuple(outside), manifest=manifest,
                               frame={region: tuple(lines) for region, lines in frame.items()},
                               findings=(*back.findings, METHOD_NOTE), layout=reference.layout)


def _owner(text: str, owners: dict[str, list[int]], texts: Sequence[tuple[str, int]],
           repeats: dict[str, int]) -> int | None:
    """The control of the reference paragraph ``text`` reads as: the same text (a text two clauses share, such as
    "PIHAK KEDUA berkewajiban:", goes to them in document order), else the most alike."""
    if text in owners:
        seen = repeats.get(text, 0)
        repeats[text] = seen + 1
        return owners[text][min(seen, len(owners[text]) - 1)]
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(text)
    best, best_ratio = None, THRESHOLD
    for candidate, index in texts:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = index, ratio
    return best
