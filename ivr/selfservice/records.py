"""What a self-service backend hands the flows: persons, balances, cards, loss reports.

These carry masked identifiers and opaque keys only; nothing here holds a full ID number, a
PIN or a full card number, so any of them may be logged or put in an event as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True)
class YearMonth:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError("month is 1..12")

    @classmethod
    def of(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class InsuredPerson:
    """An identified caller. `key` is the backend's own handle, meaningless to anyone else."""

    key: str
    masked_id: str


@dataclass(frozen=True)
class AccountBalance:
    """A personal account: its balance in fen and the last month contributions were paid."""

    balance_fen: int
    last_contribution_month: YearMonth | None


@dataclass(frozen=True)
class Balances:
    """The personal accounts a caller hears; None where the person has no such account."""

    pension: AccountBalance | None
    medical: AccountBalance | None

    @property
    def last_contribution_month(self) -> YearMonth | None:
        months = [
            account.last_contribution_month
            for account in (self.pension, self.medical)
            if account is not None and account.last_contribution_month is not None
        ]
        return max(months, key=lambda m: (m.year, m.month)) if months else None


class CardStatus(StrEnum):
    ACTIVE = "active"
    TEMPORARILY_LOST = "temporarily_lost"  # blocked by a phone report (临时挂失)
    LOST = "lost"  # formally reported lost at a counter (正式挂失)
    CANCELLED = "cancelled"  # replaced or withdrawn (注销)


@dataclass(frozen=True)
class Card:
    """A social-security card. `last_digits` is what the flow says to name the card."""

    key: str
    masked_number: str
    last_digits: str
    status: CardStatus
    loss_reference: str | None  # the latest loss report's reference, if the card has one


@dataclass(frozen=True)
class LossReport:
    """The answer to a loss report. `already_reported`: the card was lost before this call,
    and `reference` is the earlier report's (the flow says so instead of "done")."""

    reference: str
    reported_at: datetime
    already_reported: bool
