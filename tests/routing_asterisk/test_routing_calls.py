"""The router on the real sandbox Asterisk: Local-channel callers and agents, real bridges."""

from __future__ import annotations

import asyncio
from itertools import pairwise

import pytest

from ivr.ami import AmiClient
from ivr.sandbox.calls import PlacedCall, place_call
from ivr.userevents import QueueJoin
from routing import Agent, AgentState, PauseReason, Router
from routing.asterisk import RouterAdapter
from tests.routing_asterisk.conftest import MANDARIN_AFTER, RoutingStack, agent, short_ladders
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk


async def caller(ami: AmiClient, dialect: str = "zhuang", business: str = "pension", hold: float = 40) -> PlacedCall:
    return await place_call(ami, caller_context="test-caller", context="test-queue", variables={
        "QUEUE_DIALECT": dialect, "QUEUE_BUSINESS": business, "CALLER_HOLD": str(hold),
        "HOTLINE_HOLD_INTERVAL": "600"})


async def bridged_with(events: EventLog, call: PlacedCall, agent_id: str) -> None:
    """Both the caller's channel and the agent's channel entered the same bridge."""
    mine = await events.wait("BridgeEnter", Uniqueid=call.uniqueid)
    bridge = mine["BridgeUniqueid"]
    await events.wait_until(lambda: [e for e in events.matching("BridgeEnter", BridgeUniqueid=bridge)
                                      if e["Uniqueid"].startswith(f"agent-{agent_id}-")], 10,
                            f"agent {agent_id} in bridge {bridge}")


async def test_zhuang_caller_reaches_a_mandarin_agent_after_the_ladder_threshold(
        make_stack, ami: AmiClient, events: EventLog) -> None:
    stack: RoutingStack = await make_stack()
    # a Zhuang speaker is logged in but on a break: the first step can be met, just not now
    zhuang = agent("z1", "talk2", zhuang=5, pension=4)
    stack.desk.roster[zhuang.id] = zhuang
    await stack.desk.login(zhuang.id, paused=PauseReason.BREAK)
    await stack.login(agent("m1", "talk2", mandarin=5, pension=4))
    call = await caller(ami)
    connect = (await stack.wait(lambda: stack.of("AgentConnect")))[0]
    await bridged_with(events, call, "m1")
    assert connect.agent_id == "m1"
    assert connect.hold_time >= MANDARIN_AFTER
    step = stack.of("QueueCallerStepChanged", call_id=connect.call_id)
    assert step and step[-1].to_step == 1


async def test_zhuang_caller_reaches_a_free_zhuang_agent_at_once(make_stack, ami: AmiClient, events: EventLog) -> None:
    stack: RoutingStack = await make_stack()
    await stack.login(agent("m1", "talk2", mandarin=5, pension=4), agent("z1", "talk2", zhuang=5, pension=4))
    call = await caller(ami)
    connect = (await stack.wait(lambda: stack.of("AgentConnect")))[0]
    await bridged_with(events, call, "z1")
    assert connect.agent_id == "z1" and connect.hold_time < MANDARIN_AFTER
    assert not stack.of("QueueCallerStepChanged")


async def test_ring_no_answer_keeps_the_caller_and_pauses_the_agent(make_stack, ami: AmiClient,
                                                                     events: EventLog) -> None:
    stack: RoutingStack = await make_stack()
    await stack.login(agent("z9", "noanswer", zhuang=5, pension=5))
    call = await caller(ami)
    await stack.wait(lambda: len(stack.of("AgentRingNoAnswer")) >= 2, timeout=20)
    view = stack.router.agent_view("z9")
    assert view is not None and view.state is AgentState.PAUSED and view.pause_reason is PauseReason.NO_ANSWER
    call_id = stack.of("AgentRingNoAnswer")[0].call_id
    # the caller never left the music and still holds the place
    assert stack.router.calls[call_id].state.value == "waiting"
    status = await ami.send_list({"Action": "CoreShowChannels"})
    mine = [c for c in status.events if c["Uniqueid"] == call.uniqueid]
    assert mine and mine[0]["Context"] == "hotline-hold"
    await stack.login(agent("z2", "talk1", zhuang=5, pension=5))
    await bridged_with(events, call, "z2")


async def test_a_caller_who_hangs_up_while_waiting_is_recorded_as_abandoned(make_stack, ami: AmiClient) -> None:
    stack: RoutingStack = await make_stack()
    await caller(ami, hold=1)
    abandon = (await stack.wait(lambda: stack.of("QueueCallerAbandon")))[0]
    assert abandon.dialect == "zhuang" and abandon.wait >= 0.5
    assert stack.router.calls == {}


async def test_twenty_callers_five_agents_all_end_bridged_or_abandoned(make_stack, ami: AmiClient) -> None:
    stack: RoutingStack = await make_stack()
    await stack.login(*(agent(f"a{i}", "talk1", mandarin=5, pension=4) for i in range(5)))
    calls = await asyncio.gather(*(caller(ami, dialect="mandarin", hold=30) for _ in range(20)))
    ids = {c.uniqueid for c in calls}

    def finished() -> bool:
        ended = {e.call_id for e in stack.of("AgentComplete")} | {e.call_id for e in stack.of("QueueCallerAbandon")}
        return ids <= ended and not stack.router.calls

    await stack.wait(finished, timeout=60)
    connected = {e.call_id for e in stack.of("AgentConnect")}
    assert len(connected) + len(stack.of("QueueCallerAbandon")) == 20
    # no agent ever held two calls: every agent's connects and completes alternate
    for i in range(5):
        seq = [type(e).__name__ for e in stack.events
               if type(e).__name__ in ("AgentConnect", "AgentComplete") and e.agent_id == f"a{i}"]
        assert all(a != b for a, b in pairwise(seq)), seq
    await stack.wait(lambda: all(v.state is AgentState.AVAILABLE for v in stack.router.agent_views()))


