from datetime import UTC, datetime

import pytest

from ivr.selfservice.audit import audit_entry, mask_phone
from ivr.selfservice.records import (
    AccountBalance,
    Balances,
    Card,
    CardStatus,
    InsuredPerson,
    YearMonth,
)


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("07715551234") == "077****1234"
    assert mask_phone("5551234") == "***1234"
    assert mask_phone("123") == "***"


def test_audit_entry_masks_the_caller_and_uses_masked_ids():
    person = InsuredPerson("7", "4501**********1238")
    card = Card("3", "*****5678", "5678", CardStatus.ACTIVE, None)
    entry = audit_entry(
        "report_card_lost",
        "blocked",
        datetime(2026, 11, 22, tzinfo=UTC),
        person=person,
        card=card,
        caller_number="13812345678",
        channel="ivr",
    )
    assert (entry.person, entry.card, entry.caller) == (
        "4501**********1238",
        "*****5678",
        "138****5678",
    )


def test_audit_entry_refuses_naive_times():
    with pytest.raises(ValueError):
        audit_entry("x", "y", datetime(2026, 11, 22))


def test_last_contribution_month_is_the_later_of_the_accounts():
    balances = Balances(
        AccountBalance(100, YearMonth(2026, 9)), AccountBalance(5, YearMonth(2026, 10))
    )
    assert balances.last_contribution_month == YearMonth(2026, 10)
    assert str(YearMonth(2026, 10)) == "2026-10"
    assert Balances(None, AccountBalance(0, None)).last_contribution_month is None
    with pytest.raises(ValueError):
        YearMonth(2026, 13)
