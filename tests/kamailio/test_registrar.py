"""Agents' phones register to Kamailio (location in PostgreSQL); a media node rings an agent
through Kamailio. A SIPp caller comes in through the front door and lands on a node; the router
on that node gives it to agent 1001, whose SIPp phone registered at Kamailio, not at any
Asterisk; audio flows both ways; after a Kamailio restart the registration is still there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.kamailio.db import registered
from ivr.kamailio.local import LocalCluster
from ivr.pjsip import AgentPhone
from ivr.sandbox import Sandbox
from ivr.sipp import process
from ivr.sipp.process import SippPhone
from routing import Agent
from tests.routing_asterisk.conftest import RoutingStack, short_ladders
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client
from tests.support.sip_caller import TRUNK_CHANNEL

pytestmark = pytest.mark.asterisk


def rtp_counts(box: Sandbox, channel: str) -> tuple[int, int]:
    """(packets received, packets sent) by Asterisk on one channel, from its RTP statistics;
    (0, 0) while the channel has none yet."""
    name = channel.removeprefix("PJSIP/")[:18]  # the table cuts channel names to 18 characters
    for line in box.cli("pjsip show channelstats").splitlines():
        tokens = line.split()
        if name in tokens and "ulaw" in tokens:
            codec = tokens.index("ulaw")
            return int(tokens[codec + 1]), int(tokens[codec + 5])
    return 0, 0


async def arrival(logs: dict[str, EventLog], before: dict[str, int]) -> tuple[str, dict[str, str]]:
    """The node whose hotline entry answered the next trunk call, and its HotlineCallStart."""
    def on(name: str) -> Callable[[], list[dict[str, str]]]:
        return lambda: [dict(m) for m in logs[name].matching("UserEvent", UserEvent="HotlineCallStart")[before[name]:]
                        if m.get("Channel", "").startswith(TRUNK_CHANNEL)]
    waits = {asyncio.ensure_future(log.wait_until(on(name), 15, f"a call on {name}")): name for name, log in logs.items()}
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    first = done.pop()
    return waits[first], first.result()[0]


async def test_a_caller_through_the_front_door_reaches_an_agent_registered_at_kamailio(
        cluster: LocalCluster, agi_server: AgiServer, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> None:
    assert cluster.kamailio is not None
    node1, node2 = cluster.boxes
    secret = next(p.secret for p in sip_phones if p.name == "1001")
    phone = SippPhone("1001", secret, cluster.front_door, tmp_path / "phone", talk_ms=30_000)
    phone.start()  # REGISTERs at Kamailio, answering the digest challenge
    runs: list[process.SippRun] = []
    try:
        assert "1001" in registered(cluster.db_url)
        async with connected_client(node1) as ami1, connected_client(node2) as ami2:
            with EventLog(ami1) as events1, EventLog(ami2) as events2:
                logs: dict[str, EventLog] = {"node1": events1, "node2": events2}
                clients: dict[str, AmiClient] = {"node1": ami1, "node2": ami2}
                boxes = {"node1": node1, "node2": node2}
                run = process.call("caller", cluster.front_door, ["1"], workdir=tmp_path / "call")
                runs.append(run)
                # whichever node the dispatcher chose runs the router for this call
                node, start = await arrival(logs, {name: 0 for name in logs})
                ami, events, box = clients[node], logs[node], boxes[node]
                stack = RoutingStack(ami, agi_server, short_ladders(ring_timeout=8.0))
                await stack.start()
                try:
                    await stack.login(Agent(id="1001", name="1001", endpoint="PJSIP/1001@kamailio",
                                            proficiencies={"mandarin": 5, "pension": 4}))
                    caller = start["Channel"]
                    for variable, value in (("QUEUE_DIALECT", "mandarin"), ("QUEUE_BUSINESS", "pension")):
                        await ami.send({"Action": "Setvar", "Channel": caller, "Variable": variable, "Value": value})
                    await ami.send({"Action": "Redirect", "Channel": caller, "Context": "test-queue", "Exten": "s",
                                    "Priority": "1"})

                    connect = (await stack.wait(lambda: stack.of("AgentConnect"), 20))[0]
                    assert connect.agent_id == "1001"
                    agent_leg = (await events.wait_until(
                        lambda: [e["Channel"] for e in events.matching("BridgeEnter")
                                 if e["Uniqueid"].startswith("agent-1001-")], 15, "the agent's leg bridged"))[0]
                    # dialled via Kamailio: the node's leg is its endpoint for Kamailio, not a phone of its own
                    assert agent_leg.startswith("PJSIP/kamailio-"), agent_leg
                    await ami.send({"Action": "PJSIPNotify", "Channel": caller, "Variable": "Event=hotline-keys"})
                    # the agent's tone reaches the caller; the caller's key (RTP events) reaches the agent
                    counts = await events.wait_until(lambda: (c := (rtp_counts(box, caller), rtp_counts(box, agent_leg)))
                                                     and min(*c[0], *c[1]) >= 5 and c, 15, "RTP both ways on both legs")
                    (caller_in, caller_out), (agent_in, agent_out) = counts
                    assert caller_out >= 5 and agent_in >= 5  # agent -> caller
                    assert caller_in >= 5 and agent_out >= 5  # caller -> agent
                    await ami.send({"Action": "PJSIPNotify", "Channel": caller, "Variable": "Event=hotline-keys"})
                    assert await asyncio.to_thread(run.wait, 15) == 0, run.errors()
                finally:
                    await stack.stop()

        cluster.restart_kamailio()
        # usrloc loaded the phone back from PostgreSQL: no REGISTER was sent since
        assert "1001" in registered(cluster.db_url)
        found = cluster.kamailio.rpc("ul.lookup", "location", "s:1001")  # s: a string, not a number
        assert f":{phone.port}" in found, found

        # the agent's phone registers from somewhere else: it replaces the old contact
        moved = SippPhone("1001", secret, cluster.front_door, tmp_path / "moved")
        assert moved.register() == 0, moved.answering
        found = cluster.kamailio.rpc("ul.lookup", "location", "s:1001")
        assert f":{moved.port}" in found and f":{phone.port}" not in found, found
    finally:
        for run in runs:
            run.stop()
        phone.unregister()
        phone.stop()
