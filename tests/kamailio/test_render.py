"""The front door's Kamailio configuration (pure), and Kamailio's own check of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.kamailio import FrontDoor, FrontDoorError, MediaNode, Registrar, render_dispatcher_list, render_kamailio_cfg
from ivr.kamailio.process import KamailioError, check_config, write_front_door


def door(tmp_path: Path, **changes: object) -> FrontDoor:
    values: dict[str, object] = dict(
        listen_host="127.0.0.1", listen_port=5090,
        nodes=(MediaNode("node1", "127.0.0.1", 5071), MediaNode("node2", "127.0.0.2", 5072)),
        trunk_sources=("127.0.0.1", "10.20.0.0/24"), runtime_dir=str(tmp_path / "run"),
        dispatcher_list=str(tmp_path / "dispatcher.list"))
    values.update(changes)
    return FrontDoor(**values)  # type: ignore[arg-type]


def test_every_node_is_a_destination_of_one_set(tmp_path: Path) -> None:
    lines = [line for line in render_dispatcher_list(door(tmp_path)).splitlines() if line and not line.startswith("#")]
    assert lines == ["1 sip:127.0.0.1:5071 0 0 duid=node1", "1 sip:127.0.0.2:5072 0 0 duid=node2"]


def test_only_the_trunks_addresses_may_place_calls(tmp_path: Path) -> None:
    cfg = render_kamailio_cfg(door(tmp_path))
    assert '($si == "127.0.0.1" || is_in_subnet("$si", "10.20.0.0/24"))' in cfg
    assert 'sl_send_reply("403", "Forbidden")' in cfg


@pytest.mark.parametrize("changes, message", [
    ({"nodes": ()}, "no media node"),
    ({"nodes": (MediaNode("a", "127.0.0.1"), MediaNode("a", "127.0.0.2"))}, "used twice: a"),
    ({"nodes": (MediaNode("a", "asterisk1.example"),)}, "not an IP address"),
    ({"nodes": (MediaNode("a b", "127.0.0.1"),)}, "letters, digits"),
    ({"trunk_sources": ()}, "no trunk source"),
    ({"trunk_sources": ("carrier",)}, "not an address or network"),
    ({"listen_host": "localhost"}, "not an IP address"),
    ({"runtime_dir": "run"}, "absolute path"),
    ({"probe_interval_s": 0}, "out of range"),
])
def test_settings_kamailio_would_misread_are_refused_in_one_line(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    with pytest.raises(FrontDoorError, match=message) as caught:
        render_kamailio_cfg(door(tmp_path, **changes))
    assert "\n" not in str(caught.value)


def test_kamailio_accepts_the_rendered_config(tmp_path: Path) -> None:
    cfg = tmp_path / "kamailio.cfg"
    write_front_door(door(tmp_path), cfg)
    check_config(cfg)


def test_kamailios_refusal_is_reported_in_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "kamailio.cfg"
    write_front_door(door(tmp_path), cfg)
    cfg.write_text(cfg.read_text().replace("t_relay();", "t_relay_nowhere();", 1))
    with pytest.raises(KamailioError, match="kamailio refused the config") as caught:
        check_config(cfg)
    assert "\n" not in str(caught.value)


def test_with_a_registrar_phones_register_and_nodes_ring_agents_through_it(tmp_path: Path) -> None:
    cfg = render_kamailio_cfg(door(tmp_path, registrar=Registrar("postgres://kamailio@10.20.0.5:5432/kamailio")))
    assert 'modparam("usrloc", "db_mode", 1)' in cfg  # written through: a restart loses nobody
    assert 'modparam("auth_db", "password_column", "ha1")' in cfg  # only hashes in the table
    # an INVITE from a node's SIP socket (address and port) rings an agent; the trunk's go to nodes
    assert '($si == "127.0.0.1" && $sp == 5071) || ($si == "127.0.0.2" && $sp == 5072)' in cfg
    assert cfg.index("route(TO_AGENT)") < cfg.index("route(TO_MEDIA_NODE)")
    assert "route[REGISTRAR]" not in render_kamailio_cfg(door(tmp_path))


@pytest.mark.parametrize("url", ["postgres://kamailio:hunter2@10.0.0.1/kamailio", "postgres://kamailio@db.example/kamailio",
                                 "postgresql+psycopg://kamailio@10.0.0.1/kamailio"])
def test_a_registrar_database_url_with_a_password_or_a_host_name_is_refused_without_echoing_it(tmp_path: Path, url: str) -> None:
    with pytest.raises(FrontDoorError) as caught:
        render_kamailio_cfg(door(tmp_path, registrar=Registrar(url)))
    assert "hunter2" not in str(caught.value) and "\n" not in str(caught.value)


def test_kamailio_accepts_the_config_with_a_registrar(tmp_path: Path) -> None:
    cfg = tmp_path / "kamailio.cfg"
    write_front_door(door(tmp_path, registrar=Registrar("postgres://postgres@127.0.0.1:5432/kamailio")), cfg)
    check_config(cfg)
