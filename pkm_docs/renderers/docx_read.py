"""Reading a DOCX built by pkm-docs back: its manifest and, for each clause's content control, the text it holds now.

The DOCX renderer wraps every clause, in every language, in a Word content control (``w:sdt``) whose tag
names the clause (:class:`ControlTag`). When a document comes back edited, :func:`read_docx` says what
each control holds, what list number Word draws before each paragraph, and which text stands outside
any control, so a diff can tell which vetted clauses the other party changed.

It reads what a reader of the document sees: hidden text (``w:vanish``) is left out of the text and noted,
text boxes and ``mc:AlternateContent`` (as Word shows it) are read, headers and footers too; the title and
signature blocks, headers and footers are kept apart (``ReadBack.frame``) with the list label definitions
(``ReadBack.labels``) so a diff can compare them with what a build writes; and whatever pkm-docs does not
write (fields other than page numbers, bookmarks, unknown elements) is a finding, "unrecognised content at ...".
The tracked changes it holds are listed too (``ReadBack.revisions``, read by ``docx_revisions``), each placed
in the clause or region it stands in; the texts read them accepted.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ClassVar, Iterator, Mapping

from lxml import etree

from ..reading import read_bounded
from .docx_revisions import Revision, paragraph_revisions, table_revisions

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NUMBERING_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_STYLES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_HEADER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_COMMENTS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
#: A chosen ``mc:Choice`` or ``mc:Fallback`` once its ``mc:AlternateContent`` is resolved (walked through).
_ALT = "{urn:pkm-docs:read}alternate"

#: Namespaces whose ``mc:Choice`` Word (2010 and later) understands, so shows.
_WORD_UNDERSTANDS = frozenset({
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/word/2015/wordml/symex",
    "http://schemas.microsoft.com/office/word/2016/wordml/cid",
    "http://schemas.microsoft.com/office/word/2018/wordml",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingInk",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "http://schemas.microsoft.com/office/drawing/2010/main",
    "http://schemas.microsoft.com/office/drawing/2014/chartex",
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "urn:schemas-microsoft-com:vml",
    "urn:schemas-microsoft-com:office:office",
})

#: The fields the renderer writes, by part: page numbers in the footer, cross-references in the body.
_FIELDS_WRITTEN = {"footer": frozenset({"PAGE", "NUMPAGES"}), "header": frozenset({"PAGE", "NUMPAGES"}),
                   "body": frozenset({"REF"})}  # a cross-reference "Pasal 7" over the heading's bookmark

#: Every content control the renderer writes has a tag starting with this.
TAG_PREFIX = "pkm:"

#: Bookmarks (hidden in Word: the names start with "_") around the title block and the signature block,
#: whose text is not reported as text outside the clauses.
TITLE_BOOKMARK = "_PkmTitle"
SIGNATURES_BOOKMARK = "_PkmSignatures"

#: Each clause, ad-hoc block and heading of the body, in each language, lies within a hidden bookmark named
#: ``_PkmC<n>`` (a heading: ``_PkmA<article>_<lang>``, which a cross-reference field names); the custom
#: property ``pkm-controls`` maps each name to its tag (``ControlTag``) and alias. Files built by earlier
#: versions carry the same tags in block content controls, which are still read.
CLAUSE_BOOKMARK = "_PkmC"
HEADING_BOOKMARK = "_PkmA"

#: Custom document properties the renderer writes.
MANIFEST_PROPERTY = "pkm-manifest"
CONTROLS_PROPERTY = "pkm-controls"

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


def heading_bookmark(where: str, lang: str) -> str:
    """The bookmark of an article's heading in ``lang``: what a cross-reference to the article names."""
    return f"{HEADING_BOOKMARK}{where}_{lang}"


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
    #: Where a paragraph outside every control stands (``ReadBack.outside``; not compared): the index in
    #: ``ReadBack.controls`` of the last control before it (-1: none, or it cannot be placed: a text box, an
    #: element pkm-docs does not write, text after the signatures), the index of its table cell in the row of
    #: the outermost table (None: not in a table) and how many table cells it stands in.
    after: int = field(default=-1, compare=False)
    column: int | None = field(default=None, compare=False)
    cells: int = field(default=0, compare=False)

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
    #: What a reader sees that is not in the clauses or beyond what pkm-docs writes: hidden text, text
    #: boxes, alternate content, fields, bookmarks it does not write, elements it does not know.
    findings: tuple[str, ...] = ()
    #: The text pkm-docs writes around the clauses, by region (``title block``, ``signature block``,
    #: ``header``, ``footer``), one entry per non-empty paragraph as shown.
    frame: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Each list level the paragraphs use (``PKM articles id|1``) → its label text (``(%2)``) and how many
    #: paragraphs show it.
    labels: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: ``parallel`` when the clauses stand in table cells (languages side by side), else ``sequential``.
    layout: str = "parallel"
    #: The tracked changes the document holds, in document order, each placed in its clause or region.
    revisions: tuple[Revision, ...] = ()

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
    walker = _Walker(_Numbering(numbering, styles), _Styles(styles), _named_controls(properties))
    try:
        _resolve_alternate_content(body)
        walker.block(body, None)
        walker.end_of_body()
        for kind, rel_type in (("header", _HEADER_RT), ("footer", _FOOTER_RT)):
            for name in _parts_of_type(members, rel_type):
                part = parse_xml(members[name], name)
                _resolve_alternate_content(part)
                walker.story(part, kind, name)
        walker.hidden_styles()
    except RecursionError:
        raise UnreadableDocx("word/document.xml is nested too deeply to read") from None
    return ReadBack(manifest, properties, tuple(walker.controls()), tuple(walker.outside),
                    tuple(dict.fromkeys(walker.findings)), {k: tuple(v) for k, v in walker.frame.items()},
                    walker.labels, "parallel" if walker.in_cells else "sequential", tuple(walker.revisions))