async def test_restarting_the_service_mid_wait_loses_no_caller(sandbox, ami: AmiClient, events: EventLog,
                                                               agi_server) -> None:
    first = AmiClient(sandbox.ami)
    await first.connect()
    router = Router(short_ladders())
    adapter = RouterAdapter(router, first, tick_interval=0.1)
    await adapter.start()
    call = await caller(ami, dialect="mandarin", hold=40)
    joined = await events.wait("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=call.uniqueid)
    while call.uniqueid not in router.calls:  # the adapter saw the same event
        await asyncio.sleep(0.05)
    enqueued = router.calls[call.uniqueid].call.enqueue_time
    # the service dies: its router and its AMI connection are gone
    await adapter.stop()
    await first.close()

    second = AmiClient(sandbox.ami)
    stack = RoutingStack(second, agi_server, short_ladders())
    await second.connect()
    await stack.adapter.start()  # resyncs from Asterisk's channels
    try:
        restored = stack.router.calls.get(call.uniqueid)
        assert restored is not None and restored.call.enqueue_time == enqueued == float(joined["Enqueued"])
        assert stack.of("QueueCallerJoin")[0].restored is True
        await stack.login(agent("m1", "talk1", mandarin=5, pension=4))
        await bridged_with(events, call, "m1")
    finally:
        await stack.adapter.stop()
        await second.close()


async def test_an_elderly_caller_who_joined_later_is_answered_first(make_stack, ami: AmiClient,
                                                                    events: EventLog) -> None:
    from routing.asterisk.adapter import Bonuses

    async def policy(join: QueueJoin) -> Bonuses:  # the service's policy reads the records; here the flag only
        return Bonuses(elderly=60.0 if join.elderly == "1" else 0.0)

    stack: RoutingStack = await make_stack()
    stack.adapter.bonuses = policy
    first = await caller(ami, dialect="mandarin")
    await events.wait("UserEvent", UserEvent="HotlineQueueJoin", Uniqueid=first.uniqueid)
    elderly = await place_call(ami, caller_context="test-caller", context="test-queue", variables={
        "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "40",
        "HOTLINE_HOLD_INTERVAL": "600", "HOTLINE_ELDERLY": "1"})
    await stack.wait(lambda: len(stack.of("QueueCallerJoin")) == 2)
    await stack.login(agent("m1", "talk1", mandarin=5, pension=4))
    connect = (await stack.wait(lambda: stack.of("AgentConnect")))[0]
    assert connect.call_id == elderly.uniqueid
    await bridged_with(events, elderly, "m1")


async def test_a_caller_relaxed_to_a_mandarin_agent_hears_the_notice_before_the_bridge(
        make_stack, ami: AmiClient, events: EventLog) -> None:
    """The step-up and the offer to the idle Mandarin agent happen at the same moment: the
    notice must still play, and before the caller is bridged (issue 15, defect 2)."""
    stack: RoutingStack = await make_stack()
    await stack.login(agent("m1", "talk2", mandarin=5, pension=4))
    call = await caller(ami)
    await stack.wait(lambda: stack.of("AgentConnect"))
    await bridged_with(events, call, "m1")
    order = [e for e in events.events if e.get("Uniqueid") == call.uniqueid or e.get("Channel") == call.channel]
    notice = [i for i, e in enumerate(order) if e.get("Event") == "TestEvent" and e.get("Message") == "mandarin_agent_notice"]
    bridge = [i for i, e in enumerate(order) if e.get("Event") == "BridgeEnter"]
    assert notice and bridge and notice[0] < bridge[0], [(e.get("Event"), e.get("Message")) for e in order]


async def test_an_unreachable_phone_is_its_own_outcome_not_three_quick_misses(
        make_stack, ami: AmiClient, events: EventLog) -> None:
    """Issue 15, defect 3: a phone Asterisk cannot reach failed three rings in about 12 ms and
    the agent was paused for not answering. It is one outcome (the device is down): the agent
    is paused for the phone, with no miss counted, and the caller waits on."""
    stack: RoutingStack = await make_stack()
    down = Agent(id="d1", name="d1", endpoint="Local/nosuch@test-agents/n", proficiencies={"mandarin": 5, "pension": 4})
    await stack.login(down)
    call = await caller(ami, dialect="mandarin", hold=20)
    view = await stack.wait(lambda: (v := stack.router.agent_view("d1")) and v.state is AgentState.PAUSED and v)
    misses = stack.of("AgentRingNoAnswer", agent_id="d1")
    assert [m.reason for m in misses] == ["unreachable"], misses
    assert (view.pause_reason, view.misses) == (PauseReason.NO_PHONE, 0)
    assert stack.router.call_view(stack.of("QueueCallerJoin")[0].call_id, stack.adapter.clock()).state.value == "waiting"
    await ami.send({"Action": "Hangup", "Channel": call.channel}, check=False)
