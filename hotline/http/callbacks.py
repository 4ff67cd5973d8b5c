"""Callback tasks over HTTP: what the centre has promised to call back, and how it went.

    app.include_router(callbacks_router(store))

Numbers are masked: the callbacks are dialled by the service, so no reader needs them whole
(an agent calling back a message by hand reads the number from /messages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.http.auth import READ_ROLES, require_role
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from routing import mask_number

CALLBACK_ROLES = READ_ROLES


class CallbackOut(BaseModel):
    id: int
    caller: str  # masked
    dialect: str
    business: str
    reason: CallbackReason
    status: CallbackStatus
    due_at: datetime
    created_at: datetime
    queued_at: datetime | None
    attempts: int
    last_attempt_at: datetime | None
    outcome: str
    call_id: str
    message_id: int | None

    @classmethod
    def of(cls, t: CallbackTask) -> CallbackOut:
        return cls(id=t.id or 0, caller=mask_number(t.caller_number), dialect=t.dialect, business=t.business,
                   reason=t.reason, status=t.status, due_at=t.due_at, created_at=t.created_at, queued_at=t.queued_at,
                   attempts=t.attempts, last_attempt_at=t.last_attempt_at, outcome=t.outcome, call_id=t.call_id,
                   message_id=t.message_id)


def callbacks_router(store: RecordStore, *, access: Callable[..., Any] | None = None) -> APIRouter:
    access = access or require_role(*CALLBACK_ROLES)
    router = APIRouter(prefix="/callbacks", tags=["callbacks"])

    @router.get("", summary="Callback tasks, newest first", response_model=list[CallbackOut])
    async def list_callbacks(status: CallbackStatus | None = Query(None, description="only tasks in this state"),
                       limit: int = Query(100, ge=1, le=1000), _user: Any = Depends(access)) -> list[CallbackOut]:
        found = await store.call(lambda s: db.all_tasks(s, status, limit))
        return [CallbackOut.of(t) for t in found]

    return router
