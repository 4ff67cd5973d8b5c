"""Today against the plan, per dialect, for the supervisors' chart (pure): per interval the
calls offered so far and their service level, the forecast calls and the agents the plan
requires, and how many agents who speak the dialect are logged in now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hotline.records.intervals import IntervalReport
from hotline.staffing.erlang import Target
from hotline.staffing.plan import StaffingPlan


@dataclass(frozen=True)
class TodayPoint:
    start: str  # HH:MM local
    offered: int | None  # None: the interval has not happened yet, or had no calls
    service_level: float | None
    forecast_calls: float | None
    required_agents: int | None


def today_series(day: date, dialect: str, report: IntervalReport, plan: StaffingPlan, target: Target,
                 logged_in: int) -> dict[str, object]:
    actual = {cell.start.strftime("%H:%M"): cell for cell in report.cells
              if cell.level == "dialect" and cell.dialect == dialect}
    planned = {need.interval.strftime("%H:%M"): need for need in plan.needs
               if need.dialect == dialect and need.business == "*"}
    points = []
    for start in sorted(actual.keys() | planned.keys()):
        cell, need = actual.get(start), planned.get(start)
        points.append(TodayPoint(start, cell.counts.offered if cell else None, cell.service_level if cell else None,
                                 need.calls if need else None, need.agents if need else None))
    return {
        "date": day.isoformat(), "dialect": dialect, "target": str(target), "target_level": target.level,
        "interval_minutes": int(report.interval.total_seconds() // 60), "logged_in": logged_in,
        "intervals": [{"start": p.start, "offered": p.offered,
                       "service_level": None if p.service_level is None else round(p.service_level, 4),
                       "forecast_calls": p.forecast_calls, "required_agents": p.required_agents} for p in points],
    }
