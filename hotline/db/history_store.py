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
from sqlalchemy.orm import Session, aliased

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


# "Waited at least N s" with fewer matches than this in the time range: the page is taken from
# all the matches, found through the wait index, not by walking the range in page order.
FEW_WAITS = 300


def _few_waited(session: Session, q: CallQuery, below: int) -> bool:
    """Did fewer than `below` calls in q's time range wait q.min_wait_s? (A bounded probe: the
    wait index answers it from its own entries.)

    Why: PostgreSQL misjudges how many calls waited long (the histogram's last bucket holds the
    whole tail: 10,599 estimated for 117 real "30 minutes since June" on 5 million records), so
    with a LIMIT it walks the start-time index in page order, through every call of the range
    (600 ms for that page). Asked for every match, with no LIMIT, it takes the wait index."""
    r = CallRecordRow
    conditions = [r.queue_wait_s >= q.min_wait_s]
    if q.since is not None:
        conditions.append(r.started_at >= q.since)
    if q.until is not None:
        conditions.append(r.started_at < q.until)
    probe = select(r.id).where(*conditions).limit(below).subquery()
    return int(session.scalar(select(func.count()).select_from(probe)) or 0) < below


def search_calls(session: Session, q: CallQuery, *, few_waits: int = FEW_WAITS) -> CallPage:
    r = CallRecordRow
    statement = _filtered(select(r), q)
    if q.after is not None:
        statement = statement.where(tuple_(r.started_at, r.id) < tuple_(*q.after))
    if q.min_wait_s is not None and _few_waited(session, q, few_waits):
        matching = statement.cte("matching")
        if session.get_bind().dialect.name == "postgresql":
            matching = matching.prefix_with("MATERIALIZED")  # planned alone, with no LIMIT to mislead it
        m = aliased(r, matching)
        ordered = select(m).order_by(m.started_at.desc(), m.id.desc())
    else:
        ordered = statement.order_by(r.started_at.desc(), r.id.desc())
    rows = list(session.scalars(ordered.limit(q.limit + 1)))
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
