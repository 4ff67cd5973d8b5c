"""Taking the router's books apart and putting them back after a restart.

The Asterisk adapter rebuilds a RouterSnapshot from what survives a restart (logged-in agents, the
caller channels and their variables: call id, dialect, business, enqueue time, bonuses, ladder
step) and calls `restore`. Waiting callers keep their original enqueue time, hence their place;
ladder steps only move forward. Offers in flight are not trusted: their calls go back to waiting
and a CancelOffer tells the shell to drop any ringing agent leg.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.books import Collector, RouterError, TimerKind
from routing.decisions import CancelOffer, Outcome
from routing.events import QueueCallerJoin
from routing.ladder import RouterConfig
from routing.model import Agent, AgentState, Call, CallState, PauseReason
from routing.router import Router


@dataclass(frozen=True)
class AgentSnapshot:
    agent: Agent
    state: AgentState
    since: float
    pause_reason: PauseReason | None = None
    pending_pause: PauseReason | None = None
    misses: int = 0
    wrap_up_until: float | None = None  # for WRAP_UP


@dataclass(frozen=True)
class CallSnapshot:
    call: Call
    state: CallState = CallState.WAITING  # WAITING, OFFERED or CONNECTED
    step: int = 0
    agent_id: str | None = None  # for OFFERED and CONNECTED
    connected_at: float | None = None  # for CONNECTED


@dataclass(frozen=True)
class RouterSnapshot:
    agents: tuple[AgentSnapshot, ...]
    calls: tuple[CallSnapshot, ...]


def take(router: Router) -> RouterSnapshot:
    agents = tuple(
        AgentSnapshot(s.agent, s.state, s.since, s.pause_reason, s.pending_pause, s.misses, s.wrap_up_until)
        for s in router.seats.values()
    )
    calls = tuple(
        CallSnapshot(e.call, e.state, e.step, e.agent_id, e.connected_at) for e in router.calls.values()
    )
    return RouterSnapshot(agents, calls)


def restore(config: RouterConfig, snapshot: RouterSnapshot, now: float) -> tuple[Router, Outcome]:
    router, out = Router(config), Collector()
    idle, on_call = [], set()
    for snap in sorted(snapshot.agents, key=lambda a: a.since):
        if snap.state is AgentState.LOGGED_OUT:
            continue
        seat = router._seat_in(snap.agent, snap.since)
        seat.misses, seat.pending_pause = snap.misses, snap.pending_pause
        if snap.state is AgentState.PAUSED:
            seat.pause_reason = snap.pause_reason or PauseReason.BREAK
            router._set_state(seat, AgentState.PAUSED, snap.since, out)
        elif snap.state is AgentState.WRAP_UP:
            seat.wrap_up_until = snap.wrap_up_until if snap.wrap_up_until is not None else now
            router._set_state(seat, AgentState.WRAP_UP, snap.since, out)
            router.timers.schedule(seat.wrap_up_until, TimerKind.WRAP_UP_END, seat.agent.id, seat.version)
        elif snap.state is AgentState.ON_CALL:
            on_call.add(seat.agent.id)  # filled in with its call below
        else:  # AVAILABLE, or OFFERED: the ring in flight is not trusted
            idle.append(seat)

    for waiting in sorted(snapshot.calls, key=lambda c: (c.call.enqueue_time, c.call.id)):
        call = waiting.call
        entry = router._book(call)
        entry.step = min(max(waiting.step, 0), router._top_step(entry))
        if waiting.state is CallState.CONNECTED:
            talking = router.seats.get(waiting.agent_id or "")
            if talking is None or talking.agent.id not in on_call or talking.call_id is not None:
                raise RouterError(f"connected call {call.id} names agent {waiting.agent_id}, not on a call")
            at = waiting.connected_at if waiting.connected_at is not None else now
            entry.state, entry.agent_id, entry.offered_at, entry.connected_at = CallState.CONNECTED, talking.agent.id, at, at
            talking.call_id = call.id
            router._set_state(talking, AgentState.ON_CALL, at, out)
            continue
        if waiting.state is CallState.OFFERED and waiting.agent_id is not None:
            endpoint = snapshot_endpoint(snapshot, waiting.agent_id)
            out.decisions.append(CancelOffer(call.id, waiting.agent_id, endpoint))
        out.events.append(QueueCallerJoin(now, call.id, call.dialect, call.business, call.masked_number, True))
        # Queue every caller before any agent picks, so the longest-waiting caller goes first.
        router._climb_ladder(entry, now, out)
        router._queue(entry)

    missing = on_call - {seat.agent.id for seat in router.seats.values() if seat.call_id is not None}
    if missing:
        raise RouterError(f"agents {sorted(missing)} are on calls the snapshot does not have")
    for seat in idle:
        router._make_available(seat, seat.since, out)
    later = router._advance(now)  # whatever fell due while down, in time order
    return router, Outcome(tuple(out.decisions + later.decisions), tuple(out.events + later.events))


def snapshot_endpoint(snapshot: RouterSnapshot, agent_id: str) -> str:
    return next((a.agent.endpoint for a in snapshot.agents if a.agent.id == agent_id), "")
