"""AMI-shaped test events as the typed events the service's consumers take (what the AMI
client hands a typed subscription)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ivr.ami.events import Hangup
from ivr.userevents import decode


def typed(message: Mapping[str, str]) -> Any:
    """The typed event of a UserEvent (ivr.userevents) or Hangup message; fails on any other."""
    if message.get("Event") == "Hangup":
        return Hangup.from_message({"Channel": "", **message})
    event = decode(message)
    assert event is not None, f"not a contract event: {message.get('UserEvent') or message.get('Event')}"
    return event
