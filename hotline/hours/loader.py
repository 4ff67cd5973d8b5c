"""Reading config/hours.yaml and config/calendar/<year>.yaml into an HoursConfig (the I/O edge).

Errors name the file and the entry, so a wrong date in next year's notice is found at load
time, not when a caller is told the line is closed on a working day.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from hotline.hours.calendar import AdjustedWorkday, CalendarError, Holiday, HolidayCalendar, YearNotice
from hotline.hours.schedule import HoursConfig, LineHours, Period



class HoursConfigError(ValueError):
    pass


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise HoursConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise HoursConfigError(f"{where}: {value!r} is not a time (HH:MM)") from None


def parse_notice(data: dict[str, Any], where: str) -> YearNotice:
    try:
        year = int(data["year"])
        holidays = tuple(
            Holiday(str(h["name"]), _date(h["from"], f"{where}: {h['name']}"),
                    _date(h["to"], f"{where}: {h['name']}"), str(h.get("name_zh", "")))
            for h in data.get("holidays") or []
        )
        worked = tuple(
            AdjustedWorkday(_date(w["date"], f"{where}: working_days"), str(w["for"]))
            for w in data.get("working_days") or []
        )
        return YearNotice(year, holidays, worked, demo=bool(data.get("demo", False)),
                          source=str(data.get("source", "")))
    except KeyError as exc:
        raise HoursConfigError(f"{where}: missing field {exc}") from None
    except CalendarError as exc:
        raise HoursConfigError(f"{where}: {exc}") from None


def load_calendar(directory: Path) -> HolidayCalendar:
    notices: dict[int, YearNotice] = {}
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9].yaml")):
        notice = parse_notice(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, str(path))
        if str(notice.year) != path.stem:
            raise HoursConfigError(f"{path}: says year {notice.year}")
        notices[notice.year] = notice
    return HolidayCalendar(notices)


def parse_hours(data: dict[str, Any], calendar: HolidayCalendar, where: str) -> HoursConfig:
    try:
        lines = {}
        for line_id, spec in (data.get("lines") or {}).items():
            periods = tuple(
                Period(_time(p["open"], f"{where}: {line_id}"), _time(p["close"], f"{where}: {line_id}"))
                for p in spec["periods"]
            )
            lines[line_id] = LineHours(line_id, str(spec.get("name", line_id)),
                                       tuple(spec.get("dialects") or ()), periods)
        return HoursConfig(ZoneInfo(data["timezone"]), lines, calendar)
    except KeyError as exc:
        raise HoursConfigError(f"{where}: missing field {exc}") from None
    except ValueError as exc:
        raise HoursConfigError(f"{where}: {exc}") from None


def load_hours(path: Path) -> HoursConfig:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    calendar = load_calendar(path.parent / str(data.get("calendar_dir", "calendar")))
    return parse_hours(data, calendar, str(path))
