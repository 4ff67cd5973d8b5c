"""Is manual service open? Lines' working hours over the holiday calendar (pure).

    hours = HoursConfig(timezone=ZoneInfo("Asia/Shanghai"), lines={...}, calendar=calendar)
    status = hours.status(now, "mandarin")        # now: an aware datetime (the injected clock)
    status.open, status.reason, status.describe()
    hours.next_open(now, "zhuang")                 # when a callback task falls due
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from hotline.hours.calendar import Day, DayKind, HolidayCalendar

# Longest stretch without manual service we look across (Spring Festival is 9 days; a
# calendar whose next opening is further away than this is a configuration error).
MAX_CLOSED_DAYS = 60


class Reason(StrEnum):
    """Why the line is open or closed; also the dialplan's HOTLINE_HOURS_REASON."""

    OPEN = "open"
    BEFORE_OPENING = "before_opening"
    BETWEEN_PERIODS = "between_periods"
    AFTER_CLOSING = "after_closing"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class Period:
    open: time
    close: time

    def __post_init__(self) -> None:
        if self.close <= self.open:
            raise ValueError(f"period closes ({self.close}) before it opens ({self.open})")

    def __str__(self) -> str:
        return f"{self.open:%H:%M}-{self.close:%H:%M}"


@dataclass(frozen=True)
class LineHours:
    line: str
    name: str
    dialects: tuple[str, ...]
    periods: tuple[Period, ...]  # on working days, in order, not overlapping

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError(f"line {self.line}: no periods")
        for before, after in zip(self.periods, self.periods[1:], strict=False):
            if after.open < before.close:
                raise ValueError(f"line {self.line}: periods {before} and {after} overlap or are out of order")

    def describe_hours(self) -> str:
        return ", ".join(str(p) for p in self.periods)


@dataclass(frozen=True)
class LineStatus:
    line: LineHours
    at: datetime  # local time
    day: Day
    open: bool
    reason: Reason

    def describe_day(self) -> str:
        """The day as a whole, without a time of day."""
        if not self.day.working:
            return f"{self.day.describe()}: {self.line.line} line closed all day"
        return f"{self.day.describe()}: {self.line.line} line open {self.line.describe_hours()}"

    def describe(self) -> str:
        hours = self.line.describe_hours()
        if not self.day.working:
            return f"{self.day.describe()}: {self.line.line} line closed all day"
        when = f"at {self.at:%H:%M}"
        verdict = "open" if self.open else f"closed ({self.reason.value.replace('_', ' ')})"
        return f"{self.day.describe()}: {self.line.line} line hours {hours}; {when} {verdict}"


@dataclass(frozen=True)
class HoursConfig:
    timezone: ZoneInfo
    lines: Mapping[str, LineHours]
    calendar: HolidayCalendar

    def line_of(self, dialect_or_line: str) -> LineHours:
        """The line a dialect (or a line id) belongs to."""
        if dialect_or_line in self.lines:
            return self.lines[dialect_or_line]
        for line in self.lines.values():
            if dialect_or_line in line.dialects:
                return line
        raise KeyError(f"no line serves {dialect_or_line!r} (lines: {', '.join(self.lines)})")

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware time (the clock's UTC now)")
        return moment.astimezone(self.timezone)

    def status(self, moment: datetime, dialect_or_line: str) -> LineStatus:
        line = self.line_of(dialect_or_line)
        local = self.local(moment)
        day = self.calendar.day(local.date())
        if not day.working:
            reason = Reason.HOLIDAY if day.kind is DayKind.HOLIDAY else Reason.WEEKEND
            return LineStatus(line, local, day, False, reason)
        now = local.time()
        if any(p.open <= now < p.close for p in line.periods):
            return LineStatus(line, local, day, True, Reason.OPEN)
        if now < line.periods[0].open:
            reason = Reason.BEFORE_OPENING
        elif now >= line.periods[-1].close:
            reason = Reason.AFTER_CLOSING
        else:
            reason = Reason.BETWEEN_PERIODS
        return LineStatus(line, local, day, False, reason)

    def day_status(self, day: date, dialect_or_line: str) -> LineStatus:
        """The day as a whole (reading `at` as the first opening, if any)."""
        line = self.line_of(dialect_or_line)
        opening = datetime.combine(day, line.periods[0].open, self.timezone)
        return self.status(opening, line.line)

    def next_open(self, moment: datetime, dialect_or_line: str) -> datetime:
        """The first moment at or after `moment` when the line is open (aware, local zone)."""
        line = self.line_of(dialect_or_line)
        local = self.local(moment)
        for offset in range(MAX_CLOSED_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            if not self.calendar.day(day).working:
                continue
            for period in line.periods:
                start = datetime.combine(day, period.open, self.timezone)
                end = datetime.combine(day, period.close, self.timezone)
                if local < end:
                    return max(start, local)
        raise ValueError(f"line {line.line} does not open within {MAX_CLOSED_DAYS} days of {local:%Y-%m-%d}")
