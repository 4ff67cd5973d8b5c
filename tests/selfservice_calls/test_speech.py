"""What the flows say, as data (pure): amounts, months, readouts, references, card states."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivr.selfservice.flows.settings import FlowSettings
from ivr.selfservice.flows.speech import (
    Digits,
    Number,
    Prompt,
    amount,
    balance_readout,
    card_named,
    card_status_readout,
    loss_report_readout,
    year_month,
)
from ivr.selfservice.money import chinese_reading
from ivr.selfservice.records import AccountBalance, Balances, Card, CardStatus, LossReport, YearMonth

UNITS = {"yuan": "元", "jiao": "角", "fen": "分"}


def test_amounts_are_numbers_each_followed_by_its_unit() -> None:
    assert amount(1_234_506) == (Number(12345), Prompt("yuan"), Number(0), Number(6), Prompt("fen"))
    assert amount(50) == (Number(5), Prompt("jiao"))
    assert amount(0) == (Number(0), Prompt("yuan"))


@given(st.integers(min_value=0, max_value=99_999_999_99))
def test_amount_units_follow_the_written_reading(fen: int) -> None:
    """The unit prompts come in the order the written Chinese reading has its unit characters."""
    units = [UNITS[u.id] for u in amount(fen) if isinstance(u, Prompt)]
    assert units == [c for c in chinese_reading(fen) if c in UNITS.values()]


def test_a_month_reads_the_year_digit_by_digit() -> None:
    assert year_month(YearMonth(2026, 10)) == (Digits("2026"), Prompt("year"), Number(10), Prompt("month"))


def test_the_callers_business_line_is_read_first_and_missing_accounts_are_skipped() -> None:
    balances = Balances(pension=AccountBalance(100, YearMonth(2026, 9)), medical=AccountBalance(5, YearMonth(2026, 10)))
    medical_first = balance_readout(balances, "medical")
    prompts = [u.id for u in medical_first if isinstance(u, Prompt)]
    assert prompts[:3] == ["balance_medical", "fen", "balance_pension"]
    assert medical_first[-4:] == year_month(YearMonth(2026, 10))  # the later month
    only_medical = balance_readout(Balances(pension=None, medical=AccountBalance(5, None)))
    assert only_medical == (Prompt("balance_medical"), Number(5), Prompt("fen"))
    assert balance_readout(Balances(pension=None, medical=None)) == ()


def _card(status: CardStatus, reference: str | None = None) -> Card:
    return Card(key="1", masked_number="*****0011", last_digits="0011", status=status, loss_reference=reference)


def test_card_states_and_references() -> None:
    assert card_status_readout(_card(CardStatus.ACTIVE)) == (Prompt("card_status_active"),)
    assert card_status_readout(_card(CardStatus.TEMPORARILY_LOST, "261101000014")) == (
        Prompt("card_status_lost"), Prompt("reference_number_intro"), Digits("261101000014"))
    assert card_status_readout(_card(CardStatus.LOST)) == (Prompt("card_status_lost"),)
    assert card_named(_card(CardStatus.ACTIVE)) == (Prompt("card_number_intro"), Digits("0011"))
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert loss_report_readout(LossReport("261122123459", now, already_reported=False))[0] == Prompt("card_loss_done")
    assert loss_report_readout(LossReport("261122123459", now, already_reported=True))[:2] == (
        Prompt("card_already_lost"), Prompt("reference_number_intro"))


def test_digits_hold_digits_only() -> None:
    with pytest.raises(ValueError):
        Digits("12a4")


def test_settings_refuse_unknown_flows_and_zero_tries() -> None:
    with pytest.raises(ValueError):
        FlowSettings(scripts={"pension_advice": "x"})
    with pytest.raises(ValueError):
        FlowSettings(id_tries=0)
    assert set(FlowSettings().scripts) == {"balance", "card_loss", "card_status"}


def test_script_names_come_from_the_hotline_configuration() -> None:
    from ivr.menu import load_config

    config = load_config(Path(__file__).resolve().parents[2] / "config" / "hotline.yaml")
    settings = FlowSettings.from_config(config)
    assert dict(settings.scripts) == {flow: f.agi for flow, f in config.self_service.items()}
