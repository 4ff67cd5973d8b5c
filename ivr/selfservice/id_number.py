"""The resident ID number (GB 11643-1999) as callers key it in.

Eighteen characters: a six-digit region code, an eight-digit birth date (YYYYMMDD), a
three-digit sequence and one check character computed with ISO 7064 MOD 11-2 over the first
seventeen digits; the check character is 0-9 or X (for 10). On a phone keypad there is no X,
so callers press `*` in its place, and `#` ends the entry.

An `IdNumber` never prints itself in full: its repr and str are the masked form, so a stray
log line or exception cannot leak it. Use `.value` only where the full number is needed (the
keyed hash a backend looks it up by).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

LENGTH = 18
# Weight of position i (left to right) is 2**(17 - i) mod 11, per ISO 7064 MOD 11-2.
_WEIGHTS = tuple(pow(2, LENGTH - 1 - i, 11) for i in range(LENGTH - 1))
_CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)
_KEYPAD_X = "*"
_KEYPAD_END = "#"


class IdNumberProblem(StrEnum):
    """Why an entry is not a resident ID number, most basic failure first."""

    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"
    BAD_BIRTH_DATE = "bad_birth_date"
    BAD_CHECK_CHARACTER = "bad_check_character"


class InvalidIdNumber(ValueError):
    """Raised by the parsers; the message names the problem, never the entry itself."""

    def __init__(self, problem: IdNumberProblem) -> None:
        super().__init__(f"not a valid resident ID number: {problem.value}")
        self.problem = problem


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for seventeen digits."""
    if len(first17) != LENGTH - 1 or not first17.isascii() or not first17.isdigit():
        raise ValueError("the check character is defined over exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def mask(value: str) -> str:
    """Keep the first four and last four characters: 4501**********123X."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


@dataclass(frozen=True)
class IdNumber:
    """A validated resident ID number, upper-case X. Construct with `parse_id_number`."""

    value: str = field(repr=False)

    @property
    def masked(self) -> str:
        return mask(self.value)

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    def __repr__(self) -> str:
        return f"IdNumber({self.masked})"

    __str__ = __repr__


def parse_id_number(text: str, today: date | None = None) -> IdNumber:
    """Validate an ID number typed as text (a lower-case x is accepted).

    `today`, when given, also rejects birth dates after it; the earliest accepted birth year
    is 1900, the standard's own range.
    """
    value = text.strip().upper()
    if len(value) != LENGTH:
        raise InvalidIdNumber(IdNumberProblem.WRONG_LENGTH)
    body, check = value[:-1], value[-1]
    if not (body.isascii() and body.isdigit()) or not (check == "X" or check.isdigit()):
        raise InvalidIdNumber(IdNumberProblem.NOT_DIGITS)
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise InvalidIdNumber(IdNumberProblem.BAD_BIRTH_DATE) from None
    if born.year < 1900 or (today is not None and born > today):
        raise InvalidIdNumber(IdNumberProblem.BAD_BIRTH_DATE)
    if check_character(body) != check:
        raise InvalidIdNumber(IdNumberProblem.BAD_CHECK_CHARACTER)
    return IdNumber(value)


def parse_keypad_entry(keys: str, today: date | None = None) -> IdNumber:
    """Validate DTMF keys: `*` stands for X (last position only), a trailing `#` ends entry."""
    keys = keys.removesuffix(_KEYPAD_END)
    if len(keys) != LENGTH:
        raise InvalidIdNumber(IdNumberProblem.WRONG_LENGTH)
    digits = "0123456789"
    if any(k not in digits for k in keys[:-1]) or keys[-1] not in digits + _KEYPAD_X:
        raise InvalidIdNumber(IdNumberProblem.NOT_DIGITS)
    return parse_id_number(keys[:-1] + keys[-1].replace(_KEYPAD_X, "X"), today)
