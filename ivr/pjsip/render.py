"""PJSIP configuration for the hotline, rendered as text from a few facts (pure).

One file an Asterisk `#include`s from its pjsip.conf: the trunk the 12333 number arrives on
(identified by the carrier's addresses), the trunk callbacks dial out through, and one
endpoint per agent's phone (endpoint + aor + auth, sharing the agent's extension as name).
Transports are the site's own (the sandbox renders its loopback ones): every endpoint names
one, since without it Asterisk resolves names for each call and stalls on a host without DNS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# G.711 only: the prompts are stored as ulaw, so a call in either law needs no transcoding.
CODECS = ("ulaw", "alaw")
HEADER = """\
; ---------------------------------------------------------------------------------------------
; GENERATED FILE - DO NOT EDIT. Rendered by ivr.pjsip from config/agents.yaml and config/sip.yaml;
; the secrets come from the site's SIP secrets file, never from the repository.
; ---------------------------------------------------------------------------------------------
"""


def pjsip_name(endpoint: str) -> str | None:
    """The PJSIP endpoint name of an agent's dial string ("PJSIP/1001" -> "1001"); None for
    anything else (tests ring Local channels)."""
    technology, _, name = endpoint.partition("/")
    return name if technology == "PJSIP" and name and "@" not in name and "/" not in name else None


@dataclass(frozen=True)
class AgentPhone:
    """An agent's phone: endpoint, aor and auth all named after its extension ("1001")."""

    name: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class IncomingTrunk:
    """Where the 12333 number arrives: INVITEs from `match` addresses go to `context`."""

    name: str
    match: tuple[str, ...]
    context: str = "hotline-entry"


@dataclass(frozen=True)
class OutgoingTrunk:
    """What callbacks dial through (`PJSIP/{number}@<name>`): the carrier's proxy, with an
    outbound registration's credentials only if the carrier asks for them."""

    name: str
    contact: str  # sip:host[:port]
    username: str | None = None
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AgentsProxy:
    """In a cluster the agents' phones register to Kamailio, not to any Asterisk: a node rings
    agent 1001 as `PJSIP/1001@<name>`, an INVITE to Kamailio, which knows where the phone is.
    Kamailio accepts the nodes by their address: no credentials on this side."""

    name: str  # "kamailio"
    contact: str  # sip:address:port of Kamailio


def via_proxy(endpoint: str, proxy: AgentsProxy) -> str:
    """An agent's dial string as a cluster node dials it: "PJSIP/1001" -> "PJSIP/1001@kamailio";
    anything that is not a plain PJSIP phone is returned unchanged."""
    name = pjsip_name(endpoint)
    return f"PJSIP/{name}@{proxy.name}" if name is not None else endpoint


def _media(transport: str) -> list[str]:
    return [
        f"transport = {transport}",
        "disallow = all",
        f"allow = {','.join(CODECS)}",
        "dtmf_mode = rfc4733",  # keys as RTP events (RFC 4733), what phones and carriers send
        "direct_media = no",  # media stays through Asterisk: prompts, recording, bridging
    ]


def _section(name: str, lines: Sequence[str], comment: str = "") -> str:
    head = f"[{name}]" + (f"\n; {comment}" if comment else "")
    return head + "\n" + "\n".join(lines) + "\n"


def render_agent_phone(phone: AgentPhone, *, transport: str, context: str, qualify_s: int) -> str:
    endpoint = _section(phone.name, [
        "type = endpoint",
        *_media(transport),
        f"context = {context}",
        f"auth = {phone.name}",
        f"aors = {phone.name}",
        f'callerid = "agent {phone.name}" <{phone.name}>',
        # send media and responses where the phone's packets come from (a phone behind NAT);
        # its registered Contact is kept as it says (no rewrite_contact), so a phone that
        # registers from one port and answers on another still rings
        "rtp_symmetric = yes",
        "force_rport = yes",
    ], f"agent phone {phone.name}")
    aor = _section(phone.name, [
        "type = aor",
        "max_contacts = 1",
        "remove_existing = yes",  # a phone re-registering from a new address replaces the old
        # an unreachable phone is seen within this many seconds, and gets no call
        f"qualify_frequency = {qualify_s}",
    ])
    auth = _section(phone.name, [
        "type = auth",
        "auth_type = userpass",
        f"username = {phone.name}",
        f"password = {phone.secret}",
    ])
    return "\n".join([endpoint, aor, auth])


