"""The scan every call test here ends with finds what it must find (a check that could never
fail would prove nothing)."""

from tests.selfservice_calls.conftest import leaks


def test_the_scan_finds_demo_id_numbers_keyed_or_written_and_pins_standing_alone() -> None:
    assert leaks("GET DATA result=45010219780615103* (timeout)")
    assert leaks("id 45010219780615103x")
    assert leaks("Result: 200 result=246813")
    assert leaks("masked 4501**********103X, uniqueid 1763791234.12, 92468130 count") == []
