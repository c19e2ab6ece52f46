"""DOCX renderer: the agreement model, written as WordprocessingML, put into a rendered docxtpl template; returned as reproducible bytes.

Article headings, numbered paragraphs and items are Word list items ("Pasal %1", "(%2)", "%3."), so the
numbers are live: insert an article in Word and the ones after it renumber, and so do the cross-references
(REF fields over the headings' bookmarks). Every clause, in every language, lies within a hidden bookmark
that the custom property ``pkm-controls`` tags with its id, version and hash (``docx_read.ControlTag``), so
an edited copy can be read back clause by clause with ``docx_read.read_docx``.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from docx import Document as open_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm, Emu, Inches, Length, Pt, RGBColor
from docxtpl import DocxTemplate
from jinja2 import Template, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from ..body import letters
from ..errors import BuildError
from .template_check import check_template
from ..model import Agreement, Article, ClauseUse, Paragraph, Party, Table
from ..resources import resource_dir
from . import docx_markup as markup
from . import docx_xml
from .docx_read import (CLAUSE_BOOKMARK, CONTROLS_PROPERTY, SIGNATURES_BOOKMARK, TITLE_BOOKMARK, ControlTag,
                        heading_bookmark)

#: Layouts the renderer knows: "parallel" sets the languages side by side, clause by clause; "sequential"
#: gives the whole text in one language, then (from a new page) in the next, then the signatures once.
#: A single-language agreement is one column whatever the layout.
LAYOUTS = ("parallel", "sequential")

TEMPLATE_NAME = "house.docx"

#: The docxtpl placeholder a template must hold, alone in its paragraph, where the agreement goes.
BODY_PLACEHOLDER = "body"

#: The colour of the bar a draft sets beside ad-hoc paragraphs (text not from the clause library).
ADHOC_BAR = "C0392B"
ADHOC_SHADE = "FADBD8"

#: The placeholder the draft mark goes through (added to every header when ``draft=True``).
DRAFT_PLACEHOLDER = "draft_label"

#: An optional ``{{p initials }}`` placeholder (the house footer has one) receives the parties' initials boxes.
INITIALS_PLACEHOLDER = "initials"

#: Paragraph styles the renderer uses; a user template lacking them gets them from the house template.
STYLE_PREFIX = "PKM "
TITLE = "PKM Title"
HEADING = "Heading 2"  # Word's own, restyled by the house template: Word, pandoc and mammoth see a heading
TEXT = "PKM Text"
PARAGRAPH = "PKM Paragraph"
ITEM = "PKM Item"
SIGNATURE = "PKM Signature"
METERAI = "PKM Meterai"
INITIALS = "PKM Initials"

#: Language tags for Word's spelling and hyphenation, by model language.
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}

#: Used only when a model carries no label of that name.
_FALLBACK_LABELS = {
    "article": {"id": "Pasal", "en": "Article"},
    "number": {"id": "Nomor", "en": "Number"},
    "page": {"id": "Halaman", "en": "Page"},
    "of": {"id": "dari", "en": "of"},
    "meterai": {"id": "Meterai Rp10.000", "en": "Rp10,000 duty stamp"},
    "between": {"id": "antara", "en": "between"},
    "and": {"id": "dan", "en": "and"},
    "draft": {"id": "RANCANGAN", "en": "DRAFT"},
    "initials": {"id": "Paraf", "en": "Initials"},
    "witnesses": {"id": "Saksi-saksi", "en": "Witnesses"},
}

_GUTTER = Cm(0.35)  # padding on each side of the line between the language columns
_SIGNING_SPACE = Cm(2.7)
_WITNESS_SPACE = Cm(2.0)
_METERAI_BOX = Cm(3.2)
_INITIALS_BOX: tuple[Length, Length] = (Cm(2.8), Cm(1.1))  # width, height
_DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
_CORE_TEXT_LIMIT = 255  # Word's limit for a document property


def template_path() -> Path:
    """The house template shipped with pkm-docs."""
    return resource_dir("templates") / TEMPLATE_NAME


def render_docx(agreement: Agreement, *, template: Path | None = None, layout: str = "parallel",
                draft: bool = False) -> bytes:
    """The agreement as DOCX bytes: byte-identical for the same model and template.

    ``layout`` is "parallel" (languages side by side) or "sequential" (one language after the other).
    """
    if layout not in LAYOUTS:
        raise BuildError(f"unknown DOCX layout `{layout}`; known layouts: {', '.join(LAYOUTS)}")
    check_text(agreement)
    path = Path(template) if template is not None else template_path()
    tpl, info = _open_template(path, house=template is None)
    document = tpl.get_docx()
    builder = _BodyBuilder(agreement, document, info, draft=draft)
    body = builder.build(layout)
    initials = builder.initials() if agreement.parties else ""
    if draft:
        _add_draft_mark(document)
    # the template is rendered with a marker paragraph where the body goes, and the body's markup is put in its
    # place afterwards: docxtpl and Jinja see the letterhead's few kilobytes, never the agreement's hundreds
    context = template_context(agreement, _BODY_MARKER_XML, draft=draft)
    context[INITIALS_PLACEHOLDER] = docx_xml.inert_xml(initials)
    try:
        tpl.render(context, _JINJA, autoescape=True)
    except TemplateError as exc:
        raise BuildError(f"DOCX template {path}: {exc}") from exc
    except etree.XMLSyntaxError as exc:  # the template's own Jinja tags cut its XML apart
        raise BuildError(f"DOCX template {path} renders to broken XML (check its Jinja tags): {exc}") from exc
    _put_body(document, body, path)  # `document` is what was rendered (tpl.get_docx() would now open it anew)
    _set_properties(document, agreement, builder.controls)
    _set_structure(document, agreement)
    try:
        # what tpl.save() writes (docxtpl's picture and media replacements are not used here), zipped once
        members = docx_xml.package_members(document.part.package)
    except ValueError as exc:  # lxml refuses text XML cannot hold; check_text should have caught it
        raise BuildError(f"cannot write DOCX: {exc}") from exc
    if "docProps/app.xml" in members:
        members["docProps/app.xml"] = _APP_XML
    return docx_xml.zip_members(members)


#: The extended properties: the program that wrote the file, and no page or word counts (a template's
#: "Microsoft Macintosh Word, 1 page, 0 words" would be read as true). Word counts again when it saves.
_APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            b"<Application>pkm-docs</Application><DocSecurity>0</DocSecurity></Properties>")
_WORD = "http://schemas.microsoft.com/office/word"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _set_structure(document: Document, agreement: Agreement) -> None:
    """What other programs read of the whole file: the default language is the file's first language (the
    English file of ``--layout separate`` says English), and Word's compatibility mode is 15 (current), so
    Word does not open the file in compatibility mode."""
    lang = LANGUAGE_TAGS.get(agreement.languages[0], agreement.languages[0])
    for default in document.styles.element.iter(f"{_W}docDefaults"):
        for tag in default.iter(f"{_W}lang"):
            tag.set(f"{_W}val", lang)
    for setting in document.settings.element.iter(f"{_W}compatSetting"):
        if setting.get(f"{_W}name") == "compatibilityMode" and setting.get(f"{_W}uri") == _WORD:
            mode = setting.get(f"{_W}val") or ""
            if not mode.isdigit() or int(mode) < 15:
                setting.set(f"{_W}val", "15")


#: The text of the paragraph the template is rendered with in place of the body; a template holding it
#: elsewhere is refused by ``_put_body``, which must find it exactly once.
_BODY_MARKER = "pkm-docs: the agreement body goes here (7f3c9a)"
_BODY_MARKER_XML = f"<w:p><w:r><w:t>{_BODY_MARKER}</w:t></w:r></w:p>"


def _put_body(document: Document, body_xml: str, path: Path) -> None:
    """Replace the rendered marker paragraph by the blocks of ``body_xml``: the rendered body (a few kilobytes,
    declaring its namespaces) is written out, the blocks put in the marker's place, and the whole parsed and
    put back in one piece, whose namespace declarations lxml then finds redundant with the document's and
    drops (moving thousands of blocks in one at a time costs lxml a search of them each: 8 times slower)."""
    root = document.element
    rendered = etree.tostring(root.body, encoding="unicode")
    before, marker, after = rendered.partition(_BODY_MARKER_XML)
    if not marker or _BODY_MARKER_XML in after:
        raise BuildError(f"DOCX template {path}: its `{{{{p {BODY_PLACEHOLDER} }}}}` paragraph must appear once, "
                         "outside any `{% if %}`")
    root.replace(root.body, etree.fromstring(before + body_xml + after, parser=_BODY_PARSER))


_BODY_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def check_text(agreement: Agreement) -> None:
    """Raise BuildError naming the first text of the model that holds a character XML cannot."""
    data = agreement.to_data()
    if docx_xml.invalid_xml_char("\n".join(text for _, text in _strings(data, ""))) is None:
        return  # the usual case, told from all the texts at once; only a bad one needs its place named
    for where, text in _strings(data, ""):
        bad = docx_xml.invalid_xml_char(text)
        if bad is not None:
            raise BuildError(
                f"cannot write DOCX: the text at `{where}` holds U+{ord(bad):04X}, a control character "
                f"a Word document cannot store: {text!r}"
            )


def template_context(agreement: Agreement, body_xml: str, *, draft: bool = False) -> dict[str, Markup]:
    """What a template's placeholders see: ``body`` and plain strings, all escaped and inert for docxtpl."""
    first = agreement.languages[0]
    second = agreement.languages[1] if len(agreement.languages) > 1 else None
    values = {
        "number": agreement.number,
        "number_label": _joined(agreement, "number") + ":",
        "title": agreement.title.get(first),
        "signing_place": agreement.signing_place.get(first),
        "signing_date": agreement.signing_date.isoformat(),
        "page_label": _label(agreement, "page", first),
        "of_label": _label(agreement, "of", first),
        "page_label_2": _label(agreement, "page", second) if second else "",
        "of_label_2": _label(agreement, "of", second) if second else "",
        DRAFT_PLACEHOLDER: _joined(agreement, "draft") if draft else "",
    }
    for lang in agreement.languages:
        values[f"title_{lang}"] = agreement.title.get(lang)
    context = {key: docx_xml.inert_text(value) for key, value in values.items()}
    context[BODY_PLACEHOLDER] = docx_xml.inert_xml(body_xml)
    return context


