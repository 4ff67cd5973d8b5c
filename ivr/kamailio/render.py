"""Kamailio as the hotline's SIP front door, rendered as text from a few facts (pure).

The 12333 trunk's INVITEs arrive at Kamailio, which spreads them round-robin over the Asterisk
media nodes that answer its OPTIONS probes (the dispatcher module) and tries the next node when
one does not answer in time. Kamailio stays in the signalling path only (record_route), so
in-dialog requests and a BYE from either side reach the right node; media flows between the
carrier and the node directly.

With a registrar, the agents' phones register to Kamailio too (digest against the subscriber
table, whose rows hold only HA1 hashes; the location kept in PostgreSQL, written through, so a
restart loses no registration), and a media node rings an agent by sending its INVITE to
Kamailio (`PJSIP/<extension>@kamailio`): any node can ring any agent.

Two files: `kamailio.cfg` and the dispatcher list it names. Nothing here resolves a host name:
every address is a literal IP, as on a trunk where DNS must not stall a call.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

HEADER = """\
# ---------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Rendered by ivr.kamailio from the hotline's cluster settings;
# check it with `kamailio -c -f <this file>` before loading it.
# ---------------------------------------------------------------------------------------------
"""
PROXY_NAME = "kamailio"  # a node's PJSIP endpoint for Kamailio: agents are PJSIP/<extension>@kamailio
DISPATCHER_SET = 1
ROUND_ROBIN = 4  # dispatcher algorithm 4: next destination in turn


@dataclass(frozen=True)
class MediaNode:
    """One Asterisk node: its name (for logs) and the SIP address its trunk endpoint listens on."""

    name: str
    host: str
    port: int = 5060


@dataclass(frozen=True)
class Registrar:
    """Where agents' phones register: the digest realm their HA1 hashes are made with, and the
    PostgreSQL database holding the location and subscriber tables (`ivrctl kamailio db-init`
    creates them from Debian's schema files). The URL names no password: give the kamailio
    role trust or peer authentication from the Kamailio host, or a .pgpass, never a secret in
    a rendered file."""

    db_url: str  # postgres://user@host:port/database
    realm: str = "hotline12333"
    max_expires_s: int = 3600  # a phone re-registers at least this often
    min_expires_s: int = 60


@dataclass(frozen=True)
class FrontDoor:
    listen_host: str
    listen_port: int
    nodes: tuple[MediaNode, ...]
    trunk_sources: tuple[str, ...]  # addresses or networks the carrier sends the 12333 calls from
    runtime_dir: str  # the control socket (kamcmd) lives here
    dispatcher_list: str  # where the dispatcher list is installed
    probe_interval_s: int = 2  # a dead node leaves rotation within about one interval
    node_timeout_ms: int = 2000  # no reply from a node in this long: try the next one
    children: int = 4
    registrar: Registrar | None = None  # None: no phones register here (calls only)


class FrontDoorError(ValueError):
    pass


def _address(text: str, what: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise FrontDoorError(f"{what}: {text!r} is not an IP address (no host names: DNS must not stall a call)") from None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise FrontDoorError(f"trunk source {text!r} is not an address or network") from None


def _check(door: FrontDoor) -> None:
    _address(door.listen_host, "listen address")
    if not door.nodes:
        raise FrontDoorError("no media node: the front door needs at least one Asterisk node")
    names = [node.name for node in door.nodes]
    if len(set(names)) != len(names):
        raise FrontDoorError(f"media node names used twice: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    for node in door.nodes:
        if not node.name.replace("-", "").replace("_", "").isalnum():
            raise FrontDoorError(f"media node name {node.name!r}: use letters, digits, - and _")
        _address(node.host, f"media node {node.name}")
        if not 0 < node.port < 65536:
            raise FrontDoorError(f"media node {node.name}: port {node.port} is out of range")
    if not door.trunk_sources:
        raise FrontDoorError("no trunk source: name the addresses the 12333 calls come from")
    for source in door.trunk_sources:
        _network(source)
    for path in (door.runtime_dir, door.dispatcher_list):
        if not PurePosixPath(path).is_absolute() or '"' in path:
            raise FrontDoorError(f"{path!r}: use an absolute path without quotes")
    if not 1 <= door.probe_interval_s <= 60:
        raise FrontDoorError(f"probe interval {door.probe_interval_s} s is out of range (1 to 60)")
    if door.registrar is not None:
        _check_registrar(door.registrar)


_DB_URL = re.compile(r"^postgres://(?P<user>[A-Za-z0-9_]+)@(?P<host>\[[0-9A-Fa-f:]+\]|[0-9.]+)(:(?P<port>[0-9]{1,5}))?/(?P<db>[A-Za-z0-9_]+)$")


def _check_registrar(registrar: Registrar) -> None:
    match = _DB_URL.match(registrar.db_url)
    if match is None:
        # never echo the URL: a mistyped one may carry a password
        raise FrontDoorError("registrar database: expected postgres://user@address[:port]/database "
                             "(a literal address, no password: use trust/peer auth or .pgpass)")
    _address(match["host"].strip("[]"), "registrar database host")
    if not registrar.realm or not all(c.isalnum() or c in "-_." for c in registrar.realm):
        raise FrontDoorError(f"registrar realm {registrar.realm!r}: use letters, digits, '-', '_' and '.'")
    if not 30 <= registrar.min_expires_s <= registrar.max_expires_s <= 86400:
        raise FrontDoorError("registrar expiry: need 30 <= min_expires_s <= max_expires_s <= 86400")


def _from_trunk(sources: Sequence[str]) -> str:
    """A Kamailio condition true when the request's source address is one of the trunk's."""
    tests = []
    for source in sources:
        network = _network(source)
        if network.num_addresses == 1:
            tests.append(f'$si == "{network.network_address}"')
        else:
            tests.append(f'is_in_subnet("$si", "{network}")')
    return " || ".join(tests)


def _from_media_node(nodes: Sequence[MediaNode]) -> str:
    """True when the request comes from a media node's SIP socket. The port is compared too: on
    one machine (loopback) the nodes, the trunk and the phones share an address."""
    return " || ".join(f'($si == "{node.host}" && $sp == {node.port})' for node in nodes)


def render_dispatcher_list(door: FrontDoor) -> str:
    _check(door)
    lines = [HEADER, "# set  destination  flags  priority  attributes"]
    lines += [f"{DISPATCHER_SET} sip:{node.host}:{node.port} 0 0 duid={node.name}" for node in door.nodes]
    return "\n".join(lines) + "\n"


def _registrar_modules(registrar: Registrar | None) -> str:
    if registrar is None:
        return ""
    return f"""
#!define DBURL "{registrar.db_url}"
# agents' phones: digest against the subscriber table, location in PostgreSQL
loadmodule "db_postgres.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
"""


def _registrar_params(registrar: Registrar | None) -> str:
    if registrar is None:
        return ""
    return f"""
# Write-through (db_mode 1): every REGISTER is in PostgreSQL before the 200 OK goes back, and a
# starting Kamailio loads the table, so a restart (or a kill -9) loses no phone.
modparam("usrloc", "db_url", DBURL)
modparam("usrloc", "db_mode", 1)
modparam("usrloc", "use_domain", 0)
modparam("usrloc", "timer_interval", 30)
modparam("registrar", "min_expires", {registrar.min_expires_s})
modparam("registrar", "max_expires", {registrar.max_expires_s})
# only HA1 hashes are stored (md5 of user:realm:secret), never the secret itself
modparam("auth_db", "db_url", DBURL)
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "password_column", "ha1")
modparam("auth_db", "use_domain", 0)
modparam("auth_db", "load_credentials", "")
"""


def _registrar_routes(door: FrontDoor) -> tuple[str, str]:
    """(lines in request_route, the routes they call) for phones and media nodes ringing them."""
    registrar = door.registrar
    if registrar is None:
        return "", ""
    calls = f"""    if (is_method("REGISTER")) {{
        route(REGISTRAR);
        exit;
    }}
    if (is_method("INVITE") && ({_from_media_node(door.nodes)})) {{
        route(TO_AGENT);
        exit;
    }}
