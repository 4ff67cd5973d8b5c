"""Monotonic counts for Prometheus, from the router's events and the dialplan's (pure, no I/O).

By the interval report's definitions (hotline.records.intervals), so a PromQL window and the
report agree for the same calls:
- offered: callers who joined a line's queue (not counted again when restored after a restart)
- answered: connected to an agent while holding (a callback that is called back is not)
- abandoned, and of those short ones (hung up within the short-abandon threshold)
- callbacks: callers who took a callback and hung up to keep their place
- queue wait: one observation per answered or abandoned caller, in the report's buckets
- self-service: every flow run, by flow and result (HotlineSelfService)
Service level over any window: increase(hotline_queue_wait_seconds_bucket{outcome="answered",
le="20"}) / (increase(hotline_calls_offered_total) - increase(hotline_calls_short_abandoned_total)).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hotline.records.intervals import WAIT_BUCKETS
from ivr.userevents import SelfService
from routing.events import AgentConnect, CallEnded, QueueCallerAbandon, QueueCallerCallback, QueueCallerJoin
from routing.model import GoneReason

Line = tuple[str, str]  # (dialect, business)


@dataclass
class WaitHistogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(WAIT_BUCKETS))  # cumulative, `le`
    count: int = 0
    total: float = 0.0

    def observe(self, seconds: float) -> None:
        for i, bound in enumerate(WAIT_BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1
        self.count += 1
        self.total += seconds


@dataclass
class QueueCounters:
    short_abandon_s: float
    offered: Counter[Line] = field(default_factory=Counter)
    answered: Counter[Line] = field(default_factory=Counter)
    abandoned: Counter[Line] = field(default_factory=Counter)
    short_abandoned: Counter[Line] = field(default_factory=Counter)
    callbacks: Counter[Line] = field(default_factory=Counter)
    waits: dict[tuple[str, str, str], WaitHistogram] = field(default_factory=dict)  # (dialect, business, outcome)
    self_service: Counter[tuple[str, str]] = field(default_factory=Counter)  # (flow, result)
    _lines: dict[str, Line] = field(default_factory=dict)  # calls in the books
    _callbacks: set[str] = field(default_factory=set)

    def record(self, event: object) -> None:
        """A router event listener (adapter.listeners)."""
        match event:
            case QueueCallerJoin():
                line = (event.dialect, event.business)
                if event.call_id not in self._lines and not event.restored:
                    self.offered[line] += 1
                self._lines[event.call_id] = line
            case QueueCallerCallback():
                if event.call_id not in self._callbacks and (line := self._lines.get(event.call_id)):
                    self.callbacks[line] += 1
                self._callbacks.add(event.call_id)
            case AgentConnect():
                line = self._lines.get(event.call_id)
                if line is not None and event.call_id not in self._callbacks:
                    self.answered[line] += 1
                    self._wait(line, "answered").observe(event.hold_time)
            case QueueCallerAbandon():
                line = (event.dialect, event.business)
                self.abandoned[line] += 1
                self.short_abandoned[line] += event.wait < self.short_abandon_s
                self._wait(line, "abandoned").observe(event.wait)
            case CallEnded() if event.reason is not GoneReason.UNANSWERED:  # (it may be tried again)
                self._lines.pop(event.call_id, None)
                self._callbacks.discard(event.call_id)

    def self_service_ended(self, event: SelfService) -> None:
        """A self-service flow finished (the dialplan's report)."""
        self.self_service[(event.flow or "unknown", event.result or "failed")] += 1

    def _wait(self, line: Line, outcome: str) -> WaitHistogram:
        return self.waits.setdefault((*line, outcome), WaitHistogram())
