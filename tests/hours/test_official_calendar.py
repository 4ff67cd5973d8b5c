"""The shipped holiday calendar against independent sources: every day of every shipped year
as the `chinese-calendar` package reads the State Council's notice, Guangxi's 壮族三月三 on the
3rd and 4th days of the 3rd lunar month, and a year without a notice shown, never silent."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import chinese_calendar
import pytest
from lunardate import LunarDate

from hotline.hours.calendar import HolidayCalendar, coverage
from hotline.hours.loader import load_calendar
from tests.support.site import CONFIG_DIR

SHIPPED = load_calendar(CONFIG_DIR / "calendar")


@pytest.mark.parametrize("year", sorted(SHIPPED.notices))
def test_every_day_of_a_shipped_year_matches_the_state_council_notice(year):
    notice = SHIPPED.notices[year]
    national = HolidayCalendar({year: replace(notice, regional=())})
    day, wrong = date(year, 1, 1), []
    while day.year == year:
        ours = national.day(day).working
        if ours != chinese_calendar.is_workday(day):
            wrong.append(f"{day}: ours {'working' if ours else 'off'}")
        day += timedelta(days=1)
    assert wrong == []
    assert not notice.demo  # checked: no longer demo data


@pytest.mark.parametrize("year", sorted(SHIPPED.notices))
def test_guangxi_s_third_of_the_third_is_two_days_from_the_3rd_day_of_the_3rd_lunar_month(year):
    zhuang = [h for h in SHIPPED.notices[year].regional if h.name_zh == "壮族三月三"]
    assert len(zhuang) == 1
    assert (zhuang[0].first, zhuang[0].last) == (LunarDate(year, 3, 3).to_solar_date(), LunarDate(year, 3, 4).to_solar_date())
    assert not SHIPPED.day(zhuang[0].first).working and not SHIPPED.day(zhuang[0].last).working


def test_a_year_without_a_notice_is_an_explicit_state_weeks_ahead():
    last = max(SHIPPED.notices)
    assert coverage(SHIPPED, date(last, 6, 1)) == {"state": "ok", "missing_year": None, "last_year": last}
    assert coverage(SHIPPED, date(last, 12, 1))["state"] == "next_year_missing"  # 31 days before it starts
    assert coverage(SHIPPED, date(last + 1, 1, 2)) == {"state": "missing", "missing_year": last + 1, "last_year": last}
    day = SHIPPED.day(date(last + 1, 3, 1))
    assert not day.covered and "no holiday calendar loaded" in day.describe()