"""
    routes = f"""
# an agent's phone registers: it proves its secret (digest, realm "{registrar.realm}") and
# may register only its own extension
route[REGISTRAR] {{
    if (!auth_check("{registrar.realm}", "subscriber", "1")) {{
        auth_challenge("{registrar.realm}", "0");
        exit;
    }}
    consume_credentials();
    # 0x04: one phone per agent; a REGISTER from a new address replaces the old one
    if (!save("location", "0x04")) {{
        sl_reply_error();
    }}
    exit;
}}

# a media node rings an agent (PJSIP/<extension>@kamailio): wherever its phone registered
route[TO_AGENT] {{
    if (!lookup("location")) {{
        xlog("L_INFO", "front door: agent $rU has no registered phone (call $ci)\\n");
        sl_send_reply("480", "Temporarily Unavailable");
        exit;
    }}
    record_route();
    xlog("L_INFO", "front door: call $ci from node $si:$sp to agent $rU at $ru\\n");
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}
"""
    return calls, routes


def render_kamailio_cfg(door: FrontDoor) -> str:
    _check(door)
    listen = _address(door.listen_host, "listen address")
    agent_calls, agent_routes = _registrar_routes(door)
    accepts = "calls from the trunk" + (" and agents' phones registering" if door.registrar else "")
    return f"""#!KAMAILIO
{HEADER}
# The hotline's SIP front door: {accepts}.
# Media nodes: {", ".join(f"{n.name} {n.host}:{n.port}" for n in door.nodes)}.

####### Global parameters #########
debug=2
log_facility=LOG_LOCAL0
children={door.children}
listen=udp:{listen}:{door.listen_port}
listen=tcp:{listen}:{door.listen_port}
# every address is literal: no DNS lookups, forward or reverse, on the call path
dns=no
rev_dns=no
use_dns_cache=no
auto_aliases=no

####### Modules #########
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "sanity.so"
loadmodule "ipops.so"
loadmodule "xlog.so"
loadmodule "ctl.so"
loadmodule "kex.so"
loadmodule "dispatcher.so"
{_registrar_modules(door.registrar)}
modparam("ctl", "binrpc", "unix:{door.runtime_dir}/kamailio_ctl")
# a node that sends no reply within this long is skipped for the next one
modparam("tm", "fr_timer", {door.node_timeout_ms})
modparam("tm", "fr_inv_timer", 60000)
modparam("dispatcher", "list_file", "{door.dispatcher_list}")
modparam("dispatcher", "flags", 2)  # keep the other nodes for failover
# OPTIONS every interval to every node; one missed probe takes a node out of rotation, one
# answer brings it back. A refusal (403, 404, 405) still means Asterisk is alive; a class-4
# wildcard would not do, since tm reports a probe nobody answered as a local 408.
modparam("dispatcher", "ds_ping_interval", {door.probe_interval_s})
modparam("dispatcher", "ds_probing_mode", 1)
modparam("dispatcher", "ds_probing_threshold", 1)
modparam("dispatcher", "ds_inactive_threshold", 1)
modparam("dispatcher", "ds_ping_from", "sip:front-door@{listen}")
modparam("dispatcher", "ds_ping_reply_codes", "class=2;code=403;code=404;code=405")
{_registrar_params(door.registrar)}
####### Routing logic #########
request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (!sanity_check("1511", "7")) {{
        exit;
    }}
    # a keep-alive for the carrier, a load balancer in front of us, or a media node
    if (is_method("OPTIONS") && uri == myself && $rU == $null) {{
        sl_send_reply("200", "OK");
        exit;
    }}
    if (has_totag()) {{
        route(WITHIN_DIALOG);
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    if (is_method("ACK")) {{
        exit;
    }}
    t_check_trans();
{agent_calls}    if (!is_method("INVITE")) {{
        sl_send_reply("405", "Method Not Allowed");
        exit;
    }}
    if (!({_from_trunk(door.trunk_sources)})) {{
        xlog("L_NOTICE", "front door: INVITE from $si refused: not a trunk address\\n");
        sl_send_reply("403", "Forbidden");
        exit;
    }}
    record_route();
    route(TO_MEDIA_NODE);
}}

route[WITHIN_DIALOG] {{
    if (loose_route()) {{
        t_relay();
        exit;
    }}
    if (is_method("ACK") && t_check_trans()) {{
        t_relay();
        exit;
    }}
    sl_send_reply("404", "Not Here");
}}

route[TO_MEDIA_NODE] {{
    if (!ds_select_dst("{DISPATCHER_SET}", "{ROUND_ROBIN}")) {{
        xlog("L_ERR", "front door: no media node answers its probes\\n");
        sl_send_reply("503", "Service Unavailable");
        exit;
    }}
    xlog("L_INFO", "front door: call $ci to $du\\n");
    t_on_failure("NEXT_MEDIA_NODE");
    if (!t_relay()) {{
        sl_reply_error();
    }}
    exit;
}}

# the chosen node did not answer, or said it cannot take calls: mark it and try the next
failure_route[NEXT_MEDIA_NODE] {{
    if (t_is_canceled()) {{
        exit;
    }}
    if (t_check_status("500|503") || (t_branch_timeout() && !t_branch_replied())) {{
        xlog("L_WARN", "front door: node $du failed call $ci; trying the next\\n");
        ds_mark_dst("ip");
        if (ds_next_dst()) {{
            t_on_failure("NEXT_MEDIA_NODE");
            t_relay();
            exit;
        }}
    }}
}}
{agent_routes}"""