# -- template, text checks, labels ----------------------------------------------------------------------


#: Every name a letterhead may show with ``{{ name }}`` (or test with ``{% if name %}``): the values of
#: ``template_context`` plus ``title_<language>``; nothing else of Jinja is allowed in a template.
PLACEHOLDERS = ("number", "number_label", "title", "signing_place", "signing_date", "page_label", "of_label",
                "page_label_2", "of_label_2", DRAFT_PLACEHOLDER, BODY_PLACEHOLDER, INITIALS_PLACEHOLDER)


class TemplateContentError(TemplateError):
    """A template holds Jinja that is not a documented placeholder (a letterhead is data, not code)."""


class _TemplateEnvironment(ImmutableSandboxedEnvironment):
    """A sandboxed Jinja environment that accepts only the documented placeholders and compiles each template
    source once: docxtpl compiles the house template's body, headers, footers and properties again on every
    render, and they do not change between renders. No loader, so nothing can be included or imported."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        # templates other than the house one: the newest few are kept
        self._cached_from_string = functools.lru_cache(maxsize=64)(self._checked_from_string)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            raise TemplateContentError("pkm-docs renders a letterhead only from its own XML text")
        return self._cached_from_string(source)

    def _checked_from_string(self, source: str) -> Template:
        for node in self.parse(source).body:
            _check_placeholder(node)
        return super().from_string(source)


def _check_placeholder(node: nodes.Node) -> None:
    """Raise TemplateContentError unless ``node`` is template text, ``{{ name }}`` of a placeholder, or an
    ``{% if name %}`` over such nodes."""
    child: nodes.Node  # an Output's expressions, or an If's statements
    if isinstance(node, nodes.TemplateData):
        return
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            _check_placeholder(child)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load" and _is_placeholder(node.name):
        return
    if isinstance(node, nodes.If) and isinstance(node.test, nodes.Name) and _is_placeholder(node.test.name):
        for child in (*node.body, *node.elif_, *node.else_):
            _check_placeholder(child)
        return
    raise TemplateContentError(
        f"{_describe(node)} is not a placeholder pkm-docs fills; a letterhead may hold only"
        " {{ name }} or {% if name %} ... {% endif %} with a name from: "
        + ", ".join(PLACEHOLDERS) + ", title_<language>"
    )


def _is_placeholder(name: str) -> bool:
    return name in PLACEHOLDERS or re.fullmatch(r"title_[a-z]{2,3}", name) is not None


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return "`{{ " + node.name + " }}`"
    if isinstance(node, nodes.Expr):
        return f"`{{{{ ... }}}}` holding a {type(node).__name__.lower()} expression"
    names: dict[type[nodes.Node], str] = {
            nodes.For: "{% for %}", nodes.Macro: "{% macro %}", nodes.Include: "{% include %}",
            nodes.Import: "{% import %}", nodes.FromImport: "{% from ... import %}", nodes.Extends: "{% extends %}",
            nodes.Assign: "{% set %}", nodes.If: "{% if %} over an expression", nodes.CallBlock: "{% call %}",
            nodes.FilterBlock: "{% filter %}"}
    return "`" + names.get(type(node), f"{{% {type(node).__name__.lower()} %}}") + "`"


_JINJA = _TemplateEnvironment()

@dataclass(frozen=True)
class _TemplateInfo:
    """What the body builder reads from a template: the width of its text block, the ids of the house
    paragraph styles, and the indents (twips) the list numbers hang by."""

    width: Emu
    style_ids: dict[str, str]
    indents: _Indents

    @classmethod
    def of(cls, document: Document) -> _TemplateInfo:
        section = document.sections[-1]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        assert page is not None and left is not None and right is not None  # check_template refuses a page without
        width = Emu(page - left - right)
        styles = document.styles
        names = (TITLE, HEADING, TEXT, PARAGRAPH, ITEM, SIGNATURE, METERAI, INITIALS)
        style_ids = {name: styles[name].style_id for name in names}
        paragraph, item = styles[PARAGRAPH].paragraph_format, styles[ITEM].paragraph_format
        indents = _Indents(number=(paragraph.left_indent or 0) // 635, item=(item.left_indent or 0) // 635,
                           item_hang=-(item.first_line_indent or 0) // 635)
        return cls(width, style_ids, indents)


def _open_template(path: Path, *, house: bool) -> tuple[DocxTemplate, _TemplateInfo]:
    if not path.is_file():
        raise BuildError(f"DOCX template {path} does not exist")
    data = path.read_bytes()
    if not house:
        check_template(path, data)  # bounded, well-formed, measurable (issue 13, item 7)
    document, info = _opened(path, data, None if house else template_path().read_bytes())
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.docx = copy.deepcopy(document)  # each render works on its own copy: ~3x faster than opening again
    return tpl, info


@functools.lru_cache(maxsize=8)  # the house template, and the newest few of the others
def _opened(path: Path, data: bytes, house_data: bytes | None) -> tuple[Document, _TemplateInfo]:
    """A template as opened and checked, by its bytes (and a user template by the bytes of the house template,
    whose styles it receives: ``house_data``), with what the builder reads from it."""
    document = _open_document(path, data, house_data)
    return document, _TemplateInfo.of(document)


def _open_document(path: Path, data: bytes, house_data: bytes | None) -> Document:
    """The template's document, checked, with the house styles a user template lacks."""
    try:
        document = open_document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BuildError(f"DOCX template {path} is not a Word document (.docx): {exc}") from exc
    if not docx_xml.has_paragraph_placeholder(document, BODY_PLACEHOLDER):
        raise BuildError(
            f"DOCX template {path} has no `{{{{p {BODY_PLACEHOLDER} }}}}` paragraph: add a paragraph holding "
            f"exactly `{{{{p {BODY_PLACEHOLDER} }}}}` where the agreement text should go"
        )
    if house_data is not None:
        house = open_document(io.BytesIO(house_data))
        docx_xml.copy_missing_styles(house, document, STYLE_PREFIX)
        docx_xml.replace_style(house, document, HEADING)  # a letterhead's own Heading 2 would not look like one
    return document


