"""The router's mutable records of agents and calls, and its timer queue (internal)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from routing.decisions import Decision, Outcome
from routing.events import RouterEvent
from routing.indexes import BucketKey, PlaceKey
from routing.ladder import Ladder, LadderStep
from routing.model import Agent, AgentState, Call, CallState, PauseReason


class RouterError(Exception):
    """A command that makes no sense in the current state (e.g. logging out an agent mid-call)."""


@dataclass(eq=False)
class Seat:
    agent: Agent
    state: AgentState
    since: float  # when the agent entered `state`; for Available, "idle since"
    seq: int
    buckets: frozenset[BucketKey]  # ladder steps whose callers it may take (own step or an earlier one)
    meets: tuple[BucketKey, ...]  # ladder steps whose own requirement it meets (for skipping steps)
    speaks: tuple[str, ...]  # dialects spoken well enough to count for the scarce-skill guard
    pause_reason: PauseReason | None = None
    pending_pause: PauseReason | None = None  # asked for mid-call; applies after wrap-up
    call_id: str | None = None
    misses: int = 0  # consecutive ring-no-answers
    wrap_up_until: float | None = None
    version: int = 0  # bumped on each state change so stale timers are ignored


@dataclass(eq=False)
class Entry:
    call: Call
    place: PlaceKey
    ladder: Ladder
    state: CallState = CallState.WAITING
    step: int = 0
    agent_id: str | None = None
    offered_at: float | None = None
    connected_at: float | None = None
    version: int = 0  # bumped on each offer so a stale offer-expiry timer is ignored

    @property
    def id(self) -> str:
        return self.call.id

    @property
    def bucket(self) -> BucketKey:
        return (self.call.dialect, self.call.business, self.step)

    @property
    def current(self) -> LadderStep:
        return self.ladder.steps[self.step]

    def ringing(self) -> tuple[str, float]:
        """(agent, offered at) of an OFFERED or CONNECTED call; a broken invariant fails loudly."""
        if self.agent_id is None or self.offered_at is None:
            raise RouterError(f"call {self.id} is not with an agent")
        return self.agent_id, self.offered_at

    def talking(self) -> tuple[str, float]:
        """(agent, connected at) of a CONNECTED call."""
        if self.agent_id is None or self.connected_at is None:
            raise RouterError(f"call {self.id} is not connected")
        return self.agent_id, self.connected_at


class TimerKind(IntEnum):
    RELAX = 0  # a waiting call may reach its next ladder step
    WRAP_UP_END = 1
    RETRY = 2  # a call back from RONA may be offered to the agent who missed it
    OFFER_EXPIRY = 3  # safety net if the shell never reports an offer's result
    CALLBACK_OFFER = 4  # a step climbed early asks for the callback offer once its time comes
    PHONE_RETRY = 5  # a phone the shell could not reach may be tried again


class Timers:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, TimerKind, str, int]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, due: float, kind: TimerKind, target: str, token: int) -> None:
        heapq.heappush(self._heap, (due, next(self._seq), kind, target, token))

    def next_due(self) -> float | None:
        """The earliest scheduled timer (it may have become stale: firing it then does nothing)."""
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> Iterator[tuple[float, TimerKind, str, int]]:
        """Due timers in time order, including ones scheduled while iterating."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            due, _, kind, target, token = heapq.heappop(heap)
            yield due, kind, target, token


@dataclass
class Collector:
    decisions: list[Decision] = field(default_factory=list)
    events: list[RouterEvent] = field(default_factory=list)

    def outcome(self) -> Outcome:
        return Outcome(tuple(self.decisions), tuple(self.events))
