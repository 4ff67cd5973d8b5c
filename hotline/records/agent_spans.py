"""Agents' states kept as spans in the database (the shell), for the interval report's occupancy.

    spans = AgentSpanWriter(store)
    await spans.start()                             # spans left open by a previous run end now
    adapter.listeners.append(spans.on_router_event)  # QueueMemberStatus: one span ends, the next opens

Writes go through the store's thread pool, one at a time in event order.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from hotline.db import agent_spans_store as db
from hotline.db.records_store import RecordStore
from routing.events import QueueMemberStatus

log = logging.getLogger(__name__)


class AgentSpanWriter:
    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self._queue: asyncio.Queue[tuple[str, str, datetime]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def start(self, now: datetime | None = None) -> None:
        """The service becomes active: spans a previous run left open end now, then the states
        seen since (the desk's restore logs agents back in) are written. Once."""
        if self._task is not None:
            return
        closed = await self.store.call(lambda s: db.close_open(s, now or datetime.now(UTC)))
        if closed:
            log.info("agent state spans: %d left open by the last run ended now", closed)
        self._task = asyncio.create_task(self._run())

    async def stop(self, now: datetime | None = None) -> None:
        """Write what is queued, then end the open spans: nobody takes calls once we are gone."""
        if self._task is not None:
            await self.flush()
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            await self.store.call(lambda s: db.close_open(s, now or datetime.now(UTC)))

    def on_router_event(self, event: object) -> None:
        if isinstance(event, QueueMemberStatus) and event.state != event.previous:
            self._queue.put_nowait((event.agent_id, event.state.value, datetime.fromtimestamp(event.time, UTC)))

    async def flush(self) -> None:
        """Until every state seen so far is written (tests and a stopping service wait on this)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            agent, state, at = await self._queue.get()
            try:
                await self.store.call(lambda s, a=agent, st=state, t=at: db.enter_state(s, a, st, t))
            except Exception:  # a lost span skews occupancy; it must never stop the writer
                log.exception("agent state spans: could not record %s entering %s", agent, state)
            finally:
                self._queue.task_done()
