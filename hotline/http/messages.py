"""After-hours messages over HTTP: list, play, mark handled (ops and agent roles).

    app.include_router(messages_router(store, messages_dir))

Ops and agent tokens only (hotline.http.auth.require_role); whoever marks a message handled is
recorded by the token's name. `access` replaces the role check (tests, other set-ups).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel

from hotline.auth.tokens import Principal
from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.http.auth import require_role
from hotline.http.contract import RowId
from hotline.http.problems import problem, problem_responses
from hotline.records.messages import Message, safe_file_name

MESSAGE_ROLES = ("ops", "agent")


class MessageOut(BaseModel):
    id: int
    call_id: str
    caller_number: str
    dialect: str
    line: str
    business: str
    received_at: datetime
    duration_s: float
    handled: bool
    handled_at: datetime | None
    handled_by: str
    callback_task_id: int | None
    callback_due_at: datetime | None
    audio_url: str

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(id=m.id, call_id=m.call_id, caller_number=m.caller_number, dialect=m.dialect, line=m.line,
                   business=m.business, received_at=m.received_at, duration_s=m.duration_s, handled=m.handled,
                   handled_at=m.handled_at, handled_by=m.handled_by, callback_task_id=m.callback_task_id,
                   callback_due_at=m.callback_due_at, audio_url=f"/messages/{m.id}/audio")


class HandledIn(BaseModel):
    by: str = ""  # who called back, when the access dependency names nobody


def messages_router(store: RecordStore, messages_dir: Path, *,
                    access: Callable[..., Any] | None = None,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> APIRouter:
    access = access or require_role(*MESSAGE_ROLES)
    router = APIRouter(prefix="/messages", tags=["messages"])

    @router.get("", summary="Messages left after hours, oldest first", response_model=list[MessageOut])
    async def list_messages(handled: bool | None = Query(None, description="only handled (true) or open (false)"),
                       limit: int = Query(100, ge=1, le=1000), _user: Any = Depends(access)) -> list[MessageOut]:
        found = await store.call(lambda s: db.list_messages(s, handled=handled, limit=limit))
        return [MessageOut.of(m) for m in found]

    @router.get("/{message_id}", response_model=MessageOut, responses=problem_responses(404))
    async def get_message(message_id: RowId, _user: Any = Depends(access)) -> MessageOut:
        found = await store.call(lambda s: db.get_message(s, message_id))
        if found is None:
            raise problem(404, "not_found", f"no message {message_id}")
        return MessageOut.of(found)

    @router.get("/{message_id}/audio", summary="The recording (WAV)", response_class=FileResponse,
                responses={200: {"content": {"audio/wav": {}}}, **problem_responses(404)})
    async def get_message_audio(message_id: RowId, _user: Any = Depends(access)) -> FileResponse:
        found = await store.call(lambda s: db.get_message(s, message_id))
        name = safe_file_name(found.file_name) if found else None
        if name is None or not (messages_dir / name).is_file():
            raise problem(404, "not_found", f"no message {message_id}, or its recording is gone")
        return FileResponse(messages_dir / name, media_type="audio/wav", filename=name)

    @router.post("/{message_id}/handled", response_model=MessageOut, responses=problem_responses(404),
                 summary="Mark handled (the caller was called back); closes its callback task")
    async def mark_message_handled(message_id: RowId, body: HandledIn | None = None, user: Any = Depends(access)) -> MessageOut:
        by = user.name if isinstance(user, Principal) else (body.by if body else "")
        found = await store.call(lambda s: db.mark_handled(s, message_id, by, clock()))
        if found is None:
            raise problem(404, "not_found", f"no message {message_id}")
        return MessageOut.of(found)

    return router
