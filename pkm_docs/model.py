"""The agreement model: a resolved, language-independent agreement that checks and renderers read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import TYPE_CHECKING, Any, Mapping

from .syntax import Span

if TYPE_CHECKING:
    from .meanings import Meaning
    from .values import ValueType

#: Languages the toolkit writes, in their conventional order (Indonesian first: it governs by default).
LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class Text:
    """One piece of text in every language of the agreement, e.g. ``Text({"id": "Pasal", "en": "Article"})``."""

    by_lang: Mapping[str, str]

    def __getitem__(self, lang: str) -> str:
        return self.by_lang[lang]

    def get(self, lang: str, default: str = "") -> str:
        return self.by_lang.get(lang, default)

    @classmethod
    def same(cls, value: str, langs: tuple[str, ...] = LANGUAGES) -> Text:
        """The same string in every language (a name, an address)."""
        return cls({lang: value for lang in langs})

    def to_data(self) -> dict[str, str]:
        return dict(self.by_lang)


@dataclass(frozen=True)
class Reference:
    """A cross-reference written with ``{ref.KEY}`` / ``{ref.KEY.N}``: where it stands in one language of a
    paragraph's text (``item`` None) or of one of its items, and the article (and paragraph) it names."""

    lang: str
    item: int | None
    start: int
    end: int
    article: int
    paragraph: int | None = None


@dataclass(frozen=True)
class Table:
    """A table of an annex (a work plan, a budget, a list of members): its column headings and its rows, every
    cell a :class:`Text`; ``total`` the closing row (its first cell the label, e.g. "Jumlah" / "Total")."""

    columns: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    total: tuple[Text, ...] = ()
    figures: tuple[bool, ...] = ()  # per column: it holds amounts or numbers (set right-aligned)
    narrow: tuple[bool, ...] = ()  # per column: its cells are short (figures, a party's alias): as wide as they are

    def to_data(self) -> dict[str, Any]:
        return {
            "columns": [c.to_data() for c in self.columns],
            "figures": list(self.figures),
            "narrow": list(self.narrow),
            "rows": [[cell.to_data() for cell in row] for row in self.rows],
            "total": [cell.to_data() for cell in self.total],
        }


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article: numbered ``(1)`` when ``number`` is set, with lettered items ``a.``, ``b.``;
    ``refs`` says where its texts hold cross-references (a renderer may make them live fields)."""

    text: Text
    number: int | None = None
    items: tuple[Text, ...] = ()
    clause_id: str | None = None
    refs: tuple[Reference, ...] = field(default=(), compare=False)
    table: Table | None = None  # a paragraph of an annex may be a table (its text is then empty)

    def to_data(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text.to_data(),
            "items": [item.to_data() for item in self.items],
            "clause": self.clause_id,
            **({"table": self.table.to_data()} if self.table is not None else {}),
        }


@dataclass(frozen=True)
class Value:
    """A parameter's resolved value with its declared type and meaning, and where it was written."""

    name: str
    type: ValueType
    meaning: Meaning | None
    value: Any
    span: Span | None = None


@dataclass(frozen=True)
class ClauseUse:
    """One library clause (or ad-hoc text) as used in the agreement: its identity, its typed values and the
    paragraphs it gave, numbered as they appear in the article."""

    clause_id: str
    version: str | None
    content_hash: str | None
    status: str
    section: str | None
    vetted: bool
    span: Span | None = None
    values: Mapping[str, Value] = field(default_factory=dict)
    paragraphs: tuple[Paragraph, ...] = ()
    #: for an ad-hoc text: each language's text as written in the source, with its span, so a check can point
    #: at the line and column of the words it reports
    sources: Mapping[str, tuple[Span, str]] = field(default_factory=dict)
    #: for an ad-hoc text written in place of a library clause (``replaces: ID@VERSION``): that clause
    replaces: str | None = None
    #: the channel its library version declares (``channel: hibah``), by which a government party's money
    #: reaches an organisation; None for a clause that declares none
    channel: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        """Each parameter's plain value, by name."""
        return {name: v.value for name, v in self.values.items()}

    def with_meaning(self, meaning: str) -> list[Value]:
        """The values whose declared meaning is ``meaning`` (and that were given)."""
        return [v for v in self.values.values() if v.meaning is not None and v.meaning.name == meaning
                and v.value is not None]

    def to_data(self) -> dict[str, Any]:
        return {
            "id": self.clause_id,
            "version": self.version,
            "hash": self.content_hash,
            "status": self.status,
            "section": self.section,
            "vetted": self.vetted,
        }


