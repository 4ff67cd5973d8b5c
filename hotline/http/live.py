"""What the router has been saying, kept for the API: today's figures, counts per event kind,
each call's timeline handed to its listeners (hotline.records.timeline keeps them), and a
fan-out to live subscribers (the /events stream).

    feed = LiveFeed.attach(adapter)   # once per adapter; its listener runs on every router event
    feed.follow_ivr(ami)              # the menus' UserEvents join each call's timeline

Listeners run inside the router's command path, so everything here is O(1) per event and never
blocks: a subscriber too slow to drain its queue loses events (it is told with a `lagged` item)
rather than slowing routing down.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from enum import Enum
from typing import Any

from hotline.http.today import TodayStats
from ivr.ami import AmiClient
from ivr.userevents import HotlineEvent, QueueJoin
from routing.asterisk import RouterAdapter
from routing.events import QueueMemberStatus, RouterEvent
from routing.model import AgentState

SUBSCRIBER_QUEUE = 1000
# Fields of the dialplan's UserEvents (ivr.userevents) kept in a timeline, under their header's
# name in lower case: none can carry caller data (a menu's key is one key press; ID numbers and
# PINs are read by FastAGI, never in events).
IVR_FIELDS = frozenset({"menu", "key", "dialect", "business", "reason", "attempt", "action", "target", "flow",
                        "result", "agi_status", "version"})
CLOSED = None  # put on a subscriber's queue when the feed closes


_FEEDS: weakref.WeakKeyDictionary[RouterAdapter, LiveFeed] = weakref.WeakKeyDictionary()


def event_json(event: RouterEvent) -> dict[str, Any]:
    """An event as plain JSON: its kind, then its fields (enums as their values)."""
    body: dict[str, Any] = {"type": type(event).__name__}
    for f in fields(event):
        value = getattr(event, f.name)
        body[f.name] = value.value if isinstance(value, Enum) else value
    return body


class LiveFeed:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.today = TodayStats()
        self.counts: Counter[str] = Counter()
        self.logged_out_at: dict[str, float] = {}  # the router forgets agents who log out
        # each gets (call_id, body) for every timeline entry; called in the router's command path
        self.timeline_listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.closed = False
        self._following: weakref.WeakSet[AmiClient] = weakref.WeakSet()

    @classmethod
    def attach(cls, adapter: RouterAdapter) -> LiveFeed:
        """The adapter's feed: one per adapter, whichever router asks first makes it."""
        feed = _FEEDS.get(adapter)
        if feed is None:
            feed = _FEEDS[adapter] = cls(adapter.clock)
            adapter.listeners.append(feed.record)
        return feed

    def record(self, event: object) -> None:
        if not isinstance(event, RouterEvent):
            return
        body = event_json(event)
        self.counts[body["type"]] += 1
        self.today.record(event)
        if isinstance(event, QueueMemberStatus) and event.state is AgentState.LOGGED_OUT:
            self.logged_out_at[event.agent_id] = event.time
        call_id = body.get("call_id")
        if call_id is not None:
            self._add_to_timeline(call_id, body)
        self.publish(body)

    def follow_ivr(self, ami: AmiClient) -> None:
        """Add the menus' UserEvents (HotlineMenu, HotlineKey, HotlineToAgent, ...) to the calls' timelines.
        Not streamed: they are neither queue nor agent changes."""
        if ami not in self._following:
            self._following.add(ami)
            ami.subscribe(HotlineEvent, self._on_user_event)

    def _on_user_event(self, event: HotlineEvent) -> None:
        if isinstance(event, QueueJoin) or not event.call_id:
            return  # (the router reports the queue join itself, masked)
        body: dict[str, Any] = {"type": event.NAME, "time": self.clock(), "call_id": event.call_id}
        body.update({header.lower(): value for name, header, value in event.items() if name in IVR_FIELDS and value})
        self._add_to_timeline(event.call_id, body)

    def _add_to_timeline(self, call_id: str, body: dict[str, Any]) -> None:
        for listener in self.timeline_listeners:
            listener(call_id, body)

    def publish(self, body: dict[str, Any]) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(body)
            except asyncio.QueueFull:
                queue.get_nowait()  # drop the oldest, and say so
                queue.put_nowait({"type": "lagged"})

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(SUBSCRIBER_QUEUE)
        if self.closed:
            queue.put_nowait(CLOSED)
        else:
            self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._subscribers.discard(queue)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def close(self) -> None:
        """End every live stream (call before stopping the HTTP server: open streams would hold it up)."""
        self.closed = True
        for queue in list(self._subscribers):
            while queue.full():
                queue.get_nowait()
            queue.put_nowait(CLOSED)
        self._subscribers.clear()
