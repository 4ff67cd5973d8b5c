"""One router over every Asterisk node (issue 18, point 3): one AMI connection per node, and a
caller waiting on either node is given to the agent in longest-wait order across the nodes.
Each ring is an Originate on the caller's own node, which reaches the agent's phone (SIPp,
registered at Kamailio, not at any Asterisk) through Kamailio; the caller's hang-up on its
node ends the conversation and frees the agent for the next caller, whichever node it is on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.agi import AgiServer
from ivr.kamailio.local import LocalCluster
from ivr.pjsip import AgentPhone
from ivr.sandbox.calls import place_call
from ivr.sipp.process import SippPhone
from routing import Agent
from tests.routing_asterisk.conftest import RoutingStack, short_ladders
from tests.support.sandboxes import connected_client

pytestmark = pytest.mark.asterisk

WAITING = {"QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60",
           "HOTLINE_HOLD_INTERVAL": "600"}


async def test_callers_on_both_nodes_are_answered_in_longest_wait_order_across_nodes(
        cluster: LocalCluster, agi_server: AgiServer, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> None:
    node1, node2 = cluster.boxes
    secret = next(p.secret for p in sip_phones if p.name == "1001")
    phone = SippPhone("1001", secret, cluster.front_door, tmp_path / "phone", talk_ms=30_000)
    phone.start()  # REGISTERs at Kamailio
    try:
        async with connected_client(node1) as ami1, connected_client(node2) as ami2:
            stack = RoutingStack(ami1, agi_server, short_ladders(ring_timeout=8.0), node="node1",
                                 others={"node2": ami2})
            await stack.start()
            try:
                placed: list[tuple[str, str]] = []  # (node, call id), oldest first
                for node, ami in (("node1", ami1), ("node2", ami2), ("node1", ami1)):
                    await place_call(ami, caller_context="test-caller", context="test-queue", variables=WAITING)
                    joins = await stack.wait(lambda n=len(placed): (j := stack.of("QueueCallerJoin"))[n:] and j)
                    placed.append((node, joins[-1].call_id))
                # the books know which node each caller is on
                assert [stack.adapter.lifecycle.caller[cid][0] for _, cid in placed] == [n for n, _ in placed]

                await stack.login(Agent(id="1001", name="1001", endpoint="PJSIP/1001@kamailio",
                                        proficiencies={"mandarin": 5, "pension": 4}))
                amis = {"node1": ami1, "node2": ami2}
                for n in range(3):  # each conversation ends with the caller hanging up, on its own node
                    connect = (await stack.wait(lambda n=n: (c := stack.of("AgentConnect"))[n:] and c, 30))[n]
                    node, channel = stack.adapter.lifecycle.caller[connect.call_id]
                    await amis[node].send({"Action": "Hangup", "Channel": channel})
                    await stack.wait(lambda cid=connect.call_id: stack.of("CallEnded", call_id=cid))
                connects = stack.of("AgentConnect")  # (a ring from any other node could not bridge the caller)
                assert [c.call_id for c in connects] == [cid for _, cid in placed]  # longest wait first
                assert not stack.of("AgentRingNoAnswer")
            finally:
                await stack.stop()
    finally:
        phone.unregister()
        phone.stop()
