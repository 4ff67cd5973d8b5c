"""Placing calls with no phone: a Local channel whose one half runs a caller script.

AMI Originate of Local/s@<caller context> answers into the IVR context: the `;1` half runs
the IVR, the `;2` half runs the caller script (Answer, then SendDTMF of the keys it is given).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from ivr.ami import AmiClient, AmiError


@dataclass(frozen=True)
class PlacedCall:
    uniqueid: str  # the IVR half (;1); UserEvents from the IVR carry it
    caller_uniqueid: str  # the caller-script half (;2)
    channel: str


async def place_call(
    ami: AmiClient,
    *,
    caller_context: str,
    context: str,
    exten: str = "s",
    variables: Mapping[str, str] | None = None,
    caller_id: str | None = None,
    timeout: float = 10.0,
) -> PlacedCall:
    """Originate one call and wait until it is up. Variables reach both halves."""
    call_id = "call-" + secrets.token_hex(6)
    action: dict[str, str | list[str]] = {
        "Action": "Originate",
        "Channel": f"Local/s@{caller_context}",
        "Context": context,
        "Exten": exten,
        "Priority": "1",
        "Async": "true",
        "ChannelId": call_id,
        "OtherChannelId": call_id + "-caller",
        "Timeout": str(int(timeout * 1000)),
    }
    if variables:
        action["Variable"] = [f"{k}={v}" for k, v in variables.items()]
    if caller_id:
        action["CallerID"] = caller_id
    messages = await ami.send_all(action, timeout=timeout + 2)
    final = messages[-1]
    if final.get("Response") != "Success":
        raise AmiError(f"Originate into {context} failed: {final.get('Reason') or final.get('Message')}")
    return PlacedCall(call_id, call_id + "-caller", final.get("Channel", ""))
