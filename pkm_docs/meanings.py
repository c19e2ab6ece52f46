"""What a parameter's value means to the checks, declared in the library with ``means``: never read from a name.

    param shares: allocation of percent means shares        # must total 100 %
    param government_share: percent means share             # one of the clause's shares, summed
    param total: money means total_cost
    param contributions: allocation of money means contributions   # must total the clause's total_cost
    param seats: allocation of integer over parties means seats    # each party >= 1, equal unless a reason
    param members_per_party: integer means seats(each)
    param government_members: integer means seats(government)      # the seats of the party with that role
    param unequal_seats_reason: text means seats_reason
    param term: period means term
    param starts_on: date means term_start
    param duration: duration means term_length
    param report_every: duration means period
    param lines: table(item: text, funder: party, amount: money) means budget_lines   # per funder, adds up to
                                                                 # the funding clause's amounts (an annex)
    param rows: table(activity: text, schedule: text, by: party) means work_plan
    param members: table(name: text, position: text, party: party) means members
    param map: text means map
    param funder: party means funder                   # the PARTY whose money the clause pays or bears
    param recipient: party means recipient             # the PARTY that receives it
    param bank: text means bank                        # the receiving account: bank, number, holder
    param account_number: account_number means account_number
    param account_holder: text means account_holder

A clause also declares, with ``channel:``, the lawful channel by which a government party's money reaches an
organisation (:data:`CHANNELS`); the funding checks read it, never a clause's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from .values import (AccountNumberType, AllocationType, DateType, DurationType, IntegerType, MoneyType,
                     PartyType, PercentType, PeriodType, TableType, TextType, ValueType)


@dataclass(frozen=True)
class MeaningSpec:
    """A meaning the checks know: the types it applies to, whether it takes an argument, and what it says."""

    name: str
    types: tuple[type[ValueType], ...]
    description: tuple[str, str]  # Indonesian, English
    arg: str | None = None  # what the argument names, when one is allowed
    allocation_of: type[ValueType] | None = None  # for an allocation: the type of its amounts


MEANINGS: dict[str, MeaningSpec] = {m.name: m for m in (
    MeaningSpec("shares", (AllocationType,), ("bagian setiap penerima, berjumlah 100%",
                                              "each recipient's share, adding up to 100%"),
                allocation_of=PercentType),
    MeaningSpec("share", (PercentType,), ("satu bagian; bagian-bagian satu klausul berjumlah 100%",
                                          "one share; the shares of one clause add up to 100%"), arg="role"),
    MeaningSpec("total_cost", (MoneyType,), ("jumlah seluruh biaya", "the total cost")),
    MeaningSpec("contributions", (AllocationType,), ("kontribusi setiap pihak, berjumlah sama dengan biaya",
                                                     "each party's contribution, adding up to the total cost"),
                allocation_of=MoneyType),
    MeaningSpec("contribution", (MoneyType,), ("satu kontribusi; kontribusi satu klausul berjumlah sama dengan "
                                               "biaya", "one contribution; those of one clause add up to the "
                                               "total cost"), arg="role"),
    MeaningSpec("seats", (AllocationType, IntegerType), ("kursi komite pengarah per pihak",
                                                         "steering committee seats per party"),
                arg="role or each", allocation_of=IntegerType),
    MeaningSpec("seats_reason", (TextType,), ("alasan jumlah kursi yang tidak sama",
                                              "the reason for unequal seats")),
    MeaningSpec("term", (PeriodType,), ("jangka waktu perjanjian", "the agreement's term")),
    MeaningSpec("term_start", (DateType,), ("tanggal mulai berlaku", "the date the term starts")),
    MeaningSpec("term_end", (DateType,), ("tanggal berakhir", "the date the term ends")),
    MeaningSpec("term_length", (DurationType,), ("lamanya jangka waktu", "the length of the term")),
    MeaningSpec("period", (DurationType,), ("periode pelaporan atau evaluasi", "a reporting or evaluation period")),
    MeaningSpec("budget_lines", (TableType,), ("rincian anggaran: setiap baris dengan penyandang dana dan jumlahnya",
                                               "budget lines: each with its funder and its amount")),
    MeaningSpec("work_plan", (TableType,), ("rencana kerja", "the work plan")),
    MeaningSpec("members", (TableType,), ("susunan anggota", "the list of members")),
    MeaningSpec("map", (TextType,), ("peta areal", "the map of the area")),
    MeaningSpec("funder", (PartyType,), ("pihak yang uangnya dibayarkan atau menanggung biaya",
                                         "the party whose money is paid or bears the cost")),
    MeaningSpec("recipient", (PartyType,), ("pihak yang menerima dana", "the party that receives the funds")),
    MeaningSpec("bank", (TextType,), ("bank rekening penerima", "the bank of the receiving account")),
    MeaningSpec("account_number", (AccountNumberType,), ("nomor rekening penerima",
                                                         "the number of the receiving account")),
    MeaningSpec("account_holder", (TextType,), ("nama pemegang rekening penerima",
                                                "the holder of the receiving account")),
)}


@dataclass(frozen=True)
class Channel:
    """A lawful channel by which a government party's money reaches an organisation (declared ``channel:``)."""

    name: str
    description: tuple[str, str]  # Indonesian, English
    transfers_money: bool  # whether money of the funder is paid to the recipient through it


