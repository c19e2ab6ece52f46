"""Funding channel checks: a government party's money that reaches an organisation goes by a named, lawful
channel (hibah with its NPHD, Swakelola Tipe III, or support without a transfer of funds), and what the channel
says agrees with what the other clauses pay.

What a clause pays comes from declared meanings (``meanings.py``), never from names: a party value that ``means
funder`` is the party whose money the clause pays or bears, one that ``means recipient`` the party that receives
it, an allocation that ``means contributions`` gives each party's money; a clause's channel is what its library
version declares with ``channel:`` (``meanings.CHANNELS``). Clause versions that name "the government" by its role
(``{government}``) declare no funder and are not read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator

from ..errors import ERROR
from ..meanings import CHANNELS
from ..model import Agreement, Article, ClauseUse, Party
from ..syntax import Span
from ..values import Allocation
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, use_span


@dataclass(frozen=True)
class Flow:
    """Money of ``funder`` (a government party) that a clause sends toward an organisation: ``recipient`` when
    the clause names it, None when the clause only says the funder bears an amount of the partnership's cost."""

    funder: str
    recipient: str | None
    use: ClauseUse
    span: Span | None


def _party_value(use: ClauseUse, meaning: str) -> tuple[str, Span | None] | None:
    values = use.with_meaning(meaning)
    return (values[0].value, values[0].span) if values and isinstance(values[0].value, str) else None


def _parties(agreement: Agreement) -> dict[str, Party]:
    return {p.key: p for p in agreement.parties}


def _flows(agreement: Agreement) -> Iterator[tuple[Article, Flow]]:
    """Every clause (not a channel clause itself) in which a government party's money goes to an organisation."""
    parties = _parties(agreement)
    organisations = [p.key for p in agreement.parties if p.role == "organisation"]
    if not organisations:
        return
    for article, use in clause_uses(agreement):
        if use.channel is not None:
            continue
        funder = _party_value(use, "funder")
        recipient = _party_value(use, "recipient")
        span = use_span(agreement, article, use)
        if funder and parties.get(funder[0]) is not None and parties[funder[0]].role == "government":
            if recipient and parties.get(recipient[0]) is not None:
                if parties[recipient[0]].role == "organisation":
                    yield article, Flow(funder[0], recipient[0], use, funder[1] or span)
            elif use.with_meaning("total_cost"):
                yield article, Flow(funder[0], None, use, funder[1] or span)
        for value in use.with_meaning("contributions"):
            if not isinstance(value.value, Allocation):
                continue
            for share, amount in value.value.shares:
                party = parties.get(share.key)
                if party is not None and party.role == "government" and amount > Decimal(0):
                    yield article, Flow(party.key, None, use, value.span or span)


@dataclass(frozen=True)
class ChannelUse:
    """A clause that names a channel: which, for whose money, and to whom (None when it names no recipient)."""

    channel: str
    funder: str
    recipient: str | None
    use: ClauseUse
    article: Article


def _channels(agreement: Agreement) -> list[ChannelUse]:
    out = []
    for article, use in clause_uses(agreement):
        funder = _party_value(use, "funder")
        if use.channel is None or funder is None:
            continue
        recipient = _party_value(use, "recipient")
        out.append(ChannelUse(use.channel, funder[0], recipient[0] if recipient else None, use, article))
    return out


def _alias(party: Party | None, key: str, lang: str) -> str:
    return party.alias.get(lang) or key if party is not None else key


#: What the two channel rules rest on (docs/legal-sources.md).
_CHANNEL_SOURCE = ("PP 12/2019 tentang Pengelolaan Keuangan Daerah; Perpres 16/2018 tentang Pengadaan Barang/Jasa "
                   "Pemerintah sebagaimana telah diubah dengan Perpres 12/2021 (pasal belum diverifikasi)")
_CHANNEL_CLAUSES = ("`funding.hibah`, `funding.swakelola_type_iii` atau `funding.non_budget`",
                    "`funding.hibah`, `funding.swakelola_type_iii` or `funding.non_budget`")


