"""The skills-based router's core: pure state transitions with the clock passed in.

Each command takes `now` (seconds, the shell's clock), first fires every timer due by then (ladder
steps, wrap-up ends, RONA retries, expired offers) at its own due time, then applies the command,
and returns an Outcome: decisions for the shell to carry out and events for metrics and audit.
No I/O. Reports about offers that are no longer current (stale) are ignored, so the shell may
report late or twice.
"""

from __future__ import annotations

from routing.books import RouterError, TimerKind
from routing.decisions import CancelOffer, Outcome
from dataclasses import replace

from routing.events import (
    AgentConnect, CallbackUnanswered, CallEnded, QueueCallerCallback, QueueCallerJoin, QueueCallerLeave,
    QueueCallerStepChanged,
)
from routing.model import Agent, AgentState, Call, CallState, GoneReason, Party, PauseReason
from routing.queries import RouterQueries


class Router(RouterQueries):
    # ----- calls -------------------------------------------------------------------------
    def arrive(self, call: Call, now: float, restored: bool = False) -> Outcome:
        """A caller joins the queue; `call.enqueue_time` may be earlier (restored after a restart)."""
        out = self._advance(now)
        if call.id in self.calls:
            raise RouterError(f"call {call.id} is already in the queue")
        entry = self._book(call)
        out.events.append(QueueCallerJoin(now, call.id, call.dialect, call.business, call.masked_number, restored))
        self._enter_waiting(entry, now, out)
        return out.outcome()

    def answered(self, call_id: str, agent_id: str, now: float) -> Outcome:
        """The offered agent answered and is bridged with the caller. Stale reports are ignored."""
        out = self._advance(now)
        entry = self._offered(call_id, agent_id)
        if entry is None:
            return out.outcome()
        seat = self.seats[agent_id]
        entry.state, entry.connected_at = CallState.CONNECTED, now
        seat.misses = 0
        self._set_state(seat, AgentState.ON_CALL, now, out)
        enqueue = entry.call.enqueue_time
        out.events.append(AgentConnect(now, call_id, agent_id, now - enqueue, now - entry.ringing()[1]))
        out.events.append(QueueCallerLeave(now, call_id, "connected"))
        return out.outcome()

    def unreached(self, call_id: str, agent_id: str, now: float) -> Outcome:
        """The offered agent's phone could not be reached at all (no device, the network said
        no): not a ring with no answer. No miss is counted; the agent is paused for the phone
        (no_phone) and tried again after `phone_retry_seconds`, unless the phone's registration
        says otherwise meanwhile; the caller keeps their place. Stale reports are ignored."""
        out = self._advance(now)
        entry = self._offered(call_id, agent_id)
        if entry is None:
            return out.outcome()
        if agent_id not in self.unreachable:
            self.unreachable.add(agent_id)
            self.ring_failed.add(agent_id)
            self.timers.schedule(now + self.config.phone_retry_seconds, TimerKind.PHONE_RETRY, agent_id, 0)
        self._missed(entry, now, "unreachable", out, count=False)
        return out.outcome()

    def ring_no_answer(self, call_id: str, agent_id: str, now: float, reason: str = "no_answer") -> Outcome:
        """The agent did not take the offer (timeout, rejected, busy): the caller keeps its place."""
        out = self._advance(now)
        entry = self._offered(call_id, agent_id)
        if entry is not None:
            self._missed(entry, now, reason, out)
        return out.outcome()

    def hangup(self, call_id: str, now: float, by: Party = Party.CALLER) -> Outcome:
        """A call's channel hung up: abandoned if not yet connected, else completed."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if entry is None:
            return out.outcome()
        if entry.state is CallState.CONNECTED:
            self._complete(entry, now, by, out)
        else:
            self._remove(entry, now, GoneReason.ABANDONED, out)
        return out.outcome()

    def leave(self, call_id: str, now: float) -> Outcome:
        """The shell takes a not-yet-connected caller out of the queue (callback accepted, ...)."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if entry is not None:
            if entry.state is CallState.CONNECTED:
                raise RouterError(f"call {call_id} is connected; hang it up instead")
            self._remove(entry, now, GoneReason.LEFT, out)
        return out.outcome()

    def lost(self, call_id: str, now: float, since: float | None = None) -> Outcome:
        """The PBX holding the call went away (the shell lost Asterisk): the call ends now as
        lost, not as the caller's abandon. A not-yet-connected caller (not a callback) ends with
        its wait so far; a call still on Asterisk comes back with its place when the shell reads
        the channels again. A connected call (the shell decides it is really gone) ends with
        its talk counted up to `since`, when the PBX was lost, and the agent goes to wrap-up."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if entry is None:
            return out.outcome()
        if entry.state is CallState.CONNECTED:
            self._complete(entry, now, Party.AGENT, out, until=since, reason=GoneReason.LOST)
        elif not entry.call.callback:
            self._remove(entry, now, GoneReason.LOST, out)
        return out.outcome()

    def talk_started(self, call_id: str, agent_id: str, now: float) -> Outcome:
        """The conversation itself starts later than the agent's answer (a callback: the caller
        is dialled, picks up and hears the greeting first): talk time counts from now. Stale
        reports are ignored."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if entry is not None and entry.state is CallState.CONNECTED and entry.agent_id == agent_id:
            entry.connected_at = now
        return out.outcome()

    # ----- callbacks (virtual hold) ------------------------------------------------------
    def keep_place(self, call_id: str, now: float) -> Outcome:
        """The caller took a callback and hangs up: the call keeps its place in line, goes back
        to the last ladder step that asks for its dialect if it had relaxed past it, and relaxes
        no further. An offer ringing meanwhile is withdrawn (the agent is offered again at once
        if the call is still the best for them)."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if entry is None:
            raise RouterError(f"call {call_id} is not in the queue")
        if entry.state is CallState.CONNECTED:
            raise RouterError(f"call {call_id} is already talking to an agent")
        if entry.call.callback:
            return out.outcome()
        seat = None
        if entry.state is CallState.OFFERED:
            seat = self.seats[entry.ringing()[0]]
            out.decisions.append(CancelOffer(call_id, seat.agent.id, seat.agent.endpoint))
            seat.call_id = None
        else:
            self.queues.remove(entry.bucket, entry.place)
        entry.call = replace(entry.call, callback=True)
        top = self._top_step(entry)
        if entry.step > top:
            out.events.append(QueueCallerStepChanged(now, call_id, entry.step, top,
                                                     str(entry.ladder.steps[top].requirement), "callback"))
            entry.step = top
        out.events.append(QueueCallerCallback(now, call_id, entry.step))
        self._enter_waiting(entry, now, out)
        if seat is not None:
            self._end_wrap_up(seat, now, out)
        return out.outcome()

    def callback_unanswered(self, call_id: str, agent_id: str, now: float) -> Outcome:
        """The agent took a callback but the caller did not pick up: the agent goes back to work
        (no wrap-up) and the call leaves the books; the shell decides whether to try again."""
        out = self._advance(now)
        entry = self.calls.get(call_id)
        if (entry is None or not entry.call.callback or entry.state is not CallState.CONNECTED
                or entry.agent_id != agent_id):
            return out.outcome()  # stale
        seat = self.seats[agent_id]
        del self.calls[call_id]
        seat.call_id = None
        out.events.append(CallbackUnanswered(now, call_id, agent_id))
        out.events.append(QueueCallerLeave(now, call_id, GoneReason.UNANSWERED.value))
        out.events.append(CallEnded(now, call_id, GoneReason.UNANSWERED, now - entry.call.enqueue_time))
        self._end_wrap_up(seat, now, out)
        return out.outcome()

    # ----- agents ------------------------------------------------------------------------
    def login(self, agent: Agent, now: float, paused: PauseReason | None = None) -> Outcome:
        out = self._advance(now)
        seat = self._seat_in(agent, now)
        if paused is None:
            self._make_available(seat, now, out)
        else:
            seat.pause_reason = paused
            self._set_state(seat, AgentState.PAUSED, now, out)
        return out.outcome()

    def logout(self, agent_id: str, now: float) -> Outcome:
        out = self._advance(now)
        seat = self._seat(agent_id)
        if seat.state is AgentState.ON_CALL:
            raise RouterError(f"agent {agent_id} is on a call")
        returned = self._take_back_offer(seat, out)
        if agent_id in self.idle:
            self.idle.remove(agent_id, seat.agent.proficiencies)
        del self.seats[agent_id]
        self._set_state(seat, AgentState.LOGGED_OUT, now, out)
        orphaned = []
        for bucket in seat.buckets:
            self.eligible[bucket] -= 1
        for bucket in seat.meets:
            self.meeters[bucket] -= 1
            if self.meeters[bucket] == 0:
                orphaned.append(bucket)
        # Calls on a step nobody logged in can meet any more move on to their next step now.
        for bucket in orphaned:
            for place in self.queues.places(bucket):
                self.queues.remove(bucket, place)
                self._enter_waiting(self.calls[place[3]], now, out)
        if returned is not None:
            self._enter_waiting(returned, now, out)
        return out.outcome()

    def pause(self, agent_id: str, reason: PauseReason, now: float) -> Outcome:
        """Immediate when idle or in wrap-up; after the call (and its wrap-up) otherwise."""
        out = self._advance(now)
        seat = self._seat(agent_id)
        if seat.state in (AgentState.OFFERED, AgentState.ON_CALL):
            seat.pending_pause = reason
        else:
            if seat.state is AgentState.AVAILABLE:
                self.idle.remove(agent_id, seat.agent.proficiencies)
            seat.pause_reason, seat.wrap_up_until = reason, None
            self._set_state(seat, AgentState.PAUSED, now, out)
        return out.outcome()

    def unpause(self, agent_id: str, now: float) -> Outcome:
        out = self._advance(now)
        seat = self._seat(agent_id)
        seat.pending_pause = None
        if seat.state is AgentState.PAUSED:
            seat.pause_reason, seat.misses = None, 0
            self._make_available(seat, now, out)
        return out.outcome()

    def phone(self, agent_id: str, reachable: bool, now: float) -> Outcome:
        """The agent's phone became reachable (registered and answering) or not. Known for any
        agent, logged in or not. An agent whose phone is unreachable is never offered a call:
        an available one is paused (no_phone) at once, one busy or ringing when it returns to
        work, and the pause lifts by itself when the phone is back. Repeats change nothing."""
        out = self._advance(now)
        seat = self.seats.get(agent_id)
        self.ring_failed.discard(agent_id)  # the registration's word overrides a failed ring's
        if reachable and agent_id in self.unreachable:
            self.unreachable.discard(agent_id)
            if seat is not None and seat.state is AgentState.PAUSED and seat.pause_reason is PauseReason.NO_PHONE:
                self._make_available(seat, now, out)
        elif not reachable and agent_id not in self.unreachable:
            self.unreachable.add(agent_id)
            if seat is not None and seat.state is AgentState.AVAILABLE:
                self.idle.remove(agent_id, seat.agent.proficiencies)
                self._make_available(seat, now, out)  # -> paused, no_phone
        return out.outcome()

    def tick(self, now: float) -> Outcome:
        """Fire due timers: ladder steps, wrap-up ends, RONA retries, expired offers."""
        return self._advance(now).outcome()
