"""Kamailio in front of two real Asterisk nodes: calls spread over both, a node killed with -9
leaves rotation within the probe interval, and every call after that lands on the live node.

Node 1 is the session sandbox; node 2 a dedicated one this test kills. SIPp is the carrier.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.kamailio import FrontDoor, MediaNode
from ivr.kamailio.process import Kamailio
from ivr.sandbox import Sandbox
from ivr.sandbox.ports import free_sip_port
from ivr.sipp import process
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client
from tests.support.sip_caller import TRUNK_CHANNEL

pytestmark = pytest.mark.asterisk
PROBE_S = 1


@pytest.fixture
def node2(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def front_door(sandbox: Sandbox, node2: Sandbox, tmp_path: Path) -> Iterator[Kamailio]:
    door = FrontDoor("127.0.0.1", free_sip_port(),
                     (MediaNode("node1", "127.0.0.1", sandbox.ports.sip), MediaNode("node2", "127.0.0.1", node2.ports.sip)),
                     ("127.0.0.1",), str(tmp_path / "run"), str(tmp_path / "dispatcher.list"),
                     probe_interval_s=PROBE_S, node_timeout_ms=1000, children=2)
    kamailio = Kamailio(door, tmp_path / "kamailio")
    kamailio.workdir.mkdir()
    kamailio.start()
    yield kamailio
    kamailio.stop()


async def rotation(kamailio: Kamailio, expected: dict[str, bool], timeout: float) -> float:
    """Seconds until the dispatcher's active set is `expected`. Kamailio sends no event when a
    probe changes a node's state, so its state is read over its control socket until then."""
    start = time.monotonic()
    seen: dict[str, bool] = {}
    while time.monotonic() - start < timeout:
        seen = {d.node: d.active for d in await asyncio.to_thread(kamailio.destinations)}
        if seen == expected:
            return time.monotonic() - start
        await asyncio.sleep(0.1)
    raise AssertionError(f"rotation still {seen} after {timeout} s, expected {expected}\n{kamailio.log_tail()}")


async def lands_on(kamailio: Kamailio, logs: dict[str, EventLog], clients: dict[str, AmiClient],
                   workdir: Path) -> str:
    """Place one SIPp call through the front door; the node whose trunk took it. The call is
    ended from that node (a NOTIFY makes SIPp send its BYE), so in-dialog requests are proved
    to pass Kamailio both ways."""
    before = {name: len(log.matching("UserEvent", UserEvent="HotlineCallStart")) for name, log in logs.items()}
    run = process.call(workdir.name, kamailio.address, [], workdir=workdir)
    try:
        def arrival_on(name: str) -> Callable[[], list[str]]:
            """Channels of this node that the hotline entry answered (HotlineCallStart)."""
            log = logs[name]
            return lambda: [m["Channel"] for m in log.matching("UserEvent", UserEvent="HotlineCallStart")[before[name]:]
                            if m.get("Channel", "").startswith(TRUNK_CHANNEL)]
        waits = {asyncio.ensure_future(log.wait_until(arrival_on(name), 15, f"a call on {name}")): name
                 for name, log in logs.items()}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        first = done.pop()
        name, channel = waits[first], first.result()[0]
        await clients[name].send({"Action": "PJSIPNotify", "Channel": channel, "Variable": "Event=hotline-keys"})
        assert await asyncio.to_thread(run.wait, 15) == 0, run.errors()
        return name
    finally:
        run.stop()


async def test_calls_spread_over_the_nodes_and_a_killed_node_leaves_rotation(
        front_door: Kamailio, sandbox: Sandbox, node2: Sandbox, ami: AmiClient, events: EventLog, tmp_path: Path) -> None:
    async with connected_client(node2) as ami2:
        with EventLog(ami2) as events2:
            logs, clients = {"node1": events, "node2": events2}, {"node1": ami, "node2": ami2}
            await rotation(front_door, {"node1": True, "node2": True}, 10)
            spread = [await lands_on(front_door, logs, clients, tmp_path / f"call{i}") for i in range(2)]
            assert sorted(spread) == ["node1", "node2"]  # round-robin: one each

            os.kill(node2.pid, signal.SIGKILL)
            # out of rotation within about one probe interval and one probe's time-out
            left = await rotation(front_door, {"node1": True, "node2": False}, 10)
            after = [await lands_on(front_door, logs, clients, tmp_path / f"after{i}") for i in range(3)]
    assert after == ["node1"] * 3
    assert left < 3 * PROBE_S + 1.0, left
