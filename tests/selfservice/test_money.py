import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivr.selfservice.money import (
    Spoken,
    YuanJiaoFen,
    chinese_numeral,
    chinese_reading,
    format_yuan,
    parse_yuan,
    reading,
    split_fen,
)


@pytest.mark.parametrize(
    "n, text",
    [
        (0, "零"),
        (7, "七"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (10010, "一万零一十"),
        (100000, "十万"),
        (12345, "一万二千三百四十五"),
        (1000001, "一百万零一"),
        (100000001, "一亿零一"),
        (100010000, "一亿零一万"),
        (200000300, "二亿零三百"),
    ],
)
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


@pytest.mark.parametrize(
    "fen, text, parts",
    [
        (1234560, "一万二千三百四十五元六角", (Spoken(12345, "yuan"), Spoken(6, "jiao"))),
        (
            1234506,
            "一万二千三百四十五元零六分",
            (Spoken(12345, "yuan"), Spoken(0, None), Spoken(6, "fen")),
        ),
        (50, "五角", (Spoken(5, "jiao"),)),
        (5, "五分", (Spoken(5, "fen"),)),
        (0, "零元", (Spoken(0, "yuan"),)),
        (1200, "十二元", (Spoken(12, "yuan"),)),
        (
            123456789,
            "一百二十三万四千五百六十七元八角九分",
            (Spoken(1234567, "yuan"), Spoken(8, "jiao"), Spoken(9, "fen")),
        ),
    ],
)
def test_amount_readings(fen, text, parts):
    assert reading(fen) == parts
    assert chinese_reading(fen) == text


def test_split_and_text_round_trip_without_floats():
    assert split_fen(1234506) == YuanJiaoFen(12345, 0, 6)
    assert parse_yuan("12345.06") == 1234506
    assert parse_yuan("12345.6") == 1234560
    assert parse_yuan("0.07") == 7
    assert format_yuan(1234506) == "12345.06"
    # 0.1 + 0.2 is where floats go wrong; here it is exact.
    assert parse_yuan("0.1") + parse_yuan("0.2") == parse_yuan("0.3")


@pytest.mark.parametrize("text", ["-1", "1.234", "1,5", "", "abc", "1e3"])
def test_bad_yuan_text(text):
    with pytest.raises(ValueError):
        parse_yuan(text)


def test_negative_amounts_are_not_read():
    with pytest.raises(ValueError):
        reading(-1)


@given(st.integers(0, 10**12))
def test_reading_accounts_for_every_fen(fen):
    parts = reading(fen)
    scale = {"yuan": 100, "jiao": 10, "fen": 1}
    assert sum(p.number * scale[p.unit] for p in parts if p.unit) == fen
    assert parse_yuan(format_yuan(fen)) == fen
