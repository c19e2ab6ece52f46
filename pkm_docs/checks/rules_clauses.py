"""Clause checks: status (ad-hoc text is not vetted) and parameter values the resolver does not bound.

A draft clause (PKM012) and a deprecated one (PKM013) are already reported by the resolver, as are parameter
types, declared ``min``/``max`` bounds and choices; these rules add what a clause declaration cannot say.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import ERROR, WARNING
from ..values import DurationValue
from .registry import Context, Finding, finding, rule
from .walk import clause_uses, typed_params, use_span


@rule("PKM110", "not-vetted", WARNING,
      title=("Teks belum diperiksa", "Text not vetted"),
      explanation=(
          "Teks lepas (`text { ... }`) ditulis langsung di perjanjian, bukan diambil dari pustaka klausul yang "
          "sudah diperiksa dan disetujui biro hukum. Teks itu boleh dipakai, juga untuk mengisi bagian wajib "
          "skema (`text section: dispute { ... }`), tetapi harus diperiksa sebelum ditandatangani; "
          "`pkm build --vetted-only` menolak perjanjian yang memuatnya.",
          "Ad-hoc text (`text { ... }`) is written in the agreement itself instead of coming from the clause "
          "library, where clauses are vetted and approved by a legal office. It may be used, also to fill a "
          "section the scheme requires (`text section: dispute { ... }`), but it must be reviewed before "
          "signing; `pkm build --vetted-only` refuses an agreement that holds any."))
def not_vetted(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        if not use.vetted and use.replaces:
            yield finding(f"teks lepas ini menggantikan klausul pustaka `{use.replaces}`: teksnya diubah (misalnya "
                          "oleh pihak lain dalam draf yang dikembalikan) sehingga tidak lagi teks yang sudah diperiksa",
                          f"this ad-hoc text replaces the library clause `{use.replaces}`: its text was changed (for "
                          "instance by the other side in a returned draft), so it is no longer the vetted text",
                          use_span(ctx.agreement, article, use),
                          (f"mintakan pemeriksaan biro hukum atas perubahan itu (`pkm library show {use.replaces}` "
                           "menampilkan teks aslinya), atau kembalikan `use` klausul tersebut",
                           f"have the legal office review the change (`pkm library show {use.replaces}` shows the "
                           "vetted text), or go back to `use` of that clause"))
        elif not use.vetted and use.section:
            yield finding(f"teks lepas ini mengisi bagian `{use.section}` dengan teks yang belum diperiksa: tidak "
                          "berasal dari pustaka klausul",
                          f"this ad-hoc text fills the section `{use.section}` with text that is not vetted: it "
                          "does not come from the clause library",
                          use_span(ctx.agreement, article, use),
                          ("mintakan pemeriksaan biro hukum, atau pakai klausul pustaka yang setara",
                           "have the legal office review it, or use an equivalent library clause"))
        elif not use.vetted:
            yield finding("teks lepas ini belum diperiksa: tidak berasal dari pustaka klausul",
                          "this ad-hoc text is not vetted: it does not come from the clause library",
                          use_span(ctx.agreement, article, use),
                          ("mintakan pemeriksaan biro hukum, atau pakai klausul pustaka yang setara",
                           "have the legal office review it, or use an equivalent library clause"))


@rule("PKM111", "not-approved-by-organisation", WARNING,
      title=("Klausul belum disetujui organisasi", "Clause not approved by the organisation"),
      explanation=(
          "Pustaka organisasi (`extends = \"standard\"` dalam library.toml) hanya menganggap disetujui versi "
          "klausul yang dicatat biro hukumnya dengan `pkm library approve`; teks model pkm-docs tidak disetujui "
          "siapa pun. Persetujuan mencatat hash teks: bila teksnya diubah setelah disetujui, versi itu tidak "
          "lagi disetujui.",
          "An organisation's library (`extends = \"standard\"` in its library.toml) treats as approved only the "
          "clause versions its legal office recorded with `pkm library approve`; pkm-docs's model texts are "
          "approved by no one. An approval records the hash of the text: a version whose text changed after it "
          "was approved is no longer approved."))
def not_approved_by_organisation(ctx: Context) -> Iterator[Finding]:
    if not ctx.library.organisation:
        return
    stale = {(clause.clause_id, clause.version_text): approval for clause, approval in ctx.library.stale_approvals}
    seen = set()
    for article, use in clause_uses(ctx.agreement):
        if not use.vetted or use.status == "approved" or (use.clause_id, use.version) in seen:
            continue
        seen.add((use.clause_id, use.version))
        ref = f"{use.clause_id}@{use.version}"
        approval = stale.get((use.clause_id, use.version or ""))
        if approval is not None:
            why_id = f"teksnya berubah setelah disetujui {approval.by} pada {approval.on.isoformat()}"
            why_en = f"its text changed after {approval.by} approved it on {approval.on.isoformat()}"
        else:
            why_id, why_en = f"{ctx.library.name} belum menyetujuinya", f"{ctx.library.name} has not approved it"
        yield finding(f"`{ref}` tidak disetujui: {why_id}", f"`{ref}` is not approved: {why_en}",
                      use_span(ctx.agreement, article, use),
                      (f"setelah biro hukum memeriksanya: pkm library approve {ref} --by \"...\" --on TANGGAL "
                       "--library FOLDER",
                       f"once the legal office has reviewed it: pkm library approve {ref} --by \"...\" --on DATE "
                       "--library FOLDER"))


@rule("PKM170", "percent-out-of-range", ERROR,
      title=("Persentase di luar 0-100%", "Percentage outside 0-100%"),
      explanation=(
          "Parameter bertipe persen harus bernilai antara 0% dan 100%. Pustaka dapat membatasi dengan "
          "`min`/`max`; pemeriksaan ini berlaku juga bila klausul tidak menuliskannya.",
          "A percent parameter must lie between 0% and 100%. The library may bound it with `min`/`max`; this "
          "check applies even when the clause does not."))
def percent_out_of_range(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        for name, value in typed_params(use, "percent").items():
            if not 0 <= value <= 100:
                shown = f"{value.normalize():f}%"
                yield finding(f"`{name}` pada `{use.clause_id}` bernilai {shown}, di luar 0% sampai 100%",
                              f"`{name}` of `{use.clause_id}` is {shown}, outside 0% to 100%",
                              use_span(ctx.agreement, article, use))


@rule("PKM171", "zero-duration", ERROR,
      title=("Jangka waktu nol", "Zero duration"),
      explanation=(
          "Jangka waktu atau periode (misalnya `duration`, `report_every`) harus lebih dari nol.",
          "A duration or period (e.g. `duration`, `report_every`) must be longer than zero."))
def zero_duration(ctx: Context) -> Iterator[Finding]:
    for article, use in clause_uses(ctx.agreement):
        for name, value in typed_params(use, "duration").items():
            if isinstance(value, DurationValue) and value.months <= 0:
                yield finding(f"`{name}` pada `{use.clause_id}` bernilai nol",
                              f"`{name}` of `{use.clause_id}` is zero", use_span(ctx.agreement, article, use),
                              ("tulis jangka waktu, misalnya `12 months`", "write a duration, e.g. `12 months`"))
