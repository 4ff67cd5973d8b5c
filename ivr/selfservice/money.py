"""Amounts of money as integers of fen (1 yuan = 10 jiao = 100 fen), and how they are read.

Floats never carry money here: balances arrive and leave as `int` fen, and text like
"12345.60" is parsed digit by digit. `reading` turns an amount into the spoken parts a prompt
plays in order (a number said with SayNumber, then its unit prompt: yuan, jiao, fen), with the
filler 零 where Chinese needs one: 12345.06 yuan is 一万二千三百四十五元零六分.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

FEN_PER_YUAN = 100
Unit = Literal["yuan", "jiao", "fen"]
_UNIT_CHARACTERS = {"yuan": "元", "jiao": "角", "fen": "分"}
_YUAN_TEXT = re.compile(r"(\d+)(?:\.(\d{1,2}))?")
_DIGITS = "零一二三四五六七八九"
_IN_SECTION = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_SECTION_UNITS = ("", "万", "亿", "万亿")


@dataclass(frozen=True)
class YuanJiaoFen:
    yuan: int
    jiao: int
    fen: int


@dataclass(frozen=True)
class Spoken:
    """One spoken piece: `number` read as a Chinese numeral, then the `unit` prompt if any."""

    number: int
    unit: Unit | None


def split_fen(amount_fen: int) -> YuanJiaoFen:
    if amount_fen < 0:
        raise ValueError("amounts read to callers are never negative")
    yuan, rest = divmod(amount_fen, FEN_PER_YUAN)
    jiao, fen = divmod(rest, 10)
    return YuanJiaoFen(yuan, jiao, fen)


def parse_yuan(text: str) -> int:
    """'12345.6' or '12345.60' or '12345' yuan -> fen, without passing through a float."""
    match = _YUAN_TEXT.fullmatch(text.strip())
    if match is None:
        raise ValueError("expected a non-negative amount of yuan with at most two decimals")
    whole, fraction = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(whole) * FEN_PER_YUAN + int(fraction)


def format_yuan(amount_fen: int) -> str:
    """Fen -> '12345.60' (for screens and logs, not for reading aloud)."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), FEN_PER_YUAN)
    return f"{sign}{yuan}.{fen:02d}"


def reading(amount_fen: int) -> tuple[Spoken, ...]:
    """The parts to say, in order. Zero is 零元; 0.50 is 五角; 12.05 is 十二元零五分."""
    parts = split_fen(amount_fen)
    spoken: list[Spoken] = []
    if parts.yuan or not (parts.jiao or parts.fen):
        spoken.append(Spoken(parts.yuan, "yuan"))
    if parts.jiao:
        spoken.append(Spoken(parts.jiao, "jiao"))
    elif parts.fen and parts.yuan:
        spoken.append(Spoken(0, None))  # 零 bridges the missing jiao
    if parts.fen:
        spoken.append(Spoken(parts.fen, "fen"))
    return tuple(spoken)


def chinese_numeral(n: int) -> str:
    """A non-negative integer in Chinese numerals as spoken: 10 十, 10010 一万零一十."""
    if n < 0 or n >= 10**16:
        raise ValueError("supported range is 0 .. 10**16 - 1")
    if n == 0:
        return _DIGITS[0]
    sections = []
    while n:
        n, section = divmod(n, 10000)
        sections.append(section)
    text, gap = "", False
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or section < 1000):
            text += _DIGITS[0]
        gap = False
        text += _section_numeral(section) + _SECTION_UNITS[index]
    # 一十 is said 十 only at the very start (十万, but 一百一十).
    return text[1:] if text.startswith("一十") else text


def _section_numeral(section: int) -> str:
    text, gap = "", False
    for place, unit in _IN_SECTION:
        digit = section // place % 10
        if digit == 0:
            gap = gap or bool(text)
            continue
        if gap:
            text += _DIGITS[0]
            gap = False
        text += _DIGITS[digit] + unit
    return text


def chinese_reading(amount_fen: int) -> str:
    """The written form of `reading`: 一万二千三百四十五元六角."""
    return "".join(
        chinese_numeral(part.number) + (_UNIT_CHARACTERS[part.unit] if part.unit else "")
        for part in reading(amount_fen)
    )
