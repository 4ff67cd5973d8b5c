"""The holiday calendar: which days are public holidays and which weekend days are working
days (调休), as the State Council's yearly notice sets them (pure).

A day is one of four kinds. The calendar covers the years it was given; for any other year
it still answers (weekdays work, weekends rest) but says it had no notice for that year, so
an operator who forgot to load next year's file sees it in every answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarError(ValueError):
    pass


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a public holiday, whatever the weekday
    ADJUSTED_WORKDAY = "adjusted_workday"  # a Saturday or Sunday worked in exchange for a holiday


@dataclass(frozen=True)
class Holiday:
    name: str
    first: date
    last: date
    name_zh: str = ""

    def days(self) -> Iterable[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


@dataclass(frozen=True)
class AdjustedWorkday:
    day: date
    for_holiday: str


@dataclass(frozen=True)
class Day:
    day: date
    kind: DayKind
    holiday: str | None = None  # the holiday's name, for holidays and adjusted working days
    covered: bool = True  # False: no notice loaded for this year

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)

    def describe(self) -> str:
        weekday = WEEKDAY_NAMES[self.day.weekday()]
        text = {
            DayKind.HOLIDAY: f"a public holiday ({self.holiday})",
            DayKind.ADJUSTED_WORKDAY: f"an adjusted working {weekday} (in exchange for {self.holiday})",
            DayKind.WEEKEND: f"a {weekday}, a weekend day",
            DayKind.WORKDAY: f"a {weekday}, a working day",
        }[self.kind]
        if not self.covered:
            text += f" (no holiday calendar loaded for {self.day.year}: weekdays assumed working)"
        return f"{self.day.isoformat()} is {text}"


@dataclass(frozen=True)
class YearNotice:
    """One year's notice: its holidays and adjusted working days."""

    year: int
    holidays: tuple[Holiday, ...]
    working_days: tuple[AdjustedWorkday, ...]
    demo: bool = False
    source: str = ""
    # The province's own statutory holidays (Guangxi: 壮族三月三), on top of the national ones.
    regional: tuple[Holiday, ...] = ()

    @property
    def all_holidays(self) -> tuple[Holiday, ...]:
        return self.holidays + self.regional

    def __post_init__(self) -> None:
        seen: dict[date, str] = {}
        for holiday in self.all_holidays:
            if holiday.last < holiday.first:
                raise CalendarError(f"{holiday.name}: ends ({holiday.last}) before it starts ({holiday.first})")
            for day in holiday.days():
                if day.year != self.year:
                    raise CalendarError(f"{holiday.name}: {day} is not in {self.year}")
                if day in seen:
                    raise CalendarError(f"{day} is in both {seen[day]} and {holiday.name}")
                seen[day] = holiday.name
        for worked in self.working_days:
            if worked.day.year != self.year:
                raise CalendarError(f"adjusted working day {worked.day} is not in {self.year}")
            if worked.day.weekday() < 5:
                raise CalendarError(f"adjusted working day {worked.day} is a "
                                    f"{WEEKDAY_NAMES[worked.day.weekday()]}: only weekend days can be")
            if worked.day in seen:
                raise CalendarError(f"{worked.day} is both a holiday ({seen[worked.day]}) and a working day")


@dataclass(frozen=True)
class HolidayCalendar:
    notices: Mapping[int, YearNotice] = field(default_factory=dict)

    def __post_init__(self) -> None:
        holidays: dict[date, str] = {}
        worked: dict[date, str] = {}
        for notice in self.notices.values():
            for holiday in notice.all_holidays:
                holidays.update((day, holiday.name) for day in holiday.days())
            worked.update((w.day, w.for_holiday) for w in notice.working_days)
        object.__setattr__(self, "_holidays", holidays)
        object.__setattr__(self, "_worked", worked)

    @property
    def last_year(self) -> int | None:
        return max(self.notices) if self.notices else None

    def missing_within(self, today: date, days: int) -> int | None:
        """The first year without a notice that starts within `days` of `today` (or has
        started), else None: ops load next year's notice before it is needed."""
        for year in (today.year, (today + timedelta(days=days)).year):
            if year not in self.notices:
                return year
        return None

    def day(self, day: date) -> Day:
        covered = day.year in self.notices
        holidays: dict[date, str] = self._holidays  # type: ignore[attr-defined]
        worked: dict[date, str] = self._worked  # type: ignore[attr-defined]
        if day in holidays:
            return Day(day, DayKind.HOLIDAY, holidays[day])
        if day in worked:
            return Day(day, DayKind.ADJUSTED_WORKDAY, worked[day])
        kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
        return Day(day, kind, covered=covered)


WARN_AHEAD_DAYS = 42  # the State Council's notice comes out in November; six weeks is time to add it


def coverage(calendar: HolidayCalendar, today: date, ahead_days: int = WARN_AHEAD_DAYS) -> dict[str, object]:
    """The calendar's state for /health and `ivrctl calendar check`: "ok"; "next_year_missing"
    (the year starting within `ahead_days` has no notice yet); "missing" (today's year has none:
    holidays are not known, weekdays are treated as working days)."""
    if today.year not in calendar.notices:
        state, year = "missing", today.year
    elif (missing := calendar.missing_within(today, ahead_days)) is not None:
        state, year = "next_year_missing", missing
    else:
        state, year = "ok", None
    return {"state": state, "missing_year": year, "last_year": calendar.last_year}