def render_incoming_trunk(trunk: IncomingTrunk, *, transport: str) -> str:
    endpoint = _section(trunk.name, [
        "type = endpoint",
        *_media(transport),
        f"context = {trunk.context}",
    ], "the 12333 number as the carrier delivers it (no registration, no auth: identified by address)")
    identify = _section(trunk.name, [
        "type = identify",
        f"endpoint = {trunk.name}",
        *(f"match = {address}" for address in trunk.match),
    ])
    return "\n".join([endpoint, identify])


def render_outgoing_trunk(trunk: OutgoingTrunk, *, transport: str) -> str:
    lines = ["type = endpoint", *_media(transport), "context = hotline-entry", f"aors = {trunk.name}"]
    parts = []
    if trunk.username:
        lines.append(f"outbound_auth = {trunk.name}-auth")
        parts.append(_section(f"{trunk.name}-auth", [
            "type = auth", "auth_type = userpass", f"username = {trunk.username}", f"password = {trunk.secret or ''}",
        ]))
    endpoint = _section(trunk.name, lines, f"callbacks dial out here: PJSIP/<number>@{trunk.name}")
    aor = _section(trunk.name, ["type = aor", f"contact = {trunk.contact}", "qualify_frequency = 60"])
    return "\n".join([endpoint, aor, *parts])


def render_agents_proxy(proxy: AgentsProxy, *, transport: str, qualify_s: int) -> str:
    endpoint = _section(proxy.name, [
        "type = endpoint",
        *_media(transport),
        "context = hotline-staff",  # nothing is dialled from here: a node only sends INVITEs out
        f"aors = {proxy.name}",
    ], f"agents' phones, through Kamailio's registrar: dial PJSIP/<extension>@{proxy.name}")
    aor = _section(proxy.name, [
        "type = aor",
        f"contact = {proxy.contact}",
        # Kamailio unreachable: the whole agent side is, and Asterisk says so within this
        f"qualify_frequency = {qualify_s}",
    ])
    return "\n".join([endpoint, aor])


def render_pjsip(*, transport: str, phones: Sequence[AgentPhone], incoming: Sequence[IncomingTrunk] = (),
                 outgoing: OutgoingTrunk | None = None, agent_context: str = "hotline-staff",
                 qualify_s: int = 30, agents_proxy: AgentsProxy | None = None) -> str:
    """The hotline's PJSIP objects as one file. Refuses names that would collide, since
    Asterisk would otherwise merge two objects of one type silently. With `agents_proxy` (a
    cluster node) the phones are Kamailio's: give no `phones` then."""
    if agents_proxy is not None and phones:
        raise ValueError("agent phones register to Kamailio in a cluster: a node renders none of its own")
    names = ([p.name for p in phones] + [t.name for t in incoming] + ([outgoing.name] if outgoing else [])
             + ([agents_proxy.name] if agents_proxy else []))
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"PJSIP object names used twice: {', '.join(duplicates)}")
    for name in names:
        if not name or any(c in name for c in "[]; \t\n=,"):
            raise ValueError(f"not a usable PJSIP object name: {name!r}")
    for phone in phones:
        if not phone.secret or any(c in phone.secret for c in ";\n\r"):
            raise ValueError(f"agent phone {phone.name}: the secret is empty or has ';' or a line break")
    blocks = [HEADER]
    blocks += [render_incoming_trunk(t, transport=transport) for t in incoming]
    if outgoing is not None:
        blocks.append(render_outgoing_trunk(outgoing, transport=transport))
    blocks += [render_agent_phone(p, transport=transport, context=agent_context, qualify_s=qualify_s) for p in phones]
    if agents_proxy is not None:
        blocks.append(render_agents_proxy(agents_proxy, transport=transport, qualify_s=qualify_s))
    return "\n".join(blocks)
