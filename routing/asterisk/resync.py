"""Reading the waiting callers back from Asterisk, so a restarted service loses nobody.

A waiting caller's channel sits in the hold context and carries everything the router needs
in channel variables set by dialplans/hotline-agent.conf.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ivr.ami import AmiClient, AmiError

VARIABLES = ("HOTLINE_CALL_ID", "HOTLINE_QUEUE_DIALECT", "HOTLINE_QUEUE_BUSINESS", "HOTLINE_ENQUEUED")


@dataclass(frozen=True)
class LiveCall:
    call_id: str
    uniqueid: str
    channel: str
    dialect: str
    business: str
    caller_number: str
    enqueued: float


async def read_live_calls(ami: AmiClient, hold_context: str) -> tuple[list[LiveCall], set[str]]:
    """(the callers waiting on hold, the Uniqueid of every live channel)."""
    channels = await ami.send_list({"Action": "CoreShowChannels"})
    # A bridged caller still shows the hold context (a bridge does not move its place in the
    # dialplan), so only channels in no bridge are waiting.
    waiting = [c for c in channels.events if c.get("Context") == hold_context and not c.get("BridgeId")]
    found = await asyncio.gather(*(_read_one(ami, c) for c in waiting))
    alive = {c.get("Uniqueid", "") for c in channels.events} - {""}
    return [c for c in found if c is not None], alive


async def _read_one(ami: AmiClient, channel: dict) -> LiveCall | None:  # type: ignore[type-arg]
    name = channel["Channel"]
    values: dict[str, str] = {}
    try:
        for variable in VARIABLES:
            reply = await ami.send({"Action": "Getvar", "Channel": name, "Variable": variable})
            values[variable] = reply.get("Value", "") or ""
    except AmiError:
        return None  # it hung up while we looked
    if not all(values.values()):
        return None
    return LiveCall(
        call_id=values["HOTLINE_CALL_ID"],
        uniqueid=channel.get("Uniqueid", ""),
        channel=name,
        dialect=values["HOTLINE_QUEUE_DIALECT"],
        business=values["HOTLINE_QUEUE_BUSINESS"],
        caller_number=channel.get("CallerIDNum", ""),
        enqueued=float(values["HOTLINE_ENQUEUED"]),
    )
