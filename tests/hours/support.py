"""An hours configuration built in the tests (not read from config/), so the tests do not
depend on the demo calendar's dates: an invented 2026 with National Day 1-7 October worked
back on Sunday 27 September, and Spring Festival 15-23 February worked back on two Saturdays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hotline.hours.calendar import HolidayCalendar
from hotline.hours.loader import parse_hours, parse_notice
from hotline.hours.schedule import HoursConfig

SHANGHAI = ZoneInfo("Asia/Shanghai")

NOTICE = {
    "year": 2026,
    "holidays": [
        {"name": "Spring Festival", "from": "2026-02-15", "to": "2026-02-23"},
        {"name": "National Day", "from": "2026-10-01", "to": "2026-10-07"},
    ],
    "working_days": [
        {"date": "2026-02-14", "for": "Spring Festival"},
        {"date": "2026-02-28", "for": "Spring Festival"},
        {"date": "2026-09-27", "for": "National Day"},
    ],
}

HOURS = {
    "timezone": "Asia/Shanghai",
    "lines": {
        "mandarin": {"dialects": ["mandarin"], "periods": [{"open": "08:30", "close": "18:00"}]},
        "dialect": {"dialects": ["zhuang", "cantonese", "guiliu", "hakka"],
                    "periods": [{"open": "09:00", "close": "12:00"}, {"open": "14:30", "close": "17:30"}]},
    },
}


def local(text: str) -> datetime:
    """'2026-10-01 12:00' in Shanghai time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


HOLIDAY_THURSDAY_NOON = local("2026-10-01 12:00")
ADJUSTED_SUNDAY_MORNING = local("2026-09-27 10:00")
ORDINARY_MONDAY_MORNING = local("2026-11-23 10:00")


def demo_hours() -> HoursConfig:
    calendar = HolidayCalendar({2026: parse_notice(NOTICE, "test notice")})
    return parse_hours(HOURS, calendar, "test hours")
