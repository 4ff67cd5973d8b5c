"""Typed views of the standard AMI events the service acts on (the dialplan's own UserEvents
are typed in ivr/userevents.py).

A subscriber asks for a class and receives instances of it; every other event stays a raw
panoramisk Message. Decoding is lazy: an event nobody subscribed to a class for costs nothing.
Pure: each class reads a mapping of headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

Message = Mapping[str, str]  # an AMI message's headers (panoramisk's Message is one)


class TypedEvent(Protocol):
    """What AmiClient.subscribe takes as a typed subscription: the AMI event's name, and a
    decoder that gives an instance, or None when this message is not one (another UserEvent)."""

    EVENT: ClassVar[str]

    @classmethod
    def from_message(cls, message: Mapping[str, str]) -> Any: ...

# Headers every channel event carries, so UserEvent can tell its own fields apart.
_CHANNEL_HEADERS = frozenset(
    h.lower()
    for h in (
        "Event Privilege SystemName Channel ChannelState ChannelStateDesc CallerIDNum CallerIDName "
        "ConnectedLineNum ConnectedLineName Language AccountCode Context Exten Priority Uniqueid "
        "Linkedid UserEvent Timestamp"
    ).split()
)


@dataclass(frozen=True)
class AmiEvent:
    """Base of typed events: `EVENT` names the AMI event a class decodes."""

    EVENT: ClassVar[str] = ""

    @classmethod
    def from_message(cls, message: Message) -> AmiEvent:
        raise NotImplementedError


@dataclass(frozen=True)
class UserEvent(AmiEvent):
    EVENT: ClassVar[str] = "UserEvent"
    name: str
    channel: str
    uniqueid: str
    linkedid: str
    fields: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_message(cls, message: Message) -> UserEvent:
        fields = {k: v for k, v in message.items() if k.lower() not in _CHANNEL_HEADERS}
        return cls(
            name=message["UserEvent"],
            channel=message.get("Channel", ""),
            uniqueid=message.get("Uniqueid", ""),
            linkedid=message.get("Linkedid", ""),
            fields=fields,
        )


@dataclass(frozen=True)
class Hangup(AmiEvent):
    EVENT: ClassVar[str] = "Hangup"
    channel: str
    uniqueid: str
    linkedid: str
    cause: int
    cause_text: str

    caller_number: str = ""  # CallerIDNum; masked before it is logged or shown

    @classmethod
    def from_message(cls, message: Message) -> Hangup:
        return cls(
            channel=message["Channel"],
            uniqueid=message["Uniqueid"],
            linkedid=message.get("Linkedid", ""),
            cause=int(message.get("Cause") or 0),
            cause_text=message.get("Cause-txt", ""),
            caller_number=message.get("CallerIDNum", ""),
        )


@dataclass(frozen=True)
class BridgeEnter(AmiEvent):
    EVENT: ClassVar[str] = "BridgeEnter"
    bridge: str
    channel: str
    uniqueid: str

    @classmethod
    def from_message(cls, message: Message) -> BridgeEnter:
        return cls(message["BridgeUniqueid"], message["Channel"], message["Uniqueid"])


@dataclass(frozen=True)
class BridgeLeave(BridgeEnter):
    EVENT: ClassVar[str] = "BridgeLeave"


@dataclass(frozen=True)
class OriginateResponse(AmiEvent):
    EVENT: ClassVar[str] = "OriginateResponse"
    action_id: str
    success: bool
    channel: str
    uniqueid: str
    reason: int

    @classmethod
    def from_message(cls, message: Message) -> OriginateResponse:
        return cls(
            action_id=message.get("ActionID", ""),
            success=message.get("Response") == "Success",
            channel=message.get("Channel", ""),
            uniqueid=message.get("Uniqueid", ""),
            reason=int(message.get("Reason") or 0),
        )


@dataclass(frozen=True)
class TestEvent(AmiEvent):
    """Emitted by Asterisk builds with TEST_FRAMEWORK (Debian's): prompts played, numbers said."""

    EVENT: ClassVar[str] = "TestEvent"
    state: str
    message: str
    channel: str

    @classmethod
    def from_message(cls, message: Message) -> TestEvent:
        return cls(message.get("State", ""), message.get("Message", ""), message.get("Channel", ""))


@dataclass(frozen=True)
class FullyBooted(AmiEvent):
    EVENT: ClassVar[str] = "FullyBooted"
    uptime: int

    @classmethod
    def from_message(cls, message: Message) -> FullyBooted:
        return cls(int(message.get("Uptime") or 0))