CHANNELS: dict[str, Channel] = {c.name: c for c in (
    Channel("hibah", ("hibah daerah dengan Naskah Perjanjian Hibah Daerah (NPHD)",
                      "a regional grant under a Regional Grant Agreement (NPHD)"), True),
    Channel("swakelola_tipe_iii", ("Swakelola Tipe III yang dilaksanakan oleh organisasi kemasyarakatan",
                                   "Type III self-managed procurement carried out by a community organisation"), True),
    Channel("non_budget", ("dukungan tanpa penyaluran dana anggaran kepada pihak lain",
                           "support in which no budget money is paid to another party"), False),
)}


@dataclass(frozen=True)
class Meaning:
    """A declared meaning: its name and its argument (``seats(government)``: ``arg`` is ``government``)."""

    name: str
    arg: str | None = None

    def __str__(self) -> str:
        return f"{self.name}({self.arg})" if self.arg else self.name


def check_meaning(meaning: Meaning, type_: ValueType, roles: tuple[str, ...]) -> str | None:
    """Why ``meaning`` cannot be declared on a parameter of ``type_``, or None."""
    spec = MEANINGS.get(meaning.name)
    if spec is None:
        return f"unknown meaning `{meaning.name}`"
    if not isinstance(type_, spec.types):
        kinds = " or ".join(t.kind for t in spec.types)
        return f"`means {meaning.name}` applies to a parameter of type {kinds}, not {type_.describe()}"
    if spec.allocation_of is not None and isinstance(type_, AllocationType) \
            and not isinstance(type_.of, spec.allocation_of):
        return f"`means {meaning.name}` applies to an allocation of {spec.allocation_of.kind}"
    if meaning.arg is not None:
        if spec.arg is None or isinstance(type_, AllocationType):
            return f"`means {meaning.name}` takes no argument here"
        if meaning.arg not in roles and not (spec.arg == "role or each" and meaning.arg == "each"):
            return f"`{meaning.arg}` is not a role" + (" or `each`" if spec.arg == "role or each" else "")
    elif spec.name == "budget_lines" and isinstance(type_, TableType) and (
            sum(isinstance(c.type, PartyType) for c in type_.columns) != 1
            or sum(isinstance(c.type, MoneyType) for c in type_.columns) != 1):
        return "`means budget_lines` applies to a table with one party column (the funder) and one money column"
    elif spec.name == "seats" and isinstance(type_, IntegerType):
        return "`means seats` on an integer names whose seats: `seats(each)` or `seats(government)`"
    return None
