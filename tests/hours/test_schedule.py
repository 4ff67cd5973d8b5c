"""Open or closed, and why: the pure decision over lines' hours and the holiday calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.hours.calendar import DayKind
from hotline.hours.schedule import Reason

from .support import ADJUSTED_SUNDAY_MORNING, HOLIDAY_THURSDAY_NOON, ORDINARY_MONDAY_MORNING, demo_hours, local


def test_a_holiday_weekday_is_closed_all_day():
    hours = demo_hours()
    status = hours.status(HOLIDAY_THURSDAY_NOON, "mandarin")
    assert HOLIDAY_THURSDAY_NOON.weekday() == 3
    assert (status.open, status.reason, status.day.kind) == (False, Reason.HOLIDAY, DayKind.HOLIDAY)
    assert status.describe_day() == "2026-10-01 is a public holiday (National Day): mandarin line closed all day"


def test_an_adjusted_working_sunday_is_open_with_working_day_hours():
    hours = demo_hours()
    status = hours.status(ADJUSTED_SUNDAY_MORNING, "zhuang")
    assert ADJUSTED_SUNDAY_MORNING.weekday() == 6
    assert (status.open, status.reason, status.line.line) == (True, Reason.OPEN, "dialect")
    assert status.day.describe() == "2026-09-27 is an adjusted working Sunday (in exchange for National Day)"
    assert not hours.status(local("2026-09-27 08:45"), "zhuang").open  # the dialect line opens at 09:00
    assert hours.status(local("2026-09-27 08:45"), "mandarin").open


def test_an_ordinary_weekend_is_closed_and_weekday_hours_have_edges():
    hours = demo_hours()
    assert hours.status(local("2026-11-22 10:00"), "mandarin").reason is Reason.WEEKEND
    assert hours.status(local("2026-11-23 08:29"), "mandarin").reason is Reason.BEFORE_OPENING
    assert hours.status(local("2026-11-23 08:30"), "mandarin").open
    assert hours.status(local("2026-11-23 17:59"), "mandarin").open
    assert hours.status(local("2026-11-23 18:00"), "mandarin").reason is Reason.AFTER_CLOSING
    assert hours.status(local("2026-11-23 13:00"), "hakka").reason is Reason.BETWEEN_PERIODS


def test_the_clock_is_utc_and_the_decision_is_in_shanghai_time():
    hours = demo_hours()
    # 01:00 UTC on Monday is 09:00 in Shanghai: open; 23:00 UTC Sunday is 07:00 Monday: not yet.
    assert hours.status(datetime(2026, 11, 23, 1, 0, tzinfo=UTC), "mandarin").open
    assert hours.status(datetime(2026, 11, 22, 23, 0, tzinfo=UTC), "mandarin").reason is Reason.BEFORE_OPENING
    with pytest.raises(ValueError, match="naive"):
        hours.status(datetime(2026, 11, 23, 9, 0), "mandarin")


def test_next_open_skips_the_holiday_and_weekend():
    hours = demo_hours()
    # Evening of the last working day before Spring Festival (Friday 13 February): the next
    # opening is the adjusted working Saturday 14 February, then after the festival Tuesday 24th.
    assert hours.next_open(local("2026-02-13 19:00"), "mandarin") == local("2026-02-14 08:30")
    assert hours.next_open(local("2026-02-14 18:30"), "mandarin") == local("2026-02-24 08:30")
    assert hours.next_open(HOLIDAY_THURSDAY_NOON, "cantonese") == local("2026-10-08 09:00")
    assert hours.next_open(local("2026-11-23 12:10"), "guiliu") == local("2026-11-23 14:30")
    assert hours.next_open(ORDINARY_MONDAY_MORNING, "mandarin") == ORDINARY_MONDAY_MORNING


def test_a_year_without_a_notice_still_answers_and_says_so():
    day = demo_hours().calendar.day(date(2027, 1, 1))
    assert day.kind is DayKind.WORKDAY and not day.covered
    assert "no holiday calendar loaded for 2027" in day.describe()


def test_lines_are_found_by_dialect_or_line_id():
    hours = demo_hours()
    assert hours.line_of("cantonese").line == hours.line_of("dialect").line == "dialect"
    with pytest.raises(KeyError, match="uyghur"):
        hours.line_of("uyghur")
