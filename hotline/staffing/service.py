"""The staffing plan from the stored call records (the shell): read the reference days' interval
reports, forecast, plan, simulate. `ivrctl staffing plan` and GET /staffing call `load_plan`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.queries import load_intervals
from hotline.staffing.config import StaffingConfig
from hotline.staffing.forecast import forecast_day, reference_days
from hotline.staffing.plan import StaffingPlan, staffing_plan
from hotline.staffing.erlang import Target
from hotline.staffing.simulate import router_shortfall, simulate_day
from routing.ladder import RouterConfig
from routing.model import Agent


def phone_line_namer(hours: HoursConfig):  # type: ignore[no-untyped-def]
    def line_of(dialect: str) -> str:
        try:
            return hours.line_of(dialect).line
        except KeyError:
            return "default"
    return line_of


def line_filter(hours: HoursConfig, only: Sequence[str]):  # type: ignore[no-untyped-def]
    """`only` as in the interval report: phone lines, dialects or dialect/business lines."""
    if not only:
        return lambda dialect, business: True
    names = set(only)
    line_of = phone_line_namer(hours)
    return lambda dialect, business: bool({line_of(dialect), dialect, f"{dialect}/{business}"} & names)


def load_plan(store: RecordStore, hours: HoursConfig, staffing: StaffingConfig, router: RouterConfig,
              roster: Iterable[Agent], day: date, *, only: Sequence[str] = (), simulate: bool = True) -> StaffingPlan:
    zone = hours.timezone
    references = reference_days(day, hours.calendar, staffing.forecast_weeks)
    history = {}
    for ref in references:
        start = datetime.combine(ref, time(0), zone)
        report = load_intervals(store, hours, staffing, router, start, start + timedelta(days=1))
        history[ref] = [cell for cell in report.cells if cell.level == "line"]
    line_of = phone_line_namer(hours)

    def is_open(at: time, dialect: str) -> bool:
        try:
            return hours.status(datetime.combine(day, at, zone), dialect).open
        except KeyError:
            return False

    forecast = forecast_day(day, hours.calendar.day(day).kind, history, timedelta(minutes=staffing.interval_minutes),
                            is_open, lambda business: router.default_handle_seconds + router.wrap_up(business))
    agents = list(roster)
    simulation = None

    def within_s(dialect: str) -> float:
        return staffing.target(line_of(dialect)).within_s

    if simulate:
        simulation = simulate_day(forecast, agents, router, within_s=within_s,
                                  short_abandon_s=staffing.short_abandon_s, seed=day.toordinal())

    def shortfall(dialect: str, target: Target, erlang_missing: int) -> int | None:
        return router_shortfall(forecast, agents, router, dialect, level=target.level, within_s=within_s,
                                short_abandon_s=staffing.short_abandon_s, seed=day.toordinal(),
                                start_at=erlang_missing)

    return staffing_plan(forecast, agents, target_of=lambda d: staffing.target(line_of(d)),
                         shrinkage=staffing.shrinkage, speaks_level=router.scarce_min_level, simulation=simulation,
                         only=line_filter(hours, only), shortfall=shortfall if simulate else None)
