"""Property tests of the call lifecycle core (routing.lifecycle): hypothesis picks, at every
step, which of the things Asterisk could report next is reported (a caller hangs up, a ring's
channel appears, its Originate replies, the agent hangs up, a callback's caller picks up, the
dialplan's attempt report, a notice ends, the AMI connection drops and comes back, time
passes), so every order of the reports that race is tried, including the orders behind issue
15's defects 2 (notice vs ring), 3 (unreachable phones), 4 (a dead Asterisk), 6 (an attempt's
two reports) and 9 (the agent gone during the callback greeting).

The world below is what Asterisk and the callback service would do; it carries out the core's
commands and never looks at the core's state, except as the callback service does (`busy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import Call, GoneReason, Ladder, LadderStep, Requirement, Router, RouterConfig
from routing import lifecycle as lc
from routing.events import (
    AgentComplete, CallEnded, QueueCallerAbandon, QueueCallerJoin, QueueCallerStepChanged,
)
from tests.routing.world import agent

NOTICE = "mandarin_agent_notice"
MAX_ATTEMPTS = 2


def config() -> RouterConfig:
    ladders = {
        ("mandarin", "pension"): Ladder((LadderStep(0, Requirement.of(mandarin=3)),)),
        ("zhuang", "pension"): Ladder((LadderStep(0, Requirement.of(zhuang=4)),
                                       LadderStep(2, Requirement.of(mandarin=3), announce=NOTICE))),
    }
    return RouterConfig(ladders=ladders, ring_timeout=3, max_consecutive_misses=3, default_wrap_up_seconds=1,
                        retry_seconds=1, scarce_horizon_seconds=0)


@dataclass
class RingModel:
    ring_id: str
    call_id: str
    agent_id: str
    callback: bool
    channel: str | None = None
    answered: bool = False
    hung_up: bool = False  # the core told Asterisk to hang it up
    caller_up: bool = False  # (callback) the caller picked up
    greeted: bool = False
    attempt_reported: bool = False
    agent_gone: bool = False


@dataclass
class Task:
    call_id: str
    attempts: int = 0
    done: bool = False
    dialled: int = 0  # rings answered by an agent (the caller is dialled then)


@dataclass
class World:
    lifecycle: lc.Lifecycle
    now: float = 0.0
    legs: dict[str, str] = field(default_factory=dict)  # caller uniqueid -> call id (channel up)
    rings: dict[str, RingModel] = field(default_factory=dict)  # live ring channels
    notices: list[str] = field(default_factory=list)  # calls redirected to hear announcements
    tasks: dict[str, Task] = field(default_factory=dict)
    reserved: set[str] = field(default_factory=set)
    connected: bool = True
    joined: dict[str, int] = field(default_factory=dict)
    ended: dict[str, list[GoneReason]] = field(default_factory=dict)
    hung_up_callers: set[str] = field(default_factory=set)
    resync_missed: set[str] = field(default_factory=set)  # waiting calls a resync did not find
    notice_due: set[str] = field(default_factory=set)  # a notice due, not yet heard
    notice_timed_out: set[str] = field(default_factory=set)
    greeted_at: dict[str, float] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    serial: int = 0

    # feeding the core, carrying out its commands -------------------------------------------
    def feed(self, event: lc.Event) -> list[lc.Command]:
        _, commands = lc.step(self.lifecycle, event, self.now)
        for command in commands:
            self.carry_out(command)
        return commands

    def carry_out(self, command: lc.Command) -> None:
        match command:
            case lc.Publish(event=event):
                self.observe(event)
            case lc.Originate():
                self.originated(command)
            case lc.Redirect(call_id=call_id, exten=exten):
                if exten == "announce" and call_id in self.legs.values():
                    self.notices.append(call_id)
            case lc.Hangup(channel=channel):
                for ring in self.rings.values():
                    if ring.channel == channel:
                        ring.hung_up = True
            case lc.RecordCallback(call_id=call_id, result=result):
                task = self.tasks.get(call_id)
                if task is None or task.done:
                    self.violations.append(f"callback {call_id} reported after it was done")
                    return
                task.attempts += 1
                task.done = result == "ANSWER" or task.attempts >= MAX_ATTEMPTS
            case lc.Note(message=message):
                if "timeout" in message:
                    self.notice_timed_out.update(c for c in self.notice_due if f"call {c}:" in message)
            case lc.Speak(call_id=call_id, prompts=prompts):
                if NOTICE in prompts:
                    self.notice_due.discard(call_id)

    def observe(self, event: object) -> None:
        match event:
            case QueueCallerJoin(call_id=call_id):
                if self.joined.get(call_id, 0) != len(self.ended.get(call_id, [])):
                    self.violations.append(f"{call_id} joined while still in the books")
                self.joined[call_id] = self.joined.get(call_id, 0) + 1
            case CallEnded(call_id=call_id, reason=reason):
                self.ended.setdefault(call_id, []).append(reason)
                if len(self.ended[call_id]) > self.joined.get(call_id, 0):
                    self.violations.append(f"{call_id} ended more often than it joined")
                if reason is GoneReason.ABANDONED and call_id not in self.hung_up_callers | self.resync_missed:
                    self.violations.append(f"{call_id} abandoned, but its caller never hung up")
                self.notice_due.discard(call_id)
            case QueueCallerAbandon(call_id=call_id) if call_id in self.tasks:
                self.violations.append(f"callback {call_id} abandoned")
            case QueueCallerStepChanged(call_id=call_id, to_step=1) if call_id.startswith("z"):
                if call_id in self.legs.values():
                    self.notice_due.add(call_id)
            case AgentComplete(call_id=call_id, talk_time=talk) if call_id in self.tasks:
                since = self.greeted_at.get(call_id)
                if talk > (self.now - since if since is not None else 0) + 1e-9:
                    self.violations.append(f"callback {call_id}: talk {talk} counts time before the greeting ended")

    def originated(self, ring: lc.Originate) -> None:
        for other in self.rings.values():
            if other.agent_id == ring.agent_id and other.answered and not other.hung_up and not other.agent_gone:
                self.violations.append(f"agent {ring.agent_id} offered {ring.call_id} while on {other.call_id}")
        callback = ring.context == lc.CALLBACK_AGENT_CONTEXT
        if not callback and ring.call_id in self.notice_due and ring.call_id in self.legs.values() \
                and ring.call_id not in self.notice_timed_out:
            self.violations.append(f"{ring.call_id} rang an agent before hearing the notice")
        self.rings[ring.ring_id] = RingModel(ring.ring_id, ring.call_id, ring.agent_id, callback)

    # what Asterisk (and the callback service) could report next --------------------------------
    def choices(self) -> list[tuple[str, object]]:
        options: list[tuple[str, object]] = [("tick", None), ("arrive", "m"), ("arrive", "z")]
        if not self.connected:
            return [("reconnect", None), ("tick", None)]
        options.append(("ami_lost", None))
        for uniqueid, call_id in self.legs.items():
            options.append(("caller_hangup", uniqueid))
            if call_id not in self.reserved and call_id not in self.tasks:
                options.append(("take_callback", call_id))
        options += [("keep_place", c) for c in self.reserved] + [("release", c) for c in self.reserved]
        options += [("notice_played", c) for c in dict.fromkeys(self.notices)]
        for ring in self.rings.values():
            if ring.channel is None:
                options.append(("new_channel", ring.ring_id))
            elif not ring.answered:
                options += [("answer", ring.ring_id), ("no_answer", ring.ring_id), ("unreachable", ring.ring_id)]
            else:
                if not ring.agent_gone:
                    options.append(("agent_hangup", ring.ring_id))
                if ring.callback and not ring.caller_up and not ring.attempt_reported:
                    options += [("callback_pick_up", ring.ring_id), ("callback_attempt", ring.ring_id)]
                if ring.callback and ring.caller_up and not ring.greeted:
                    options.append(("greeted", ring.ring_id))
        for task in self.tasks.values():
            if not task.done and not self.lifecycle.busy(task.call_id):
                options.append(("admit", task.call_id))
        return options

    def apply(self, kind: str, arg: object) -> None:
        self.now += 0.05
        match kind:
            case "tick":
                self.now += 0.7
                self.feed(lc.Tick())
            case "arrive":
                self.serial += 1
                call_id = f"{arg}{self.serial}"
                uniqueid = f"u{self.serial}"
                self.legs[uniqueid] = call_id
                dialect = "zhuang" if arg == "z" else "mandarin"
                self.feed(lc.QueueJoin(Call(call_id, f"PJSIP/c-{call_id}", dialect, "pension", "13800001234",
                                            self.now), uniqueid))
            case "caller_hangup":
                uniqueid = str(arg)
                call_id = self.legs.pop(uniqueid)
                self.hung_up_callers.add(call_id)
                self.notices = [c for c in self.notices if c != call_id]
                self.feed(lc.ChannelHangup(uniqueid))
                for ring in [r for r in self.rings.values() if r.call_id == call_id and r.answered]:
                    del self.rings[ring.ring_id]  # a bridge ends with either side
                    self.feed(lc.ChannelHangup(ring.ring_id))
            case "take_callback":
                call_id = str(arg)
                self.reserved.add(call_id)
                self.feed(lc.Reserve(call_id))
            case "keep_place":
                call_id = str(arg)
                self.reserved.discard(call_id)
                commands = self.feed(lc.KeepPlace(call_id, lc.CallbackLine(call_id, {"HOTLINE_CALLBACK_TASK": call_id})))
                if not any(isinstance(c, lc.Refused) for c in commands):
                    self.tasks[call_id] = Task(call_id)
                    self.notice_due.discard(call_id)  # (told when called back)
                    for uniqueid in [u for u, c in self.legs.items() if c == call_id]:
                        del self.legs[uniqueid]  # the caller hangs up: their place is kept
                        self.hung_up_callers.add(call_id)
                        self.feed(lc.ChannelHangup(uniqueid))
            case "release":
                call_id = str(arg)
                self.reserved.discard(call_id)
                self.feed(lc.Release(call_id))
            case "notice_played":
                call_id = str(arg)
                self.notices = [c for c in self.notices if c != call_id]
                self.feed(lc.TakeAnnouncements(call_id))  # the hold script speaks, then says so
                self.feed(lc.NoticePlayed(call_id))
            case "new_channel":
                ring = self.rings[str(arg)]
                ring.channel = f"Local/{ring.agent_id}-{ring.ring_id}"
                self.feed(lc.AgentChannel(ring.ring_id, ring.channel))
            case "answer" | "no_answer" | "unreachable":
                ring = self.rings[str(arg)]
                result = {"answer": lc.RingResult.ANSWERED, "no_answer": lc.RingResult.NO_ANSWER,
                          "unreachable": lc.RingResult.UNREACHABLE}[kind]
                if ring.hung_up and result is lc.RingResult.ANSWERED:
                    result = lc.RingResult.NO_ANSWER  # hung up before it could be answered
                if result is lc.RingResult.ANSWERED:
                    ring.answered = True
                    if ring.callback and ring.call_id in self.tasks:
                        self.tasks[ring.call_id].dialled += 1
                else:
                    del self.rings[ring.ring_id]  # its channel hangs up too: the core waits for the reply
                    self.feed(lc.ChannelHangup(ring.ring_id))
                self.feed(lc.OriginateResult(ring.ring_id, result))
                if ring.answered and (ring.hung_up or not ring.callback and ring.call_id not in self.legs.values()):
                    self.agent_hangup(ring)  # told to, or the Bridge with a caller who has gone failed
            case "agent_hangup":
                self.agent_hangup(self.rings[str(arg)])
            case "callback_pick_up":
                ring = self.rings[str(arg)]
                ring.caller_up = True
                self.feed(lc.CallbackConnected(ring.call_id, ring.call_id, f"cb-{ring.ring_id}", "Local/cb"))
            case "greeted":
                ring = self.rings[str(arg)]
                ring.greeted = True
                if not ring.agent_gone:
                    self.greeted_at[ring.call_id] = self.now
                self.feed(lc.CallbackGreeted(ring.call_id, ring.call_id))
            case "callback_attempt":
                ring = self.rings[str(arg)]
                ring.attempt_reported = True
                self.feed(lc.CallbackAttempt(ring.call_id, ring.call_id, "NOANSWER", reached=False))
                if ring.agent_gone:
                    del self.rings[ring.ring_id]
            case "admit":
                call_id = str(arg)
                self.feed(lc.AdmitCallback(Call(call_id, "", "mandarin", "pension", "13800001234", 0.0),
                                           lc.CallbackLine(call_id, {"HOTLINE_CALLBACK_TASK": call_id})))
            case "ami_lost":
                self.connected = False
                self.feed(lc.AmiLost())
            case "reconnect":
                self.connected = True
                self.resync()

    def agent_hangup(self, ring: RingModel) -> None:
        ring.agent_gone = True
        if ring.callback and not ring.caller_up and not ring.attempt_reported:
            self.feed(lc.ChannelHangup(ring.ring_id))  # the attempt's report may still come
            return
        del self.rings[ring.ring_id]
        if ring.callback and ring.caller_up:  # the caller's leg ends with the agent's
            self.feed(lc.ChannelHangup(ring.ring_id))
            self.feed(lc.ChannelHangup(f"cb-{ring.ring_id}"))
        else:
            self.feed(lc.ChannelHangup(ring.ring_id))

    def resync(self) -> None:
        waiting = []
        for uniqueid, call_id in self.legs.items():
            entry = self.lifecycle.router.calls.get(call_id)
            if entry is None or entry.state.value != "connected":
                dialect = "zhuang" if call_id.startswith("z") else "mandarin"
                waiting.append(lc.LiveChannel(Call(call_id, f"PJSIP/c-{call_id}", dialect, "pension", "13800001234",
                                                   self.now - 1), uniqueid))
        alive = set(self.legs) | {r.ring_id for r in self.rings.values()} | {
            f"cb-{r.ring_id}" for r in self.rings.values() if r.caller_up}
        known = {w.call.id for w in waiting}
        self.resync_missed |= {c for c in self.lifecycle.router.calls if c not in known}
        self.feed(lc.Resynced(tuple(waiting), frozenset(alive)))


def new_world() -> World:
    router = Router(config())
    world = World(lc.Lifecycle(router))
    for agent_id, skills in (("a", {"mandarin": 4}), ("b", {"mandarin": 3, "zhuang": 4}), ("c", {"mandarin": 5})):
        world.feed(lc.RouterCommand(lambda r, now, a=agent(agent_id, **skills): r.login(a, now)))
    return world


races = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                 report_multiple_bugs=False)


@races
@given(st.data())
def test_every_interleaving_keeps_the_lifecycle_invariants(data: st.DataObject) -> None:
    world = new_world()
    for _ in range(data.draw(st.integers(10, 60), label="steps")):
        kind, arg = data.draw(st.sampled_from(world.choices()))
        world.apply(kind, arg)
        assert not world.violations, world.violations
    # then everything settles: callers and agents hang up, replies come, time passes
    for _ in range(400):
        pending = [(k, a) for k, a in world.choices()
                   if k in ("reconnect", "caller_hangup", "new_channel", "no_answer", "agent_hangup",
                            "callback_attempt", "notice_played", "release")]
        if not pending:
            break
        world.apply(*pending[0])
    world.now += 60
    world.feed(lc.Tick())
    assert not world.violations, world.violations
    for task in world.tasks.values():  # a number is dialled at most max_attempts times
        assert task.dialled <= MAX_ATTEMPTS, task
    for call_id, joins in world.joined.items():  # every call ends exactly once per time it joined
        in_books = call_id in world.lifecycle.router.calls
        assert len(world.ended.get(call_id, [])) == joins - in_books, (call_id, joins, world.ended.get(call_id))
        if in_books:  # only a callback waiting for its next attempt may still be in line
            assert world.lifecycle.router.calls[call_id].call.callback, call_id


def test_a_notice_due_as_the_ring_is_offered_holds_the_ring_until_it_has_played() -> None:
    """Defect 2 in its simplest order: the step-up and the offer in one router outcome."""
    world = new_world()
    world.feed(lc.RouterCommand(lambda r, now: r.pause("b", __import__("routing").PauseReason.BREAK, now)))
    for agent_id in ("a", "c"):
        world.feed(lc.RouterCommand(lambda r, now, a=agent_id: r.pause(a, __import__("routing").PauseReason.BREAK, now)))
    world.apply("arrive", "z")
    world.now = 2.5
    world.feed(lc.RouterCommand(lambda r, now: r.unpause("a", now)))  # the step-up and the offer at once
    assert world.notices == ["z1"] and not world.rings
    world.apply("notice_played", "z1")
    assert [r.call_id for r in world.rings.values()] == ["z1"] and not world.violations


def test_an_attempt_reported_before_the_agent_hangs_up_is_recorded_once_and_not_retried_early() -> None:
    """Defect 6: the dialplan's report came first; the task was put in line again while the
    call was still on the books, and the number was dialled once more than max_attempts."""
    world = new_world()
    world.tasks["t1"] = Task("t1")
    world.apply("admit", "t1")
    [ring] = world.rings.values()
    world.apply("new_channel", ring.ring_id)
    world.apply("answer", ring.ring_id)
    world.apply("callback_attempt", ring.ring_id)
    assert world.tasks["t1"].attempts == 1 and world.lifecycle.busy("t1")  # not admitted yet
    world.apply("agent_hangup", ring.ring_id)
    assert not world.lifecycle.busy("t1") and world.tasks["t1"].attempts == 1 and not world.violations


def test_an_agent_gone_during_the_callback_greeting_has_no_talk_time() -> None:
    """Defect 9: the greeting is not talk time, and a conversation that never happened has none."""
    world = new_world()
    world.tasks["t1"] = Task("t1")
    world.apply("admit", "t1")
    [ring] = world.rings.values()
    world.apply("new_channel", ring.ring_id)
    world.apply("answer", ring.ring_id)
    world.now += 5  # the agent's notice, the caller's phone ringing
    world.apply("callback_pick_up", ring.ring_id)
    world.now += 3  # the greeting
    events: list[object] = []
    world.observe = events.append  # type: ignore[method-assign]
    world.agent_hangup(ring)
    [complete] = [e for e in events if isinstance(e, AgentComplete)]
    assert complete.talk_time == 0


def test_a_bridged_call_survives_an_ami_blip_and_ends_as_lost_when_asterisk_is_really_gone() -> None:
    world = new_world()
    world.apply("arrive", "m")
    [ring] = world.rings.values()
    world.apply("new_channel", ring.ring_id)
    world.apply("answer", ring.ring_id)
    world.apply("ami_lost", None)
    world.apply("reconnect", None)  # a blip: both channels still there
    assert "m1" in world.lifecycle.router.calls and not world.ended
    lost_at = world.now
    world.apply("ami_lost", None)
    world.legs.clear()
    world.rings.clear()  # a crash: the channels are gone and no hang-up will say so
    world.now += lc.LOST_GRACE_S
    events: list[object] = []
    world.observe = events.append  # type: ignore[method-assign]
    world.feed(lc.Tick())
    [ended] = [e for e in events if isinstance(e, CallEnded)]
    [complete] = [e for e in events if isinstance(e, AgentComplete)]
    assert ended.reason is GoneReason.LOST and "m1" not in world.lifecycle.router.calls
    assert complete.talk_time <= lost_at - 0 and complete.talk_time < world.now - 1
