"""The site's PJSIP objects for a production Asterisk, from config/sip.yaml, the roster and the
site's SIP secrets file; `ivrctl pjsip render|reload` (the reload is ivr.pjsip.reload's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.settings import Settings
from ivr.kamailio.render import PROXY_NAME
from ivr.menu.positions import parse_yaml
from ivr.pjsip import (AgentPhone, AgentsProxy, IncomingTrunk, OutgoingTrunk, pjsip_name, read_secrets,
                      render_pjsip)
from routing.asterisk import load_roster

MAX_BYTES = 1 << 20


class SipConfigError(ValueError):
    """config/sip.yaml cannot be used: `file: key.path: what`, one line."""


@dataclass(frozen=True)
class SipConfig:
    transport: str = "transport-udp"
    agent_context: str = "hotline-staff"  # dialplans/hotline-recorder.conf
    qualify_s: int = 30
    incoming: tuple[IncomingTrunk, ...] = ()
    outgoing: OutgoingTrunk | None = None


_TOP = {"transport", "agent_context", "qualify_s", "incoming", "outgoing"}


def parse_sip_config(text: str, source: str) -> SipConfig:
    def fail(path: str, what: str) -> SipConfigError:
        return SipConfigError(f"{source}: {path}: {what}")

    parsed = parse_yaml(text, source)  # bounded (size, aliases, depth, control bytes), duplicate keys refused
    if parsed.issues:
        raise SipConfigError(str(parsed.issues[0]))
    data = parsed.data or {}
    if not isinstance(data, dict):
        raise fail("(top)", "expected a mapping")
    for key in data:
        if key not in _TOP:
            raise fail(str(key), f"unknown key (known: {', '.join(sorted(_TOP))})")

    def text_at(value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(path, "expected a non-empty string")
        return value.strip()

    qualify = data.get("qualify_s", 30)
    if not isinstance(qualify, int) or isinstance(qualify, bool) or not 0 <= qualify <= 3600:
        raise fail("qualify_s", "expected whole seconds, 0 to 3600")
    incoming = []
    for i, item in enumerate(data.get("incoming") or []):
        if not isinstance(item, dict) or set(item) - {"name", "match", "context"}:
            raise fail(f"incoming[{i}]", "expected name, match and optionally context")
        matches = item.get("match")
        if not isinstance(matches, list) or not matches:
            raise fail(f"incoming[{i}].match", "expected a list of addresses")
        incoming.append(IncomingTrunk(text_at(item.get("name"), f"incoming[{i}].name"),
                                      tuple(text_at(m, f"incoming[{i}].match[{j}]") for j, m in enumerate(matches)),
                                      text_at(item.get("context", "hotline-entry"), f"incoming[{i}].context")))
    outgoing = None
    if (item := data.get("outgoing")) is not None:
        if not isinstance(item, dict) or set(item) - {"name", "contact", "username"}:
            raise fail("outgoing", "expected name, contact and optionally username")
        contact = text_at(item.get("contact"), "outgoing.contact")
        if not contact.startswith(("sip:", "sips:")):
            raise fail("outgoing.contact", "expected a SIP URI (sip:host[:port])")
        username = item.get("username")
        outgoing = OutgoingTrunk(text_at(item.get("name"), "outgoing.name"), contact,
                                 text_at(username, "outgoing.username") if username is not None else None)
    return SipConfig(text_at(data.get("transport", "transport-udp"), "transport"),
                     text_at(data.get("agent_context", "hotline-staff"), "agent_context"), qualify,
                     tuple(incoming), outgoing)


def load_sip_config(path: Path) -> SipConfig:
    if not path.exists():
        return SipConfig()  # no trunks: agents' phones only
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SipConfigError(f"{path}: larger than {MAX_BYTES} bytes")
    return parse_sip_config(data.decode("utf-8", "replace"), str(path))


def render_site_pjsip(settings: Settings) -> tuple[str, list[str]]:
    """The site's PJSIP file and warnings (agents left out for want of a secret). Raises
    SipConfigError or SecretsError, naming the file and never a secret."""
    config = load_sip_config(settings.sip_path)
    secrets = read_secrets(settings.sip_secrets_path) if settings.sip_secrets_path.exists() else {}
    if settings.cluster_path.exists():
        return _render_cluster_node(settings, config, secrets)
    phones, missing = [], []
    for agent in load_roster(settings.agents_path).values():
        name = pjsip_name(agent.endpoint)
        if name is None:
            continue
        if name in secrets:
            phones.append(AgentPhone(name, secrets[name]))
        else:
            missing.append(name)
    warnings = [f"no secret for {', '.join(missing)} in {settings.sip_secrets_path}: their phones are left out"] if missing else []
    outgoing = _outgoing(settings, config, secrets)
    text = render_pjsip(transport=config.transport, phones=phones, incoming=config.incoming, outgoing=outgoing,
                        agent_context=config.agent_context, qualify_s=config.qualify_s)
    return text, warnings


def _outgoing(settings: Settings, config: SipConfig, secrets: dict[str, str]) -> OutgoingTrunk | None:
    outgoing = config.outgoing
    if outgoing is not None and outgoing.username:
        if outgoing.name not in secrets:
            raise SipConfigError(f"{settings.sip_path}: outgoing.username: no `{outgoing.name} = ...` line in "
                                 f"{settings.sip_secrets_path} for its password")
        outgoing = OutgoingTrunk(outgoing.name, outgoing.contact, outgoing.username, secrets[outgoing.name])
    return outgoing


def _render_cluster_node(settings: Settings, config: SipConfig, secrets: dict[str, str]) -> tuple[str, list[str]]:
    """A media node of a cluster (config/cluster.yaml): no phones of its own (they register to
    Kamailio, and the node rings them through it as PJSIP/<extension>@kamailio), and the 12333
    trunk is whatever arrives from Kamailio's address, not the carrier's."""
    from hotline.cluster.config import read_cluster_config

    cluster = read_cluster_config(settings.cluster_path, settings.read_limits())
    host, port = cluster.listen
    incoming = tuple(IncomingTrunk(trunk.name, (host,), trunk.context) for trunk in config.incoming)
    outgoing = _outgoing(settings, config, secrets)
    text = render_pjsip(transport=config.transport, phones=(), incoming=incoming, outgoing=outgoing,
                        agent_context=config.agent_context, qualify_s=config.qualify_s,
                        agents_proxy=AgentsProxy(PROXY_NAME, f"sip:{host}:{port}"))
    return text, [f"cluster node: agents' phones register to Kamailio at {host}:{port}; the trunk is matched "
                  "as Kamailio's address"]
