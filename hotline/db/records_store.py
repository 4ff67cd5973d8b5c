"""Reading and writing call records, messages and callback tasks (the persistence shell).

Functions take an open Session (one transaction per caller). `RecordStore` owns an engine and
runs work in a small thread pool of its own, so the AMI event loop never waits on the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, fields
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from hotline.db import interval_summary
from hotline.db.engine import make_engine, session_factory
from hotline.db.records import CallbackTaskRow, CallRecordRow, MessageRow
from hotline.db.timings import DbTimings, Stopwatch
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from hotline.records.history import caller_digest
from hotline.records.intervals import Thresholds
from hotline.records.messages import Message
from hotline.records.model import FAILED_OUTCOMES, CallRecord
from hotline.records.satisfaction import Rating

T = TypeVar("T")
CALLER_KEY = "caller_key"  # Session.info: the key caller numbers are hashed under (RecordStore sets it)
_RECORD_FIELDS = [f.name for f in fields(CallRecord)]


def _to_record(row: CallRecordRow) -> CallRecord:
    values = {name: getattr(row, name) for name in _RECORD_FIELDS}
    values["menus"], values["self_service"] = tuple(row.menus), tuple(row.self_service)
    return CallRecord(**values)


def load_record(session: Session, call_id: str) -> CallRecord | None:
    row = session.scalar(select(CallRecordRow).where(CallRecordRow.call_id == call_id))
    return _to_record(row) if row else None


def save_record(session: Session, record: CallRecord) -> None:
    """Insert or update by call_id (events replayed after a restart update the same row)."""
    row = session.scalar(select(CallRecordRow).where(CallRecordRow.call_id == record.call_id))
    before = None
    if row is None:
        row = CallRecordRow(call_id=record.call_id)
        session.add(row)
    else:
        before = _to_record(row)
    values = asdict(record)
    for name in _RECORD_FIELDS:
        value = values[name]
        setattr(row, name, list(value) if isinstance(value, tuple) else value)
    row.outcome = record.outcome.value
    key = session.info.get(CALLER_KEY)
    if key is not None and not row.caller_digest:
        row.caller_digest = caller_digest(key, record.caller_number)
    interval_summary.count_saved(session, row, before, record)  # the interval report's sums, same transaction
    session.flush()


def ended_calls_between(session: Session, caller_number: str, start: datetime, end: datetime) -> list[CallRecord]:
    rows = session.scalars(select(CallRecordRow).where(
        CallRecordRow.caller_number == caller_number, CallRecordRow.started_at >= start,
        CallRecordRow.started_at < end, CallRecordRow.ended_at.is_not(None)).order_by(CallRecordRow.id))
    return [_to_record(row) for row in rows]


# The two questions a call asks of the number's history, each answered from an index in
# time that does not grow with the day's calls (one shared number can make thousands).
_FAILED = [outcome.value for outcome in FAILED_OUTCOMES]


def failures_between(session: Session, caller_number: str, start: datetime, end: datetime, *,
                     at_most: int) -> int:
    """How many of the number's ended calls in [start, end) failed to reach an agent, counted
    up to `at_most` (index ix_call_records_caller_outcome_started)."""
    failed = (select(CallRecordRow.id)
              .where(CallRecordRow.caller_number == caller_number, CallRecordRow.outcome.in_(_FAILED),
                     CallRecordRow.started_at >= start, CallRecordRow.started_at < end,
                     CallRecordRow.ended_at.is_not(None))
              .limit(at_most).subquery())
    return session.scalar(select(func.count()).select_from(failed)) or 0


def called_about_between(session: Session, caller_number: str, business: str, start: datetime,
                         end: datetime) -> bool:
    """Whether the number ended a call about `business` in [start, end)
    (index ix_call_records_caller_business_started)."""
    return session.scalar(select(CallRecordRow.id).where(
        CallRecordRow.caller_number == caller_number, CallRecordRow.business == business,
        CallRecordRow.started_at >= start, CallRecordRow.started_at < end,
        CallRecordRow.ended_at.is_not(None)).limit(1)) is not None


def has_pending_task(session: Session, caller_number: str) -> bool:
    return session.scalar(select(CallbackTaskRow.id).where(
        CallbackTaskRow.caller_number == caller_number,
        CallbackTaskRow.status == CallbackStatus.PENDING.value).limit(1)) is not None


def open_records(session: Session) -> list[CallRecord]:
    """Records with no end time: calls in progress, or whose hang-up the service never saw."""
    return [_to_record(row) for row in session.scalars(
        select(CallRecordRow).where(CallRecordRow.ended_at.is_(None)).order_by(CallRecordRow.id))]


def _to_task(row: CallbackTaskRow) -> CallbackTask:
    return CallbackTask(row.caller_number, row.dialect, row.business, CallbackReason(row.reason), row.due_at,
                        row.created_at, CallbackStatus(row.status), row.attempts, row.call_id, row.message_id,
                        row.id, row.queued_at, row.outcome, row.last_attempt_at)


def add_task(session: Session, task: CallbackTask) -> int:
    row = CallbackTaskRow(caller_number=task.caller_number, dialect=task.dialect, business=task.business,
                          reason=task.reason.value, status=task.status.value, due_at=task.due_at,
                          created_at=task.created_at, attempts=task.attempts, call_id=task.call_id,
                          message_id=task.message_id, outcome=task.outcome, queued_at=task.queued_at,
                          last_attempt_at=task.last_attempt_at)
    session.add(row)
    session.flush()
    return row.id


def get_task(session: Session, task_id: int) -> CallbackTask | None:
    row = session.get(CallbackTaskRow, task_id)
    return _to_task(row) if row is not None else None


def update_task(session: Session, task: CallbackTask) -> None:
    """Write back what an attempt changes: status, attempts, outcome, when it is next due."""
    row = session.get(CallbackTaskRow, task.id)
    if row is None:
        raise KeyError(f"callback task {task.id}")
    row.status, row.attempts, row.outcome = task.status.value, task.attempts, task.outcome
    row.due_at, row.last_attempt_at = task.due_at, task.last_attempt_at


def due_tasks(session: Session, now: datetime) -> list[CallbackTask]:
    query = (select(CallbackTaskRow)
             .where(CallbackTaskRow.status == CallbackStatus.PENDING.value, CallbackTaskRow.due_at <= now)
             .order_by(CallbackTaskRow.due_at, CallbackTaskRow.id))
    return [_to_task(row) for row in session.scalars(query)]


def next_due(session: Session, after: datetime) -> datetime | None:
    """When the earliest pending task not yet due at `after` falls due."""
    return session.scalar(select(func.min(CallbackTaskRow.due_at))
                          .where(CallbackTaskRow.status == CallbackStatus.PENDING.value,
                                 CallbackTaskRow.due_at > after))


def pending_tasks(session: Session, caller_number: str | None = None) -> list[CallbackTask]:
    query = select(CallbackTaskRow).where(CallbackTaskRow.status == CallbackStatus.PENDING.value)
    if caller_number is not None:
        query = query.where(CallbackTaskRow.caller_number == caller_number)
    return [_to_task(row) for row in session.scalars(query.order_by(CallbackTaskRow.due_at, CallbackTaskRow.id))]


def all_tasks(session: Session, status: CallbackStatus | None = None, limit: int | None = None) -> list[CallbackTask]:
    """Newest first when limited (the API), else every task in creation order."""
    query = select(CallbackTaskRow)
    if status is not None:
        query = query.where(CallbackTaskRow.status == status.value)
    if limit is not None:
        query = query.order_by(CallbackTaskRow.id.desc()).limit(limit)
    else:
        query = query.order_by(CallbackTaskRow.id)
    return [_to_task(row) for row in session.scalars(query)]


def add_message(session: Session, message: Message) -> int | None:
    """Store a message once (None if this call's message is already stored)."""
    if session.scalar(select(MessageRow.id).where(MessageRow.call_id == message.call_id)) is not None:
        return None
    row = MessageRow(call_id=message.call_id, caller_number=message.caller_number, dialect=message.dialect,
                     line=message.line, business=message.business, received_at=message.received_at,
                     duration_s=message.duration_s, file_name=message.file_name, handled_by="")
    session.add(row)
    session.flush()
    return row.id


def _to_message(row: MessageRow, task: CallbackTaskRow | None) -> Message:
    return Message(row.id, row.call_id, row.caller_number, row.dialect, row.line, row.business, row.received_at,
                   row.duration_s, row.file_name, row.handled_at, row.handled_by,
                   task.id if task else None, task.due_at if task else None)


def _with_tasks(session: Session, rows: list[MessageRow]) -> list[Message]:
    ids = [row.id for row in rows]
    tasks = {t.message_id: t for t in session.scalars(select(CallbackTaskRow).where(CallbackTaskRow.message_id.in_(ids)))}
    return [_to_message(row, tasks.get(row.id)) for row in rows]


def list_messages(session: Session, *, handled: bool | None = None, limit: int = 100) -> list[Message]:
    query = select(MessageRow)
    if handled is not None:
        query = query.where(MessageRow.handled_at.is_not(None) if handled else MessageRow.handled_at.is_(None))
    rows = list(session.scalars(query.order_by(MessageRow.received_at, MessageRow.id).limit(limit)))
    return _with_tasks(session, rows)


def get_message(session: Session, message_id: int) -> Message | None:
    row = session.get(MessageRow, message_id)
    return _with_tasks(session, [row])[0] if row else None


def mark_handled(session: Session, message_id: int, by: str, at: datetime) -> Message | None:
    """Mark a message handled and close its callback task (the agent called back)."""
    row = session.get(MessageRow, message_id)
    if row is None:
        return None
    if row.handled_at is None:
        row.handled_at, row.handled_by = at, by
        for task in session.scalars(select(CallbackTaskRow).where(
                CallbackTaskRow.message_id == message_id, CallbackTaskRow.status == CallbackStatus.PENDING.value)):
            task.status, task.outcome = CallbackStatus.DONE.value, "message handled"
    session.flush()
    return _with_tasks(session, [row])[0]


def ratings_between(session: Session, start: datetime, end: datetime) -> list[Rating]:
    rows = session.execute(select(CallRecordRow.agent, CallRecordRow.dialect, CallRecordRow.business,
                                  CallRecordRow.rating, CallRecordRow.started_at).where(
        CallRecordRow.rating.is_not(None), CallRecordRow.agent != "",
        CallRecordRow.started_at >= start, CallRecordRow.started_at < end))
    return [Rating(agent, dialect, business, rating, at) for agent, dialect, business, rating, at in rows]


class RecordStore:
    """`caller_key` (hotline.records.history.caller_key) hashes each record's caller number as it
    is saved, for search by number; without it records are not findable by number."""

    def __init__(self, engine: Engine, *, workers: int = 2, caller_key: bytes | None = None,
                 thresholds: Callable[[], Thresholds] | None = None) -> None:
        self.engine = engine
        self.caller_key = caller_key
        # The interval thresholds records are counted with in the summary now (reloadable config:
        # asked at every transaction); None: Thresholds() (the staffing config's defaults).
        self.thresholds = thresholds
        self._sessions = session_factory(engine)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="records-db")
        self.timings = DbTimings()

    @classmethod
    def from_url(cls, url: str | URL, *, workers: int = 2, caller_key: bytes | None = None,
                 thresholds: Callable[[], Thresholds] | None = None) -> RecordStore:
        return cls(make_engine(url, pool_size=workers), workers=workers, caller_key=caller_key,
                   thresholds=thresholds)

    def run(self, work: Callable[[Session], T], watch: Stopwatch | None = None) -> T:
        """One transaction, on the calling thread (CLI, tests). `watch`: its time goes to
        `timings`, split as the self-service backend's is."""
        queued = 0.0 if watch is None else watch.lap()
        with self._sessions.begin() as session:
            if self.caller_key is not None:
                session.info[CALLER_KEY] = self.caller_key
            if self.thresholds is not None:
                session.info[interval_summary.THRESHOLDS] = self.thresholds
            if watch is None:
                return work(session)
            session.connection()
            checkout = watch.lap()
            result = work(session)
            statements = watch.lap()
        self.timings.record("call_records", queued, checkout, statements, watch.lap())
        return result

    async def call(self, work: Callable[[Session], T]) -> T:
        """One transaction, in the store's thread pool."""
        watch = Stopwatch()
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.run, work, watch)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.engine.dispose()
