"""Reading a DOCX built by pkm-docs back: its manifest and, for each clause's content control, the text it holds now.

The DOCX renderer wraps every clause, in every language, in a Word content control (``w:sdt``) whose tag
names the clause (:class:`ControlTag`). When a document comes back edited, :func:`read_docx` says what
each control holds, what list number Word draws before each paragraph, and which text stands outside
any control, so a diff can tell which vetted clauses the other party changed.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NUMBERING_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_STYLES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

#: Every content control the renderer writes has a tag starting with this.
TAG_PREFIX = "pkm:"

#: Bookmarks (hidden in Word: the names start with "_") around the title block and the signature block,
#: whose text is not reported as text outside the clauses.
TITLE_BOOKMARK = "_PkmTitle"
SIGNATURES_BOOKMARK = "_PkmSignatures"

#: Custom document properties the renderer writes.
MANIFEST_PROPERTY = "pkm-manifest"


@dataclass(frozen=True)
class ControlTag:
    """What a content control holds: ``pkm:<kind>|<clause id>|<version>|<hash>|<lang>|<where>``.

    ``kind`` is ``clause`` (a library clause), ``adhoc`` (text written in the agreement) or ``heading``
    (an article heading); ``where`` is the article number, or ``preamble`` / ``closing`` for the
    unnumbered parts. A clause used more than once in one part (``roles.party`` once per party) adds a
    seventh field, ``use``: which of those uses it is (1, 2 ...).
    """

    kind: str
    clause_id: str = ""
    version: str = ""
    content_hash: str = ""
    lang: str = ""
    where: str = ""
    use: str = ""

    def __str__(self) -> str:
        fields = (self.clause_id, self.version, self.content_hash, self.lang, self.where)
        return TAG_PREFIX + self.kind + "".join("|" + value for value in fields) + (f"|{self.use}" if self.use else "")

    @classmethod
    def parse(cls, tag: str) -> ControlTag | None:
        """The tag's fields, or None when it is not a pkm-docs tag."""
        if not tag.startswith(TAG_PREFIX):
            return None
        fields = tag[len(TAG_PREFIX):].split("|")
        if len(fields) not in (6, 7) or not fields[0]:
            return None
        return cls(*fields)

    @property
    def article(self) -> int | None:
        """The article number, None for the preamble and the closing."""
        return int(self.where) if self.where.isdigit() else None


@dataclass(frozen=True)
class ReadParagraph:
    """One paragraph as Word shows it: its list number (``(1)``, ``a.``, ``Pasal 1``) apart from its text."""

    text: str
    number: str = ""
    suffix: str = ""  # what Word puts between number and text: "\t", " " or ""
    style: str | None = None  # the style id

    @property
    def shown(self) -> str:
        """Number and text as a reader of the page sees them: ``(1)\\tText``."""
        return self.number + self.suffix + self.text if self.number else self.text


@dataclass(frozen=True)
class Control:
    """A pkm-docs content control and the paragraphs it holds now."""

    tag: ControlTag
    alias: str
    paragraphs: tuple[ReadParagraph, ...]

    @property
    def kind(self) -> str:
        return self.tag.kind

    @property
    def clause_id(self) -> str | None:
        return self.tag.clause_id or None

    @property
    def version(self) -> str | None:
        return self.tag.version or None

    @property
    def content_hash(self) -> str | None:
        return self.tag.content_hash or None

    @property
    def lang(self) -> str:
        return self.tag.lang

    @property
    def article(self) -> int | None:
        return self.tag.article

    @property
    def text(self) -> str:
        """The paragraphs' texts (items included, numbers left out), one per line."""
        return "\n".join(p.text for p in self.paragraphs).strip("\n")

    @property
    def shown(self) -> str:
        """The paragraphs with their list numbers, one per line."""
        return "\n".join(p.shown for p in self.paragraphs)


@dataclass(frozen=True)
class ReadBack:
    """What a pkm-docs DOCX holds: the build manifest, the content controls and the text outside them."""

    manifest: Mapping | None
    properties: Mapping[str, str]
    controls: tuple[Control, ...]
    outside: tuple[ReadParagraph, ...] = field(default=())

    @property
    def clauses(self) -> tuple[Control, ...]:
        """The controls holding clause or ad-hoc text (not headings), in document order."""
        return tuple(c for c in self.controls if c.kind in ("clause", "adhoc"))

    @property
    def outside_text(self) -> tuple[str, ...]:
        """The text of each non-empty paragraph of the body outside every control, title and signatures."""
        return tuple(p.text for p in self.outside)

    def clause(self, clause_id: str, lang: str, article: int | None = None) -> Control:
        """The control of ``clause_id`` in ``lang`` (in article ``article`` when the clause is used twice)."""
        found = [c for c in self.clauses if c.clause_id == clause_id and c.lang == lang
                 and (article is None or c.article == article)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} controls hold `{clause_id}` in `{lang}`"
                           + (f" in article {article}" if article is not None else ""))
        return found[0]

    def shown(self, lang: str) -> str:
        """Headings and clauses of one language as a reader sees them (numbers included), in order."""
        return "\n".join(c.shown for c in self.controls if c.lang == lang)


