"""The router's shell on Asterisk: translates what Asterisk reports into the call lifecycle
core's typed events (routing.lifecycle), and carries out the commands it returns through AMI.
It decides nothing and keeps no call state of its own.

Media stays in Asterisk (dialplans/hotline-agent.conf): callers wait on music on hold; an
Offer is an Originate of the agent's endpoint into hotline-agent-answer, which bridges the
agent with the caller only once the agent has answered. We chose Originate over Redirect
because the caller never leaves the music until someone is really there: a ring with no
answer (RONA) is invisible to the caller, who keeps their place.

A callback (virtual hold: the caller hung up and keeps their place) has no caller channel:
its Offer rings the agent into hotline-callback-agent, which dials the caller back once the
agent has answered (dialplans/hotline-callback.conf). Whoever keeps the callback tasks
(hotline.callbacks) gives the core each task's dial variables as it goes in line, and is told
each attempt's outcome once, through `callbacks`.

Identity: a call is its HOTLINE_CALL_ID (set by the menus, kept across Bridge's channel
yank); the caller's and the ringing agent's channels are tracked by Uniqueid for hang-ups.

Several Asterisk nodes (config/cluster.yaml): one AMI connection per node, one router over
all. Every event is stamped with the node whose connection reported it, and every command
goes to the node it names: a caller waiting on node A is rung to any agent by an Originate on
node A (which reaches the agent's phone through Kamailio). Losing one node's connection ends
that node's waiting callers at once; a reconnect resyncs that node alone.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Protocol

from panoramisk.message import Message

from ivr.ami import AmiClient, AmiError
from ivr.userevents import CallbackAttempt, CallbackConnected, CallbackGreeted, QueueJoin, decode
from routing import Call, Outcome, Router
from routing import lifecycle as lc
from routing.asterisk.resync import LiveCall, read_live_calls

log = logging.getLogger("routing.asterisk")

AGENT_CONTEXT = lc.AGENT_CONTEXT
CALLBACK_AGENT_CONTEXT = lc.CALLBACK_AGENT_CONTEXT
HOLD_CONTEXT = "hotline-hold"
NOTICE_LIMIT_S = lc.NOTICE_LIMIT_S
# OriginateResponse reasons that say the phone was never reached (0: no channel could be made,
# e.g. no such device or not registered; 8: congestion, the network refused), as opposed to a
# ring with no answer (3), busy (5) or a rejected call (1).
UNREACHABLE_REASONS = frozenset({"0", "8"})
BUSY_REASONS = frozenset({"5"})
EventListener = Callable[[object], None]


class CallbackDirectory(Protocol):
    async def attempt_done(self, call_id: str, task: str, result: str) -> None:
        """One callback attempt's outcome ("ANSWER" or the DIALSTATUS), told once per attempt."""


@dataclass(frozen=True)
class Bonuses:
    """Seconds of extra effective wait for a caller (the router caps their sum)."""

    elderly: float = 0.0
    repeat: float = 0.0


# What a joining caller's priority is, from the join event (caller number, flags the dialplan
# set); the service supplies it, so routing/ needs no database.
BonusPolicy = Callable[[QueueJoin], Awaitable[Bonuses]]


