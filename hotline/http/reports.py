"""Reports over HTTP: the quarterly satisfaction report (ops role: it rates named agents) and
the interval report (any role: it names no one).

    app.include_router(reports_router(store, hours=lambda: hours_config, staffing=lambda: staffing))

`access` replaces the role check (both reports).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.http.auth import READ_ROLES, require_role
from hotline.http.problems import problem, problem_responses
from hotline.records.intervals import parse_span, report_csv
from hotline.records.intervals import report_json as intervals_json
from hotline.records.queries import load_intervals, load_satisfaction
from hotline.records.satisfaction import Quarter, report_json
from hotline.staffing.config import StaffingConfig, load_staffing
from routing.guangxi import default_config
from routing.ladder import RouterConfig


def reports_router(store: RecordStore, hours: Callable[[], HoursConfig], *,
                   staffing: Callable[[], StaffingConfig] = load_staffing, router_config: RouterConfig | None = None,
                   access: Callable[..., Any] | None = None) -> APIRouter:
    readers = access or require_role(*READ_ROLES)
    access = access or require_role("ops")
    ladders = router_config or default_config()
    router = APIRouter(prefix="/reports", tags=["reports"])

    @router.get("/satisfaction", summary="Satisfaction per agent, phone line and business line for a quarter",
                responses=problem_responses(422, s422="not a quarter like 2026Q4"))
    async def get_satisfaction_report(quarter: str = Query(..., examples=["2026Q4"]),
                           _user: Any = Depends(access)) -> dict[str, object]:
        try:
            parsed = Quarter.parse(quarter)
        except ValueError as exc:
            raise problem(422, "invalid_request", str(exc)) from None
        report = await asyncio.to_thread(load_satisfaction, store, hours(), parsed)
        return report_json(report)

    @router.get("/intervals", summary="Offered, answered, abandoned, service level, waits and AHT per interval and line",
                responses={200: {"content": {"text/csv": {}}}, **problem_responses(422, s422="a bad span or format")})
    async def intervals(start: str = Query(..., alias="from", examples=["2026-12-01"],
                                           description="ISO date or time; centre local time without an offset"),
                        end: str = Query(..., alias="to", examples=["2026-12-02"], description="exclusive"),
                        line: list[str] = Query([], description="phone line, dialect or dialect/business; repeatable"),
                        format: str = Query("json", pattern="^(json|csv)$"),
                        _user: Any = Depends(readers)) -> Any:
        hours_now = hours()
        try:
            first, last = parse_span(start, end, hours_now.timezone)
        except ValueError as exc:
            raise problem(422, "invalid_request", str(exc)) from None
        report = await asyncio.to_thread(load_intervals, store, hours_now, staffing(), ladders, first, last, only=line)
        if format == "csv":
            return PlainTextResponse(report_csv(report), media_type="text/csv; charset=utf-8")
        return intervals_json(report)

    return router
