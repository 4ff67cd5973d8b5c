"""The call recorder: folds the dialplan's events into call records and keeps them (the shell).

    recorder = CallRecorder(store, hours=lambda: hours_config, messages_dir=spool / "monitor/messages")
    recorder.attach(service.ami)       # the dialplan's typed UserEvents and Hangup
    adapter.listeners.append(recorder.on_router_event)   # queue wait, agent, talk time

A record is saved at its milestones (start, agent route, hours, survey) and at hang-up; a call seen for the
first time after a service restart is continued from its saved row. On hang-up, a caller who
failed to reach an agent twice in the local day gets an automatic callback task. A
HotlineMessage stores the message and its callback task, due at the line's next opening.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.callbacks import FAILURES_FOR_CALLBACK, CallbackReason, CallbackTask, automatic_callback
from hotline.records.messages import Message, safe_file_name, wav_seconds
from hotline.records.model import ROUTER_EVENTS, CallRecord, Event, event_name, fold
from ivr import userevents as ue
from ivr.ami import AmiClient
from ivr.ami.client import Subscription
from ivr.ami.events import Hangup

log = logging.getLogger(__name__)

# Milestones saved at once, so a service restart mid-call loses at most some menu steps.
SAVED_ON = (ue.CallStart, ue.ToAgent, ue.Hours, ue.Survey)
# A call whose hang-up never reached us (AMI down at the time) is forgotten after this long;
# its row keeps what was saved, with no end time, until the next (re)connect closes it.
FORGET_AFTER = timedelta(hours=6)
# The causes of records closed without their hang-up, when the service (re)connects to an
# Asterisk that no longer has the call. Their end time is when the service learned it (an
# upper bound). A stopping service marks its open calls, so the next start can tell a stop
# from a crash.
STOPPED_DURING_CALL = "service stopped during the call"
NOT_SEEN_STOPPED = "hang-up not seen: service stopped"
NOT_SEEN_DOWN = "hang-up not seen: service down"
NOT_SEEN_DISCONNECTED = "hang-up not seen: AMI connection lost"


def utc_now() -> datetime:
    return datetime.now(UTC)


class CallRecorder:
    def __init__(self, store: RecordStore, hours: Callable[[], HoursConfig], *,
                 messages_dir: Path | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.hours = hours
        self.messages_dir = messages_dir
        self.clock = clock
        self.live: dict[str, CallRecord] = {}
        self._call_of_channel: dict[str, str] = {}  # Uniqueid -> CallID
        # One event at a time: the fold of a call must see its events in order, and a
        # rehydration from the database must finish before the next event of that call.
        self._lock = asyncio.Lock()
        self._finished: deque[str] = deque(maxlen=1000)  # recent call ids, for waiters
        self._changed = asyncio.Condition()
        self._pending: set[asyncio.Future[None]] = set()

    def attach(self, ami: AmiClient) -> list[Subscription]:
        """Subscribe, and on every (re)connect close the records whose calls are gone."""

        async def close_gone() -> None:
            try:
                await self.close_calls_gone(ami)
            except Exception:  # never fatal: the records stay open until the next connect
                log.exception("call recorder: could not close the records of calls gone")

        ami.connected.connect(close_gone)
        return [ami.subscribe(ue.HotlineEvent, self.on_event), ami.subscribe(Hangup, self.on_event)]

    async def close_calls_gone(self, ami: AmiClient) -> int:
        """Close every open record (saved or live) whose channel Asterisk no longer has: its
        hang-up came while the service was stopped, down or disconnected. Returns how many."""
        async with self._lock:  # events wait: a call that starts now is not among the open
            channels = await ami.send_list({"Action": "CoreShowChannels"})
            alive = {str(c.get("Uniqueid", "")) for c in channels.events}
            saved = await self.store.call(db.open_records)
            now = self.clock()
            closed = [self._closed(r, NOT_SEEN_DISCONNECTED, now) for r in self.live.values()
                      if r.uniqueid not in alive]
            closed += [self._closed(r, NOT_SEEN_STOPPED if r.hangup_cause == STOPPED_DURING_CALL else NOT_SEEN_DOWN,
                                    now) for r in saved if r.uniqueid not in alive and r.call_id not in self.live]
            if not closed:
                return 0

            def save(session: Session) -> None:
                for record in closed:
                    db.save_record(session, record)

            await self.store.call(save)
            gone = {r.call_id for r in closed}
            self.live = {k: v for k, v in self.live.items() if k not in gone}
            self._call_of_channel = {u: c for u, c in self._call_of_channel.items() if c not in gone}
        log.warning("call recorder: closed %d records whose hang-up was not seen", len(closed))
        return len(closed)

    @staticmethod
    def _closed(record: CallRecord, cause: str, now: datetime) -> CallRecord:
        return replace(record, hangup_cause=cause, ended_at=now)

    def save_on_stop(self) -> None:
        """The service stops: save the calls in progress as they stand (menu steps not yet
        saved included), marked so the next start can tell their records were left by a stop."""
        if self.live:
            marked = [replace(r, hangup_cause=STOPPED_DURING_CALL) for r in self.live.values()]
            self.store.run(lambda session: [db.save_record(session, r) for r in marked])

    def on_router_event(self, event: object) -> None:
        """A router event listener: the router's part of the record, folded in event order."""
        if isinstance(event, ROUTER_EVENTS):
            task = asyncio.ensure_future(self.on_event(event))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def on_event(self, event: Event) -> None:
        try:
            async with self._lock:
                await self._handle(event)
        except Exception:  # a recorder failure must never reach the AMI client's loop
            log.exception("call recorder: could not handle %s", event_name(event))

    async def wait_finished(self, call_id: str, timeout: float = 10.0) -> None:
        """Until the call's hang-up has been recorded (tests and tools wait on this, not a clock)."""
        async with self._changed, asyncio.timeout(timeout):
            await self._changed.wait_for(lambda: call_id in self._finished)

    async def _handle(self, event: Event) -> None:
        if isinstance(event, Hangup):
            call_id = self._call_of_channel.pop(event.uniqueid, None)
            if call_id is None:
                return  # not a hotline channel (a caller's other half, an agent's phone)
        elif isinstance(event, ROUTER_EVENTS):
            await self._fold_router_event(event.call_id, event)
            return
        elif event.call_id:
            call_id = event.call_id
            if event.origin.uniqueid:
                self._call_of_channel[event.origin.uniqueid] = call_id
        else:
            return
        now = self.clock()
        record = self.live.get(call_id)
        saved = False
        if record is None and isinstance(event, SAVED_ON):
            # A call's first milestone (its start, mostly): read, fold and save in one
            # transaction, one trip to a database thread instead of two.
            def load_fold_save(session: Session) -> CallRecord:
                folded = fold(db.load_record(session, call_id), event, now)
                db.save_record(session, folded)
                return folded

            record, saved = await self.store.call(load_fold_save), True
        else:
            if record is None:
                record = await self.store.call(lambda s: db.load_record(s, call_id))
            record = fold(record, event, now)
        self.live[call_id] = record
        if isinstance(event, ue.MessageLeft):
            await self._store_message(record, event, now)
        elif isinstance(event, SAVED_ON) and not saved:
            await self.store.call(lambda s: db.save_record(s, record))
        if isinstance(event, ue.CallStart):
            self._forget_stale(now)
        elif isinstance(event, Hangup):
            del self.live[call_id]
            await self.store.call(lambda s: self._finish(s, record, now))
            async with self._changed:
                self._finished.append(call_id)
                self._changed.notify_all()

    async def _fold_router_event(self, call_id: str, event: Event) -> None:
        """Saved at once: the router's events may come after the caller's hang-up was recorded."""
        record = self.live.get(call_id)
        if record is None:
            record = await self.store.call(lambda s: db.load_record(s, call_id))
            if record is None:
                return  # not a call the hotline's menus started (a bare test queue call)
        record = fold(record, event, self.clock())
        if call_id in self.live:
            self.live[call_id] = record
        await self.store.call(lambda s: db.save_record(s, record))

    def _forget_stale(self, now: datetime) -> None:
        stale = {call_id for call_id, r in self.live.items() if now - r.started_at > FORGET_AFTER}
        if stale:
            log.warning("call recorder: no hang-up seen for %d calls; forgetting them", len(stale))
            self.live = {k: v for k, v in self.live.items() if k not in stale}
            self._call_of_channel = {u: c for u, c in self._call_of_channel.items() if c not in stale}

    def _finish(self, session: Session, record: CallRecord, now: datetime) -> None:
        db.save_record(session, record)
        if not record.failed_to_reach_agent or not record.caller_number:
            return
        hours = self.hours()
        start = datetime.combine(hours.local(record.started_at).date(), time(0), hours.timezone)
        failures = db.failures_between(session, record.caller_number, start, start + timedelta(days=1),
                                       at_most=FAILURES_FOR_CALLBACK)
        pending = db.has_pending_task(session, record.caller_number)
        task = automatic_callback(record, failures, pending, self._due(hours, now, record.dialect), now)
        if task is not None:
            db.add_task(session, task)
            log.info("automatic callback task for call %s (failed twice today)", record.call_id)

    @staticmethod
    def _due(hours: HoursConfig, now: datetime, dialect: str) -> datetime:
        try:
            return hours.next_open(now, dialect).astimezone(UTC)
        except (KeyError, ValueError):
            return now  # unknown line: due at once, so a person looks at it

    async def _store_message(self, record: CallRecord, event: ue.MessageLeft, now: datetime) -> None:
        name = safe_file_name(event.file)
        seconds = wav_seconds(self.messages_dir / name) if (name and self.messages_dir) else None
        if seconds is None:  # the service cannot see the spool: trust the dialplan's clock
            try:
                seconds = float(event.seconds or 0)
            except ValueError:
                seconds = 0.0
        if name is None or seconds <= 0:
            log.info("call %s: closed line, no message recorded", record.call_id)
            self.live[record.call_id] = replace(record, message_file="")
            return
        hours = self.hours()
        dialect = event.dialect or record.dialect
        try:
            line = hours.line_of(dialect).line
        except KeyError:
            line = dialect
        message = Message(0, record.call_id, record.caller_number, dialect, line,
                          event.business or record.business, now, round(seconds, 2), name)
        due = self._due(hours, now, dialect)

        def store(session: Session) -> None:
            message_id = db.add_message(session, message)
            if message_id is not None:
                db.add_task(session, CallbackTask(message.caller_number, dialect, message.business,
                                                  CallbackReason.MESSAGE, due, now, call_id=record.call_id,
                                                  message_id=message_id))

        await self.store.call(store)
