"""GET /staffing?date=: the day's staffing plan (any role: it names no caller, and agents only
by count).

    app.include_router(staffing_router(store, hours=..., staffing=..., roster=...))
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.http.auth import READ_ROLES, require_role
from hotline.staffing.config import StaffingConfig
from hotline.staffing.plan import plan_json
from hotline.staffing.service import load_plan
from routing.ladder import RouterConfig
from routing.model import Agent


def staffing_router(store: RecordStore, hours: Callable[[], HoursConfig], staffing: Callable[[], StaffingConfig],
                    router_config: RouterConfig, roster: Callable[[], Iterable[Agent]], *,
                    access: Callable[..., Any] | None = None) -> APIRouter:
    readers = access or require_role(*READ_ROLES)
    router = APIRouter(tags=["reports"])

    @router.get("/staffing", summary="Agents needed per interval and dialect line, against the roster, simulated",
                responses={422: {"description": "not a date"}})
    async def plan(day: str = Query(..., alias="date", examples=["2026-12-08"]),
                   line: list[str] = Query([], description="phone line, dialect or dialect/business; repeatable"),
                   _user: Any = Depends(readers)) -> dict[str, object]:
        try:
            target = date.fromisoformat(day)
        except ValueError:
            raise HTTPException(422, f"{day!r} is not a date like 2026-12-08") from None
        hours_now, config = hours(), staffing()
        result = await asyncio.to_thread(load_plan, store, hours_now, config, router_config, list(roster()), target,
                                         only=line)
        return plan_json(result, {name: str(config.target(name)) for name in [*hours_now.lines, "default"]})

    return router
