"""Governance checks: the steering committee seats members of every party, in equal numbers unless stated why.

Seats are read from declared meanings (``meanings.py``), never from names: an allocation over the parties that
``means seats`` gives each party's seats; an integer that ``means seats(each)`` gives every party the same
number; one that ``means seats(ROLE)`` gives that number to each party with that role. A non-empty text that
``means seats_reason`` states why the numbers differ.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import ERROR
from ..model import Agreement, ClauseUse, Text, Value
from ..values import Allocation
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, use_span


def _seats(agreement: Agreement, use: ClauseUse) -> tuple[dict[str, int | None], Value] | None:
    """Seats per party key (None where the clause gives a party none) and the value that holds them; None when
    the clause declares no seats."""
    for value in use.with_meaning("seats"):
        if isinstance(value.value, Allocation):
            return {p.key: value.value.for_party(p.key) for p in agreement.parties}, value
    scalars = [v for v in use.with_meaning("seats") if v.meaning is not None and v.meaning.arg]
    if not scalars:
        return None
    out: dict[str, int | None] = {p.key: None for p in agreement.parties}
    for value in scalars:
        assert value.meaning is not None  # scalars hold only values with a meaning
        for party in agreement.parties:
            if value.meaning.arg in ("each", party.role):
                out[party.key] = value.value
    return out, scalars[0]


@rule("PKM130", "committee-without-party", ERROR,
      title=("Komite pengarah tanpa wakil suatu pihak", "Steering committee without members from a party"),
      explanation=(
          "Komite atau dewan pengarah beranggotakan wakil setiap pihak; pihak tanpa kursi tidak ikut mengambil "
          "keputusan secara musyawarah. Setiap pihak mendapat paling sedikit 1 kursi (nilai yang dinyatakan "
          "`means seats`).",
          "The steering committee or board has members from every party; a party without a seat takes no part "
          "in decisions by deliberation. Every party has at least 1 seat (the values declared `means seats`)."))
def committee_without_party(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        found = _seats(ctx.agreement, use)
        if found is None:
            continue
        seats, value = found
        span = getattr(value, "span", None) or use_span(ctx.agreement, article, use)
        each = next((v for v in use.with_meaning("seats") if v.meaning and v.meaning.arg == "each"), None)
        if each is not None and each.value < 1:
            yield finding(f"`{each.name}` pada `{use.clause_id}` bernilai {each.value}: komite pengarah tidak "
                          "beranggotakan wakil PARA PIHAK",
                          f"`{each.name}` of `{use.clause_id}` is {each.value}: the steering committee has no "
                          "members from the parties", each.span or span,
                          (f"tulis paling sedikit `{each.name}: 1`", f"write at least `{each.name}: 1`"))
            continue
        for party in ctx.agreement.parties:
            count = seats[party.key]
            if count is None or count < 1:
                alias = Text({"id": party.alias.get("id") or party.key,
                              "en": party.alias.get("en") or party.alias.get("id") or party.key})
                yield finding(f"komite pengarah pada `{use.clause_id}` tidak beranggotakan wakil {alias['id']} "
                              f"(`{party.key}`)",
                              f"the steering committee of `{use.clause_id}` has no members from {alias['en']} "
                              f"(`{party.key}`)", span,
                              (f"beri `{party.key}` paling sedikit 1 kursi", f"give `{party.key}` at least 1 seat"))


@rule("PKM131", "unequal-seats", ERROR,
      title=("Kursi komite pengarah tidak sama", "Unequal seats on the steering committee"),
      explanation=(
          "Asas kesetaraan: setiap pihak mempunyai jumlah kursi yang sama di komite pengarah, kecuali perjanjian "
          "menyatakan alasannya (teks yang dinyatakan `means seats_reason`).",
          "Equality (kesetaraan): every party has the same number of seats on the steering committee, unless the "
          "agreement states why not (a text declared `means seats_reason`)."))
def unequal_seats(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        found = _seats(ctx.agreement, use)
        if found is None:
            continue
        seats = {k: v for k, v in found[0].items() if v is not None}
        if len(set(seats.values())) <= 1:
            continue
        reasons = [v for v in use.with_meaning("seats_reason")
                   if isinstance(v.value, Text) and any(t.strip() for t in v.value.by_lang.values())]
        if reasons:
            continue
        listed = ", ".join(f"`{k}` {v}" for k, v in seats.items())
        holder = found[1]
        span = (holder.span if isinstance(getattr(holder, "value", None), Allocation) and holder.span
                else use_span(ctx.agreement, article, use))
        yield finding(f"kursi komite pengarah pada `{use.clause_id}` tidak sama ({listed}) dan alasannya tidak "
                      "dinyatakan",
                      f"the steering committee seats of `{use.clause_id}` are unequal ({listed}) and no reason is "
                      "stated", span,
                      ("samakan jumlah kursi, atau nyatakan alasannya (nilai yang `means seats_reason`)",
                       "make the seats equal, or state why (a value that `means seats_reason`)"))
