"""config/cluster.yaml: the multi-node layout, read once and refused as `file:line: key.path: what`.

Without the file the hotline is one Asterisk, as before. With it:

- `ivrctl cluster kamailio-config` renders Kamailio's kamailio.cfg and dispatcher list from the
  front door's settings and the nodes (checked with `kamailio -c`);
- `ivrctl cluster kamailio-db` creates Kamailio's tables (Debian's schema files) and writes the
  agents' HA1 hashes from the site's SIP secrets file;
- `ivrctl dialplan reload` reloads every node, all or nothing.

Every node uses the AMI account of the site's settings (HOTLINE_AMI_USERNAME/SECRET).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivr.kamailio import FrontDoor, FrontDoorError, MediaNode, Registrar, render_dispatcher_list
from ivr.menu.limits import ReadLimits
from ivr.menu.positions import SourceMap, parse_yaml


class ClusterConfigError(ValueError):
    """One line: `file:line: key.path: what`."""


@dataclass(frozen=True)
class ClusterNode:
    name: str
    sip: tuple[str, int]
    ami: tuple[str, int]
    dialplan_live_dir: Path  # this host's path to the node's hotline dialplan directory


@dataclass(frozen=True)
class ClusterConfig:
    listen: tuple[str, int]
    trunk_sources: tuple[str, ...]
    registrar_database: str
    realm: str
    probe_interval_s: int
    nodes: tuple[ClusterNode, ...]
    runtime_dir: str = "/run/kamailio"
    dispatcher_list: str = "/etc/kamailio/dispatcher.list"

    def front_door(self, *, runtime_dir: str | None = None, dispatcher_list: str | None = None) -> FrontDoor:
        return FrontDoor(self.listen[0], self.listen[1],
                         tuple(MediaNode(node.name, *node.sip) for node in self.nodes), self.trunk_sources,
                         runtime_dir or self.runtime_dir, dispatcher_list or self.dispatcher_list,
                         probe_interval_s=self.probe_interval_s,
                         registrar=Registrar(self.registrar_database, realm=self.realm))


_TOP = {"front_door", "nodes"}
_DOOR = {"listen", "trunk_sources", "registrar_database", "realm", "probe_interval_s", "runtime_dir", "dispatcher_list"}
_NODE = {"name", "sip", "ami", "dialplan_live_dir"}


def parse_cluster_config(text: str, source: str, limits: ReadLimits | None = None) -> ClusterConfig:
    parsed = parse_yaml(text, source, limits)
    if parsed.issues:
        raise ClusterConfigError(str(parsed.issues[0]))
    where: SourceMap = parsed.source

    def fail(path: tuple[str | int, ...], what: str) -> ClusterConfigError:
        dotted = ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[") or "(top)"
        return ClusterConfigError(f"{source}:{where.line_of(path) or 1}: {dotted}: {what}")

    def mapping(value: Any, path: tuple[str | int, ...], known: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(path, "expected a mapping")
        for key in value:
            if key not in known:
                raise fail((*path, str(key)), f"unknown key (known: {', '.join(sorted(known))})")
        for key in sorted(required - set(value)):
            raise fail(path, f"{key} is missing")
        return value

    def address(value: Any, path: tuple[str | int, ...], default_port: int) -> tuple[str, int]:
        text = str(value).strip() if isinstance(value, (str, int)) else ""
        host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
        host = host or text
        try:
            ipaddress.ip_address(host)
            number = int(port) if port else default_port
        except ValueError:
            raise fail(path, f"expected address[:port] with a literal IP address, not {text!r}") from None
        if not 0 < number < 65536:
            raise fail(path, f"port {number} is out of range")
        return host, number

    data = mapping(parsed.data or {}, (), _TOP, _TOP)
    door = mapping(data["front_door"], ("front_door",), _DOOR, {"listen", "trunk_sources", "registrar_database"})
    sources = door["trunk_sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise fail(("front_door", "trunk_sources"), "expected a list of the carrier's addresses or networks")
    probe = door.get("probe_interval_s", 2)
    if not isinstance(probe, int) or isinstance(probe, bool):
        raise fail(("front_door", "probe_interval_s"), "expected whole seconds")
    nodes_data = data["nodes"]
    if not isinstance(nodes_data, list) or not nodes_data:
        raise fail(("nodes",), "expected a list of media nodes")
    nodes = []
    for i, item in enumerate(nodes_data):
        node = mapping(item, ("nodes", i), _NODE, _NODE)
        nodes.append(ClusterNode(str(node["name"]), address(node["sip"], ("nodes", i, "sip"), 5060),
                                 address(node["ami"], ("nodes", i, "ami"), 5038), Path(str(node["dialplan_live_dir"]))))
        if not nodes[-1].dialplan_live_dir.is_absolute():
            raise fail(("nodes", i, "dialplan_live_dir"), "expected an absolute path")
    config = ClusterConfig(address(door["listen"], ("front_door", "listen"), 5060), tuple(sources),
                           str(door["registrar_database"]), str(door.get("realm", "hotline12333")), probe, tuple(nodes),
                           str(door.get("runtime_dir", "/run/kamailio")),
                           str(door.get("dispatcher_list", "/etc/kamailio/dispatcher.list")))
    try:  # what the renderer refuses, refused here with the file's line
        render_dispatcher_list(config.front_door())
    except FrontDoorError as error:
        raise fail(("front_door",), str(error)) from None
    return config


def read_cluster_config(path: Path, limits: ReadLimits | None = None) -> ClusterConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ClusterConfigError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise ClusterConfigError(f"{path}: not UTF-8 (byte {error.start})") from None
    return parse_cluster_config(text, str(path), limits)
