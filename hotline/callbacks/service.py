"""VirtualHold: callback tasks in line with the router, and each call back's outcome (the shell).

    virtual_hold = VirtualHold(adapter, store, policy, hours, languages={"zhuang": "za", ...})
    virtual_hold.attach(ami)              # told each attempt's outcome by the adapter, once
    hold_handler(adapter, after=virtual_hold.at_hold)
    await virtual_hold.start()            # puts due tasks in line, now and whenever one falls due

On hold, `at_hold` makes the offer (hotline.callbacks.offer) when the policy says so; a caller
who takes it becomes a callback task and keeps their place in the router's queue
(RouterAdapter.keep_place). When the router offers the call to an agent and the agent answers,
the dialplan dials the caller back; the call lifecycle core (routing.lifecycle) pairs the
dialplan's and the router's reports of each attempt and tells this service its outcome once:
answered (done), or not (tried again after `retry_delay_s`, with its original place, until
`max_attempts`). This shell keeps the tasks' rows; what happens to a call is the core's.

Tasks of every reason (virtual hold, after-hours message, failed twice) are called back the
same way once due, while the caller's line is staffed. A virtual-hold task is in line under
its original call id, so the callback conversation completes that call's record; other tasks
are in line as `callback-<task id>`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from hotline.callbacks.offer import long_hold_prompt, take_callback_number
from hotline.callbacks.policy import CallbackPolicy, HoldChoice, after_attempt, hold_choice
from hotline.db import records_store as db
from hotline.db.records_store import RecordStore
from hotline.hours.schedule import HoursConfig
from hotline.records.callbacks import CallbackReason, CallbackStatus, CallbackTask
from hotline.records.recorder import utc_now
from ivr.agi import AgiSession
from ivr.ami import AmiClient
from ivr.selfservice.flows.speech import Prompt
from ivr.selfservice.flows.voice import Voice
from routing import Call, CallState, GoneReason
from routing.asterisk.adapter import RouterAdapter
from routing.events import CallEnded
from routing.lifecycle import CallbackLine

T = TypeVar("T")

log = logging.getLogger(__name__)

IDLE_RECHECK_S = 30.0  # tasks other components add (messages, failed twice) are seen this soon


def router_call_id(task: CallbackTask) -> str:
    if task.reason is CallbackReason.VIRTUAL_HOLD and task.call_id:
        return task.call_id
    return f"callback-{task.id}"


class VirtualHold:
    def __init__(self, adapter: RouterAdapter, store: RecordStore, policy: CallbackPolicy,
                 hours: Callable[[], HoursConfig], *, languages: Mapping[str, str],
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.adapter = adapter
        self.store = store
        self.policy = policy
        self.hours = hours
        self.languages = languages
        self.clock = clock
        self._live: dict[str, CallbackTask] = {}  # router call id -> its task's row, while in line
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: asyncio.Task[None] | None = None
        # A pair's fencing (hotline.db.lease.check_fence): run first in every task write's own
        # transaction, it raises when this service no longer holds the lease it acts under.
        self.fence: Callable[[Session], None] | None = None

    def attach(self, ami: AmiClient) -> None:
        self.adapter.callbacks = self
        self.adapter.listeners.append(self._on_router_event)

    def _on_router_event(self, event: object) -> None:
        if isinstance(event, CallEnded):
            if event.reason is GoneReason.UNANSWERED:
                self._wake.set()  # (put in line again once its outcome is in)
            else:
                self._live.pop(event.call_id, None)

    async def start(self) -> None:
        self._runner = asyncio.create_task(self._run(), name="callback-runner")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)

    # on hold --------------------------------------------------------------------------
    async def at_hold(self, session: AgiSession, call_id: str, step_says_offer: bool) -> None:
        """After a hold announcement: the offer, when the policy says so (hold AGI hook)."""
        entry = self.adapter.router.calls.get(call_id)
        if entry is None or entry.state is CallState.CONNECTED or entry.call.callback:
            return
        now = self.adapter.clock()
        estimated_wait_s = self.adapter.router.estimated_wait_for(call_id, now)  # None: no agent working for it
        choice = hold_choice(
            self.policy, waited_s=now - entry.call.enqueue_time,
            estimated_wait_s=estimated_wait_s,
            step_says_offer=step_says_offer or call_id in self.adapter.lifecycle.callback_steps,
            offered_before=call_id in self.adapter.lifecycle.offered_callback)
        if choice is HoldChoice.NOTHING:
            return
        voice = Voice(session, session.env.get("language", "zh"))
        offering = choice in (HoldChoice.OFFER, HoldChoice.LAST_OFFER)
        # from its first word: a ladder step's Redirect to the offer must not cut this one off
        self.adapter.callback_offer(call_id, started=offering)
        try:
            if choice is HoldChoice.LAST_OFFER:
                await voice.say(Prompt(long_hold_prompt(estimated_wait_s is not None)))
            number = await take_callback_number(voice, self.policy, session.env.get("callerid", ""),
                                                agents_on_line=estimated_wait_s is not None) if offering else ""
        finally:
            self.adapter.callback_offer(call_id, started=False)
        if offering:
            task = await self.accept(call_id, number) if number else None
            if task is not None:
                await session.set_variable("HOTLINE_CALLBACK_TASK", str(task.id))
                await session.set_variable("HOTLINE_HOLD_NEXT", "callback")
                await voice.say(Prompt("callback_accepted"))
                return
            if number:  # taken, but it could not be recorded: say so, and the caller waits on
                await voice.say(Prompt("service_unavailable"))
            if pending := self.adapter.take_announcements(call_id):  # held back during the offer
                await voice.say(*(Prompt(p) for p in pending))
        if choice in (HoldChoice.LAST_OFFER, HoldChoice.MESSAGE):
            await self.adapter.leave(call_id)
            await session.set_variable("HOTLINE_HOLD_NEXT", "message")

    async def accept(self, call_id: str, number: str) -> CallbackTask | None:
        """The caller confirmed `number`: a task, and the call keeps its place as a callback.
        None if that could not be done (the database failed, or an agent just answered)."""
        self.adapter.reserve(call_id)  # first: the caller may hang up right after the key
        entry = self.adapter.router.calls.get(call_id)
        if entry is None:
            await self.adapter.release(call_id)
            return None
        now = self.clock()
        call = entry.call
        task = CallbackTask(number, call.dialect, call.business, CallbackReason.VIRTUAL_HOLD, now, now,
                            call_id=call_id, queued_at=datetime.fromtimestamp(call.enqueue_time, UTC))
        try:
            task = replace(task, id=await self.store.call(self._fenced(lambda s: db.add_task(s, task))))
        except Exception:
            log.exception("call %s: the callback task could not be stored", call_id)
            await self.adapter.release(call_id)
            return None
        self._live[call_id] = task
        if not await self.adapter.keep_place(call_id, self._line(task)):
            del self._live[call_id]
            await self._save(replace(task, status=CallbackStatus.CANCELLED, outcome="connected"))
            return None
        log.info("call %s keeps its place as callback task %s", call_id, task.id)
        return task

    # what the agent's channel needs to dial the caller back -----------------------------
    def _line(self, task: CallbackTask) -> CallbackLine:
        return CallbackLine(str(task.id), {
            "HOTLINE_CALLBACK_DIAL": self.policy.dial_string(task.caller_number),
            "HOTLINE_CALLBACK_RING": str(round(self.policy.ring_s)),
            "HOTLINE_CALLBACK_LANGUAGE": self.languages.get(task.dialect, "zh"),
            "HOTLINE_CALLBACK_TASK": str(task.id),
            "HOTLINE_CALLBACK_DIALECT": task.dialect,
            "HOTLINE_CALLBACK_BUSINESS": task.business,
        })

    # each attempt's outcome (told once by the lifecycle core, through the adapter) ------------
    async def attempt_done(self, call_id: str, task_id: str, result: str) -> None:
        task = self._live.get(call_id)
        if task is None or str(task.id) != task_id:
            return
        task = after_attempt(self.policy, task, result, self.clock())
        # Kept in memory until the row is written: the runner may read the old row meanwhile,
        # and goes by this (a last attempt's task, dropped too early, was dialled once more).
        self._live[call_id] = task
        try:
            await self._save(task)
        finally:
            if task.status is not CallbackStatus.PENDING and self._live.get(call_id) is task:
                del self._live[call_id]
            log.info("callback task %s: attempt %d %s (%s)", task.id, task.attempts, task.outcome, task.status.value)
            self._wake.set()

    def _fenced(self, write: Callable[[Session], T]) -> Callable[[Session], T]:
        def fenced(session: Session) -> T:
            if self.fence is not None:
                self.fence(session)
            return write(session)
        return fenced

    async def _save(self, task: CallbackTask) -> None:
        await self.store.call(self._fenced(lambda s: db.update_task(s, task)))
        async with self._changed:
            self._changed.notify_all()

    async def wait_task(self, task_id: int, condition: Callable[[CallbackTask], bool],
                        timeout: float = 30.0) -> CallbackTask:
        """Until the stored task meets `condition` (tests and tools wait on this, not a clock)."""
        async with asyncio.timeout(timeout):
            while True:
                async with self._changed:
                    task = await self.store.call(lambda s: db.get_task(s, task_id))
                    if task is not None and condition(task):
                        return task
                    await self._changed.wait()

    # putting due tasks in line ---------------------------------------------------------
    def wake(self) -> None:
        """Look at the tasks now (a task was added elsewhere) rather than at the next recheck."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # before reading: a wake-up meanwhile is not lost
            try:
                wait = await self._admit_due()
            except Exception:
                log.exception("callback runner: could not read the callback tasks")
                wait = IDLE_RECHECK_S
            with suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _admit_due(self) -> float:
        """Put due tasks in line; seconds until the next one falls due (or a recheck)."""
        now = self.clock()
        tasks = await self.store.call(lambda s: db.due_tasks(s, now))
        hours = self.hours()  # (stats the hours files: once a pass, not once a task)
        for task in tasks:
            call_id = router_call_id(task)
            if self.adapter.lifecycle.busy(call_id):
                continue  # in line, being called back now, or its last attempt's outcome to come
            known = self._live.get(call_id)
            if known is not None and (known.attempts != task.attempts or known.due_at > now
                                      or known.status is not CallbackStatus.PENDING):
                continue  # an attempt's outcome came in while the tasks were being read
            try:
                if not hours.status(now, task.dialect).open:
                    await self._save(replace(task, due_at=hours.next_open(now, task.dialect).astimezone(UTC)))
                    continue
            except (KeyError, ValueError):
                pass  # a line without hours: call back now
            await self._admit(call_id, task)
        upcoming = await self.store.call(lambda s: db.next_due(s, after=now))
        if upcoming is None:
            return IDLE_RECHECK_S
        return min(IDLE_RECHECK_S, max(0.05, (upcoming - now).total_seconds()))

    async def _admit(self, call_id: str, task: CallbackTask) -> None:
        queued = task.queued_at or task.due_at
        try:
            call = Call(id=call_id, channel="", dialect=task.dialect, business=task.business,
                        caller_number=task.caller_number, enqueue_time=queued.timestamp(), callback=True)
        except ValueError:  # a line the router does not serve: a person must look at it
            await self._save(replace(task, status=CallbackStatus.FAILED, outcome="unroutable"))
            return
        self._live[call_id] = task
        if await self.adapter.admit_callback(call, self._line(task)):
            log.info("callback task %s in line (attempt %d)", task.id, task.attempts + 1)
