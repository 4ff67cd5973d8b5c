"""The router's shell on Asterisk: feeds the pure Router what Asterisk reports, and carries
out its decisions through AMI.

Media stays in Asterisk (dialplans/hotline-agent.conf): callers wait on music on hold; an
Offer is an Originate of the agent's endpoint into hotline-agent-answer, which bridges the
agent with the caller only once the agent has answered. We chose Originate over Redirect
because the caller never leaves the music until someone is really there: a ring with no
answer (RONA) is invisible to the caller, who keeps their place.

A callback (virtual hold: the caller hung up and keeps their place) has no caller channel:
its Offer rings the agent into hotline-callback-agent, which dials the caller back once the
agent has answered (dialplans/hotline-callback.conf). Whoever keeps the callback tasks
(hotline.callbacks) tells the adapter how to reach the caller, through `callbacks`.

Identity: a call is its HOTLINE_CALL_ID (set by the menus, kept across Bridge's channel
yank); the caller's and the ringing agent's channels are tracked by Uniqueid for hang-ups.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from panoramisk.message import Message

from ivr.ami import AmiClient, AmiError
from ivr.userevents import CallbackConnected, QueueJoin, decode
from routing import (
    Announce,
    CancelOffer,
    Call,
    CallState,
    Decision,
    Offer,
    OfferCallback,
    Outcome,
    Party,
    Router,
    RouterError,
)
from routing.asterisk.resync import LiveCall, read_live_calls

log = logging.getLogger("routing.asterisk")

AGENT_CONTEXT = "hotline-agent-answer"
CALLBACK_AGENT_CONTEXT = "hotline-callback-agent"
HOLD_CONTEXT = "hotline-hold"
# The longest a notice due before a ring may hold the ring back (a notice runs about 5 s; a
# caller who cannot be sent to hear it, or a lost AGI, must not keep the agent waiting long).
NOTICE_LIMIT_S = 15.0
# OriginateResponse reasons that say the phone was never reached (0: no channel could be made,
# e.g. no such device or not registered; 8: congestion, the network refused), as opposed to a
# ring with no answer (3), busy (5) or a rejected call (1).
UNREACHABLE_REASONS = frozenset({"0", "8"})
EventListener = Callable[[object], None]


class CallbackDirectory(Protocol):
    def dial_variables(self, call_id: str) -> Mapping[str, str] | None:
        """Channel variables for hotline-callback-agent (how to dial the caller back), or
        None if there is no longer anyone to call."""


@dataclass(frozen=True)
class Bonuses:
    """Seconds of extra effective wait for a caller (the router caps their sum)."""

    elderly: float = 0.0
    repeat: float = 0.0


# What a joining caller's priority is, from the join event (caller number, flags the dialplan
# set); the service supplies it, so routing/ needs no database.
BonusPolicy = Callable[[QueueJoin], Awaitable[Bonuses]]


@dataclass
class _Ring:
    call_id: str
    agent_id: str
    channel: str | None = None  # the agent's channel name, once Asterisk has made it
    answered: bool = False
    callback: bool = False  # the agent's channel dials the caller back once answered
    caller_reached: bool = False  # (callback) the caller picked up


class RouterAdapter:
    def __init__(self, router: Router, ami: AmiClient, *, clock: Callable[[], float] = time.time,
                 tick_interval: float = 0.25, bonuses: BonusPolicy | None = None) -> None:
        self.router = router
        self.bonuses = bonuses
        self.ami = ami
        self.clock = clock
        self.tick_interval = tick_interval
        self.listeners: list[EventListener] = []  # router events, for metrics, audit and the API
        self.announcements: dict[str, list[str]] = {}  # call id -> prompts to play at next chance
        self._callers: dict[str, str] = {}  # caller Uniqueid -> call id
        self._call_channels: dict[str, str] = {}  # call id -> caller channel name
        self._rings: dict[str, _Ring] = {}  # agent channel Uniqueid (our ChannelId) -> ring
        self.callbacks: CallbackDirectory | None = None
        self.callback_steps: set[str] = set()  # waiting calls a ladder step says to offer a callback
        self._reserved: dict[str, bool] = {}  # call id -> the caller hung up while it was reserved
        # Callers in a conversation on hold (the callback offer): a Redirect would cut it off, so
        # what the router wants them to hear waits for the next hold announcement.
        self.in_conversation: set[str] = set()
        self._notices: dict[str, asyncio.Event] = {}  # call id -> set once its notice has played
        self._tasks: set[asyncio.Task[None]] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one router command at a time, in event order
        # In an active/standby pair, whether this service may act now (the lease, asked at the
        # moment of acting); a standby's decisions are dropped here, at the edge.
        self.may_act: Callable[[], bool] = lambda: True
        self._attached = False

    # lifecycle -------------------------------------------------------------------------
    def attach(self) -> None:
        self.ami.subscribe("UserEvent", self._on_user_event)
        self.ami.subscribe("Hangup", self._on_hangup)
        self.ami.subscribe("Newchannel", self._on_new_channel)
        self.ami.connected.connect(self.resync)
        self.ami.disconnected.connect(self._asterisk_gone)

    async def start(self) -> None:
        if not self._attached:  # started again after a stand-down: subscribed already
            self.attach()
            self._attached = True
        self._ticker = asyncio.create_task(self._tick_forever(), name="router-tick")
        if self.ami.is_connected:
            await self.resync()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, *(t for t in [self._ticker] if t), return_exceptions=True)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_interval)
            await self.command(lambda now: self.router.tick(now))

    async def command(self, apply: Callable[[float], Outcome]) -> Outcome:
        """Run one router command with the clock now and carry out what it decides."""
        async with self._lock:
            outcome = apply(self.clock())
        self._carry_out(outcome)
        return outcome

    # what Asterisk tells us ------------------------------------------------------------
    async def _on_user_event(self, message: Message) -> None:
        event = decode(message)
        if isinstance(event, CallbackConnected):
            self._caller_reached(event)
            return
        if not isinstance(event, QueueJoin):
            return
        call = self._call_from(event)
        if call.id in self.router.calls:  # a caller sent back to the queue already has a place
            return
        if self.bonuses is not None:
            try:
                bonus = await self.bonuses(event)
                call = replace(call, elderly_bonus=bonus.elderly, repeat_bonus=bonus.repeat)
            except Exception:  # a priority lookup must never keep a caller out of the queue
                log.exception("priority bonus lookup failed for call %s", call.id)
        self._track_caller(call.id, event.origin.uniqueid, call.channel)
        await self.command(lambda now: self.router.arrive(call, now))

    def _call_from(self, join: QueueJoin) -> Call:
        enqueued = join.enqueue_time
        return Call(
            id=join.call_id,
            channel=join.origin.channel,
            dialect=join.dialect,
            business=join.business,
            caller_number=join.origin.caller_number,
            enqueue_time=enqueued if enqueued is not None else self.clock(),
        )

    def _track_caller(self, call_id: str, uniqueid: str, channel: str) -> None:
        self._callers[uniqueid] = call_id
        self._call_channels[call_id] = channel

    def _caller_reached(self, connected: CallbackConnected) -> None:
        """A callback's caller picked up: their hang-up now ends the call like any caller's."""
        for ring in self._rings.values():
            if ring.call_id == connected.call_id and ring.callback:
                ring.caller_reached = True
                self._track_caller(connected.call_id, connected.origin.uniqueid, connected.origin.channel)

    def _on_new_channel(self, message: Message) -> None:
        ring = self._rings.get(message.get("Uniqueid", ""))
        if ring is not None:
            ring.channel = message.get("Channel")

    async def _on_hangup(self, message: Message) -> None:
        uniqueid = message.get("Uniqueid", "")
        if (call_id := self._callers.pop(uniqueid, None)) is not None:
            self._call_channels.pop(call_id, None)
            self.announcements.pop(call_id, None)
            self.announced(call_id)  # a ring held back for a notice need not wait any longer
            self.callback_steps.discard(call_id)
            if call_id in self._reserved:  # becoming a callback: keep_place or release decides
                self._reserved[call_id] = True
                return
            await self.command(lambda now: self.router.hangup(call_id, now, Party.CALLER))
        elif (ring := self._rings.get(uniqueid)) is not None and ring.answered:
            # (An unanswered ring's channel hangs up before the Originate reports the miss:
            # that report, not this hang-up, tells the router.)
            del self._rings[uniqueid]
            if ring.callback and not ring.caller_reached:
                await self.command(lambda now: self.router.callback_unanswered(ring.call_id, ring.agent_id, now))
            else:
                await self.command(lambda now: self.router.hangup(ring.call_id, now, Party.AGENT))

    # what the router decides -----------------------------------------------------------
    def _carry_out(self, outcome: Outcome) -> None:
        if not self.may_act():
            return  # a standby's books are thrown away when it becomes active
        for event in outcome.events:
            for listener in self.listeners:
                try:
                    listener(event)
                except Exception:
                    log.exception("router event listener failed")
        offering = {d.call_id for d in outcome.decisions if isinstance(d, OfferCallback)}
        for decision in outcome.decisions:
            if isinstance(decision, Announce):
                # pending before any decision runs, so an Offer in the same outcome sees it
                self.announcements.setdefault(decision.call_id, []).append(decision.prompt)
                if decision.call_id in offering:
                    continue  # one Redirect, not two racing: the offer plays pending announcements first
            self._spawn(self._decide(decision))

    async def _decide(self, decision: Decision) -> None:
        try:
            match decision:
                case Offer():
                    await self._ring(decision)
                case CancelOffer():
                    await self._cancel(decision)
                case Announce():
                    await self._redirect_to_announcement(decision.call_id)
                case OfferCallback():
                    self.callback_steps.add(decision.call_id)
                    await self._redirect_to_hold(decision.call_id, "offer")
        except AmiError as exc:
            log.warning("router decision %s not carried out: %s", type(decision).__name__, exc)

    async def _ring(self, offer: Offer) -> None:
        if not offer.callback and self.announcements.get(offer.call_id):
            # A notice due as the offer is made (a Zhuang caller relaxed to a Mandarin agent):
            # the caller hears it first, then the agent's phone rings.
            await self._announce_before_ring(offer.call_id)
            entry = self.router.calls.get(offer.call_id)
            if entry is None or entry.state is not CallState.OFFERED or entry.agent_id != offer.agent_id:
                return  # taken back meanwhile (the caller hung up): the router already knows
        # unique across service restarts: Asterisk refuses a ChannelId a live channel still has
        ring_id = f"agent-{offer.agent_id}-{secrets.token_hex(5)}"
        self._rings[ring_id] = _Ring(offer.call_id, offer.agent_id, callback=offer.callback)
        variables = {"HOTLINE_CALL_ID": offer.call_id, "HOTLINE_AGENT": offer.agent_id}
        try:
            if offer.callback:
                context = CALLBACK_AGENT_CONTEXT
                dial = self.callbacks.dial_variables(offer.call_id) if self.callbacks else None
                if dial is None:  # the task is gone (cancelled): nobody to call back
                    self._rings.pop(ring_id, None)
                    await self.command(lambda now: self.router.leave(offer.call_id, now))
                    return
                variables.update(dial)
            else:
                context = AGENT_CONTEXT
                caller = self._call_channels.get(offer.call_id, offer.channel)
                variables["HOTLINE_CALLER_CHANNEL"] = caller
                # the survey after the call rates this agent
                await self.ami.send({"Action": "Setvar", "Channel": caller, "Variable": "HOTLINE_AGENT",
                                     "Value": offer.agent_id})
            if not self.may_act():  # the lease lapsed while this ring waited for its notice
                self._rings.pop(ring_id, None)
                return
            replies = await self.ami.send_all({
                "Action": "Originate",
                "Channel": offer.endpoint,
                "Context": context,
                "Exten": "s",
                "Priority": "1",
                "Async": "true",
                "ChannelId": ring_id,
                "OtherChannelId": ring_id + "-far",
                "Timeout": str(int(offer.ring_timeout * 1000)),
                "CallerID": f'"12333" <{self.router.calls[offer.call_id].call.masked_number}>'
                if offer.call_id in self.router.calls else "12333",
                "Variable": [f"{name}={value}" for name, value in variables.items()],
            }, timeout=offer.ring_timeout + 5)
            answered = replies[-1].get("Response") == "Success"
            unreached = not answered and replies[-1].get("Reason", "") in UNREACHABLE_REASONS
        except AmiError as exc:
            log.warning("ringing agent %s failed: %s", offer.agent_id, exc)
            answered = unreached = False
        if answered:
            self._rings[ring_id].answered = True
            await self.command(lambda now: self.router.answered(offer.call_id, offer.agent_id, now))
        elif unreached:
            self._rings.pop(ring_id, None)
            log.warning("agent %s: phone %s could not be reached", offer.agent_id, offer.endpoint)
            await self.command(lambda now: self.router.unreached(offer.call_id, offer.agent_id, now))
        else:
            self._rings.pop(ring_id, None)
            await self.command(lambda now: self.router.ring_no_answer(offer.call_id, offer.agent_id, now))

    async def _announce_before_ring(self, call_id: str) -> None:
        channel = self._call_channels.get(call_id)
        if channel is None or call_id in self.in_conversation:
            return  # a conversation on hold plays pending announcements itself
        played = self._notices.setdefault(call_id, asyncio.Event())
        try:
            await self.ami.send({"Action": "Redirect", "Channel": channel, "Context": HOLD_CONTEXT,
                                 "Exten": "announce", "Priority": "1"})
            async with asyncio.timeout(NOTICE_LIMIT_S):
                await played.wait()
        except (AmiError, TimeoutError) as exc:
            log.warning("call %s: notice before the ring not confirmed (%s); ringing anyway", call_id, exc or "timeout")
        finally:
            self._notices.pop(call_id, None)

    def announced(self, call_id: str) -> None:
        """The hold script has played the call's pending announcements (or the caller left)."""
        if (played := self._notices.get(call_id)) is not None:
            played.set()

    async def _cancel(self, cancel: CancelOffer) -> None:
        for ring in list(self._rings.values()):
            if ring.call_id == cancel.call_id and ring.agent_id == cancel.agent_id and ring.channel:
                await self.ami.send({"Action": "Hangup", "Channel": ring.channel}, check=False)

    async def _redirect_to_announcement(self, call_id: str) -> None:
        await self._redirect_to_hold(call_id, "announce")

    async def _redirect_to_hold(self, call_id: str, exten: str) -> None:
        """Send a waiting caller to hear something at once (hotline-hold `announce`, `offer`)."""
        channel = self._call_channels.get(call_id)
        if channel is None or call_id in self.in_conversation:
            return
        entry = self.router.calls.get(call_id)
        if entry is None or entry.state is not CallState.WAITING:
            return  # ringing or bridged: the next hold cycle plays it if still waiting
        await self.ami.send({"Action": "Redirect", "Channel": channel, "Context": HOLD_CONTEXT,
                             "Exten": exten, "Priority": "1"}, check=False)

    def take_announcements(self, call_id: str) -> list[str]:
        return self.announcements.pop(call_id, [])

    # the shell's own moves for a waiting caller -----------------------------------------
    def reserve(self, call_id: str) -> None:
        """The caller has just confirmed a callback: until keep_place or release, their hang-up
        is held back (callers often hang up the moment they have pressed the key)."""
        self._reserved.setdefault(call_id, False)

    async def keep_place(self, call_id: str) -> bool:
        """The caller took a callback: their line's hang-up is no longer an abandon. False if
        the call can no longer become one (an agent has just answered it, or it is gone)."""
        try:
            await self.command(lambda now: self.router.keep_place(call_id, now))
        except RouterError as exc:
            log.info("call %s cannot become a callback: %s", call_id, exc)
            await self.release(call_id)
            return False
        self._reserved.pop(call_id, None)
        self.callback_steps.discard(call_id)
        self.announcements.pop(call_id, None)
        for uniqueid in [u for u, c in self._callers.items() if c == call_id]:
            del self._callers[uniqueid]  # the line that accepted may hang up any time now
        self._call_channels.pop(call_id, None)
        return True

    async def release(self, call_id: str) -> None:
        """A reserved call stays an ordinary one (the callback could not be recorded)."""
        if self._reserved.pop(call_id, False):  # its hang-up came meanwhile
            await self.command(lambda now: self.router.hangup(call_id, now, Party.CALLER))

    async def leave(self, call_id: str) -> None:
        """The caller leaves the queue but not the call (to leave a message)."""
        self.callback_steps.discard(call_id)
        await self.command(lambda now: self.router.leave(call_id, now))

    async def _asterisk_gone(self, reason: str) -> None:
        """The AMI connection dropped: the callers waiting on that Asterisk are gone with it
        (or come back, place kept, when resync reads the channels after the reconnect). They
        end now, as lost, with the wait they had; not as abandons timed at the resync. A
        deliberate close (the service stopping) leaves them to the next start."""
        if reason == "closed":
            return
        waiting = [cid for cid, entry in self.router.calls.items()
                   if entry.state is not CallState.CONNECTED and not entry.call.callback]
        for call_id in waiting:
            for uniqueid in [u for u, c in self._callers.items() if c == call_id]:
                del self._callers[uniqueid]
            self._call_channels.pop(call_id, None)
            self.announcements.pop(call_id, None)
            self.callback_steps.discard(call_id)
            await self.command(lambda now, cid=call_id: self.router.lost(cid, now))
        if waiting:
            log.warning("Asterisk connection lost (%s): %d waiting caller(s) ended as lost", reason, len(waiting))

    # after a reconnect or a service restart ---------------------------------------------
    async def resync(self) -> None:
        """Make the router's books match Asterisk: callers waiting on hold that it does not
        know join with their original enqueue time; calls it knows that Asterisk no longer
        has are hung up."""
        if not self.may_act():
            return  # a standby reads the callers back when it becomes active
        try:
            live = await read_live_calls(self.ami, HOLD_CONTEXT)
        except AmiError as exc:
            log.warning("router resync failed: %s", exc)
            return
        live_ids = {c.call_id for c in live}
        for gone in [cid for cid in list(self.router.calls) if cid not in live_ids]:
            entry = self.router.calls[gone]
            if entry.state is CallState.CONNECTED or entry.call.callback:
                continue  # bridged calls and callbacks are not on hold; their hang-ups still reach us
            await self.command(lambda now, cid=gone: self.router.hangup(cid, now, Party.CALLER))
        for item in live:
            self._track_caller(item.call_id, item.uniqueid, item.channel)
            if item.call_id not in self.router.calls:
                call = _restored_call(item)
                await self.command(lambda now, c=call: self.router.arrive(c, now, restored=True))
        if live:
            log.info("router resync: %d caller(s) waiting on Asterisk", len(live))

    def _spawn(self, coro) -> None:  # type: ignore[no-untyped-def]
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _restored_call(item: LiveCall) -> Call:
    return Call(id=item.call_id, channel=item.channel, dialect=item.dialect, business=item.business,
                caller_number=item.caller_number, enqueue_time=item.enqueued)
