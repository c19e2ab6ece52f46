"""Tests for pkm_docs.locale: numbers, money, percentages, durations and dates in figures and words."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pkm_docs.locale import (
    MAX_AMOUNT,
    date_in_words,
    decimal_from_words,
    duration,
    format_date,
    join_list,
    money_figures,
    money_from_words,
    number,
    percent,
    rupiah,
    terbilang,
    weekday,
    words_to_number,
)

# amounts and their Indonesian words: the team's shared table, copied into the repository so no test reads outside it
_TABLE = Path(__file__).resolve().parents[1] / "data" / "terbilang_id.tsv"


def _table_rows() -> list[tuple[int, str]]:
    """Read (amount, words_id) rows from the terbilang table."""
    with _TABLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return [(int(row["amount"]), row["words_id"].strip()) for row in reader]


_ROWS = _table_rows()


def test_terbilang_table_is_not_empty():
    assert len(_ROWS) >= 30


@pytest.mark.parametrize(("amount", "words"), _ROWS, ids=[str(a) for a, _ in _ROWS])
def test_terbilang_matches_the_table(amount, words):
    assert terbilang(amount) == words
    assert terbilang(amount, "id") == words


def test_terbilang_indonesian_uses_se_only_for_ribu_ratus_puluh_belas():
    assert terbilang(1_000_000) == "satu juta"
    assert terbilang(1_000_000_000) == "satu miliar"
    assert "milyar" not in terbilang(3_000_000_000)
    assert terbilang(1_000_000_000_000) == "satu triliun"
    assert terbilang(1_001_000) == "satu juta seribu"


def test_terbilang_handles_999_trillion_and_more():
    assert terbilang(MAX_AMOUNT) == (
        "sembilan ratus sembilan puluh sembilan triliun "
        "sembilan ratus sembilan puluh sembilan miliar "
        "sembilan ratus sembilan puluh sembilan juta "
        "sembilan ratus sembilan puluh sembilan ribu "
        "sembilan ratus sembilan puluh sembilan"
    )
    assert terbilang(MAX_AMOUNT, "en").startswith("nine hundred ninety-nine trillion ")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "zero"),
        (11, "eleven"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (101, "one hundred one"),
        (1000, "one thousand"),
        (1_001_000, "one million one thousand"),
        (2_950_000, "two million nine hundred fifty thousand"),
        (
            1_250_750_300,
            "one billion two hundred fifty million seven hundred fifty thousand three hundred",
        ),
        (1_000_000_000_000, "one trillion"),
    ],
)
def test_terbilang_english_spot_checks(amount, words):
    assert terbilang(amount, "en") == words


def test_terbilang_english_has_no_and_or_commas():
    words = terbilang(987_654_321_123, "en")
    assert " and " not in words
    assert "," not in words
    assert words == words.lower()


@pytest.mark.parametrize("bad", [-1, -1_000_000, True, False, 1.0, "5", Decimal("5"), None])
def test_terbilang_rejects_negative_bool_and_non_int(bad):
    with pytest.raises(ValueError):
        terbilang(bad)
    with pytest.raises(ValueError):
        terbilang(bad, "en")


def test_terbilang_rejects_amounts_beyond_supported_range():
    with pytest.raises(ValueError):
        terbilang(MAX_AMOUNT + 1)


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError):
        terbilang(5, "fr")
    with pytest.raises(ValueError):
        rupiah(5, "ID")


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (2_950_000, "id", "Rp2.950.000,00 (dua juta sembilan ratus lima puluh ribu rupiah)"),
        (2_950_000, "en", "IDR 2,950,000.00 (two million nine hundred fifty thousand rupiah)"),
        (Decimal("2950000"), "id", "Rp2.950.000,00 (dua juta sembilan ratus lima puluh ribu rupiah)"),
        (Decimal("2950000.00"), "en", "IDR 2,950,000.00 (two million nine hundred fifty thousand rupiah)"),
        (10_000, "id", "Rp10.000,00 (sepuluh ribu rupiah)"),
        (500_000_000, "id", "Rp500.000.000,00 (lima ratus juta rupiah)"),
        (1_001_000, "id", "Rp1.001.000,00 (satu juta seribu rupiah)"),
        (0, "id", "Rp0,00 (nol rupiah)"),
        (0, "en", "IDR 0.00 (zero rupiah)"),
        (999, "en", "IDR 999.00 (nine hundred ninety-nine rupiah)"),
    ],
)
def test_rupiah_whole_amounts_in_figures_and_words(amount, lang, expected):
    assert rupiah(amount, lang) == expected


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (
            Decimal("2950000.50"),
            "id",
            "Rp2.950.000,50 (dua juta sembilan ratus lima puluh ribu rupiah lima puluh sen)",
        ),
        (
            Decimal("2950000.5"),
            "en",
            "IDR 2,950,000.50 (two million nine hundred fifty thousand rupiah and fifty sen)",
        ),
        (Decimal("1234.05"), "id", "Rp1.234,05 (seribu dua ratus tiga puluh empat rupiah lima sen)"),
        (Decimal("0.99"), "en", "IDR 0.99 (zero rupiah and ninety-nine sen)"),
        (Decimal("100.010"), "id", "Rp100,01 (seratus rupiah satu sen)"),
    ],
)
def test_rupiah_with_sen_adds_sen_words(amount, lang, expected):
    assert rupiah(amount, lang) == expected


def test_money_figures_is_the_figure_part_only():
    assert money_figures(2_950_000) == "Rp2.950.000,00"
    assert money_figures(2_950_000, "en") == "IDR 2,950,000.00"
    assert money_figures(Decimal("1250750300.75"), "id") == "Rp1.250.750.300,75"
    assert money_figures(Decimal("1250750300.75"), "en") == "IDR 1,250,750,300.75"


def test_money_figures_do_not_round_large_amounts():
    big = Decimal("999999999999999.99")
    assert money_figures(big) == "Rp999.999.999.999.999,99"
    assert money_figures(big, "en") == "IDR 999,999,999,999,999.99"


@pytest.mark.parametrize(
    "bad", [-1, Decimal("-0.01"), Decimal("1.005"), 1.5, True, "1000", Decimal("NaN"), Decimal("Infinity")]
)
def test_rupiah_rejects_negative_fractional_sen_and_non_numbers(bad):
    with pytest.raises(ValueError):
        rupiah(bad)
    with pytest.raises(ValueError):
        money_figures(bad, "en")


def test_rupiah_rejects_amounts_beyond_supported_range():
    with pytest.raises(ValueError):
        rupiah(MAX_AMOUNT + 1)
    with pytest.raises(ValueError):
        rupiah(Decimal("1E+40"))


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (40, "id", "40% (empat puluh persen)"),
        (40, "en", "40% (forty percent)"),
        (Decimal("12.5"), "id", "12,5% (dua belas koma lima persen)"),
        (Decimal("12.5"), "en", "12.5% (twelve point five percent)"),
        (Decimal("12.50"), "id", "12,5% (dua belas koma lima persen)"),
        (Decimal("40.0"), "en", "40% (forty percent)"),
        (Decimal("0.05"), "id", "0,05% (nol koma nol lima persen)"),
        (Decimal("33.25"), "en", "33.25% (thirty-three point two five percent)"),
        (100, "id", "100% (seratus persen)"),
        (Decimal("1E+1"), "id", "10% (sepuluh persen)"),
    ],
)
def test_percent_in_figures_and_words_with_decimals(value, lang, expected):
    assert percent(value, lang) == expected


@pytest.mark.parametrize("bad", [-5, 0.5, True, "40"])
def test_percent_rejects_negative_and_non_numbers(bad):
    with pytest.raises(ValueError):
        percent(bad)


def test_number_gives_figure_and_words():
    assert number(3) == "3 (tiga)"
    assert number(3, "en") == "3 (three)"
    assert number(2) == "2 (dua)"
    assert number(1500) == "1.500 (seribu lima ratus)"
    assert number(1500, "en") == "1,500 (one thousand five hundred)"


def test_number_rejects_negative_and_bool():
    with pytest.raises(ValueError):
        number(-3)
    with pytest.raises(ValueError):
        number(True)


@pytest.mark.parametrize(
    ("amount", "unit", "lang", "expected"),
    [
        (12, "months", "id", "12 (dua belas) bulan"),
        (2, "years", "id", "2 (dua) tahun"),
        (1, "years", "id", "1 (satu) tahun"),
        (1, "months", "id", "1 (satu) bulan"),
        (12, "months", "en", "12 (twelve) months"),
        (1, "years", "en", "1 (one) year"),
        (1, "months", "en", "1 (one) month"),
        (2, "years", "en", "2 (two) years"),
        (0, "months", "en", "0 (zero) months"),
        (1, "year", "en", "1 (one) year"),
    ],
)
def test_duration_singular_only_for_one_in_english(amount, unit, lang, expected):
    assert duration(amount, unit, lang) == expected


def test_duration_rejects_unknown_unit_and_bad_amount():
    with pytest.raises(ValueError):
        duration(3, "weeks")
    with pytest.raises(ValueError):
        duration(-1, "months")
    with pytest.raises(ValueError):
        duration(True, "years", "en")


_DATES = [
    # (date, weekday id, weekday en, format id, format en, words id, words en)
    (
        datetime.date(2026, 12, 1),
        "Selasa",
        "Tuesday",
        "1 Desember 2026",
        "1 December 2026",
        "tanggal satu, bulan Desember, tahun dua ribu dua puluh enam (01-12-2026)",
        "the first day of December, two thousand twenty-six (01-12-2026)",
    ),
    (
        datetime.date(2027, 1, 31),
        "Minggu",
        "Sunday",
        "31 Januari 2027",
        "31 January 2027",
        "tanggal tiga puluh satu, bulan Januari, tahun dua ribu dua puluh tujuh (31-01-2027)",
        "the thirty-first day of January, two thousand twenty-seven (31-01-2027)",
    ),
    (
        datetime.date(2026, 2, 22),
        "Minggu",
        "Sunday",
        "22 Februari 2026",
        "22 February 2026",
        "tanggal dua puluh dua, bulan Februari, tahun dua ribu dua puluh enam (22-02-2026)",
        "the twenty-second day of February, two thousand twenty-six (22-02-2026)",
    ),
    (
        datetime.date(2030, 11, 11),
        "Senin",
        "Monday",
        "11 November 2030",
        "11 November 2030",
        "tanggal sebelas, bulan November, tahun dua ribu tiga puluh (11-11-2030)",
        "the eleventh day of November, two thousand thirty (11-11-2030)",
    ),
]


@pytest.mark.parametrize(
    ("d", "wd_id", "wd_en", "fmt_id", "fmt_en", "words_id", "words_en"),
    _DATES,
    ids=[row[0].isoformat() for row in _DATES],
)
def test_dates_in_figures_weekdays_and_words(d, wd_id, wd_en, fmt_id, fmt_en, words_id, words_en):
    assert weekday(d) == wd_id
    assert weekday(d, "en") == wd_en
    assert format_date(d) == fmt_id
    assert format_date(d, "en") == fmt_en
    assert date_in_words(d) == words_id
    assert date_in_words(d, "en") == words_en


def test_date_in_words_reads_as_agreement_opening():
    d = datetime.date(2026, 12, 1)
    opening = f"Pada hari ini {weekday(d)}, {date_in_words(d)}, bertempat di"
    assert opening == (
        "Pada hari ini Selasa, tanggal satu, bulan Desember, tahun dua ribu dua puluh enam "
        "(01-12-2026), bertempat di"
    )


@pytest.mark.parametrize(
    ("day", "ordinal"),
    [(1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (5, "fifth"), (8, "eighth"),
     (9, "ninth"), (12, "twelfth"), (13, "thirteenth"), (20, "twentieth"), (21, "twenty-first"),
     (23, "twenty-third"), (30, "thirtieth"), (31, "thirty-first")],
)
def test_date_in_words_english_ordinals_are_spelled(day, ordinal):
    assert date_in_words(datetime.date(2026, 1, day), "en").startswith(f"the {ordinal} day of January, ")


def test_date_functions_accept_datetime_and_reject_strings():
    dt = datetime.datetime(2026, 12, 1, 9, 30)
    assert format_date(dt) == "1 Desember 2026"
    assert weekday(dt, "en") == "Tuesday"
    with pytest.raises(ValueError):
        date_in_words("2026-12-01")


@pytest.mark.parametrize(
    ("items", "lang", "expected"),
    [
        (["a", "b", "c"], "id", "a, b, dan c"),
        (["a", "b", "c"], "en", "a, b, and c"),
        (["a", "b", "c", "d"], "id", "a, b, c, dan d"),
        (["a", "b"], "id", "a dan b"),
        (["a", "b"], "en", "a and b"),
        (["a"], "id", "a"),
        (["a"], "en", "a"),
        ([], "id", ""),
    ],
)
def test_join_list_uses_serial_comma_and_conjunction(items, lang, expected):
    assert join_list(items, lang) == expected


# ---- words → number (the inverse of terbilang) ----------------------------------------------------------


@given(st.integers(min_value=0, max_value=MAX_AMOUNT), st.sampled_from(["id", "en"]))
def test_words_to_number_reads_back_what_terbilang_writes(n, lang):
    assert words_to_number(terbilang(n, lang), lang) == n


@pytest.mark.parametrize("amount, words", [
    (int(row["amount"]), row["words_id"])
    for row in csv.DictReader(_TABLE.read_text(encoding="utf-8").splitlines(), delimiter="\t")])
def test_words_to_number_reads_the_reference_table(amount, words):
    assert words_to_number(words, "id") == amount


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from(["id", "en"]))
def test_money_words_read_back_with_sen(rupiah_part, sen, lang):
    amount = Decimal(rupiah_part) + Decimal(sen) / 100
    words = rupiah(amount, lang).partition(" (")[2][:-1]
    assert money_from_words(words, lang) == amount


@pytest.mark.parametrize("words, lang, expected", [
    ("Dua Puluh Empat", "id", 24), ("twenty four", "en", 24), ("one hundred and five", "en", 105),
    ("one thousand and five", "en", 1005), ("and five", "en", None), ("five and", "en", None),
    ("satu milyar", "id", 10**9), ("satu ribu", "id", 1000),
    ("seribu juta", "id", None), ("dua dua", "id", None), ("ribu", "id", None), ("twenty twenty", "en", None),
    ("ketentuan umum", "id", None), ("", "en", None),
])
def test_words_to_number_takes_variants_and_refuses_what_is_not_one_number(words, lang, expected):
    assert words_to_number(words, lang) == expected


def test_fractions_and_sen_are_read():
    assert decimal_from_words("dua belas koma lima", "id") == Decimal("12.5")
    assert decimal_from_words("twelve point zero five", "en") == Decimal("12.05")
    assert money_from_words("satu juta rupiah lima puluh sen", "id") == Decimal("1000000.50")
    assert money_from_words("one million rupiah and fifty sen", "en") == Decimal("1000000.50")
    assert money_from_words("one million rupiah and two hundred sen", "en") is None
