"""The model of Asterisk's Chinese SayNumber, against sequences worked out by hand from say.c."""
from __future__ import annotations

import pytest

from ivr.prompts import ZH_SAYNUMBER_FILES, zh_saynumber_files


def words(number: int) -> str:
    return " ".join(name.removeprefix("digits/") for name in zh_saynumber_files(number))


@pytest.mark.parametrize(
    "number, expected",
    [
        (0, "0"),
        (7, "7"),
        (10, "10"),  # 十, not 一十
        (15, "10 5"),
        (40, "40"),
        (105, "1 hundred 0 5"),  # 一百零五
        (1010, "1 thousand 0 10"),  # 一千零十
        (10005, "1 wan 0 5"),  # 一万零五
        (12345, "1 wan 2 thousand 3 hundred 40 5"),  # 一万二千三百四十五
        (100000, "10 wan"),
        (1000500, "1 hundred wan 0 5 hundred"),  # 一百万零五百
        (10050000, "1 thousand 0 5 wan"),  # 一千零五万
        (123456789, "1 yi 2 thousand 3 hundred 40 5 wan 6 thousand 7 hundred 80 9"),
        (-42, "minus 40 2"),
    ],
)
def test_sequences(number, expected):
    assert words(number) == expected


def test_numbers_from_a_billion_are_refused_like_asterisk_does():
    with pytest.raises(ValueError):
        zh_saynumber_files(1_000_000_000)


def test_the_file_set_is_exactly_what_numbers_use():
    used = set()
    for number in [-1, *range(0, 100), 100, 1000, 10_000, 100_000_000]:
        used |= set(zh_saynumber_files(number))
    assert used == ZH_SAYNUMBER_FILES
