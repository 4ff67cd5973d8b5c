"""One router over two Asterisk nodes: `kill -9` of one node ends that node's waiting callers
at once, as lost (not at the reconnect); the other node's callers keep their places. When the
dead node is back, its resync touches only its own calls. (Two nodes of the test's own, so the
session's cluster is not hurt.)"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.routing_asterisk.conftest import RoutingStack, short_ladders

pytestmark = pytest.mark.asterisk

WAITING = {"QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60",
           "HOTLINE_HOLD_INTERVAL": "600"}


async def test_a_dead_node_ends_its_own_callers_at_once_and_no_one_elses(make_sandbox, agi_server: AgiServer) -> None:
    boxes = {"a": make_sandbox(), "b": make_sandbox()}
    amis = {name: AmiClient(dataclasses.replace(box.ami, backoff_max=0.5, action_timeout=2.0))
            for name, box in boxes.items()}
    for ami in amis.values():
        await ami.connect()
    stack = RoutingStack(amis["a"], agi_server, short_ladders(), node="a", others={"b": amis["b"]})
    await stack.start()
    try:
        placed: list[tuple[str, str]] = []
        for node in ("a", "b", "a", "b"):
            await place_call(amis[node], caller_context="test-caller", context="test-queue", variables=WAITING)
            joins = await stack.wait(lambda n=len(placed): (j := stack.of("QueueCallerJoin"))[n:] and j)
            placed.append((node, joins[-1].call_id))
        on_a = [cid for node, cid in placed if node == "a"]
        on_b = [cid for node, cid in placed if node == "b"]
        before = {cid: stack.router.calls[cid].call.enqueue_time for cid in on_a}

        dead = boxes["b"].process
        assert dead is not None
        dead.kill()  # a crash: no channel is hung up, node b is simply gone
        await asyncio.to_thread(dead.wait)
        died = time.time()
        ended = await stack.wait(lambda: len(e := stack.of("CallEnded")) == 2 and e, timeout=10)
        assert sorted(e.call_id for e in ended) == sorted(on_b)
        assert all(e.reason.value == "lost" and abs(e.time - died) < 5 for e in ended)
        assert not stack.of("QueueCallerAbandon")
        # node a's callers are untouched: still waiting, in the same order, with their join times
        waiting = [w.call_id for w in stack.router.waiting_calls(time.time())]
        assert waiting == on_a
        assert {cid: stack.router.calls[cid].call.enqueue_time for cid in on_a} == before

        # node b comes back: its resync covers node b alone (node a's callers are not on it)
        back = asyncio.Event()
        amis["b"].connected.connect(back.set)
        boxes["b"].stop()
        boxes["b"].start()
        await asyncio.wait_for(back.wait(), 15)
        await stack.adapter.resync_node("b")
        assert [w.call_id for w in stack.router.waiting_calls(time.time())] == on_a
        assert not stack.of("QueueCallerAbandon") and len(stack.of("CallEnded")) == 2
    finally:
        await stack.stop()
        for ami in amis.values():
            await ami.close()
