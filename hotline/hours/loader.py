"""Reading config/hours.yaml and config/calendar/<year>.yaml into an HoursConfig (the I/O edge).

Both files go through the one strict configuration layer (ivr.menu.loader.parse_model):
bounded input, duplicate keys refused, unknown keys refused with a did-you-mean, and every
problem as `file:line: key.path: what. Fix: how`, all of a file's problems at once. So a
misspelt `working_day:` is an error, not an adjusted working day silently read as closed.
"""

from __future__ import annotations

import difflib
import zoneinfo
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, Field, field_validator

from hotline.hours.calendar import AdjustedWorkday, CalendarError, Holiday, HolidayCalendar, YearNotice
from hotline.hours.schedule import HoursConfig, LineHours, Period
from ivr.menu.issues import ConfigError, Issue
from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.loader import parse_model
from ivr.menu.models import Sourced, _Strict
from ivr.menu.positions import SourceMap



class HoursConfigError(ConfigError):
    """The hours file or a calendar file cannot be used; `issues` says where and why."""


class PeriodSpec(_Strict):
    open: time
    close: time

    @field_validator("open", "close", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 08:30 unquoted as 510
            raise ValueError("write the time quoted, e.g. \"08:30\"")
        return value


class LineSpec(_Strict):
    name: str = ""
    dialects: list[str] = Field(min_length=1)
    periods: list[PeriodSpec] = Field(min_length=1)


class HoursFileSpec(Sourced):
    timezone: str
    calendar_dir: str = "calendar"
    lines: dict[str, LineSpec] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, sorted(zoneinfo.available_timezones()), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else " (e.g. Asia/Shanghai)"
            raise ValueError(f"'{value}' is not a time zone{hint}") from None
        return value


class HolidaySpec(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    name: str
    name_zh: str = ""
    first: date = Field(alias="from")
    last: date = Field(alias="to")


class WorkdaySpec(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    day: date = Field(alias="date")
    for_holiday: str = Field(alias="for")


class RegionalHolidaySpec(HolidaySpec):
    region: str  # the province whose statute it is, e.g. guangxi


class CalendarFileSpec(Sourced):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    year: int
    demo: bool = False
    notice: str = Field("", alias="source")  # the notice the dates were taken from
    holidays: list[HolidaySpec] = Field(default_factory=list)
    working_days: list[WorkdaySpec] = Field(default_factory=list)
    regional_holidays: list[RegionalHolidaySpec] = Field(default_factory=list)


def _refuse(issues: list[Issue]) -> HoursConfigError:
    return HoursConfigError(issues)


def _checked(text: str, file: str, spec: type[Sourced], demo: str, limits: ReadLimits | None) -> tuple[Any, SourceMap]:
    try:
        model = parse_model(text, file, spec, demo, limits)
    except ConfigError as error:
        raise _refuse(error.issues) from None
    return model, model.source


def notice_from(spec: CalendarFileSpec, source: SourceMap) -> YearNotice:
    """A year's notice from its checked file; the calendar's own rules (a day in two holidays,
    a weekday listed as a working day) become issues on the entry's line."""
    issues = []
    for section, entries in (("holidays", spec.holidays), ("regional_holidays", spec.regional_holidays)):
        for index, holiday in enumerate(entries):
            for day in (holiday.first, holiday.last):
                if day.year != spec.year:
                    issues.append(source.issue("invalid-value", (section, index), f"{holiday.name}: {day} is not in {spec.year}",
                                               f"a calendar file holds one year: move the entry to calendar/{day.year}.yaml"))
    if issues:
        raise _refuse(issues)
    try:
        return YearNotice(
            spec.year,
            tuple(Holiday(h.name, h.first, h.last, h.name_zh) for h in spec.holidays),
            tuple(AdjustedWorkday(w.day, w.for_holiday) for w in spec.working_days),
            demo=spec.demo, source=spec.notice,
            regional=tuple(Holiday(f"{h.name} ({h.region})", h.first, h.last, h.name_zh) for h in spec.regional_holidays),
        )
    except CalendarError as error:
        raise _refuse([source.issue("invalid-value", _calendar_path(spec, str(error)), str(error),
                                    "follow the State Council's notice for the year")]) from None


def _calendar_path(spec: CalendarFileSpec, message: str) -> tuple[str | int, ...]:
    """The entry a calendar rule names (by its date or holiday name), for the line number."""
    for index, worked in enumerate(spec.working_days):
        if str(worked.day) in message:
            return ("working_days", index)
    for index, holiday in enumerate(spec.holidays):
        if holiday.name in message.split(":")[0] or f"and {holiday.name}" in message:
            return ("holidays", index)
    return ()


def parse_notice_text(text: str, file: str, limits: ReadLimits | None = None) -> YearNotice:
    spec, source = _checked(text, file, CalendarFileSpec, "config/calendar/2026.yaml", limits)
    return notice_from(spec, source)


def parse_notice(data: dict[str, Any], where: str) -> YearNotice:
    """From plain data (tests): the same checks as a file."""
    return parse_notice_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), where)


def load_calendar(directory: Path, limits: ReadLimits | None = None) -> HolidayCalendar:
    notices: dict[int, YearNotice] = {}
    issues: list[Issue] = []
    if not directory.is_dir():
        raise _refuse([Issue("missing-file", (), "the calendar directory does not exist",
                             "create it with one <year>.yaml per year, or fix calendar_dir in hours.yaml", str(directory))])
    for path in sorted(directory.glob("*.yaml")):
        if not (path.stem.isdigit() and len(path.stem) == 4):
            issues.append(Issue("bad-name", (), "a calendar file is named after its year, e.g. 2026.yaml",
                                "rename the file (it is not read otherwise)", str(path), 1))
            continue
        try:
            notice = parse_notice_text(read_config_text(path, limits), str(path), limits)
        except ConfigError as error:
            issues.extend(error.issues)
            continue
        if str(notice.year) != path.stem:
            issues.append(Issue("invalid-value", ("year",), f"the file says year {notice.year}", f"write year: {path.stem}, "
                                "or rename the file", str(path), 1))
            continue
        notices[notice.year] = notice
    if issues:
        raise _refuse(issues)
    return HolidayCalendar(notices)


def hours_from(spec: HoursFileSpec, calendar: HolidayCalendar, source: SourceMap) -> HoursConfig:
    lines, issues = {}, []
    served: dict[str, str] = {}
    for line_id, line in spec.lines.items():
        for index, dialect in enumerate(line.dialects):
            if dialect in served:
                issues.append(source.issue("duplicate-name", ("lines", line_id, "dialects", index),
                                           f"dialect '{dialect}' is already served by line '{served[dialect]}'",
                                           "list each dialect in one line only"))
            served.setdefault(dialect, line_id)
        try:
            periods = tuple(Period(p.open, p.close) for p in line.periods)
            lines[line_id] = LineHours(line_id, line.name or line_id, tuple(line.dialects), periods)
        except ValueError as error:
            issues.append(source.issue("invalid-value", ("lines", line_id, "periods"), str(error),
                                       "periods are open < close, in order, not overlapping (\"08:30\"-\"12:00\")"))
    if issues:
        raise _refuse(issues)
    return HoursConfig(zoneinfo.ZoneInfo(spec.timezone), lines, calendar)


def parse_hours(data: dict[str, Any], calendar: HolidayCalendar, where: str) -> HoursConfig:
    """From plain data (tests): the same checks as a file."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    spec, source = _checked(text, where, HoursFileSpec, "config/hours.yaml", None)
    return hours_from(spec, calendar, source)


def load_hours(path: Path, limits: ReadLimits | None = None) -> HoursConfig:
    """hours.yaml and its calendar directory; every problem of every file in one HoursConfigError."""
    path = Path(path)
    text = read_config_text_or_refuse(path, limits)
    spec, source = _checked(text, str(path), HoursFileSpec, "config/hours.yaml", limits)
    calendar = load_calendar(path.parent / spec.calendar_dir, limits)
    return hours_from(spec, calendar, source)


def read_config_text_or_refuse(path: Path, limits: ReadLimits | None) -> str:
    try:
        return read_config_text(path, limits)
    except ConfigError as error:
        raise _refuse(error.issues) from None
