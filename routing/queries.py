"""Read-only views of the router's books for the API, supervisors' screens and hold announcements.

Views carry masked caller numbers only. They are computed on demand; none is on the decision path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from routing.books import Entry, Seat
from routing.core import RouterCore
from routing.indexes import PlaceKey
from routing.model import AgentState, CallState, PauseReason


@dataclass(frozen=True)
class CallView:
    call_id: str
    channel: str
    dialect: str
    business: str
    caller: str  # masked
    state: CallState
    step: int
    requirement: str
    enqueue_time: float
    wait: float
    effective_wait: float
    agent_id: str | None
    callback: bool = False  # the caller hung up to be called back (virtual hold)


@dataclass(frozen=True)
class AgentView:
    agent_id: str
    name: str
    endpoint: str
    state: AgentState
    since: float
    pause_reason: PauseReason | None
    pending_pause: PauseReason | None
    call_id: str | None
    misses: int
    wrap_up_until: float | None
    proficiencies: Mapping[str, int]


@dataclass(frozen=True)
class LineStats:
    dialect: str
    business: str
    waiting: int  # in the holding context, not being offered
    offered: int  # an agent is ringing for them
    longest_wait: float | None
    estimated_wait: float | None  # for a caller joining now


def call_view(entry: Entry, now: float) -> CallView:
    call = entry.call
    return CallView(
        call.id, call.channel, call.dialect, call.business, call.masked_number, entry.state, entry.step,
        str(entry.current.requirement), call.enqueue_time, now - call.enqueue_time, now - entry.place[0],
        entry.agent_id, call.callback,
    )


def agent_view(seat: Seat) -> AgentView:
    agent = seat.agent
    return AgentView(
        agent.id, agent.name, agent.endpoint, seat.state, seat.since, seat.pause_reason, seat.pending_pause,
        seat.call_id, seat.misses, seat.wrap_up_until, agent.proficiencies,
    )


class RouterQueries(RouterCore):
    """The Router's read side: reads the books only, never changes them."""

    def next_timer(self) -> float | None:
        """When a timer is next due (ladder step, wrap-up end, retry, offer expiry): a driver
        that is not ticked by a wall clock, such as the staffing simulation, ticks the router then."""
        return self.timers.next_due()

    def call_view(self, call_id: str, now: float) -> CallView | None:
        entry = self.calls.get(call_id)
        return None if entry is None else call_view(entry, now)

    def waiting_calls(self, now: float, dialect: str | None = None, business: str | None = None) -> list[CallView]:
        """Calls not yet connected (waiting or being offered), highest effective wait first."""
        entries = [
            e for e in self.calls.values()
            if e.state is not CallState.CONNECTED
            and (dialect is None or e.call.dialect == dialect)
            and (business is None or e.call.business == business)
        ]
        return [call_view(e, now) for e in sorted(entries, key=lambda e: e.place)]

    def position(self, call_id: str) -> int | None:
        """1-based place among waiting callers of the same line (for "you are caller number N")."""
        entry = self.calls.get(call_id)
        if entry is None or entry.state is not CallState.WAITING:
            return None
        dialect, business = entry.call.dialect, entry.call.business
        steps = range(len(entry.ladder.steps))
        return 1 + sum(self.queues.ahead_of((dialect, business, k), entry.place) for k in steps)

    def agent_view(self, agent_id: str) -> AgentView | None:
        seat = self.seats.get(agent_id)
        return None if seat is None else agent_view(seat)

    def phone_reachable(self, agent_id: str) -> bool:
        """False while the agent's phone is reported unregistered or not answering."""
        return agent_id not in self.unreachable

    def agent_views(self) -> list[AgentView]:
        return [agent_view(seat) for seat in self.seats.values()]

    def eligible_agents(self, dialect: str, business: str, step: int = 0) -> list[AgentView]:
        """Logged-in agents (any state) meeting the given ladder step of the line."""
        bucket = (dialect, business, step)
        return [agent_view(s) for s in self.seats.values() if bucket in s.buckets]

    def available_agents(self, dialect: str, business: str, step: int = 0) -> list[AgentView]:
        bucket = (dialect, business, step)
        return [agent_view(self.seats[a]) for a in self.idle if bucket in self.seats[a].buckets]

    def agent_counts(self, dialect: str, business: str, step: int = 0) -> tuple[int, int]:
        """(eligible, available) for a line's step, as the two lists above would count them, but
        from the books' running counts: a wallboard asks this for every line, many times a second."""
        bucket = (dialect, business, step)
        available = sum(1 for a in self.idle if bucket in self.seats[a].buckets)
        return self.eligible.get(bucket, 0), available

    def line_stats(self, now: float) -> list[LineStats]:
        counts: dict[tuple[str, str], list[Any]] = {key: [0, 0, None] for key in self.config.ladders}
        for entry in self.calls.values():
            if entry.state is CallState.CONNECTED:
                continue
            row = counts[(entry.call.dialect, entry.call.business)]
            row[0 if entry.state is CallState.WAITING else 1] += 1
            wait = now - entry.call.enqueue_time
            row[2] = wait if row[2] is None else max(row[2], wait)
        return [
            LineStats(d, b, waiting, offered, longest, self.estimated_wait(d, b))
            for (d, b), (waiting, offered, longest) in counts.items()
        ]

    def estimated_wait(self, dialect: str, business: str) -> float | None:
        """Expected wait for a caller joining the line now, or None if no agent could take it."""
        return self._estimate(dialect, business, 0, 0.0, None)

    def estimated_wait_for(self, call_id: str, now: float) -> float | None:
        """Expected remaining wait of a queued call (for "your estimated wait is N minutes")."""
        entry = self.calls.get(call_id)
        if entry is None or entry.state is CallState.CONNECTED:
            return None
        call = entry.call
        return self._estimate(call.dialect, call.business, entry.step, now - call.enqueue_time, entry.place,
                              self._top_step(entry))

    def _estimate(self, dialect: str, business: str, first_step: int, waited: float, place: PlaceKey | None,
                  top_step: int | None = None) -> float | None:
        """Per reachable step: its working agents drain the calls queued ahead at one recent mean
        handle time each; the step's own threshold is a floor. The best step wins."""
        ladder = self.config.ladder(dialect, business)
        handle = self.handle_times.mean(business)
        best = None
        last = len(ladder.steps) - 1 if top_step is None else top_step
        for k in range(first_step, last + 1):
            bucket = (dialect, business, k)
            working = self.eligible[bucket] - self.paused_eligible[bucket]
            if working <= 0:
                continue
            # Competing: callers of this line (ahead of us whatever their step) and callers of
            # other lines waiting on the very same requirement.
            buckets = {(dialect, business, j) for j in range(len(ladder.steps))}
            buckets.update(self.same_requirement[ladder.steps[k].requirement])
            ahead: int
            if place is None:
                ahead = sum(self.queues.count(b) for b in buckets)
            else:
                ahead = sum(self.queues.ahead_of(b, place) for b in buckets)
            estimate = max(ladder.steps[k].after - waited, (ahead + 1) * handle / working, 0.0)
            best = estimate if best is None else min(best, estimate)
        return best
