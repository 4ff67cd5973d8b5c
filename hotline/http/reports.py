"""Reports over HTTP: the quarterly satisfaction report (ops role).

    app.include_router(reports_router(store, hours=lambda: hours_config))

Ops tokens only (ratings of named agents); `access` replaces the role check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.http.auth import require_role
from hotline.records.queries import load_satisfaction
from hotline.records.satisfaction import Quarter, report_json


def reports_router(store: RecordStore, hours: Callable[[], HoursConfig], *,
                   access: Callable[..., Any] | None = None) -> APIRouter:
    access = access or require_role("ops")
    router = APIRouter(prefix="/reports", tags=["reports"])

    @router.get("/satisfaction", summary="Satisfaction per agent, phone line and business line for a quarter",
                responses={422: {"description": "not a quarter like 2026Q4"}})
    async def get_satisfaction_report(quarter: str = Query(..., examples=["2026Q4"]),
                           _user: Any = Depends(access)) -> dict[str, object]:
        try:
            parsed = Quarter.parse(quarter)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        report = await asyncio.to_thread(load_satisfaction, store, hours(), parsed)
        return report_json(report)

    return router
