"""The router's books and the transitions behind its commands (see routing.router for the commands).

Every transition takes `at`, the time it happens, and appends what the shell must do and what
happened to a Collector. Indexes (waiting queues, idle agents, per-step counts of logged-in
agents) are updated here and nowhere else.
"""

from __future__ import annotations

import itertools

from routing import placement
from routing.books import Collector, Entry, RouterError, Seat, Timers, TimerKind
from routing.decisions import Announce, CancelOffer, Offer, OfferCallback
from routing.events import (
    AgentCalled, AgentComplete, AgentRingNoAnswer, CallEnded, QueueCallerAbandon, QueueCallerLeave,
    QueueCallerStepChanged, QueueMemberStatus,
)
from routing.indexes import BucketKey, IdleAgents, WaitingQueues
from routing.ladder import RouterConfig
from routing.model import Agent, AgentState, Call, CallState, GoneReason, Party, PauseReason
from routing.skills import Requirement
from routing.stats import ArrivalRates, HandleTimes


class RouterCore:
    def __init__(self, config: RouterConfig) -> None:
        self.config = config
        self.seats: dict[str, Seat] = {}
        self.calls: dict[str, Entry] = {}
        self.queues = WaitingQueues()
        self.idle = IdleAgents(config.dialects, config.business_lines)
        self.timers = Timers()
        self.arrivals = ArrivalRates(config.arrival_window_seconds)
        self.handle_times = HandleTimes(config.handle_time_samples, config.default_handle_seconds)
        self.requirements: dict[BucketKey, Requirement] = {
            (dialect, business, index): step.requirement
            for (dialect, business), ladder in config.ladders.items()
            for index, step in enumerate(ladder.steps)
        }
        # Logged-in agents meeting each step's own requirement: none means the step is skipped.
        self.meeters: dict[BucketKey, int] = dict.fromkeys(self.requirements, 0)
        # Logged-in (and of those, paused) agents who may take each step's callers: for estimates.
        self.eligible: dict[BucketKey, int] = dict.fromkeys(self.requirements, 0)
        self.paused_eligible: dict[BucketKey, int] = dict.fromkeys(self.requirements, 0)
        # A callback waits no further down its ladder than the last step asking for its dialect.
        self.callback_top: dict[tuple[str, str], int] = {
            (dialect, business): max((k for k, step in enumerate(ladder.steps)
                                      if step.requirement.level(dialect) > 0), default=len(ladder.steps) - 1)
            for (dialect, business), ladder in config.ladders.items()
        }
        self.same_requirement: dict[Requirement, list[BucketKey]] = {}
        for bucket, requirement in self.requirements.items():
            self.same_requirement.setdefault(requirement, []).append(bucket)
        # Agents (logged in or not) whose phone cannot take a call now: never offered one.
        self.unreachable: set[str] = set()
        self.ring_failed: set[str] = set()  # unreachable because a ring failed, not by registration
        self._seq = itertools.count()

    def _advance(self, now: float) -> Collector:
        out = Collector()
        for due, kind, target, token in self.timers.pop_due(now):
            if kind is TimerKind.WRAP_UP_END:
                seat = self.seats.get(target)
                if seat is not None and seat.version == token and seat.state is AgentState.WRAP_UP:
                    self._end_wrap_up(seat, due, out)
                continue
            if kind is TimerKind.PHONE_RETRY:
                self._retry_phone(target, due, out)
                continue
            entry = self.calls.get(target)
            if entry is None:
                continue
            if kind is TimerKind.OFFER_EXPIRY:
                if entry.state is CallState.OFFERED and entry.version == token:
                    self._missed(entry, due, "expired", out)
            elif kind is TimerKind.CALLBACK_OFFER:
                if entry.state is CallState.WAITING and not entry.call.callback:
                    out.decisions.append(OfferCallback(entry.id, entry.call.channel))
            elif entry.state is CallState.WAITING and (kind is TimerKind.RETRY or entry.step == token):
                self.queues.remove(entry.bucket, entry.place)
                self._enter_waiting(entry, due, out)
        return out

    def _enter_waiting(self, entry: Entry, at: float, out: Collector, exclude: str | None = None) -> None:
        """Bring the call's ladder step up to date, then offer it to an idle agent or queue it."""
        self._climb_ladder(entry, at, out)
        seat = None
        if len(self.idle):
            scarce = placement.scarce_dialects(self.config, self.idle, self.queues, self.arrivals, at)
            seat = placement.pick_agent(entry, self.seats, self.idle, scarce, exclude)
        if seat is not None:
            self._offer(entry, seat, at, out)
        else:
            self._queue(entry)

    def _book(self, call: Call) -> Entry:
        if (call.dialect, call.business) not in self.config.ladders:
            raise RouterError(f"no ladder configured for {call.dialect}/{call.business}")
        ladder = self.config.ladder(call.dialect, call.business)
        place = (call.enqueue_time - call.bonus(self.config.max_bonus_seconds), call.enqueue_time,
                 next(self._seq), call.id)
        entry = self.calls[call.id] = Entry(call, place, ladder)
        self.arrivals.record(call.dialect, call.enqueue_time)
        return entry

    def _top_step(self, entry: Entry) -> int:
        """The highest ladder step the call may reach."""
        call = entry.call
        return self.callback_top[(call.dialect, call.business)] if call.callback else len(entry.ladder.steps) - 1

    def _queue(self, entry: Entry) -> None:
        entry.state, entry.agent_id = CallState.WAITING, None
        self.queues.add(entry.bucket, entry.place)
        if entry.step < self._top_step(entry):
            due = entry.call.enqueue_time + entry.ladder.steps[entry.step + 1].after
            self.timers.schedule(due, TimerKind.RELAX, entry.id, entry.step)

    def _climb_ladder(self, entry: Entry, at: float, out: Collector) -> None:
        """Move up past steps whose time has come or that no logged-in agent could meet; never down."""
        steps, start, enqueued = entry.ladder.steps, entry.step, entry.call.enqueue_time
        step, reason, callback = start, "", False
        top = self._top_step(entry)
        while step < top:
            # Same expression as the RELAX timer's due time: float rounding must not disagree.
            if enqueued + steps[step + 1].after <= at:
                reason = "timeout"
            elif self.meeters[(entry.call.dialect, entry.call.business, step)] == 0:
                reason = "unmeetable"
            else:
                break
            step += 1
            if steps[step].offer_callback:
                # The offer waits for the step's own time: a step climbed early because nobody
                # logged in could meet the ones below must not offer a callback at 0 s.
                due = enqueued + steps[step].after
                if due <= at:
                    callback = True
                elif not entry.call.callback:
                    self.timers.schedule(due, TimerKind.CALLBACK_OFFER, entry.id, 0)
        if step == start:
            return
        entry.step = step
        out.events.append(QueueCallerStepChanged(at, entry.id, start, step, str(steps[step].requirement), reason))
        if entry.call.callback:
            return  # nobody on the line to hear an announcement or an offer
        announce = steps[step].announce
        if announce:
            out.decisions.append(Announce(entry.id, entry.call.channel, announce))
        if callback:
            out.decisions.append(OfferCallback(entry.id, entry.call.channel))

    def _offer(self, entry: Entry, seat: Seat, at: float, out: Collector) -> None:
        agent = seat.agent
        if agent.id in self.idle:
            self.idle.remove(agent.id, agent.proficiencies)
        entry.state, entry.agent_id, entry.offered_at = CallState.OFFERED, agent.id, at
        entry.version += 1
        seat.call_id = entry.id
        self._set_state(seat, AgentState.OFFERED, at, out)
        ring = self.config.ring_timeout
        out.decisions.append(Offer(entry.id, agent.id, entry.call.channel, agent.endpoint, ring, entry.call.callback))
        out.events.append(AgentCalled(at, entry.id, agent.id, entry.step, at - entry.call.enqueue_time))
        expiry = at + ring + self.config.offer_grace_seconds
        self.timers.schedule(expiry, TimerKind.OFFER_EXPIRY, entry.id, entry.version)

    def _make_available(self, seat: Seat, at: float, out: Collector, skip_call: str | None = None) -> None:
        if seat.agent.id in self.unreachable:  # every way back to work passes here
            seat.pause_reason = PauseReason.NO_PHONE
            self._set_state(seat, AgentState.PAUSED, at, out)
            return
        self._set_state(seat, AgentState.AVAILABLE, at, out)
        found = placement.best_call_for(seat, self.queues, skip_call)
        if found is None:
            self.idle.add(seat.agent.id, seat.agent.proficiencies)
            return
        bucket, place = found
        self.queues.remove(bucket, place)
        self._offer(self.calls[place[3]], seat, at, out)

    def _missed(self, entry: Entry, at: float, reason: str, out: Collector, *, count: bool = True) -> None:
        """The offer failed; `count`: it was the agent's miss (not a phone that could not be reached)."""
        agent_id, offered_at = entry.ringing()
        seat = self.seats[agent_id]
        seat.misses += 1 if count else 0
        seat.call_id = None
        out.events.append(AgentRingNoAnswer(at, entry.id, seat.agent.id, at - offered_at, seat.misses, reason))
        pause = PauseReason.NO_ANSWER if count and seat.misses >= self.config.max_consecutive_misses else seat.pending_pause
        if pause is not None:
            seat.pause_reason, seat.pending_pause = pause, None
            self._set_state(seat, AgentState.PAUSED, at, out)
        self._enter_waiting(entry, at, out, exclude=seat.agent.id)
        self.timers.schedule(at + self.config.retry_seconds, TimerKind.RETRY, entry.id, 0)
        if pause is None:
            self._make_available(seat, at, out, skip_call=entry.id)

    def _retry_phone(self, agent_id: str, at: float, out: Collector) -> None:
        """A phone paused for a failed ring is offered calls again (unless its registration
        has said since that it is down, which keeps it paused)."""
        if agent_id not in self.ring_failed:
            return
        self.ring_failed.discard(agent_id)
        self.unreachable.discard(agent_id)
        seat = self.seats.get(agent_id)
        if seat is not None and seat.state is AgentState.PAUSED and seat.pause_reason is PauseReason.NO_PHONE:
            self._make_available(seat, at, out)

    def _complete(self, entry: Entry, at: float, by: Party, out: Collector, *, until: float | None = None,
                  reason: GoneReason = GoneReason.COMPLETED) -> None:
        """`until`: when the talk ended, if before `at` (the PBX was lost then)."""
        agent_id, connected = entry.talking()
        seat = self.seats[agent_id]
        call = entry.call
        wrap_up = self.config.wrap_up(call.business)
        talk = max(0.0, (at if until is None else min(at, until)) - connected)
        out.events.append(AgentComplete(at, call.id, seat.agent.id, connected - call.enqueue_time, talk, by))
        out.events.append(CallEnded(at, call.id, reason, connected - call.enqueue_time))
        self.handle_times.record(call.business, talk + wrap_up)
        del self.calls[call.id]
        seat.call_id = None
        if wrap_up > 0:
            seat.wrap_up_until = at + wrap_up
            self._set_state(seat, AgentState.WRAP_UP, at, out)
            self.timers.schedule(at + wrap_up, TimerKind.WRAP_UP_END, seat.agent.id, seat.version)
        else:
            self._end_wrap_up(seat, at, out)

    def _end_wrap_up(self, seat: Seat, at: float, out: Collector) -> None:
        seat.wrap_up_until = None
        if seat.pending_pause is not None:
            seat.pause_reason, seat.pending_pause = seat.pending_pause, None
            self._set_state(seat, AgentState.PAUSED, at, out)
        else:
            self._make_available(seat, at, out)

    def _remove(self, entry: Entry, at: float, reason: GoneReason, out: Collector) -> None:
        """A not-yet-connected call goes: abandoned by the caller or taken out by the shell."""
        call, wait = entry.call, at - entry.call.enqueue_time
        seat = self.seats[entry.ringing()[0]] if entry.state is CallState.OFFERED else None
        if seat is None:
            self.queues.remove(entry.bucket, entry.place)
        else:
            out.decisions.append(CancelOffer(call.id, seat.agent.id, seat.agent.endpoint))
            seat.call_id = None
        del self.calls[call.id]
        if reason is GoneReason.ABANDONED:
            out.events.append(QueueCallerAbandon(at, call.id, call.dialect, call.business, entry.step, wait))
        out.events.append(QueueCallerLeave(at, call.id, reason.value))
        out.events.append(CallEnded(at, call.id, reason, wait))
        if seat is not None:
            self._end_wrap_up(seat, at, out)  # back to work, or to a pause asked for while ringing

    def _take_back_offer(self, seat: Seat, out: Collector) -> Entry | None:
        if seat.state is not AgentState.OFFERED:
            return None
        if seat.call_id is None:
            raise RouterError(f"agent {seat.agent.id} is offered no call")
        entry = self.calls[seat.call_id]
        out.decisions.append(CancelOffer(entry.id, seat.agent.id, seat.agent.endpoint))
        seat.call_id = None
        entry.state, entry.agent_id = CallState.WAITING, None
        return entry

    def _seat_in(self, agent: Agent, now: float) -> Seat:
        """Register a logging-in agent (not yet available) and count it for every step it meets."""
        if agent.id in self.seats:
            raise RouterError(f"agent {agent.id} is already logged in")
        proficiencies = agent.proficiencies
        meets = tuple(key for key, req in self.requirements.items() if req.met_by(proficiencies))
        for bucket in meets:
            self.meeters[bucket] += 1
        # Relaxing widens a step's pool, never narrows it: an agent meeting step j may take
        # callers at any later step of that ladder too (a Zhuang speaker after the Mandarin step).
        buckets = frozenset(
            (dialect, business, k)
            for dialect, business, j in meets
            for k in range(j, len(self.config.ladder(dialect, business).steps))
        )
        for bucket in buckets:
            self.eligible[bucket] += 1
        speaks = tuple(d for d in self.config.dialects if proficiencies.get(d, 0) >= self.config.scarce_min_level)
        seat = Seat(agent, AgentState.LOGGED_OUT, now, next(self._seq), buckets, meets, speaks)
        self.seats[agent.id] = seat
        return seat

    def _set_state(self, seat: Seat, state: AgentState, at: float, out: Collector) -> None:
        previous, seat.state, seat.since = seat.state, state, at
        seat.version += 1
        if (previous is AgentState.PAUSED) != (state is AgentState.PAUSED):
            change = 1 if state is AgentState.PAUSED else -1
            for bucket in seat.buckets:
                self.paused_eligible[bucket] += change
        if state is not AgentState.PAUSED:
            seat.pause_reason = None
        out.events.append(QueueMemberStatus(at, seat.agent.id, state, previous, seat.pause_reason))

    def _seat(self, agent_id: str) -> Seat:
        try:
            return self.seats[agent_id]
        except KeyError:
            raise RouterError(f"agent {agent_id} is not logged in") from None

    def _offered(self, call_id: str, agent_id: str) -> Entry | None:
        entry = self.calls.get(call_id)
        if entry is None or entry.state is not CallState.OFFERED or entry.agent_id != agent_id:
            return None
        return entry
