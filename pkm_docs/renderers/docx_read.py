"""Reading a DOCX built by pkm-docs back: its manifest and, for each clause's content control, the text it holds now.

The DOCX renderer wraps every clause, in every language, in a Word content control (``w:sdt``) whose tag
names the clause (:class:`ControlTag`). When a document comes back edited, :func:`read_docx` says what
each control holds, what list number Word draws before each paragraph, and which text stands outside
any control, so a diff can tell which vetted clauses the other party changed.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from lxml import etree

from ..reading import read_bounded

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

#: Limits on a returned DOCX: the file, each member and all members inflated, as read (a zip entry's
#: declared size can lie), list start values (Word's own maximum) and the length of one list label.
MAX_DOCX_BYTES = 50_000_000
MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_INFLATED_BYTES = 128 * 1024 * 1024
MAX_LIST_START = 32_767
MAX_LABEL_CHARS = 2_000
MAX_MANIFEST_BYTES = 1_000_000

#: lxml's parser for untrusted XML: no entity is expanded, no DTD or network is loaded, and the depth and
#: size limits of libxml2 stay on (huge_tree=False).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

_SMALL_NUMBER = re.compile(r"-?[0-9]{1,9}")


class UnreadableDocx(ValueError):
    """A DOCX that cannot be read safely: too large, damaged, or with content beyond the limits above."""


def small_int(text: str | None) -> int | None:
    """``text`` as an int when it is at most nine ASCII digits (``²`` and 5,000-digit strings are not)."""
    return int(text) if text is not None and _SMALL_NUMBER.fullmatch(text) else None


def parse_xml(data: bytes, name: str) -> etree._Element:
    """A package part parsed with the safe parser; damaged XML is an :class:`UnreadableDocx` naming the part."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocx(f"{name} is not well-formed XML ({exc})") from None


def read_package(data: bytes) -> dict[str, bytes]:
    """Every member of a DOCX inflated, each through a bounded read, within the limits above."""
    if len(data) > MAX_DOCX_BYTES:
        raise UnreadableDocx(f"the file is {len(data):,} bytes; pkm-docs reads DOCX files up to {MAX_DOCX_BYTES:,}")
    members: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise UnreadableDocx(f"{info.filename} inflates to {info.file_size:,} bytes; pkm-docs reads "
                                         f"parts up to {MAX_MEMBER_BYTES:,}")
                chunks, size = [], 0
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 20):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_MEMBER_BYTES:
                            raise UnreadableDocx(f"{info.filename} inflates to more than {MAX_MEMBER_BYTES:,} bytes")
                        if total > MAX_INFLATED_BYTES:
                            raise UnreadableDocx(f"its parts inflate to more than {MAX_INFLATED_BYTES:,} bytes")
                        chunks.append(chunk)
                members[info.filename] = b"".join(chunks)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        raise UnreadableDocx(f"not a Word document ({exc})") from None
    return members


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
        where = fields[5]
        if where.isdigit() and small_int(where) is None:  # `²`, `٣` or 5,000 digits: not a tag pkm-docs wrote
            return None
        return cls(*fields)

    @property
    def article(self) -> int | None:
        """The article number, None for the preamble and the closing."""
        return small_int(self.where)


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
    """Read a DOCX (a path or its bytes) that pkm-docs built, possibly edited since in Word.

    Raises :class:`UnreadableDocx` when the file is damaged or beyond the limits of this module.
    """
    data = source if isinstance(source, bytes) else read_bounded(source, MAX_DOCX_BYTES, "DOCX files")
    members = read_package(data)
    if "word/document.xml" not in members:
        raise UnreadableDocx("not a Word document (it has no word/document.xml)")
    document = parse_xml(members["word/document.xml"], "word/document.xml")
    related = _related_parts(members)
    numbering = parse_xml(members[related[_NUMBERING_RT]], related[_NUMBERING_RT]) if _NUMBERING_RT in related else None
    styles = parse_xml(members[related[_STYLES_RT]], related[_STYLES_RT]) if _STYLES_RT in related else None
    properties = _custom_properties(members)
    manifest = None
    if MANIFEST_PROPERTY in properties:
        text = properties[MANIFEST_PROPERTY]
        if len(text) > MAX_MANIFEST_BYTES:
            raise UnreadableDocx(f"its manifest is longer than {MAX_MANIFEST_BYTES:,} characters")
        try:
            manifest = json.loads(text)
        except ValueError:
            manifest = None
        except RecursionError:
            raise UnreadableDocx("its manifest is nested too deeply to read") from None
    body = document.find(f"{W}body")
    if body is None:
        raise UnreadableDocx("not a Word document (word/document.xml has no <w:body>)")
    walker = _Walker(_Numbering(numbering, styles))
    try:
        walker.block(body, None)
    except RecursionError:
        raise UnreadableDocx("word/document.xml is nested too deeply to read") from None
    return ReadBack(manifest, properties, tuple(walker.controls()), tuple(walker.outside))


