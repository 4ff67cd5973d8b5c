from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivr.selfservice.reference import LENGTH, is_well_formed, new_reference, readback_digits


def test_reference_is_dated_in_beijing_time_and_digits_only():
    # 20:00 UTC on 21 November is 04:00 on 22 November in Beijing.
    ref = new_reference(datetime(2026, 11, 21, 20, 0, tzinfo=UTC), lambda n: "0" * n)
    assert ref.startswith("261122") and len(ref) == LENGTH and ref.isdigit()
    assert is_well_formed(ref)
    assert readback_digits(ref) == tuple(int(c) for c in ref)


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        new_reference(datetime(2026, 11, 22))


@given(st.integers(0, LENGTH - 1), st.integers(1, 9))
def test_a_single_mistyped_digit_is_detected(position, shift):
    ref = new_reference(datetime(2026, 11, 22, tzinfo=UTC))
    changed = ref[:position] + str((int(ref[position]) + shift) % 10) + ref[position + 1 :]
    assert is_well_formed(ref) and not is_well_formed(changed)


def test_readback_refuses_non_digits():
    with pytest.raises(ValueError):
        readback_digits("12a4")