def read_docx(source: str | Path | bytes) -> ReadBack:
    """Read a DOCX (a path or its bytes) that pkm-docs built, possibly edited since in Word."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        document = etree.fromstring(archive.read("word/document.xml"))
        related = _related_parts(archive, names)
        numbering = etree.fromstring(archive.read(related[_NUMBERING_RT])) if _NUMBERING_RT in related else None
        styles = etree.fromstring(archive.read(related[_STYLES_RT])) if _STYLES_RT in related else None
        properties = _custom_properties(archive, names)
    manifest = None
    if MANIFEST_PROPERTY in properties:
        try:
            manifest = json.loads(properties[MANIFEST_PROPERTY])
        except ValueError:
            manifest = None
    walker = _Walker(_Numbering(numbering, styles))
    walker.block(document.find(f"{W}body"), None)
    return ReadBack(manifest, properties, tuple(walker.controls()), tuple(walker.outside))


# -- the package ----------------------------------------------------------------------------------------


def _related_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Relationship type → zip member name, for the parts the main document refers to."""
    rels_name = "word/_rels/document.xml.rels"
    if rels_name not in names:
        return {}
    out = {}
    for rel in etree.fromstring(archive.read(rels_name)).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        if name in names:
            out.setdefault(rel.get("Type"), name)
    return out