@dataclass(frozen=True)
class Article:
    """A numbered article ("Pasal N" / "Article N"), an annex ("Lampiran II" / "Annex II": ``kind`` "annex",
    ``number`` 2), or an unnumbered part (preamble, closing) when number is None. Its paragraphs are those of its
    clause uses, in order."""

    number: int | None
    title: Text
    clauses: tuple[ClauseUse, ...]
    kind: str = "article"  # "preamble", "article", "closing" or "annex"
    span: Span | None = None
    key: str | None = None  # what ``{ref.KEY}`` / ``{annex.KEY}`` names

    @property
    def where(self) -> str:
        """How tags, bookmarks and the manifest name the part: ``7`` (Pasal 7), ``annex_II``, ``preamble``."""
        if self.kind == "annex":
            return f"annex_{self.numeral}"
        return str(self.number) if self.number is not None else self.kind

    @property
    def numeral(self) -> str:
        """An annex's number in Roman numerals ("II"); an article's in figures."""
        if self.number is None:
            return ""
        return roman(self.number) if self.kind == "annex" else str(self.number)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(p for use in self.clauses for p in use.paragraphs)

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(c.section for c in self.clauses if c.section)

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            **({"numeral": self.numeral} if self.kind == "annex" else {}),
            "title": self.title.to_data(),
            "paragraphs": [p.to_data() for p in self.paragraphs],
            "clauses": [c.to_data() for c in self.clauses],
        }


@dataclass(frozen=True)
class Party:
    """A party to the agreement, as declared: ``key`` is the name the source uses for it."""

    key: str
    role: str  # "government" or "organisation"
    alias: Text
    name: Text
    representative: str
    position: Text
    authority: Text
    address: Text
    number: str | None = None
    meterai: bool = True
    span: Span | None = None
    #: the legal person the party acts for ("Pemerintah Kota Kupang": a dinas is a perangkat daerah, not a
    #: legal person); ``None`` when the source gives none (an organisation acts for itself)
    acts_for: Text | None = None
    #: where the source wrote each field, for diagnostics about its value
    field_spans: Mapping[str, Span] = field(default_factory=dict)

    @property
    def acting_for(self) -> Text:
        """Whom the signatory acts for: ``acts_for``, else the party itself (``{party.acts_for}``)."""
        return self.acts_for if self.acts_for is not None else self.name

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "role": self.role,
            "alias": self.alias.to_data(),
            "name": self.name.to_data(),
            "representative": self.representative,
            "position": self.position.to_data(),
            "authority": self.authority.to_data(),
            "address": self.address.to_data(),
            "number": self.number,
            "meterai": self.meterai,
            **({"acts_for": self.acts_for.to_data()} if self.acts_for is not None else {}),
        }


@dataclass(frozen=True)
class Witness:
    """A person who witnesses the signing (saksi), signing below the parties."""

    key: str
    name: str
    position: Text
    span: Span | None = None

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "position": self.position.to_data()}


@dataclass(frozen=True)
class ManifestEntry:
    """A clause version that went into the agreement."""

    clause_id: str
    version: str
    content_hash: str
    status: str
    approved_by: str | None = None  # the body that approved this text (an organisation's approval)
    approved_on: datetime.date | None = None

    def to_data(self) -> dict[str, str]:
        data = {"id": self.clause_id, "version": self.version, "hash": self.content_hash, "status": self.status}
        if self.approved_by:
            data["approved_by"] = self.approved_by
        if self.approved_on:
            data["approved_on"] = self.approved_on.isoformat()
        return data


def place_label(where: str) -> str:
    """Where an ad-hoc text stands, as the manifest records it (``23``, ``annex_II``, ``preamble``), as a reader
    names it: "Pasal 23", "Lampiran II", "pembukaan"."""
    if where.startswith("annex_"):
        return f"Lampiran {where.removeprefix('annex_')}"
    return f"Pasal {where}" if where.isdigit() else {"preamble": "pembukaan", "closing": "penutup"}.get(where, where)


@dataclass(frozen=True)
class AdhocEntry:
    """An ad-hoc text that went into the agreement: where it stands, the section it fills, the hash of its
    texts and how many words it has (in the first language)."""

    where: str
    section: str | None
    content_hash: str
    words: int
    replaces: str | None = None  # the library clause (``ID@VERSION``) whose place it took

    def to_data(self) -> dict[str, Any]:
        data = {"where": self.where, "section": self.section, "hash": self.content_hash, "words": self.words}
        if self.replaces:
            data["replaces"] = self.replaces
        return data