def read_comments(source: str | Path | bytes) -> tuple[tuple[str, str, str], ...]:
    """The comments of a DOCX (Word's Review > New Comment, kept in ``word/comments.xml``): author, day and text
    of each, in the file's order. pkm-docs writes none; they are no text of the agreement.

    Raises :class:`UnreadableDocx` when the file is damaged or beyond the limits of this module.
    """
    data = source if isinstance(source, bytes) else read_bounded(source, MAX_DOCX_BYTES, "DOCX files")
    members = read_package(data)
    name = _related_parts(members).get(_COMMENTS_RT)
    if name is None:
        return ()
    out = []
    for comment in parse_xml(members[name], name).iter(f"{W}comment"):
        text = "\n".join(paragraph_text(p) for p in comment.iter(f"{W}p")).strip()
        out.append((comment.get(f"{W}author", ""), comment.get(f"{W}date", "")[:10], text))
    return tuple(out)


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


def _parts_of_type(members: Mapping[str, bytes], rel_type: str) -> list[str]:
    """Every part of one relationship type the main document refers to, in the order of its relationships."""
    rels_name = "word/_rels/document.xml.rels"
    if rels_name not in members:
        return []
    out = []
    for rel in parse_xml(members[rels_name], rels_name).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        if rel.get("Type") != rel_type or rel.get("TargetMode") == "External":
            continue
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        if name in members and name not in out:
            out.append(name)
    return out


def _resolve_alternate_content(root: etree._Element) -> None:
    """Each ``mc:AlternateContent`` replaced by what Word shows: the first ``mc:Choice`` whose required
    namespaces Word understands, else the ``mc:Fallback`` (kept as an element the walker goes through)."""
    for alternate in list(root.iter(f"{MC}AlternateContent")):
        parent = alternate.getparent()
        if parent is None:
            continue
        chosen = None
        for branch in alternate:
            if branch.tag == f"{MC}Choice":
                required = (branch.get("Requires") or "").split()
                namespaces = [branch.nsmap.get(prefix) for prefix in required]
                if required and all(ns in _WORD_UNDERSTANDS for ns in namespaces):
                    chosen = branch
                    break
            elif branch.tag == f"{MC}Fallback" and chosen is None:
                chosen = branch
        replacement = etree.Element(_ALT)
        if chosen is not None:
            replacement.extend(list(chosen))
        parent.replace(alternate, replacement)


