"""The six-digit service PIN (服务密码) a caller keys in after the ID number.

Like `IdNumber`, a `Pin` never prints its digits: repr and str show only asterisks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

PIN_LENGTH = 6
_KEYPAD_END = "#"


class PinProblem(StrEnum):
    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"


class InvalidPin(ValueError):
    """Raised by `parse_pin`; the message never contains the keys pressed."""

    def __init__(self, problem: PinProblem) -> None:
        super().__init__(f"not a valid service PIN: {problem.value}")
        self.problem = problem


@dataclass(frozen=True)
class Pin:
    digits: str = field(repr=False)

    def __repr__(self) -> str:
        return "Pin(" + "*" * PIN_LENGTH + ")"

    __str__ = __repr__


def parse_pin(keys: str) -> Pin:
    """Six digits, optionally ended by `#`."""
    keys = keys.removesuffix(_KEYPAD_END)
    if len(keys) != PIN_LENGTH:
        raise InvalidPin(PinProblem.WRONG_LENGTH)
    if not (keys.isascii() and keys.isdigit()):
        raise InvalidPin(PinProblem.NOT_DIGITS)
    return Pin(keys)
