"""The life of a call around the router, in one place: which channel is whose, rings, the
notice before a ring, callbacks and their attempts, and what a lost Asterisk means.

h11's rule: every transition happens here, in `step`, fed typed events with the time passed
in; the shells (routing.asterisk.RouterAdapter, hotline.callbacks.VirtualHold) translate AMI
and AGI into events and carry out the commands, and decide nothing. The router (routing.router)
is part of the state: the core calls it and turns its decisions into commands.

Races it settles (each an interleaving the property tests drive):
- an Originate's reply and the ringing channel's hang-up: a ring not yet answered ends by its
  reply, never by its hang-up;
- a ring due while a notice is due (a Zhuang caller relaxed to a Mandarin agent): the caller
  is sent to hear it, and the agent's phone rings only once it has played (or NOTICE_LIMIT_S);
- a callback attempt's two reports (the agent's channel hanging up, which takes the call off
  the books, and the dialplan's HotlineCallbackAttempt, which says why): one RecordCallback
  per attempt, and the task is not put in line again while its outcome is still to come;
- the caller hanging up while confirming a callback (Reserve ... KeepPlace/Release);
- an Asterisk lost with calls on it (AmiLost, then Resynced or not).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from routing.books import RouterError
from routing.decisions import Announce, CancelOffer, Offer, OfferCallback, Outcome
from routing.events import CallEnded
from routing.lifecycle.commands import (
    Command, Hangup, Note, Originate, Publish, RecordCallback, Redirect, Refused, Speak,
)
from routing.lifecycle.events import (
    AdmitCallback, AgentChannel, AmiLost, CallbackAttempt, CallbackConnected, CallbackGreeted, CallbackLine,
    ChannelHangup, Event, KeepPlace, Leave, NoticePlayed, OfferEnded, OfferStarted, OriginateResult, QueueJoin,
    Release, Reserve, Resynced, RingResult, RouterCommand, TakeAnnouncements, Tick,
)
from routing.model import CallState, GoneReason, Party
from routing.router import Router

AGENT_CONTEXT = "hotline-agent-answer"
CALLBACK_AGENT_CONTEXT = "hotline-callback-agent"
# The longest a notice due before a ring may hold the ring back (a notice runs about 5 s; a
# caller who cannot be sent to hear it, or a lost AGI, must not keep the agent waiting long).
NOTICE_LIMIT_S = 15.0
# An unanswered callback attempt leaves the router before its outcome (a dialplan event)
# arrives; the task is not put in line again until it has, or for this long at most.
RESULT_WAIT_S = 30.0
# Bridged calls on an Asterisk whose AMI connection dropped: a crash took them with it, a mere
# blip did not, and only reading the channels again tells which. The reconnect's resync
# decides; if no resync comes within this long, Asterisk is taken to be down and they end.
LOST_GRACE_S = 10.0


@dataclass
class Ring:
    """An Originate of an agent's phone for a call."""

    ring_id: str
    call_id: str
    agent_id: str
    node: str
    callback: bool
    channel: str | None = None  # the agent's channel name, once Asterisk has made it
    answered: bool = False
    cancelled: bool = False  # taken back: hang it up as soon as its channel is known
    caller_reached: bool = False  # (callback) the caller picked up
    greeted: bool = False  # (callback) and heard the greeting: the conversation started


@dataclass
class Leg:
    """A caller's channel: hang-ups end the call."""

    call_id: str
    channel: str
    node: str


@dataclass
class HeldRing:
    offer: Offer
    until: float


