"""Reference numbers for card loss reports, read back to the caller digit by digit.

Twelve digits: the report's date in Beijing time (YYMMDD, so counter staff can tell its age
at a glance), five random digits, and a Luhn check digit so a mistyped reference is caught
when the caller later reads it out at a counter. Digits only, because callers hear and key
them on a phone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")
RANDOM_DIGITS = 5
LENGTH = 6 + RANDOM_DIGITS + 1


def _random_digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def luhn_check_digit(digits: str) -> str:
    total = 0
    # Double every second digit starting from the rightmost of the payload.
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def new_reference(now: datetime, random_digits: Callable[[int], str] = _random_digits) -> str:
    """A fresh reference for a report made at `now` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    payload = now.astimezone(BEIJING).strftime("%y%m%d") + random_digits(RANDOM_DIGITS)
    return payload + luhn_check_digit(payload)


def is_well_formed(reference: str) -> bool:
    return (
        len(reference) == LENGTH
        and reference.isascii()
        and reference.isdigit()
        and luhn_check_digit(reference[:-1]) == reference[-1]
    )


def readback_digits(reference: str) -> tuple[int, ...]:
    """The digits in the order they are said (each with SayDigits / digits/N)."""
    if not (reference.isascii() and reference.isdigit()):
        raise ValueError("a reference is digits only")
    return tuple(int(char) for char in reference)
