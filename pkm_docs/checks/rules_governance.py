"""Governance checks: the steering committee seats members of every party, in equal numbers unless stated why.

A governance clause (section ``governance``) gives its seats either as ``members_per_party`` (the same number
for every party) or as one integer parameter per party, named after the party's key or role
(``government_members``, ``yayasan_members``). A non-empty text parameter whose name ends in ``_reason``
(e.g. ``unequal_seats_reason``) states why the numbers differ.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import ERROR
from ..model import Text
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, typed_params, use_span

def _seats(ctx: Context, params: dict[str, int]) -> dict[str, int | None]:
    """Seats per party key, from ``<key>_members`` or ``<role>_members``; None when the clause gives none."""
    out: dict[str, int | None] = {}
    for party in ctx.agreement.parties:
        value = params.get(f"{party.key}_members", params.get(f"{party.role}_members"))
        out[party.key] = value
    return out


@rule("PKM130", "committee-without-party", ERROR,
      title=("Komite pengarah tanpa wakil suatu pihak", "Steering committee without members from a party"),
      explanation=(
          "Komite atau dewan pengarah beranggotakan wakil setiap pihak; pihak tanpa kursi tidak ikut mengambil "
          "keputusan secara musyawarah. `members_per_party` harus paling sedikit 1, demikian pula jumlah kursi "
          "setiap pihak (`government_members`, `organisation_members`).",
          "The steering committee or board has members from every party; a party without a seat takes no part "
          "in decisions by deliberation. `members_per_party` must be at least 1, and so must each party's seats "
          "(`government_members`, `organisation_members`)."))
def committee_without_party(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        if use.section != "governance":
            continue
        integers = typed_params(use, ctx.library, "integer")
        span = use_span(ctx.agreement, article, use)
        if "members_per_party" in integers and integers["members_per_party"] < 1:
            yield finding(f"`members_per_party` pada `{use.clause_id}` bernilai {integers['members_per_party']}: "
                          "komite pengarah tidak beranggotakan wakil PARA PIHAK",
                          f"`members_per_party` of `{use.clause_id}` is {integers['members_per_party']}: the "
                          "steering committee has no members from the parties", span,
                          ("tulis paling sedikit `members_per_party: 1`", "write at least `members_per_party: 1`"))
        seats = _seats(ctx, integers)
        if not any(v is not None for v in seats.values()):
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
                              (f"tambahkan `{party.role}_members: 1` atau lebih",
                               f"add `{party.role}_members: 1` or more"))


@rule("PKM131", "unequal-seats", ERROR,
      title=("Kursi komite pengarah tidak sama", "Unequal seats on the steering committee"),
      explanation=(
          "Asas kesetaraan: setiap pihak mempunyai jumlah kursi yang sama di komite pengarah, kecuali perjanjian "
          "menyatakan alasannya (parameter teks yang namanya berakhiran `_reason`).",
          "Equality (kesetaraan): every party has the same number of seats on the steering committee, unless the "
          "agreement states why not (a text parameter whose name ends in `_reason`)."))
def unequal_seats(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        if use.section != "governance":
            continue
        seats = {k: v for k, v in _seats(ctx, typed_params(use, ctx.library, "integer")).items() if v is not None}
        if len(set(seats.values())) <= 1:
            continue
        reasons = [v for name, v in typed_params(use, ctx.library, "text").items()
                   if name.endswith("_reason") and any(s.strip() for s in v.by_lang.values())]
        if reasons:
            continue
        listed = ", ".join(f"`{k}` {v}" for k, v in seats.items())
        yield finding(f"kursi komite pengarah pada `{use.clause_id}` tidak sama ({listed}) dan alasannya tidak "
                      "dinyatakan",
                      f"the steering committee seats of `{use.clause_id}` are unequal ({listed}) and no reason is "
                      "stated", use_span(ctx.agreement, article, use),
                      ("samakan jumlah kursi, atau nyatakan alasannya dengan parameter `..._reason`",
                       "make the seats equal, or state why with a `..._reason` parameter"))
