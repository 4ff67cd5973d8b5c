"""What the flows say, as data: prompts, numbers and digit strings in the order played.

Pure. The flows build these from backend answers and hand them to `Voice`, which plays them;
tests compare them with the TestEvents Asterisk reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.selfservice.money import reading
from ivr.selfservice.records import AccountBalance, Balances, Card, CardStatus, LossReport, YearMonth
from ivr.selfservice.reference import readback_digits


@dataclass(frozen=True)
class Prompt:
    """A catalog prompt by id (played in the channel's language)."""

    id: str


@dataclass(frozen=True)
class Number:
    """A whole number read as a Chinese numeral (SayNumber's zh rules)."""

    value: int


@dataclass(frozen=True)
class Digits:
    """Digits read one by one (references, years, the end of a card number)."""

    digits: str

    def __post_init__(self) -> None:
        if not (self.digits.isascii() and self.digits.isdigit()):
            raise ValueError("Digits holds digits only")


Utterance = Prompt | Number | Digits
Speech = tuple[Utterance, ...]

_ACCOUNT_PROMPTS = {"pension": "balance_pension", "medical": "balance_medical"}


def amount(fen: int) -> Speech:
    """12345.06 yuan: 一万二千三百四十五 元 零 六 分."""
    spoken: list[Utterance] = []
    for part in reading(fen):
        spoken.append(Number(part.number))
        if part.unit is not None:
            spoken.append(Prompt(part.unit))
    return tuple(spoken)


def year_month(month: YearMonth) -> Speech:
    """二〇二六年十月: the year digit by digit, as Chinese reads years, the month as a number."""
    return (Digits(f"{month.year:04d}"), Prompt("year"), Number(month.month), Prompt("month"))


def _account(prompt: str, account: AccountBalance) -> Speech:
    return (Prompt(prompt), *amount(account.balance_fen))


INTRO = Prompt("balance_intro")


def balance_readout(balances: Balances, business: str = "pension") -> Speech:
    """Both personal accounts, the one of the caller's business line first, then the latest
    contribution month. Empty when the person has neither account. (The flow says
    balance_intro before it, as soon as the PIN is accepted.)"""
    accounts = {"pension": balances.pension, "medical": balances.medical}
    order = sorted(accounts, key=lambda kind: kind != business)
    body: list[Utterance] = []
    for kind in order:
        account = accounts[kind]
        if account is not None:
            body += _account(_ACCOUNT_PROMPTS[kind], account)
    if not body:
        return ()
    month = balances.last_contribution_month
    tail = (Prompt("last_contribution_month"), *year_month(month)) if month is not None else ()
    return (*body, *tail)


def reference(ref: str) -> Speech:
    return (Prompt("reference_number_intro"), Digits("".join(map(str, readback_digits(ref)))))


def card_is_lost(card: Card) -> bool:
    return card.status in (CardStatus.TEMPORARILY_LOST, CardStatus.LOST)


def card_status_readout(card: Card) -> Speech:
    """What the status query says of a card that exists and is not cancelled."""
    if card_is_lost(card):
        tail = reference(card.loss_reference) if card.loss_reference else ()
        return (Prompt("card_status_lost"), *tail)
    return (Prompt("card_status_active"),)


def card_named(card: Card) -> Speech:
    """Which card: the last digits of its number (never the whole number)."""
    digits = "".join(c for c in card.last_digits if c.isdigit())
    return (Prompt("card_number_intro"), Digits(digits)) if digits else ()


def already_lost(card_reference: str | None) -> Speech:
    return (Prompt("card_already_lost"), *(reference(card_reference) if card_reference else ()))


def loss_report_readout(report: LossReport) -> Speech:
    """After a confirmed report: done (or already lost, idempotent) and the reference."""
    if report.already_reported:
        return already_lost(report.reference)
    return (Prompt("card_loss_done"), *reference(report.reference))