@rule("PKM145", "public-money-without-channel", ERROR,
      title=("Uang pemerintah tanpa saluran yang sah", "Public money with no lawful channel"),
      explanation=(
          "Bila uang pihak pemerintah (kontribusinya dalam pembagian `means contributions`, biaya yang "
          "ditanggungnya sebagai `means funder`, atau dana yang disalurkannya kepada `means recipient`) sampai "
          "kepada organisasi, perjanjian harus menyebut salurannya: hibah daerah dengan Naskah Perjanjian Hibah "
          "Daerah (NPHD), Swakelola Tipe III, atau dukungan tanpa penyaluran dana. Saluran itu dinyatakan oleh "
          "klausul pustaka dengan `channel:` dan `funder` pihak pemerintah tersebut; pemeriksa (APIP, BPK) "
          "mempersoalkan perjanjian yang tidak menyebut salurannya.",
          "When money of a government party (its contribution in an allocation that `means contributions`, a "
          "cost it bears as `means funder`, or funds it pays to a `means recipient`) reaches an organisation, the "
          "agreement must name the channel: a regional grant with its Regional Grant Agreement (NPHD), Type III "
          "self-managed procurement (Swakelola Tipe III), or support without a transfer of funds. A library "
          "clause declares it with `channel:` and names that government party as its `funder`; an auditor (APIP, "
          "BPK) questions an agreement that names none."),
      source=_CHANNEL_SOURCE)
def public_money_without_channel(ctx: Context) -> Iterator[Finding]:
    parties = _parties(ctx.agreement)
    named = {c.funder for c in _channels(ctx.agreement)}
    reported: set[str] = set()
    for _, flow in _flows(ctx.agreement):
        if flow.funder in named or flow.funder in reported:
            continue
        reported.add(flow.funder)
        funder = parties.get(flow.funder)
        to_id = f" kepada {_alias(parties.get(flow.recipient), flow.recipient, 'id')}" if flow.recipient else ""
        to_en = f" to the {_alias(parties.get(flow.recipient), flow.recipient, 'en')}" if flow.recipient else ""
        yield finding(
            f"`{flow.use.clause_id}` memuat uang {_alias(funder, flow.funder, 'id')} (`{flow.funder}`, pihak "
            f"pemerintah){to_id}, tetapi tidak ada klausul yang menyebut salurannya",
            f"`{flow.use.clause_id}` holds money of the {_alias(funder, flow.funder, 'en')} (`{flow.funder}`, a "
            f"government party){to_en}, but no clause names its channel",
            flow.span,
            (f"tambahkan pasal dengan {_CHANNEL_CLAUSES[0]} dan `funder: {flow.funder}`",
             f"add an article with {_CHANNEL_CLAUSES[1]} and `funder: {flow.funder}`"))


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@rule("PKM146", "channel-inconsistent", ERROR,
      title=("Saluran dana tidak sesuai dengan penyalurannya", "Funding channel inconsistent with the payments"),
      explanation=(
          "Saluran dana harus sesuai dengan pasal lain: dukungan tanpa penyaluran dana tidak boleh disertai "
          "klausul yang membayarkan uang pihak pemerintah itu kepada organisasi; hibah atau Swakelola Tipe III "
          "kepada satu organisasi tidak menjadi dasar pembayaran kepada organisasi lain; pemberinya adalah pihak "
          "pemerintah dan penerimanya organisasi; rekening penerima atas nama penerima itu sendiri.",
          "A funding channel must agree with the other articles: support without a transfer of funds may not come "
          "with a clause that pays that government party's money to an organisation; a grant or Swakelola Tipe "
          "III to one organisation is no ground for paying another; its funder is a government party and its "
          "recipient an organisation; the receiving account is in the recipient's own name."),
      source=_CHANNEL_SOURCE)