def _strings(data: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            yield from _strings(value, f"{where}[{index}]")


def _label(agreement: Agreement, key: str, lang: str) -> str:
    text = agreement.labels.get(key)
    if text is not None and text.get(lang):
        return text.get(lang)
    return _FALLBACK_LABELS.get(key, {}).get(lang, key)


def _joined(agreement: Agreement, key: str) -> str:
    """A label in every language of the agreement: ``Nomor / Number``."""
    return " / ".join(_label(agreement, key, lang) for lang in agreement.languages)


# -- the body -------------------------------------------------------------------------------------------

#: Levels of the article list of each language: the heading "Pasal 1", a numbered paragraph "(1)" (counted
#: again after each heading) and its items "a." (again after each paragraph). Unnumbered paragraphs stay out
#: of the list, and the items under one get a list of their own: LibreOffice counts a skipped level as used
#: once a deeper one is, so no paragraph of a list may come before its parent level.
HEADING_LEVEL, NUMBERED_LEVEL, ITEM_LEVEL = 0, 1, 2

#: Levels of the list of a preamble or closing whose paragraphs are numbered: "1." and its items "a.".
PART_NUMBERED_LEVEL, PART_ITEM_LEVEL = 0, 1

#: The clause id the resolver gives text written in the agreement itself.
ADHOC_ID = "adhoc"


@dataclass(frozen=True)
class ClauseBlock:
    """The paragraphs of one clause use (or one ad-hoc text): one content control per language."""

    use: ClauseUse
    paragraphs: tuple[Paragraph, ...]
    occurrence: str = ""  # which use of its clause in the part, when the part uses the clause more than once

    @property
    def adhoc(self) -> bool:
        return not self.use.vetted

    def tag(self, part: Article, lang: str) -> ControlTag:
        """The content control tag of this block in ``lang``."""
        where = part.where
        use = self.use
        if self.adhoc:
            return ControlTag("adhoc", ADHOC_ID, "", use.content_hash or "", lang, where, self.occurrence)
        return ControlTag("clause", use.clause_id, use.version or "", use.content_hash or "", lang, where,
                          self.occurrence)


def clause_blocks(part: Article) -> list[ClauseBlock]:
    """The part's clause uses that gave paragraphs, in order: the model holds which paragraph is whose."""
    uses = [use for use in part.clauses if use.paragraphs]
    keys = [(use.clause_id, use.content_hash) for use in uses]
    seen: dict[tuple, int] = {}
    blocks = []
    for use, key in zip(uses, keys):
        seen[key] = seen.get(key, 0) + 1
        blocks.append(ClauseBlock(use, use.paragraphs, str(seen[key]) if keys.count(key) > 1 else ""))
    return blocks


def numbers_follow_on(part: Article) -> bool:
    """Are the part's numbered paragraphs numbered 1, 2, 3 ... in order, as a live Word list counts them?"""
    numbers = [p.number for p in part.paragraphs if p.number is not None]
    return numbers == list(range(1, len(numbers) + 1))


@dataclass(frozen=True)
class _Indents:
    """The hanging indents of the house styles, in twips: where list numbers hang."""

    number: int  # "(1)" hangs this far; the paragraph's text starts here
    item: int  # an item's text starts here
    item_hang: int  # "a." hangs this far left of the item's text


@dataclass(frozen=True)
class _PartList:
    """The Word list of a part's numbered paragraphs and their items (``num_id`` None: numbers typed as text)."""

    num_id: int | None
    numbered: int = NUMBERED_LEVEL
    item: int = ITEM_LEVEL


class _Lists:
    """The live Word lists of one document, per language: the articles; the numbered paragraphs of a preamble
    or closing; the items of each unnumbered paragraph."""

    def __init__(self, document: Any, agreement: Agreement, indents: _Indents):
        self.document = document
        self.indents = indents
        articles = agreement.articles
        self.live_headings = [a.number for a in articles] == list(range(1, len(articles) + 1))
        self.articles: dict[str, int] = {}
        for lang in agreement.languages:
            label = _label(agreement, "article", lang)
            if "%" in label:
                raise BuildError(f"cannot write DOCX: the article label {label!r} holds `%`, which Word "
                                 "numbering reads as a level number")
            abstract = docx_xml.add_list(document, f"PKM articles {lang}", self.article_levels(label))
            self.articles[lang] = docx_xml.add_list_instance(document, abstract)
        self._abstracts: dict[str, int] = {}
        self._part_lists: dict[tuple[int, str], int] = {}

    def article_levels(self, label: str) -> list[docx_xml.ListLevel]:
        i = self.indents
        return [
            docx_xml.ListLevel("decimal", f"{label} %1", suffix="nothing"),
            docx_xml.ListLevel("decimal", "(%2)", left=i.number, hanging=i.number),
            docx_xml.ListLevel("lowerLetter", "%3.", left=i.item, hanging=i.item_hang),
        ]

    def _instance(self, name: str, levels: list[docx_xml.ListLevel]) -> int:
        """A new list of definition ``name`` (defined on first use), counting from 1.

        Word goes on counting from an earlier list of the same definition unless told to start again.
        """
        first = name not in self._abstracts
        if first:
            self._abstracts[name] = docx_xml.add_list(self.document, name, levels)
        return docx_xml.add_list_instance(self.document, self._abstracts[name], restart=not first)

    def for_part(self, index: int, part: Article, lang: str) -> _PartList:
        """The list of the numbered paragraphs of part ``index`` (of ``all_parts()``) in ``lang``."""
        if not numbers_follow_on(part):
            return _PartList(None)  # typed numbers, as the model has them
        if part.kind == "article" or all(p.number is None for p in part.paragraphs):
            return _PartList(self.articles[lang])  # (a part without numbered paragraphs never uses it)
        key = (index, lang)
        if key not in self._part_lists:
            i = self.indents
            self._part_lists[key] = self._instance(f"PKM numbered part {lang}", [
                docx_xml.ListLevel("decimal", "%1.", left=i.number, hanging=i.number),
                docx_xml.ListLevel("lowerLetter", "%2.", left=i.item, hanging=i.item_hang),
            ])
        return _PartList(self._part_lists[key], PART_NUMBERED_LEVEL, PART_ITEM_LEVEL)

    def items_of_unnumbered(self, lang: str) -> int:
        """A new list for the items of an unnumbered paragraph, whose letters hang where a number would."""
        i = self.indents
        return self._instance(f"PKM items {lang}", [
            docx_xml.ListLevel("lowerLetter", "%1.", left=i.item - i.number, hanging=i.item_hang)])


#: The text block of python-docx's blank document (6 inches), whose share the cells of the initials table
#: were created with: their ``w:tcW`` keeps it, the columns' widths (``w:gridCol``) are what Word lays out.
_BLANK_BLOCK_WIDTH = Inches(6)


class _BodyBuilder:
    """Writes the model as WordprocessingML (``docx_markup``): title block, articles, signatures; or initials boxes.

    ``document`` is the template: it receives the list definitions; ``info`` gives its text width and styles.
    """

    def __init__(self, agreement: Agreement, document: Document, info: _TemplateInfo, *, draft: bool = False):
        self.agreement = agreement
        self.draft = draft
        self.document = document
        self.langs = agreement.languages
        self.width = info.width
        self.style_ids = info.style_ids
        self.indents = info.indents
        self.body = markup.Story()
        self.lists: _Lists | None = None
        self._bookmark_id = 0
        #: Each clause, ad-hoc block and heading, one bookmark per language: its name → its tag and alias.
        self.controls: dict[str, tuple[str, str]] = {}

    def add(self, style: str, story: markup.Story | None = None) -> markup.Paragraph:
        """A new paragraph in ``style`` at the end of ``story`` (the body when None)."""
        return (self.body if story is None else story).new_paragraph(self.style_ids[style])

    def build(self, layout: str) -> str:
        """The whole agreement, as the markup of the body's blocks."""
        self.lists = _Lists(self.document, self.agreement, self.indents)
        self._bookmark_id = docx_xml.max_bookmark_id(self.document) + 1
        if layout == "sequential" and len(self.langs) > 1:
            for index, lang in enumerate(self.langs):
                self.title_block((lang,), new_page=index > 0)
                self.spacer(Pt(14))
                self.single_column(lang)
        else:
            self.title_block(self.langs)
            self.spacer(Pt(14))
            if len(self.langs) == 1:
                self.single_column(self.langs[0])
            else:
                self.parallel()
        self.spacer(Pt(12), keep_with_next=True)
        first = len(self.body.blocks)
        self.signatures()
        self.mark_signatures(self.body.blocks[first:])
        self.annexes(layout)
        self.spacer(Pt(1))  # a document (or the body put in one) should not end with a table
        return self.body.xml()

    def annexes(self, layout: str) -> None:
        """Each annex from a new page after the signatures, laid out as the articles are (in the sequential
        layout, the annexes in the first language, then again in the next, as the PDF has them)."""
        assert self.lists is not None  # set by build(), the only caller
        before = len(self.agreement.all_parts())
        groups = [(lang,) for lang in self.langs] if layout == "sequential" else [self.langs]
        for langs in groups:
            for index, annex in enumerate(self.agreement.annexes, start=before):
                self.spacer(Pt(1)).page_break_before = True
                if len(langs) == 1:
                    self.heading(self.body, annex, langs[0])
                    part_list = self.lists.for_part(index, annex, langs[0])
                    for block in clause_blocks(annex):
                        self.block(self.body, annex, block, langs[0], part_list)
                    continue
                table, _ = self.table(len(langs))
                cells = self.row_cells(table)
                table.rows[-1].cant_split = True
                for lang, cell in zip(langs, cells):
                    self.heading(cell, annex, lang)
                part_lists = {lang: self.lists.for_part(index, annex, lang) for lang in langs}
                for block in clause_blocks(annex):
                    for lang, cell in zip(langs, self.row_cells(table)):
                        self.block(cell, annex, block, lang, part_lists[lang])

    def mark_signatures(self, blocks: list[markup.Block]) -> None:
        """A bookmark over each cell of the signature tables (and the witnesses' heading): LibreOffice 7.4
        keeps a bookmark within one cell, but drops or moves one that spans a table."""
        places: list[list[markup.Paragraph]] = []
        for block in blocks:
            if isinstance(block, markup.Table):
                places += [cell.paragraphs for row in block.rows for cell in row.cells if cell.paragraphs]
            elif isinstance(block, markup.Paragraph) and block.runs:
                places.append([block])
        for index, paragraphs in enumerate(places):
            name = SIGNATURES_BOOKMARK if index == 0 else f"{SIGNATURES_BOOKMARK}_{index + 1}"
            self.bookmark(paragraphs[0], paragraphs[-1], name)

    def bookmark(self, first: markup.Paragraph, last: markup.Paragraph, name: str) -> None:
        first.start_bookmark(self._bookmark_id, name)
        last.end_bookmark(self._bookmark_id)
        self._bookmark_id += 1

    def identify(self, written: list[markup.Paragraph], tag: ControlTag, alias: str, name: str | None = None) -> None:
        """Mark ``written`` as one clause (or heading) with a hidden bookmark; the custom property
        ``pkm-controls`` says what it holds. A bookmark, not a content control: LibreOffice 7.4 keeps a
        bookmark across paragraphs, tracked changes and fields, where it cuts a block content control down to
        its first paragraph and shows the codes of the fields inside it."""
        name = name or f"{CLAUSE_BOOKMARK}{len(self.controls) + 1}"
        self.controls[name] = (str(tag), alias)
        self.bookmark(written[0], written[-1], name)

    # runs and small pieces

    def run(self, paragraph: markup.Paragraph, text: str, lang: str, *, bold: bool | None = None,
            italic: bool | None = None, underline: bool | None = None, caps: bool | None = None,
            size: Pt | None = None) -> None:
        paragraph.add(markup.run(text, props=True, bold=bold, italic=italic, caps=bool(caps),
                                 size=_half_points(size) if size is not None else None, underline=underline,
                                 lang=LANGUAGE_TAGS.get(lang, lang)))

    def translated(self, paragraph: markup.Paragraph, texts: list[tuple[str, str]], *, separator: str = " / ",
                   **fmt: bool) -> None:
        """Several languages' versions in one paragraph; any after the first in italics, repeats dropped."""
        shown: list[str] = []
        for lang, text in texts:
            if not text or text in shown:
                continue
            if shown:
                if separator == "\n":
                    paragraph.add(markup.BREAK_RUN)
                else:
                    paragraph.add(markup.run(separator, props=True, bold=fmt.get("bold")))
            self.run(paragraph, text, lang, bold=fmt.get("bold"), italic=bool(shown) or fmt.get("italic"),
                     underline=fmt.get("underline"), caps=fmt.get("caps"))
            shown.append(text)

    def spacer(self, size: Pt, keep_with_next: bool = False) -> markup.Paragraph:
        paragraph = self.body.add(markup.Paragraph())
        paragraph.space_after = 0
        paragraph.line = Emu(max(size, Pt(1))).twips
        paragraph.keep_next = keep_with_next
        return paragraph

    def table(self, columns: int) -> tuple[markup.Table, list[Emu]]:
        """A table of ``columns`` equal columns across the text block, in the body."""
        widths = [Emu(self.width // columns)] * columns
        table = self.body.add(markup.Table(sum(widths) // 635, [width.twips for width in widths]))
        return table, widths

    def row_cells(self, table: markup.Table) -> list[markup.Cell]:
        """A new row of ``table``: empty cells padded on the inner sides, where the columns meet."""
        last = len(table.columns) - 1
        gutter = _GUTTER // 635
        cells = [markup.Cell(width, {"left": 0 if index == 0 else gutter, "right": 0 if index == last else gutter})
                 for index, width in enumerate(table.columns)]
        table.add_row(cells)
        return cells

    # title block

    def title_block(self, langs: tuple[str, ...], new_page: bool = False) -> None:
        a = self.agreement
        written = []
        for index, lang in enumerate(langs):
            p = self.add(TITLE)
            written.append(p)
            if index == 0:
                p.outline = 0  # the title heads the navigation pane, the articles under it
                self.run(p, a.title.get(lang), lang, caps=True)
            else:
                self.run(p, a.title.get(lang), lang, italic=True, size=Pt(11.5))
                p.space_before = Pt(4).twips
        if new_page:
            written[0].page_break_before = True
        written.append(self.title_line(langs, "between", before=10))
        for index, party in enumerate(a.parties):
            if index and index == len(a.parties) - 1:  # A / B / dan C: one "dan" before the last, as in a list
                written.append(self.title_line(langs, "and", before=6))
            written.extend(self.party_heading(langs, party))
        if self.agreement.provisional:  # the cover says so: the scheme's contents are not yet read in its law
            note = self.add(TITLE)
            note.space_before = Pt(8).twips
            for index, lang in enumerate(langs):
                if index:
                    self.run(note, " / ", lang, italic=True, size=Pt(8.5))
                self.run(note, _label(self.agreement, "provisional", lang), lang, italic=True, size=Pt(8.5))
            written.append(note)
        name = TITLE_BOOKMARK if langs == self.langs else f"{TITLE_BOOKMARK}_{langs[0]}"
        self.bookmark(written[0], written[-1], name)

    def title_line(self, langs: tuple[str, ...], key: str, before: float) -> markup.Paragraph:
        p = self.add(TITLE)
        p.space_before = Pt(before).twips
        p.space_after = Pt(6).twips
        self.translated(p, [(lang, _label(self.agreement, key, lang)) for lang in langs], bold=False)
        return p

    def party_heading(self, langs: tuple[str, ...], party: Party) -> list[markup.Paragraph]:
        p = self.add(TITLE)
        written = [p]
        self.translated(p, [(lang, party.name.get(lang)) for lang in langs], separator="\n")
        if party.number:
            p = self.add(TITLE)
            written.append(p)
            p.space_before = Pt(2).twips
            self.translated(p, [(lang, _label(self.agreement, "number", lang)) for lang in langs], bold=False)
            self.run(p, ": ", langs[0], bold=False)
            self.run(p, party.number, langs[0], bold=False)
        return written

    # articles

    def single_column(self, lang: str) -> None:
        assert self.lists is not None  # set by build(), the only caller
        for index, part in enumerate(self.agreement.all_parts()):
            if self.has_heading(part):
                self.heading(self.body, part, lang)
            part_list = self.lists.for_part(index, part, lang)
            for block in clause_blocks(part):
                written = self.block(self.body, part, block, lang, part_list)
                if part.kind == "closing":  # the closing words stay on the page of the signatures
                    for p in written:
                        p.keep_next = True

    def parallel(self) -> None:
        assert self.lists is not None  # set by build(), the only caller
        table, _ = self.table(len(self.langs))
        for index, part in enumerate(self.agreement.all_parts()):
            if self.has_heading(part):
                cells = self.row_cells(table)
                table.rows[-1].cant_split = True
                for lang, cell in zip(self.langs, cells):
                    self.heading(cell, part, lang)
            part_lists = {lang: self.lists.for_part(index, part, lang) for lang in self.langs}
            for block in clause_blocks(part):
                for lang, cell in zip(self.langs, self.row_cells(table)):
                    written = self.block(cell, part, block, lang, part_lists[lang])
                    if part.kind == "closing":  # the closing words stay on the page of the signatures
                        for p in written:
                            p.keep_next = True
                if part.kind == "closing":
                    table.rows[-1].cant_split = True

    def has_heading(self, part: Article) -> bool:
        return part.number is not None or any(part.title.get(lang) for lang in self.langs)

    def heading(self, story: markup.Story, part: Article, lang: str) -> None:
        """The article's heading: "Pasal 1" drawn by the list, then the title on a line of its own."""
        assert self.lists is not None  # set by build(), which alone writes headings
        p = self.add(HEADING, story)
        p.outline = 1  # Word's navigation pane and outline view list the articles
        label = _label(self.agreement, "article", lang)
        title = part.title.get(lang)
        if part.kind == "annex":  # "LAMPIRAN II", then the title: typed, annexes are not in the articles' list
            label = _label(self.agreement, "annex", lang)
            p.outline = 0
            self.run(p, f"{label} {part.numeral}".upper(), lang)
            if title:
                p.add(markup.BREAK_RUN)
                self.run(p, title, lang)
            alias = f"{label} {part.numeral}"
            self.identify([p], ControlTag("heading", "", "", "", lang, part.where), alias,
                          heading_bookmark(part.where, lang))
            return
        if part.number is not None and self.lists.live_headings:
            p.numbering = (self.lists.articles[lang], HEADING_LEVEL)
            if title:
                p.add(markup.BREAK_RUN)
                self.run(p, title, lang)
        else:
            lines = [f"{label} {part.number}"] if part.number is not None else []
            lines += [title] if title else []
            for index, line in enumerate(lines):
                if index:
                    p.add(markup.BREAK_RUN)
                self.run(p, line, lang)
        where = part.where
        alias = f"{label} {part.number}" if part.number is not None else title
        self.identify([p], ControlTag("heading", "", "", "", lang, where), alias, heading_bookmark(where, lang))

    def block(self, story: markup.Story, part: Article, block: ClauseBlock, lang: str,
              part_list: _PartList) -> list[markup.Paragraph]:
        """The paragraphs of one clause in one language, in one content control tagged with the clause."""
        written: list[markup.Paragraph] = []
        for paragraph in block.paragraphs:
            written += self.paragraph(story, part, paragraph, lang, part_list)
        if self.draft and block.adhoc:  # a draft marks text that is not from the clause library
            for p in written:
                p.bar = ADHOC_BAR
                p.shade_runs(ADHOC_SHADE)
        tag = block.tag(part, lang)
        if written:
            self.identify(written, tag, tag.clause_id)
        return written

    def paragraph(self, story: markup.Story, part: Article, paragraph: Paragraph, lang: str,
                  part_list: _PartList) -> list[markup.Paragraph]:
        """A paragraph and its items; the list draws "(1)" and "a." (typed only when the model's numbers skip)."""
        assert self.lists is not None  # set by build(), which alone writes paragraphs
        if paragraph.table is not None:
            return self.table_paragraph(story, paragraph.table, lang)
        if paragraph.number is None:
            p = self.add(TEXT, story)
            num_id, level = (self.lists.items_of_unnumbered(lang) if paragraph.items else None), 0
        else:
            p = self.add(PARAGRAPH, story)
            num_id, level = part_list.num_id, part_list.item
            if num_id is not None:
                p.numbering = (num_id, part_list.numbered)
            else:
                marker = f"({paragraph.number})" if part.kind == "article" else f"{paragraph.number}."
                self.run(p, marker + "\t", lang)
        self.referring_text(p, paragraph, None, lang)
        written = [p]
        for index, letter in enumerate(letters(len(paragraph.items))):
            p = self.add(ITEM, story)
            written.append(p)
            if num_id is not None:
                p.numbering = (num_id, level)
            else:
                self.run(p, f"{letter}.\t", lang)
            self.referring_text(p, paragraph, index, lang)
        return written

    def table_paragraph(self, story: markup.Story, table: Table, lang: str) -> list[markup.Paragraph]:
        """An annex's table (work plan, budget, members) with its headings, repeated on each page, and its total
        row in bold; a column of amounts set right-aligned. Returns the paragraphs before and after it, which
        hold its clause's bookmark (a table between them is inside it)."""
        width = story.width - sum(story.margins.get(side, 0) for side in ("left", "right")) \
            if isinstance(story, markup.Cell) else Emu(self.width).twips
        weights = [1.3 if narrow else 2 for narrow in (table.narrow or (False,) * len(table.columns))]
        columns = [int(width * w / sum(weights)) for w in weights]
        before = self.add(TEXT, story)
        before.space_after, before.line = 0, Pt(2).twips
        grid = story.add(markup.Table(sum(columns), columns))
        rows = [(table.columns, True), *((row, False) for row in table.rows)]
        if table.total:
            rows.append((table.total, True))
        for number, (cells, bold) in enumerate(rows):
            row = grid.add_row([markup.Cell(w, {"left": 57, "right": 57, "top": 28, "bottom": 28}) for w in columns])
            row.cant_split = True
            row.header = number == 0
            for index, (cell, text) in enumerate(zip(row.cells, cells)):
                cell.set_borders(size=4, color="808080")
                p = self.add(TEXT, cell)
                p.space_after = 0
                p.align = "right" if table.figures and table.figures[index] and number > 0 else "left"
                if text.get(lang):
                    self.run(p, text.get(lang), lang, bold=bold or None)
        after = self.add(TEXT, story)
        after.space_after, after.line = 0, Pt(2).twips
        return [before, after]

    def referring_text(self, p: markup.Paragraph, paragraph: Paragraph, item: int | None, lang: str) -> None:
        """The paragraph's text (or one item's) in ``lang``; where it refers to an article by key, "Pasal 7" is
        a REF field over that article's heading, so Word renumbers it with the headings ("ayat (2)" after it
        stays text: a paragraph's number is not a heading's)."""
        assert self.lists is not None  # set by build(), which alone writes paragraphs
        text = paragraph.text.get(lang) if item is None else paragraph.items[item].get(lang)
        refs = [r for r in paragraph.refs if r.lang == lang and r.item == item] if self.lists.live_headings else []
        last = 0
        for ref in refs:
            label = f"{_label(self.agreement, 'article', lang)} {ref.article}"
            if text[ref.start:ref.start + len(label)] != label:
                continue  # not as the resolver writes it: leave it as text
            if ref.start > last:
                self.run(p, text[last:ref.start], lang)
            p.add(markup.field_runs(f"REF {heading_bookmark(str(ref.article), lang)} \\n \\h", label,
                                    lang=LANGUAGE_TAGS.get(lang, lang)))
            last = ref.start + len(label)
        if last < len(text) or not last:
            self.run(p, text[last:], lang)

    # initials (paraf) boxes for the footer

    def initials(self) -> str:
        """One box per party, right-aligned, for initialling every page; the markup of the table."""
        parties = self.agreement.parties
        width, height = _INITIALS_BOX
        width = Emu(min(width, self.width // (len(parties) + 1)))
        table = markup.Table(width * len(parties) // 635, [width.twips] * len(parties), align="right")
        cell_width = Emu(_BLANK_BLOCK_WIDTH // len(parties)).twips
        row = table.add_row([markup.Cell(cell_width) for _ in parties])
        row.height, row.height_rule = height.twips, "atLeast"
        label = _joined(self.agreement, "initials")
        for party, cell in zip(parties, row.cells):
            cell.set_borders(size=4, color="808080")
            cell.margins = {"left": 57, "right": 57, "top": 28}
            p = self.add(INITIALS, cell)
            self.run(p, label, self.langs[0])
            p.add(markup.BREAK_RUN)
            self.run(p, party.alias.get(self.langs[0]), self.langs[0])
        return table.xml()

    # signatures

    def signing_table(self, columns: int, rows: int, *, space_row: int, space: Length):
        """A table of one column per signer and ``rows`` rows that never split, row ``space_row`` exactly
        ``space`` high (the space to sign in): the table, its column widths, and each row's cells."""
        table, widths = self.table(columns)
        cells = [self.row_cells(table) for _ in range(rows)]
        for row in table.rows:
            row.cant_split = True
        table.rows[space_row].height, table.rows[space_row].height_rule = space.twips, "exact"
        return table, widths, cells

    def signatures(self) -> None:
        """One column per party, at most three to a table row, so six parties sign in two rows of three."""
        parties = self.agreement.parties
        if not parties:
            return
        per_row = min(3, len(parties))
        tables = []
        for start in range(0, len(parties), per_row):
            if start:
                self.spacer(Pt(12), keep_with_next=True)
            group = parties[start:start + per_row]
            table, widths, rows = self.signing_table(per_row, 5, space_row=2, space=_SIGNING_SPACE)
            tables.append(table)
            for index, party in enumerate(group):
                self.signature_cells(party, [row[index] for row in rows], widths[index])
            for index in range(len(group), per_row):  # the last row's empty places
                for row in rows:
                    self.add(SIGNATURE, row[index])
            if start + per_row < len(parties):
                _keep_with_next(table.rows)
        if self.agreement.witnesses:
            _keep_with_next(tables[-1].rows)  # the witnesses stay on the page of the parties' signatures
            self.witnesses()

    def signature_cells(self, party: Party, cells: list[Any], width: int) -> None:
        """A party's alias, name, meterai space, signatory and position, one cell each."""
        alias, name, space, representative, position = cells
        self.translated(self.add(SIGNATURE, alias), [(lang, party.alias.get(lang)) for lang in self.langs],
                        bold=True)
        self.translated(self.add(SIGNATURE, name), [(lang, party.name.get(lang)) for lang in self.langs],
                        separator="\n")
        space.v_align = "center"
        box = self.add(METERAI if party.meterai else SIGNATURE, space)
        if party.meterai:
            indent = Emu(max(0, (width - _METERAI_BOX) // 2)).twips
            box.indent = (indent, indent)
            self.translated(box, [(lang, _label(self.agreement, "meterai", lang)) for lang in self.langs],
                            separator="\n")
        p = self.add(SIGNATURE, representative)
        self.run(p, party.representative, self.langs[0], bold=True, underline=True)
        self.translated(self.add(SIGNATURE, position),
                        [(lang, party.position.get(lang)) for lang in self.langs], separator="\n")

    def witnesses(self) -> None:
        """Below the parties: "Saksi-saksi / Witnesses", then one column per witness."""
        witnesses = self.agreement.witnesses
        self.spacer(Pt(12), keep_with_next=True)
        heading = self.add(SIGNATURE)
        heading.align = "center"
        heading.keep_next = True
        heading.space_after = Pt(6).twips
        self.translated(heading, [(lang, _label(self.agreement, "witnesses", lang)) for lang in self.langs],
                        bold=True)
        table, _, rows = self.signing_table(len(witnesses), 4, space_row=1, space=_WITNESS_SPACE)
        for index, witness in enumerate(witnesses):
            number, space, name, position = (row[index] for row in rows)
            self.run(self.add(SIGNATURE, number), f"{index + 1}.", self.langs[0])
            self.add(SIGNATURE, space)
            self.run(self.add(SIGNATURE, name), witness.name, self.langs[0], bold=True, underline=True)
            self.translated(self.add(SIGNATURE, position),
                            [(lang, witness.position.get(lang)) for lang in self.langs], separator="\n")
        _keep_with_next(table.rows[:-1])


def _keep_with_next(rows: list[markup.Row]) -> None:
    for row in rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.keep_next = True


def _half_points(size: Pt) -> int:
    """A font size as ``w:sz`` holds it (python-docx's rounding: down to a half point)."""
    return int(Emu(size).pt * 2)


# -- header mark and document properties ----------------------------------------------------------------


def _add_draft_mark(document: Document) -> None:
    """Put a ``{{ draft_label }}`` line (and a watermark) at the top of every header in use, before rendering."""
    # Done on the template, not after docxtpl: docxtpl swaps header parts python-docx has already resolved.
    seen: set[int] = set()
    odd_even = document.settings.odd_and_even_pages_header_footer
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if odd_even:
            headers.append(section.even_page_header)
        for header in headers:
            if id(header.part) in seen:
                continue
            seen.add(id(header.part))
            if any(DRAFT_PLACEHOLDER in p.text for p in header.paragraphs):
                continue  # the template places the mark itself
            p = header.add_paragraph()
            docx_xml.move_to_start(p)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(4)
            run = p.add_run("{{ %s }}" % DRAFT_PLACEHOLDER)
            run.bold = True
            run.font.size = Pt(10)
            run.font.color.rgb = _DRAFT_RED
            docx_xml.set_character_spacing(run, 40)
            docx_xml.add_text_watermark(p, "{{ %s }}" % DRAFT_PLACEHOLDER)


def _set_properties(document: Document, agreement: Agreement, controls: Mapping[str, tuple[str, str]]) -> None:
    """Core properties fixed by the model (dates are the signing date), the build manifest, and what each
    clause bookmark holds (``controls``: bookmark name → tag and alias)."""
    signed = datetime.datetime.combine(agreement.signing_date, datetime.time())
    text = {
        "title": agreement.title.get(agreement.languages[0]),
        "subject": " / ".join(agreement.title.get(lang) for lang in agreement.languages[1:]),
        "language": LANGUAGE_TAGS.get(agreement.languages[0], agreement.languages[0]),
        "identifier": agreement.number,
        "category": agreement.scheme,
        "keywords": ", ".join(k for k in ("PKM", "perjanjian kemitraan", agreement.scheme, agreement.number,
                                          "skema sementara / provisional scheme" if agreement.provisional else "")
                              if k),
        "comments": agreement.manifest.generator,
    }
    docx_xml.set_core_properties(document, {
        **{name: value if len(value) <= _CORE_TEXT_LIMIT else value[: _CORE_TEXT_LIMIT - 1] + "\u2026"
           for name, value in text.items()},
        "created": signed, "modified": signed, "revision": 1,
    })
    manifest = agreement.manifest
    docx_xml.set_custom_properties(document, {
        "pkm-manifest": json.dumps(manifest.to_data(), ensure_ascii=False, separators=(",", ":")),
        "pkm-library-version": manifest.library_version,
        "pkm-source-sha256": manifest.source_hash,
        CONTROLS_PROPERTY: json.dumps({name: list(held) for name, held in controls.items()}, ensure_ascii=False,
                                      separators=(",", ":")),
    })
