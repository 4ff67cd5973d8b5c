"""Every call's timeline, kept in the database (the shell): menu steps, queue, rings, agent,
callbacks, as the live feed reports them, so GET /calls/{id} shows a call whole however old
it is and after a restart.

    writer = TimelineWriter(store)
    feed.timeline_listeners.append(writer.add)   # called in the router's command path: O(1)
    await writer.flush()                          # before reading a timeline back
    await writer.close()                          # at shutdown: nothing buffered is lost

Entries are buffered and written in one transaction every `interval` seconds, off the event
loop (the store's thread pool). If the database is down the buffer is kept, up to `max_buffer`
entries; beyond that the oldest are dropped, and the log says how many.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from hotline.db.history_store import TimelineEntry, add_events
from hotline.db.records_store import RecordStore

log = logging.getLogger(__name__)


def entry_of(body: dict[str, Any]) -> TimelineEntry:
    """A live-feed timeline body ({"type", "time" in Unix seconds, fields...}) as a stored entry."""
    data = {k: v for k, v in body.items() if k not in ("type", "time", "call_id")}
    return TimelineEntry(datetime.fromtimestamp(float(body["time"]), UTC), str(body["type"]), data)


class TimelineWriter:
    def __init__(self, store: RecordStore, *, interval: float = 0.5, max_buffer: int = 50_000) -> None:
        self.store = store
        self.interval = interval
        self.max_buffer = max_buffer
        self._buffer: list[tuple[str, TimelineEntry]] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, call_id: str, body: dict[str, Any]) -> None:
        self._buffer.append((call_id, entry_of(body)))
        if len(self._buffer) > self.max_buffer:
            dropped = len(self._buffer) - self.max_buffer
            del self._buffer[:dropped]
            log.warning("call timelines: database behind, %d oldest entries dropped", dropped)
        if self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a pure test): flushed when someone awaits flush()
            self._timer = loop.call_later(self.interval, self._flush_soon)

    def _flush_soon(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        async with self._lock:
            batch, self._buffer = self._buffer, []
            if not batch:
                return
            try:
                await self.store.call(lambda session: add_events(session, batch))
            except Exception as exc:  # keep them for the next try; the database may come back
                log.warning("call timelines: could not write %d entries (%s)", len(batch), type(exc).__name__)
                self._buffer[:0] = batch

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush()
