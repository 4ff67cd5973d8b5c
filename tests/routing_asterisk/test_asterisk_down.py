"""Asterisk dies with callers waiting (issue 15, defect 4): /queues showed them waiting for as
long as it was down, and the reconnect's resync recorded them as the callers' abandons, timed
at the resync. They are gone when the AMI connection drops, as lost, with the wait they had."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.routing_asterisk.conftest import RoutingStack, agent, short_ladders

pytestmark = pytest.mark.asterisk


async def test_callers_on_a_dead_asterisk_end_as_lost_when_the_connection_drops(make_sandbox, agi_server: AgiServer) -> None:
    box = make_sandbox()
    ami = AmiClient(dataclasses.replace(box.ami, backoff_max=0.5, action_timeout=2.0))
    await ami.connect()
    stack = RoutingStack(ami, agi_server, short_ladders())
    await stack.start()
    try:
        await place_call(ami, caller_context="test-caller", context="test-queue", variables={
            "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60", "HOTLINE_HOLD_INTERVAL": "600"})
        [join] = await stack.wait(lambda: stack.of("QueueCallerJoin"))
        assert box.process is not None
        box.process.kill()  # a crash: no channel is hung up, Asterisk is simply gone
        await asyncio.to_thread(box.process.wait)
        died = time.time()
        [ended] = await stack.wait(lambda: stack.of("CallEnded", call_id=join.call_id), timeout=10)
        assert ended.reason.value == "lost" and not stack.of("QueueCallerAbandon")
        assert 0 <= ended.wait < 5  # the wait the caller had, not one up to the resync
        assert abs(ended.time - died) < 5  # when the connection dropped, not at a later resync
        assert stack.router.waiting_calls(time.time()) == []  # /queues no longer shows them
        back = asyncio.Event()
        ami.connected.connect(back.set)
        box.stop()
        box.start()
        await asyncio.wait_for(back.wait(), 15)
        await stack.adapter.resync()
        assert not stack.of("QueueCallerAbandon")  # nothing left for the resync to abandon
    finally:
        await stack.stop()
        await ami.close()


async def test_a_bridged_call_on_a_dead_asterisk_ends_as_lost_with_its_talk_up_to_the_crash(
        make_sandbox, agi_server: AgiServer) -> None:
    """Issue 15, defect 4's rest: a bridged call waited for hang-ups that never come. The
    resync decides whether it is still going; with no resync within the grace (Asterisk is
    down), it ends as lost, its talk counted up to the disconnect, and the agent is free."""
    box = make_sandbox()
    ami = AmiClient(dataclasses.replace(box.ami, backoff_max=0.5, action_timeout=2.0))
    await ami.connect()
    stack = RoutingStack(ami, agi_server, short_ladders())
    stack.adapter.lifecycle.lost_grace_s = 1.0  # (10 s in production)
    await stack.start()
    try:
        await stack.login(agent("m1", "talk60", mandarin=5, pension=4))
        await place_call(ami, caller_context="test-caller", context="test-queue", variables={
            "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60", "HOTLINE_HOLD_INTERVAL": "600"})
        [connect] = await stack.wait(lambda: stack.of("AgentConnect"))
        assert box.process is not None
        box.process.kill()
        await asyncio.to_thread(box.process.wait)
        died = time.time()
        [ended] = await stack.wait(lambda: stack.of("CallEnded", call_id=connect.call_id), timeout=10)
        [complete] = stack.of("AgentComplete", call_id=connect.call_id)
        assert ended.reason.value == "lost"
        assert abs(connect.time + complete.talk_time - died) < 1.5  # talk up to the crash, not the grace
        assert connect.call_id not in stack.router.calls
    finally:
        await stack.stop()
        await ami.close()
