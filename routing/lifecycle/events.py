"""What the shells tell the call lifecycle core: typed, one per thing that happened.

Every event that comes from an Asterisk carries `node`, the id of the Asterisk it came from
("" while there is one), so channels of two nodes never mix. The shell stamps the time (the
`now` passed to `step`), not the event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from routing.decisions import Outcome
from routing.model import Call
from routing.router import Router


class RingResult(StrEnum):
    """How an Originate of an agent's phone ended."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"  # rang out, rejected, or the AMI reply never came
    BUSY = "busy"
    UNREACHABLE = "unreachable"  # no channel could be made, or the network refused: the device is down


@dataclass(frozen=True, slots=True)
class QueueJoin:
    """A caller's channel entered the hold context (the call, its bonuses already looked up)."""

    call: Call
    uniqueid: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class ChannelHangup:
    """Any channel hung up: the core knows whether it was a caller's or a ringing agent's."""

    uniqueid: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class AgentChannel:
    """Asterisk made the channel of a ring (Newchannel with our ChannelId)."""

    ring_id: str
    channel: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class OriginateResult:
    ring_id: str
    result: RingResult
    node: str = ""


@dataclass(frozen=True, slots=True)
class CallbackConnected:
    """The callback's caller picked up (the greeting plays, then the bridge)."""

    call_id: str
    task: str
    uniqueid: str
    channel: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class CallbackGreeted:
    """The callback's caller heard the greeting: the conversation starts now."""

    call_id: str
    task: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class CallbackAttempt:
    """The dialplan's report of one callback attempt (the agent's channel's hangup handler)."""

    call_id: str
    task: str
    status: str  # Asterisk's DIALSTATUS, "" if the agent hung up before the caller was dialled
    reached: bool
    node: str = ""


@dataclass(frozen=True, slots=True)
class NoticePlayed:
    """The hold script played the call's pending announcements (or could not be sent to)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class AmiLost:
    node: str = ""
    deliberate: bool = False  # the service closed it (stopping): nothing is lost


@dataclass(frozen=True, slots=True)
class LiveChannel:
    """A waiting caller read back from Asterisk's channels (after a reconnect or restart)."""

    call: Call
    uniqueid: str


@dataclass(frozen=True, slots=True)
class Resynced:
    """Asterisk's channels, read after a (re)connect: callers waiting on hold, and the unique
    ids of every live channel (a bridged call is alive if its caller's or agent's is)."""

    waiting: tuple[LiveChannel, ...]
    alive: frozenset[str]
    node: str = ""


@dataclass(frozen=True, slots=True)
class Tick:
    pass


@dataclass(frozen=True, slots=True)
class RouterCommand:
    """A router command from elsewhere (agent desk, phone watch, config reload)."""

    apply: Callable[[Router, float], Outcome]


@dataclass(frozen=True, slots=True)
class CallbackLine:
    """How to dial a callback task's caller back (channel variables of hotline-callback-agent)."""

    task: str
    dial: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdmitCallback:
    """A due callback task goes in line (restored: with its original enqueue time)."""

    call: Call
    line: CallbackLine


@dataclass(frozen=True, slots=True)
class Reserve:
    """The caller is confirming a callback: their hang-up is held back until KeepPlace/Release."""

    call_id: str


@dataclass(frozen=True, slots=True)
class KeepPlace:
    """The caller took a callback (its task is stored): the call keeps its place, line hung up."""

    call_id: str
    line: CallbackLine


@dataclass(frozen=True, slots=True)
class Release:
    """A reserved call stays an ordinary one (the callback could not be recorded)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class Leave:
    """The caller leaves the queue but not the call (to leave a message)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class OfferStarted:
    """The hold script starts the callback offer: a conversation a Redirect would cut off."""

    call_id: str


@dataclass(frozen=True, slots=True)
class OfferEnded:
    call_id: str


@dataclass(frozen=True, slots=True)
class TakeAnnouncements:
    """The hold script is about to speak: what the router wants the caller to hear."""

    call_id: str


Event = (QueueJoin | ChannelHangup | AgentChannel | OriginateResult | CallbackConnected | CallbackGreeted
         | CallbackAttempt | NoticePlayed | AmiLost | Resynced | Tick | RouterCommand | AdmitCallback | Reserve
         | KeepPlace | Release | Leave | OfferStarted | OfferEnded | TakeAnnouncements)
