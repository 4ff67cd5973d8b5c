from datetime import UTC, datetime, timedelta

import pytest

from ivr.selfservice.lockout import (
    LockoutPolicy,
    PinLocked,
    PinRejected,
    after_wrong_pin,
    lock_in_force,
)

T0 = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
HOURS = timedelta(hours=1)


def test_third_wrong_pin_within_a_day_locks_for_the_lock_duration():
    policy = LockoutPolicy()
    assert after_wrong_pin(policy, [T0], T0) == PinRejected(2)
    assert after_wrong_pin(policy, [T0, T0 + HOURS], T0 + HOURS) == PinRejected(1)
    third = T0 + 23 * HOURS
    assert after_wrong_pin(policy, [T0, T0 + HOURS, third], third) == PinLocked(third + 24 * HOURS)


def test_three_wrong_pins_spread_over_more_than_a_day_do_not_lock():
    policy = LockoutPolicy()
    failures = [T0, T0 + 13 * HOURS, T0 + 24 * HOURS]
    # The first failure is exactly 24 h old at the third: outside "within 24 h".
    assert after_wrong_pin(policy, failures, failures[-1]) == PinRejected(1)


def test_policy_is_configurable():
    policy = LockoutPolicy(
        max_failures=5, window=2 * HOURS, lock_duration=30 * timedelta(minutes=1)
    )
    failures = [T0 + i * timedelta(minutes=10) for i in range(5)]
    assert after_wrong_pin(policy, failures[:4], failures[3]) == PinRejected(1)
    assert after_wrong_pin(policy, failures, failures[4]) == PinLocked(
        failures[4] + 30 * timedelta(minutes=1)
    )


def test_failures_in_the_future_of_now_are_not_counted():
    # A clock stepped back must not make old-but-future-dated rows count twice.
    assert after_wrong_pin(LockoutPolicy(), [T0, T0 + HOURS, T0 + 2 * HOURS], T0) == PinRejected(2)


def test_lock_in_force_until_its_end():
    ends = [T0, T0 + 5 * HOURS]
    assert lock_in_force(ends, T0 + HOURS) == PinLocked(T0 + 5 * HOURS)
    assert lock_in_force(ends, T0 + 5 * HOURS) is None
    assert lock_in_force([], T0) is None


@pytest.mark.parametrize(
    "kwargs", [{"max_failures": 0}, {"window": timedelta(0)}, {"lock_duration": -HOURS}]
)
def test_nonsense_policies_are_refused(kwargs):
    with pytest.raises(ValueError):
        LockoutPolicy(**kwargs)
