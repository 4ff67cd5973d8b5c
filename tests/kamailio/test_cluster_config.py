"""config/cluster.yaml: read with lines, refused in one line; what `ivrctl cluster` renders from it;
the cluster site `make cluster` writes (agents dialled through Kamailio, a cluster.yaml that parses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.cluster.config import ClusterConfigError, parse_cluster_config, read_cluster_config
from hotline.cluster.local import cluster_site_config
from hotline.settings import Settings
from routing.asterisk import load_roster

GOOD = """\
front_door:
  listen: 127.0.0.1:5090
  trunk_sources: [192.0.2.10, 198.51.100.0/24]
  registrar_database: postgres://kamailio@127.0.0.1:5432/kamailio
nodes:
  - name: node1
    sip: 127.0.0.1:5071
    ami: 127.0.0.1:5038
    dialplan_live_dir: /srv/hotline/node1
  - name: node2
    sip: 127.0.0.2
    ami: 127.0.0.2:5038
    dialplan_live_dir: /srv/hotline/node2
"""


def test_a_cluster_file_gives_the_front_door_and_the_nodes() -> None:
    config = parse_cluster_config(GOOD, "cluster.yaml")
    assert [(n.name, n.sip, n.ami) for n in config.nodes] == [
        ("node1", ("127.0.0.1", 5071), ("127.0.0.1", 5038)), ("node2", ("127.0.0.2", 5060), ("127.0.0.2", 5038))]
    door = config.front_door()
    assert door.registrar is not None and door.registrar.realm == "hotline12333"


@pytest.mark.parametrize("before, after, expected", [
    ("    sip: 127.0.0.2\n", "    sip: asterisk2.example\n", "cluster.yaml:11: nodes[1].sip: expected address[:port] with a literal IP"),
    ("    ami: 127.0.0.1:5038\n", "    ami: 127.0.0.1:5038\n    secret: x\n", "cluster.yaml:9: nodes[0].secret: unknown key"),
    ("  registrar_database: postgres://kamailio@127.0.0.1:5432/kamailio\n",
     "  registrar_database: postgres://kamailio:pw@127.0.0.1:5432/kamailio\n", "cluster.yaml:1: front_door: registrar database"),
    ("    dialplan_live_dir: /srv/hotline/node2\n", "    dialplan_live_dir: node2\n", "cluster.yaml:13: nodes[1].dialplan_live_dir: expected an absolute"),
])
def test_a_bad_cluster_file_is_refused_in_one_line_with_its_line(before: str, after: str, expected: str) -> None:
    with pytest.raises(ClusterConfigError) as caught:
        parse_cluster_config(GOOD.replace(before, after), "cluster.yaml")
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "\n" not in str(caught.value) and ":pw@" not in str(caught.value)


def test_kamailio_config_is_rendered_from_the_cluster_file_and_checked(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "config").mkdir(parents=True)
    (site / "config" / "cluster.yaml").write_text(GOOD)
    settings = Settings.for_site(site)
    result = CliRunner().invoke(main, ["cluster", "kamailio-config", "--out", str(tmp_path / "out")], obj=settings)
    assert result.exit_code == 0, result.output
    assert "kamailio -c accepts them" in result.output
    cfg = (tmp_path / "out" / "kamailio.cfg").read_text()
    assert 'modparam("dispatcher", "list_file", "/etc/kamailio/dispatcher.list")' in cfg
    assert "duid=node2" in (tmp_path / "out" / "dispatcher.list").read_text()


def test_without_a_cluster_file_the_cluster_commands_say_so_in_one_line(tmp_path: Path) -> None:
    settings = Settings.for_site(tmp_path)
    result = CliRunner().invoke(main, ["cluster", "kamailio-db"], obj=settings)
    assert result.exit_code == 1 and "this site is one Asterisk, not a cluster" in result.output
    assert "Traceback" not in result.output


def test_the_local_clusters_site_dials_agents_through_kamailio(tmp_path: Path) -> None:
    settings = Settings.for_site(Path(__file__).resolve().parents[2])
    target = tmp_path / "config"
    cluster_site_config(settings, target, [("node1", 5071, 5038, tmp_path / "n1"), ("node2", 5072, 5039, tmp_path / "n2")],
                        ("127.0.0.1", 5090), "postgres://postgres@127.0.0.1:5432/kamailio_cluster")
    endpoints = {agent.endpoint for agent in load_roster(target / "agents.yaml").values()}
    assert endpoints and all(e.endswith("@kamailio") for e in endpoints), endpoints
    config = read_cluster_config(target / "cluster.yaml")
    assert [node.dialplan_live_dir for node in config.nodes] == [tmp_path / "n1", tmp_path / "n2"]


def test_the_projection_grows_with_nodes_until_a_shared_tier_needs_a_whole_core() -> None:
    from bench.cluster_tiers import project

    # a node spends 50 ms a call, the service 20 ms, Kamailio 4 ms, PostgreSQL 5 ms
    projected = project({"node": 0.050, "service": 0.020, "kamailio": 0.004, "postgres": 0.005})
    assert projected[1] == (pytest.approx(20.0), "media nodes")
    assert projected[2] == (pytest.approx(40.0), "media nodes")
    assert projected[4] == (pytest.approx(50.0), "service")  # 1 / 0.020: the router's core is full
    assert projected[8] == projected[4]


def test_cluster_up_without_an_asterisk_root_says_so_in_one_line(tmp_path: Path) -> None:
    settings = Settings.for_site(Path(__file__).resolve().parents[2], var_dir=tmp_path / "var",
                                 asterisk_root=tmp_path / "no-root")
    result = CliRunner().invoke(main, ["cluster", "up"], obj=settings)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: cluster not started: no Asterisk root at"), result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
