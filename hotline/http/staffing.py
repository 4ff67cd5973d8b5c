"""GET /staffing?date=: the day's staffing plan; GET /staffing/today?dialect=: today so far
against the plan, for the wallboard's chart. Any role: they name no caller, and agents only by
count.

    app.include_router(staffing_router(store, hours, staffing, router_config, roster, logged_in=...))
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.http.auth import READ_ROLES, require_role
from hotline.http.problems import problem, problem_responses
from hotline.staffing.config import StaffingConfig
from hotline.staffing.plan import plan_json
from hotline.records.queries import load_intervals
from hotline.staffing.service import load_plan, phone_line_namer
from hotline.staffing.today import today_series
from routing.ladder import RouterConfig
from routing.queries import RouterQueries
from routing.model import Agent

FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PLANNED_YEARS = (1900, 2099)


def speakers_logged_in(router: RouterQueries) -> Callable[[str], int]:
    """Agents logged in now (any state) who speak the dialect at the level the router counts."""
    def count(dialect: str) -> int:
        level = router.config.scarce_min_level
        return sum(view.proficiencies.get(dialect, 0) >= level for view in router.agent_views())
    return count


def staffing_router(store: RecordStore, hours: Callable[[], HoursConfig], staffing: Callable[[], StaffingConfig],
                    router_config: RouterConfig, roster: Callable[[], Iterable[Agent]], *,
                    logged_in: Callable[[str], int] = lambda dialect: 0,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                    access: Callable[..., Any] | None = None) -> APIRouter:
    """`logged_in(dialect)`: agents logged in now who speak the dialect."""
    readers = access or require_role(*READ_ROLES)
    router = APIRouter(tags=["reports"])

    @router.get("/staffing", summary="Agents needed per interval and dialect line, against the roster, simulated",
                responses=problem_responses(404, 422, s404="a day outside the years 1900-2099 (no plan for it)",
                                            s422="not a date"))
    async def plan(day: str = Query(..., alias="date", examples=["2026-12-08"], json_schema_extra={"format": "date"}),
                   line: list[str] = Query([], description="phone line, dialect or dialect/business; repeatable"),
                   _user: Any = Depends(readers)) -> dict[str, object]:
        try:
            if not FULL_DATE.fullmatch(day):  # its schema's format (RFC 3339 full-date), not all fromisoformat reads
                raise ValueError(day)
            target = date.fromisoformat(day)
        except ValueError:
            raise problem(422, "invalid_request", f"{day!r} is not a date like 2026-12-08") from None
        if not PLANNED_YEARS[0] <= target.year <= PLANNED_YEARS[1]:  # a real date, but no records or calendar near it
            raise problem(404, "not_found", f"no plan for {day}: plans cover the years {PLANNED_YEARS[0]}-{PLANNED_YEARS[1]}")
        hours_now, config = hours(), staffing()
        result = await asyncio.to_thread(load_plan, store, hours_now, config, router_config, list(roster()), target,
                                         only=line)
        return plan_json(result, {name: str(config.target(name)) for name in [*hours_now.lines, "default"]})

    @router.get("/staffing/today", summary="Today per interval: offered, service level, forecast and required agents",
                responses=problem_responses(422, s422="not a dialect"))
    async def today(dialect: str = Query(..., examples=["zhuang"], json_schema_extra={"enum": list(router_config.dialects)}),
                    _user: Any = Depends(readers)) -> dict[str, object]:
        if dialect not in router_config.dialects:
            raise problem(422, "invalid_request", f"{dialect!r} is not a dialect ({', '.join(router_config.dialects)})")
        hours_now, config = hours(), staffing()
        day = clock().astimezone(hours_now.timezone).date()
        start = datetime.combine(day, time(0), hours_now.timezone)

        def read() -> dict[str, object]:
            report = load_intervals(store, hours_now, config, router_config, start, start + timedelta(days=1),
                                    only=[dialect])
            plan = load_plan(store, hours_now, config, router_config, list(roster()), day, only=[dialect],
                             simulate=False)
            target = config.target(phone_line_namer(hours_now)(dialect))
            return today_series(day, dialect, report, plan, target, logged_in(dialect))

        return await asyncio.to_thread(read)

    return router
