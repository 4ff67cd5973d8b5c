"""The assembled service over the session cluster's two nodes (config/cluster.yaml): one AMI
connection per node, its dialplan globals set on both, and a caller waiting on node 2 is in
the router's books as node 2's (before this, the service followed node 1 only)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotline.assembly import AsteriskSite, assemble
from hotline.db.migrate import upgrade
from ivr.kamailio.local import LocalCluster
from ivr.sandbox.calls import place_call
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client
from tests.support.site import CONFIG_DIR, site_settings

pytestmark = pytest.mark.asterisk

WORKING_THURSDAY_NOON = datetime(2026, 11, 19, 4, 0, tzinfo=UTC)


async def test_the_service_follows_every_node_of_cluster_yaml(cluster: LocalCluster, agi_port: int,
                                                              tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    nodes = "".join(f"  - name: node{i}\n    sip: 127.0.0.1:{box.ports.sip}\n    ami: 127.0.0.1:{box.ports.ami}\n"
                    f"    dialplan_live_dir: {box.dialplan_dir}\n" for i, box in enumerate(cluster.boxes, 1))
    (config / "cluster.yaml").write_text(
        f"front_door:\n  listen: {cluster.front_door[0]}:{cluster.front_door[1]}\n  trunk_sources: [127.0.0.1]\n"
        f"  registrar_database: {cluster.db_url}\n  probe_interval_s: 1\nnodes:\n{nodes}", encoding="utf-8")
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    node1, node2 = cluster.boxes
    settings = site_settings(tmp_path, config_dir=config, agi_port=agi_port, ami_username=node1.ami.username,
                             ami_secret=node1.ami.secret)
    site = AsteriskSite(ami=node1.ami, dialplan_live_dir=None, messages_dir=None)
    hotline = assemble(settings, site, agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)
    assert sorted(hotline.service.nodes) == ["node1", "node2"]
    assert sorted(hotline.router.amis) == ["node1", "node2"]
    await hotline.start()
    try:
        for ami in hotline.service.nodes.values():
            await ami.wait_connected(10)
        async with connected_client(node2) as ami2:
            for _ in range(50):  # the globals are set as each node connects (no event to wait on)
                value = (await ami2.send({"Action": "Getvar", "Variable": "HOTLINE_MAX_HOLD_S"})).get("Value")
                if value:
                    break
                await ami2.send({"Action": "Ping"})
            assert value, "node 2 has the service's HOTLINE_MAX_HOLD_S"
            with EventLog(ami2) as events:
                call = await place_call(ami2, caller_context="test-caller", context="test-queue", variables={
                    "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "30",
                    "HOTLINE_HOLD_INTERVAL": "600"})
                joined = await events.wait("UserEvent", UserEvent="HotlineQueueJoin", timeout=10)
            lifecycle = hotline.router.lifecycle
            call_id = joined["CallID"]
            for _ in range(100):
                if call_id in lifecycle.caller:
                    break
                await ami2.send({"Action": "Ping"})  # a round trip lets the service's handler run
            assert lifecycle.caller[call_id][0] == "node2"
            assert (await hotline.service.health()).as_json()["nodes"] == {"node1": {"ami": "connected"},
                                                                        "node2": {"ami": "connected"}}
            await ami2.send({"Action": "Hangup", "Channel": call.channel})
    finally:
        await hotline.stop()