class RouterAdapter:
    def __init__(self, router: Router, ami: AmiClient, *, clock: Callable[[], float] = time.time,
                 tick_interval: float = 0.25, bonuses: BonusPolicy | None = None, node: str = "",
                 others: Mapping[str, AmiClient] | None = None) -> None:
        self.lifecycle = lc.Lifecycle(router, ring_prefix=secrets.token_hex(3)[:5])
        self.bonuses = bonuses
        self.ami = ami  # the first node's (the features that still speak to one Asterisk use it)
        self.node = node  # which Asterisk this connection is ("" while there is one)
        # every node's connection by node id: `ami` as `node`, then the others (cluster.yaml)
        self.amis: dict[str, AmiClient] = {node: ami, **(others or {})}
        if len(self.amis) != 1 + len(others or {}):
            raise ValueError(f"node {node!r} is named twice")
        self.clock = clock
        self.tick_interval = tick_interval
        self.listeners: list[EventListener] = []  # router events, for metrics, audit and the API
        self.callbacks: CallbackDirectory | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ticker: asyncio.Task[None] | None = None
        # In an active/standby pair, whether this service may act now (the lease, asked at the
        # moment of acting); a standby's commands are dropped here, at the edge.
        self.may_act: Callable[[], bool] = lambda: True
        self._attached = False

    @property
    def router(self) -> Router:
        return self.lifecycle.router

    @router.setter
    def router(self, router: Router) -> None:  # (config reload swaps in a rebuilt router)
        self.lifecycle.router = router

    # lifecycle -------------------------------------------------------------------------
    def attach(self) -> None:
        for node, ami in self.amis.items():  # each handler knows which node reported the event
            ami.subscribe("UserEvent", partial(self._on_user_event, node=node))
            ami.subscribe("Hangup", partial(self._on_hangup, node=node))
            ami.subscribe("Newchannel", partial(self._on_new_channel, node=node))
            ami.connected.connect(partial(self.resync_node, node))
            ami.disconnected.connect(partial(self._asterisk_gone, node=node))

    async def start(self) -> None:
        if not self._attached:  # started again after a stand-down: subscribed already
            self.attach()
            self._attached = True
        self._ticker = asyncio.create_task(self._tick_forever(), name="router-tick")
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
            self.step(lc.Tick())

    def step(self, event: lc.Event) -> list[lc.Command]:
        """Feed the core one event at the clock's now and carry out its commands. Synchronous,
        so events are applied one at a time in the order they arrive."""
        _, commands = self.lifecycle.step(event, self.clock())
        if self.may_act():  # (a standby's books are thrown away when it becomes active)
            for command in commands:
                self._carry_out(command)
        return commands

    async def command(self, apply: Callable[[float], Outcome]) -> Outcome:
        """Run one router command with the clock now and carry out what it decides."""
        outcomes: list[Outcome] = []

        def run(_router: Router, now: float) -> Outcome:
            outcomes.append(apply(now))
            return outcomes[0]

        self.step(lc.RouterCommand(run))
        return outcomes[0]

    # what Asterisk tells us ------------------------------------------------------------
    async def _on_user_event(self, message: Message, node: str = "") -> None:
        event = decode(message)
        match event:
            case QueueJoin():
                await self._join(event, node)
            case CallbackConnected():
                self.step(lc.CallbackConnected(event.call_id, event.task, event.origin.uniqueid, event.origin.channel,
                                               node))
            case CallbackGreeted():
                self.step(lc.CallbackGreeted(event.call_id, event.task, node))
            case CallbackAttempt():
                self.step(lc.CallbackAttempt(event.call_id, event.task, event.status, event.reached == "1", node))

    async def _join(self, join: QueueJoin, node: str = "") -> None:
        call = self._call_from(join)
        if self.bonuses is not None and call.id not in self.router.calls:
            try:
                bonus = await self.bonuses(join)
                call = replace(call, elderly_bonus=bonus.elderly, repeat_bonus=bonus.repeat)
            except Exception:  # a priority lookup must never keep a caller out of the queue
                log.exception("priority bonus lookup failed for call %s", call.id)
        self.step(lc.QueueJoin(call, join.origin.uniqueid, node))

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

    def _on_new_channel(self, message: Message, node: str = "") -> None:
        uniqueid = message.get("Uniqueid", "")
        if uniqueid in self.lifecycle.rings:  # (the only channels it wants to hear of)
            self.step(lc.AgentChannel(uniqueid, message.get("Channel", ""), node))

    def _on_hangup(self, message: Message, node: str = "") -> None:
        self.step(lc.ChannelHangup(message.get("Uniqueid", ""), node))

    def _ami_of(self, node: str) -> AmiClient:
        """The connection a command for `node` goes to; a command for no node in particular
        (a callback's ring: "") goes to the first node that is connected."""
        ami = self.amis.get(node)
        if ami is not None:
            return ami
        return next((a for a in self.amis.values() if a.is_connected), self.ami)

    # what the core decides -------------------------------------------------------------
    def _carry_out(self, command: lc.Command) -> None:
        match command:
            case lc.Publish():
                for listener in self.listeners:
                    try:
                        listener(command.event)
                    except Exception:
                        log.exception("router event listener failed")
            case lc.Originate():
                self._spawn(self._originate(command))
            case lc.Redirect():
                self._spawn(self._redirect(command))
            case lc.Hangup():
                self._spawn(self._hang_up(command))
            case lc.RecordCallback():
                if self.callbacks is not None:
                    self._spawn(self.callbacks.attempt_done(command.call_id, command.task, command.result))
            case lc.Note():
                log.warning("%s", command.message)
            case lc.Speak() | lc.Refused():
                pass  # answers to the caller of step()

    async def _hang_up(self, hangup: lc.Hangup) -> None:
        try:
            await self._ami_of(hangup.node).send({"Action": "Hangup", "Channel": hangup.channel}, check=False)
        except AmiError as exc:
            log.warning("hang-up of %s not carried out: %s", hangup.channel, exc)

    async def _originate(self, ring: lc.Originate) -> None:
        result = lc.RingResult.NO_ANSWER
        ami = self._ami_of(ring.node)  # the caller's node rings the agent (through Kamailio)
        try:
            if ring.caller_channel is not None:  # the survey after the call rates this agent
                await ami.send({"Action": "Setvar", "Channel": ring.caller_channel, "Variable": "HOTLINE_AGENT",
                                     "Value": ring.agent_id})
            if not self.may_act():  # the lease lapsed meanwhile: the offer expires in the router
                return
            replies = await ami.send_all({
                "Action": "Originate",
                "Channel": ring.endpoint,
                "Context": ring.context,
                "Exten": "s",
                "Priority": "1",
                "Async": "true",
                "ChannelId": ring.ring_id,
                "OtherChannelId": ring.ring_id + "-far",
                "Timeout": str(int(ring.ring_timeout * 1000)),
                "CallerID": ring.caller_id,
                "Variable": [f"{name}={value}" for name, value in ring.variables],
            }, timeout=ring.ring_timeout + 5)
            reason = replies[-1].get("Reason", "")
            if replies[-1].get("Response") == "Success":
                result = lc.RingResult.ANSWERED
            elif reason in UNREACHABLE_REASONS:
                result = lc.RingResult.UNREACHABLE
            elif reason in BUSY_REASONS:
                result = lc.RingResult.BUSY
        except AmiError as exc:
            log.warning("ringing agent %s failed: %s", ring.agent_id, exc)
        self.step(lc.OriginateResult(ring.ring_id, result, ring.node))

    async def _redirect(self, redirect: lc.Redirect) -> None:
        try:
            await self._ami_of(redirect.node).send({"Action": "Redirect", "Channel": redirect.channel, "Context": HOLD_CONTEXT,
                                 "Exten": redirect.exten, "Priority": "1"})
        except AmiError as exc:
            log.warning("call %s: could not send the caller to hear %s (%s)", redirect.call_id, redirect.exten, exc)
            self.step(lc.NoticePlayed(redirect.call_id))  # nothing may wait for it

    # the hold script's and the callback service's moves ---------------------------------
    def take_announcements(self, call_id: str) -> list[str]:
        for command in self.step(lc.TakeAnnouncements(call_id)):
            if isinstance(command, lc.Speak):
                return list(command.prompts)
        return []

    def announced(self, call_id: str) -> None:
        """The hold script has played the call's pending announcements (or the caller left)."""
        self.step(lc.NoticePlayed(call_id))

    def callback_offer(self, call_id: str, started: bool) -> None:
        """The hold script's callback offer starts or ends (a Redirect would cut it off)."""
        self.step(lc.OfferStarted(call_id) if started else lc.OfferEnded(call_id))

    def reserve(self, call_id: str) -> None:
        """The caller has just confirmed a callback: until keep_place or release, their hang-up
        is held back (callers often hang up the moment they have pressed the key)."""
        self.step(lc.Reserve(call_id))

    async def keep_place(self, call_id: str, line: lc.CallbackLine | None = None) -> bool:
        """The caller took a callback: their line's hang-up is no longer an abandon. False if
        the call can no longer become one (an agent has just answered it, or it is gone)."""
        for command in self.step(lc.KeepPlace(call_id, line or lc.CallbackLine(""))):
            if isinstance(command, lc.Refused):
                log.info("call %s cannot become a callback: %s", call_id, command.reason)
                return False
        return True

    async def release(self, call_id: str) -> None:
        """A reserved call stays an ordinary one (the callback could not be recorded)."""
        self.step(lc.Release(call_id))

    async def leave(self, call_id: str) -> None:
        """The caller leaves the queue but not the call (to leave a message)."""
        self.step(lc.Leave(call_id))

    async def admit_callback(self, call: Call, line: lc.CallbackLine) -> bool:
        """A due callback task goes in line; False if it is in line already or its last
        attempt's outcome is still to come."""
        return not any(isinstance(c, lc.Refused) for c in self.step(lc.AdmitCallback(call, line)))

    def _asterisk_gone(self, reason: str, node: str = "") -> None:
        """One node's connection dropped: only that node's callers are affected (Lifecycle._lost)."""
        self.step(lc.AmiLost(node, deliberate=reason == "closed"))

    # after a reconnect or a service restart ---------------------------------------------
    async def resync(self) -> None:
        """Make the core's books match every connected node's channels, node by node."""
        for node, ami in self.amis.items():
            if ami.is_connected:
                await self.resync_node(node)

    async def resync_node(self, node: str) -> None:
        """Make the core's books match one node's channels (see Lifecycle._resynced): the
        other nodes' calls are not touched."""
        if not self.may_act():
            return  # a standby reads the callers back when it becomes active
        try:
            live, alive = await read_live_calls(self.amis[node], HOLD_CONTEXT)
        except AmiError as exc:
            log.warning("router resync of node %r failed: %s", node, exc)
            return
        waiting = tuple(lc.LiveChannel(_restored_call(item), item.uniqueid) for item in live)
        self.step(lc.Resynced(waiting, frozenset(alive), node))
        if live:
            log.info("router resync of node %r: %d caller(s) waiting on Asterisk", node, len(live))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _restored_call(item: LiveCall) -> Call:
    return Call(id=item.call_id, channel=item.channel, dialect=item.dialect, business=item.business,
                caller_number=item.caller_number, enqueue_time=item.enqueued)
