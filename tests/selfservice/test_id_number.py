from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ivr.selfservice.id_number import (
    IdNumberProblem,
    InvalidIdNumber,
    check_character,
    mask,
    parse_id_number,
    parse_keypad_entry,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"
ENDS_IN_DIGIT = "450102199003071238"


def test_check_character_of_known_numbers():
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"
    assert check_character(ENDS_IN_DIGIT[:17]) == "8"


def test_valid_number_parses_and_never_prints_in_full():
    number = parse_id_number(ENDS_IN_DIGIT)
    assert number.value == ENDS_IN_DIGIT
    assert number.birth_date == date(1990, 3, 7)
    assert ENDS_IN_DIGIT not in repr(number) and ENDS_IN_DIGIT not in str(number)
    assert ENDS_IN_DIGIT not in f"{number!r} {[number]}"
    assert number.masked == "4501**********1238"


def test_lower_case_x_is_accepted_as_x():
    assert parse_id_number(STANDARD_EXAMPLE.lower()).value == STANDARD_EXAMPLE


def test_keypad_star_stands_for_x_and_hash_ends_entry():
    keys = STANDARD_EXAMPLE[:17] + "*#"
    assert parse_keypad_entry(keys).value == STANDARD_EXAMPLE
    assert parse_keypad_entry(ENDS_IN_DIGIT).value == ENDS_IN_DIGIT


@pytest.mark.parametrize(
    "keys, problem",
    [
        ("45010219900307123#", IdNumberProblem.WRONG_LENGTH),
        ("4501021990030712388#", IdNumberProblem.WRONG_LENGTH),
        ("#", IdNumberProblem.WRONG_LENGTH),
        ("4501*2199003071238", IdNumberProblem.NOT_DIGITS),
        ("4501021990030712*8", IdNumberProblem.NOT_DIGITS),
        ("450102199013071238", IdNumberProblem.BAD_BIRTH_DATE),  # month 13
        ("450102199002301238", IdNumberProblem.BAD_BIRTH_DATE),  # 30 February
        ("450102189903071238", IdNumberProblem.BAD_BIRTH_DATE),  # before 1900
        ("450102199003071237", IdNumberProblem.BAD_CHECK_CHARACTER),
        ("110105194912310021", IdNumberProblem.BAD_CHECK_CHARACTER),
    ],
)
def test_keypad_errors_name_their_problem(keys, problem):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_keypad_entry(keys)
    assert caught.value.problem is problem
    entered = keys.rstrip("#")
    assert not entered or entered not in str(caught.value)


def test_text_with_x_inside_the_body_is_not_digits():
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number("4501X2199003071238")
    assert caught.value.problem is IdNumberProblem.NOT_DIGITS


def test_birth_date_after_today_is_rejected_when_today_is_given():
    body = "45010220300101123"
    number = body + check_character(body)
    assert parse_id_number(number).birth_date == date(2030, 1, 1)
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(number, today=date(2026, 11, 22))
    assert caught.value.problem is IdNumberProblem.BAD_BIRTH_DATE


def test_mask_keeps_first_four_and_last_four():
    assert mask(STANDARD_EXAMPLE) == "1101**********002X"
    assert mask("1234") == "****"


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31))
valid_numbers = st.builds(
    lambda region, born, seq: (lambda body: body + check_character(body))(
        f"{region:06d}{born:%Y%m%d}{seq:03d}"
    ),
    st.integers(110000, 659999),
    births,
    st.integers(0, 999),
)


@given(valid_numbers)
def test_every_generated_valid_number_validates(number):
    assert parse_id_number(number).value == number
    assert parse_keypad_entry(number.replace("X", "*") + "#").value == number


@given(valid_numbers, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_character_change_is_caught(number, position, replacement):
    changed = number[:position] + replacement + number[position + 1 :]
    assume(changed != number)
    with pytest.raises(InvalidIdNumber):
        parse_id_number(changed)
