"""Call history over HTTP, from the database (supervisor and ops tokens).

    GET /calls            filtered page, newest first, with a cursor for the next (and a total on request)
    GET /calls.csv        the same filters, every matching call as CSV (up to MAX_EXPORT rows)
    GET /calls/{call_id}  one call whole: IVR path, self-service, queue wait, rings, agent, talk,
                          callback attempts, rating, its timeline, and the router's view while live

    app.include_router(history_router(store, timeline, adapter))

Callers are masked (last four digits); a search by number compares keyed hashes (hotline.records.history).
Times are ISO 8601 with an offset; durations are seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from hotline.db import history_store as history
from hotline.db import recordings_store as recordings
from hotline.db.records_store import RecordStore
from hotline.auth.tokens import Principal
from hotline.http.auth import require_role
from hotline.http.problems import problem, problem_responses
from hotline.http.queues import waiting_call
from hotline.records.callbacks import CallbackTask
from hotline.records.history import (CURSOR_PATTERN, MAX_PAGE, CallQuery, OutcomeFilter, caller_digest, clamp,
                                     decode_cursor)
from hotline.records.model import CallRecord, Outcome
from hotline.records.timeline import TimelineWriter
from hotline.recordings.policy import safe_file_name
from routing import mask_number
from routing.asterisk import RouterAdapter

HISTORY_ROLES = ("supervisor", "ops")
LISTEN_ROLES = ("supervisor", "ops")  # the only roles that may hear a call
MOVED = "the live list of waiting callers that was GET /calls is GET /queues/calls (any role)"
MAX_EXPORT = 100_000  # rows in one CSV; narrow the filters for more
EXPORT_PAGE = MAX_PAGE
CSV_COLUMNS = ("call_id", "started_at", "ended_at", "dialect", "business", "caller", "outcome",
               "queue_wait_s", "agent", "talk_s", "rating", "hangup_cause")


def outcome_of(record: CallRecord) -> OutcomeFilter:
    outcome = record.outcome
    return OutcomeFilter.AFTER_HOURS if outcome is Outcome.CLOSED else OutcomeFilter(outcome.value)


class CallSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "call_id": "1733212800.42", "started_at": "2026-12-03T07:00:00Z", "ended_at": "2026-12-03T07:21:40Z",
        "dialect": "zhuang", "business": "wages", "caller": "*******5678", "outcome": "answered",
        "queue_wait_s": 1200.5, "agent": "1003", "talk_s": 95.2, "rating": 2}]})

    call_id: str
    started_at: datetime
    ended_at: datetime | None = Field(description="null: still going, or its hang-up was never seen")
    dialect: str
    business: str
    caller: str = Field(description="masked: last four digits only")
    outcome: OutcomeFilter
    queue_wait_s: float | None
    agent: str | None
    talk_s: float | None
    rating: int | None = Field(description="1-5, 5 = very satisfied")

    @classmethod
    def of(cls, r: CallRecord) -> CallSummary:
        return cls(call_id=r.call_id, started_at=r.started_at, ended_at=r.ended_at, dialect=r.dialect,
                   business=r.business, caller=mask_number(r.caller_number), outcome=outcome_of(r),
                   queue_wait_s=r.queue_wait_s, agent=r.agent or None, talk_s=r.talk_s, rating=r.rating)


class CallPage(BaseModel):
    items: list[CallSummary]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")
    total: int | None = Field(description="calls matching the filters, when asked for with ?total=true")


class SelfServiceStep(BaseModel):
    flow: str
    result: str


class CallbackSummary(BaseModel):
    id: int
    status: str
    attempts: int
    last_attempt_at: datetime | None
    outcome: str


class RecordingInfo(BaseModel):
    status: str = Field(description="recording | complete | missing (Asterisk could not write it) | purged")
    agent: str
    started_at: datetime
    duration_s: float | None
    size_bytes: int | None
    sha256: str | None
    purged_at: datetime | None
    url: str | None = Field(description="GET it to listen (supervisor and ops; every listen is audited)")


class TimelineItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(description="HotlineMenu, HotlineKey, QueueCallerJoin, AgentCalled, AgentRingNoAnswer, "
                                  "AgentConnect, AgentComplete, CallEnded, ...")
    time: datetime


class CallDetail(CallSummary):
    menus: list[str] = Field(description="the IVR path: menus visited, in order")
    keys: str = Field(description="menu keys pressed, in order (never an ID number or PIN: those go to FastAGI)")
    self_service: list[SelfServiceStep]
    to_agent: bool = Field(description="the caller asked for (or was sent to) a person")
    agent_reason: str
    line_open: bool | None
    message_left: bool
    callback: CallbackSummary | None
    survey_offered: bool
    ended_in: str = Field(description="the menu the caller was in when the call ended")
    hangup_cause: str
    config_version: str
    recording: RecordingInfo | None
    live: dict[str, Any] | None = Field(description="the router's view while the call is in its books")
    timeline: list[TimelineItem]


def _detail(r: CallRecord, task: CallbackTask | None, live: dict[str, Any] | None,
            timeline: list[history.TimelineEntry], kept: recordings.Recording | None) -> CallDetail:
    steps = [SelfServiceStep(flow=s.partition(":")[0], result=s.partition(":")[2]) for s in r.self_service]
    callback = None if task is None else CallbackSummary(
        id=task.id or 0, status=task.status.value, attempts=task.attempts, last_attempt_at=task.last_attempt_at,
        outcome=task.outcome)
    return CallDetail(**CallSummary.of(r).model_dump(), menus=list(r.menus), keys=r.keys, self_service=steps,
                      to_agent=r.to_agent, agent_reason=r.agent_reason, line_open=r.line_open,
                      message_left=bool(r.message_file), callback=callback, survey_offered=r.survey_offered,
                      ended_in=r.ended_in, hangup_cause=r.hangup_cause, config_version=r.config_version,
                      recording=None if kept is None else RecordingInfo(
                          status=kept.status, agent=kept.agent, started_at=kept.started_at, duration_s=kept.duration_s,
                          size_bytes=kept.size_bytes, sha256=kept.sha256, purged_at=kept.purged_at,
                          url=f"/calls/{r.call_id}/recording" if kept.status == recordings.COMPLETE else None),
                      live=live, timeline=[TimelineItem(type=e.kind, time=e.at, **e.data) for e in timeline])


def history_router(store: RecordStore, timeline: TimelineWriter | None = None, adapter: RouterAdapter | None = None,
                   *, recordings_dir: Path | None = None, access: Callable[..., Any] | None = None,
                   listen_access: Callable[..., Any] | None = None,
                   clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> APIRouter:
    # GET /calls was the live waiting list before call history took the path (API 1.x): the
    # wallboard's viewer token asking it the old way is told where the list went
    list_access = access or require_role(*HISTORY_ROLES, hint=f"; {MOVED}")
    access = access or require_role(*HISTORY_ROLES)
    listen_access = listen_access or require_role(*LISTEN_ROLES)
    router = APIRouter(tags=["call history"], responses=problem_responses(401, 403))

    def call_query(
        since: datetime | None = Query(None, alias="from", description="started at or after (ISO 8601 with offset)"),
        until: datetime | None = Query(None, alias="to", description="started before (ISO 8601 with offset)"),
        dialect: str | None = Query(None, max_length=32, examples=["zhuang"]),
        business: str | None = Query(None, max_length=32, examples=["wages"]),
        agent: str | None = Query(None, max_length=64, examples=["1003"]),
        outcome: OutcomeFilter | None = Query(None),
        min_wait: float | None = Query(None, ge=0, le=86_400, description="queue wait at least this many seconds"),
        caller: str | None = Query(None, max_length=32, description="the caller's number, matched exactly"),
        cursor: str | None = Query(None, pattern=CURSOR_PATTERN, description="next_cursor of the previous page"),
        limit: int = Query(50, ge=1, le=MAX_PAGE),
    ) -> CallQuery:
        digest = None
        if caller is not None:
            if store.caller_key is None:
                raise problem(503, "unavailable", "search by number needs the ID-number key (HOTLINE_ID_HASH_KEY)")
            digest = caller_digest(store.caller_key, caller) or "-"  # no digits: matches nothing
        try:
            after = decode_cursor(cursor) if cursor else None
            return CallQuery(since=since and clamp(since), until=until and clamp(until), dialect=dialect, business=business, agent=agent,
                             outcome=outcome, min_wait_s=min_wait, caller_digest=digest, after=after, limit=limit)
        except ValueError as exc:
            raise problem(422, "invalid_request", str(exc)) from None

    @router.get("/calls", response_model=CallPage, summary="Past and current calls, filtered, newest first",
                description=f"Call history (supervisor and ops). Before it, {MOVED}: a viewer or agent token "
                            "asking here is told so in the 403.",
                responses=problem_responses(422, 503))
    async def list_calls(query: CallQuery = Depends(call_query),
                         total: bool = Query(False, description="also count every matching call (costs a scan)"),
                         _: Any = Depends(list_access)) -> CallPage:
        def read(session: Any) -> tuple[history.CallPage, int | None]:
            page = history.search_calls(session, query)
            return page, history.count_calls(session, query) if total else None

        page, count = await store.call(read)
        return CallPage(items=[CallSummary.of(c.record) for c in page.calls], next_cursor=page.next_cursor,
                        total=count)

    @router.get("/calls.csv", response_class=StreamingResponse, responses={
        200: {"content": {"text/csv": {}}, "description": "one line per call, the columns of CallSummary"},
        **problem_responses(422, 503)}, summary="The filtered calls as CSV (every page, up to 100,000 rows)")
    async def export_calls_csv(query: CallQuery = Depends(call_query), _: Any = Depends(access)) -> StreamingResponse:
        async def lines() -> AsyncIterator[str]:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            q, sent = replace(query, limit=EXPORT_PAGE), 0
            while sent < MAX_EXPORT:
                page = await store.call(lambda session, q=q: history.search_calls(session, q))
                for call in page.calls:
                    s = CallSummary.of(call.record)
                    writer.writerow([s.call_id, s.started_at.isoformat(), s.ended_at.isoformat() if s.ended_at else "",
                                     s.dialect, s.business, s.caller, s.outcome.value, _num(s.queue_wait_s),
                                     s.agent or "", _num(s.talk_s), "" if s.rating is None else s.rating,
                                     call.record.hangup_cause])
                sent += len(page.calls)
                yield out.getvalue()
                out.seek(0)
                out.truncate()
                if page.next_cursor is None:
                    return
                q = replace(q, after=decode_cursor(page.next_cursor))

        return StreamingResponse(lines(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="calls.csv"'})

    @router.get("/calls/{call_id}", response_model=CallDetail, responses=problem_responses(404, s404="no such call"),
                summary="One call whole, from the database (and the router's view while it is live)")
    async def get_call(call_id: str, _: Any = Depends(access)) -> CallDetail:
        if timeline is not None:
            await timeline.flush()  # what happened a moment ago is in the database too

        live = _live_view(adapter, call_id)
        detail = await store.call(lambda session: build_detail(session, call_id, live))
        if detail is None:
            raise problem(404, "not_found", f"no call {call_id!r}")
        return detail

    @router.get("/calls/{call_id}/recording", response_class=FileResponse, summary="Listen to a call's recording "
                "(WAV; HTTP Range for seeking); every request is in the audit trail", responses={
                    200: {"content": {"audio/wav": {}}, "description": "the whole file"},
                    206: {"content": {"audio/wav": {}}, "description": "the byte range asked for"},
                    **problem_responses(404, 416, s404="no such call, or it has no recording (any more)")})
    async def get_call_recording(call_id: str, request: Request,
                                 principal: Principal = Depends(listen_access)) -> FileResponse:
        kept = await store.call(lambda session: recordings.get(session, call_id))
        name = safe_file_name(call_id)
        path = recordings_dir / name if recordings_dir is not None and name else None
        if kept is None or kept.status != recordings.COMPLETE or path is None or not path.is_file():
            raise problem(404, "not_found", f"call {call_id!r} has no recording to play"
                          + (f" ({kept.status})" if kept else ""))
        asked = request.headers.get("range", "")[:60]
        detail = f"call {call_id} by {principal.name} ({principal.role}), bytes {asked or 'all'}"
        await store.call(lambda session: recordings.audit(session, clock(), "recording_listen", "streamed", detail))
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    return router


def build_detail(session: Any, call_id: str, live: dict[str, Any] | None) -> CallDetail | None:
    """One call whole from the database (None if it left no trace), `live` being the router's view."""
    found = history.find_call(session, call_id)
    task = history.callback_task(session, found.record.callback_task_id) if found else None
    events = history.events_of(session, call_id)
    if found is None and not events and live is None:
        return None
    kept = recordings.get(session, call_id)
    return _detail(found.record if found else _bare_record(call_id, events), task, live, events, kept)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _live_view(adapter: RouterAdapter | None, call_id: str) -> dict[str, Any] | None:
    if adapter is None:
        return None
    view = adapter.router.call_view(call_id, adapter.clock())
    return None if view is None else waiting_call(view).model_dump()


def _bare_record(call_id: str, events: list[history.TimelineEntry]) -> CallRecord:
    """A call the router saw but the menus never started (no record): its timeline alone."""
    start = events[0].at if events else datetime.now().astimezone()
    return CallRecord(call_id=call_id, started_at=start)
