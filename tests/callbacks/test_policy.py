"""The callback policy's pure rules, and the shipped configuration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from hotline.callbacks.policy import CallbackPolicy, HoldChoice, after_attempt, hold_choice, load_policy
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from tests.support.site import CONFIG_DIR

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
POLICY = CallbackPolicy(offer_at_estimated_wait_s=180, offer_when_no_agent_s=60, max_hold_s=1200,
                        retry_delay_s=300, max_attempts=3)


def choice(**kwargs) -> HoldChoice:
    values = dict(waited_s=10.0, estimated_wait_s=30.0, step_says_offer=False, offered_before=False)
    values.update(kwargs)
    return hold_choice(POLICY, **values)


def test_the_shipped_configuration_loads():
    policy = load_policy(CONFIG_DIR / "callbacks.yaml")
    assert policy.enabled and policy.max_attempts >= 1 and "{number}" in policy.dial


@pytest.mark.parametrize("number, valid", [
    ("13812345678", True), ("19912345678", True), ("07715551234", True), ("077155512345", True),
    ("12812345678", False), ("1381234567", False), ("7715551234", False), ("", False), (None, False),
    ("1381234567*", False), ("0771555123456", False),
])
def test_numbers_we_call_back_are_mobiles_or_landlines_with_area_code(number, valid):
    assert POLICY.valid_number(number) is valid


def test_the_dial_string_takes_the_number_and_only_digits():
    assert POLICY.dial_string("13812345678") == "PJSIP/13812345678@pstn"
    with pytest.raises(ValueError):
        POLICY.dial_string("138&PJSIP/1")
    with pytest.raises(ValidationError):
        CallbackPolicy(dial="PJSIP/trunk")  # no {number}
    with pytest.raises(ValidationError):
        CallbackPolicy(dial="PJSIP/{number}@pstn,30")  # would add a Dial() argument


def test_the_offer_is_made_once_when_a_step_asks_or_the_wait_is_long_or_nobody_could_answer():
    assert choice() is HoldChoice.NOTHING
    assert choice(step_says_offer=True) is HoldChoice.OFFER
    assert choice(estimated_wait_s=180) is HoldChoice.OFFER
    assert choice(estimated_wait_s=None, waited_s=59) is HoldChoice.NOTHING
    assert choice(estimated_wait_s=None, waited_s=60) is HoldChoice.OFFER
    assert choice(step_says_offer=True, offered_before=True) is HoldChoice.NOTHING


def test_the_longest_hold_makes_a_last_offer_or_a_message_when_callbacks_are_off():
    assert choice(waited_s=1200, offered_before=True) is HoldChoice.LAST_OFFER
    off = POLICY.model_copy(update={"enabled": False})
    assert hold_choice(off, waited_s=1200, estimated_wait_s=None, step_says_offer=False,
                       offered_before=False) is HoldChoice.MESSAGE
    assert hold_choice(off, waited_s=100, estimated_wait_s=None, step_says_offer=True,
                       offered_before=False) is HoldChoice.NOTHING


def _task(attempts: int = 0) -> CallbackTask:
    return CallbackTask("13812345678", "zhuang", "pension", CallbackReason.VIRTUAL_HOLD, NOW, NOW, attempts=attempts)


def test_an_answered_attempt_closes_the_task():
    done = after_attempt(POLICY, _task(), "ANSWER", NOW)
    assert (done.status, done.attempts, done.outcome, done.last_attempt_at) == (CallbackStatus.DONE, 1, "answered", NOW)


@given(st.integers(0, 5), st.sampled_from(["NOANSWER", "BUSY", "CONGESTION", "CHANUNAVAIL", "CANCEL", ""]))
def test_an_unanswered_attempt_is_retried_after_the_delay_until_the_attempts_are_used_up(before, result):
    after = after_attempt(POLICY, _task(before), result, NOW)
    assert after.attempts == before + 1 and after.outcome == (result.lower() or "unknown")
    if before + 1 >= POLICY.max_attempts:
        assert after.status is CallbackStatus.FAILED
    else:
        assert after.status is CallbackStatus.PENDING and after.due_at == NOW + timedelta(seconds=300)