@dataclass
class Lifecycle:
    """The state; `step` is the only thing that changes it (in place, and returns it)."""

    router: Router
    # 5 hex digits, random per service run: Asterisk refuses a ChannelId a live channel has
    ring_prefix: str = ""
    legs: dict[tuple[str, str], Leg] = field(default_factory=dict)  # (node, Uniqueid) -> caller leg
    caller: dict[str, tuple[str, str]] = field(default_factory=dict)  # call id -> (node, channel name)
    rings: dict[str, Ring] = field(default_factory=dict)  # ring id (our ChannelId = Uniqueid) -> ring
    announcements: dict[str, list[str]] = field(default_factory=dict)  # call id -> prompts to play
    held: dict[str, HeldRing] = field(default_factory=dict)  # call id -> its ring, waiting for a notice
    reserved: dict[str, bool] = field(default_factory=dict)  # call id -> it hung up while reserved
    in_offer: set[str] = field(default_factory=set)  # callers in the callback offer's conversation
    callback_steps: set[str] = field(default_factory=set)  # a ladder step says offer a callback
    offered_callback: set[str] = field(default_factory=set)  # offered one already
    lines: dict[str, CallbackLine] = field(default_factory=dict)  # callback call id -> its task
    unreported: dict[str, float] = field(default_factory=dict)  # off the books at, outcome to come
    early: set[str] = field(default_factory=set)  # outcome came before the call left the books
    lost_since: dict[str, float] = field(default_factory=dict)  # bridged call -> its Asterisk lost at
    lost_grace_s: float = LOST_GRACE_S
    ring_count: int = 0
    # indexes by call id (the hot path must not scan every channel): kept by _track/_drop_ring
    legs_of: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    rings_of: dict[str, set[str]] = field(default_factory=dict)

    # ----- queries (pure reads for the shells) --------------------------------------------------
    def awaiting_outcome(self, call_id: str) -> bool:
        """A callback's last attempt has left the books but its outcome has not come."""
        return call_id in self.unreported

    def busy(self, call_id: str) -> bool:
        """In line, being called back, or its last attempt's outcome still to come."""
        return call_id in self.router.calls or call_id in self.unreported

    def step(self, event: Event, now: float) -> tuple[Lifecycle, list[Command]]:
        out: list[Command] = []
        match event:
            case QueueJoin():
                self._join(event, now, out)
            case ChannelHangup():
                self._hangup(event, now, out)
            case AgentChannel():
                self._new_channel(event, now, out)
            case OriginateResult():
                self._originated(event, now, out)
            case CallbackConnected():
                self._callback_connected(event, now, out)
            case CallbackGreeted():
                self._callback_greeted(event, now, out)
            case CallbackAttempt():
                self._callback_attempt(event, now, out)
            case NoticePlayed():
                self._release(event.call_id, now, out)
            case AmiLost():
                self._lost(event, now, out)
            case Resynced():
                self._resynced(event, now, out)
            case Tick():
                self._tick(now, out)
            case RouterCommand():
                self._route(event.apply(self.router, now), now, out)
            case AdmitCallback():
                self._admit(event, now, out)
            case Reserve():
                self.reserved.setdefault(event.call_id, False)
            case KeepPlace():
                self._keep_place(event, now, out)
            case Release():
                self._release_reserved(event.call_id, now, out)
            case Leave():
                self.callback_steps.discard(event.call_id)
                self._route(self.router.leave(event.call_id, now), now, out)
            case OfferStarted():
                self.in_offer.add(event.call_id)
                self.offered_callback.add(event.call_id)
            case OfferEnded():
                self.in_offer.discard(event.call_id)
            case TakeAnnouncements():
                out.append(Speak(event.call_id, tuple(self.announcements.pop(event.call_id, []))))
        return self, out

    # ----- the router ---------------------------------------------------------------------------
    def _route(self, outcome: Outcome, now: float, out: list[Command]) -> None:
        """Carry a router outcome through: its events published, its decisions made commands."""
        for event in outcome.events:
            out.append(Publish(event))
            if isinstance(event, CallEnded):
                self._ended(event, now)
        offering = {d.call_id for d in outcome.decisions if isinstance(d, OfferCallback)}
        offered = {d.call_id for d in outcome.decisions if isinstance(d, Offer)}
        for decision in outcome.decisions:  # announcements first: an Offer in the same outcome sees them
            if isinstance(decision, Announce):
                self.announcements.setdefault(decision.call_id, []).append(decision.prompt)
        withdrawn = {(d.call_id, d.agent_id): i for i, d in enumerate(outcome.decisions) if isinstance(d, CancelOffer)}
        for i, decision in enumerate(outcome.decisions):
            match decision:
                case Offer():
                    if withdrawn.get((decision.call_id, decision.agent_id), -1) > i:
                        continue  # taken back in the same breath (a timer fired, then keep_place): no ring
                    self._offer(decision, now, out)
                case CancelOffer():
                    self._cancel(decision.call_id, decision.agent_id, out)
                case Announce():
                    if decision.call_id not in offering and decision.call_id not in offered:
                        self._redirect(decision.call_id, "announce", out)
                case OfferCallback():
                    self.callback_steps.add(decision.call_id)
                    self._redirect(decision.call_id, "offer", out)


    def _ended(self, event: CallEnded, now: float) -> None:
        call_id = event.call_id
        self.offered_callback.discard(call_id)
        self.callback_steps.discard(call_id)
        self.announcements.pop(call_id, None)
        self.held.pop(call_id, None)
        self.lost_since.pop(call_id, None)
        if event.reason is GoneReason.UNANSWERED:  # tried again, by the task's outcome
            if call_id in self.early:
                self.early.discard(call_id)
            else:
                self.unreported[call_id] = now
        else:
            self.lines.pop(call_id, None)
            self._forget_caller(call_id)

    def _forget_caller(self, call_id: str) -> None:
        for key in self.legs_of.pop(call_id, ()):
            self.legs.pop(key, None)
        self.caller.pop(call_id, None)

    # ----- offers and rings ---------------------------------------------------------------------
    def _offer(self, offer: Offer, now: float, out: list[Command]) -> None:
        if not offer.callback and self.announcements.get(offer.call_id) and offer.call_id in self.caller \
                and offer.call_id not in self.in_offer:
            # A notice due as the offer is made (a Zhuang caller relaxed to a Mandarin agent): the
            # caller hears it first, then the agent's phone rings. (In the offer's conversation the
            # hold script plays pending announcements itself, after it.)
            node, channel = self.caller[offer.call_id]
            self.held[offer.call_id] = HeldRing(offer, now + NOTICE_LIMIT_S)
            out.append(Redirect(offer.call_id, channel, "announce", node))
            return
        self._ring(offer, now, out)

    def _release(self, call_id: str, now: float, out: list[Command], why: str = "") -> None:
        held = self.held.pop(call_id, None)
        if held is None:
            return
        if why:
            out.append(Note(f"call {call_id}: notice before the ring not confirmed ({why}); ringing anyway"))
        entry = self.router.calls.get(call_id)
        if entry is None or entry.state is not CallState.OFFERED or entry.agent_id != held.offer.agent_id:
            return  # taken back meanwhile (the caller hung up, the agent logged out): the router knows
        self._ring(held.offer, now, out)

    def _ring(self, offer: Offer, now: float, out: list[Command]) -> None:
        variables = [("HOTLINE_CALL_ID", offer.call_id), ("HOTLINE_AGENT", offer.agent_id)]
        caller_channel: str | None = None
        if offer.callback:
            line = self.lines.get(offer.call_id)
            if line is None:  # the task is gone (cancelled): nobody to call back
                self._route(self.router.leave(offer.call_id, now), now, out)
                return
            context, node = CALLBACK_AGENT_CONTEXT, ""
            variables += sorted(line.dial.items())
        else:
            context = AGENT_CONTEXT
            node, caller_channel = self.caller.get(offer.call_id, ("", offer.channel))
            variables.append(("HOTLINE_CALLER_CHANNEL", caller_channel))
        self.ring_count += 1
        # agent-<agent id>-<10 hex> (hotline.cluster.takeover reads rings back by this shape)
        ring_id = f"agent-{offer.agent_id}-{self.ring_prefix}{self.ring_count % 16**5:05x}"
        self.rings[ring_id] = Ring(ring_id, offer.call_id, offer.agent_id, node, offer.callback)
        self.rings_of.setdefault(offer.call_id, set()).add(ring_id)
        entry = self.router.calls.get(offer.call_id)
        caller_id = f'"12333" <{entry.call.masked_number}>' if entry is not None else "12333"
        out.append(Originate(ring_id, offer.call_id, offer.agent_id, offer.endpoint, context, offer.ring_timeout,
                             caller_id, tuple(variables), caller_channel, node))

    def _cancel(self, call_id: str, agent_id: str, out: list[Command]) -> None:
        held = self.held.get(call_id)
        if held is not None and held.offer.agent_id == agent_id:
            del self.held[call_id]  # its ring was never made
        for ring in self._rings_for(call_id):
            if ring.agent_id == agent_id and not ring.cancelled:
                ring.cancelled = True
                if ring.channel:
                    out.append(Hangup(ring.channel, ring.node))

    def _rings_for(self, call_id: str) -> list[Ring]:
        return [self.rings[r] for r in self.rings_of.get(call_id, ())]

    def _drop_ring(self, ring: Ring) -> None:
        del self.rings[ring.ring_id]
        ids = self.rings_of.get(ring.call_id)
        if ids is not None:
            ids.discard(ring.ring_id)
            if not ids:
                del self.rings_of[ring.call_id]

    def _redirect(self, call_id: str, exten: str, out: list[Command]) -> None:
        """To a waiting caller only: ringing or bridged, the next hold cycle plays it if still waiting."""
        where = self.caller.get(call_id)
        entry = self.router.calls.get(call_id)
        if where is None or call_id in self.in_offer or entry is None or entry.state is not CallState.WAITING:
            return
        out.append(Redirect(call_id, where[1], exten, where[0]))

    # ----- Asterisk's events --------------------------------------------------------------------
    def _join(self, join: QueueJoin, now: float, out: list[Command]) -> None:
        call = join.call
        if call.id in self.router.calls:  # a caller sent back to the queue already has a place
            if not self.router.calls[call.id].call.callback:
                self._track(call.id, join.node, join.uniqueid, call.channel)
            return
        self._track(call.id, join.node, join.uniqueid, call.channel)
        self._route(self.router.arrive(call, now), now, out)

    def _track(self, call_id: str, node: str, uniqueid: str, channel: str) -> None:
        self.legs[(node, uniqueid)] = Leg(call_id, channel, node)
        self.legs_of.setdefault(call_id, set()).add((node, uniqueid))
        self.caller[call_id] = (node, channel)

    def _hangup(self, hangup: ChannelHangup, now: float, out: list[Command]) -> None:
        leg = self.legs.pop((hangup.node, hangup.uniqueid), None)
        if leg is not None:
            call_id = leg.call_id
            self.legs_of.get(call_id, set()).discard((hangup.node, hangup.uniqueid))
            if self.caller.get(call_id) == (leg.node, leg.channel):
                del self.caller[call_id]
            self.announcements.pop(call_id, None)
            self.callback_steps.discard(call_id)
            self._release(call_id, now, out)  # a ring held back for a notice need not wait
            if call_id in self.reserved:  # becoming a callback: KeepPlace or Release decides
                self.reserved[call_id] = True
                return
            self._route(self.router.hangup(call_id, now, Party.CALLER), now, out)
            return
        ring = self.rings.get(hangup.uniqueid)
        if ring is None or ring.node != hangup.node or not ring.answered:
            # (An unanswered ring's channel hangs up before the Originate reports the miss: that
            # report, not this hang-up, tells the router.)
            return
        self._drop_ring(ring)
        if ring.callback and ring.caller_reached and not ring.greeted:
            # gone during the greeting: there was no conversation (the dialplan surveys no one)
            self._route(self.router.talk_started(ring.call_id, ring.agent_id, now), now, out)
        if ring.callback and not ring.caller_reached:
            self._route(self.router.callback_unanswered(ring.call_id, ring.agent_id, now), now, out)
        else:
            self._route(self.router.hangup(ring.call_id, now, Party.AGENT), now, out)

    def _new_channel(self, made: AgentChannel, now: float, out: list[Command]) -> None:
        ring = self.rings.get(made.ring_id)
        if ring is not None and ring.node == made.node:
            ring.channel = made.channel
            if ring.cancelled and not ring.answered:
                out.append(Hangup(made.channel, made.node))

    def _originated(self, result: OriginateResult, now: float, out: list[Command]) -> None:
        ring = self.rings.get(result.ring_id)
        if ring is None or ring.answered:
            return
        call_id, agent_id = ring.call_id, ring.agent_id
        if ring.cancelled:
            # Taken back: the router must not hear of it (the same agent may already ring for
            # the same call again, and the router knows offers by call and agent, not by ring).
            self._drop_ring(ring)
            if result.result is RingResult.ANSWERED and ring.channel:
                out.append(Hangup(ring.channel, ring.node))
            return
        if result.result is RingResult.ANSWERED:
            ring.answered = True
            self._route(self.router.answered(call_id, agent_id, now), now, out)
            entry = self.router.calls.get(call_id)
            if entry is None or entry.agent_id != agent_id or entry.state is not CallState.CONNECTED:
                # answered an offer already taken back (the caller went, or took a callback)
                self._drop_ring(ring)
                if ring.channel:
                    out.append(Hangup(ring.channel, ring.node))
            return
        self._drop_ring(ring)
        if result.result is RingResult.UNREACHABLE:
            out.append(Note(f"agent {agent_id}: phone could not be reached"))
            self._route(self.router.unreached(call_id, agent_id, now), now, out)
        else:
            reason = "busy" if result.result is RingResult.BUSY else "no_answer"
            self._route(self.router.ring_no_answer(call_id, agent_id, now, reason), now, out)

    def _callback_connected(self, connected: CallbackConnected, now: float, out: list[Command]) -> None:
        """A callback's caller picked up: their hang-up now ends the call like any caller's."""
        line = self.lines.get(connected.call_id)
        for ring in self._rings_for(connected.call_id):
            if ring.callback and ring.answered:
                ring.caller_reached = True
                self._track(connected.call_id, connected.node, connected.uniqueid, connected.channel)
        if line is not None and line.task == connected.task:
            self._report(connected.call_id, line.task, "ANSWER", out)

    def _callback_greeted(self, greeted: CallbackGreeted, now: float, out: list[Command]) -> None:
        for ring in self._rings_for(greeted.call_id):
            if ring.callback and ring.caller_reached:
                ring.greeted = True
                self._route(self.router.talk_started(ring.call_id, ring.agent_id, now), now, out)

    def _callback_attempt(self, attempt: CallbackAttempt, now: float, out: list[Command]) -> None:
        line = self.lines.get(attempt.call_id)
        if attempt.reached or line is None or line.task != attempt.task:
            return  # a call back that reached the caller was reported when it connected
        self._report(attempt.call_id, line.task, attempt.status, out)

    def _report(self, call_id: str, task: str, result: str, out: list[Command]) -> None:
        if result != "ANSWER":
            del self.lines[call_id]  # a next attempt is admitted with its own line
            if self.unreported.pop(call_id, None) is None:
                self.early.add(call_id)  # the router's report (the agent's hang-up) is still to come
        out.append(RecordCallback(call_id, task, result))

    # ----- the hold script's moves --------------------------------------------------------------


    def _keep_place(self, keep: KeepPlace, now: float, out: list[Command]) -> None:
        call_id = keep.call_id
        try:
            outcome = self.router.keep_place(call_id, now)
        except RouterError as exc:
            out.append(Refused(call_id, str(exc)))
            self._release_reserved(call_id, now, out)
            return
        self.reserved.pop(call_id, None)
        self.callback_steps.discard(call_id)
        self.announcements.pop(call_id, None)
        self.lines[call_id] = keep.line
        self._forget_caller(call_id)  # the line that accepted may hang up any time now
        self._route(outcome, now, out)

    def _release_reserved(self, call_id: str, now: float, out: list[Command]) -> None:
        if self.reserved.pop(call_id, False):  # its hang-up came meanwhile
            self._route(self.router.hangup(call_id, now, Party.CALLER), now, out)



    def _admit(self, admit: AdmitCallback, now: float, out: list[Command]) -> None:
        call = replace(admit.call, callback=True)
        if self.busy(call.id):
            out.append(Refused(call.id, "in line, or its last attempt's outcome is still to come"))
            return
        self.lines[call.id] = admit.line
        self._route(self.router.arrive(call, now, restored=True), now, out)

    # ----- time and the connection --------------------------------------------------------------
    def _tick(self, now: float, out: list[Command]) -> None:
        self._route(self.router.tick(now), now, out)
        for call_id in [c for c, h in self.held.items() if h.until <= now]:
            self._release(call_id, now, out, "timeout")
        for call_id in [c for c, at in self.unreported.items() if now - at > RESULT_WAIT_S]:
            out.append(Note(f"call {call_id}: no outcome reported for its last callback attempt"))
            del self.unreported[call_id]
        for call_id in [c for c, at in self.lost_since.items() if now - at >= self.lost_grace_s]:
            self._end_lost(call_id, now, out)

    def _lost(self, lost: AmiLost, now: float, out: list[Command]) -> None:
        """The callers waiting on that Asterisk are gone with it (or come back, place kept, when
        the resync reads the channels after the reconnect): they end now, as lost, with the wait
        they had; not as abandons timed at the resync. A deliberate close (the service stopping)
        leaves them to the next start. Bridged calls wait for the resync (see LOST_GRACE_S)."""
        if lost.deliberate:
            return
        ended = 0
        for call_id, entry in list(self.router.calls.items()):
            if self._node_of(call_id) != lost.node:
                continue
            if entry.state is CallState.CONNECTED:
                self.lost_since.setdefault(call_id, now)
            elif not entry.call.callback:
                self._forget_caller(call_id)
                self.reserved.pop(call_id, None)
                self._route(self.router.lost(call_id, now), now, out)
                ended += 1
        if ended:
            out.append(Note(f"Asterisk connection lost: {ended} waiting caller(s) ended as lost"))

    def _node_of(self, call_id: str) -> str:
        if call_id in self.caller:
            return self.caller[call_id][0]
        for ring in self._rings_for(call_id):
            return ring.node
        return ""

    def _end_lost(self, call_id: str, now: float, out: list[Command]) -> None:
        since = self.lost_since.pop(call_id)
        for ring in self._rings_for(call_id):
            self._drop_ring(ring)
        self._forget_caller(call_id)
        self._route(self.router.lost(call_id, now, since=since), now, out)

    def _resynced(self, resync: Resynced, now: float, out: list[Command]) -> None:
        """Make the books match Asterisk: waiting callers the router does not know join with their
        original enqueue time; waiting calls it knows that Asterisk no longer has are hung up.
        A bridged call seen lost at the disconnect is still going if its caller's or its agent's
        channel is alive (a blip: its hang-ups reach us again); else it ended with the loss."""
        for call_id in [c for c in self.lost_since if self._node_of(c) == resync.node]:
            ids = {u for (n, u) in self.legs_of.get(call_id, ()) if n == resync.node}
            ids |= self.rings_of.get(call_id, set())
            if ids & resync.alive:
                del self.lost_since[call_id]
            else:
                self._end_lost(call_id, now, out)
        live_ids = {c.call.id for c in resync.waiting}
        for gone, entry in [(cid, e) for cid, e in self.router.calls.items() if cid not in live_ids]:
            if entry.state is CallState.CONNECTED or entry.call.callback or self._node_of(gone) != resync.node:
                continue  # bridged calls and callbacks are not on hold; their hang-ups still reach us
            self._forget_caller(gone)
            self._route(self.router.hangup(gone, now, Party.CALLER), now, out)
        for item in resync.waiting:
            self._track(item.call.id, resync.node, item.uniqueid, item.call.channel)
            if item.call.id not in self.router.calls:
                self._route(self.router.arrive(item.call, now, restored=True), now, out)



def step(state: Lifecycle, event: Event, now: float) -> tuple[Lifecycle, list[Command]]:
    """One event at `now`: the state after it, and what the shells must do."""
    return state.step(event, now)
