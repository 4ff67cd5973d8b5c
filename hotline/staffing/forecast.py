"""The forecast: how many calls each line will be offered per interval of a day, their handle
time and the callers' patience, from the interval reports of past days (pure).

    days = reference_days(target, calendar, weeks=6)      # which past days to read
    forecast = forecast_day(target, {day: report_cells, ...}, interval, open_at)

Reference days, by the holiday calendar (调休 included):
- an ordinary working day is forecast from the same weekday over the past `weeks` weeks,
  skipping holidays and adjusted working days among them (they are not like that weekday);
- an adjusted working day (a weekend day worked for a holiday) from every ordinary working day
  of the past `weeks` weeks: it is no particular weekday, so it gets the average one;
- a holiday or weekend gets no forecast: manual service is closed.
The calls per interval are the mean over the reference days (a day without calls counts as
zero). Handle time and patience are per line over all reference days and intervals, for
enough samples: AHT = (talk + wrap-up) / handled; patience = total wait / abandons (Erlang A),
none if nobody abandoned (Erlang C).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta

from hotline.hours.calendar import DayKind, HolidayCalendar
from hotline.records.intervals import Cell, Counts

Line = tuple[str, str]  # (dialect, business)
MAX_LOOKBACK_WEEKS = 3  # times `weeks`: how far back to look for enough ordinary days


def reference_days(target: date, calendar: HolidayCalendar, weeks: int) -> tuple[date, ...]:
    kind = calendar.day(target).kind
    if kind is DayKind.WORKDAY:
        found: list[date] = []
        back = target - timedelta(days=7)
        while len(found) < weeks and back > target - timedelta(weeks=weeks * MAX_LOOKBACK_WEEKS):
            if calendar.day(back).kind is DayKind.WORKDAY:
                found.append(back)
            back -= timedelta(days=7)
        return tuple(found)
    if kind is DayKind.ADJUSTED_WORKDAY:
        span = (target - timedelta(days=n) for n in range(1, 7 * weeks + 1))
        return tuple(day for day in span if calendar.day(day).kind is DayKind.WORKDAY)
    return ()


@dataclass(frozen=True)
class LineForecast:
    interval: time  # local start of the interval
    dialect: str
    business: str
    calls: float  # expected offered calls in the interval
    handle_s: float  # AHT
    patience_s: float | None  # mean patience; None: nobody abandoned in the history


@dataclass(frozen=True)
class DayForecast:
    day: date
    kind: DayKind
    reference_days: tuple[date, ...]
    interval: timedelta
    lines: tuple[LineForecast, ...]  # open intervals only, in time then line order


def forecast_day(target: date, kind: DayKind, history: Mapping[date, Iterable[Cell]], interval: timedelta,
                 is_open: Callable[[time, str], bool], default_handle_s: Callable[[str], float]) -> DayForecast:
    """`history` holds each reference day's line-level cells; `is_open(t, dialect)` says whether
    the dialect's phone line is staffed at local time t on the target day; `default_handle_s`
    gives a business line's AHT before it has any history."""
    days = tuple(sorted(history))
    offered: dict[tuple[time, str, str], float] = {}
    totals: dict[Line, Counts] = {}
    for cells in history.values():
        for cell in cells:
            if cell.level != "line":
                continue
            key = (cell.start.time(), cell.dialect, cell.business)
            offered[key] = offered.get(key, 0.0) + cell.counts.offered
            line = (cell.dialect, cell.business)
            totals[line] = totals[line] + cell.counts if line in totals else cell.counts
    lines = []
    for (at, dialect, business), calls in sorted(offered.items()):
        if not days or not is_open(at, dialect):
            continue
        t = totals[(dialect, business)]
        handle = (t.talk_s + t.wrap_up_s) / t.handled if t.handled else default_handle_s(business)
        patience = t.wait_s / t.abandoned if t.abandoned and t.wait_s > 0 else None
        lines.append(LineForecast(at, dialect, business, calls / len(days), max(handle, 1.0), patience))
    return DayForecast(target, kind, days, interval, tuple(lines))
