"""Reading call history back: filtered pages, counts, one call's timeline (the persistence shell).

    page = search_calls(session, CallQuery(dialect="zhuang", limit=50))
    page.calls, page.next_cursor
    events_of(session, call_id)          # the call's timeline, in order

Functions take an open Session, like records_store's. The page query is built so that each
filter walks one index in started_at order (see migration 0004 and bench/history.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from hotline.db.records import CallbackTaskRow, CallEventRow, CallRecordRow
from hotline.db.records_store import _to_record, _to_task
from hotline.records.callbacks import CallbackTask
from hotline.records.history import CallQuery, encode_cursor
from hotline.records.model import CallRecord


@dataclass(frozen=True)
class StoredCall:
    row_id: int
    record: CallRecord


@dataclass(frozen=True)
class CallPage:
    calls: list[StoredCall]
    next_cursor: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    data: dict[str, Any]


def _filtered(statement: Select[Any], q: CallQuery) -> Select[Any]:
    r = CallRecordRow
    conditions = []
    if q.since is not None:
        conditions.append(r.started_at >= q.since)
    if q.until is not None:
        conditions.append(r.started_at < q.until)
    if q.dialect:
        conditions.append(r.dialect == q.dialect)
    if q.business:
        conditions.append(r.business == q.business)
    if q.agent:
        conditions.append(r.agent == q.agent)
    if q.outcome is not None:
        conditions.append(r.outcome == q.outcome.stored.value)
    if q.min_wait_s is not None:
        conditions.append(r.queue_wait_s >= q.min_wait_s)
    if q.caller_digest is not None:
        conditions.append(r.caller_digest == q.caller_digest)
    return statement.where(*conditions) if conditions else statement


def search_calls(session: Session, q: CallQuery) -> CallPage:
    r = CallRecordRow
    statement = _filtered(select(r), q)
    if q.after is not None:
        statement = statement.where(tuple_(r.started_at, r.id) < tuple_(*q.after))
    rows = list(session.scalars(statement.order_by(r.started_at.desc(), r.id.desc()).limit(q.limit + 1)))
    more = len(rows) > q.limit
    rows = rows[:q.limit]
    cursor = encode_cursor(rows[-1].started_at, rows[-1].id) if more else None
    return CallPage([StoredCall(row.id, _to_record(row)) for row in rows], cursor)


def count_calls(session: Session, q: CallQuery) -> int:
    return int(session.scalar(_filtered(select(func.count()).select_from(CallRecordRow), q)) or 0)


def find_call(session: Session, call_id: str) -> StoredCall | None:
    row = session.scalar(select(CallRecordRow).where(CallRecordRow.call_id == call_id))
    return StoredCall(row.id, _to_record(row)) if row else None


def callback_task(session: Session, task_id: int | None) -> CallbackTask | None:
    row = session.get(CallbackTaskRow, task_id) if task_id is not None else None
    return _to_task(row) if row is not None else None


def events_of(session: Session, call_id: str) -> list[TimelineEntry]:
    rows = session.scalars(select(CallEventRow).where(CallEventRow.call_id == call_id).order_by(CallEventRow.id))
    return [TimelineEntry(row.at, row.kind, dict(row.data)) for row in rows]


def add_events(session: Session, events: Iterable[tuple[str, TimelineEntry]]) -> None:
    session.add_all([CallEventRow(call_id=call_id, at=e.at, kind=e.kind, data=e.data) for call_id, e in events])
