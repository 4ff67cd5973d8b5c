"""Reports over HTTP: the quarterly satisfaction report (ops role: it rates named agents) and
the interval report (any role: it names no one).

    app.include_router(reports_router(store, hours=lambda: hours_config, staffing=lambda: staffing,
                                      router_config=lambda: adapter.router.config))

`router_config`: the routing policy in force (wrap-up times and who could take a line);
without it Guangxi's shipped default.

`access` replaces the role check (both reports).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse, Response

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.http.auth import READ_ROLES, require_role
from hotline.http.problems import problem, problem_responses
from hotline.records.intervals import MAX_SPAN, parse_span, report_csv
from hotline.records.intervals import report_json as intervals_json
from hotline.records.queries import load_intervals, load_satisfaction
from hotline.records.satisfaction import Quarter, report_json
from hotline.staffing.config import StaffingConfig, load_staffing
from routing.guangxi import default_config
from routing.ladder import RouterConfig
from routing.model import Agent

QUARTER = r"^(19|20)\d{2}Q[1-4]$"  # the quarters a report can cover (Quarter.parse is laxer, for the CLI)
# `from` and `to` of an interval report: a date, a time with an offset (RFC 3339), or a centre-local time
# (its pattern keeps to days every month has, so each string it allows is a real time)
LOCAL_TIME = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
MOMENT_SCHEMA = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"},
                           {"type": "string", "pattern": LOCAL_TIME}]}
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?|"
                     r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
SPAN_RULE = f"to after from, at most {MAX_SPAN.days} days after it"


def reports_router(store: RecordStore, hours: Callable[[], HoursConfig], *,
                   staffing: Callable[[], StaffingConfig] = load_staffing,
                   router_config: Callable[[], RouterConfig] = default_config,
                   roster: Callable[[], Iterable[Agent]] | None = None,
                   access: Callable[..., Any] | None = None) -> APIRouter:
    readers = access or require_role(*READ_ROLES)
    access = access or require_role("ops")
    router = APIRouter(prefix="/reports", tags=["reports"])

    @router.get("/satisfaction", summary="Satisfaction per agent, phone line and business line for a quarter",
                responses=problem_responses(422, s422="not a quarter like 2026Q4"))
    async def get_satisfaction_report(quarter: str = Query(..., examples=["2026Q4"], pattern=QUARTER),
                           _user: Any = Depends(access)) -> dict[str, object]:
        try:
            parsed = Quarter.parse(quarter)
        except ValueError as exc:
            raise problem(422, "invalid_request", str(exc)) from None
        report = await asyncio.to_thread(load_satisfaction, store, hours(), parsed)
        return report_json(report)

    @router.get("/intervals", summary="Offered, answered, abandoned, service level, waits and AHT per interval and line",
                responses={200: {"content": {"text/csv": {}}}, **problem_responses(422, s422="a bad span or format")})
    async def intervals(start: str = Query(..., alias="from", examples=["2026-12-01"], json_schema_extra=MOMENT_SCHEMA,
                                           description="a date, or a time (centre local time without an offset)"),
                        end: str = Query(..., alias="to", examples=["2026-12-02"], json_schema_extra=MOMENT_SCHEMA,
                                         description=f"exclusive; {SPAN_RULE} (a 422 otherwise)"),
                        line: list[str] = Query([], description="phone line, dialect or dialect/business; repeatable"),
                        format: str = Query("json", pattern="^(json|csv)$"),
                        _user: Any = Depends(readers)) -> Any:
        hours_now = hours()
        try:
            for name, text in (("from", start), ("to", end)):
                if not MOMENT.fullmatch(text):  # its schema, not all that fromisoformat reads
                    raise ValueError(f"{name} {text!r} is not a date or time like 2026-12-01 or 2026-12-01T09:00")
            first, last = parse_span(start, end, hours_now.timezone)
        except ValueError as exc:
            raise problem(422, "invalid_request", str(exc)) from None
        agents = {a.id: a.proficiencies for a in roster()} if roster is not None else None
        staffing_now, policy = staffing(), router_config()  # the config in force as the request came

        def render() -> Response:  # read and rendered off the event loop: a month is 69,120 cells
            report = load_intervals(store, hours_now, staffing_now, policy, first, last, only=line, agents=agents)
            if format == "csv":
                # where the figures come from, as the JSON's "source" says it (a CSV has no room for it)
                return PlainTextResponse(report_csv(report), media_type="text/csv; charset=utf-8",
                                         headers={"X-Report-Source": report.source})
            return Response(json.dumps(intervals_json(report), ensure_ascii=False, allow_nan=False),
                            media_type="application/json")

        return await asyncio.to_thread(render)

    return router
