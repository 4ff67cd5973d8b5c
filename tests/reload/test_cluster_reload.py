"""`ivrctl dialplan reload` over every node of a cluster, all or nothing (the session's local
cluster: two sandbox nodes behind Kamailio). A reload reaches both nodes; a node that cannot
take the files refuses the attempt before anything changed; a node that fails its reload
takes the other back with it. About 8 s: the stalled node is waited out twice (its reload and
its rollback, 2 s each), and the first reload has its staged check."""
from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ivr.dialplan import names
from ivr.dialplan.cluster_reload import NodeTarget, reload_nodes
from ivr.dialplan.verify import file_version
from ivr.kamailio.local import LocalCluster
from tests.reload.configs import CATALOG, FAST, FAST_SWAPPED, write
from tests.reload.conftest import files_of, listing
from tests.support.sandboxes import connected_client
from tests.support.site import reload_settings

pytestmark = pytest.mark.asterisk


@pytest.fixture
async def nodes(cluster: LocalCluster) -> AsyncIterator[list[NodeTarget]]:
    node1, node2 = cluster.boxes
    async with connected_client(node1) as ami1, connected_client(node2) as ami2:
        yield [NodeTarget("node1", ami1, node1.dialplan_dir), NodeTarget("node2", ami2, node2.dialplan_dir)]


@contextmanager
def immutable(directory: Path) -> Iterator[None]:
    """A directory nobody may write, root included (the tests run as root, whom a read-only
    mode would not stop): the fault of a node whose configuration disk refuses writes."""
    subprocess.run(["chattr", "+i", str(directory)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


async def test_a_reload_reaches_every_node_or_none(cluster: LocalCluster, nodes: list[NodeTarget], tmp_path: Path) -> None:
    settings = reload_settings(tmp_path / "var", asterisk_root=cluster.asterisk_root, staged_check="always",
                               reload_timeout_s=2.0)
    fast, swapped = write(tmp_path, FAST, "fast.yaml"), write(tmp_path, FAST_SWAPPED, "swapped.yaml")

    done = await reload_nodes(nodes, settings, config_path=fast, catalog_path=CATALOG, who="test")
    assert done.result == "ok", done.messages
    for node in nodes:
        assert file_version((node.live_dir / names.ENTRY_FILE).read_text()) == done.version
        assert any(context.startswith(f"hotline-v{done.version}-") for context, *_ in await listing(node.ami))
    files = {node.name: files_of(node.live_dir) for node in nodes}
    loaded = {node.name: await listing(node.ami) for node in nodes}
    # the faults below are the nodes', not the config's: the staged check has had its test
    settings = dataclasses.replace(settings, staged_check="never")

    # node 2's directory refuses the files: refused before anything live changed, on either node
    with immutable(nodes[1].live_dir):
        refused = await reload_nodes(nodes, settings, config_path=swapped, catalog_path=CATALOG, who="test")
    assert refused.result == "refused", refused.messages
    assert refused.messages[0].startswith(f"node node2: cannot stage the files in {nodes[1].live_dir}")
    for node in nodes:
        assert files_of(node.live_dir) == files[node.name] and await listing(node.ami) == loaded[node.name]

    # node 2 takes the files but not the reload (its Asterisk stalls): node 1, which loaded the
    # new version, goes back to the one both ran
    node2 = cluster.boxes[1]
    node2.freeze()
    try:
        failed = await reload_nodes(nodes, settings, config_path=swapped, catalog_path=CATALOG, who="test")
    finally:
        node2.thaw()
    assert failed.result in ("rolled_back", "failed"), failed.messages
    assert failed.messages[0].startswith("node node2: reload through AMI failed"), failed.messages
    assert not any(message.startswith("node node1:") for message in failed.messages), failed.messages
    assert files_of(nodes[0].live_dir) == files["node1"]
    contexts = {context for context, *_ in await listing(nodes[0].ami)}
    assert f"hotline-v{done.version}-hangup" in contexts
    assert not any(context.startswith(f"hotline-v{failed.version}-") for context in contexts)
    assert files_of(nodes[1].live_dir) == files["node2"]  # what node 2 loads when it answers again


def test_ivrctl_dialplan_reload_goes_over_the_nodes_of_cluster_yaml(cluster: LocalCluster, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from hotline.cli import main

    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "cluster.yaml").write_text(
        f"front_door: {{listen: '{cluster.front_door[0]}:{cluster.front_door[1]}', trunk_sources: [127.0.0.1], "
        f"registrar_database: '{cluster.db_url}'}}\nnodes:\n" + "".join(
            f"  - {{name: node{i}, sip: '127.0.0.1:{box.ports.sip}', ami: '127.0.0.1:{box.ports.ami}', "
            f"dialplan_live_dir: '{box.dialplan_dir}'}}\n" for i, box in enumerate(cluster.boxes, 1)))
    node1 = cluster.boxes[0]
    env = {"HOTLINE_CONFIG_DIR": str(config_dir), "HOTLINE_VAR_DIR": str(tmp_path / "var"),
           "HOTLINE_PROMPTS_DIR": str(CATALOG.parent), "HOTLINE_ASTERISK_ROOT": str(cluster.asterisk_root),
           "HOTLINE_AMI_USERNAME": node1.ami.username, "HOTLINE_AMI_SECRET": node1.ami.secret,
           "HOTLINE_STAGED_CHECK": "never"}
    fast = write(tmp_path, FAST_SWAPPED, "fast.yaml")
    result = CliRunner(env=env).invoke(main, ["dialplan", "reload", "--config", str(fast), "--who", "test"])
    assert result.exit_code == 0, result.output
    version = result.stdout.split("version ", 1)[1].split()[0]
    for box in cluster.boxes:
        assert file_version((box.dialplan_dir / names.ENTRY_FILE).read_text()) == version

    (config_dir / "cluster.yaml").write_text("front_door: {listen: here}\n")
    refused = CliRunner(env=env).invoke(main, ["dialplan", "reload", "--config", str(fast)])
    assert refused.exit_code == 1 and "cluster.yaml:1: (top): nodes is missing" in refused.stderr
    assert "Traceback" not in refused.output