# -- the package ----------------------------------------------------------------------------------------


def _related_parts(members: Mapping[str, bytes]) -> dict[str | None, str]:
    """Relationship type → zip member name, for the parts the main document refers to (None: no type given)."""
    rels_name = "word/_rels/document.xml.rels"
    if rels_name not in members:
        return {}
    out: dict[str | None, str] = {}
    for rel in parse_xml(members[rels_name], rels_name).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        if name in members:
            out.setdefault(rel.get("Type"), name)
    return out


def _custom_properties(members: Mapping[str, bytes]) -> dict[str, str]:
    if "docProps/custom.xml" not in members:
        return {}
    root = parse_xml(members["docProps/custom.xml"], "docProps/custom.xml")
    return {prop.get("name", ""): "".join(prop.itertext())  # type: ignore[arg-type]  # lxml-stubs say str|bytes
            for prop in root}


# -- walking the body -----------------------------------------------------------------------------------


class _Walker:
    """Visits the body in document order, sorting paragraphs into controls and outside text."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self._controls: list[tuple[ControlTag, str, list[ReadParagraph]]] = []
        self.outside: list[ReadParagraph] = []
        self._excluded: set[str | None] = set()  # ids of the title and signature bookmarks now open (None: no id)

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
        self.abstracts: dict[str | None, dict[int, _Level]] = {}  # None: an id the file leaves out
        self.nums: dict[str | None, tuple[str | None, dict[int, int]]] = {}
        self.style_numbering: dict[str | None, tuple[str | None, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        abstract: etree._Element | None  # an <w:abstractNum>, then a <w:num>'s <w:abstractNumId>
        value: str | int | None  # an attribute's text, then a start override
        for abstract in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                level = _Level()
                for child in lvl:
                    value = child.get(f"{W}val")
                    name = child.tag[len(W):]
                    if name == "start" and (first := _list_start(value)) is not None:
                        level.start = first
                    elif name == "numFmt" and value:
                        level.fmt = value
                    elif name == "lvlText":
                        level.text = value or ""
                        if len(level.text) > MAX_LABEL_CHARS:
                            raise UnreadableDocx(f"a list level's text is longer than {MAX_LABEL_CHARS:,} characters")
                    elif name == "suff":
                        level.suffix = _SUFFIXES.get(value or "tab", "\t")
                    elif name == "lvlRestart" and (after := small_int(value)) is not None:
                        level.restart_after = after - 1
                ilvl = small_int(lvl.get(f"{W}ilvl", "0"))
                if ilvl is not None:
                    levels[ilvl] = level
            self.abstracts[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            abstract = num.find(f"{W}abstractNumId")
            overrides: dict[int, int] = {}
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                value, ilvl = (_list_start(start.get(f"{W}val")) if start is not None else None,
                               small_int(override.get(f"{W}ilvl", "0")))
                if value is not None and ilvl is not None:
                    overrides[ilvl] = value
            if abstract is not None:
                self.nums[num.get(f"{W}numId")] = (abstract.get(f"{W}val"), overrides)

    def _read_styles(self, root: etree._Element) -> None:
        based_on: dict[str | None, str | None] = {}
        own: dict[str | None, tuple[str | None, int | None]] = {}
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
            if len(text) > MAX_LABEL_CHARS:
                raise UnreadableDocx(f"a list label is longer than {MAX_LABEL_CHARS:,} characters")
        return (text, level.suffix) if text else ("", "")


def _numpr(numpr: etree._Element) -> tuple[str | None, int | None]:
    num = numpr.find(f"{W}numId")
    lvl = numpr.find(f"{W}ilvl")
    ilvl = lvl.get(f"{W}val") if lvl is not None else None
    return (num.get(f"{W}val") if num is not None else None, small_int(ilvl))


def _list_start(text: str | None) -> int | None:
    """A list's start value (None when it is not a number), refused beyond Word's own maximum before any
    label is formatted."""
    if text is None or not re.fullmatch(r"-?[0-9]+", text):
        return None
    if len(text) > 12:
        raise UnreadableDocx(f"a list starts at a number of {len(text):,} digits; Word's list numbers go from 0 "
                             f"to {MAX_LIST_START:,}")
    value = int(text)
    if not 0 <= value <= MAX_LIST_START:
        raise UnreadableDocx(f"a list starts at {value:,}; Word's list numbers go from 0 to {MAX_LIST_START:,}")
    return value


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
