import pytest

from ivr.selfservice.pin import InvalidPin, PinProblem, parse_pin


def test_six_digits_with_or_without_hash():
    assert parse_pin("135790").digits == "135790"
    assert parse_pin("135790#").digits == "135790"


def test_pin_never_prints_its_digits():
    pin = parse_pin("135790")
    assert "135790" not in repr(pin) and "135790" not in str(pin) and "135790" not in f"{[pin]}"


@pytest.mark.parametrize(
    "keys, problem",
    [
        ("12345", PinProblem.WRONG_LENGTH),
        ("1234567", PinProblem.WRONG_LENGTH),
        ("", PinProblem.WRONG_LENGTH),
        ("12*456", PinProblem.NOT_DIGITS),
        ("１２３４５６", PinProblem.NOT_DIGITS),  # full-width digits are not keypad digits
    ],
)
def test_bad_entries(keys, problem):
    with pytest.raises(InvalidPin) as caught:
        parse_pin(keys)
    assert caught.value.problem is problem