@dataclass(frozen=True)
class Manifest:
    """What a document was built from: exact clause versions and every ad-hoc text, the library version, the
    source's hash."""

    clauses: tuple[ManifestEntry, ...]
    library_name: str
    library_version: str
    source_file: str
    source_hash: str
    generator: str
    data_file: str | None = None
    data_hash: str | None = None
    adhoc: tuple[AdhocEntry, ...] = ()

    def to_data(self) -> dict[str, Any]:
        data = {
            "generator": self.generator,
            "library": {"name": self.library_name, "version": self.library_version},
            "source": {"file": self.source_file, "sha256": self.source_hash},
            "data": {"file": self.data_file, "sha256": self.data_hash} if self.data_file else None,
            "clauses": [c.to_data() for c in self.clauses],
        }
        if self.adhoc:  # an agreement of library clauses only keeps the manifest it always had
            data["adhoc"] = [a.to_data() for a in self.adhoc]
        return data


@dataclass(frozen=True)
class Agreement:
    """A resolved agreement: everything a check or a renderer needs, and nothing of the syntax tree."""

    title: Text
    number: str
    scheme: str
    languages: tuple[str, ...]
    governing_language: str
    signing_date: datetime.date
    signing_place: Text
    parties: tuple[Party, ...]
    preamble: tuple[Article, ...]
    articles: tuple[Article, ...]
    closing: tuple[Article, ...]
    manifest: Manifest
    labels: Mapping[str, Text] = field(default_factory=dict)
    span: Span | None = None
    witnesses: tuple[Witness, ...] = ()
    provisional: bool = False  # the scheme is provisional: its required contents are not yet checked against law
    annexes: tuple[Article, ...] = ()  # lampiran, numbered I, II ..., printed after the signatures

    def in_language(self, lang: str) -> Agreement:
        """The same agreement in ``lang`` alone (for one file per language)."""
        return replace(_only(self, lang), languages=(lang,))

    def party(self, key: str) -> Party:
        return next(p for p in self.parties if p.key == key)

    def uses(self) -> tuple[tuple[Article, ClauseUse], ...]:
        """Every clause use (ad-hoc texts included) with its article or annex, in document order."""
        return tuple((article, use) for article in self.every_part() for use in article.clauses)

    def all_parts(self) -> tuple[Article, ...]:
        """Preamble, articles and closing, in document order (what comes before the signatures)."""
        return self.preamble + self.articles + self.closing

    def every_part(self) -> tuple[Article, ...]:
        """Preamble, articles, closing and the annexes after them."""
        return self.all_parts() + self.annexes

    def to_data(self) -> dict[str, Any]:
        """The model as plain JSON-able data: what the typst template reads."""
        return {
            "title": self.title.to_data(),
            "number": self.number,
            "scheme": self.scheme,
            "languages": list(self.languages),
            "governing_language": self.governing_language,
            "signing": {"date": self.signing_date.isoformat(), "place": self.signing_place.to_data()},
            "parties": [p.to_data() for p in self.parties],
            "preamble": [a.to_data() for a in self.preamble],
            "articles": [a.to_data() for a in self.articles],
            "closing": [a.to_data() for a in self.closing],
            **({"annexes": [a.to_data() for a in self.annexes]} if self.annexes else {}),
            "witnesses": [w.to_data() for w in self.witnesses],
            "labels": {key: text.to_data() for key, text in self.labels.items()},
            "manifest": self.manifest.to_data(),
            **({"provisional": True} if self.provisional else {}),
        }


def _only(value: Any, lang: str) -> Any:
    """``value`` with every :class:`Text` inside it cut down to ``lang``."""
    if isinstance(value, Text):
        return Text({lang: value[lang]})
    if isinstance(value, tuple):
        return tuple(_only(v, lang) for v in value)
    if isinstance(value, dict):
        return {k: _only(v, lang) for k, v in value.items()}
    if isinstance(value, ClauseUse):
        return replace(value, paragraphs=_only(value.paragraphs, lang))
    if is_dataclass(value) and not isinstance(value, (type, Manifest, ManifestEntry, AdhocEntry, Value)):  # not a class
        return replace(value, **{f.name: _only(getattr(value, f.name), lang) for f in fields(value)
                                 if f.init and f.name != "span"})
    return value


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """``number`` (1 and up) in Roman numerals, as annexes are numbered: 4 → "IV"."""
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def from_roman(numeral: str) -> int | None:
    """The number a Roman numeral written as :func:`roman` writes it stands for ("IV" → 4), or None."""
    if not numeral or len(numeral) > 20 or set(numeral) - set("MDCLXVI"):
        return None
    total, rest = 0, numeral
    for value, letters in _ROMAN:
        while rest.startswith(letters):
            total += value
            rest = rest[len(letters):]
    return total if not rest and roman(total) == numeral else None