def channel_inconsistent(ctx: Context) -> Iterator[Finding]:
    agreement = ctx.agreement
    parties = _parties(agreement)
    channels = _channels(agreement)
    for c in channels:
        span = use_span(agreement, c.article, c.use)
        funder, recipient = parties.get(c.funder), parties.get(c.recipient) if c.recipient else None
        if funder is not None and funder.role != "government":
            yield finding(f"`{c.use.clause_id}` menyebut {_alias(funder, c.funder, 'id')} (`{c.funder}`) sebagai "
                          f"pemberi, padahal pihak itu bukan pihak pemerintah",
                          f"`{c.use.clause_id}` names the {_alias(funder, c.funder, 'en')} (`{c.funder}`) as "
                          "funder, but that party is not a government party", span,
                          ("pemberi hibah atau penanggung jawab anggaran swakelola adalah pihak pemerintah",
                           "the grantor or the budget holder of a swakelola is a government party"))
        if recipient is not None and recipient.role != "organisation":
            yield finding(f"`{c.use.clause_id}` menyebut {_alias(recipient, c.recipient or '', 'id')} sebagai "
                          "penerima, padahal pihak itu bukan organisasi",
                          f"`{c.use.clause_id}` names the {_alias(recipient, c.recipient or '', 'en')} as "
                          "recipient, but that party is not an organisation", span,
                          ("penerimanya adalah organisasi yang melaksanakan kegiatan",
                           "the recipient is the organisation that carries out the activities"))
        holders = c.use.with_meaning("account_holder")
        if recipient is not None and holders and not _same_name(holders[0].value.get("id"), recipient.name.get("id")):
            yield finding(f"rekening pada `{c.use.clause_id}` atas nama \"{holders[0].value.get('id')}\", bukan "
                          f"atas nama penerima \"{recipient.name.get('id')}\"",
                          f"the account in `{c.use.clause_id}` is held by \"{holders[0].value.get('en')}\", not "
                          f"by the recipient \"{recipient.name.get('en')}\"", holders[0].span or span,
                          ("dana disalurkan ke rekening atas nama organisasi penerima, bukan perseorangan",
                           "funds go to an account in the receiving organisation's name, not a person's"))
    by_funder: dict[str, list[ChannelUse]] = {}
    for c in channels:
        by_funder.setdefault(c.funder, []).append(c)
    for _, flow in _flows(agreement):
        own = by_funder.get(flow.funder)
        if not own or flow.recipient is None:
            continue  # no channel at all is PKM145's; a cost the funder bears is paid to no one in particular
        paying = [c for c in own if CHANNELS[c.channel].transfers_money]
        if any(c.recipient in (None, flow.recipient) for c in paying):
            continue
        funder = parties.get(flow.funder)
        to_id = _alias(parties.get(flow.recipient), flow.recipient, "id")
        to_en = _alias(parties.get(flow.recipient), flow.recipient, "en")
        if not paying:
            first = own[0]
            yield finding(
                f"`{flow.use.clause_id}` membayarkan uang {_alias(funder, flow.funder, 'id')} kepada {to_id}, "
                f"padahal `{first.use.clause_id}` menyatakan dukungannya tanpa penyaluran dana",
                f"`{flow.use.clause_id}` pays money of the {_alias(funder, flow.funder, 'en')} to the {to_en}, but "
                f"`{first.use.clause_id}` says its support involves no transfer of funds", flow.span,
                ("hapus pembayaran itu, atau ganti dukungan tanpa penyaluran dana dengan hibah atau Swakelola Tipe III",
                 "remove the payment, or replace the support without transfer with a grant or Swakelola Tipe III"))
        else:
            names = ", ".join(f"`{c.recipient}`" for c in paying)
            yield finding(
                f"`{flow.use.clause_id}` membayarkan uang {_alias(funder, flow.funder, 'id')} kepada {to_id} "
                f"(`{flow.recipient}`), tetapi salurannya hanya untuk {names}",
                f"`{flow.use.clause_id}` pays money of the {_alias(funder, flow.funder, 'en')} to the {to_en} "
                f"(`{flow.recipient}`), but its channel covers {names} only", flow.span,
                (f"tambahkan saluran dengan `recipient: {flow.recipient}`, atau bayarkan kepada {names}",
                 f"add a channel with `recipient: {flow.recipient}`, or pay {names}"))