def _named_controls(properties: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The clause bookmarks the ``pkm-controls`` property names: name → tag and alias (none when it is
    missing or not what pkm-docs writes)."""
    text = properties.get(CONTROLS_PROPERTY, "")
    if not text or len(text) > MAX_MANIFEST_BYTES:
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: (held[0], held[1]) for name, held in data.items()
            if isinstance(name, str) and isinstance(held, list) and len(held) == 2
            and all(isinstance(x, str) for x in held)}


def _custom_properties(members: Mapping[str, bytes]) -> dict[str, str]:
    if "docProps/custom.xml" not in members:
        return {}
    root = parse_xml(members["docProps/custom.xml"], "docProps/custom.xml")
    return {prop.get("name", ""): "".join(prop.itertext())  # type: ignore[arg-type]  # lxml-stubs say str|bytes
            for prop in root}


# -- walking the body -----------------------------------------------------------------------------------


class _Walker:
    """Visits the body in document order, sorting paragraphs into controls, the title and signature blocks
    and outside text, and noting what a reader sees beyond what pkm-docs writes."""

    #: Elements of the body, tables and content controls that hold no text of their own.
    _STRUCTURE: ClassVar[set[str]] = {f"{W}{name}" for name in (
        "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "tblPrEx", "sdtPr", "sdtEndPr", "customXmlPr", "proofErr",
        "permStart", "permEnd", "commentRangeStart", "commentRangeEnd", "moveFromRangeStart", "moveFromRangeEnd",
        "moveToRangeStart", "moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
        "customXmlDelRangeStart", "customXmlDelRangeEnd", "del", "moveFrom")}
    _CONTAINERS: ClassVar[set[str]] = {f"{W}{name}" for name in (
        "tbl", "tr", "tc", "customXml", "smartTag", "sdtContent", "ins", "moveTo")} | {_ALT}

    def __init__(self, numbering: _Numbering, styles: _Styles, named: Mapping[str, tuple[str, str]] | None = None):
        self.numbering = numbering
        self.styles = styles
        self._named = dict(named or {})  # clause bookmarks: name → tag and alias (the pkm-controls property)
        #: The clause bookmark now open: the id of the bookmark end that closes it, its paragraphs, its name.
        self._marked: tuple[str | None, list[ReadParagraph], str] | None = None
        self._controls: list[tuple[ControlTag, str, list[ReadParagraph]]] = []
        self.outside: list[ReadParagraph] = []
        self.findings: list[str] = []
        self.frame: dict[str, list[str]] = {}
        self.labels: dict[str, tuple[str, int]] = {}
        self.in_cells = False
        #: Paragraphs outside every bookmark since a signature bookmark ended: in the signature block when
        #: another signature bookmark follows (one bookmark per cell), else outside the clauses.
        self._between: list[ReadParagraph] | None = None
        #: Ids of the title and signature bookmarks now open → their region and name.
        self._excluded: dict[str | None, tuple[str, str]] = {}
        self._names_seen: set[str] = set()
        self._part = "body"  # body, header or footer
        self._part_name = "word/document.xml"
        self._depth_cells = 0
        self._column = 0  # the column of the outermost table's cell the walk is in
        self._current: ControlTag | None = None
        self._hidden_by_style: dict[str, tuple[int, str]] = {}
        self.revisions: list[Revision] = []
        self._row_revisions: list[Revision] = []  # a table's or row's, placed with its first paragraph

    def hidden_styles(self) -> None:
        """The findings of styles that hide their paragraphs' text, once per style."""
        for style_id, (count, first) in self._hidden_by_style.items():
            self.findings.append(f"hidden text: the style `{style_id}` hides the text of {count} paragraph"
                                 f"{'s' if count != 1 else ''} (w:vanish), first at {first}")

    def controls(self) -> Iterator[Control]:
        for tag, alias, paragraphs in self._controls:
            yield Control(tag, alias, tuple(paragraphs))

    def story(self, root: etree._Element, part: str, name: str) -> None:
        """A header or footer: every paragraph is frame text of that part."""
        self._part, self._part_name = part, name
        self._excluded = {}
        self.block(root, None)
        self._part, self._part_name = "body", "word/document.xml"

    def where(self) -> str:
        """Where the walk is, for a reader: ``Article 5, clause funding.cost_sharing (id)``."""
        if self._part != "body":
            return f"the {self._part} ({self._part_name})"
        tag = self._current
        if tag is not None:
            part = f"Article {tag.where}" if tag.where.isdigit() else f"the {tag.where or 'body'}"
            what = "the heading" if tag.kind == "heading" else \
                "text written in the agreement" if tag.kind == "adhoc" else f"clause {tag.clause_id} {tag.version}"
            return f"{part}, {what} ({tag.lang})"
        if self._excluded:
            return f"the {next(iter(self._excluded.values()))[0]}"
        return "the body, outside the clauses"

    def note(self, what: str) -> None:
        self.findings.append(f"unrecognised content at {self.where()}: {what}")

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
                self._bookmark_end(child.get(f"{W}id"))
            elif tag in self._CONTAINERS:
                if tag == _ALT:
                    self.note(f"alternate content (mc:AlternateContent), read as Word shows it: "
                              f"«{_shorten(' '.join(paragraph_text(q) for q in child.iter(f'{W}p')))}»")
                if tag in (f"{W}tbl", f"{W}tr"):
                    self._row_revisions.extend(table_revisions(child))
                cell = tag == f"{W}tc"
                if cell and not self._depth_cells:  # a cell of the outermost table: which column it is
                    self._column = sum(1 for sibling in child.itersiblings(preceding=True) if sibling.tag == tag)
                self._depth_cells += cell
                self.block(child, control)
                self._depth_cells -= cell
            elif tag in self._STRUCTURE or not isinstance(tag, str):
                continue  # comments and processing instructions are not shown
            else:
                self.note(f"an element pkm-docs does not write ({_local(tag)})")
                text = "".join(child.itertext()).strip()  # type: ignore[arg-type]
                if text:
                    self.outside.append(ReadParagraph(text))  # not placed: after stays -1

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
        outer = self._current
        if parsed is not None and self._part == "body":
            paragraphs: list[ReadParagraph] = []
            self._controls.append((parsed, alias, paragraphs))
            control = paragraphs
            self._current = parsed
            if parsed.kind == "clause" and self._depth_cells:
                self.in_cells = True
        self.block(content, control)
        self._current = outer

    def paragraph(self, p: etree._Element, control: list[ReadParagraph] | None) -> None:
        ends = []
        for mark in p.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            if mark.tag == f"{W}bookmarkStart":
                self._bookmark_start(mark)
            else:
                ends.append(mark.get(f"{W}id"))
        if self._marked is not None:
            control = self._marked[1]
        self._place_revisions(p)
        number, suffix = self.numbering.label(p)
        if number:
            key, text = self.numbering.last_definition
            self.labels[key] = (text, self.labels.get(key, ("", 0))[1] + 1)
        ppr = p.find(f"{W}pPr")
        style = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style.get(f"{W}val") if style is not None else None
        hidden: list[str] = []
        text = paragraph_text(p, lambda run: self.styles.hidden(run, style_id), hidden)
        if "".join(hidden).strip():
            by_style = self.styles.style_vanish(style_id or self.styles.default_paragraph)
            if by_style and style_id is not None:  # one finding per style, not one per paragraph
                count, first = self._hidden_by_style.get(style_id, (0, ""))
                self._hidden_by_style[style_id] = (count + 1, first or f"{self.where()}: «{_shorten(''.join(hidden))}»")
            else:
                self.findings.append(f"hidden text at {self.where()}: «{_shorten(''.join(hidden))}» (a reader of "
                                     "the document does not see it)")
        if number and self.styles.hidden_mark(p, style_id):
            number = ""  # a hidden paragraph mark's number is hidden with it
        self._fields(p)
        read = ReadParagraph(text, number, suffix, style_id)
        boxes = [ReadParagraph(paragraph_text(q, lambda run: self.styles.hidden(run, None)))
                 for q in p.iter(f"{W}p") if q is not p]
        boxes = [box for box in boxes if box.text.strip()]
        if boxes:
            self.note(f"a text box: «{_shorten(' '.join(box.text for box in boxes))}»")
        items = [read, *boxes]
        if control is not None and self._part == "body" and boxes:  # the clause's text, as a reader reads it
            items = [ReadParagraph(" ".join([text, *(box.text for box in boxes)]).strip(), number, suffix, style_id)]
        for item in items:
            if self._part != "body":
                if item.shown.strip():
                    self.frame.setdefault(self._part, []).append(item.shown.strip())
            elif control is not None:
                control.append(item)
            elif self._excluded:
                if item.shown.strip():
                    self.frame.setdefault(next(iter(self._excluded.values()))[0], []).append(item.shown.strip())
            elif self._between is not None:
                self._between.append(item)
            elif item.text.strip() or item.number:
                placed = item is read and self._controls  # a text box's paragraph is not placed
                self.outside.append(dataclasses.replace(
                    item, after=len(self._controls) - 1 if placed else -1, cells=self._depth_cells,
                    column=self._column if self._depth_cells else None))
        for end in ends:
            self._bookmark_end(end)

    def _place_revisions(self, p: etree._Element) -> None:
        found, self._row_revisions = self._row_revisions + paragraph_revisions(p), []
        region = self._part if self._part != "body" else "body" if self._current is not None or not self._excluded \
            else next(iter(self._excluded.values()))[0]
        tag = str(self._current) if self._current is not None and self._part == "body" else ""
        self.revisions.extend(dataclasses.replace(r, tag=tag, region=region) for r in found)

    def _fields(self, p: etree._Element) -> None:
        """Fields other than the ones pkm-docs writes (page numbers in the footer) are noted."""
        written = _FIELDS_WRITTEN.get(self._part, frozenset())
        instructions = [simple.get(f"{W}instr", "") for simple in p.iter(f"{W}fldSimple")]
        current: list[str] | None = None
        for element in p.iter(f"{W}fldChar", f"{W}instrText"):
            if element.tag == f"{W}fldChar":
                kind = element.get(f"{W}fldCharType")
                if kind == "begin":
                    current = []
                elif current is not None:
                    instructions.append("".join(current))
                    current = None
            elif current is not None:
                current.append(element.text or "")
        if current is not None:
            instructions.append("".join(current))
        for instruction in instructions:
            words = instruction.split()
            if not words or words[0].upper() not in written:
                self.note(f"a field pkm-docs does not write ({_shorten(instruction.strip() or '(empty)')})")

    def _bookmark_start(self, mark: etree._Element) -> None:
        name = mark.get(f"{W}name", "")
        if self._marked is not None and name == self._marked[2]:
            # LibreOffice 7.4 saves a bookmark over several paragraphs as a start that never ends and a second
            # bookmark of the same name over the last paragraph: the clause goes on to that one's end
            self._marked = (mark.get(f"{W}id"), self._marked[1], name)
            return
        if name in self._named:
            self._clause_start(mark.get(f"{W}id"), name)
            return
        if not name.startswith((TITLE_BOOKMARK, SIGNATURES_BOOKMARK)):
            return
        region = "title block" if name.startswith(TITLE_BOOKMARK) else "signature block"
        exact = name in (TITLE_BOOKMARK, SIGNATURES_BOOKMARK) or re.fullmatch(
            rf"{TITLE_BOOKMARK}_[a-z]{{2,3}}|{SIGNATURES_BOOKMARK}_[1-9][0-9]{{0,3}}", name)
        still_open = [key for key, (_, open_name) in self._excluded.items() if open_name == name]
        if still_open and self._part == "body":  # LibreOffice's second start of one bookmark (see above)
            del self._excluded[still_open[0]]
            self._excluded[mark.get(f"{W}id")] = (region, name)
            return
        if self._part != "body" or not exact or name in self._names_seen or self._current is not None:
            self.note(f"a bookmark `{_shorten(name)}` that pkm-docs does not write there")
            return
        self._names_seen.add(name)
        self._excluded[mark.get(f"{W}id")] = (region, name)
        if region == "signature block" and self._between:
            self.frame.setdefault(region, []).extend(p.shown.strip() for p in self._between if p.shown.strip())
        self._between = None

    def end_of_body(self) -> None:
        """What followed the last signature bookmark is outside the clauses."""
        self.outside.extend(p for p in self._between or () if p.text.strip() or p.number)
        self._between = None


    def _clause_start(self, bookmark_id: str | None, name: str) -> None:
        """A clause bookmark opens: the paragraphs up to its end are that clause's."""
        tag_text, alias = self._named.pop(name)  # a name is one clause; a copy of the bookmark is not
        parsed = ControlTag.parse(tag_text)
        if self._marked is not None:  # the clause before never ended: it ends where the next one starts
            self._marked, self._current = None, None
        if self._between is not None:
            self.end_of_body()
        if parsed is None or self._part != "body" or self._current is not None:
            self.note(f"a bookmark `{_shorten(name)}` that pkm-docs does not write there")
            return
        paragraphs: list[ReadParagraph] = []
        self._controls.append((parsed, alias, paragraphs))
        self._marked = (bookmark_id, paragraphs, name)
        self._current = parsed
        if parsed.kind == "clause" and self._depth_cells:
            self.in_cells = True

    def _bookmark_end(self, bookmark_id: str | None) -> None:
        region = self._excluded.pop(bookmark_id, None)
        if region is not None and region[0] == "signature block" and self._between is None:
            self._between = []
        if self._marked is not None and self._marked[0] == bookmark_id:
            self._marked = None
            self._current = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


_SKIPPED = {f"{W}{name}" for name in ("pPr", "rPr", "del", "moveFrom", "instrText", "delInstrText", "fldData")}


def paragraph_text(p: etree._Element, hidden: Callable[[etree._Element], bool] | None = None,
                   hidden_out: list[str] | None = None) -> str:
    """The text of a paragraph as Word shows it: tracked insertions in, deletions out, tabs and breaks kept;
    runs that ``hidden`` says are hidden (``w:vanish``) go to ``hidden_out`` instead. A page number or count
    (the PAGE and NUMPAGES fields) reads as ``#``: what it shows depends on the program that last laid out
    the pages, not on the agreement."""
    out: list[str] = []
    field: list[str] = []  # the instruction of the complex field now open
    state = {"in": ""}  # "": text; "code": a field's instruction; "page": a page number's shown result

    def visit(element: etree._Element, sink: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}instrText" and state["in"] == "code":
                field.append(child.text or "")
            elif tag in _SKIPPED or tag == f"{W}p" or tag == f"{W}txbxContent":
                continue  # a nested paragraph (text box) is not this paragraph's text
            elif tag == f"{W}fldChar":
                kind = child.get(f"{W}fldCharType")
                if kind == "begin":
                    state["in"], field[:] = "code", []
                elif kind == "separate" and state["in"] == "code":
                    page = "".join(field).split()[:1] in (["PAGE"], ["NUMPAGES"])
                    state["in"] = "page" if page else ""
                    if page:
                        sink.append("#")
                elif kind == "end":
                    state["in"] = ""
            elif state["in"] == "page" and tag in (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
                continue
            elif tag == f"{W}r" and hidden is not None and hidden(child):
                visit(child, hidden_out if hidden_out is not None else [])
            elif tag == f"{W}t":
                sink.append(child.text or "")
            elif tag == f"{W}tab":
                sink.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                sink.append("\n")
            elif tag == f"{W}noBreakHyphen":
                sink.append("-")
            else:
                visit(child, sink)

    visit(p, out)
    return "".join(out)


def _on(element: etree._Element | None) -> bool | None:
    """A toggle property (``<w:vanish/>``, ``w:val="0"``): None when absent."""
    if element is None:
        return None
    return element.get(f"{W}val", "true") not in ("0", "false", "off")


class _Styles:
    """Which styles hide their text (``w:vanish``), following ``w:basedOn`` and the document defaults."""

    def __init__(self, styles: etree._Element | None):
        self.own: dict[str | None, bool | None] = {}
        self.mark: dict[str | None, bool | None] = {}
        self.based_on: dict[str | None, str | None] = {}
        self.default_paragraph: str | None = None
        self.default_vanish = False
        if styles is None:
            return
        self.default_vanish = bool(_on(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}vanish")))
        for style in styles.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            base = style.find(f"{W}basedOn")
            self.based_on[style_id] = base.get(f"{W}val") if base is not None else None
            self.own[style_id] = _on(style.find(f"{W}rPr/{W}vanish"))
            self.mark[style_id] = _on(style.find(f"{W}pPr/{W}rPr/{W}vanish"))
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                self.default_paragraph = style_id

    def style_vanish(self, style_id: str | None) -> bool | None:
        seen: set[str | None] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            if self.own.get(style_id) is not None:
                return self.own[style_id]
            style_id = self.based_on.get(style_id)
        return None

    def hidden(self, run: etree._Element, paragraph_style: str | None) -> bool:
        rpr = run.find(f"{W}rPr")
        if rpr is not None:
            direct = _on(rpr.find(f"{W}vanish"))
            if direct is not None:
                return direct
            rstyle = rpr.find(f"{W}rStyle")
            if rstyle is not None and (by_char := self.style_vanish(rstyle.get(f"{W}val"))) is not None:
                return by_char
        by_paragraph = self.style_vanish(paragraph_style or self.default_paragraph)
        return by_paragraph if by_paragraph is not None else self.default_vanish

    def hidden_mark(self, p: etree._Element, paragraph_style: str | None) -> bool:
        direct = _on(p.find(f"{W}pPr/{W}rPr/{W}vanish"))
        if direct is not None:
            return direct
        return bool(self.style_vanish(paragraph_style or self.default_paragraph))


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
    """Works out the number Word draws before each list paragraph, counting as Word does."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None):
        self.abstracts: dict[str | None, dict[int, _Level]] = {}  # None: an id the file leaves out
        self.nums: dict[str | None, tuple[str | None, dict[int, int]]] = {}
        self.style_numbering: dict[str | None, tuple[str | None, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}  # by abstract list
        self.started: set[tuple[str, int]] = set()  # the list instances and levels whose start override is used
        self.names: dict[str | None, str] = {}  # abstract id → its w:name
        self.last_definition: tuple[str, str] = ("", "")  # the list level of the last label: key, w:lvlText
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
            named = abstract.find(f"{W}name")
            if named is not None:
                self.names[abstract.get(f"{W}abstractNumId")] = named.get(f"{W}val", "")
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
        # Word counts per abstract list: list instances of one abstract list continue each other's numbers
        # (LibreOffice saves a continued list so), and an instance's start override restarts the count where
        # that instance is first used
        counters = self.counters.setdefault(abstract_id or "", {})
        if ilvl in overrides and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters[ilvl] = overrides[ilvl]
        else:
            counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper, level in levels.items():
            restart_after = deeper - 1 if level.restart_after is None else level.restart_after
            if deeper > ilvl and ilvl <= restart_after:
                counters.pop(deeper, None)
        level = levels[ilvl]
        text = level.text
        self.last_definition = (f"{self.names.get(abstract_id) or abstract_id}|{ilvl}", level.text)
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