def _custom_properties(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    if "docProps/custom.xml" not in names:
        return {}
    root = etree.fromstring(archive.read("docProps/custom.xml"))
    return {prop.get("name"): "".join(prop.itertext()) for prop in root}


# -- walking the body -----------------------------------------------------------------------------------


class _Walker:
    """Visits the body in document order, sorting paragraphs into controls and outside text."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self._controls: list[tuple[ControlTag, str, list[ReadParagraph]]] = []
        self.outside: list[ReadParagraph] = []
        self._excluded: set[str] = set()  # ids of the title and signature bookmarks now open

    def controls(self) -> Iterator[Control]:
        for tag, alias, paragraphs in self._controls:
            yield Control(tag, alias, tuple(paragraphs))

    def block(self, parent: etree._Element, control: list[ReadParagraph] | None) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child, control)
            elif tag == f"{W}sdt":
                self.sdt(child, control)
            elif tag == f"{W}bookmarkStart":
                self._bookmark_start(child)
            elif tag == f"{W}bookmarkEnd":
                self._excluded.discard(child.get(f"{W}id"))
            elif tag in (f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}customXml", f"{W}smartTag", f"{W}sdtContent",
                         f"{W}ins", f"{W}moveTo"):
                self.block(child, control)

    def sdt(self, sdt: etree._Element, control: list[ReadParagraph] | None) -> None:
        pr = sdt.find(f"{W}sdtPr")
        content = sdt.find(f"{W}sdtContent")
        if content is None:
            return
        parsed = None
        alias = ""
        if pr is not None:
            tag = pr.find(f"{W}tag")
            parsed = ControlTag.parse(tag.get(f"{W}val", "")) if tag is not None else None
            alias_el = pr.find(f"{W}alias")
            alias = alias_el.get(f"{W}val", "") if alias_el is not None else ""
        if parsed is not None:
            paragraphs: list[ReadParagraph] = []
            self._controls.append((parsed, alias, paragraphs))
            control = paragraphs
        self.block(content, control)

    def paragraph(self, p: etree._Element, control: list[ReadParagraph] | None) -> None:
        ends = []
        for mark in p.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            if mark.tag == f"{W}bookmarkStart":
                self._bookmark_start(mark)
            else:
                ends.append(mark.get(f"{W}id"))
        number, suffix = self.numbering.label(p)
        ppr = p.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        read = ReadParagraph(paragraph_text(p), number, suffix, style.get(f"{W}val") if style is not None else None)
        if control is not None:
            control.append(read)
        elif not self._excluded and (read.text.strip() or read.number):
            self.outside.append(read)
        self._excluded.difference_update(ends)

    def _bookmark_start(self, mark: etree._Element) -> None:
        name = mark.get(f"{W}name", "")
        if name.startswith((TITLE_BOOKMARK, SIGNATURES_BOOKMARK)):
            self._excluded.add(mark.get(f"{W}id"))


_SKIPPED = {f"{W}{name}" for name in ("pPr", "rPr", "del", "moveFrom", "instrText", "delInstrText", "fldData")}


def paragraph_text(p: etree._Element) -> str:
    """The text of a paragraph as Word shows it: tracked insertions in, deletions out, tabs and breaks kept."""
    out: list[str] = []

    def visit(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIPPED or tag == f"{W}p":  # a nested paragraph (text box) is not this paragraph's text
                continue
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(out)


# -- list numbers ---------------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "\t"
    restart_after: int | None = None  # 0-based; -1: never; None: after any higher level


_SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}


class _Numbering:
    """Works out the number Word draws before each list paragraph, counting as Word does, per list instance."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                level = _Level()
                for child in lvl:
                    value = child.get(f"{W}val")
                    name = child.tag[len(W):]
                    if name == "start" and value is not None and value.lstrip("-").isdigit():
                        level.start = int(value)
                    elif name == "numFmt" and value:
                        level.fmt = value
                    elif name == "lvlText":
                        level.text = value or ""
                    elif name == "suff":
                        level.suffix = _SUFFIXES.get(value or "tab", "\t")
                    elif name == "lvlRestart" and value is not None and value.isdigit():
                        level.restart_after = int(value) - 1
                levels[int(lvl.get(f"{W}ilvl", "0"))] = level
            self.abstracts[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            abstract = num.find(f"{W}abstractNumId")
            overrides = {}
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None and (start.get(f"{W}val") or "").isdigit():
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val"))
            if abstract is not None:
                self.nums[num.get(f"{W}numId")] = (abstract.get(f"{W}val"), overrides)

    def _read_styles(self, root: etree._Element) -> None:
        based_on: dict[str, str] = {}
        own: dict[str, tuple[str | None, int | None]] = {}
        for style in root.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            base = style.find(f"{W}basedOn")
            if base is not None:
                based_on[style_id] = base.get(f"{W}val")
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                own[style_id] = _numpr(numpr)
        for style_id in set(based_on) | set(own):
            seen, current = set(), style_id
            while current and current not in own and current not in seen:
                seen.add(current)
                current = based_on.get(current)
            if current in own:
                self.style_numbering[style_id] = own[current]

    def label(self, p: etree._Element) -> tuple[str, str]:
        """The number Word draws before paragraph ``p`` and what follows it, ("", "") for none."""
        ppr = p.find(f"{W}pPr")
        num_id, ilvl = None, None
        if ppr is not None:
            style = ppr.find(f"{W}pStyle")
            if style is not None and style.get(f"{W}val") in self.style_numbering:
                num_id, ilvl = self.style_numbering[style.get(f"{W}val")]
            numpr = ppr.find(f"{W}numPr")
            if numpr is not None:
                direct_num, direct_ilvl = _numpr(numpr)
                num_id = direct_num if direct_num is not None else num_id
                ilvl = direct_ilvl if direct_ilvl is not None else ilvl
        if num_id is None or num_id not in self.nums:
            return "", ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstracts.get(abstract_id, {})
        ilvl = ilvl or 0
        if ilvl not in levels:
            return "", ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl].start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper, level in levels.items():
            restart_after = deeper - 1 if level.restart_after is None else level.restart_after
            if deeper > ilvl and ilvl <= restart_after:
                counters.pop(deeper, None)
        level = levels[ilvl]
        text = level.text
        for index in sorted(levels, reverse=True):  # %10 is not a level; highest first keeps %1 from eating it
            value = counters.get(index, overrides.get(index, levels[index].start))
            text = text.replace(f"%{index + 1}", _format_number(value, levels[index].fmt))
        return (text, level.suffix) if text else ("", "")


def _numpr(numpr: etree._Element) -> tuple[str | None, int | None]:
    num = numpr.find(f"{W}numId")
    lvl = numpr.find(f"{W}ilvl")
    ilvl = lvl.get(f"{W}val") if lvl is not None else None
    return (num.get(f"{W}val") if num is not None else None,
            int(ilvl) if ilvl is not None and ilvl.isdigit() else None)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format_number(value: int, fmt: str) -> str:
    """A list counter in a ``w:numFmt``: Word repeats the letter after z (aa, bb, ...)."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        out = ""
        for amount, numeral in _ROMAN:
            while value >= amount:
                out, value = out + numeral, value - amount
        return out if fmt == "lowerRoman" else out.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)
