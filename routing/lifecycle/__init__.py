"""The call lifecycle core: pure, typed, fed events with the time passed in (see core.py)."""

from routing.lifecycle.commands import (
    Command, Hangup, Note, Originate, Publish, RecordCallback, Redirect, Refused, Speak,
)
from routing.lifecycle.core import (
    AGENT_CONTEXT, CALLBACK_AGENT_CONTEXT, LOST_GRACE_S, NOTICE_LIMIT_S, RESULT_WAIT_S, Lifecycle, step,
)
from routing.lifecycle.events import (
    AdmitCallback, AgentChannel, AmiLost, CallbackAttempt, CallbackConnected, CallbackGreeted, CallbackLine,
    ChannelHangup, Event, KeepPlace, Leave, LiveChannel, NoticePlayed, OfferEnded, OfferStarted, OriginateResult,
    QueueJoin, Release, Reserve, Resynced, RingResult, RouterCommand, TakeAnnouncements, Tick,
)

__all__ = [
    "AGENT_CONTEXT", "AdmitCallback", "AgentChannel", "AmiLost", "CALLBACK_AGENT_CONTEXT", "CallbackAttempt",
    "CallbackConnected", "CallbackGreeted", "CallbackLine", "ChannelHangup", "Command", "Event", "Hangup",
    "KeepPlace", "LOST_GRACE_S", "Leave", "Lifecycle", "LiveChannel", "NOTICE_LIMIT_S", "Note", "NoticePlayed",
    "OfferEnded", "OfferStarted", "Originate", "OriginateResult", "Publish", "QueueJoin", "RESULT_WAIT_S",
    "RecordCallback", "Redirect", "Refused", "Release", "Reserve", "Resynced", "RingResult", "RouterCommand",
    "Speak", "TakeAnnouncements", "Tick", "step",
]
