"""What a service does as it becomes the active one of a pair, on Asterisk (shell).

The books of the service that was active are gone with it; the waiting callers come back
from Asterisk's channels (the router's resync: each keeps their original join time). Two
things the resync does not cover are read here from the agents' legs, which carry the
ChannelId the router's Originate gave them (`agent-<agent id>-<random>`):

- a ring the other service started and nobody answered yet: hung up, so the agent is not
  offered a second call on top of it (the caller is still waiting on hold, place kept, and
  is offered again by this service);
- a conversation in progress: that agent is kept out of offers until its leg hangs up.

Then Asterisk is told to send FastAGI here: the dialplan reaches the service through the
global HOTLINE_AGI, which the active service sets on every connect and after every dialplan
reload.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ivr.ami import AmiClient, AmiError

log = logging.getLogger("hotline.cluster")

RING_PREFIX = "agent-"  # routing.asterisk.adapter: ChannelId of an agent's ring


@dataclass(frozen=True)
class AgentLeg:
    agent_id: str
    uniqueid: str
    channel: str
    in_call: bool  # answered (bridged, or about to be): the agent is busy


def agent_of(uniqueid: str) -> str | None:
    """`agent-<agent id>-<10 hex>` -> agent id; None for any other channel (or the far leg)."""
    if not uniqueid.startswith(RING_PREFIX) or uniqueid.endswith("-far"):
        return None
    agent_id, _, token = uniqueid[len(RING_PREFIX):].rpartition("-")
    return agent_id if agent_id and len(token) == 10 else None


async def read_agent_legs(ami: AmiClient) -> list[AgentLeg]:
    listed = await ami.send_list({"Action": "CoreShowChannels"})
    legs = []
    for channel in listed.events:
        agent_id = agent_of(channel.get("Uniqueid", ""))
        if agent_id is None:
            continue
        in_call = bool(channel.get("BridgeId")) or channel.get("ChannelStateDesc") == "Up"
        legs.append(AgentLeg(agent_id, channel.get("Uniqueid", ""), channel.get("Channel", ""), in_call))
    return legs


async def end_stale_rings(ami: AmiClient, legs: list[AgentLeg]) -> None:
    for leg in legs:
        if not leg.in_call:
            log.warning("takeover: the ring of agent %s the other service started is ended", leg.agent_id)
            try:
                await ami.send({"Action": "Hangup", "Channel": leg.channel}, check=False)
            except AmiError as exc:
                log.warning("takeover: could not end the ring of agent %s: %s", leg.agent_id, exc)


async def point_agi_here(ami: AmiClient, agi_url: str) -> None:
    await ami.send({"Action": "Setvar", "Variable": "HOTLINE_AGI", "Value": agi_url})
