"""Manual-service hours and the holiday calendar (调休) of the 12333 hotline.

- `load_hours(path)` -> `HoursConfig`; `.status(now, dialect)` says open or closed and why,
  `.next_open(now, dialect)` when a callback falls due. Pure once loaded; the clock is injected.
- `hotline.hours.agi.hours_handler(...)`: the FastAGI script `hours` the hotline-hours
  dialplan context calls before every agent route.
- `hotline.hours.cli.calendar`: the `ivrctl calendar` click group.
"""

from hotline.hours.calendar import Day, DayKind, HolidayCalendar, YearNotice
from hotline.hours.loader import load_hours
from hotline.hours.schedule import HoursConfig, LineHours, LineStatus, Period, Reason

__all__ = ["Day", "DayKind", "HolidayCalendar", "HoursConfig", "LineHours", "LineStatus",
           "Period", "Reason", "YearNotice", "load_hours"]
